"""A plain-Python reference model of RULES.md §0-§4.

It reads the source tables as lists of dict rows (``SourceData``) and returns, for every
company of the spine, the decision fields of §1-§4: domain sums, BIT score and band, the
cap that bound it, the primary pressure class, the proof line and its machine-readable
twin, and the chosen slot. It is written from RULES.md and the project's interpretation
choices, one small function per rule, so that it can be compared company by company with
the SQL implementation.

Conventions of the rows (``load_from_postgres`` produces them): uuids are lowercase
strings, timestamptz values are tz-aware datetimes, jsonb values are dicts (or other JSON
values, or None), numerics are ``Decimal`` or ``int``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

# --------------------------------------------------------------------------- constants

DOMAINS: tuple[str, ...] = ("DOL", "PEOPLE", "BLOG")
DOMAIN_RANK: dict[str, int] = {domain: rank for rank, domain in enumerate(DOMAINS)}

# The pressure_domain each signal table must carry (§1, SOURCES.md).
TABLE_PRESSURE_DOMAIN: dict[str, str] = {
    "DOL": "STRUCTURAL_PRESSURE",
    "PEOPLE": "DECISION_SURFACE",
    "BLOG": "NARRATIVE_VOLATILITY",
}

PRESSURE_CLASSES: frozenset[str] = frozenset(
    {
        "COST_PRESSURE",
        "VENDOR_DISSATISFACTION",
        "DEADLINE_PROXIMITY",
        "ORGANIZATIONAL_RECONFIGURATION",
        "OPERATIONAL_CHAOS",
    }
)

SLOT_TYPES: tuple[str, ...] = ("CEO", "CFO", "HR")
HISTORY_EVENT_TYPES: frozenset[str] = frozenset({"ASSIGNED", "DISPLACED", "VACATED"})

RENEWAL_CLASS = "DEADLINE_PROXIMITY"
EXECUTIVE_CLASS = "ORGANIZATIONAL_RECONFIGURATION"

# "Whitespace" for blank checks and trimming: the ASCII whitespace characters, which is
# what a PostgreSQL ``[[:space:]]`` / ``\s`` regex matches under the C locale.
WHITESPACE = " \t\n\r\v\f"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --------------------------------------------------------------------------- data types


@dataclass
class SourceData:
    """Every source table as a list of dict rows keyed by column name (contract.py)."""

    outreach: list[dict] = field(default_factory=list)
    dol: list[dict] = field(default_factory=list)
    company_slot: list[dict] = field(default_factory=list)
    people_master: list[dict] = field(default_factory=list)
    slot_assignment_history: list[dict] = field(default_factory=list)
    dol_signals: list[dict] = field(default_factory=list)
    people_signals: list[dict] = field(default_factory=list)
    blog_signals: list[dict] = field(default_factory=list)


def _default_slot_map() -> dict[str, str]:
    return {
        "COST_PRESSURE": "CFO",
        "VENDOR_DISSATISFACTION": "HR",
        "DEADLINE_PROXIMITY": "HR",
        "ORGANIZATIONAL_RECONFIGURATION": "CEO",
        "OPERATIONAL_CHAOS": "CFO",
    }


def _default_assigned_magnitudes() -> dict[str, int]:
    return {"HR": 30, "CEO": 25, "CFO": 25}


def _default_weights() -> dict[str, Decimal]:
    return {"DOL": Decimal("1.0"), "PEOPLE": Decimal("0.8"), "BLOG": Decimal("0.5")}


@dataclass(frozen=True)
class Params:
    """Every number of the rules; defaults are RULES.md's values."""

    # §4: pressure class -> primary slot (a class missing here -> CEO, in select_slot).
    slot_map: dict[str, str] = field(default_factory=_default_slot_map)
    # §1 renewal bridge: (max days until renewal, magnitude), checked in order; beyond
    # the last step there is no signal.
    renewal_steps: tuple[tuple[int, int], ...] = (
        (30, 70),
        (60, 55),
        (90, 45),
        (120, 35),
    )
    renewal_expiry_days: int = 30
    # §1 executive bridge.
    assigned_magnitudes: dict[str, int] = field(default_factory=_default_assigned_magnitudes)
    assigned_lifetime_days: int = 180
    vacated_magnitude: int = 20
    vacated_lifetime_days: int = 90
    # §1 magnitude range of a good signal row.
    magnitude_min: int = 0
    magnitude_max: int = 100
    # §2.1-2.2
    domain_sum_cap: int = 100
    active_domain_threshold: int = 10
    weights: dict[str, Decimal] = field(default_factory=_default_weights)
    score_cap: int = 100
    # §2.3: lowest score of bands 1..5.
    band_thresholds: tuple[int, ...] = (10, 25, 40, 60, 80)
    band_names: tuple[str, ...] = (
        "SILENT",
        "WATCH",
        "EXPLORATORY",
        "TARGETED",
        "ENGAGED",
        "DIRECT",
    )
    # §2.4 caps.
    cap_blog_alone: int = 1
    cap_no_dol: int = 2
    cap_no_people: int = 3
    cap_no_blog: int = 4
    # §3: the lowest band that needs (and gets) a proof.
    proof_min_band: int = 3


