"""One decision per company: §1-§4 over its active signals (docs/rulebook.md)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from pressure_outreach.reference.bands import (
    active_domains,
    applying_caps,
    bit_score,
    domain_sums,
    final_band,
    primary_signal,
    raw_band,
    recorded_cap,
)
from pressure_outreach.reference.instants import require_aware
from pressure_outreach.reference.params import Params, project_params
from pressure_outreach.reference.proofs import build_proof
from pressure_outreach.reference.rows import SourceData, spine_ids
from pressure_outreach.reference.signals import RenewalBridge, Signal, all_signals, is_active, renewal_bridges
from pressure_outreach.reference.slots import filled_slots, select_slot


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
    primary = primary_signal(signals, active, params)
    primary_class = primary.pressure_class if primary is not None else None
    proof = build_proof(outreach_id, band, primary, signals, active, renewal, as_of, params)
    slot = select_slot(lambda slot_type: (outreach_id, slot_type) in filled, primary_class, params)
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


def evaluate(data: SourceData, as_of: datetime, params: Params | None = None) -> dict[str, CompanyDecision]:
    """One decision per distinct non-NULL outreach_id of the spine, keyed (and ordered) by
    it; ``params`` defaults to the project's (``Params.from_project()``)."""
    require_aware(as_of)
    params = params or project_params()
    spine = spine_ids(data)
    filled = filled_slots(data, spine, params)
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
