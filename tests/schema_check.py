"""Model/migration comparison shared by each area's schema test."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine


def _table_of(diff) -> str | None:
    for obj in diff if isinstance(diff, list) else [diff]:
        if not isinstance(obj, tuple) or len(obj) < 2:
            continue
        table = getattr(obj[1], "table", obj[1])
        name = getattr(table, "name", None) or (obj[2] if len(obj) > 2 else None)
        if isinstance(name, str):
            return name
    return None


def model_diffs(engine: Engine, metadata, tables: set[str]) -> list:
    """What alembic autogenerate would change in `tables` to match the models (should be [])."""
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    return [diff for diff in diffs if _table_of(diff) in tables]
