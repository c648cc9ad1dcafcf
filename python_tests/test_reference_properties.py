"""Property-based differential test: hypothesis draws small random companies — signals of
every domain with edge-case dates and magnitudes, filings with renewal months 0–13, slots
with and without people, slot history — writes them straight into the source tables, and
the SQL must agree with the reference model on every company."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

import databases
import datasets
import support
from pressure_outreach import contract
from pressure_outreach.reference import evaluate, load_from_postgres

AS_OF = support.DEMO_AS_OF
CLASSES = [
    None,
    "COST_PRESSURE",
    "VENDOR_DISSATISFACTION",
    "DEADLINE_PROXIMITY",
    "ORGANIZATIONAL_RECONFIGURATION",
    "OPERATIONAL_CHAOS",
    "MARKET_PANIC",
]
DOMAINS = {"dol": "STRUCTURAL_PRESSURE", "people": "DECISION_SURFACE", "blog": "NARRATIVE_VOLATILITY"}
INTERMEDIATE = ["+int_company_bands_scored", "+int_proof_lines_formed", "+int_slots_chosen"]

uuids = st.uuids(version=4).map(str)
# Offsets in hours around as_of, with the exact instant and whole days well represented.
offsets = st.one_of(st.just(0), st.integers(-24 * 200, 24 * 5), st.integers(-200, 5).map(lambda d: d * 24))


@st.composite
def signal(draw, outreach_id: str, hub: str) -> dict:
    detected = AS_OF + timedelta(hours=draw(offsets))
    lifetime = draw(st.one_of(st.integers(1, 24 * 200), st.just(int((AS_OF - detected).total_seconds() // 3600))))
    return {
        "signal_id": draw(uuids),
        "outreach_id": outreach_id,
        "signal_type": "TEST",
        "pressure_domain": DOMAINS[hub] if draw(st.integers(0, 20)) else "SOMETHING_ELSE",
        "pressure_class": draw(st.sampled_from(CLASSES)),
        "signal_value": {"evidence": draw(st.sampled_from(["cost +9% YoY", "broker changed", "  padded  ", "", "x"]))},
        "magnitude": draw(st.one_of(st.integers(0, 100), st.sampled_from([-5, 140, 10, 9]))),
        "detected_at": detected,
        "expires_at": detected + timedelta(hours=lifetime),
        "source_record_id": None,
        "created_at": detected + timedelta(hours=draw(st.integers(0, 3))),
    }


@st.composite
def company(draw) -> dict[str, list[dict]]:
    oid = draw(uuids)
    rows: dict[str, list[dict]] = {"outreach.outreach": [{"outreach_id": oid}]}
    for hub in DOMAINS:
        drawn = draw(st.lists(signal(oid, hub), max_size=4))
        if drawn and draw(st.booleans()):  # the same signal delivered twice: the latest copy wins
            created = drawn[0]["created_at"] + timedelta(hours=draw(st.sampled_from([0, -48, -1, 1, 48])))
            drawn.append({**drawn[0], "magnitude": draw(st.integers(0, 100)), "created_at": created})
        rows[f"{hub}.pressure_signals"] = drawn
    rows["outreach.dol"] = [
        {
            "dol_id": draw(uuids),
            "outreach_id": oid,
            "renewal_month": draw(st.integers(0, 13)),
            "created_at": AS_OF - timedelta(days=draw(st.integers(-3, 400))),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    slots, people, history = [], [], []
    for slot_type in ("CEO", "CFO", "HR"):
        person = f"04.04.02.26.{draw(st.integers(0, 999999)):06d}.001"
        state = draw(st.sampled_from(["filled", "empty", "missing_person", "no_row", "duplicated"]))
        if state == "no_row":
            continue
        slots.append(
            {
                "slot_id": draw(uuids),
                "outreach_id": oid,
                "slot_type": slot_type,
                "person_unique_id": person,
                "is_filled": state != "empty",
            }
        )
        if state == "duplicated":
            slots.append({**slots[-1], "slot_id": draw(uuids)})
        if state in ("filled", "empty", "duplicated"):
            people.append({"unique_id": person, "first_name": "A", "last_name": "B"})
        for event in draw(st.lists(st.sampled_from(["ASSIGNED", "VACATED", "DISPLACED"]), max_size=2)):
            history.append(
                {
                    "history_id": draw(uuids),
                    "outreach_id": oid,
                    "slot_type": slot_type,
                    "person_unique_id": person,
                    "event_type": event,
                    "event_at": AS_OF - timedelta(hours=draw(st.integers(-24, 24 * 200))),
                }
            )
    rows["people.company_slot"] = slots
    rows["people.people_master"] = people
    rows["people.slot_assignment_history"] = history
    return rows


def write(conn, companies: list[dict[str, list[dict]]]) -> None:
    with psycopg.connect(conn.conninfo(), autocommit=True) as db:
        for table in contract.TABLES:
            db.execute(f"truncate {table.qualified}")
            rows = [row for c in companies for row in c.get(table.qualified, [])]
            if not rows:
                continue
            columns = table.column_names
            placeholders = ", ".join(["%s"] * len(columns))
            with db.cursor() as cur:
                cur.executemany(
                    f"insert into {table.qualified} ({', '.join(columns)}) values ({placeholders})",
                    [tuple(Jsonb(r[c]) if isinstance(r.get(c), dict) else r.get(c) for c in columns) for r in rows],
                )


@pytest.fixture(scope="module")
def property_db(conn_settings):
    """A copy of the EMPTY data set: the source tables and the seeds, every model built."""
    with databases.copy_of(conn_settings, datasets.EMPTY, "properties") as copy:
        yield copy


# Each draw costs one dbt run (a second or two), so the draws are few and wide: companies are decided
# independently up to the chosen slot, and up to 40 of them per draw give a few hundred random
# companies per test run where 12 per draw gave a few dozen.
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    companies=st.lists(company(), min_size=1, max_size=40, unique_by=lambda c: c["outreach.outreach"][0]["outreach_id"])
)
def test_small_random_companies_agree(property_db, companies):
    write(property_db, companies)
    support.run_dbt(
        property_db, ["run", "--select", *INTERMEDIATE], AS_OF, extra_vars={"send_events_max_age_hours": None}
    )
    data = load_from_postgres(property_db.conninfo())
    reference = support.reference_decisions(evaluate(data, AS_OF))
    count, sample = support.mismatches(support.sql_decisions(property_db), reference)
    assert count == 0, "\n".join(sample)
    assert len(reference) == len(companies)
