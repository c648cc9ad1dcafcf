"""The source rows as the reference model reads them, and the checks on their values.

Conventions (``load_from_postgres`` produces them): every source table is a list of dict
rows keyed by column name (``contract.py``); uuids are lowercase strings, timestamptz
values are tz-aware datetimes (PostgreSQL's ``infinity`` and ``-infinity`` are INFINITY and
MINUS_INFINITY), jsonb values are dicts (or other JSON values, or None), numerics are
``Decimal`` or ``int``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# "Whitespace" for blank checks and trimming: the ASCII whitespace characters, which is
# what a PostgreSQL ``[[:space:]]`` / ``\s`` regex matches under the C locale.
WHITESPACE = " \t\n\r\v\f"

# PostgreSQL's 'infinity' and '-infinity' timestamps, as the loader reads them.
INFINITY = datetime.max.replace(tzinfo=UTC)
MINUS_INFINITY = datetime.min.replace(tzinfo=UTC)


@dataclass
class SourceData:
    """Every source table the rules read, as a list of dict rows keyed by column name."""

    outreach: list[dict] = field(default_factory=list)
    dol: list[dict] = field(default_factory=list)
    company_slot: list[dict] = field(default_factory=list)
    people_master: list[dict] = field(default_factory=list)
    slot_assignment_history: list[dict] = field(default_factory=list)
    dol_signals: list[dict] = field(default_factory=list)
    people_signals: list[dict] = field(default_factory=list)
    blog_signals: list[dict] = field(default_factory=list)

    def signal_rows(self, domain: str) -> list[dict]:
        """The rows of one hub's pressure_signals table (``DOL`` -> ``dol_signals``)."""
        return getattr(self, f"{domain.lower()}_signals")


def is_finite(value: datetime) -> bool:
    return value not in (INFINITY, MINUS_INFINITY)


def is_blank(value: Any) -> bool:
    return not isinstance(value, str) or value.strip(WHITESPACE) == ""


def is_integral_in(value: Any, low: int, high: int) -> bool:
    """An integer-valued number (not a bool) within [low, high]."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int):
        return low <= value <= high
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value() and low <= value <= high
    return False


def is_number_in(value: Any, low: int, high: int) -> bool:
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    if isinstance(value, Decimal) and not value.is_finite():
        return False
    return low <= value <= high


def spine_ids(data: SourceData) -> set[str]:
    """The companies: distinct non-NULL outreach_id of outreach.outreach."""
    return {row["outreach_id"] for row in data.outreach if row.get("outreach_id") is not None}
