"""docs/rulebook.md §0, evaluation time: one instant per run, whole UTC calendar days,
later rows do not exist; and the md5-uuid ids the rules define."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, time


def require_aware(ts: datetime) -> datetime:
    """as_of and every timestamp must be tz-aware; they are compared as instants."""
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError(f"timestamp without time zone: {ts!r}")
    return ts


def utc_date(ts: datetime) -> date:
    """The calendar date of an instant, in UTC."""
    return require_aware(ts).astimezone(UTC).date()


def days_between(later: datetime | date, earlier: datetime | date) -> int:
    """§0: "N days" = date(later) - date(earlier), whole days between UTC dates."""
    later_date = utc_date(later) if isinstance(later, datetime) else later
    earlier_date = utc_date(earlier) if isinstance(earlier, datetime) else earlier
    return (later_date - earlier_date).days


def exists_at(dated_at: datetime, as_of: datetime) -> bool:
    """§0: rows dated after as_of do not exist for the run."""
    return dated_at <= as_of


def md5_uuid(key: str) -> str:
    """Postgres ``md5(key)::uuid`` as lowercase canonical text."""
    return str(uuid.UUID(hashlib.md5(key.encode("utf-8")).hexdigest()))


def midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)