@dataclass(frozen=True)
class Signal:
    """One good signal row (from a pressure_signals table or a bridge)."""

    signal_id: str
    outreach_id: str
    domain: str  # DOL, PEOPLE or BLOG
    pressure_class: str | None
    magnitude: int
    detected_at: datetime
    expires_at: datetime
    evidence: str  # already stripped
    created_at: datetime | None = None
    source_rank: int = 0  # table order, only a last-resort deterministic tie-break


@dataclass(frozen=True)
class RenewalBridge:
    signal: Signal
    renewal_date: date


@dataclass(frozen=True)
class Proof:
    line: str
    proof_id: str
    sources: tuple[str, ...]
    cited_signal_ids: tuple[str, ...]
    evidence: dict[str, str]
    valid_until: datetime
    decision_window_days: int | None


@dataclass(frozen=True)
class CompanyDecision:
    outreach_id: str
    dol_sum: int
    people_sum: int
    blog_sum: int
    active_domains: tuple[str, ...]
    bit_score: int
    raw_band: int
    band: int
    band_name: str
    cap: str
    primary_class: str | None
    proof_line: str | None
    proof_id: str | None
    proof_sources: tuple[str, ...] | None
    cited_signal_ids: tuple[str, ...] | None
    proof_evidence: dict[str, str] | None
    proof_valid_until: datetime | None
    decision_window_days: int | None
    slot: str | None


# --------------------------------------------------------------------------- §0 time


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


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- §1 signal rows


def evidence_phrase(signal_value: Any) -> str | None:
    """signal_value['evidence'] stripped, or None when it is missing, not text or blank."""
    if not isinstance(signal_value, Mapping):
        return None
    evidence = signal_value.get("evidence")
    if is_blank(evidence):
        return None
    return evidence.strip(WHITESPACE)


def signal_quarantine_reason(row: Mapping[str, Any], domain: str, spine: set[str], params: Params) -> str | None:
    """Why a pressure_signals row is bad (None when it is good)."""
    if row.get("signal_id") is None:
        return "NULL_SIGNAL_ID"
    if row.get("outreach_id") is None:
        return "NULL_OUTREACH_ID"
    if row.get("pressure_domain") != TABLE_PRESSURE_DOMAIN[domain]:
        return "WRONG_PRESSURE_DOMAIN"
    pressure_class = row.get("pressure_class")
    if pressure_class is not None and pressure_class not in PRESSURE_CLASSES:
        return "UNKNOWN_PRESSURE_CLASS"
    if not is_number_in(row.get("magnitude"), params.magnitude_min, params.magnitude_max):
        return "MAGNITUDE_OUT_OF_RANGE"
    if row.get("detected_at") is None:
        return "NULL_DETECTED_AT"
    if row.get("expires_at") is None:
        return "NULL_EXPIRES_AT"
    if not (is_finite(row["detected_at"]) and is_finite(row["expires_at"])):
        return "NON_FINITE_TIMESTAMP"
    if not row["expires_at"] > row["detected_at"]:
        return "EXPIRES_NOT_AFTER_DETECTED"
    if evidence_phrase(row.get("signal_value")) is None:
        return "NO_EVIDENCE"
    if row["outreach_id"] not in spine:
        return "ORPHAN_OUTREACH_ID"
    return None


