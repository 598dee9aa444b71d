"""The domain's vocabulary, grouped into concepts, as features for the intent classifier.

Visitors name the same thing in many words ("invoiced", "pay monthly", "fee", "subscription"
are all about billing). A word the training data never paired with an intent still lands on
its concept here, which is what lets the classifier generalise beyond its examples; the
TF-IDF baseline has no such knowledge. Patterns are regular expressions over lower-cased
text with word boundaries; keep each concept about one thing a visitor may ask.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

CONCEPTS: dict[str, tuple[str, ...]] = {
    "difference": (r"differ\w*", r"diff", r"vs\.?", r"versus", r"compare\w*", r"comparison", r"same thing",
                   r"distinction", r"distinguish\w*", r"contrast", r"or\b.*\bwhich", r"better",
                   r"pros and cons", r"choose between"),
    "definition": (r"what (is|are|does|do)", r"whats", r"what's", r"define", r"definition", r"meaning",
                   r"mean", r"stand for", r"explain\w*", r"in plain english", r"what exactly"),
    "sourcing": (r"outsourc\w*", r"outsorc\w*", r"msps?", r"managed (it|services?|service providers?)",
                 r"service providers?", r"provider", r"vendor", r"third[- ]party",
                 r"external (it|team|company)"),
    "responsibility": (r"responsib\w*", r"accountab\w*", r"liab\w*", r"who (owns|handles|is in charge|fixes)",
                       r"in charge", r"scope", r"ownership", r"obligations?", r"covered", r"what do they do",
                       r"who does what", r"duties", r"remit"),
    "proactivity": (r"proactiv\w*", r"reactiv\w*", r"monitor\w*", r"prevent\w*", r"patch\w*", r"updates?",
                    r"before (it|they|things) (break|fail)", r"break[- ]fix", r"firefight\w*",
                    r"wait for (a|us to)", r"ahead of", r"maintenance"),
    "billing": (r"bill\w*", r"invoic\w*", r"pay\w*", r"charg\w*", r"subscription", r"monthly fee",
                r"fixed (fee|price)", r"pricing model", r"time (and|&) materials?", r"t&m", r"retainer",
                r"per (month|hour|day|project)", r"predictab\w*", r"budget\w*", r"cost model", r"fees?"),
    "price": (r"how much", r"prices?", r"pricing", r"costs?", r"rates?", r"quote", r"expensive", r"cheap\w*",
              r"eur", r"euros?", r"€", r"\$", r"afford\w*", r"starting at"),
    "relationship": (r"relationship", r"partner\w*", r"long[- ]term", r"transactional", r"trust\w*",
                     r"custodian", r"commitment", r"contract length", r"lock[- ]in", r"work together",
                     r"engagement", r"collaborat\w*"),
    "examples": (r"examples?", r"typical\w*", r"typically", r"kinds? of", r"types? of", r"such as",
                 r"what (services|areas|things)", r"which (services|areas)", r"usually (covered|included)",
                 r"what can be (outsourced|managed)"),
    "offer": (r"do (you|u|ya) (do|offer|have|provide|sell|run|support|handle)", r"offer\w*", r"provide\w*",
              r"your (services|portfolio|catalogue|catalog)", r"can (you|u) (do|help with|take|handle)",
              r"available", r"you guys", r"your company", r"your firm"),
    "sla": (r"sla\w*", r"service level", r"response times?", r"uptime", r"availability", r"guarantee\w*",
            r"24/7", r"how fast", r"how quickly", r"resolution time", r"support hours"),
    "sales": (r"sales", r"call (me|back)", r"contact", r"talk to (a|someone|somebody|a human|a person)",
              r"speak (to|with)", r"demo", r"meeting", r"get in touch", r"reach (out|you)", r"book\w*",
              r"consultation", r"proposal", r"reach me", r"email me", r"phone"),
    "greeting": (r"hi+", r"hello+", r"hey+", r"good (morning|afternoon|evening)", r"howdy", r"yo"),
    "farewell": (r"bye", r"goodbye", r"see (you|ya)", r"that'?s all", r"have a (nice|good) day", r"cya"),
    "thanks": (r"thanks?", r"thank (you|u)", r"thx", r"ty", r"cheers", r"appreciate\w*", r"helpful"),
    "bot": (r"(are|r) (you|u) (a )?(bot|robot|human|real|person|ai)", r"bot", r"robot", r"chatgpt",
            r"human", r"real person", r"automated"),
    "help_menu": (r"help", r"what can (you|u) do", r"options", r"menu", r"capabilit\w*",
                  r"how does this work"),
    "stop": (r"stop", r"cancel", r"quit", r"abort", r"never ?mind", r"forget (it|that)", r"don'?t want"),
    "yes": (r"yes", r"yeah", r"yep", r"sure", r"ok(ay)?", r"correct", r"right", r"sounds good", r"go ahead"),
    "no": (r"no", r"nope", r"nah", r"not really", r"not now", r"negative"),
    "followup": (r"^and\b", r"^what about", r"^how about", r"^same for", r"^and the"),
    "it_support_problem": (r"my (laptop|pc|computer|printer|password|phone|screen|mouse|keyboard|account)",
                           r"my wifi",
                           r"not working", r"broken", r"crash\w*", r"won'?t (start|print|connect|open|boot)",
                           r"reset", r"forgot", r"locked out", r"error", r"install\w*", r"virus"),
    "jobs": (r"hiring", r"jobs?", r"career\w*", r"vacanc\w*", r"apply", r"cv", r"resume", r"internship",
             r"salary", r"work for you", r"position"),
    "customer_account": (r"refund\w*", r"my (invoice|order|account|subscription|ticket)", r"cancel my",
                         r"login", r"log in", r"sign (up|in)", r"password", r"account set ?up", r"username"),
    "coding": (r"python", r"javascript", r"sql query", r"regex", r"code (for|to|that)", r"function",
               r"bug in my", r"stack ?trace", r"compile\w*", r"how do i (write|code|program)"),
    # other businesses' customer questions and trades: "do you ...?" or "can i cancel ...?"
    # about these is not a question for an IT sourcing firm, whatever its shape
    "consumer": (r"ship(ping|ped|s|ment|ments)?", r"parcels?", r"couriers?", r"postage", r"my orders?",
                 r"track (my|our|the|a) (order|parcel|package|delivery)", r"reservations?", r"reserve",
                 r"hotels?", r"flights?", r"airport", r"table for", r"restaurants?", r"vegan", r"gluten",
                 r"breakfast", r"dinner", r"lunch", r"pizza", r"(in|out of) stock", r"restock",
                 r"return (it|an item|the item|my|a product)", r"returns", r"gift cards?", r"vouchers?",
                 r"coupons?", r"discount codes?", r"checkout", r"check[- ]in (time|at|is)", r"basket",
                 r"cart", r"membership", r"gym", r"appointment", r"tickets? (for|to) (the|a)", r"concert",
                 r"(hotel|double|single) rooms?", r"holiday", r"deposit", r"test drive"),
    "trades": (r"plumb\w*", r"electrician\w*", r"roof\w*", r"locksmith\w*", r"carpets?", r"pest control",
               r"landscap\w*", r"garden\w*", r"cleaning (service|company)", r"window cleaning", r"cleaners?",
               r"painters?", r"removals?", r"movers", r"mechanics?", r"car (repair|service|wash)",
               r"dentists?",
               r"doctors?", r"lawyers?", r"solicitors?", r"accountants?", r"photographers?", r"taxi",
               r"catering", r"cater", r"hairdress\w*", r"haircut", r"washing machines?", r"boilers?",
               r"heating", r"tutor\w*", r"real estate", r"flats? to rent"),
    "general_chitchat": (r"weather", r"joke", r"recipe", r"football", r"movie", r"music", r"song",
                         r"love", r"age", r"how old", r"capital of", r"news"),
}


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    return [(name, re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)"))
            for name, patterns in CONCEPTS.items()]


def concept_names() -> list[str]:
    return list(CONCEPTS)


def concepts_in(text: str) -> list[str]:
    lowered = " ".join((text or "").lower().split())
    return [name for name, pattern in _compiled() if pattern.search(lowered)]


def concept_matrix(texts: list[str]) -> np.ndarray:
    """(n, concepts) 0/1 matrix: which concepts each text mentions."""
    names = concept_names()
    index = {name: i for i, name in enumerate(names)}
    out = np.zeros((len(texts), len(names)), dtype=np.float32)
    for row, text in enumerate(texts):
        for name in concepts_in(text):
            out[row, index[name]] = 1.0
    return out
