"""Signal types, their plausible pressure classes, and the evidence phrases they carry.

A proof line quotes the evidence verbatim, so every phrase reads like something a person
would write in a first sentence: a short fact with real-looking numbers ("employer
contribution +18% YoY", "broker changed twice in 3 years", "new CFO from Aetna").
Numbers grow with the signal's magnitude so that strong signals also read strong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from pressure_outreach.generator import vocabulary
from pressure_outreach.generator.draw import Weighted, choice, randint

COST = "COST_PRESSURE"
VENDOR = "VENDOR_DISSATISFACTION"
DEADLINE = "DEADLINE_PROXIMITY"
ORG = "ORGANIZATIONAL_RECONFIGURATION"
CHAOS = "OPERATIONAL_CHAOS"

DOL, PEOPLE, BLOG = "DOL", "PEOPLE", "BLOG"
DOMAINS: tuple[str, ...] = (DOL, PEOPLE, BLOG)
PRESSURE_DOMAIN: dict[str, str] = {
    DOL: "STRUCTURAL_PRESSURE",
    PEOPLE: "DECISION_SURFACE",
    BLOG: "NARRATIVE_VOLATILITY",
}
SIGNAL_TABLE: dict[str, str] = {
    DOL: "dol.pressure_signals",
    PEOPLE: "people.pressure_signals",
    BLOG: "blog.pressure_signals",
}


@dataclass(frozen=True)
class SignalType:
    name: str
    classes: tuple[str, ...]
    weight: float


# Per domain: which movements it reports and which pressures they plausibly indicate.
SIGNAL_TYPES: dict[str, tuple[SignalType, ...]] = {
    DOL: (
        SignalType("EMPLOYER_COST_RISING", (COST,), 3.0),
        SignalType("BROKER_CHANGE", (VENDOR,), 2.0),
        SignalType("CARRIER_CHANGE", (VENDOR, COST), 2.0),
        SignalType("FILING_IRREGULARITY", (CHAOS, DEADLINE), 2.0),
        SignalType("MULTI_CARRIER", (CHAOS, COST), 1.0),
    ),
    PEOPLE: (
        SignalType("NEW_HR_LEADER", (ORG, VENDOR), 3.0),
        SignalType("SLOT_VACATED", (ORG, CHAOS), 2.0),
        SignalType("DECISION_MAKER_CHURN", (ORG, CHAOS, DEADLINE), 2.0),
    ),
    BLOG: (
        SignalType("FUNDING_EVENT", (ORG, COST), 2.0),
        SignalType("ACQUISITION", (ORG, CHAOS), 1.5),
        SignalType("LAYOFF", (COST, CHAOS), 1.5),
        SignalType("EXPANSION", (CHAOS, DEADLINE), 2.0),
        SignalType("LEADERSHIP_CHANGE", (ORG,), 2.0),
    ),
}

# Share of signals delivered without a class (context only: they score, never prove).
CONTEXT_ONLY_SHARE: dict[str, float] = {DOL: 0.12, PEOPLE: 0.12, BLOG: 0.30}


@dataclass(frozen=True)
class EvidenceContext:
    """Facts of the company that evidence phrases quote, so they match its other rows."""

    brokers: tuple[str, str]
    carriers: tuple[str, str]
    state: str
    year: int


Phrase = tuple[str, dict[str, object] | None]


def _scaled(rng: Random, magnitude: int, low: int, high: int) -> int:
    """A number between low and high that grows with the magnitude, with some noise."""
    base = low + (high - low) * min(max(magnitude, 0), 100) / 100
    return max(low, round(base * rng.uniform(0.8, 1.2)))


def _cost_rising(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    pct = _scaled(rng, magnitude, 4, 38)
    variant = int(rng.random() * 3)
    if variant == 0:
        return f"employer contribution +{pct}% YoY", {
            "metric": "employer_contribution_change_pct",
            "value": pct,
            "comparison_period": f"plan year {ctx.year - 1} vs {ctx.year - 2}",
        }
    if variant == 1:
        dollars = pct * randint(rng, 55, 95)
        return f"per-employee premium up ${dollars:,} ({pct}%) vs prior plan year", {
            "metric": "premium_per_employee_change_usd",
            "value": dollars,
            "comparison_period": "YoY",
        }
    return f"health plan cost +{pct + randint(rng, 3, 12)}% over 2 years while headcount flat", None


def _broker_change(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    previous, current = ctx.brokers
    variant = int(rng.random() * 3)
    if variant == 0 or magnitude >= 40:
        times = "twice" if magnitude < 60 else "three times"
        years = choice(rng, (3, 4)) if times == "twice" else 5
        return f"broker changed {times} in {years} years", {
            "metric": "broker_changes",
            "value": 2 if times == "twice" else 3,
            "comparison_period": f"{years} plan years",
        }
    if variant == 1:
        return f"broker of record changed from {previous} to {current}", None
    return f"Schedule C lists a new advisor: {current}", None


def _carrier_change(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    previous, current = ctx.carriers
    if rng.random() < 0.6:
        return f"medical carrier switched from {previous} to {current}", None
    return f"carrier changed for plan year {ctx.year - 1} after {_scaled(rng, magnitude, 2, 9)} years", None


def _filing_irregularity(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    variant = int(rng.random() * 4)
    if variant == 0:
        days = _scaled(rng, magnitude, 12, 160)
        return f"Form 5500 filed {days} days late", {"metric": "filing_delay_days", "value": days}
    if variant == 1:
        return f"Schedule A missing for plan year {ctx.year - 1}", None
    if variant == 2:
        return f"Form 5500 amended {randint(rng, 2, 4)} times for plan year {ctx.year - 2}", None
    days = randint(rng, 20, 75)
    return f"Form 5500 extension deadline in {days} days", {"metric": "days_to_deadline", "value": days}


def _multi_carrier(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    carriers = _scaled(rng, magnitude, 2, 5)
    plans = max(2, carriers - randint(rng, 0, 1))
    if rng.random() < 0.5:
        return f"{carriers} medical carriers across {plans} plans", {"metric": "carriers", "value": carriers}
    return f"split funding: {ctx.carriers[1]} medical, {ctx.carriers[0]} stop-loss", None


def _new_hr_leader(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    variant = int(rng.random() * 3)
    if variant == 0:
        return f"new CHRO from {choice(rng, vocabulary.FORMER_EMPLOYERS)}", None
    if variant == 1:
        weeks = randint(rng, 2, 16)
        return f"new HR director hired {weeks} weeks ago", {"metric": "weeks_in_role", "value": weeks}
    return f"VP People started {randint(rng, 10, 110)} days ago", None


def _slot_vacated(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    role = choice(rng, ("CFO", "HR director", "benefits manager", "controller"))
    days = _scaled(rng, magnitude, 20, 120)
    return f"{role} seat open {days} days", {"metric": "days_vacant", "value": days}


def _decision_maker_churn(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    replaced = _scaled(rng, magnitude, 2, 4)
    total = replaced + randint(rng, 1, 3)
    months = choice(rng, (12, 18, 24))
    if rng.random() < 0.7:
        return f"{replaced} of {total} benefits decision makers replaced in {months} months", {
            "metric": "decision_makers_replaced",
            "value": replaced,
            "comparison_period": f"{months} months",
        }
    return f"third HR lead in {months} months", None


def _funding_event(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    millions = _scaled(rng, magnitude, 3, 80)
    series = choice(rng, ("A", "B", "B", "C"))
    if rng.random() < 0.7:
        return f"raised ${millions}M Series {series}", {"metric": "funding_usd_m", "value": millions}
    return f"closed ${millions}M growth round", None


def _acquisition(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    employees = _scaled(rng, magnitude, 20, 400)
    if rng.random() < 0.6:
        return f"acquired a {ctx.state} competitor ({employees} employees)", None
    return "announced merger with a regional peer", None


def _layoff(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    pct = _scaled(rng, magnitude, 3, 25)
    if rng.random() < 0.6:
        return f"laid off {pct}% of staff", {"metric": "layoff_pct", "value": pct}
    return f"cut {pct * randint(rng, 2, 6)} roles in a restructuring", None


def _expansion(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    if rng.random() < 0.5:
        return f"opening {_scaled(rng, magnitude, 1, 6)} new locations in {ctx.state}", None
    pct = _scaled(rng, magnitude, 8, 60)
    return f"headcount +{pct}% in 12 months", {
        "metric": "headcount_change_pct",
        "value": pct,
        "comparison_period": "12 months",
    }


def _leadership_change(rng: Random, magnitude: int, ctx: EvidenceContext) -> Phrase:
    role = choice(rng, ("CFO", "CEO", "COO", "CHRO"))
    if rng.random() < 0.75:
        return f"new {role} from {choice(rng, vocabulary.FORMER_EMPLOYERS)}", None
    return "new CEO appointed after founder retirement", None


PHRASES: dict[str, Callable[[Random, int, EvidenceContext], Phrase]] = {
    "EMPLOYER_COST_RISING": _cost_rising,
    "BROKER_CHANGE": _broker_change,
    "CARRIER_CHANGE": _carrier_change,
    "FILING_IRREGULARITY": _filing_irregularity,
    "MULTI_CARRIER": _multi_carrier,
    "NEW_HR_LEADER": _new_hr_leader,
    "SLOT_VACATED": _slot_vacated,
    "DECISION_MAKER_CHURN": _decision_maker_churn,
    "FUNDING_EVENT": _funding_event,
    "ACQUISITION": _acquisition,
    "LAYOFF": _layoff,
    "EXPANSION": _expansion,
    "LEADERSHIP_CHANGE": _leadership_change,
}


def signal_value(rng: Random, signal_type: str, magnitude: int, ctx: EvidenceContext) -> dict[str, object]:
    """The jsonb payload: always an evidence phrase, metric keys for about half of them."""
    evidence, metrics = PHRASES[signal_type](rng, magnitude, ctx)
    value: dict[str, object] = {"evidence": evidence}
    if metrics is not None and rng.random() < 0.6:
        value.update(metrics)
    return value


_TYPE_DRAWS: dict[str, Weighted[SignalType]] = {
    domain: Weighted([(t, t.weight) for t in types]) for domain, types in SIGNAL_TYPES.items()
}


def pick_type(rng: Random, domain: str) -> SignalType:
    return _TYPE_DRAWS[domain].draw(rng)


def find_type(name: str) -> SignalType:
    for types in SIGNAL_TYPES.values():
        for candidate in types:
            if candidate.name == name:
                return candidate
    raise KeyError(name)