def signal_from_row(row: Mapping[str, Any], domain: str) -> Signal:
    evidence = evidence_phrase(row.get("signal_value"))
    assert evidence is not None
    return Signal(
        signal_id=row["signal_id"],
        outreach_id=row["outreach_id"],
        domain=domain,
        pressure_class=row.get("pressure_class"),
        magnitude=int(row["magnitude"]),
        detected_at=require_aware(row["detected_at"]),
        expires_at=require_aware(row["expires_at"]),
        evidence=evidence,
        created_at=row.get("created_at"),
        source_rank=DOMAIN_RANK[domain],
    )


def good_signals(rows: Iterable[Mapping[str, Any]], domain: str, spine: set[str], params: Params) -> list[Signal]:
    """The good rows of one pressure_signals table (§1 quarantine, SOURCES.md bad rows)."""
    return [
        signal_from_row(row, domain) for row in rows if signal_quarantine_reason(row, domain, spine, params) is None
    ]


def existing_signals(signals: Iterable[Signal], as_of: datetime) -> list[Signal]:
    """§0/§9: signals are dated by detected_at; later ones do not exist."""
    return [signal for signal in signals if exists_at(signal.detected_at, as_of)]


def duplicate_preference(signal: Signal) -> tuple:
    """Sort key: the smallest key is the copy that is kept.

    Latest created_at (NULL lowest), then greatest magnitude, then smallest outreach_id,
    then smallest evidence. The rules stop there; the rest is a last-resort tie-break.
    """
    created_rank = (1, _EPOCH - signal.created_at) if signal.created_at is not None else (2, timedelta(0))
    ruled = (created_rank, -signal.magnitude, signal.outreach_id, signal.evidence)
    # Beyond the rules: only so that the result never depends on the order of the rows.
    arbitrary = (
        signal.source_rank,
        signal.pressure_class or "",
        signal.detected_at,
        signal.expires_at,
    )
    return ruled + arbitrary


def resolve_duplicates(signals: Iterable[Signal]) -> list[Signal]:
    """§1: a signal_id delivered more than once counts once."""
    kept: dict[str, Signal] = {}
    for signal in signals:
        current = kept.get(signal.signal_id)
        if current is None or duplicate_preference(signal) < duplicate_preference(current):
            kept[signal.signal_id] = signal
    return list(kept.values())


def is_active(signal: Signal, as_of: datetime) -> bool:
    """§1: active at as_of when detected_at <= as_of < expires_at."""
    return signal.detected_at <= as_of < signal.expires_at


# --------------------------------------------------------------------------- §1 renewal bridge


def dol_row_is_bad(row: Mapping[str, Any], spine: set[str]) -> bool:
    return (
        row.get("dol_id") is None
        or row.get("outreach_id") is None
        or row.get("created_at") is None
        or not is_integral_in(row.get("renewal_month"), 1, 12)
        or row["outreach_id"] not in spine
    )


def current_dol_rows(
    rows: Iterable[Mapping[str, Any]], spine: set[str], as_of: datetime
) -> dict[str, Mapping[str, Any]]:
    """Per company, its latest good outreach.dol row by created_at, then dol_id."""
    current: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        if dol_row_is_bad(row, spine) or not exists_at(row["created_at"], as_of):
            continue
        best = current.get(row["outreach_id"])
        if best is None or (row["created_at"], str(row["dol_id"])) > (
            best["created_at"],
            str(best["dol_id"]),
        ):
            current[row["outreach_id"]] = row
    return current


def next_renewal_date(renewal_month: int, today: date) -> date:
    """The first day of renewal_month on or after today (today counts)."""
    candidate = date(today.year, renewal_month, 1)
    if candidate < today:
        candidate = date(today.year + 1, renewal_month, 1)
    return candidate


def renewal_magnitude(days_until: int, steps: tuple[tuple[int, int], ...]) -> int | None:
    """0-30 -> 70, 31-60 -> 55, 61-90 -> 45, 91-120 -> 35, else no signal."""
    if days_until < 0:
        return None
    for max_days, magnitude in steps:
        if days_until <= max_days:
            return magnitude
    return None


def renewal_signal_id(outreach_id: str, renewal_date: date) -> str:
    return md5_uuid(f"renewal:{outreach_id}:{renewal_date:%Y-%m-%d}")


