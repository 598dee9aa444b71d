"""Columns that several revisions declare alike, so that each revision reads as what is its own.

Revisions are applied history: each helper builds exactly the columns the revisions wrote out
before it existed (tests/test_schema.py compares the migrated schema with the models). A column
of another kind gets a new helper or stays written out; changing what one of these builds would
change the schema of revisions already applied.
"""

from __future__ import annotations

import sqlalchemy as sa


def key() -> sa.Column:
    """The integer primary key every table but routing_counters has."""
    return sa.Column("id", sa.Integer, primary_key=True)


def timestamp() -> sa.DateTime:
    """What every time column stores: an aware UTC time (bot.db.utcnow)."""
    return sa.DateTime(timezone=True)


def required(**types) -> list[sa.Column]:
    """NOT NULL columns, in the order given: name=type."""
    return [sa.Column(name, type_, nullable=False) for name, type_ in types.items()]


def optional(**types) -> list[sa.Column]:
    """Nullable columns, in the order given: name=type."""
    return [sa.Column(name, type_, nullable=True) for name, type_ in types.items()]


def strings(*, nullable: bool, **lengths: int) -> list[sa.Column]:
    """VARCHAR columns, in the order given: name=length."""
    return [sa.Column(name, sa.String(length), nullable=nullable) for name, length in lengths.items()]


def created_and_updated() -> list[sa.Column]:
    """created_at, updated_at: when a row was written first and last."""
    return required(created_at=timestamp(), updated_at=timestamp())


def parent(name: str, table: str, *, constraint: str | None = None, nullable: bool = False) -> sa.Column:
    """An integer reference to `table`.id; deleting the parent deletes the row."""
    return sa.Column(
        name, sa.Integer, sa.ForeignKey(f"{table}.id", ondelete="CASCADE", name=constraint), nullable=nullable
    )
