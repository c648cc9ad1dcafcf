"""The reporting marts (schema `reporting`), which a BI role reads.

On the demo build (database `outreach`, read only): the seed document's slot-fill and
legacy-BIT-coverage figures exactly, the authorization funnel's arithmetic against the
decision log, and no email address or person's name anywhere in the reporting schema.
On a scratch database: engagement before and after the Execution Hub reports events.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest
import yaml
from psycopg.types.json import Jsonb

import databases
import datasets
import support

T0 = support.DEMO_AS_OF
REPORTING = "reporting"
RPT_MODELS = {
    "rpt_slot_fill",
    "rpt_band_distribution",
    "rpt_data_quality",
    "rpt_bit_coverage",
    "rpt_decision_funnel",
    "rpt_engagement",
    "rpt_implementation_status",
}
# The gates in the order they run: the decision_gates var (test_reference_rules.py pins it
# to the rulebook's order).
GATES = list(
    yaml.safe_load((support.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]["decision_gates"]
)
# Anything shaped like an address, anywhere in a value (not only a whole value).
EMAIL_LIKE = r"[^@\s]+@[^@\s]+\.[^@\s]+"
PERSONAL_COLUMN = re.compile(r"email|first_name|last_name|full_name|person|linkedin", re.IGNORECASE)


def read_only(conn, sql: str, params: tuple = ()) -> list[tuple]:
    """A query on the shared demo database in a read-only transaction."""
    with psycopg.connect(conn.conninfo()) as db:
        db.read_only = True
        return db.execute(sql, params).fetchall()


def personal_data_findings(conn, schema: str = REPORTING) -> tuple[set[str], list[str]]:
    """The tables of `schema`, and every column name or value in them that looks like an
    email address or is a person's name (a name of people.people_master, when it exists)."""
    findings: list[str] = []
    located: dict[str, list[str]] = defaultdict(list)
    with psycopg.connect(conn.conninfo()) as db:
        db.read_only = True
        columns = db.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = %s order by table_name, ordinal_position",
            (schema,),
        ).fetchall()
        for table, column in columns:
            if PERSONAL_COLUMN.search(column):
                findings.append(f"{table}.{column}: column name")
            values = db.execute(
                f'select distinct cast("{column}" as text) from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            for (value,) in values:
                if re.search(EMAIL_LIKE, value):
                    findings.append(f"{table}.{column}: email-like value {value!r}")
                located[value.strip().lower()].append(f"{table}.{column}")
        if located and db.execute("select to_regclass('people.people_master') is not null").fetchone()[0]:
            names = db.execute(
                """
                select name from (
                    select lower(trim(first_name || ' ' || last_name)) as name from people.people_master
                    union
                    select lower(trim(full_name)) from people.people_master
                ) as names
                where name = any(%s)
                """,
                (list(located),),
            ).fetchall()
            for (name,) in names:
                findings += [f"{where}: a person's name {name!r}" for where in located[name]]
    return {table for table, _ in columns}, findings


@pytest.fixture(scope="module")
def reporting_db(demo_db):
    tables = {
        row[0]
        for row in read_only(
            demo_db, "select table_name from information_schema.tables where table_schema = 'reporting'"
        )
    }
    missing = RPT_MODELS - tables
    if missing:
        pytest.skip(f"reporting marts not built in the demo database: {sorted(missing)}; run `make demo`")
    return demo_db


def test_slot_fill_is_the_seed_documents_table(reporting_db):
    rows = read_only(
        reporting_db,
        "select slot_type, filled_slots, total_slots, fill_rate_pct from reporting.rpt_slot_fill order by sort_order",
    )
    assert rows == [
        ("CEO", 62_289, 95_004, Decimal("65.6")),
        ("CFO", 57_327, 95_004, Decimal("60.3")),
        ("HR", 58_141, 95_004, Decimal("61.2")),
        ("Total", 177_757, 285_012, Decimal("62.4")),
    ]


def test_legacy_bit_coverage_is_the_seed_documents_figure(reporting_db):
    (row,) = read_only(
        reporting_db,
        """
        select
            min(legacy_scored_companies), max(legacy_scored_companies),
            min(spine_companies), max(spine_companies),
            min(legacy_coverage_pct), max(legacy_coverage_pct),
            sum(companies), sum(companies) filter (where is_legacy_scored), count(*)
        from reporting.rpt_bit_coverage
        """,
    )
    assert row == (13_226, 13_226, 95_004, 95_004, Decimal("13.9"), Decimal("13.9"), 95_004, 13_226, 30)
    # The v2 band distribution is the crosstab's column totals.
    by_band = dict(read_only(reporting_db, "select band, sum(companies) from reporting.rpt_bit_coverage group by band"))
    distribution = dict(read_only(reporting_db, "select band, companies from reporting.rpt_band_distribution"))
    assert by_band == distribution


def test_implementation_status_measures_the_seed_documents_components(reporting_db):
    rows = {
        component: (count, total, value, status)
        for component, count, total, value, status in read_only(
            reporting_db,
            "select component, measured_count, measured_total, measured_value, status "
            "from reporting.rpt_implementation_status",
        )
    }
    assert rows["Slot Fill"] == (177_757, 285_012, Decimal("62.4"), "PARTIAL")
    assert rows["BIT Scoring (legacy)"] == (13_226, 95_004, Decimal("13.9"), "PARTIAL")
    assert rows["BIT Scoring (v2 band)"] == (95_004, 95_004, Decimal("100.0"), "COMPLETE")
    assert rows["Message Templates"] == (15, 15, 15, "COMPLETE")
    # the queue up to the run the mart shows (the demo's last: day 2 of its loop)
    (queued,) = read_only(
        reporting_db,
        "select count(*) from execution.send_queue "
        "where queued_at <= (select max(as_of) from reporting.rpt_implementation_status)",
    )[0]
    assert rows["Execution Hub: send queue"][0] == queued


def test_no_email_address_or_person_name_in_the_reporting_schema(reporting_db):
    tables, findings = personal_data_findings(reporting_db)
    assert tables >= RPT_MODELS, "the scan must cover every reporting mart"
    assert findings == []


def test_the_personal_data_scan_finds_what_is_planted(conn_settings):
    """The scan above must be able to fail: a column named for an email, an address
    hidden inside a longer text, and a person's name, each planted in a scratch database."""
    with databases.empty_database(conn_settings, "pii_scan") as scratch:
        with psycopg.connect(scratch.conninfo(), autocommit=True) as db:
            db.execute("create schema people")
            db.execute("create table people.people_master (first_name text, last_name text, full_name text)")
            db.execute("insert into people.people_master values ('Ann', 'Smith', 'Ann B. Smith')")
            db.execute("create schema reporting")
            db.execute("create table reporting.rpt_clean (label text, companies int)")
            db.execute("insert into reporting.rpt_clean values ('CEO', 3), ('Total', 3)")
            db.execute("create table reporting.rpt_leaky (label text, contact_email text)")
            db.execute(
                "insert into reporting.rpt_leaky values ('reach ann@example.com today', null), ('Ann Smith ', null)"
            )
        tables, findings = personal_data_findings(scratch)
    assert tables == {"rpt_clean", "rpt_leaky"}
    assert sorted(findings) == [
        "rpt_leaky.contact_email: column name",
        "rpt_leaky.label: a person's name 'ann smith'",
        "rpt_leaky.label: email-like value 'reach ann@example.com today'",
    ]


def test_funnel_removes_each_gates_companies_in_gate_order_and_adds_up(reporting_db):
    funnel = read_only(
        reporting_db,
        """
        select decided_at, gate_order, gate,
            sum(companies_entering), sum(companies_reaching_gate), sum(companies_removed),
            sum(companies_remaining_after_gate), sum(companies_queued)
        from reporting.rpt_decision_funnel
        group by decided_at, gate_order, gate
        order by decided_at, gate_order
        """,
    )
    logged: dict[object, dict[str, int]] = defaultdict(dict)
    for decided_at, reason, companies in read_only(
        reporting_db, "select decided_at, decision_reason, count(*) from execution.decision_log group by 1, 2"
    ):
        logged[decided_at][reason] = companies
    runs: dict[object, list[tuple]] = defaultdict(list)
    for decided_at, *step in funnel:
        runs[decided_at].append(tuple(step))
    assert set(runs) == set(logged) and runs
    for decided_at, steps in runs.items():
        reasons = logged[decided_at]
        assert [gate for _, gate, *_ in steps] == GATES
        assert [order for order, *_ in steps] == list(range(1, len(GATES) + 1))
        entering, queued = steps[0][2], steps[0][6]
        assert entering == sum(reasons.values())
        assert queued == reasons.get("QUEUED", 0)
        assert entering == sum(removed for *_, removed, _, _ in steps) + queued
        remaining = entering
        for _, gate, step_entering, reaching, removed, after, step_queued in steps:
            assert (step_entering, step_queued) == (entering, queued)
            assert reaching == remaining
            assert removed == reasons.get(gate, 0), gate
            remaining -= removed
            assert after == remaining
        assert remaining == queued


# --- engagement, on a scratch database -------------------------------------------------

STAGES = ("sent", "delivered", "opened", "clicked", "replied", "bounced", "complained", "unsubscribed", "failed")


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else _round(Decimal(100 * part) / whole, "0.01")


def _engagement(conn) -> dict[tuple, dict[str, object]]:
    with psycopg.connect(conn.conninfo()) as db:
        # one set of rows per run: the last run's
        cursor = db.execute(
            "select * from reporting.rpt_engagement where as_of = (select max(as_of) from reporting.rpt_engagement)"
        )
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    key = ("band", "pressure_class", "slot_type", "template_id", "template_version")
    return {tuple(row[k] for k in key): row for row in rows}


def _event(db, message, event_type, at, bounce_type=None, message_id=None):
    message_id_, outreach_id, person, email = message
    db.execute(
        "insert into execution.send_events values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            str(uuid.uuid4()),
            message_id or message_id_,
            outreach_id,
            person,
            email,
            event_type,
            bounce_type,
            at,
            Jsonb({}),
        ),
    )


