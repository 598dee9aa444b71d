"""The catalogue-driven spaCy pipeline: entity ruler, save/load, fingerprint skip."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import spacy
import yaml

from bot import cli
from bot.catalogue.loader import CatalogueError
from bot.nlp import spacy_pipeline as sp

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.yml"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("spacy") / "spacy_en_sourcing"
    assert sp.build(CATALOGUE, out) is True
    return out


@pytest.fixture(scope="module")
def nlp(model_dir):
    return spacy.load(model_dir, disable=["parser"])  # exactly how Rasa's SpacyNLP loads it


def _ents(nlp, text):
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


def test_loads_with_spacy_load(model_dir, nlp):
    assert nlp.lang == "en" and nlp.pipe_names == ["entity_ruler"]
    assert nlp.path is not None  # Rasa refuses a pipeline that was not loaded from disk
    assert (model_dir / "config.cfg").exists() and (model_dir / sp.FINGERPRINT_FILE).exists()


@pytest.mark.parametrize(
    "text, span, slug",
    [
        ("Do you offer a Managed Helpdesk?", "Managed Helpdesk", "managed-helpdesk"),
        ("how much is ur managed helpdsk", "managed helpdsk", "managed-helpdesk"),
        ("we want SOC-as-a-Service asap", "SOC-as-a-Service", "soc-as-a-service"),
        ("is soc as a service 24/7?", "soc as a service", "soc-as-a-service"),
        ("price for FIREWAL MANAGEMENT please", "FIREWAL MANAGEMENT", "managed-firewall"),
        ("Backup & Disaster Recovery for 5 TB", "Backup & Disaster Recovery", "backup-disaster-recovery"),
        (
            "do you do backup and disaster recovery",
            "backup and disaster recovery",
            "backup-disaster-recovery",
        ),
        (
            "need help with custom-software-development",
            "custom-software-development",
            "custom-software-development",
        ),
        ("Staff Augmentation for 6 months", "Staff Augmentation", "body-leasing"),
        ("can you set up CI/CD for us", "CI/CD", "devops-engineering"),
    ],
)
def test_ruler_finds_services_in_sentences(nlp, text, span, slug):
    assert (span, "service", slug) in _ents(nlp, text)


@pytest.mark.parametrize("text", ["do you offer managed services?", "hello there", "I want pizza delivery"])
def test_ruler_ignores_non_services(nlp, text):
    assert _ents(nlp, text) == []


def test_ruler_reports_several_services(nlp):
    slugs = [e[2] for e in _ents(nlp, "We need Server Management, a firewall and body leasing")]
    assert slugs == ["managed-servers", "managed-firewall", "body-leasing"]


def test_rebuild_with_unchanged_catalogue_is_a_fast_no_op(model_dir):
    before = (model_dir / "config.cfg").stat().st_mtime_ns
    started = time.perf_counter()
    assert sp.build(CATALOGUE, model_dir) is False
    assert time.perf_counter() - started < 1.0
    assert (model_dir / "config.cfg").stat().st_mtime_ns == before


def test_changed_catalogue_rebuilds_and_bad_one_keeps_the_model(tmp_path):
    cat = tmp_path / "catalogue.yml"
    data = yaml.safe_load(CATALOGUE.read_text())
    data["services"][0]["synonyms"].append("wobble net")
    cat.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "model"
    assert sp.build(cat, out) is True
    assert sp.build(cat, out) is False

    data["services"][0]["synonyms"].append("zigzag lan")
    cat.write_text(yaml.safe_dump(data, sort_keys=False))
    assert sp.build(cat, out) is True
    assert _ents(spacy.load(out), "Zigzag LAN please")[0][2] == data["services"][0]["slug"]

    data["services"][0]["side"] = "nowhere"
    cat.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(CatalogueError, match="unknown side"):
        sp.build(cat, out)
    assert _ents(spacy.load(out), "zigzag lan")  # the previous model is untouched
    assert not list(tmp_path.glob(".model-*"))  # no temp directories left behind


def test_cli_build_spacy(tmp_path, capsys):
    out = tmp_path / "m"
    assert cli.main(["nlp", "build-spacy", "--out", str(out), "--catalogue", str(CATALOGUE)]) == 0
    assert "built" in capsys.readouterr().out
    assert cli.main(["nlp", "build-spacy", "--out", str(out), "--catalogue", str(CATALOGUE)]) == 0
    assert "up to date" in capsys.readouterr().out
    bad = tmp_path / "bad.yml"
    bad.write_text("services: [oops")
    assert cli.main(["nlp", "build-spacy", "--out", str(out), "--catalogue", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "not valid YAML" in err and "Traceback" not in err
