"""Unit tests of the reference model (``pressure_outreach.reference``, docs/rulebook.md
§0-§4) on tiny hand-built data, and of the loader of its numbers.

Every expected value is worked out by hand from docs/rulebook.md (the arithmetic is in the
comments); hashlib is used only to spell out the md5-uuid ids the rules define. The model
reads the project's numbers (``Params.from_project()``: the seeds and vars the SQL reads);
``test_the_projects_numbers_are_the_rulebooks`` pins them to the rulebook's, so a changed
seed or var fails there, not silently in the SQL and its oracle alike.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressure_outreach import contract
from pressure_outreach.reference import (
    INFINITY,
    MINUS_INFINITY,
    CompanyDecision,
    ExecutiveSignalRule,
    Params,
    RenewalStep,
    SourceData,
    evaluate,
    load_from_postgres,
    select_slot,
)
from pressure_outreach.reference.bands import raw_band
from pressure_outreach.reference.load import DEFAULT_SCHEMAS, SOURCE_TABLES
from pressure_outreach.reference.signals import executive_signals, next_renewal_date, renewal_bridge

PARAMS = Params.from_project()
AS_OF = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)

A = "00000000-0000-0000-0000-0000000000a1"
B = "00000000-0000-0000-0000-0000000000b2"

TABLE_PRESSURE_DOMAIN = {
    "DOL": "STRUCTURAL_PRESSURE",
    "PEOPLE": "DECISION_SURFACE",
    "BLOG": "NARRATIVE_VOLATILITY",
}

_ids = itertools.count(1)


def md5_uuid(key: str) -> str:
    return str(uuid.UUID(hashlib.md5(key.encode()).hexdigest()))


def sid(n: int) -> str:
    return f"00000000-0000-0000-0000-{n:012d}"


def fresh_id() -> str:
    return f"ffffffff-0000-0000-0000-{next(_ids):012d}"


def sig(
    table: str,
    magnitude: Any,
    cls: str | None = "COST_PRESSURE",
    *,
    signal_id: str | None = None,
    outreach_id: str | None = A,
    evidence: Any = "some evidence",
    detected_at: datetime | None = AS_OF - 5 * DAY,
    expires_at: datetime | None = AS_OF + 30 * DAY,
    created_at: datetime | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    row = {
        "signal_id": signal_id or fresh_id(),
        "outreach_id": outreach_id,
        "signal_type": "X",
        "pressure_domain": TABLE_PRESSURE_DOMAIN[table],
        "pressure_class": cls,
        "signal_value": {"evidence": evidence},
        "magnitude": magnitude,
        "detected_at": detected_at,
        "expires_at": expires_at,
        "source_record_id": None,
        "created_at": created_at,
        "_table": table,
    }
    row.update(overrides)
    return row


def person(unique_id: str | None) -> dict[str, Any]:
    return {
        "unique_id": unique_id,
        "first_name": "F",
        "last_name": "L",
        "email": "f@l.com",
        "outreach_ready": True,
    }


def slot(
    slot_type: str | None,
    person_id: str | None,
    *,
    outreach_id: str | None = A,
    is_filled: Any = True,
    **kw: Any,
) -> dict[str, Any]:
    row = {
        "slot_id": fresh_id(),
        "outreach_id": outreach_id,
        "slot_type": slot_type,
        "person_unique_id": person_id,
        "is_filled": is_filled,
    }
    row.update(kw)
    return row


def history(
    slot_type: str,
    event_type: str,
    event_at: datetime | None,
    *,
    history_id: str | None = None,
    outreach_id: str = A,
) -> dict[str, Any]:
    return {
        "history_id": history_id or fresh_id(),
        "outreach_id": outreach_id,
        "slot_type": slot_type,
        "person_unique_id": "P1",
        "event_type": event_type,
        "event_at": event_at,
    }


def dol_row(renewal_month: Any, *, created_at: datetime | None = AS_OF - 100 * DAY, **kw: Any) -> dict[str, Any]:
    row = {
        "dol_id": fresh_id(),
        "outreach_id": A,
        "renewal_month": renewal_month,
        "created_at": created_at,
    }
    row.update(kw)
    return row


def data(
    *signals: dict[str, Any],
    companies: tuple[str, ...] = (A,),
    slots: list[dict[str, Any]] | None = None,
    people: list[dict[str, Any]] | None = None,
    hist: list[dict[str, Any]] | None = None,
    dol: list[dict[str, Any]] | None = None,
) -> SourceData:
    by_table: dict[str, list[dict[str, Any]]] = {"DOL": [], "PEOPLE": [], "BLOG": []}
    for row in signals:
        row = dict(row)
        by_table[row.pop("_table")].append(row)
    return SourceData(
        outreach=[{"outreach_id": company} for company in companies],
        dol=dol or [],
        company_slot=slots or [],
        people_master=people or [],
        slot_assignment_history=hist or [],
        dol_signals=by_table["DOL"],
        people_signals=by_table["PEOPLE"],
        blog_signals=by_table["BLOG"],
    )


def decide(source: SourceData, as_of: datetime = AS_OF, company: str = A) -> CompanyDecision:
    return evaluate(source, as_of)[company]


def filled_by(slots: set[str]):
    return lambda slot_type: slot_type in slots


# =========================================================================== spine


def test_one_decision_per_distinct_non_null_spine_id() -> None:
    source = SourceData(
        outreach=[
            {"outreach_id": A},
            {"outreach_id": A},
            {"outreach_id": None},
            {"outreach_id": B},
        ]
    )
    result = evaluate(source, AS_OF)
    assert list(result) == [A, B]
    assert result[A] == CompanyDecision(
        outreach_id=A,
        dol_sum=0,
        people_sum=0,
        blog_sum=0,
        active_domains=(),
        bit_score=0,
        raw_band=0,
        band=0,
        band_name="SILENT",
        cap="NONE",
        primary_class=None,
        proof_line=None,
        proof_id=None,
        proof_sources=None,
        cited_signal_ids=None,
        proof_evidence=None,
        proof_valid_until=None,
        decision_window_days=None,
        slot=None,
    )


def test_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError):
        evaluate(data(), datetime(2026, 3, 15, 12, 0))


# =========================================================================== §1 quarantine

BAD_SIGNAL_MUTATIONS = {
    "null_signal_id": {"signal_id": None},
    "null_outreach_id": {"outreach_id": None},
    "orphan_outreach_id": {"outreach_id": B},
    "other_tables_domain": {"pressure_domain": "DECISION_SURFACE"},
    "domain_wrong_case": {"pressure_domain": "structural_pressure"},
    "null_domain": {"pressure_domain": None},
    "unknown_class": {"pressure_class": "MARKET_PANIC"},
    "class_wrong_case": {"pressure_class": "cost_pressure"},
    "magnitude_101": {"magnitude": 101},
    "magnitude_negative": {"magnitude": -1},
    "magnitude_null": {"magnitude": None},
    "detected_null": {"detected_at": None},
    "expires_null": {"expires_at": None},
    "expires_equal_detected": {"expires_at": AS_OF - 5 * DAY},
    "expires_before_detected": {"expires_at": AS_OF - 6 * DAY},
    "expires_infinity": {"expires_at": INFINITY},
    "detected_minus_infinity": {"detected_at": MINUS_INFINITY},
    "signal_value_null": {"signal_value": None},
    "signal_value_no_evidence": {"signal_value": {"metric": "x"}},
    "evidence_blank": {"signal_value": {"evidence": " \t\n "}},
    "evidence_empty": {"signal_value": {"evidence": ""}},
    "evidence_null": {"signal_value": {"evidence": None}},
    "evidence_over_the_bound": {"signal_value": {"evidence": "x" * 241}},  # evidence_max_chars is 240
    "evidence_not_text": {"signal_value": {"evidence": 18}},
    "signal_value_not_object": {"signal_value": "employer contribution up"},
}


@pytest.mark.parametrize("mutation", BAD_SIGNAL_MUTATIONS.values(), ids=BAD_SIGNAL_MUTATIONS.keys())
def test_bad_signal_row_is_ignored(mutation: dict[str, Any]) -> None:
    good = sig("DOL", 50)
    assert decide(data(good)).dol_sum == 50  # the unmutated row counts
    bad = {**good, **mutation}
    decision = decide(data(bad))
    assert decision.dol_sum == 0
    assert decision.band == 0


@pytest.mark.parametrize("mutation", BAD_SIGNAL_MUTATIONS.values(), ids=BAD_SIGNAL_MUTATIONS.keys())
def test_a_bad_later_copy_never_displaces_the_good_row(mutation: dict[str, Any]) -> None:
    """docs/rulebook.md §9: bad rows are quarantined first, duplicate ids resolved among the good copies.
    Resolved first, the later copy would win (latest created_at) and then be dropped as bad,
    taking the good row with it."""
    good = sig("DOL", 50, created_at=AS_OF - 5 * DAY)
    bad_copy = {**good, "created_at": AS_OF - 4 * DAY, "magnitude": 60, **mutation}
    decision = decide(data(good, bad_copy))
    assert decision.dol_sum == 50


def test_evidence_at_the_bound_is_good_and_trimmed_before_it_is_measured() -> None:
    at_bound = {**sig("DOL", 50), "signal_value": {"evidence": "  " + "x" * 240 + "\t"}}
    assert decide(data(at_bound)).dol_sum == 50


def test_magnitude_bounds_0_and_100_are_good() -> None:
    decision = decide(data(sig("DOL", 100), sig("PEOPLE", 0), sig("PEOPLE", 10)))
    assert (decision.dol_sum, decision.people_sum) == (100, 10)


def test_signal_detected_after_as_of_does_not_exist() -> None:
    decision = decide(data(sig("DOL", 50, detected_at=AS_OF + timedelta(microseconds=1))))
    assert decision.dol_sum == 0


def test_signal_detected_exactly_at_as_of_is_active() -> None:
    assert decide(data(sig("DOL", 50, detected_at=AS_OF))).dol_sum == 50


def test_signal_expiring_exactly_at_as_of_is_inactive() -> None:
    assert decide(data(sig("DOL", 50, expires_at=AS_OF))).dol_sum == 0


def test_signal_expiring_just_after_as_of_is_active() -> None:
    assert decide(data(sig("DOL", 50, expires_at=AS_OF + timedelta(microseconds=1)))).dol_sum == 50


def test_null_class_signal_counts_toward_the_score_but_gives_no_proof() -> None:
    # DOL 50 -> score 50 -> band 3 (NO_PEOPLE cap 3 does not bind); no classed signal.
    decision = decide(data(sig("DOL", 50, None)))
    assert (decision.dol_sum, decision.bit_score, decision.band, decision.cap) == (
        50,
        50,
        3,
        "NONE",
    )
    assert decision.primary_class is None
    assert decision.proof_line is None and decision.proof_id is None


def test_evidence_is_stripped() -> None:
    decision = decide(data(sig("DOL", 50, evidence="  employer contribution +18% YoY \n")))
    assert decision.proof_line == "COST_PRESSURE detected via DOL: employer contribution +18% YoY"


# =========================================================================== §1 duplicates


def test_duplicate_signal_counted_once() -> None:
    row = sig("DOL", 30, signal_id=sid(1))
    assert decide(data(row, dict(row))).dol_sum == 30


def test_duplicate_keeps_latest_created_at() -> None:
    older = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - 5 * DAY)
    newer = sig("DOL", 20, signal_id=sid(1), created_at=AS_OF - 1 * DAY)
    assert decide(data(older, newer)).dol_sum == 20
    assert decide(data(newer, older)).dol_sum == 20


def test_duplicate_null_created_at_sorts_lowest() -> None:
    undated = sig("DOL", 30, signal_id=sid(1), created_at=None)
    dated = sig("DOL", 20, signal_id=sid(1), created_at=AS_OF - 5 * DAY)
    assert decide(data(undated, dated)).dol_sum == 20
    assert decide(data(dated, undated)).dol_sum == 20


def test_duplicate_same_created_at_keeps_greatest_magnitude() -> None:
    first = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - 2 * DAY)
    second = sig("DOL", 20, signal_id=sid(1), created_at=AS_OF - 2 * DAY)
    assert decide(data(first, second)).dol_sum == 30
    assert decide(data(second, first)).dol_sum == 30


def test_duplicate_then_smallest_outreach_id() -> None:
    # Same id, created_at and magnitude delivered for A and for B: A's copy (smaller) wins.
    for_a = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - DAY, outreach_id=A)
    for_b = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - DAY, outreach_id=B)
    result = evaluate(data(for_b, for_a, companies=(A, B)), AS_OF)
    assert (result[A].dol_sum, result[B].dol_sum) == (30, 0)


def test_duplicate_then_smallest_evidence() -> None:
    first = sig("DOL", 50, signal_id=sid(1), evidence="b evidence")
    second = sig("DOL", 50, signal_id=sid(1), evidence="a evidence")
    assert decide(data(first, second)).proof_line == "COST_PRESSURE detected via DOL: a evidence"


def test_duplicate_across_tables_counted_once_in_the_kept_domain() -> None:
    in_dol = sig("DOL", 40, signal_id=sid(1), created_at=AS_OF - 1 * DAY)
    in_people = sig("PEOPLE", 60, signal_id=sid(1), created_at=AS_OF - 3 * DAY)
    decision = decide(data(in_people, in_dol))
    assert (decision.dol_sum, decision.people_sum) == (40, 0)


def test_bad_copy_never_wins_a_duplicate() -> None:
    good = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - 5 * DAY)
    bad = sig("DOL", 150, signal_id=sid(1), created_at=AS_OF - 1 * DAY)
    assert decide(data(good, bad)).dol_sum == 30


def test_future_copy_never_wins_a_duplicate() -> None:
    good = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - 5 * DAY)
    future = sig(
        "DOL",
        20,
        signal_id=sid(1),
        created_at=AS_OF - DAY,
        detected_at=AS_OF + DAY,
        expires_at=AS_OF + 9 * DAY,
    )
    assert decide(data(good, future)).dol_sum == 30


def test_duplicates_are_resolved_before_the_active_filter() -> None:
    # The kept copy (latest created_at) has expired, so the signal is inactive even
    # though the older copy would still be active.
    active_old = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - 5 * DAY)
    expired_new = sig("DOL", 30, signal_id=sid(1), created_at=AS_OF - 1 * DAY, expires_at=AS_OF - DAY)
    assert decide(data(active_old, expired_new)).dol_sum == 0


# =========================================================================== §1 renewal bridge

# renewal_month 7 -> next renewal 2026-07-01; as_of dates worked out by hand.
RENEWAL_CASES = [
    (0, datetime(2026, 7, 1, 12, tzinfo=UTC), 70),
    (30, datetime(2026, 6, 1, 12, tzinfo=UTC), 70),
    (31, datetime(2026, 5, 31, 12, tzinfo=UTC), 55),
    (60, datetime(2026, 5, 2, 12, tzinfo=UTC), 55),
    (61, datetime(2026, 5, 1, 12, tzinfo=UTC), 45),
    (90, datetime(2026, 4, 2, 12, tzinfo=UTC), 45),
    (91, datetime(2026, 4, 1, 12, tzinfo=UTC), 35),
    (120, datetime(2026, 3, 3, 12, tzinfo=UTC), 35),
    (121, datetime(2026, 3, 2, 12, tzinfo=UTC), None),
]


@pytest.mark.parametrize(
    ("days", "as_of", "magnitude"),
    RENEWAL_CASES,
    ids=[f"N{c[0]}" for c in RENEWAL_CASES],
)
def test_renewal_bridge_steps(days: int, as_of: datetime, magnitude: int | None) -> None:
    bridge = renewal_bridge(A, 7, as_of, PARAMS)
    decision = decide(data(dol=[dol_row(7, created_at=as_of - 400 * DAY)]), as_of)
    if magnitude is None:
        assert bridge is None
        assert decision.dol_sum == 0
        return
    assert bridge is not None
    assert bridge.renewal_date == date(2026, 7, 1)
    signal = bridge.signal
    assert signal.magnitude == magnitude
    assert signal.evidence == f"renewal in {days} days"
    assert signal.signal_id == md5_uuid(f"renewal:{A}:2026-07-01")
    assert signal.domain == "DOL" and signal.pressure_class == "DEADLINE_PROXIMITY"
    assert signal.detected_at == as_of
    assert signal.expires_at == datetime(2026, 7, 31, 0, 0, tzinfo=UTC)
    assert decision.dol_sum == magnitude


def test_renewal_today_counts_and_past_month_wraps_to_next_year() -> None:
    assert next_renewal_date(7, date(2026, 7, 1)) == date(2026, 7, 1)
    assert next_renewal_date(7, date(2026, 7, 2)) == date(2027, 7, 1)
    assert next_renewal_date(1, date(2026, 12, 15)) == date(2027, 1, 1)
    # 2026-12-15 -> 2027-01-01 = 17 days -> 70
    as_of = datetime(2026, 12, 15, 12, tzinfo=UTC)
    assert decide(data(dol=[dol_row(1)]), as_of).dol_sum == 70


def test_renewal_days_use_the_utc_date_of_as_of() -> None:
    # 2026-06-01 01:00 at +05:00 is 2026-05-31 20:00 UTC -> 31 days to 2026-07-01 -> 55.
    as_of = datetime(2026, 6, 1, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert decide(data(dol=[dol_row(7, created_at=datetime(2025, 1, 1, tzinfo=UTC))]), as_of).dol_sum == 55


def test_renewal_uses_the_latest_good_existing_dol_row() -> None:
    # as_of 2026-03-15: month 4 -> 17 days -> 70; month 5 -> 47 days -> 55; month 6 -> 78 -> 45.
    rows = [
        dol_row(4, created_at=AS_OF - 300 * DAY),
        dol_row(5, created_at=AS_OF - 10 * DAY),  # current
        dol_row(13, created_at=AS_OF - 5 * DAY),  # bad month
        dol_row(0, created_at=AS_OF - 5 * DAY),  # bad month
        dol_row(None, created_at=AS_OF - 5 * DAY),  # bad month
        dol_row(6, created_at=None),  # bad created_at
        dol_row(6, created_at=AS_OF + DAY),  # does not exist yet
        dol_row(6, created_at=AS_OF - DAY, outreach_id=B),  # orphan
        dol_row(6, created_at=AS_OF - DAY, dol_id=None),  # bad key
    ]
    assert decide(data(dol=rows)).dol_sum == 55


def test_renewal_created_at_tie_broken_by_greatest_dol_id() -> None:
    same = AS_OF - 10 * DAY
    rows = [
        dol_row(5, created_at=same, dol_id="00000000-0000-0000-0000-000000000009"),  # 55, wins
        dol_row(4, created_at=same, dol_id="00000000-0000-0000-0000-000000000001"),  # 70
    ]
    assert decide(data(dol=rows)).dol_sum == 55
    assert decide(data(dol=rows[::-1])).dol_sum == 55


# =========================================================================== §1 executive bridge


def test_assigned_signals_magnitudes_evidence_and_ids() -> None:
    hist = [
        history("HR", "ASSIGNED", AS_OF - 30 * DAY, history_id=sid(1)),
        history("CEO", "ASSIGNED", AS_OF - 12 * DAY, history_id=sid(2)),
        history(
            "CFO",
            "ASSIGNED",
            datetime(2026, 3, 14, 23, 0, tzinfo=UTC),
            history_id=sid(3),
        ),
    ]
    signals = executive_signals(data(hist=hist), {A}, set(), AS_OF, PARAMS)
    got = {(s.signal_id, s.magnitude, s.evidence, s.expires_at, s.detected_at) for s in signals}
    assert got == {
        (
            md5_uuid(f"assigned:{sid(1)}"),
            30,
            "new HR leader 30 days in seat",
            AS_OF + 150 * DAY,
            AS_OF - 30 * DAY,
        ),
        (
            md5_uuid(f"assigned:{sid(2)}"),
            25,
            "new CEO 12 days in seat",
            AS_OF + 168 * DAY,
            AS_OF - 12 * DAY,
        ),
        # 2026-03-14 23:00 -> as_of 2026-03-15: 1 day by calendar dates, "1 days"
        (
            md5_uuid(f"assigned:{sid(3)}"),
            25,
            "new CFO 1 days in seat",
            datetime(2026, 9, 10, 23, 0, tzinfo=UTC),
            datetime(2026, 3, 14, 23, 0, tzinfo=UTC),
        ),
    }
    assert all(s.domain == "PEOPLE" and s.pressure_class == "ORGANIZATIONAL_RECONFIGURATION" for s in signals)
    # 30 + 25 + 25 = 80
    assert decide(data(hist=hist)).people_sum == 80


def test_assigned_expires_after_180_days() -> None:
    assert decide(data(hist=[history("HR", "ASSIGNED", AS_OF - 180 * DAY)])).people_sum == 0
    assert decide(data(hist=[history("HR", "ASSIGNED", AS_OF - 179 * DAY)])).people_sum == 30


def test_vacated_signal_only_when_slot_not_filled_now() -> None:
    hist = [history("CFO", "VACATED", AS_OF - 12 * DAY, history_id=sid(7))]
    (signal,) = executive_signals(data(hist=hist), {A}, set(), AS_OF, PARAMS)
    assert signal.signal_id == md5_uuid(f"vacated:{sid(7)}")
    assert (signal.magnitude, signal.evidence) == (20, "CFO seat vacant 12 days")
    assert signal.expires_at == AS_OF + 78 * DAY
    assert decide(data(hist=hist)).people_sum == 20
    refilled = data(hist=hist, slots=[slot("CFO", "P1")], people=[person("P1")])
    assert decide(refilled).people_sum == 0
    # a "filled" slot whose person does not exist is not filled: the vacancy counts
    ghost = data(hist=hist, slots=[slot("CFO", "P-missing")], people=[person("P1")])
    assert decide(ghost).people_sum == 20


def test_vacated_expires_after_90_days() -> None:
    assert decide(data(hist=[history("HR", "VACATED", AS_OF - 90 * DAY)])).people_sum == 0
    assert decide(data(hist=[history("HR", "VACATED", AS_OF - 89 * DAY)])).people_sum == 20


def test_history_rows_that_give_no_signal() -> None:
    hist = [
        history("CEO", "DISPLACED", AS_OF - 5 * DAY),
        history("CTO", "ASSIGNED", AS_OF - 5 * DAY),  # unknown slot_type
        history("CEO", "teleported", AS_OF - 5 * DAY),  # unknown event_type
        history("CEO", "ASSIGNED", AS_OF + DAY),  # does not exist yet
        history("CEO", "ASSIGNED", None),  # NULL event_at
        history("CEO", "ASSIGNED", AS_OF - 5 * DAY, outreach_id=B),  # orphan
        history("HR", "ASSIGNED", AS_OF - 5 * DAY, history_id=sid(9)),  # duplicated id:
        history("HR", "ASSIGNED", AS_OF - 6 * DAY, history_id=sid(9)),  # every copy bad
    ]
    assert decide(data(hist=hist)).people_sum == 0


def test_assigned_counts_even_if_the_person_left() -> None:
    hist = [
        history("CEO", "ASSIGNED", AS_OF - 20 * DAY),
        history("CEO", "DISPLACED", AS_OF - 10 * DAY),
    ]
    assert decide(data(hist=hist)).people_sum == 25


# =========================================================================== §2 sums, score, band


def test_domain_sum_capped_at_100() -> None:
    decision = decide(data(sig("DOL", 70), sig("DOL", 70)))
    assert (decision.dol_sum, decision.bit_score) == (100, 100)


def test_inactive_domain_does_not_score() -> None:
    # PEOPLE 9 < 10 -> not active -> score = 50 only
    decision = decide(data(sig("DOL", 50), sig("PEOPLE", 9)))
    assert decision.people_sum == 9
    assert decision.active_domains == ("DOL",)
    assert decision.bit_score == 50


def test_bit_score_is_floored_exactly() -> None:
    # 10 + 0.8*12 + 0.5*11 = 10 + 9.6 + 5.5 = 25.1 -> 25 -> band 2
    decision = decide(data(sig("DOL", 10), sig("PEOPLE", 12), sig("BLOG", 11)))
    assert decision.active_domains == ("DOL", "PEOPLE", "BLOG")
    assert (
        decision.bit_score,
        decision.raw_band,
        decision.band,
        decision.band_name,
    ) == (25, 2, 2, "EXPLORATORY")
    # 40 + 0.5*11 = 45.5 -> 45
    assert decide(data(sig("DOL", 40), sig("BLOG", 11))).bit_score == 45
    # 0.8*35 = 28 exactly
    assert decide(data(sig("PEOPLE", 35))).bit_score == 28
    # 0.8*13 = 10.4 -> 10; 0.8*12 = 9.6 -> 9 (+ DOL 10 = 19)
    assert decide(data(sig("PEOPLE", 13))).bit_score == 10
    assert decide(data(sig("DOL", 10), sig("PEOPLE", 12))).bit_score == 19


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, 0),
        (9, 0),
        (10, 1),
        (24, 1),
        (25, 2),
        (39, 2),
        (40, 3),
        (59, 3),
        (60, 4),
        (79, 4),
        (80, 5),
        (100, 5),
    ],
)
def test_raw_band_thresholds(score: int, band: int) -> None:
    assert raw_band(score, PARAMS) == band


# =========================================================================== §2.4 caps


def test_cap_blog_alone_binds() -> None:
    # BLOG 100 -> 50 -> raw 3; caps BLOG_ALONE 1, NO_DOL 2, NO_PEOPLE 3 -> band 1
    decision = decide(data(sig("BLOG", 100)))
    assert decision.active_domains == ("BLOG",)
    assert (decision.bit_score, decision.raw_band, decision.band, decision.cap) == (
        50,
        3,
        1,
        "BLOG_ALONE",
    )
    assert decision.band_name == "WATCH"
    assert decision.primary_class is None  # BLOG never sets the class


def test_cap_no_dol_binds() -> None:
    # 0.8*100 + 0.5*100 = 130 -> 100 -> raw 5; NO_DOL 2 -> band 2
    decision = decide(data(sig("PEOPLE", 100), sig("BLOG", 100)))
    assert (decision.bit_score, decision.raw_band, decision.band, decision.cap) == (
        100,
        5,
        2,
        "NO_DOL",
    )


def test_cap_no_dol_is_the_lowest_of_several() -> None:
    # PEOPLE 100 -> 80 -> raw 5; NO_DOL 2 and NO_BLOG 4 apply -> band 2, NO_DOL
    decision = decide(data(sig("PEOPLE", 100)))
    assert (decision.bit_score, decision.raw_band, decision.band, decision.cap) == (
        80,
        5,
        2,
        "NO_DOL",
    )


def test_cap_no_people_binds() -> None:
    # 100 + 50 = 150 -> 100 -> raw 5; NO_PEOPLE 3 -> band 3
    decision = decide(data(sig("DOL", 100), sig("BLOG", 100)))
    assert (decision.raw_band, decision.band, decision.cap) == (5, 3, "NO_PEOPLE")


def test_cap_no_blog_binds() -> None:
    # 100 + 80 = 180 -> 100 -> raw 5; NO_BLOG 4 -> band 4
    decision = decide(data(sig("DOL", 100), sig("PEOPLE", 100)))
    assert (decision.raw_band, decision.band, decision.cap, decision.band_name) == (
        5,
        4,
        "NO_BLOG",
        "ENGAGED",
    )


def test_cap_none_when_all_domains_active() -> None:
    decision = decide(data(sig("DOL", 100), sig("PEOPLE", 100), sig("BLOG", 100)))
    assert (decision.raw_band, decision.band, decision.cap, decision.band_name) == (
        5,
        5,
        "NONE",
        "DIRECT",
    )


def test_cap_none_when_applying_caps_do_not_bind() -> None:
    # DOL 30 -> raw 2; NO_PEOPLE 3 and NO_BLOG 4 apply, both above 2
    decision = decide(data(sig("DOL", 30)))
    assert (decision.raw_band, decision.band, decision.cap) == (2, 2, "NONE")


def test_cap_none_when_cap_equals_raw_band() -> None:
    # DOL 50 -> raw 3; NO_PEOPLE 3 is not below 3
    decision = decide(data(sig("DOL", 50)))
    assert (decision.raw_band, decision.band, decision.cap) == (3, 3, "NONE")


def test_no_active_domain_is_silent_without_cap() -> None:
    decision = decide(data(sig("DOL", 9), sig("BLOG", 9)))
    assert (
        decision.bit_score,
        decision.band,
        decision.cap,
        decision.active_domains,
    ) == (0, 0, "NONE", ())


# =========================================================================== §2.5 primary class


@pytest.mark.parametrize(
    ("dol_class", "people_class"),
    [
        ("COST_PRESSURE", "VENDOR_DISSATISFACTION"),
        ("VENDOR_DISSATISFACTION", "COST_PRESSURE"),
    ],
)
def test_primary_tie_dol_before_people(dol_class: str, people_class: str) -> None:
    # equal magnitude; PEOPLE is later and has the smaller id, DOL still wins
    dol = sig("DOL", 40, dol_class, signal_id=sid(9), detected_at=AS_OF - 10 * DAY)
    people = sig("PEOPLE", 40, people_class, signal_id=sid(1), detected_at=AS_OF - 1 * DAY)
    assert decide(data(people, dol)).primary_class == dol_class


@pytest.mark.parametrize(
    ("later_class", "earlier_class"),
    [("COST_PRESSURE", "OPERATIONAL_CHAOS"), ("OPERATIONAL_CHAOS", "COST_PRESSURE")],
)
def test_primary_tie_latest_detected_at(later_class: str, earlier_class: str) -> None:
    # equal magnitude and domain; the earlier one has the smaller id, the later one wins
    earlier = sig("DOL", 40, earlier_class, signal_id=sid(1), detected_at=AS_OF - 10 * DAY)
    later = sig("DOL", 40, later_class, signal_id=sid(2), detected_at=AS_OF - 2 * DAY)
    assert decide(data(earlier, later)).primary_class == later_class
    assert decide(data(later, earlier)).primary_class == later_class


@pytest.mark.parametrize(
    ("small_class", "big_class"),
    [("COST_PRESSURE", "DEADLINE_PROXIMITY"), ("DEADLINE_PROXIMITY", "COST_PRESSURE")],
)
def test_primary_tie_smallest_signal_id(small_class: str, big_class: str) -> None:
    small = sig("PEOPLE", 40, small_class, signal_id=sid(1), detected_at=AS_OF - 3 * DAY)
    big = sig("PEOPLE", 40, big_class, signal_id=sid(2), detected_at=AS_OF - 3 * DAY)
    source = data(sig("DOL", 20, None), big, small)
    assert decide(source).primary_class == small_class


def test_primary_highest_magnitude_beats_domain_order() -> None:
    decision = decide(data(sig("DOL", 40, "COST_PRESSURE"), sig("PEOPLE", 41, "VENDOR_DISSATISFACTION")))
    assert decision.primary_class == "VENDOR_DISSATISFACTION"


def test_primary_ignores_blog_and_null_class() -> None:
    source = data(
        sig("BLOG", 100, "OPERATIONAL_CHAOS"),
        sig("DOL", 60, None),
        sig("DOL", 20, "VENDOR_DISSATISFACTION"),
    )
    assert decide(source).primary_class == "VENDOR_DISSATISFACTION"


def test_primary_ignores_inactive_domain() -> None:
    # PEOPLE 9 is not an active domain; DOL has only a NULL-class signal
    decision = decide(data(sig("DOL", 50, None), sig("PEOPLE", 9, "COST_PRESSURE")))
    assert decision.primary_class is None


# =========================================================================== §3 proof


def test_band_3_proof_from_dol() -> None:
    row = sig(
        "DOL",
        50,
        "COST_PRESSURE",
        evidence="employer contribution +18% YoY",
        expires_at=AS_OF + 20 * DAY,
    )
    decision = decide(data(row))
    assert decision.band == 3
    assert decision.proof_line == "COST_PRESSURE detected via DOL: employer contribution +18% YoY"
    assert decision.proof_sources == ("DOL",)
    assert decision.cited_signal_ids == (row["signal_id"],)
    assert decision.proof_evidence == {"DOL": "employer contribution +18% YoY"}
    assert decision.proof_valid_until == AS_OF + 20 * DAY
    assert decision.decision_window_days is None
    assert decision.proof_id == md5_uuid(f"proof|{A}|3|COST_PRESSURE|{row['signal_id']}")


def test_band_3_proof_from_people_bridge() -> None:
    # DOL 25 (NULL class) + 0.8*25 (new CEO) = 45 -> band 3; primary = the ASSIGNED signal
    hist = [history("CEO", "ASSIGNED", AS_OF - 12 * DAY, history_id=sid(5))]
    decision = decide(data(sig("DOL", 25, None), hist=hist))
    assigned_id = md5_uuid(f"assigned:{sid(5)}")
    assert (decision.bit_score, decision.band) == (45, 3)
    assert decision.proof_line == "ORGANIZATIONAL_RECONFIGURATION detected via PEOPLE: new CEO 12 days in seat"
    assert decision.proof_sources == ("PEOPLE",)
    assert decision.cited_signal_ids == (assigned_id,)
    assert decision.proof_valid_until == AS_OF + 168 * DAY
    assert decision.proof_id == md5_uuid(f"proof|{A}|3|ORGANIZATIONAL_RECONFIGURATION|{assigned_id}")


def test_no_proof_below_band_3() -> None:
    decision = decide(data(sig("DOL", 30, "COST_PRESSURE")))
    assert decision.band == 2 and decision.primary_class == "COST_PRESSURE"
    assert all(
        value is None
        for value in (
            decision.proof_line,
            decision.proof_id,
            decision.proof_sources,
            decision.cited_signal_ids,
            decision.proof_evidence,
            decision.proof_valid_until,
            decision.decision_window_days,
        )
    )


def test_band_4_without_blog() -> None:
    # DOL 100, PEOPLE 100 -> raw 5, NO_BLOG -> 4; BLOG 5 is not active, never cited
    dol_a = sig("DOL", 60, "COST_PRESSURE", evidence="dol a", expires_at=AS_OF + 40 * DAY)
    dol_b = sig(
        "DOL",
        40,
        "VENDOR_DISSATISFACTION",
        evidence="dol b",
        expires_at=AS_OF + 2 * DAY,
    )
    people = sig(
        "PEOPLE",
        100,
        "ORGANIZATIONAL_RECONFIGURATION",
        evidence="ppl",
        expires_at=AS_OF + 30 * DAY,
    )
    blog = sig("BLOG", 5, "COST_PRESSURE", evidence="blog")
    decision = decide(data(dol_a, dol_b, people, blog))
    assert decision.band == 4
    assert decision.primary_class == "ORGANIZATIONAL_RECONFIGURATION"
    assert decision.proof_line == "ORGANIZATIONAL_RECONFIGURATION convergence: dol a + ppl"
    assert decision.proof_sources == ("DOL", "PEOPLE")
    assert decision.cited_signal_ids == (dol_a["signal_id"], people["signal_id"])
    assert decision.proof_evidence == {"DOL": "dol a", "PEOPLE": "ppl"}
    assert decision.proof_valid_until == AS_OF + 30 * DAY
    assert decision.decision_window_days is None
    ids = ",".join(sorted([dol_a["signal_id"], people["signal_id"]]))
    assert decision.proof_id == md5_uuid(f"proof|{A}|4|ORGANIZATIONAL_RECONFIGURATION|{ids}")


def test_band_4_with_blog() -> None:
    # 40 + 0.8*25 + 0.5*20 = 40 + 20 + 10 = 70 -> band 4, no cap
    dol = sig("DOL", 40, "COST_PRESSURE", evidence="cost up", expires_at=AS_OF + 40 * DAY)
    people = sig(
        "PEOPLE",
        25,
        "VENDOR_DISSATISFACTION",
        evidence="broker fired",
        expires_at=AS_OF + 30 * DAY,
    )
    blog = sig(
        "BLOG",
        20,
        "OPERATIONAL_CHAOS",
        evidence="system outage",
        expires_at=AS_OF + 9 * DAY,
    )
    decision = decide(data(dol, people, blog))
    assert (decision.bit_score, decision.band, decision.cap) == (70, 4, "NONE")
    assert decision.proof_line == "COST_PRESSURE convergence: cost up + broker fired + system outage"
    assert decision.proof_sources == ("DOL", "PEOPLE", "BLOG")
    assert decision.cited_signal_ids == (
        dol["signal_id"],
        people["signal_id"],
        blog["signal_id"],
    )
    assert decision.proof_evidence == {
        "DOL": "cost up",
        "PEOPLE": "broker fired",
        "BLOG": "system outage",
    }
    assert decision.proof_valid_until == AS_OF + 9 * DAY
    assert decision.decision_window_days is None


def test_band_4_blog_active_but_only_null_class_is_not_cited() -> None:
    dol = sig("DOL", 40, "COST_PRESSURE", evidence="cost up")
    people = sig("PEOPLE", 25, "VENDOR_DISSATISFACTION", evidence="broker fired")
    blog = sig("BLOG", 20, None, evidence="context")
    decision = decide(data(dol, people, blog))
    assert decision.band == 4
    assert decision.proof_line == "COST_PRESSURE convergence: cost up + broker fired"
    assert decision.proof_sources == ("DOL", "PEOPLE")


def test_band_5_decision_window_from_renewal() -> None:
    # renewal month 4 at 2026-03-15 -> 2026-04-01, 17 days -> magnitude 70 (strongest DOL);
    # DOL 70+30 = 100, PEOPLE 100, BLOG 100 -> band 5; PEOPLE 100 sets the class.
    dol_other = sig("DOL", 30, "COST_PRESSURE", evidence="cost up")
    people = sig(
        "PEOPLE",
        100,
        "VENDOR_DISSATISFACTION",
        evidence="broker changed twice",
        expires_at=AS_OF + 10 * DAY,
    )
    blog = sig(
        "BLOG",
        100,
        "OPERATIONAL_CHAOS",
        evidence="layoffs announced",
        expires_at=AS_OF + 60 * DAY,
    )
    decision = decide(data(dol_other, people, blog, dol=[dol_row(4)]))
    renewal_id = md5_uuid(f"renewal:{A}:2026-04-01")
    assert (decision.dol_sum, decision.people_sum, decision.blog_sum) == (100, 100, 100)
    assert (decision.band, decision.cap) == (5, "NONE")
    assert decision.primary_class == "VENDOR_DISSATISFACTION"
    assert decision.proof_line == (
        "PHASE TRANSITION: VENDOR_DISSATISFACTION \u2014 renewal in 17 days + broker changed twice"
        " + layoffs announced \u2014 Decision window: 17 days"
    )
    assert decision.cited_signal_ids == (
        renewal_id,
        people["signal_id"],
        blog["signal_id"],
    )
    assert decision.proof_sources == ("DOL", "PEOPLE", "BLOG")
    assert decision.proof_valid_until == AS_OF + 10 * DAY  # the window still counts to the renewal
    assert decision.decision_window_days == 17
    ids = ",".join(sorted([renewal_id, people["signal_id"], blog["signal_id"]]))
    assert decision.proof_id == md5_uuid(f"proof|{A}|5|VENDOR_DISSATISFACTION|{ids}")


def test_band_5_decision_window_from_valid_until() -> None:
    # renewal month 5 -> 47 days -> 55 < 90, so the cited DOL signal is not the renewal's.
    # valid_until = 2026-04-09 01:00 UTC -> 2026-03-15 .. 2026-04-09 = 25 days.
    dol = sig(
        "DOL",
        90,
        "COST_PRESSURE",
        evidence="employer contribution +18% YoY",
        expires_at=AS_OF + 40 * DAY,
    )
    people = sig(
        "PEOPLE",
        100,
        "ORGANIZATIONAL_RECONFIGURATION",
        evidence="new CFO hired",
        expires_at=datetime(2026, 4, 9, 1, 0, tzinfo=UTC),
    )
    blog = sig(
        "BLOG",
        100,
        "COST_PRESSURE",
        evidence="hiring freeze",
        expires_at=AS_OF + 60 * DAY,
    )
    decision = decide(data(dol, people, blog, dol=[dol_row(5)]))
    assert decision.dol_sum == 100  # 90 + 55 capped
    assert decision.band == 5
    assert decision.primary_class == "ORGANIZATIONAL_RECONFIGURATION"
    assert decision.proof_line == (
        "PHASE TRANSITION: ORGANIZATIONAL_RECONFIGURATION \u2014 employer contribution +18% YoY + new CFO hired"
        " + hiring freeze \u2014 Decision window: 25 days"
    )
    assert decision.proof_valid_until == datetime(2026, 4, 9, 1, 0, tzinfo=UTC)
    assert decision.decision_window_days == 25


def test_no_proof_band_4_people_only_null_class() -> None:
    decision = decide(data(sig("DOL", 100, "COST_PRESSURE"), sig("PEOPLE", 100, None)))
    assert (decision.band, decision.primary_class) == (4, "COST_PRESSURE")
    assert decision.proof_line is None and decision.proof_id is None and decision.cited_signal_ids is None


def test_no_proof_band_4_dol_only_null_class() -> None:
    decision = decide(data(sig("DOL", 100, None), sig("PEOPLE", 100, "VENDOR_DISSATISFACTION")))
    assert (decision.band, decision.primary_class) == (4, "VENDOR_DISSATISFACTION")
    assert decision.proof_line is None and decision.proof_sources is None


def test_no_proof_band_5_blog_only_null_class() -> None:
    decision = decide(data(sig("DOL", 100), sig("PEOPLE", 100), sig("BLOG", 100, None)))
    assert decision.band == 5
    assert decision.proof_line is None and decision.proof_valid_until is None and decision.decision_window_days is None


def test_no_proof_band_3_only_null_class() -> None:
    decision = decide(data(sig("DOL", 50, None), sig("PEOPLE", 5, "COST_PRESSURE")))
    assert decision.band == 3 and decision.primary_class is None
    assert decision.proof_line is None


# =========================================================================== §4 select_slot


def test_select_slot_primary_filled() -> None:
    assert select_slot(filled_by({"CEO", "CFO"}), "COST_PRESSURE", PARAMS) == "CFO"
    assert select_slot(filled_by({"CEO", "HR"}), "VENDOR_DISSATISFACTION", PARAMS) == "HR"


def test_select_slot_unknown_or_missing_class_maps_to_ceo() -> None:
    assert select_slot(filled_by({"CEO", "CFO", "HR"}), "MARKET_PANIC", PARAMS) == "CEO"
    assert select_slot(filled_by({"CEO", "CFO", "HR"}), None, PARAMS) == "CEO"


def test_select_slot_primary_empty_falls_back_to_ceo() -> None:
    assert select_slot(filled_by({"CEO", "CFO"}), "DEADLINE_PROXIMITY", PARAMS) == "CEO"


def test_select_slot_then_cfo() -> None:
    assert select_slot(filled_by({"CFO"}), "DEADLINE_PROXIMITY", PARAMS) == "CFO"
    assert select_slot(filled_by({"CFO", "HR"}), "ORGANIZATIONAL_RECONFIGURATION", PARAMS) == "CFO"


def test_select_slot_then_hr() -> None:
    assert select_slot(filled_by({"HR"}), "COST_PRESSURE", PARAMS) == "HR"
    assert select_slot(filled_by({"HR"}), None, PARAMS) == "HR"


def test_select_slot_none_filled() -> None:
    assert select_slot(filled_by(set()), "COST_PRESSURE", PARAMS) is None


def test_slot_for_unknown_class_signal_is_ceo() -> None:
    # the MARKET_PANIC row is bad -> no primary class -> CEO
    source = data(
        sig("DOL", 50, "MARKET_PANIC"),
        slots=[slot("CEO", "P1"), slot("CFO", "P2"), slot("HR", "P3")],
        people=[person("P1"), person("P2"), person("P3")],
    )
    decision = decide(source)
    assert decision.primary_class is None and decision.slot == "CEO"


def test_slot_is_chosen_even_when_band_is_low() -> None:
    source = data(slots=[slot("HR", "P1")], people=[person("P1")])
    assert decide(source).slot == "HR"


def test_slot_filled_but_person_missing_is_not_filled() -> None:
    # COST_PRESSURE -> CFO; its person does not exist; CEO not filled; HR filled
    source = data(
        sig("DOL", 50, "COST_PRESSURE"),
        slots=[
            slot("CFO", "P-missing"),
            slot("CEO", "P1", is_filled=False),
            slot("HR", "P3"),
        ],
        people=[person("P1"), person("P3")],
    )
    assert decide(source).slot == "HR"


def test_slot_with_null_is_filled_or_null_person_is_not_filled() -> None:
    source = data(
        slots=[slot("CEO", "P1", is_filled=None), slot("CFO", None)],
        people=[person("P1")],
    )
    assert decide(source).slot is None


def test_slot_pointing_at_duplicated_or_blank_person_is_not_filled() -> None:
    source = data(
        slots=[slot("CEO", "P-dup"), slot("CFO", "  "), slot("HR", "P-ok")],
        people=[
            person("P-dup"),
            person("P-dup"),
            person("  "),
            person(None),
            person("P-ok"),
        ],
    )
    assert decide(source).slot == "HR"


def test_person_id_compared_exactly() -> None:
    source = data(slots=[slot("CEO", "p1"), slot("CFO", " P1")], people=[person("P1")])
    assert decide(source).slot is None


def test_duplicated_slot_is_not_filled() -> None:
    # ORGANIZATIONAL_RECONFIGURATION -> CEO; CEO delivered twice -> not filled -> CFO
    source = data(
        sig("DOL", 50, "ORGANIZATIONAL_RECONFIGURATION"),
        slots=[slot("CEO", "P1"), slot("CEO", "P1"), slot("CFO", "P2")],
        people=[person("P1"), person("P2")],
    )
    assert decide(source).slot == "CFO"


def test_duplicated_slot_id_is_not_filled() -> None:
    shared = fresh_id()
    source = data(
        slots=[
            slot("CEO", "P1", slot_id=shared),
            slot("CEO", "P2", slot_id=shared, outreach_id=B),
            slot("HR", "P3", outreach_id=B),
        ],
        people=[person("P1"), person("P2"), person("P3")],
        companies=(A, B),
    )
    result = evaluate(source, AS_OF)
    assert (result[A].slot, result[B].slot) == (None, "HR")


def test_bad_slot_row_does_not_make_a_duplicate() -> None:
    # a second CEO row with a NULL slot_id is bad before duplicates are counted
    source = data(
        slots=[
            slot("CEO", "P1"),
            slot("CEO", "P2", slot_id=None),
            slot("CTO", "P2"),
            slot("CFO", "P2", outreach_id=B),
        ],
        people=[person("P1"), person("P2")],
    )
    assert decide(source).slot == "CEO"


def test_no_filled_slot_gives_none() -> None:
    assert (
        decide(
            data(
                sig("DOL", 50),
                slots=[slot("CEO", "P1", is_filled=False)],
                people=[person("P1")],
            )
        ).slot
        is None
    )


# =========================================================================== params


def test_the_projects_numbers_are_the_rulebooks() -> None:
    """What the SQL reads (seeds, vars, the gates model) and so the oracle too: the numbers
    and lists docs/rulebook.md documents, every field of Params."""
    rules = {
        # §1: the source contract's enumerations and ranges
        "pressure_classes": frozenset(
            {
                "COST_PRESSURE",
                "VENDOR_DISSATISFACTION",
                "DEADLINE_PROXIMITY",
                "ORGANIZATIONAL_RECONFIGURATION",
                "OPERATIONAL_CHAOS",
            }
        ),
        "slot_types": ("CEO", "CFO", "HR"),
        "slot_event_types": frozenset({"ASSIGNED", "DISPLACED", "VACATED"}),
        "table_pressure_domains": {
            "DOL": "STRUCTURAL_PRESSURE",
            "PEOPLE": "DECISION_SURFACE",
            "BLOG": "NARRATIVE_VOLATILITY",
        },
        "magnitude_min": 0,
        "magnitude_max": 100,
        "evidence_max_chars": 240,
        "renewal_month_min": 1,
        "renewal_month_max": 12,
        # §1 renewal bridge: 0-30 -> 70, 31-60 -> 55, 61-90 -> 45, 91-120 -> 35; 30 days after
        "renewal_class": "DEADLINE_PROXIMITY",
        "renewal_steps": (
            RenewalStep(0, 30, 70),
            RenewalStep(31, 60, 55),
            RenewalStep(61, 90, 45),
            RenewalStep(91, 120, 35),
        ),
        "renewal_expiry_days": 30,
        # §1 executive bridge: new CEO/CFO 25, new HR leader 30 for 180 days; a vacant seat 20 for 90
        "executive_class": "ORGANIZATIONAL_RECONFIGURATION",
        "executive_signals": {
            ("ASSIGNED", "CEO"): ExecutiveSignalRule(25, 180, "new CEO", "days in seat"),
            ("ASSIGNED", "CFO"): ExecutiveSignalRule(25, 180, "new CFO", "days in seat"),
            ("ASSIGNED", "HR"): ExecutiveSignalRule(30, 180, "new HR leader", "days in seat"),
            ("VACATED", "CEO"): ExecutiveSignalRule(20, 90, "CEO seat vacant", "days"),
            ("VACATED", "CFO"): ExecutiveSignalRule(20, 90, "CFO seat vacant", "days"),
            ("VACATED", "HR"): ExecutiveSignalRule(20, 90, "HR seat vacant", "days"),
        },
        # §2: floor(1.0 DOL + 0.8 PEOPLE + 0.5 BLOG), sums capped at 100, active at 10,
        # ties DOL before PEOPLE, BLOG never sets the class, the score capped at 100
        "domains": ("DOL", "PEOPLE", "BLOG"),
        "weights": {"DOL": Decimal("1.0"), "PEOPLE": Decimal("0.8"), "BLOG": Decimal("0.5")},
        "domain_caps": {"DOL": 100, "PEOPLE": 100, "BLOG": 100},
        "active_thresholds": {"DOL": 10, "PEOPLE": 10, "BLOG": 10},
        "primary_class_domains": frozenset({"DOL", "PEOPLE"}),
        "score_cap": 100,
        "band_floors": {0: 0, 1: 10, 2: 25, 3: 40, 4: 60, 5: 80},
        "band_names": {0: "SILENT", 1: "WATCH", 2: "EXPLORATORY", 3: "TARGETED", 4: "ENGAGED", 5: "DIRECT"},
        "caps": {"BLOG_ALONE": 1, "NO_DOL": 2, "NO_PEOPLE": 3, "NO_BLOG": 4},
        # §4
        "slot_map": {
            "COST_PRESSURE": "CFO",
            "VENDOR_DISSATISFACTION": "HR",
            "DEADLINE_PROXIMITY": "HR",
            "ORGANIZATIONAL_RECONFIGURATION": "CEO",
            "OPERATIONAL_CHAOS": "CFO",
        },
        "default_primary_slot": "CEO",
        "slot_waterfall": ("CEO", "CFO", "HR"),
        # §3 and §5: proofs and contact from band 3; the gates in order, each with its flag
        "min_contact_band": 3,
        "decision_gates": (
            "EXCLUDED",
            "KILL_SWITCH",
            "BELOW_CONTACT_BAND",
            "NO_VALID_PROOF",
            "NO_FILLED_SLOT",
            "EMAIL_NOT_READY",
            "SUPPRESSED",
            "COOLING_OFF",
            "TOUCH_CAP",
            "ALREADY_QUEUED",
            "DAILY_LIMIT",
        ),
        "gate_flags": {
            "EXCLUDED": "is_excluded",
            "KILL_SWITCH": "has_kill_switch",
            "BELOW_CONTACT_BAND": "is_below_contact_band",
            "NO_VALID_PROOF": "lacks_valid_proof",
            "NO_FILLED_SLOT": "lacks_filled_slot",
            "EMAIL_NOT_READY": "is_email_not_ready",
            "SUPPRESSED": "is_suppressed",
            "COOLING_OFF": "is_cooling_off",
            "TOUCH_CAP": "is_at_touch_cap",
            "ALREADY_QUEUED": "is_already_queued",
        },
        "blocking_override_types": ("marketing_disabled", "legal_hold", "customer_requested", "cooldown"),
        "suppressing_event_types": ("complained", "unsubscribed"),
        "suppressing_bounce_types": ("hard",),
        "email_pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        "cooling_off_days": 30,
        "touch_cap_window_days": 365,
        "touch_caps": {3: 3, 4: 5},
        "daily_queue_limit": 100,
    }
    # The message's settings are the sender's, not rules: any value, but not empty.
    message_settings = {"unsubscribe_base_url", "sender_postal_address", "message_footer_id", "message_channel"}
    params = Params.from_project()
    assert {field.name for field in dataclasses.fields(Params)} == set(rules) | message_settings
    assert {name: getattr(params, name) for name in rules} == rules
    assert all(getattr(params, name) for name in message_settings)
    assert list(params.gate_flags) == list(rules["gate_flags"])  # in the var's order
    assert params.daily_limit_gate == "DAILY_LIMIT"
    assert params.domain_rank == {"DOL": 0, "PEOPLE": 1, "BLOG": 2}


def test_vars_given_to_the_loader_win_as_with_dbt_vars() -> None:
    params = Params.from_project(dbt_vars={"daily_queue_limit": 7, "min_contact_band": 4})
    assert (params.daily_queue_limit, params.min_contact_band) == (7, 4)
    assert dataclasses.replace(params, daily_queue_limit=100, min_contact_band=3) == PARAMS


def test_a_reordered_gate_var_is_followed_and_a_wrong_one_refused() -> None:
    gates = {**PARAMS.gate_flags, PARAMS.daily_limit_gate: None}
    codes = list(gates)
    reordered = {code: gates[code] for code in ["KILL_SWITCH", "EXCLUDED", *codes[2:]]}
    params = Params.from_project(dbt_vars={"decision_gates": reordered})
    assert list(params.gate_flags) == list(reordered)[:-1]
    assert params.gate_flags["EXCLUDED"] == "is_excluded" and params.gate_flags["KILL_SWITCH"] == "has_kill_switch"
    for wrong in (
        {code: gates[code] for code in codes[:-1]},  # no daily limit
        {code: gates[code] for code in [*codes[1:], "EXCLUDED"]},  # the daily limit not last
        {**gates, "EXCLUDED": None},  # a gate without its flag before the daily limit
    ):
        with pytest.raises(ValueError, match="decision_gates"):
            Params.from_project(dbt_vars={"decision_gates": wrong})


def test_params_change_the_result() -> None:
    params = dataclasses.replace(PARAMS, active_thresholds=dict.fromkeys(PARAMS.domains, 60))
    assert evaluate(data(sig("DOL", 50)), AS_OF, params)[A].active_domains == ()
    assert evaluate(data(sig("DOL", 50)), AS_OF, PARAMS)[A].active_domains == ("DOL",)


# =========================================================================== properties

CLASSES = [
    None,
    "COST_PRESSURE",
    "VENDOR_DISSATISFACTION",
    "DEADLINE_PROXIMITY",
    "ORGANIZATIONAL_RECONFIGURATION",
    "OPERATIONAL_CHAOS",
]
COMPANIES = (A, B)


@st.composite
def sources(draw: st.DrawFn) -> SourceData:
    signals = []
    for n in range(draw(st.integers(0, 12))):
        detected = AS_OF + timedelta(hours=draw(st.integers(-24 * 200, 24 * 3)))
        signals.append(
            sig(
                draw(st.sampled_from(["DOL", "PEOPLE", "BLOG"])),
                draw(st.integers(0, 100)),
                draw(st.sampled_from(CLASSES)),
                signal_id=sid(n + 1),
                outreach_id=draw(st.sampled_from(COMPANIES)),
                evidence=draw(st.sampled_from(["cost up", "broker fired", " layoffs "])),
                detected_at=detected,
                expires_at=detected + timedelta(hours=draw(st.integers(1, 24 * 200))),
            )
        )
    hist = [
        history(
            draw(st.sampled_from(["CEO", "CFO", "HR"])),
            draw(st.sampled_from(["ASSIGNED", "VACATED", "DISPLACED"])),
            AS_OF - timedelta(days=draw(st.integers(0, 200))),
            history_id=sid(1000 + n),
            outreach_id=draw(st.sampled_from(COMPANIES)),
        )
        for n in range(draw(st.integers(0, 4)))
    ]
    dol = [
        dol_row(
            draw(st.integers(0, 13)),
            created_at=AS_OF - timedelta(days=draw(st.integers(0, 50))),
            outreach_id=o,
        )
        for o in draw(st.lists(st.sampled_from(COMPANIES), max_size=3))
    ]
    slots = [
        slot(
            draw(st.sampled_from(["CEO", "CFO", "HR"])),
            draw(st.sampled_from(["P1", "P2", "P-missing"])),
            outreach_id=draw(st.sampled_from(COMPANIES)),
            is_filled=draw(st.sampled_from([True, False, None])),
            slot_id=sid(2000 + n),
        )
        for n in range(draw(st.integers(0, 6)))
    ]
    return data(
        *signals,
        companies=COMPANIES,
        hist=hist,
        dol=dol,
        slots=slots,
        people=[person("P1"), person("P2")],
    )


def expected_caps(active: tuple[str, ...]) -> list[int]:
    caps = []
    if active == ("BLOG",):
        caps.append(1)
    if "DOL" not in active:
        caps.append(2)
    if "PEOPLE" not in active:
        caps.append(3)
    if "BLOG" not in active:
        caps.append(4)
    return caps


PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(sources())
def test_property_band_and_caps(source: SourceData) -> None:
    for decision in evaluate(source, AS_OF).values():
        assert 0 <= decision.band <= 5
        assert 0 <= decision.bit_score <= 100
        assert all(0 <= s <= 100 for s in (decision.dol_sum, decision.people_sum, decision.blog_sum))
        sums = {
            "DOL": decision.dol_sum,
            "PEOPLE": decision.people_sum,
            "BLOG": decision.blog_sum,
        }
        assert decision.active_domains == tuple(d for d in ("DOL", "PEOPLE", "BLOG") if sums[d] >= 10)
        raw_band = sum(decision.bit_score >= floor for floor in (10, 25, 40, 60, 80))
        assert decision.raw_band == raw_band
        assert decision.band == min([raw_band, *expected_caps(decision.active_domains)])
        assert (decision.cap == "NONE") == (decision.band == decision.raw_band)
        assert decision.band_name == ("SILENT", "WATCH", "EXPLORATORY", "TARGETED", "ENGAGED", "DIRECT")[decision.band]


@PROPERTY_SETTINGS
@given(sources())
def test_property_proof_only_at_band_3_or_more(source: SourceData) -> None:
    for decision in evaluate(source, AS_OF).values():
        proof_fields = (
            decision.proof_line,
            decision.proof_id,
            decision.proof_sources,
            decision.cited_signal_ids,
            decision.proof_evidence,
            decision.proof_valid_until,
        )
        if decision.proof_line is None:
            assert all(value is None for value in proof_fields)
            assert decision.decision_window_days is None
            continue
        assert decision.band >= 3
        assert all(value is not None for value in proof_fields)
        assert decision.primary_class is not None
        assert decision.proof_valid_until > AS_OF
        assert len(decision.cited_signal_ids) == len(decision.proof_sources) == len(decision.proof_evidence)
        assert all(evidence and evidence == evidence.strip() for evidence in decision.proof_evidence.values())
        if decision.band == 3:
            assert len(decision.proof_sources) == 1 and decision.proof_sources[0] in (
                "DOL",
                "PEOPLE",
            )
        elif decision.band == 4:
            assert decision.proof_sources[:2] == ("DOL", "PEOPLE")
        else:
            assert decision.proof_sources == ("DOL", "PEOPLE", "BLOG")
            assert decision.decision_window_days is not None and decision.decision_window_days >= 0


@PROPERTY_SETTINGS
@given(sources())
def test_property_deterministic_and_row_order_independent(source: SourceData) -> None:
    first = evaluate(source, AS_OF)
    again = evaluate(source, AS_OF)
    reversed_source = SourceData(**{name: list(reversed(rows)) for name, rows in vars(source).items()})
    assert first == again == evaluate(reversed_source, AS_OF)
    for decision in first.values():
        if decision.proof_id is not None:
            ids = ",".join(sorted(decision.cited_signal_ids))
            key = f"proof|{decision.outreach_id}|{decision.band}|{decision.primary_class}|{ids}"
            assert decision.proof_id == md5_uuid(key)


@PROPERTY_SETTINGS
@given(sources())
def test_property_slot_is_the_waterfall_choice(source: SourceData) -> None:
    good_people = {"P1", "P2"}
    counts: dict[tuple[str, str], int] = {}
    for row in source.company_slot:
        counts[(row["outreach_id"], row["slot_type"])] = counts.get((row["outreach_id"], row["slot_type"]), 0) + 1
    filled = {
        (row["outreach_id"], row["slot_type"])
        for row in source.company_slot
        if row["is_filled"] is True
        and row["person_unique_id"] in good_people
        and counts[(row["outreach_id"], row["slot_type"])] == 1
    }
    for decision in evaluate(source, AS_OF).values():
        options = [s for s in ("CEO", "CFO", "HR") if (decision.outreach_id, s) in filled]
        primary = PARAMS.slot_map.get(decision.primary_class, "CEO")
        # the primary slot when filled, else the first filled of CEO, CFO, HR, else none
        assert decision.slot == (primary if primary in options else next(iter(options), None))


# =========================================================================== loading


def _conninfo() -> str:
    host = os.environ.get("OUTREACH_PG_HOST", "127.0.0.1")
    port = os.environ.get("OUTREACH_PG_PORT", "54329")
    user = os.environ.get("OUTREACH_PG_USER", "postgres")
    database = os.environ.get("OUTREACH_PG_DATABASE", "outreach")
    password = os.environ.get("OUTREACH_PG_PASSWORD", "")
    info = f"host='{host}' port='{port}' user='{user}' dbname='{database}' connect_timeout=3"
    return info + (f" password='{password}'" if password else "")


def test_source_tables_match_the_contract() -> None:
    for schema, table_name, columns in SOURCE_TABLES.values():
        assert tuple(contract.table(f"{schema}.{table_name}").column_names) == columns


def test_load_from_postgres_round_trip() -> None:
    psycopg = pytest.importorskip("psycopg")
    conninfo = _conninfo()
    try:
        conn = psycopg.connect(conninfo, autocommit=True)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL reachable")
    prefix = f"refmodel_{uuid.uuid4().hex[:10]}"
    schemas = {name: f"{prefix}_{name}" for name in DEFAULT_SCHEMAS}
    try:
        _create_scratch_tables(conn, contract, schemas)
        conn.execute(
            f'insert into "{schemas["dol"]}".pressure_signals (signal_id, outreach_id, pressure_domain,'
            " pressure_class, signal_value, magnitude, detected_at, expires_at, created_at)"
            " values (%s, %s, 'STRUCTURAL_PRESSURE', 'COST_PRESSURE', %s::jsonb, 50, %s, %s, %s)",
            (
                sid(1),
                A.upper(),
                '{"evidence": "cost up"}',
                "2026-03-10 14:00:00+02",
                AS_OF + 30 * DAY,
                AS_OF,
            ),
        )
        conn.execute(
            f'insert into "{schemas["outreach"]}".outreach (outreach_id) values (%s)',
            (A,),
        )
        loaded = load_from_postgres(conninfo, schemas)
    finally:
        for name in schemas.values():
            conn.execute(f'drop schema if exists "{name}" cascade')
        conn.close()
    assert loaded.outreach[0]["outreach_id"] == A
    (got,) = loaded.dol_signals
    assert got["signal_id"] == sid(1)
    assert got["outreach_id"] == A  # lowercase canonical text
    assert got["signal_value"] == {"evidence": "cost up"}
    assert got["detected_at"] == datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert got["detected_at"].utcoffset() == timedelta(0)
    assert got["magnitude"] == 50
    assert decide(loaded).proof_line == "COST_PRESSURE detected via DOL: cost up"


def _create_scratch_tables(conn: Any, contract: Any, schemas: dict[str, str]) -> None:
    for name in schemas.values():
        conn.execute(f'create schema "{name}"')
    for schema, table_name, _ in SOURCE_TABLES.values():
        columns = ", ".join(f"{c} {t}" for c, t in contract.table(f"{schema}.{table_name}").columns)
        conn.execute(f'create table "{schemas[schema]}".{table_name} ({columns})')
