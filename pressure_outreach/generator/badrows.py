"""Bad rows of docs/source_contract.md ("Bad rows"), a few of every kind per chunk.

Each kind appears in every chunk (at least once, about 0.15% of the table otherwise), so
even a small data set carries all of them. They are built so that a correct reading of
docs/rulebook.md is unaffected by them:

- extra signal rows are quarantined (NULL keys, unknown class, wrong domain, magnitude out
  of range, expiry not after detection, no evidence, orphan) or lose the duplicate
  resolution (an older or weaker copy of the same signal_id);
- slot faults sit only on slots the fill pattern says are unfilled (see ``plan_slot_faults``),
  duplicated people ids only on people no filled slot points at, so the filled counts of
  docs/rulebook.md §4 do not move;
- bad DOL rows (renewal month 0 or 13, a filing dated after as_of) never become the
  current filing.

A model that lets any of them through gets a different band, slot or gate, which is the
point: the tests can tell.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pressure_outreach import contract
from pressure_outreach.generator.campaigns import EVENTS
from pressure_outreach.generator.chunk import DAY, Chunk
from pressure_outreach.generator.companies import TARGET
from pressure_outreach.generator.draw import choice, randint
from pressure_outreach.generator.evidence import (
    DOMAINS,
    PRESSURE_DOMAIN,
    SIGNAL_TABLE,
    pick_type,
    signal_value,
)
from pressure_outreach.generator.filings import (
    DOL_TABLE,
    months_by_magnitude,
    renewal_magnitude,
    start_month,
)
from pressure_outreach.generator.personas import ALL_FILLED, SLOT_BITS
from pressure_outreach.generator.signal_rows import (
    active_window,
    plain_context,
    source_record,
    to_json,
)
from pressure_outreach.generator.staffing import (
    HISTORY,
    PEOPLE,
    SLOTS,
    history,
    new_person,
)

SHARE_PER_KIND = 0.0015
SLOT_FAULTS: tuple[str, ...] = ("duplicate", "missing_person", "null_slot_id")


def _count(rows: int) -> int:
    return max(1, round(SHARE_PER_KIND * rows))


@functools.cache
def _positions(table: str) -> dict[str, int]:
    return {name: position for position, name in enumerate(contract.table(table).column_names)}


def _get(table: str, row: tuple, column: str) -> Any:
    return row[_positions(table)[column]]


def _edit(table: str, row: tuple, **changes: object) -> tuple:
    """A copy of a row of table with some columns (by name) replaced."""
    values = list(row)
    for column, value in changes.items():
        values[_positions(table)[column]] = value
    return tuple(values)


# --------------------------------------------------------------------------- slots


def plan_slot_faults(chunk: Chunk) -> dict[int, dict[str, str]]:
    """Which unfilled slots (by company index and slot type) get which fault."""
    rng = chunk.rng
    population = chunk.population
    eligible = [
        index
        for index in range(chunk.start, chunk.stop)
        if population.pattern(index) != ALL_FILLED and index not in population.showcase
    ]
    faults: dict[int, dict[str, str]] = {}
    if not eligible:
        return faults
    for fault in SLOT_FAULTS:
        for _ in range(_count(3 * chunk.size)):
            index = choice(rng, eligible)
            unfilled = [s for s, bit in SLOT_BITS.items() if not population.pattern(index) & bit]
            faults.setdefault(index, {}).setdefault(choice(rng, unfilled), fault)
    return faults


def _extra_slots(chunk: Chunk) -> None:
    """Slot rows that are extra by nature: a CTO slot, a slot without a company."""
    rng = chunk.rng
    for _ in range(_count(3 * chunk.size)):
        company = choice(rng, chunk.registry.companies)
        cto = new_person(chunk, company, "CTO", former=True)
        filled_at = chunk.before(200, 2_000)
        chunk.add(
            SLOTS,
            (chunk.uuid(), company.outreach_id, "CTO", cto.unique_id, True, filled_at, None, filled_at, filled_at),
        )
        history(chunk, company, "CTO", cto.unique_id, "ASSIGNED", filled_at)
    for _ in range(_count(3 * chunk.size)):
        company = choice(rng, chunk.registry.companies)
        person = new_person(chunk, company, "CEO", former=True) if rng.random() < 0.5 else None
        created = chunk.before(30, 600)
        chunk.add(
            SLOTS,
            (
                chunk.uuid(),
                None,
                "CEO",
                person.unique_id if person else None,
                person is not None,
                created if person else None,
                None,
                created,
                created,
            ),
        )


# --------------------------------------------------------------------------- people


def _malformed(email: str) -> str:
    """'jane.doe@', 'jane.doe.acme.com' (no at sign) or 'jane doe@acme.com'."""
    local, _, domain = email.partition("@")
    spaced = local.replace(".", " ") if "." in local else f"{local[:1]} {local[1:]}"
    return (f"{local}@", f"{local}.{domain}", f"{spaced}@{domain}")[len(local) % 3]


def _scuffed(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"  {local.title()}@{domain.upper()}\t"


def _people_faults(chunk: Chunk) -> None:
    rng = chunk.rng
    rows = chunk.rows[PEOPLE]
    candidates = chunk.registry.people
    if not candidates:
        return
    edits: tuple[tuple[str, Callable[[str], str | None]], ...] = (
        ("null", lambda email: None),
        ("malformed", _malformed),
        ("scuffed", _scuffed),
    )
    for _, edit in edits:
        for _ in range(_count(len(rows))):
            index = choice(rng, candidates)
            email = _get(PEOPLE, rows[index], "email")
            if email is not None:
                rows[index] = _edit(PEOPLE, rows[index], email=edit(email.strip()))
    for _ in range(_count(len(rows))):
        if chunk.registry.former_people:
            row = rows[choice(rng, chunk.registry.former_people)]
            email = _get(PEOPLE, row, "email")
            other = f"old.{email}" if email else None
            copy = row if rng.random() < 0.5 else _edit(PEOPLE, row, email=other, updated_at=chunk.before(0, 5))
            chunk.add(PEOPLE, copy)
    for _ in range(_count(len(rows))):
        chunk.add(PEOPLE, _edit(PEOPLE, rows[choice(rng, candidates)], unique_id=None))


# --------------------------------------------------------------------------- history


def _history_faults(chunk: Chunk) -> None:
    rng = chunk.rng
    rows = chunk.rows[HISTORY]
    if not chunk.registry.assigned:
        return
    variants: tuple[Callable[[tuple], tuple], ...] = (
        lambda row: _edit(HISTORY, row, history_id=None),
        lambda row: _edit(HISTORY, row, history_id=chunk.uuid(), outreach_id=None),
        lambda row: _edit(
            HISTORY, row, history_id=chunk.uuid(), event_type=choice(rng, ("PROMOTED", "assigned", "TRANSFERRED"))
        ),
        lambda row: _edit(HISTORY, row, history_id=chunk.uuid(), slot_type=choice(rng, ("CTO", "COO", "ceo"))),
        lambda row: _edit(HISTORY, row, history_id=chunk.uuid(), event_type="VACATED", event_at=None),
    )
    for variant in variants:
        for _ in range(_count(len(rows))):
            chunk.add(HISTORY, variant(rows[choice(rng, chunk.registry.assigned)]))


# --------------------------------------------------------------------------- signals


def _fresh_signal(chunk: Chunk, domain: str) -> tuple:
    """A good-looking active signal for a random company, for a fault to spoil."""
    rng = chunk.rng
    company = choice(rng, chunk.registry.companies)
    kind = pick_type(rng, domain)
    context = plain_context(company, chunk.as_of.year)
    detected, expires = active_window(chunk)
    magnitude = randint(rng, 20, 60)
    return (
        chunk.uuid(),
        company.outreach_id,
        kind.name,
        PRESSURE_DOMAIN[domain],
        choice(rng, kind.classes),
        to_json(signal_value(rng, kind.name, magnitude, context)),
        magnitude,
        detected,
        expires,
        source_record(chunk, company.domain, domain, detected),
        detected + timedelta(hours=2),
    )


def _spoilers(chunk: Chunk, table: str, domain: str) -> dict[str, Callable[[tuple], tuple]]:
    """One edit per bad-signal kind; each turns a good row into a quarantined one."""
    rng = chunk.rng
    others = [PRESSURE_DOMAIN[d] for d in DOMAINS if d != domain]

    def detected(row: tuple) -> Any:
        return _get(table, row, "detected_at")

    return {
        "null_signal_id": lambda row: _edit(table, row, signal_id=None),
        "null_outreach_id": lambda row: _edit(table, row, outreach_id=None),
        "unknown_class": lambda row: _edit(
            table, row, pressure_class=choice(rng, ("MARKET_PANIC", "MARKET_PANIC", "cost_pressure"))
        ),
        "foreign_domain": lambda row: _edit(table, row, pressure_domain=choice(rng, others)),
        "negative_magnitude": lambda row: _edit(table, row, magnitude=-5),
        "magnitude_over_100": lambda row: _edit(table, row, magnitude=140),
        "expires_at_detected": lambda row: _edit(table, row, expires_at=detected(row)),
        "expires_before_detected": lambda row: _edit(
            table, row, expires_at=detected(row) - timedelta(days=randint(rng, 1, 10))
        ),
        "no_evidence": lambda row: _edit(
            table, row, signal_value=to_json({"metric": "employer_contribution_change_pct", "value": 12})
        ),
        "blank_evidence": lambda row: _edit(
            table, row, signal_value=to_json({"evidence": choice(rng, ("", "   ", None))})
        ),
        "orphan": lambda row: _edit(table, row, outreach_id=chunk.uuid()),
        "null_detected_at": lambda row: _edit(table, row, detected_at=None),
        "null_expires_at": lambda row: _edit(table, row, expires_at=None),
    }


def _duplicates(chunk: Chunk, table: str) -> None:
    """The same signal_id again: an exact copy, or a copy that loses the resolution
    (older created_at; same created_at and lower magnitude; newer but out of range)."""
    rng = chunk.rng
    good = chunk.registry.signals.get(table, [])
    rows = chunk.rows[table]
    if not good:
        return

    def magnitude(row: tuple) -> int:
        return _get(table, row, "magnitude")

    def created(row: tuple) -> Any:
        return _get(table, row, "created_at")

    copies: tuple[Callable[[tuple], tuple], ...] = (
        lambda row: row,
        lambda row: _edit(
            table,
            row,
            magnitude=min(100, magnitude(row) + randint(rng, 1, 15)),
            created_at=created(row) - timedelta(seconds=randint(rng, 60, 2 * DAY)),
        ),
        lambda row: _edit(table, row, magnitude=max(0, magnitude(row) - randint(rng, 1, 15))),
        lambda row: _edit(table, row, magnitude=140, created_at=created(row) + timedelta(hours=1)),
    )
    for copy in copies:
        for _ in range(_count(len(rows))):
            chunk.add(table, copy(rows[choice(rng, good)]))


def _signal_faults(chunk: Chunk) -> None:
    for domain in DOMAINS:
        table = SIGNAL_TABLE[domain]
        size = len(chunk.rows[table])
        _duplicates(chunk, table)
        for spoil in _spoilers(chunk, table, domain).values():
            for _ in range(_count(size)):
                chunk.add(table, spoil(_fresh_signal(chunk, domain)))


# --------------------------------------------------------------------------- dol, targets, events


def _refiled(chunk: Chunk, row: tuple, month: int, created: datetime) -> tuple:
    return _edit(
        DOL_TABLE,
        row,
        dol_id=chunk.uuid(),
        renewal_month=month,
        outreach_start_month=start_month(month),
        created_at=created,
        updated_at=created,
    )


def _dol_faults(chunk: Chunk) -> None:
    """Renewal month 0 (an older filing), 13 (a newer one), a filing dated after as_of
    whose month would raise the strongest renewal signal, and an exact duplicate of a
    current filing whose month raises none."""
    rng = chunk.rng
    rows = chunk.rows[DOL_TABLE]
    current = chunk.registry.current_filings
    if not current:
        return
    today = chunk.as_of.date()
    hot_month = (months_by_magnitude(chunk.as_of).get(70) or [3])[0]
    quiet = [i for i in current if not renewal_magnitude(_get(DOL_TABLE, rows[i], "renewal_month"), today)]
    for _ in range(_count(len(rows))):
        row = rows[choice(rng, current)]
        created = _get(DOL_TABLE, row, "created_at")
        chunk.add(DOL_TABLE, _refiled(chunk, row, 0, created - timedelta(days=randint(rng, 400, 800))))
        row = rows[choice(rng, current)]
        created = _get(DOL_TABLE, row, "created_at")
        newer = created + timedelta(seconds=(chunk.as_of - created).total_seconds() // 2)
        chunk.add(DOL_TABLE, _refiled(chunk, row, 13, newer))
        row = rows[choice(rng, current)]
        chunk.add(DOL_TABLE, _refiled(chunk, row, hot_month, chunk.as_of + timedelta(days=randint(rng, 1, 60))))
        if quiet:
            chunk.add(DOL_TABLE, rows[choice(rng, quiet)])


def _target_faults(chunk: Chunk) -> None:
    """Targets without a company, and a target delivered twice."""
    rng = chunk.rng
    rows = chunk.rows[TARGET]
    if not chunk.registry.targets:
        return
    for _ in range(_count(len(rows))):
        chunk.add(
            TARGET, _edit(TARGET, rows[choice(rng, chunk.registry.targets)], target_id=chunk.uuid(), outreach_id=None)
        )
        chunk.add(TARGET, rows[choice(rng, chunk.registry.targets)])


def _event_faults(chunk: Chunk) -> None:
    """Events of a type the Execution Hub does not define ('teleported')."""
    rng = chunk.rng
    rows = chunk.rows[EVENTS]
    if not chunk.registry.events:
        return
    for _ in range(_count(len(rows))):
        row = rows[choice(rng, chunk.registry.events)]
        chunk.add(
            EVENTS,
            _edit(
                EVENTS,
                row,
                event_id=chunk.uuid(),
                event_type="teleported",
                bounce_type=None,
                event_at=_get(EVENTS, row, "event_at") + timedelta(minutes=randint(rng, 1, 90)),
                detail=to_json({"provider": "unknown"}),
            ),
        )


def inject(chunk: Chunk) -> None:
    """Every bad-row kind that is an extra row or an edit of a registered good row."""
    if not chunk.registry.companies:
        return
    _extra_slots(chunk)
    _people_faults(chunk)
    _history_faults(chunk)
    _signal_faults(chunk)
    _dol_faults(chunk)
    _target_faults(chunk)
    _event_faults(chunk)
