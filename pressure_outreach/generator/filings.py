"""outreach.dol: Form 5500 filings, one row per filing, the latest being the current one.

The current filing's renewal month decides the renewal bridge (docs/rulebook.md §1), so
it comes from the persona: a month at the wanted distance from as_of when the persona
wants a renewal signal, otherwise January (most plans) or a month too far away to raise
one. Brokers and carriers differ between filings when the persona reports such a change,
so the evidence phrases quote the company's real filings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random

from pressure_outreach.generator import calibration, vocabulary
from pressure_outreach.generator.chunk import Chunk
from pressure_outreach.generator.companies import Company
from pressure_outreach.generator.draw import choice, randint, weighted
from pressure_outreach.generator.evidence import EvidenceContext
from pressure_outreach.generator.personas import Plan

DOL_TABLE = "outreach.dol"
RENEWAL_STEPS: tuple[tuple[int, int], ...] = ((30, 70), (60, 55), (90, 45), (120, 35))


def start_month(renewal_month: int) -> int:
    """renewal_month - 5 wrapped to 1-12 (also applied to the bad months 0 and 13)."""
    return (renewal_month - 6) % 12 + 1


def renewal_magnitude(month: int, today: date) -> int:
    """The renewal bridge's magnitude for a renewal month at today (0 = no signal)."""
    candidate = date(today.year, month, 1)
    if candidate < today:
        candidate = date(today.year + 1, month, 1)
    days = (candidate - today).days
    return next((magnitude for limit, magnitude in RENEWAL_STEPS if days <= limit), 0)


def months_by_magnitude(as_of: datetime) -> dict[int, list[int]]:
    """Renewal months grouped by the bridge magnitude they raise at as_of (0 = none)."""
    groups: dict[int, list[int]] = {}
    for month in range(1, 13):
        groups.setdefault(renewal_magnitude(month, as_of.date()), []).append(month)
    return groups


def _current_month(rng: Random, plan: Plan, months: dict[int, list[int]]) -> int:
    if plan.renewal:
        return choice(rng, months[plan.renewal])
    if rng.random() < calibration.JANUARY_SHARE:
        return 1
    quiet = [m for m in months.get(0, []) if m != 1] or [1]
    return weighted(rng, tuple((m, calibration.QUIET_MONTH_WEIGHTS.get(m, 1.0)) for m in quiet))


def has_filings(rng: Random, plan: Plan) -> bool:
    return bool(plan.renewal or plan.dol) or rng.random() < calibration.DOL_SHARE_WITHOUT_SIGNALS


def _vendors(rng: Random, pool: tuple[str, ...], must_change: bool) -> tuple[str, str]:
    """(previous, current) vendor; they differ when a change is reported, or by chance."""
    current = choice(rng, pool)
    if must_change or rng.random() < 0.2:
        previous = choice(rng, [v for v in pool if v != current])
        return previous, current
    return current, current


def evidence_context(chunk: Chunk, company: Company, plan: Plan) -> EvidenceContext:
    kinds = {s.signal_type for s in plan.dol}
    rng = chunk.rng
    return EvidenceContext(
        brokers=_vendors(rng, vocabulary.BROKERS, "BROKER_CHANGE" in kinds),
        carriers=_vendors(rng, vocabulary.CARRIERS, bool(kinds & {"CARRIER_CHANGE", "MULTI_CARRIER"})),
        state=company.state,
        year=chunk.as_of.year,
    )


def write_filings(
    chunk: Chunk, company: Company, plan: Plan, context: EvidenceContext, months: dict[int, list[int]]
) -> None:
    """1-3 filings a year apart; the newest carries the persona's renewal month."""
    rng = chunk.rng
    changes = context.brokers[0] != context.brokers[1] or context.carriers[0] != context.carriers[1]
    count = weighted(rng, calibration.FILINGS_PER_COMPANY)
    count = max(count, 2) if changes else count
    funding = weighted(rng, vocabulary.FUNDING_TYPES)
    current_month = _current_month(rng, plan, months)
    latest = chunk.before(20, 330)
    for age in range(count - 1, -1, -1):
        created = latest - timedelta(days=age * 365 + randint(rng, -25, 25)) if age else latest
        month = current_month if age == 0 or rng.random() < 0.9 else randint(rng, 1, 12)
        vendor = 1 if age == 0 else 0
        row = (
            chunk.uuid(),
            company.outreach_id,
            company.ein,
            age == 0 or rng.random() < 0.93,
            funding,
            context.brokers[vendor],
            context.carriers[vendor],
            month,
            start_month(month),
            created,
            chunk.later(created, 30),
        )
        index = chunk.add(DOL_TABLE, row)
    if company.showcase is None:
        chunk.registry.current_filings.append(index)
