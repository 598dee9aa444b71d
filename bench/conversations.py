"""The conversation scripts of the benchmark, shared by bench/locustfile.py and bench/profile.py.

(name, weight, [(message, phrases of which the reply must contain one; () = any non-empty reply)])
"""

from __future__ import annotations

OURS = [
    (
        "billing",
        2,
        [
            ("how are managed services billed?", ("subscription",)),
            ("and outsourcing?", ("time & material",)),
        ],
    ),
    (
        "relationship",
        2,
        [
            ("is outsourcing more reactive?", ("reactive",)),
            ("what about the relationship?", ("transactional",)),
        ],
    ),
    (
        "catalogue",
        3,
        [
            ("do you do SOC as a service?", ("EUR 2,900",)),
            ("how much is it?", ("EUR 2,900",)),
        ],
    ),
    (
        "greet_help",
        2,
        [
            ("hi", ()),
            ("what can you do?", ()),
        ],
    ),
    (
        "out_of_scope",
        1,
        [
            ("why does my wifi keep disconnecting?", ("can only help", "not sure I understood")),
        ],
    ),
]

# The framework's starter bot (`rasa init`): the same shape of conversation.
BASELINE = [
    (
        "greet_sad",
        4,
        [
            ("hello", ("How are you",)),
            ("I am sad", ("Did that help you?",)),
        ],
    ),
    (
        "sad_yes",
        3,
        [
            ("I am sad", ("Did that help you?",)),
            ("yes", ("Great, carry on!",)),
        ],
    ),
    (
        "greet_great",
        2,
        [
            ("hi", ("How are you",)),
            ("great", ("Great, carry on!",)),
        ],
    ),
    (
        "challenge_bye",
        1,
        [
            ("are you a bot?", ("I am a bot",)),
            ("goodbye", ("Bye",)),
        ],
    ),
]
