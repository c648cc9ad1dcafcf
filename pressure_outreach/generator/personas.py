"""Personas: what a company's signals look like at as_of, chosen by a seeded draw.

The band distribution of the data set is the product of this file. Each persona targets a
BIT band (and the cap that binds it, and whether its proof can be formed) under
docs/rulebook.md §1-§3, counting the two bridges the project derives on top of the signal
tables: the renewal bridge (the current DOL renewal month) and the executive bridge
(recent ASSIGNED / VACATED history). A sampler draws magnitudes loosely; ``assess`` replays the
band arithmetic and the draw is repeated until it lands where the persona says. That
keeps the samplers readable and the outcome exact.

Persona shares are "companies at reference scale" (95,004). A persona that needs filled
(or unfilled) slots is only drawn for companies whose fill pattern has them, with its
weight raised so that its overall share holds. Strong personas (band >= 3) are drawn less
often for companies with no filled slot, so that NO_FILLED_SLOT stays a minority gate.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

from pressure_outreach.generator import calibration
from pressure_outreach.generator.draw import choice, randint
from pressure_outreach.generator.evidence import (
    BLOG,
    CHAOS,
    CONTEXT_ONLY_SHARE,
    COST,
    DEADLINE,
    DOL,
    ORG,
    PEOPLE,
    VENDOR,
    find_type,
    pick_type,
)

SLOT_TYPES: tuple[str, ...] = ("CEO", "CFO", "HR")
SLOT_BITS: dict[str, int] = {"CEO": 1, "CFO": 2, "HR": 4}
ALL_FILLED = 0b111

# The bridges' magnitudes (docs/rulebook.md §1).
ASSIGNED_MAGNITUDE: dict[str, int] = {"CEO": 25, "CFO": 25, "HR": 30}
VACATED_MAGNITUDE = 20
RENEWAL_MAGNITUDES: tuple[int, ...] = (70, 55, 45, 35)
RENEWAL_CLASS = DEADLINE

# docs/rulebook.md §2 and §4, replayed to keep the plans honest.
BAND_FLOORS: tuple[int, ...] = (10, 25, 40, 60, 80)
ACTIVE_DOMAIN = 10
DOMAIN_CAP = 100
SLOT_FOR_CLASS: dict[str, str] = {
    COST: "CFO",
    VENDOR: "HR",
    DEADLINE: "HR",
    ORG: "CEO",
    CHAOS: "CFO",
}
STRONG_WITHOUT_FILLED_SLOT = 0.12


@dataclass(frozen=True)
class PlannedSignal:
    signal_type: str
    magnitude: int
    pressure_class: str | None


@dataclass
class Plan:
    """The active signals a company should have at as_of, bridges included."""

    persona: str
    renewal: int = 0
    dol: list[PlannedSignal] = field(default_factory=list)
    people: list[PlannedSignal] = field(default_factory=list)
    blog: list[PlannedSignal] = field(default_factory=list)
    recent: tuple[str, ...] = ()
    vacated: tuple[str, ...] = ()
    strong: bool = False


@dataclass(frozen=True)
class SlotView:
    """Which slot types of the company are filled, in CEO, CFO, HR order."""

    filled: tuple[str, ...]
    unfilled: tuple[str, ...]

    @classmethod
    def of(cls, pattern: int) -> SlotView:
        filled = tuple(s for s in SLOT_TYPES if pattern & SLOT_BITS[s])
        return cls(filled, tuple(s for s in SLOT_TYPES if s not in filled))


@dataclass(frozen=True)
class Assessment:
    score: int
    band: int
    cap: str
    proof: bool
    primary_class: str | None


def _domain_sums(plan: Plan) -> tuple[int, int, int]:
    dol = plan.renewal + sum(s.magnitude for s in plan.dol)
    people = sum(ASSIGNED_MAGNITUDE[s] for s in plan.recent) + VACATED_MAGNITUDE * len(plan.vacated)
    people += sum(s.magnitude for s in plan.people)
    blog = sum(s.magnitude for s in plan.blog)
    return min(dol, DOMAIN_CAP), min(people, DOMAIN_CAP), min(blog, DOMAIN_CAP)


def _classed(plan: Plan) -> tuple[bool, bool, bool]:
    dol = plan.renewal > 0 or any(s.pressure_class for s in plan.dol)
    people = bool(plan.recent or plan.vacated) or any(s.pressure_class for s in plan.people)
    return dol, people, any(s.pressure_class for s in plan.blog)


def _primary_class(plan: Plan, dol_active: bool, people_active: bool) -> str | None:
    """The class of the strongest classed DOL/PEOPLE signal (DOL wins ties)."""
    candidates: list[tuple[int, int, str]] = []
    if dol_active:
        if plan.renewal:
            candidates.append((plan.renewal, 1, RENEWAL_CLASS))
        candidates += [(s.magnitude, 1, s.pressure_class) for s in plan.dol if s.pressure_class]
    if people_active:
        candidates += [(ASSIGNED_MAGNITUDE[s], 0, ORG) for s in plan.recent]
        candidates += [(VACATED_MAGNITUDE, 0, ORG) for _ in plan.vacated]
        candidates += [(s.magnitude, 0, s.pressure_class) for s in plan.people if s.pressure_class]
    return max(candidates)[2] if candidates else None


def assess(plan: Plan) -> Assessment:
    """docs/rulebook.md §2-§3 for a plan: score, band, the cap that bound it, proof formable."""
    dol, people, blog = _domain_sums(plan)
    active = (dol >= ACTIVE_DOMAIN, people >= ACTIVE_DOMAIN, blog >= ACTIVE_DOMAIN)
    # floor(1.0*DOL + 0.8*PEOPLE + 0.5*BLOG) in integer arithmetic, so no float rounding
    score = min(100, (10 * dol * active[0] + 8 * people * active[1] + 5 * blog * active[2]) // 10)
    raw = bisect.bisect_right(BAND_FLOORS, score)
    caps: list[tuple[int, str]] = []
    if active == (False, False, True):
        caps.append((1, "BLOG_ALONE"))
    if not active[0]:
        caps.append((2, "NO_DOL"))
    if not active[1]:
        caps.append((3, "NO_PEOPLE"))
    if not active[2]:
        caps.append((4, "NO_BLOG"))
    band = min([raw, *(value for value, _ in caps)])
    lowest = min(caps) if caps else None
    cap = lowest[1] if lowest and lowest[0] < raw else "NONE"
    primary = _primary_class(plan, active[0], active[1])
    classed = _classed(plan)
    proof = {3: primary is not None, 4: classed[0] and classed[1], 5: all(classed)}.get(band, False)
    return Assessment(score, band, cap, proof, primary)


def audience(plan: Plan, view: SlotView) -> str | None:
    """The slot docs/rulebook.md §4 will pick: the class's slot if filled, else CEO, CFO, HR."""
    dol, people, _ = _domain_sums(plan)
    primary = _primary_class(plan, dol >= ACTIVE_DOMAIN, people >= ACTIVE_DOMAIN)
    wanted = SLOT_FOR_CLASS.get(primary or "", "CEO")
    if wanted in view.filled:
        return wanted
    return view.filled[0] if view.filled else None