def renewal_bridge(outreach_id: str, renewal_month: int, as_of: datetime, params: Params) -> RenewalBridge | None:
    today = utc_date(as_of)
    renewal_date = next_renewal_date(int(renewal_month), today)
    days_until = (renewal_date - today).days
    magnitude = renewal_magnitude(days_until, params.renewal_steps)
    if magnitude is None:
        return None
    signal = Signal(
        signal_id=renewal_signal_id(outreach_id, renewal_date),
        outreach_id=outreach_id,
        domain="DOL",
        pressure_class=RENEWAL_CLASS,
        magnitude=magnitude,
        detected_at=as_of,
        expires_at=midnight_utc(renewal_date + timedelta(days=params.renewal_expiry_days)),
        evidence=f"renewal in {days_until} days",
    )
    return RenewalBridge(signal=signal, renewal_date=renewal_date)


def renewal_bridges(data: SourceData, spine: set[str], as_of: datetime, params: Params) -> dict[str, RenewalBridge]:
    bridges: dict[str, RenewalBridge] = {}
    for outreach_id, row in current_dol_rows(data.dol, spine, as_of).items():
        bridge = renewal_bridge(outreach_id, row["renewal_month"], as_of, params)
        if bridge is not None:
            bridges[outreach_id] = bridge
    return bridges


# --------------------------------------------------------------------------- §4 people and slots


