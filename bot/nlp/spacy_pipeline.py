"""The project's own spaCy pipeline: blank English + an EntityRuler built from the catalogue.

Pretrained spaCy models cannot be downloaded here, so Rasa's SpacyNLP loads this one
(`model: models/spacy_en_sourcing`) and SpacyEntityExtractor reports its "service"
entities. Patterns match on LOWER, so case never matters; hyphenated and "&"/"and"
spellings are generated too. A fingerprint of the catalogue file skips rebuilds.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

from bot import settings
from bot.catalogue.loader import ServiceSpec, read_catalogue
from bot.catalogue.models import normalize_alias
from bot.settings import get_settings

LABEL = "service"
DEFAULT_OUT = settings.ROOT / "models" / "spacy_en_sourcing"
FINGERPRINT_FILE = "catalogue.fingerprint"
BUILDER_VERSION = "1"  # bump when pattern generation changes, to force a rebuild


def fingerprint(catalogue: Path) -> str:
    """Catalogue bytes + builder + spaCy version: anything that changes the output."""
    digest = hashlib.sha256(catalogue.read_bytes())
    digest.update(f"|builder={BUILDER_VERSION}|spacy={version('spacy')}".encode())
    return digest.hexdigest()


def _variants(text: str) -> set[str]:
    """Spellings of one alias a visitor may type: as written, normalized, hyphenated."""
    norm = normalize_alias(text)
    out = {text.lower(), norm}
    if " " in norm:
        out.add(norm.replace(" ", "-"))
    if " and " in norm:
        out.add(norm.replace(" and ", " & "))
    return {v for v in out if v.strip()}


def patterns_for(specs: list[ServiceSpec], nlp) -> list[dict]:
    """Token patterns on LOWER, labelled "service", id = slug; deduplicated."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    patterns = []
    for spec in specs:
        for text, _kind in spec.raw_aliases():
            for variant in sorted(_variants(text)):
                tokens = tuple(t.lower_ for t in nlp.make_doc(variant) if not t.is_space)
                if tokens and (spec.slug, tokens) not in seen:
                    seen.add((spec.slug, tokens))
                    patterns.append(
                        {"label": LABEL, "id": spec.slug, "pattern": [{"LOWER": t} for t in tokens]}
                    )
    return patterns


def build_pipeline(specs: list[ServiceSpec]):
    import spacy
    from spacy.pipeline import EntityRuler

    nlp = spacy.blank("en")
    ruler: EntityRuler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})  # type: ignore[assignment]
    ruler.add_patterns(patterns_for(specs, nlp))
    nlp.meta.update(
        name="sourcing",
        version="0.0.1",
        description="Blank English pipeline + EntityRuler generated from data/catalogue.yml",
    )
    return nlp


def build(catalogue: str | Path | None = None, out: str | Path | None = None, force: bool = False) -> bool:
    """Build and save the pipeline; False when the saved one already matches the catalogue.

    Raises bot.catalogue.loader.CatalogueError for an invalid catalogue.
    """
    catalogue = Path(catalogue or get_settings().catalogue_yaml)
    out = Path(out or DEFAULT_OUT)
    specs = read_catalogue(catalogue)  # validate first: a bad file never replaces a good model
    stamp = fingerprint(catalogue)
    marker = out / FINGERPRINT_FILE
    if (
        not force
        and (out / "config.cfg").exists()
        and marker.exists()
        and marker.read_text().strip() == stamp
    ):
        return False
    # Write beside the target, then swap, so a reader never sees a half-written model.
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        build_pipeline(specs).to_disk(tmp)
        (tmp / FINGERPRINT_FILE).write_text(stamp + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True