@pytest.fixture(scope="module")
def engagement_db(conn_settings):
    """A copy of the SMALL data set, built at T0 (a hundred queued messages)."""
    with databases.copy_of(conn_settings, datasets.SMALL, "engagement") as copy:
        yield copy


def test_engagement_before_any_event_has_zero_counts_and_empty_rates(engagement_db):
    segments = _engagement(engagement_db)
    queue = dict(
        support.query(
            engagement_db,
            "select band || '|' || pressure_class || '|' || slot_type || '|' || template_id, count(*) "
            "from execution.send_queue group by 1",
        )
    )
    assert len(queue) > 1 and sum(queue.values()) >= 7
    assert {"|".join(str(k) for k in key[:4]): row["messages_queued"] for key, row in segments.items()} == queue
    for row in segments.values():
        assert all(row[f"messages_{stage}"] == 0 for stage in STAGES)
        assert all(row[name] is None for name in row if name.endswith("_rate_pct") or name == "engagement_score")
    # The generator's earlier campaign left events behind, none about the queued messages.
    (earlier,) = support.query(engagement_db, "select count(*) from execution.send_events")[0]
    assert earlier > 0
    results = support.query(
        engagement_db,
        "select measured_count, status from reporting.rpt_implementation_status where component = 'Execution Hub: results'",
    )
    assert results == [(0, "NOT_YET")]


