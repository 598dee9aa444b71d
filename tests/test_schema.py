"""The schema the migrations build is the one the models describe, every table of it.

On SQLite and PostgreSQL: a column, type, index or constraint that a revision (or a helper of
bot/migrations/columns.py) builds otherwise than the model declares it fails here, and so does
a table that only one side has. test_sales_schema.py and test_catalogue_loader.py check their
revisions' data and downgrades.
"""

from schema_check import model_diffs
from sqlalchemy import inspect

from bot import db


def test_every_mapped_table_is_as_the_migrations_build_it(engine):
    db.load_models()
    tables = set(db.Base.metadata.tables)
    assert tables >= {"services", "leads", "outbox", "incidents", "answer_ratings"}
    assert model_diffs(engine, db.Base.metadata, tables) == []


def test_the_migrations_build_no_table_without_a_model(engine):
    db.load_models()
    built = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert built == set(db.Base.metadata.tables)