# --------------------------------------------------------------------------- components


def _partition(rng: Random, total: int, parts: int) -> list[int]:
    """total split into parts magnitudes of at least 5 each, largest first."""
    parts = max(1, min(parts, total // 5))
    spare = total - 5 * parts
    cuts = sorted(randint(rng, 0, spare) for _ in range(parts - 1))
    bounds = [0, *cuts, spare]
    return sorted((5 + bounds[i + 1] - bounds[i] for i in range(parts)), reverse=True)


def signals(rng: Random, domain: str, total: int, *, classed: bool = True) -> list[PlannedSignal]:
    """Signals of one domain summing to total; at least one classed unless context-only."""
    if total < 3:
        return []
    parts = 1 if total < 18 else choice(rng, (1, 2, 2, 3))
    if total > 100:
        parts = max(parts, 2)
    planned: list[PlannedSignal] = []
    # a magnitude above 100 is a bad row; the domain sum is capped at 100 anyway
    for magnitude in [min(m, 100) for m in _partition(rng, total, parts)] if total >= 5 else [total]:
        kind = pick_type(rng, domain)
        context_only = not classed or rng.random() < CONTEXT_ONLY_SHARE[domain]
        planned.append(PlannedSignal(kind.name, magnitude, None if context_only else choice(rng, kind.classes)))
    if classed and not any(s.pressure_class for s in planned):
        first = planned[0]
        planned[0] = PlannedSignal(first.signal_type, first.magnitude, find_type(first.signal_type).classes[0])
    return planned


def _people(rng: Random, view: SlotView, low: int, high: int, *, classed: bool = True) -> dict:
    """A PEOPLE component: maybe a recent hire or vacancy (bridges), then explicit signals."""
    target = randint(rng, low, high)
    recent: tuple[str, ...] = ()
    vacated: tuple[str, ...] = ()
    draw = rng.random()
    if classed and view.filled and draw < 0.65:
        recent = (choice(rng, view.filled),)
        target -= ASSIGNED_MAGNITUDE[recent[0]]
    elif classed and view.unfilled and draw < 0.75:
        vacated = (choice(rng, view.unfilled),)
        target -= VACATED_MAGNITUDE
    return {"people": signals(rng, PEOPLE, max(target, 0), classed=classed), "recent": recent, "vacated": vacated}


def _dol(rng: Random, low: int, high: int, *, classed: bool = True, renewal_share: float = 0.3) -> dict:
    """A DOL component: maybe the renewal bridge, then explicit filing signals."""
    target = randint(rng, low, high)
    renewal = 0
    if classed and rng.random() < renewal_share:
        fitting = [m for m in RENEWAL_MAGNITUDES if m <= target + 5]
        renewal = choice(rng, fitting) if fitting else 0
        target -= renewal
    return {"renewal": renewal, "dol": signals(rng, DOL, max(target, 0), classed=classed)}


def _blog(rng: Random, low: int, high: int, *, classed: bool = True) -> dict:
    return {"blog": signals(rng, BLOG, randint(rng, low, high), classed=classed)}


# --------------------------------------------------------------------------- samplers

Sampler = Callable[[Random, SlotView], dict]


def _faint(rng: Random, view: SlotView) -> dict:
    domain = choice(rng, (DOL, PEOPLE, BLOG, BLOG))
    parts = {DOL: "dol", PEOPLE: "people", BLOG: "blog"}
    return {parts[domain]: signals(rng, domain, randint(rng, 3, 9), classed=rng.random() < 0.5)}


def _new_exec(rng: Random, view: SlotView) -> dict:
    return {"recent": (choice(rng, view.filled),)}


def _vacancy(rng: Random, view: SlotView) -> dict:
    return {"vacated": (choice(rng, view.unfilled),)}


def _reshuffle(rng: Random, view: SlotView) -> dict:
    count = 3 if len(view.filled) == 3 and rng.random() < 0.5 else 2
    return {
        "recent": tuple(rng.sample(view.filled, count)),
        "people": signals(rng, PEOPLE, choice(rng, (0, 0, randint(rng, 5, 20)))),
    }


def _people_blog_nodol(rng: Random, view: SlotView) -> dict:
    return {**_people(rng, view, 30, 70), **_blog(rng, 20, 80)}


def _people_blog_small(rng: Random, view: SlotView) -> dict:
    return {**_people(rng, view, 20, 30), **_blog(rng, 20, 40)}


def _renewal_near(rng: Random, view: SlotView) -> dict:
    blog = _blog(rng, 10, 50) if rng.random() < 0.5 else {}
    return {"renewal": 70, **blog}


def _renewal_mid(rng: Random, view: SlotView) -> dict:
    extra = signals(rng, DOL, randint(rng, 5, 10)) if rng.random() < 0.3 else []
    return {"renewal": choice(rng, (55, 45)), "dol": extra}


def _dol_people(rng: Random, view: SlotView, dol: tuple[int, int], people: tuple[int, int]) -> dict:
    return {**_dol(rng, *dol, renewal_share=0.5), **_people(rng, view, *people)}


def _engaged(rng: Random, view: SlotView) -> dict:
    blog = _blog(rng, 10, 30) if rng.random() < 0.4 else {}
    return {**_dol(rng, 30, 70, renewal_share=0.4), **_people(rng, view, 20, 50), **blog}


def _engaged_context(rng: Random, view: SlotView) -> dict:
    """Band 4 whose DOL (or PEOPLE) evidence is context only: the proof cannot be formed."""
    if rng.random() < 0.5:
        return {**_dol(rng, 30, 65, classed=False), **_people(rng, view, 20, 45)}
    return {**_dol(rng, 35, 65, renewal_share=0.0), **_people(rng, view, 25, 45, classed=False)}


def _direct(rng: Random, view: SlotView, *, blog_classed: bool = True) -> dict:
    return {
        **_dol(rng, 40, 95, renewal_share=0.3),
        **_people(rng, view, 25, 70),
        **_blog(rng, 15, 70, classed=blog_classed),
    }


@dataclass(frozen=True)
class Persona:
    name: str
    per_reference: int
    band: int
    cap: str | None
    sample: Sampler
    proof: bool | None = None
    min_filled: int = 0
    min_unfilled: int = 0
    max_score: int = 100

    @property
    def strong(self) -> bool:
        return self.band >= 3

    def feasible(self, view: SlotView) -> bool:
        return len(view.filled) >= self.min_filled and len(view.unfilled) >= self.min_unfilled

    def accepts(self, result: Assessment) -> bool:
        return (
            result.band == self.band
            and (self.cap is None or result.cap == self.cap)
            and (self.proof is None or result.proof == self.proof)
            and result.score <= self.max_score
        )


def _nothing(rng: Random, view: SlotView) -> dict:
    return {}


QUIET = Persona("quiet", 0, 0, None, _nothing)

PERSONAS: tuple[Persona, ...] = (
    # band 0: silent, or only signals that do not count at as_of
    Persona("faint", 3_500, 0, None, _faint),
    Persona("stale", 4_500, 0, None, _nothing),
    # band 1: watch
    Persona("new_exec", 7_000, 1, None, _new_exec, min_filled=1),
    Persona("vacancy", 800, 1, None, _vacancy, min_unfilled=1),
    Persona("dol_watch", 800, 1, None, lambda r, v: {"dol": signals(r, DOL, r.randint(10, 24))}),
    Persona("people_watch", 500, 1, None, lambda r, v: {"people": signals(r, PEOPLE, r.randint(13, 30))}),
    Persona("blog_watch", 500, 1, "NONE", lambda r, v: _blog(r, 20, 49)),
    Persona("blog_alone", 700, 1, "BLOG_ALONE", lambda r, v: _blog(r, 50, 120)),
    # band 2: exploratory
    Persona("renewal_far", 700, 2, "NONE", lambda r, v: {"renewal": 35}),
    Persona("dol_explore", 900, 2, "NONE", lambda r, v: {"dol": signals(r, DOL, r.randint(25, 39))}),
    Persona(
        "dol_people_explore",
        800,
        2,
        "NONE",
        lambda r, v: {"dol": signals(r, DOL, r.randint(10, 22)), **_people(r, v, 13, 25)},
    ),
    Persona("people_explore", 900, 2, "NONE", lambda r, v: _people(r, v, 32, 49)),
    Persona("reshuffle", 2_500, 2, "NO_DOL", _reshuffle, min_filled=2),
    Persona("people_blog_nodol", 500, 2, "NO_DOL", _people_blog_nodol),
    Persona("people_blog_small", 300, 2, "NONE", _people_blog_small),
    # band 3: targeted
    Persona("renewal_near", 700, 3, "NO_PEOPLE", _renewal_near, proof=True),
    Persona("renewal_mid", 900, 3, "NONE", _renewal_mid, proof=True),
    Persona("cost_single", 450, 3, "NONE", lambda r, v: {"dol": signals(r, DOL, r.randint(40, 59))}, proof=True),
    Persona("dol_people_targeted", 600, 3, "NONE", lambda r, v: _dol_people(r, v, (20, 45), (15, 35)), proof=True),
    Persona(
        "dol_heavy",
        200,
        3,
        "NO_PEOPLE",
        lambda r, v: {"dol": signals(r, DOL, r.randint(60, 120)), **(_blog(r, 10, 60) if r.random() < 0.4 else {})},
        proof=True,
    ),
    Persona(
        "targeted_context",
        200,
        3,
        "NONE",
        lambda r, v: {"dol": signals(r, DOL, r.randint(40, 59), classed=False)},
        proof=False,
    ),
    # band 4: engaged
    Persona("engaged", 560, 4, "NONE", _engaged, proof=True),
    Persona(
        "engaged_noblog",
        220,
        4,
        "NO_BLOG",
        lambda r, v: {**_dol(r, 50, 110, renewal_share=0.4), **_people(r, v, 30, 80)},
        proof=True,
    ),
    Persona("engaged_context", 80, 4, None, _engaged_context, proof=False),
    # band 5: direct (scores below 100: 100 is left to the showcase companies)
    Persona("direct", 280, 5, "NONE", _direct, proof=True, max_score=99),
    Persona("direct_context", 50, 5, "NONE", lambda r, v: _direct(r, v, blog_classed=False), proof=False, max_score=99),
)

ATTEMPTS = 200


def _bias(persona: Persona, view: SlotView) -> float:
    if not persona.feasible(view):
        return 0.0
    return STRONG_WITHOUT_FILLED_SLOT if persona.strong and not view.filled else 1.0


def _pattern_shares() -> dict[int, float]:
    total = sum(calibration.FILL_PATTERN_COUNTS.values())
    return {pattern: count / total for pattern, count in calibration.FILL_PATTERN_COUNTS.items()}


@dataclass(frozen=True)
class PersonaTable:
    """Per fill pattern, cumulative persona probabilities (the rest is QUIET)."""

    cumulative: dict[int, tuple[float, ...]]

    @classmethod
    def build(cls) -> PersonaTable:
        shares = _pattern_shares()
        views = {pattern: SlotView.of(pattern) for pattern in shares}
        cumulative: dict[int, tuple[float, ...]] = {}
        weights = {pattern: [] for pattern in shares}
        for persona in PERSONAS:
            share = persona.per_reference / calibration.REFERENCE_COMPANIES
            norm = sum(shares[p] * _bias(persona, views[p]) for p in shares)
            for pattern in shares:
                weights[pattern].append(share * _bias(persona, views[pattern]) / norm)
        for pattern, values in weights.items():
            running, acc = 0.0, []
            for value in values:
                running += value
                acc.append(running)
            if running >= 1.0:
                raise ValueError(f"persona shares exceed 100% for fill pattern {pattern:03b}")
            cumulative[pattern] = tuple(acc)
        return cls(cumulative)

    def draw(self, rng: Random, pattern: int) -> Persona:
        index = bisect.bisect_right(self.cumulative[pattern], rng.random())
        return PERSONAS[index] if index < len(PERSONAS) else QUIET


def make_plan(rng: Random, persona: Persona, view: SlotView) -> Plan:
    """Draw until the plan lands in the persona's band; QUIET if it never does."""
    for _ in range(ATTEMPTS):
        plan = Plan(persona.name, strong=persona.strong, **persona.sample(rng, view))
        if persona.accepts(assess(plan)):
            return plan
    return Plan(QUIET.name)


def showcase_plan(number: int) -> Plan:
    """A clean band-5 company with score 100 and a distinct strongest signal, so it ranks
    first under the daily limit and its audience is known: CFO, HR or CEO in turn."""
    blog = [PlannedSignal("FUNDING_EVENT", 34, ORG), PlannedSignal("EXPANSION", 11, None)]
    if number % 3 == 0:
        dol = [PlannedSignal("EMPLOYER_COST_RISING", 64, COST), PlannedSignal("BROKER_CHANGE", 18, VENDOR)]
        people = [PlannedSignal("NEW_HR_LEADER", 40, ORG), PlannedSignal("DECISION_MAKER_CHURN", 12, None)]
    elif number % 3 == 1:
        dol = [PlannedSignal("BROKER_CHANGE", 66, VENDOR), PlannedSignal("MULTI_CARRIER", 14, None)]
        people = [PlannedSignal("DECISION_MAKER_CHURN", 38, ORG)]
    else:
        dol = [PlannedSignal("EMPLOYER_COST_RISING", 45, COST)]
        people = [PlannedSignal("NEW_HR_LEADER", 72, ORG), PlannedSignal("SLOT_VACATED", 9, None)]
    return Plan("showcase", dol=dol, people=people, blog=blog, strong=True)