def test_engagement_counts_what_the_execution_hub_reports(engagement_db):
    queue = support.query(
        engagement_db,
        "select message_id, outreach_id::text, person_unique_id, email_to, "
        "band, pressure_class, slot_type, template_id, template_version "
        "from execution.send_queue order by message_id",
    )
    messages = [row[:4] for row in queue]
    segment_of = {row[0]: tuple(row[4:]) for row in queue}
    a, b, c, d, e, f, g = messages[:7]
    hour = timedelta(hours=1)
    stages: dict[str, set[str]] = {
        a[0]: {"sent", "delivered", "opened", "clicked", "replied"},
        b[0]: {"sent", "bounced"},
        c[0]: {"sent", "delivered", "opened"},  # an open alone implies the send and the delivery
        d[0]: {"sent", "delivered", "unsubscribed"},
        e[0]: {"sent", "delivered", "complained"},
        f[0]: {"failed"},
        g[0]: set(),  # its only event comes after as_of
    }
    with psycopg.connect(engagement_db.conninfo(), autocommit=True) as db:
        for event_type in ("sent", "delivered", "opened", "opened", "clicked", "replied"):
            _event(db, a, event_type, T0 + hour)
        _event(db, b, "sent", T0 + hour)
        _event(db, b, "bounced", T0 + 2 * hour, bounce_type="hard")
        _event(db, b, "teleported", T0 + 2 * hour)  # unknown type: ignored
        _event(db, c, "opened", T0 + hour)
        for event_type in ("sent", "delivered", "unsubscribed"):
            _event(db, d, event_type, T0 + hour)
        for event_type in ("sent", "delivered", "complained"):
            _event(db, e, event_type, T0 + hour)
        _event(db, f, "failed", T0 + hour)
        _event(db, g, "replied", T0 + timedelta(days=5))
        _event(db, a, "replied", T0 + hour, message_id="not-in-the-queue")
    received = 6 + 2 + 1 + 3 + 3 + 1  # valid events about queued messages up to as_of (a to f)

    later = T0 + timedelta(days=2)
    # Staging is materialized as tables: refresh the events' table, then build the marts and
    # their tests. Nothing upstream of them runs again, so the queue stays as the first run left it.
    support.run_dbt(engagement_db, ["run", "-s", "stg_execution__send_events"], later)
    support.run_dbt(engagement_db, ["build", "-s", "rpt_engagement", "rpt_implementation_status"], later)

    weights = yaml.safe_load((support.PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["engagement_weights"]
    expected: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(["queued", *STAGES], 0))
    for message_id, segment in segment_of.items():
        expected[segment]["queued"] += 1
        for stage in stages.get(message_id, ()):
            expected[segment][stage] += 1
    actual = _engagement(engagement_db)
    assert set(actual) == set(expected)
    for segment, counts in expected.items():
        row = actual[segment]
        assert {stage: row[f"messages_{stage}"] for stage in ["queued", *STAGES]} == counts, segment
        sent, delivered = counts["sent"], counts["delivered"]
        assert row["delivery_rate_pct"] == _rate(delivered, sent)
        assert row["bounce_rate_pct"] == _rate(counts["bounced"], sent)
        for stage, column in [
            ("opened", "open"),
            ("clicked", "click"),
            ("replied", "reply"),
            ("complained", "complaint"),
            ("unsubscribed", "unsubscribe"),
        ]:
            assert row[f"{column}_rate_pct"] == _rate(counts[stage], delivered), (segment, column)
        score = None
        if delivered:
            weighted = sum(weights[stage] * counts[stage] for stage in ("opened", "clicked", "replied"))
            score = _round(Decimal(100 * weighted) / (sum(weights.values()) * delivered), "0.1")
        assert row["engagement_score"] == score, segment
    assert sum(row["messages_replied"] for row in actual.values()) == 1
    assert weights["replied"] > weights["clicked"] > weights["opened"] > 0
    results = support.query(
        engagement_db,
        "select measured_count, status from reporting.rpt_implementation_status where component = 'Execution Hub: results'",
    )
    assert results == [(received, "COMPLETE")]


def test_engagement_weights_that_rank_opens_above_replies_do_not_compile(engagement_db):
    result = support.run_dbt(
        engagement_db,
        ["compile", "-s", "rpt_engagement"],
        T0,
        check=False,
        extra_vars={"engagement_weights": {"opened": 10, "clicked": 3, "replied": 1}},
    )
    assert result.returncode != 0
    assert "engagement_weights must keep replied > clicked > opened > 0" in result.stdout
