"""people.company_slot, people.people_master and people.slot_assignment_history.

A company's fill pattern (dealt out in ``population``) says which of its CEO, CFO and HR
slots are filled; those slots get a holder whose e-mail follows the company's address
pattern. History agrees with the slots: an ASSIGNED event at filled_at for every holder,
DISPLACED or VACATED events for former holders. Only the persona decides which events
are recent enough to raise executive-bridge signals, so everything else is dated safely
outside the bridge windows (180 days for ASSIGNED, 90 for VACATED).

Slot faults (bad rows) are only ever placed on slots the pattern says are unfilled, so
the filled counts of docs/rulebook.md §4 stay exactly those of the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pressure_outreach.generator import calibration, vocabulary
from pressure_outreach.generator.chunk import Chunk
from pressure_outreach.generator.companies import Company, ascii_slug
from pressure_outreach.generator.draw import choice, randint
from pressure_outreach.generator.personas import SLOT_TYPES, Plan, SlotView, audience

SLOTS = "people.company_slot"
PEOPLE = "people.people_master"
HISTORY = "people.slot_assignment_history"

VALID, RISKY, INVALID, NEVER = "VALID", "RISKY", "INVALID", "NEVER"
FORMER_TENURE_DAYS = (200, 2_500)


@dataclass(frozen=True)
class Person:
    unique_id: str
    email: str | None
    row: int


def _verdict(chunk: Chunk, company: Company) -> str:
    """The e-mail verifier's outcome; catch-all domains give RISKY addresses."""
    rng = chunk.rng
    if company.showcase is not None:
        return VALID
    if company.is_catchall and rng.random() < calibration.RISKY_SHARE_CATCHALL:
        return RISKY
    valid = calibration.VALID_SHARE_STRONG if company.strong else calibration.VALID_SHARE_PLAIN_DOMAIN
    if not company.is_catchall and rng.random() < valid:
        return VALID
    return NEVER if rng.random() < calibration.NEVER_VERIFIED_SHARE else INVALID


def email_address(company: Company, first: str, last: str) -> str:
    first_slug = ascii_slug(first) or "contact"
    last_slug = ascii_slug(last) or "team"
    local = company.email_method.format(first=first_slug, last=last_slug, f=first_slug[0], l=last_slug[0])
    return f"{local}@{company.domain}"


def new_person(
    chunk: Chunk,
    company: Company,
    role: str,
    *,
    former: bool,
    name: tuple[str, str] | None = None,
    email_name: tuple[str, str] | None = None,
) -> Person:
    """A people_master row; former holders are registered for the duplicate-id faults."""
    rng = chunk.rng
    first, last = name or (choice(rng, vocabulary.FIRST_NAMES), choice(rng, vocabulary.LAST_NAMES))
    plain_first, plain_last = email_name or (first, last)
    created = chunk.before(5, 900)
    unique_id = chunk.person_id(created.year)
    email = email_address(company, plain_first, plain_last)
    verdict = _verdict(chunk, company)
    verified_at = None if verdict == NEVER else chunk.later(created, 120)
    linkedin = None
    if rng.random() < 0.7:
        linkedin = f"https://www.linkedin.com/in/{ascii_slug(plain_first)}-{ascii_slug(plain_last)}-{randint(rng, 4096, 1048575):x}"
    index = chunk.add(
        PEOPLE,
        (
            unique_id,
            first,
            last,
            f"{first} {last}",
            choice(rng, vocabulary.TITLES[role]),
            email,
            verdict in (VALID, RISKY),
            verdict == VALID,
            verified_at,
            linkedin,
            created,
            chunk.later(created, 200),
        ),
    )
    if company.showcase is None:
        chunk.registry.people.append(index)
        if former:
            chunk.registry.former_people.append(index)
    return Person(unique_id, email, index)


def history(chunk: Chunk, company: Company, slot: str, person: str | None, event: str, at: datetime) -> int:
    index = chunk.add(HISTORY, (chunk.uuid(), company.outreach_id, slot, person, event, at))
    if event == "ASSIGNED" and company.showcase is None:
        chunk.registry.assigned.append(index)
    return index


def _slot_row(
    chunk: Chunk,
    company: Company,
    slot_id: object,
    slot: str,
    person: str | None,
    is_filled: bool | None,
    filled_at: datetime | None,
) -> None:
    rng = chunk.rng
    created = chunk.later(company.created_at, 30)
    touched = max(created, filled_at) if filled_at else created
    updated = chunk.later(touched, 5)
    confidence = None
    if is_filled:
        confidence = Decimal(f"{rng.uniform(62, 99.5):.1f}")
    elif rng.random() < 0.3:
        confidence = Decimal(f"{rng.uniform(5, 45):.1f}")
    chunk.add(SLOTS, (slot_id, company.outreach_id, slot, person, is_filled, filled_at, confidence, created, updated))


