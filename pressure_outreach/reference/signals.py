"""docs/rulebook.md §1, signals: the good rows of the three hubs' pressure_signals tables,
the renewal and executive bridges, one copy per signal id, and which are active."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pressure_outreach.reference.instants import (
    days_between,
    exists_at,
    md5_uuid,
    midnight_utc,
    require_aware,
    utc_date,
)
from pressure_outreach.reference.params import ExecutiveSignalRule, Params, RenewalStep
from pressure_outreach.reference.rows import WHITESPACE, SourceData, is_blank, is_finite, is_integral_in, is_number_in

# The domain each bridge's signals belong to, and the slot events the executive bridge
# reads: every ASSIGNED gives a signal, a VACATED only while its seat is empty (as the
# SQL's int_executive_signals_derived says them).
RENEWAL_DOMAIN = "DOL"
EXECUTIVE_DOMAIN = "PEOPLE"
ASSIGNED = "ASSIGNED"
VACATED = "VACATED"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


# --------------------------------------------------------------------------- the hubs' rows


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
    if row.get("pressure_domain") != params.table_pressure_domains[domain]:
        return "WRONG_PRESSURE_DOMAIN"
    pressure_class = row.get("pressure_class")
    if pressure_class is not None and pressure_class not in params.pressure_classes:
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
    evidence = evidence_phrase(row.get("signal_value"))
    if evidence is None:
        return "NO_EVIDENCE"
    if len(evidence) > params.evidence_max_chars:
        return "EVIDENCE_TOO_LONG"
    if row["outreach_id"] not in spine:
        return "ORPHAN_OUTREACH_ID"
    return None


def signal_from_row(row: Mapping[str, Any], domain: str, params: Params) -> Signal:
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
        source_rank=params.domain_rank[domain],
    )


def good_signals(rows: Iterable[Mapping[str, Any]], domain: str, spine: set[str], params: Params) -> list[Signal]:
    """The good rows of one pressure_signals table (§1 quarantine, the source contract's bad rows)."""
    return [
        signal_from_row(row, domain, params)
        for row in rows
        if signal_quarantine_reason(row, domain, spine, params) is None
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


# --------------------------------------------------------------------------- renewal bridge


def dol_row_is_bad(row: Mapping[str, Any], spine: set[str], params: Params) -> bool:
    return (
        row.get("dol_id") is None
        or row.get("outreach_id") is None
        or row.get("created_at") is None
        or not is_integral_in(row.get("renewal_month"), params.renewal_month_min, params.renewal_month_max)
        or row["outreach_id"] not in spine
    )


def current_dol_rows(
    rows: Iterable[Mapping[str, Any]], spine: set[str], as_of: datetime, params: Params
) -> dict[str, Mapping[str, Any]]:
    """Per company, its latest good outreach.dol row by created_at, then dol_id."""
    current: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        if dol_row_is_bad(row, spine, params) or not exists_at(row["created_at"], as_of):
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


def renewal_magnitude(days_until: int, steps: Iterable[RenewalStep]) -> int | None:
    """The magnitude of the renewal_magnitudes step the days fall in; none, no signal."""
    return next((step.magnitude for step in steps if step.min_days <= days_until <= step.max_days), None)


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
        domain=RENEWAL_DOMAIN,
        pressure_class=params.renewal_class,
        magnitude=magnitude,
        detected_at=as_of,
        expires_at=midnight_utc(renewal_date + timedelta(days=params.renewal_expiry_days)),
        evidence=f"renewal in {days_until} days",
    )
    return RenewalBridge(signal=signal, renewal_date=renewal_date)


def renewal_bridges(data: SourceData, spine: set[str], as_of: datetime, params: Params) -> dict[str, RenewalBridge]:
    bridges: dict[str, RenewalBridge] = {}
    for outreach_id, row in current_dol_rows(data.dol, spine, as_of, params).items():
        bridge = renewal_bridge(outreach_id, row["renewal_month"], as_of, params)
        if bridge is not None:
            bridges[outreach_id] = bridge
    return bridges


# --------------------------------------------------------------------------- executive bridge


def good_history_rows(rows: Iterable[Mapping[str, Any]], spine: set[str], params: Params) -> list[Mapping[str, Any]]:
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
        and row.get("slot_type") in params.slot_types
        and row.get("event_type") in params.slot_event_types
        and row["outreach_id"] in spine
    ]


def executive_signal(row: Mapping[str, Any], rule: ExecutiveSignalRule, as_of: datetime, params: Params) -> Signal:
    """The signal of one slot event: the seed's magnitude and lifetime, evidence
    `<prefix> N <suffix>` with N days from the event to as_of, id md5('<event>:<history_id>')."""
    event_at = require_aware(row["event_at"])
    return Signal(
        signal_id=md5_uuid(f"{row['event_type'].lower()}:{row['history_id']}"),
        outreach_id=row["outreach_id"],
        domain=EXECUTIVE_DOMAIN,
        pressure_class=params.executive_class,
        magnitude=rule.magnitude,
        detected_at=event_at,
        expires_at=event_at + timedelta(days=rule.lifetime_days),
        evidence=f"{rule.evidence_prefix} {days_between(as_of, event_at)} {rule.evidence_suffix}",
    )


def executive_signals(
    data: SourceData,
    spine: set[str],
    filled: set[tuple[str, str]],
    as_of: datetime,
    params: Params,
) -> list[Signal]:
    """ASSIGNED -> a signal always; VACATED -> a signal when that slot is not filled now;
    other events (DISPLACED), or an event the executive_signals seed has no row for -> nothing."""
    signals: list[Signal] = []
    for row in good_history_rows(data.slot_assignment_history, spine, params):
        rule = params.executive_signals.get((row["event_type"], row["slot_type"]))
        if rule is None or not exists_at(row["event_at"], as_of):
            continue
        vacancy = row["event_type"] == VACATED and (row["outreach_id"], row["slot_type"]) not in filled
        if row["event_type"] == ASSIGNED or vacancy:
            signals.append(executive_signal(row, rule, as_of, params))
    return signals


# --------------------------------------------------------------------------- all together


def all_signals(
    data: SourceData,
    spine: set[str],
    filled: set[tuple[str, str]],
    renewals: dict[str, RenewalBridge],
    as_of: datetime,
    params: Params,
) -> list[Signal]:
    """Good, existing, de-duplicated signals of the three hubs' tables plus the bridges."""
    pressure = [
        signal for domain in params.domains for signal in good_signals(data.signal_rows(domain), domain, spine, params)
    ]
    bridges = [bridge.signal for bridge in renewals.values()]
    bridges += executive_signals(data, spine, filled, as_of, params)
    return resolve_duplicates(existing_signals(pressure, as_of) + existing_signals(bridges, as_of))
