"""docs/rulebook.md §4, the slot waterfall: which slots are filled, and the seed's
``select_slot``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pressure_outreach.reference.params import Params
from pressure_outreach.reference.rows import SourceData, is_blank


def good_person_ids(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """unique_ids of people that exist: not NULL/blank and not duplicated (all copies bad)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        unique_id = row.get("unique_id")
        if unique_id is not None:
            counts[unique_id] += 1
    return {unique_id for unique_id, count in counts.items() if count == 1 and not is_blank(unique_id)}


def slot_row_is_bad(row: Mapping[str, Any], spine: set[str], params: Params) -> bool:
    return (
        row.get("slot_id") is None
        or row.get("outreach_id") is None
        or row.get("slot_type") is None
        or row["slot_type"] not in params.slot_types
        or row["outreach_id"] not in spine
    )


def good_slot_rows(rows: Iterable[Mapping[str, Any]], spine: set[str], params: Params) -> list[Mapping[str, Any]]:
    """Slot rows that survive: the per-row checks, then no duplicated (company, slot_type)
    and no duplicated slot_id among the remaining rows (every copy is bad)."""
    remaining = [row for row in rows if not slot_row_is_bad(row, spine, params)]
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


def filled_slots(data: SourceData, spine: set[str], params: Params) -> set[tuple[str, str]]:
    """(company, slot type) of every filled slot."""
    people = good_person_ids(data.people_master)
    return {
        (row["outreach_id"], row["slot_type"])
        for row in good_slot_rows(data.company_slot, spine, params)
        if slot_is_filled(row, people)
    }


def select_slot(is_filled: Callable[[str], bool], pressure_class: str | None, params: Params) -> str | None:
    """The seed's select_slot, with is_slot_filled(company_id, slot) as a callable: the
    class's primary slot (slot_map; a class missing from it, default_primary_slot) when
    filled, else the first filled slot of the slot_waterfall seed, else None."""
    primary = params.slot_map.get(pressure_class, params.default_primary_slot)  # type: ignore[arg-type]

    # Check if primary slot is filled
    if is_filled(primary):
        return primary

    # Fallback waterfall
    for slot in params.slot_waterfall:
        if is_filled(slot):
            return slot

    return None  # No valid slot