def _former_holder(chunk: Chunk, company: Company, slot: str, left_at: datetime, event: str) -> Person:
    """A previous holder: ASSIGNED long before (no bridge signal), then left at left_at."""
    former = new_person(chunk, company, slot, former=True)
    assigned_at = left_at - timedelta(days=randint(chunk.rng, *FORMER_TENURE_DAYS))
    history(chunk, company, slot, former.unique_id, "ASSIGNED", assigned_at)
    history(chunk, company, slot, former.unique_id, event, left_at)
    return former


def _filled_slot(
    chunk: Chunk, company: Company, slot: str, recent: bool, showcase: vocabulary.Showcase | None
) -> Person:
    rng = chunk.rng
    filled_at = chunk.before(*(calibration.RECENT_ASSIGNMENT_DAYS if recent else calibration.HOLDER_TENURE_DAYS))
    name = email_name = None
    if showcase is not None:
        name = (showcase.first_name, showcase.last_name)
        email_name = (showcase.email_first, showcase.email_last)
    holder = new_person(chunk, company, slot, former=False, name=name, email_name=email_name)
    _slot_row(chunk, company, chunk.uuid(), slot, holder.unique_id, True, filled_at)
    history(chunk, company, slot, holder.unique_id, "ASSIGNED", filled_at)
    if rng.random() < calibration.DISPLACED_SHARE:
        _former_holder(chunk, company, slot, filled_at, "DISPLACED")
    elif recent and rng.random() < 0.2:
        # vacated shortly before the new holder arrived: the slot is filled now, so the
        # VACATED event raises no signal even when it is recent
        _former_holder(chunk, company, slot, filled_at - timedelta(days=randint(rng, 10, 60)), "VACATED")
    return holder


def _unfilled_slot(chunk: Chunk, company: Company, slot: str, vacated: bool, fault: str | None) -> None:
    rng = chunk.rng
    former = None
    if vacated or rng.random() < calibration.OLD_VACANCY_SHARE:
        window = calibration.RECENT_VACANCY_DAYS if vacated else calibration.OLD_VACANCY_DAYS
        former = _former_holder(chunk, company, slot, chunk.before(*window), "VACATED")
    if fault is None:
        kept = former.unique_id if former and rng.random() < calibration.KEEP_FORMER_HOLDER_SHARE else None
        is_filled = None if rng.random() < 0.01 else False
        _slot_row(chunk, company, chunk.uuid(), slot, kept, is_filled, None)
        return
    _faulty_slot(chunk, company, slot, fault, former)


def _faulty_slot(chunk: Chunk, company: Company, slot: str, fault: str, former: Person | None) -> None:
    """Bad slot rows that look filled but, under docs/rulebook.md §4, are not."""
    rng = chunk.rng
    old = chunk.before(*calibration.HOLDER_TENURE_DAYS)
    if fault == "missing_person":
        _slot_row(chunk, company, chunk.uuid(), slot, chunk.missing_person_id(), True, old)
        return
    holder = former or new_person(chunk, company, slot, former=True)
    if fault == "duplicate":
        slot_id = chunk.uuid()
        _slot_row(chunk, company, slot_id, slot, holder.unique_id, True, old)
        _slot_row(chunk, company, slot_id if rng.random() < 0.3 else chunk.uuid(), slot, None, False, None)
    elif fault == "null_slot_id":
        looks_filled = rng.random() < 0.5
        _slot_row(
            chunk,
            company,
            None,
            slot,
            holder.unique_id if looks_filled else None,
            looks_filled,
            old if looks_filled else None,
        )
    else:
        raise ValueError(f"unknown slot fault {fault}")


def write_staff(
    chunk: Chunk, company: Company, plan: Plan, view: SlotView, faults: dict[str, str]
) -> dict[str, Person]:
    """Slots, people and history of one company; returns the holder of each filled slot."""
    showcase = vocabulary.SHOWCASE[company.showcase] if company.showcase is not None else None
    # the showcase contact sits on the slot the rules will pick, so the queue shows the name
    special_slot = audience(plan, view) if showcase is not None else None
    holders: dict[str, Person] = {}
    for slot in SLOT_TYPES:
        if slot in view.filled:
            special = showcase if slot == special_slot else None
            holders[slot] = _filled_slot(chunk, company, slot, slot in plan.recent, special)
        else:
            _unfilled_slot(chunk, company, slot, slot in plan.vacated, faults.get(slot))
    return holders
