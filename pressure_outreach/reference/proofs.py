"""docs/rulebook.md §3, the proof line: the signals a band's proof cites, its line in the
seed document's format for that band, and its machine-readable twin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pressure_outreach.reference.bands import strongest_of_domain
from pressure_outreach.reference.instants import days_between, md5_uuid, utc_date
from pressure_outreach.reference.params import Params
from pressure_outreach.reference.signals import RenewalBridge, Signal

# The seed document's three proof formats, each the format of one band (the SQL's
# `case band` in int_proof_lines_formed): one source, convergence, phase transition.
SINGLE_SOURCE_BAND = 3
CONVERGENCE_BAND = 4
PHASE_TRANSITION_BAND = 5


@dataclass(frozen=True)
class Proof:
    line: str
    proof_id: str
    sources: tuple[str, ...]
    cited_signal_ids: tuple[str, ...]
    evidence: dict[str, str]
    valid_until: datetime
    decision_window_days: int | None


def cited_signals(
    band: int, primary: Signal | None, signals: list[Signal], active: tuple[str, ...], params: Params
) -> list[Signal] | None:
    """The signals the band's proof cites, in citation order; None when it cannot be formed."""
    if band == SINGLE_SOURCE_BAND:
        return [primary] if primary is not None else None
    dol = strongest_of_domain(signals, "DOL", params)
    people = strongest_of_domain(signals, "PEOPLE", params)
    blog = strongest_of_domain(signals, "BLOG", params)
    if band == CONVERGENCE_BAND:
        if dol is None or people is None:
            return None
        return [dol, people] + ([blog] if blog is not None and "BLOG" in active else [])
    if band == PHASE_TRANSITION_BAND:
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
    """§3 phase transition: days to the next renewal when the cited DOL signal is the
    renewal bridge's, else days to the proof's valid_until."""
    if renewal is not None and cited_dol.signal_id == renewal.signal.signal_id:
        return days_between(renewal.renewal_date, utc_date(as_of))
    return days_between(valid_until, as_of)


def proof_line(band: int, primary_class: str, cited: list[Signal], window_days: int | None) -> str:
    if band == SINGLE_SOURCE_BAND:
        signal = cited[0]
        return f"{primary_class} detected via {signal.domain}: {signal.evidence}"
    if band == CONVERGENCE_BAND:
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
    """The proof of a company at min_contact_band or above; None below it, or when its
    band's proof cannot be formed."""
    if band < params.min_contact_band or primary is None:
        return None
    cited = cited_signals(band, primary, signals, active, params)
    if cited is None:
        return None
    primary_class = primary.pressure_class
    assert primary_class is not None
    valid_until = min(signal.expires_at for signal in cited)
    window = decision_window_days(cited[0], valid_until, renewal, as_of) if band == PHASE_TRANSITION_BAND else None
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