def good_person_ids(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """unique_ids of people that exist: not NULL/blank and not duplicated (all copies bad)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        unique_id = row.get("unique_id")
        if unique_id is not None:
            counts[unique_id] += 1
    return {unique_id for unique_id, count in counts.items() if count == 1 and not is_blank(unique_id)}


def slot_row_is_bad(row: Mapping[str, Any], spine: set[str]) -> bool:
    return (
        row.get("slot_id") is None
        or row.get("outreach_id") is None
        or row.get("slot_type") is None
        or row["slot_type"] not in SLOT_TYPES
        or row["outreach_id"] not in spine
    )


def good_slot_rows(rows: Iterable[Mapping[str, Any]], spine: set[str]) -> list[Mapping[str, Any]]:
    """Slot rows that survive: the per-row checks, then no duplicated (company, slot_type)
    and no duplicated slot_id among the remaining rows (every copy is bad)."""
    remaining = [row for row in rows if not slot_row_is_bad(row, spine)]
    per_slot: dict[tuple[str, str], int] = defaultdict(int)
    per_id: dict[str, int] = defaultdict(int)
    for row in remaining:
        per_slot[(row["outreach_id"], row["slot_type"])] += 1
        per_id[row["slot_id"]] += 1
    return [
        row
        for row in remaining
        if per_slot[(row["outreach_id"], row["slot_type"])] == 1 and per_id[row["slot_id"]] == 1
    ]


def slot_is_filled(row: Mapping[str, Any], people: set[str]) -> bool:
    """§4: is_filled is true and person_unique_id points at an existing person."""
    return row.get("is_filled") is True and row.get("person_unique_id") in people


def filled_slots(data: SourceData, spine: set[str]) -> set[tuple[str, str]]:
    people = good_person_ids(data.people_master)
    return {
        (row["outreach_id"], row["slot_type"])
        for row in good_slot_rows(data.company_slot, spine)
        if slot_is_filled(row, people)
    }


# --------------------------------------------------------------------------- §1 executive bridge


def good_history_rows(rows: Iterable[Mapping[str, Any]], spine: set[str]) -> list[Mapping[str, Any]]:
    rows = list(rows)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.get("history_id") is not None:
            counts[row["history_id"]] += 1
    return [
        row
        for row in rows
        if row.get("history_id") is not None
        and counts[row["history_id"]] == 1
        and row.get("outreach_id") is not None
        and row.get("event_at") is not None
        and is_finite(row["event_at"])
        and row.get("slot_type") in SLOT_TYPES
        and row.get("event_type") in HISTORY_EVENT_TYPES
        and row["outreach_id"] in spine
    ]


def assigned_evidence(slot_type: str, days_in_seat: int) -> str:
    if slot_type == "HR":
        return f"new HR leader {days_in_seat} days in seat"
    return f"new {slot_type} {days_in_seat} days in seat"


def assigned_signal(row: Mapping[str, Any], as_of: datetime, params: Params) -> Signal:
    event_at = require_aware(row["event_at"])
    return Signal(
        signal_id=md5_uuid(f"assigned:{row['history_id']}"),
        outreach_id=row["outreach_id"],
        domain="PEOPLE",
        pressure_class=EXECUTIVE_CLASS,
        magnitude=params.assigned_magnitudes[row["slot_type"]],
        detected_at=event_at,
        expires_at=event_at + timedelta(days=params.assigned_lifetime_days),
        evidence=assigned_evidence(row["slot_type"], days_between(as_of, event_at)),
    )


def vacated_signal(row: Mapping[str, Any], as_of: datetime, params: Params) -> Signal:
    event_at = require_aware(row["event_at"])
    return Signal(
        signal_id=md5_uuid(f"vacated:{row['history_id']}"),
        outreach_id=row["outreach_id"],
        domain="PEOPLE",
        pressure_class=EXECUTIVE_CLASS,
        magnitude=params.vacated_magnitude,
        detected_at=event_at,
        expires_at=event_at + timedelta(days=params.vacated_lifetime_days),
        evidence=f"{row['slot_type']} seat vacant {days_between(as_of, event_at)} days",
    )


def executive_signals(
    data: SourceData,
    spine: set[str],
    filled: set[tuple[str, str]],
    as_of: datetime,
    params: Params,
) -> list[Signal]:
    """ASSIGNED -> a signal always; VACATED -> a signal when that slot is not filled now;
    DISPLACED -> nothing."""
    signals: list[Signal] = []
    for row in good_history_rows(data.slot_assignment_history, spine):
        if not exists_at(row["event_at"], as_of):
            continue
        if row["event_type"] == "ASSIGNED":
            signals.append(assigned_signal(row, as_of, params))
        elif row["event_type"] == "VACATED" and (row["outreach_id"], row["slot_type"]) not in filled:
            signals.append(vacated_signal(row, as_of, params))
    return signals


# --------------------------------------------------------------------------- §2 BIT band


def domain_sums(signals: Iterable[Signal], params: Params) -> dict[str, int]:
    """§2.1: per domain, the sum of magnitudes of (active) signals, capped at 100."""
    sums = dict.fromkeys(DOMAINS, 0)
    for signal in signals:
        sums[signal.domain] += signal.magnitude
    return {domain: min(total, params.domain_sum_cap) for domain, total in sums.items()}


def active_domains(sums: Mapping[str, int], params: Params) -> tuple[str, ...]:
    """§2.1: a domain is active when its (capped) sum is >= 10."""
    return tuple(domain for domain in DOMAINS if sums[domain] >= params.active_domain_threshold)


def bit_score(sums: Mapping[str, int], active: tuple[str, ...], params: Params) -> int:
    """§2.2: floor(1.0*DOL + 0.8*PEOPLE + 0.5*BLOG) over active domains, capped at 100."""
    weighted = sum(
        (Decimal(params.weights[domain]) * sums[domain] for domain in active),
        Decimal(0),
    )
    floored = int(weighted.to_integral_value(rounding=ROUND_FLOOR))
    return min(floored, params.score_cap)


def raw_band(score: int, params: Params) -> int:
    """§2.3: the number of band thresholds the score reaches."""
    return sum(1 for threshold in params.band_thresholds if score >= threshold)


def applying_caps(active: tuple[str, ...], params: Params) -> list[tuple[str, int]]:
    """§2.4: every cap that applies, as (name, maximum band)."""
    caps: list[tuple[str, int]] = []
    if active == ("BLOG",):
        caps.append(("BLOG_ALONE", params.cap_blog_alone))
    if "DOL" not in active:
        caps.append(("NO_DOL", params.cap_no_dol))
    if "PEOPLE" not in active:
        caps.append(("NO_PEOPLE", params.cap_no_people))
    if "BLOG" not in active:
        caps.append(("NO_BLOG", params.cap_no_blog))
    return caps


def final_band(raw: int, caps: list[tuple[str, int]]) -> int:
    """§2.4: min(raw band, every applying cap)."""
    return min([raw, *(value for _, value in caps)])


def recorded_cap(raw: int, caps: list[tuple[str, int]]) -> str:
    """§2.4: the applying cap with the lowest value, only if below the raw band."""
    if not caps:
        return "NONE"
    name, value = min(caps, key=lambda cap: cap[1])
    return name if value < raw else "NONE"


# --------------------------------------------------------------------------- §2.5 primary class


def strength_key(signal: Signal) -> tuple:
    """Smallest key = strongest: magnitude desc, DOL before PEOPLE (before BLOG), latest
    detected_at, smallest signal_id as text."""
    return (
        -signal.magnitude,
        DOMAIN_RANK[signal.domain],
        _EPOCH - signal.detected_at,
        signal.signal_id,
    )


def strongest(signals: Iterable[Signal]) -> Signal | None:
    return min(signals, key=strength_key, default=None)


def primary_signal(signals: Iterable[Signal], active: tuple[str, ...]) -> Signal | None:
    """§2.5: the strongest active signal with a class in the active DOL/PEOPLE domains."""
    return strongest(
        signal
        for signal in signals
        if signal.pressure_class is not None and signal.domain in ("DOL", "PEOPLE") and signal.domain in active
    )


def strongest_of_domain(signals: Iterable[Signal], domain: str) -> Signal | None:
    """§3: the strongest active signal with a non-NULL class of one domain."""
    return strongest(signal for signal in signals if signal.domain == domain and signal.pressure_class is not None)


# --------------------------------------------------------------------------- §3 proof


def cited_signals(
    band: int, primary: Signal | None, signals: list[Signal], active: tuple[str, ...]
) -> list[Signal] | None:
    """The signals the band's proof cites, in citation order; None when it cannot be formed."""
    if band == 3:
        return [primary] if primary is not None else None
    dol = strongest_of_domain(signals, "DOL")
    people = strongest_of_domain(signals, "PEOPLE")
    blog = strongest_of_domain(signals, "BLOG")
    if band == 4:
        if dol is None or people is None:
            return None
        return [dol, people] + ([blog] if blog is not None and "BLOG" in active else [])
    if band == 5:
        if dol is None or people is None or blog is None:
            return None
        return [dol, people, blog]
    return None


def proof_id(outreach_id: str, band: int, primary_class: str | None, cited_ids: Iterable[str]) -> str:
    return md5_uuid(f"proof|{outreach_id}|{band}|{primary_class}|{','.join(sorted(cited_ids))}")


def decision_window_days(
    cited_dol: Signal,
    valid_until: datetime,
    renewal: RenewalBridge | None,
    as_of: datetime,
) -> int:
    """§3 band 5: days to the next renewal when the cited DOL signal is the renewal
    bridge's, else days to the proof's valid_until."""
    if renewal is not None and cited_dol.signal_id == renewal.signal.signal_id:
        return days_between(renewal.renewal_date, utc_date(as_of))
    return days_between(valid_until, as_of)


def proof_line(band: int, primary_class: str, cited: list[Signal], window_days: int | None) -> str:
    if band == 3:
        signal = cited[0]
        return f"{primary_class} detected via {signal.domain}: {signal.evidence}"
    if band == 4:
        return f"{primary_class} convergence: " + " + ".join(signal.evidence for signal in cited)
    dol, people, blog = cited
    return (
        f"PHASE TRANSITION: {primary_class} \u2014 {dol.evidence} + {people.evidence} + {blog.evidence}"
        f" \u2014 Decision window: {window_days} days"
    )


def build_proof(
    outreach_id: str,
    band: int,
    primary: Signal | None,
    signals: list[Signal],
    active: tuple[str, ...],
    renewal: RenewalBridge | None,
    as_of: datetime,
    params: Params,
) -> Proof | None:
    if band < params.proof_min_band or primary is None:
        return None
    cited = cited_signals(band, primary, signals, active)
    if cited is None:
        return None
    primary_class = primary.pressure_class
    assert primary_class is not None
    valid_until = min(signal.expires_at for signal in cited)
    window = decision_window_days(cited[0], valid_until, renewal, as_of) if band == 5 else None
    cited_ids = tuple(signal.signal_id for signal in cited)
    return Proof(
        line=proof_line(band, primary_class, cited, window),
        proof_id=proof_id(outreach_id, band, primary_class, cited_ids),
        sources=tuple(signal.domain for signal in cited),
        cited_signal_ids=cited_ids,
        evidence={signal.domain: signal.evidence for signal in cited},
        valid_until=valid_until,
        decision_window_days=window,
    )


# --------------------------------------------------------------------------- §4 slot


def select_slot(
    is_filled: Callable[[str], bool],
    pressure_class: str | None,
    slot_map: dict[str, str],
) -> str | None:
    """The seed's select_slot, with is_slot_filled(company_id, slot) as a callable."""
    primary = slot_map.get(pressure_class, "CEO")  # type: ignore[arg-type]

    # Check if primary slot is filled
    if is_filled(primary):
        return primary

    # Fallback waterfall: CEO -> CFO -> HR
    for slot in ["CEO", "CFO", "HR"]:
        if is_filled(slot):
            return slot

    return None  # No valid slot


# --------------------------------------------------------------------------- evaluation


def all_signals(
    data: SourceData,
    spine: set[str],
    filled: set[tuple[str, str]],
    renewals: dict[str, RenewalBridge],
    as_of: datetime,
    params: Params,
) -> list[Signal]:
    """Good, existing, de-duplicated signals of the three tables plus the bridges."""
    pressure = [
        *good_signals(data.dol_signals, "DOL", spine, params),
        *good_signals(data.people_signals, "PEOPLE", spine, params),
        *good_signals(data.blog_signals, "BLOG", spine, params),
    ]
    bridges = [bridge.signal for bridge in renewals.values()]
    bridges += executive_signals(data, spine, filled, as_of, params)
    return resolve_duplicates(existing_signals(pressure, as_of) + existing_signals(bridges, as_of))


def decide_company(
    outreach_id: str,
    signals: list[Signal],
    filled: set[tuple[str, str]],
    renewal: RenewalBridge | None,
    as_of: datetime,
    params: Params,
) -> CompanyDecision:
    """§2-§4 for one company over its active signals."""
    sums = domain_sums(signals, params)
    active = active_domains(sums, params)
    score = bit_score(sums, active, params)
    raw = raw_band(score, params)
    caps = applying_caps(active, params)
    band = final_band(raw, caps)
    primary = primary_signal(signals, active)
    primary_class = primary.pressure_class if primary is not None else None
    proof = build_proof(outreach_id, band, primary, signals, active, renewal, as_of, params)
    slot = select_slot(
        lambda slot_type: (outreach_id, slot_type) in filled,
        primary_class,
        params.slot_map,
    )
    return CompanyDecision(
        outreach_id=outreach_id,
        dol_sum=sums["DOL"],
        people_sum=sums["PEOPLE"],
        blog_sum=sums["BLOG"],
        active_domains=active,
        bit_score=score,
        raw_band=raw,
        band=band,
        band_name=params.band_names[band],
        cap=recorded_cap(raw, caps),
        primary_class=primary_class,
        proof_line=proof.line if proof else None,
        proof_id=proof.proof_id if proof else None,
        proof_sources=proof.sources if proof else None,
        cited_signal_ids=proof.cited_signal_ids if proof else None,
        proof_evidence=proof.evidence if proof else None,
        proof_valid_until=proof.valid_until if proof else None,
        decision_window_days=proof.decision_window_days if proof else None,
        slot=slot,
    )


def evaluate(data: SourceData, as_of: datetime, params: Params = Params()) -> dict[str, CompanyDecision]:
    """One decision per distinct non-NULL outreach_id of the spine, keyed (and ordered) by it."""
    require_aware(as_of)
    spine = spine_ids(data)
    filled = filled_slots(data, spine)
    renewals = renewal_bridges(data, spine, as_of, params)
    by_company: dict[str, list[Signal]] = defaultdict(list)
    for signal in all_signals(data, spine, filled, renewals, as_of, params):
        if is_active(signal, as_of):
            by_company[signal.outreach_id].append(signal)
    return {
        outreach_id: decide_company(
            outreach_id,
            by_company.get(outreach_id, []),
            filled,
            renewals.get(outreach_id),
            as_of,
            params,
        )
        for outreach_id in sorted(spine)
    }


# --------------------------------------------------------------------------- loading

DEFAULT_SCHEMAS: dict[str, str] = {
    "cl": "cl",
    "outreach": "outreach",
    "people": "people",
    "dol": "dol",
    "blog": "blog",
}

_SIGNAL_COLUMNS = (
    "signal_id",
    "outreach_id",
    "signal_type",
    "pressure_domain",
    "pressure_class",
    "signal_value",
    "magnitude",
    "detected_at",
    "expires_at",
    "source_record_id",
    "created_at",
)

# SourceData field -> (default schema, table, columns as in contract.py).
SOURCE_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "outreach": (
        "outreach",
        "outreach",
        (
            "outreach_id",
            "sovereign_id",
            "domain",
            "ein",
            "has_appointment",
            "created_at",
            "updated_at",
        ),
    ),
    "dol": (
        "outreach",
        "dol",
        (
            "dol_id",
            "outreach_id",
            "ein",
            "filing_present",
            "funding_type",
            "broker_or_advisor",
            "carrier",
            "renewal_month",
            "outreach_start_month",
            "created_at",
            "updated_at",
        ),
    ),
    "company_slot": (
        "people",
        "company_slot",
        (
            "slot_id",
            "outreach_id",
            "slot_type",
            "person_unique_id",
            "is_filled",
            "filled_at",
            "confidence_score",
            "created_at",
            "updated_at",
        ),
    ),
    "people_master": (
        "people",
        "people_master",
        (
            "unique_id",
            "first_name",
            "last_name",
            "full_name",
            "title",
            "email",
            "email_verified",
            "outreach_ready",
            "email_verified_at",
            "linkedin_url",
            "created_at",
            "updated_at",
        ),
    ),
    "slot_assignment_history": (
        "people",
        "slot_assignment_history",
        (
            "history_id",
            "outreach_id",
            "slot_type",
            "person_unique_id",
            "event_type",
            "event_at",
        ),
    ),
    "dol_signals": ("dol", "pressure_signals", _SIGNAL_COLUMNS),
    "people_signals": ("people", "pressure_signals", _SIGNAL_COLUMNS),
    "blog_signals": ("blog", "pressure_signals", _SIGNAL_COLUMNS),
}


