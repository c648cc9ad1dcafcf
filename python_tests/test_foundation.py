"""The foundation: calibration of the generated data, determinism, bad rows flagged in
staging, the embedded server, and the profile's environment variables."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import replace

import psycopg
import pytest

import databases
import support
from pressure_outreach import contract, database, settings
from pressure_outreach.generator import generate

# The seed document's "Current Slot Status" (2026-02-07).
SEED_SLOT_FILL = [
    ("CEO", 62_289, 95_004, "65.6"),
    ("CFO", 57_327, 95_004, "60.3"),
    ("HR", 58_141, 95_004, "61.2"),
    ("Total", 177_757, 285_012, "62.4"),
]


def test_slot_fill_is_exactly_the_seed_documents(demo_db):
    rows = support.query(
        demo_db,
        "select slot_type, filled_slots, total_slots, fill_rate_pct::text from reporting.rpt_slot_fill order by sort_order",
    )
    assert rows == SEED_SLOT_FILL


def test_spine_and_legacy_scores_match_the_seed(demo_db):
    assert support.query(demo_db, "select count(*) from outreach.outreach") == [(95_004,)]
    scored = support.query(
        demo_db,
        "select count(*), count(*) filter (where legacy_score_tier = 'COLD' and legacy_score < 25) "
        "from analytics.stg_outreach__bit_scores where is_valid",
    )[0]
    assert scored == (13_226, 13_226)
    bands = support.query(
        demo_db, "select count(*), count(distinct outreach_id) from analytics.int_company_bands_scored"
    )
    assert bands == [(95_004, 95_004)]


def test_generated_shares_are_realistic(demo_db):
    (all_three, none, dol_share, january_share, valid, risky, invalid, top_states) = map(
        float,
        support.query(
            demo_db,
            """
        with fill as (
            select outreach_id, count(*) filter (where is_filled) as filled
            from analytics.int_slots_resolved group by outreach_id
        ),
        dol as (
            select distinct on (outreach_id) outreach_id, renewal_month
            from analytics.stg_outreach__dol_filings where is_valid
            order by outreach_id, created_at desc, dol_id::text desc
        ),
        people as (select email_status from analytics.stg_people__people where is_valid)
        select
            avg((filled = 3)::int), avg((filled = 0)::int),
            (select count(*) from dol)::numeric / (select count(*) from fill),
            (select avg((renewal_month = 1)::int) from dol),
            (select avg((email_status = 'VALID')::int) from people),
            (select avg((email_status = 'RISKY')::int) from people),
            (select avg((email_status = 'INVALID')::int) from people),
            (select avg((state in ('PA', 'OH', 'VA', 'NC', 'MD'))::int)
             from analytics.stg_outreach__company_targets where is_valid)
        from fill
        """,
        )[0],
    )
    assert all_three == pytest.approx(0.58, abs=0.01)
    assert none == pytest.approx(0.32, abs=0.01)
    assert dol_share == pytest.approx(0.76, abs=0.02)
    assert january_share == pytest.approx(0.87, abs=0.02)
    assert valid == pytest.approx(0.72, abs=0.02)
    assert risky == pytest.approx(0.15, abs=0.02)
    assert invalid == pytest.approx(0.13, abs=0.02)
    assert top_states > 0.7


# Every bad-row kind of docs/source_contract.md, as staging names it: (source table, reason).
EXPECTED_REJECTIONS = [
    ("dol.pressure_signals", "UNKNOWN_PRESSURE_CLASS"),
    ("dol.pressure_signals", "MAGNITUDE_OUT_OF_RANGE"),
    ("dol.pressure_signals", "EXPIRES_NOT_AFTER_DETECTED"),
    ("people.pressure_signals", "WRONG_PRESSURE_DOMAIN"),
    ("blog.pressure_signals", "MISSING_EVIDENCE"),
    ("people.company_slot", "DUPLICATE_SLOT"),
    ("people.company_slot", "UNKNOWN_SLOT_TYPE"),
    ("people.company_slot", "NULL_OUTREACH_ID"),
    ("people.people_master", "DUPLICATE_UNIQUE_ID"),
    ("people.slot_assignment_history", "UNKNOWN_SLOT_TYPE"),
    ("outreach.dol", "RENEWAL_MONTH_OUT_OF_RANGE"),
    ("execution.send_events", "UNKNOWN_EVENT_TYPE"),
]
EXPECTED_FLAGS = ["MISSING_EMAIL", "MALFORMED_EMAIL", "UNNORMALIZED_EMAIL"]


def test_every_bad_row_kind_is_present_and_flagged(demo_db):
    counted = {
        (table, disposition, reason): rows
        for table, disposition, reason, rows in support.query(
            demo_db, "select source_table, disposition, reason, row_count from reporting.rpt_data_quality"
        )
    }
    rejected = {(t, r) for (t, d, r) in counted if d == "rejected"}
    missing = [kind for kind in EXPECTED_REJECTIONS if kind not in rejected]
    assert not missing, f"bad-row kinds not found in rpt_data_quality: {missing}"
    for reason in EXPECTED_FLAGS:
        assert counted.get(("people.people_master", "flagged", reason), 0) > 0, reason
    # Signals rejected for any reason: a NULL key somewhere among the three hubs.
    assert any(r == "NULL_SIGNAL_ID" or r == "NULL_OUTREACH_ID" for (t, r) in rejected if "pressure_signals" in t)


def test_duplicate_signals_arrive_and_leave_once(demo_db):
    (delivered_twice,) = support.query(
        demo_db,
        "select count(*) from (select signal_id from dol.pressure_signals where signal_id is not null "
        "group by signal_id having count(*) > 1) as d",
    )[0]
    assert delivered_twice > 0
    (after,) = support.query(
        demo_db,
        "select count(*) - count(distinct signal_id) from analytics.int_signals_unioned",
    )[0]
    assert after == 0


def test_hostile_names_are_kept_verbatim(demo_db):
    names = {row[0] for row in support.query(demo_db, "select company_name from analytics.stg_cl__company_identities")}
    for hostile in ("<script>alert(1)</script>", "{{ x }}", "Zoë Ångström", "株式会社テスト"):
        assert any(hostile in name for name in names), hostile


# Staged text columns and the source column each trims (docs/rulebook.md §9: surrounding white
# space is space, tab, line feed, carriage return, form feed, vertical tab), keyed the same
# way on both sides; "lower"/"upper" also fold ASCII case, as lower()/upper() do here.
TRIMMED_COLUMNS = [
    ("people.people_master", "unique_id", "first_name", "stg_people__people", "person_unique_id", "first_name", None),
    ("people.people_master", "unique_id", "last_name", "stg_people__people", "person_unique_id", "last_name", None),
    ("people.people_master", "unique_id", "title", "stg_people__people", "person_unique_id", "title", None),
    ("people.people_master", "unique_id", "email", "stg_people__people", "person_unique_id", "email", "lower"),
    ("outreach.outreach", "outreach_id", "domain", "stg_outreach__companies", "outreach_id", "company_domain", "lower"),
    ("outreach.company_target", "target_id", "city", "stg_outreach__company_targets", "target_id", "city", None),
    ("outreach.company_target", "target_id", "state", "stg_outreach__company_targets", "target_id", "state", "upper"),
]
_FOLD = {
    None: lambda text: text,
    "lower": lambda text: text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")),
    "upper": lambda text: text.translate(str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
}


@pytest.mark.parametrize(
    ("source", "source_key", "source_column", "model", "model_key", "model_column", "fold"),
    TRIMMED_COLUMNS,
    ids=[f"{row[3]}.{row[5]}" for row in TRIMMED_COLUMNS],
)
def test_staging_trims_exactly_the_white_space_characters(
    demo_db, source, source_key, source_column, model, model_key, model_column, fold
):
    """Every staged value is its source value stripped of those six characters and nothing
    else (a blank becomes NULL), on every row of the demo: a trim that also ate letters
    (E'\\v' is the letter v in PostgreSQL) would change the values that begin or end in v."""
    source_rows = support.query(demo_db, f"select {source_key}::text, {source_column} from {source}")
    staged_rows = support.query(demo_db, f"select {model_key}::text, {model_column} from analytics.{model}")

    def trimmed(value):
        if value is None:
            return None
        return _FOLD[fold](value.strip(" \t\n\r\f\v")) or None

    expected = Counter((key, trimmed(value)) for key, value in source_rows)
    assert Counter(staged_rows) == expected
    assert sum(value is not None for _, value in staged_rows) > 1_000


def test_demo_data_has_values_a_wrong_trim_would_damage(demo_db):
    """What keeps the test above from passing vacuously: padded values (the emails) and
    values that begin or end in a lowercase v (the company domains)."""
    (padded,) = support.query(
        demo_db, "select count(*) from people.people_master where email !~ '^[^ \\t\\n\\r\\f\\v]*$'"
    )[0]
    (edged_by_v,) = support.query(
        demo_db, "select count(*) from outreach.outreach where domain like 'v%%' or domain like '%%v'"
    )[0]
    assert padded > 0
    assert edged_by_v > 0


def test_generator_is_deterministic(conn_settings):
    tables = [table.qualified for table in contract.TABLES]
    sums = []
    for seed in (7, 7, 8):
        with databases.empty_database(conn_settings, f"determinism{seed}") as scratch:
            generate(scratch, seed=seed, companies=1_500, as_of=support.DEMO_AS_OF, progress=False)
            sums.append(support.table_checksums(scratch, tables))
    assert sums[0] == sums[1]
    assert sums[0] != sums[2]
    assert all(sums[0][t] != sums[2][t] for t in ("outreach.outreach", "people.company_slot"))


def test_generate_never_empties_source_data_it_did_not_write(conn_settings):
    """Pointed at a real server by mistake (`demo --external-db` on the upstream
    database), the generator must not truncate the upstream tables: it refuses, names
    them, and changes nothing, until told --overwrite; data it wrote itself it replaces."""
    people = contract.table("people.people_master")
    with databases.empty_database(conn_settings, "foreign") as scratch:
        with psycopg.connect(scratch.conninfo(), autocommit=True) as db:
            db.execute(f"create schema {people.schema}")
            db.execute(people.create_sql())
            db.execute(f"insert into {people.qualified} (unique_id) values ('upstream-person-1')")

        def upstream_rows() -> list[tuple]:
            return support.query(
                scratch, f"select unique_id from {people.qualified} where starts_with(unique_id, 'upstream-')"
            )

        def spine_exists() -> bool:
            return support.query(scratch, "select to_regclass('outreach.outreach') is not null")[0][0]

        for command in (["generate", "--quiet"], ["demo", "--external-db", "--no-docs"]):
            refused = support.run_cli(scratch, [*command, "--companies", "300"])
            assert refused.returncode == 2, refused.stderr
            assert "already holds source data the generator did not write" in refused.stderr
            assert "people.people_master" in refused.stderr and "--overwrite" in refused.stderr
            assert upstream_rows() == [("upstream-person-1",)]
            assert not spine_exists()

        replaced = support.run_cli(scratch, ["generate", "--quiet", "--companies", "300", "--overwrite"])
        assert replaced.returncode == 0, replaced.stderr
        assert upstream_rows() == [] and spine_exists()
        # Its own data, marked as such, it replaces without being asked.
        again = support.run_cli(scratch, ["generate", "--quiet", "--companies", "200", "--seed", "3"])
        assert again.returncode == 0, again.stderr
        assert support.query(scratch, "select count(*) from outreach.outreach")[0][0] == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_embedded_server_start_stop_status_are_idempotent(tmp_path):
    conn = replace(settings.from_env({}), port=_free_port())
    pgdata = tmp_path / "pgdata"
    assert not database.status(conn, pgdata).initialized
    try:
        first = database.start(conn, pgdata)
        second = database.start(conn, pgdata)
        assert first.running and second.running
        assert database.status(conn, pgdata).running
        assert support.unreachable_reason(conn) is None
    finally:
        stopped = database.stop(conn, pgdata)
        again = database.stop(conn, pgdata)
    assert not stopped.running and not again.running
    assert database.status(conn, pgdata).initialized


def test_embedded_server_listens_on_the_port_of_each_start(tmp_path):
    """The port comes from OUTREACH_PG_PORT at every start, not from the data directory's
    first set-up; status reports the port the server really has; a start asking for another
    port while it runs says so; a taken port is named with the way out."""
    first = replace(settings.from_env({}), port=_free_port())
    pgdata = tmp_path / "pgdata"
    try:
        database.start(first, pgdata)
        database.stop(first, pgdata)
        second = replace(first, port=_free_port())
        assert database.start(second, pgdata).port == second.port
        assert support.unreachable_reason(second) is None
        assert database.status(first, pgdata).port == second.port  # the real one, not the asked one
        with pytest.raises(database.DatabaseError, match=f"already running on port {second.port}"):
            database.start(first, pgdata)
        database.stop(second, pgdata)
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", 0))
            squatter.listen()
            taken = replace(first, port=squatter.getsockname()[1])
            with pytest.raises(database.DatabaseError, match="taken by another server: choose a free one"):
                database.start(taken, pgdata)
    finally:
        database.stop(first, pgdata)


def test_cli_reports_status(conn_settings):
    result = subprocess.run(
        [sys.executable, "-m", "pressure_outreach", "db", "status"],
        capture_output=True,
        text=True,
        cwd=support.PROJECT_DIR,
        env=support.dbt_env(conn_settings),
    )
    assert result.returncode == 0
    assert "embedded server:" in result.stdout


def test_cli_says_what_to_do_when_no_server_answers(conn_settings):
    nobody = replace(conn_settings, port=_free_port())
    result = support.run_cli(nobody, ["summary"])
    assert result.returncode == 1
    assert f"Is PostgreSQL running at {nobody.host}:{nobody.port}?" in result.stderr
    assert "make db-start" in result.stderr and "Traceback" not in result.stderr


def test_profile_reads_every_setting_from_the_environment(conn_settings):
    with databases.empty_database(conn_settings, "profile") as scratch:
        ok = support.run_dbt(scratch, ["debug"], support.DEMO_AS_OF, check=False)
        assert ok.returncode == 0, ok.stdout
        assert f"database: {scratch.database}" in ok.stdout
        assert f"port: {scratch.port}" in ok.stdout
        assert f"schema: {scratch.schema}" in ok.stdout
    wrong = replace(conn_settings, port=_free_port(), schema="elsewhere")
    failed = support.run_dbt(wrong, ["debug"], support.DEMO_AS_OF, check=False)
    assert failed.returncode != 0
    assert f"port: {wrong.port}" in failed.stdout
    assert "schema: elsewhere" in failed.stdout


def test_profile_example_holds_no_credentials():
    text = (support.PROJECT_DIR / "profiles.yml.example").read_text(encoding="utf-8")
    for key in ("host", "port", "user", "password", "dbname", "schema"):
        lines = [line for line in text.splitlines() if line.strip().startswith(f"{key}:")]
        assert lines and all("env_var(" in line for line in lines), key
    assert "    dev:" in text and "    prod:" in text
    assert os.path.exists(support.PROJECT_DIR / ".gitignore")
    assert "profiles.yml" in (support.PROJECT_DIR / ".gitignore").read_text(encoding="utf-8").split()
