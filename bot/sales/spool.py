"""A durable local spool for leads submitted while the sales database is down.

keep() writes the visitor's lead as one JSON file per conversation (written to a temporary
name, fsynced, then renamed, so a crash leaves the old file or the new one, never half
of one; mode 0600: it holds personal data). flush() stores each spooled lead with
save_lead, which is idempotent per conversation, and only then deletes the file, so a
crash between the two stores it once, not twice. The action server runs flush() every
LEAD_SPOOL_INTERVAL seconds (start_worker); `bot leads forget` erases spooled leads too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import db
from bot.db import utcnow
from bot.sales import repository, throttle, validation
from bot.sales.models import Lead
from bot.settings import get_settings

log = logging.getLogger(__name__)

# A bound on disk use while the database is down (a flood meets the throttle or this).
MAX_SPOOLED = 10_000
_FIELDS = {f.name for f in dataclasses.fields(repository.LeadInput)}


class SpoolFull(OSError):
    """The spool holds MAX_SPOOLED leads already."""


@dataclass
class FlushStats:
    stored: int = 0
    failed: int = 0  # still spooled: the database is still down
    dropped: int = 0  # unreadable or refused by validation (kept aside as *.bad)


def _folder(folder: Path | None) -> Path:
    return Path(folder) if folder is not None else get_settings().lead_spool_dir


def _file_for(folder: Path, conversation_id: str) -> Path:
    digest = hashlib.sha256(conversation_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"lead-{digest}.json"


def keep(data: repository.LeadInput, folder: Path | None = None) -> Path:
    """Write the lead to the spool (replacing an earlier copy for its conversation)."""
    folder = _folder(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if len(pending(folder)) >= MAX_SPOOLED:
        raise SpoolFull(f"the lead spool holds {MAX_SPOOLED} leads already")
    record = dataclasses.asdict(data)
    record["submitted_at"] = record.get("submitted_at") or utcnow().isoformat()
    target = _file_for(folder, data.conversation_id)
    temporary = target.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, target)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
    return target


def pending(folder: Path | None = None) -> list[Path]:
    folder = _folder(folder)
    return sorted(folder.glob("lead-*.json")) if folder.is_dir() else []


def read(path: Path) -> repository.LeadInput:
    record = json.loads(path.read_text(encoding="utf-8"))
    return repository.LeadInput(**{k: v for k, v in record.items() if k in _FIELDS})


def flush(engine: Engine | None = None, folder: Path | None = None) -> FlushStats:
    """Store every spooled lead; stops at the first database error (still down)."""
    stats = FlushStats()
    files = pending(folder)
    for path in files:
        try:
            data = read(path)
            repository.save_lead(engine or db.get_engine(), data)  # no throttle: already accepted
        except FileNotFoundError:
            continue  # another worker stored it meanwhile
        except SQLAlchemyError as exc:
            stats.failed = len(files) - stats.stored - stats.dropped
            log.warning(
                "lead spool: %d lead(s) still waiting, the sales database is unavailable (%s)",
                stats.failed,
                type(exc).__name__,
            )
            return stats
        except (ValueError, TypeError, validation.InvalidInput, repository.ConsentRequired) as exc:
            log.error("lead spool: %s cannot be stored (%s); kept as .bad", path.name, type(exc).__name__)
            path.replace(path.with_suffix(".bad"))
            stats.dropped += 1
            continue
        path.unlink(missing_ok=True)
        stats.stored += 1
    if stats.stored:
        log.info("lead spool: %d lead(s) stored in the sales database", stats.stored)
    return stats


def forget(email: str | None, phone: str | None, folder: Path | None = None) -> int:
    """Delete spooled leads of this e-mail address or phone number; returns how many."""
    removed = 0
    for path in pending(folder) + sorted(_folder(folder).glob("lead-*.bad")):
        try:
            data = read(path)
        except (OSError, ValueError, TypeError):
            continue
        same_email = bool(email and (data.email or "").strip().lower() == email)
        same_phone = bool(phone and data.phone and _phone_or_none(data.phone) == phone)
        if same_email or same_phone:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _phone_or_none(text: str) -> str | None:
    try:
        return validation.validate_phone(text)
    except validation.InvalidInput:
        return None


def run_worker(stop_event: threading.Event, interval: float, folder: Path | None = None) -> None:
    while not stop_event.is_set():
        try:
            if pending(folder):
                flush(folder=folder)
        except Exception:  # a worker thread must survive anything and try again later
            log.exception("lead spool: flush failed")
        stop_event.wait(interval)


def start_worker(
    interval: float | None = None, folder: Path | None = None
) -> tuple[threading.Thread, threading.Event]:
    """Flush the spool every `interval` seconds in a daemon thread; set the event to stop."""
    stop = threading.Event()
    every = interval or get_settings().lead_spool_interval
    thread = threading.Thread(target=run_worker, args=(stop, every, folder), name="lead-spool", daemon=True)
    thread.start()
    return thread, stop


def save_or_keep(
    data: repository.LeadInput,
    engine: Engine | None = None,
    limits: throttle.Limits | None = None,
    folder: Path | None = None,
) -> Lead | None:
    """Store the lead now; None when the sales database is unavailable and it was spooled.

    Raises what save_lead raises for bad input or the throttle, and OSError when the
    spool cannot be written either (then nothing is kept: the visitor must be told).
    """
    try:
        return repository.save_lead(engine or db.get_engine(), data, limits=limits)
    except SQLAlchemyError as exc:
        log.error("sales database unavailable (%s): the lead waits in the spool", type(exc).__name__)
        keep(data, folder)
        return None
