"""The SQL implementation against the plain-Python reference model
(``pressure_outreach.reference``), company by company: band, cap, BIT score, primary class,
proof line, proof_id and slot.

1. the full default data set (95,004 companies) as `make demo` left it, at its last run's as_of;
2. another generated data set (the SMALL one: another seed) at three as_of dates, one of
   them in January renewal season, the models up to the slot choice run by dbt at each.
(The third comparison, hypothesis drawing small random companies written straight into
the source tables, is test_reference_properties.py.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

import databases
import datasets
import support
from pressure_outreach import summary
from pressure_outreach.reference import evaluate, load_from_postgres

AS_OF_DATES = [
    datetime.fromisoformat("2026-02-07T12:00:00+00:00"),  # the demo's: outside renewal season
    datetime.fromisoformat("2025-12-10T09:00:00+00:00"),  # January renewal season: 22 days to Jan 1
    datetime.fromisoformat("2026-03-15T23:59:59+00:00"),  # late in the day, mid-March
]
INTERMEDIATE = ["+int_company_bands_scored", "+int_proof_lines_formed", "+int_slots_chosen"]


def assert_agree(conn, as_of: datetime) -> int:
    data = load_from_postgres(conn.conninfo())
    reference = support.reference_decisions(evaluate(data, as_of))
    sql = support.sql_decisions(conn)
    count, sample = support.mismatches(sql, reference)
    assert count == 0, f"{count} of {len(reference)} companies differ at {as_of}:\n" + "\n".join(sample)
    return len(reference)


def test_full_default_data_set_agrees(demo_db):
    """At the as_of of the demo's last complete run (day 2 of its loop; day 1 with --no-loop)."""
    last = summary.runs(demo_db, complete_only=True)[0]
    assert last.as_of in (support.DEMO_AS_OF, support.DEMO_AS_OF + timedelta(days=1))
    companies = assert_agree(demo_db, last.as_of)
    assert companies == 95_004


def test_demo_shows_every_band_and_every_cap(demo_db):
    bands = {row[0] for row in support.query(demo_db, "select distinct band from analytics.int_company_bands_scored")}
    caps = {row[0] for row in support.query(demo_db, "select distinct cap from analytics.int_company_bands_scored")}
    assert bands == {0, 1, 2, 3, 4, 5}
    assert caps == {"NONE", "BLOG_ALONE", "NO_DOL", "NO_PEOPLE", "NO_BLOG"}


def test_another_data_set_agrees_at_three_instants(conn_settings):
    with databases.copy_of(conn_settings, datasets.SMALL, "differential") as copy:
        for as_of in AS_OF_DATES:
            # replayed instants: the Execution Hub's feed is not this test's subject
            support.run_dbt(
                copy, ["run", "--select", *INTERMEDIATE], as_of, extra_vars={"send_events_max_age_hours": None}
            )
            assert assert_agree(copy, as_of) == datasets.SMALL_COMPANIES