# PostgreSQL's 'infinity' and '-infinity' timestamps, as the loader below reads them.
INFINITY = datetime.max.replace(tzinfo=UTC)
MINUS_INFINITY = datetime.min.replace(tzinfo=UTC)


def is_finite(value: datetime) -> bool:
    return value not in (INFINITY, MINUS_INFINITY)


def convert_value(value: Any) -> Any:
    """uuid -> lowercase str, timestamp -> tz-aware UTC datetime; the rest as psycopg gives it
    (jsonb -> dict/list/..., numeric -> Decimal, int -> int)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return value


def register_infinite_timestamps(conn: Any) -> None:
    """Read 'infinity' and '-infinity' timestamptz values (which psycopg refuses) as INFINITY
    and MINUS_INFINITY on the psycopg connection ``conn``, and write those two back as
    'infinity' and '-infinity' (not as the years 9999 and 1)."""
    from psycopg.types.datetime import DatetimeDumper, TimestamptzLoader

    class InfinityLoader(TimestamptzLoader):
        def load(self, data):
            infinite = {b"infinity": INFINITY, b"-infinity": MINUS_INFINITY}.get(bytes(data))
            return infinite if infinite is not None else super().load(data)

    class InfinityDumper(DatetimeDumper):
        def dump(self, obj):
            infinite = {INFINITY: b"infinity", MINUS_INFINITY: b"-infinity"}.get(obj)
            return infinite if infinite is not None else super().dump(obj)

    conn.adapters.register_loader("timestamptz", InfinityLoader)
    conn.adapters.register_dumper(datetime, InfinityDumper)


def load_from_postgres(conninfo: str, schemas: dict[str, str] | None = None) -> SourceData:
    """Read the source tables with psycopg 3.

    ``schemas`` maps a default schema name (cl, outreach, people, dol, blog) to the
    schema actually holding that table; names not given keep their default.
    """
    import psycopg
    from psycopg import sql
    from psycopg.rows import dict_row

    names = {**DEFAULT_SCHEMAS, **(schemas or {})}
    data = SourceData()
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        register_infinite_timestamps(conn)
        conn.read_only = True
        conn.execute("set time zone 'UTC'")
        for attribute, (schema, table_name, columns) in SOURCE_TABLES.items():
            query = sql.SQL("select {columns} from {schema}.{table}").format(
                columns=sql.SQL(", ").join(sql.Identifier(column) for column in columns),
                schema=sql.Identifier(names[schema]),
                table=sql.Identifier(table_name),
            )
            rows = [{key: convert_value(value) for key, value in row.items()} for row in conn.execute(query)]
            setattr(data, attribute, rows)
    return data
