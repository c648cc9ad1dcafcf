"""A run is one unit (docs/design_choices.md, "A run is one unit"):

1. environments: a developer's `dbt build` (target dev) writes only under its own prefix;
   only the prod target, which the production command and the demo use, writes the real
   schemas;
2. a failed run changes nothing a reader sees: the marts wait for the run's checkpoint
   (int_run_checked), and an append needs the checkpoint of its own run;
3. as_of is validated by the CLI and by dbt before anything is touched;
4. a plain `dbt test` tests the last complete run at its as_of, or says why it cannot;
5. every run reports itself in the run log, and the production command prints its report;
6. every reporting mart says which run it shows; bands, data quality and engagement keep a
   run's rows beside the earlier runs'; BI gets a daily queue volume and a decision mart.

(The stale feed stopping a run before its first model is test_freshness.py's; messages
bounded in size, test_hostile_input.py's and test_queue_end_to_end.py's.)
"""

from __future__ import annotations

import re
from datetime import timedelta

import psycopg
import pytest

import databases
import datasets
import support
from pressure_outreach import settings

T0 = support.DEMO_AS_OF
T1 = T0 + timedelta(days=1, microseconds=123_456)
T1_TEXT = "2026-02-08T12:00:00.123456+00:00"
REPLAY = {"send_events_max_age_hours": None}
NOT_INSTANTS = ["yesterday", "now", "2026-02-07", "2026-02-07T12:00:00", "2026-02-30T12:00:00+00:00"]
AS_OF_FORMAT = "as_of must be an ISO-8601 instant with an explicit offset, e.g. 2026-02-07T12:00:00+00:00"


@pytest.fixture(scope="module")
def two_runs(conn_settings):
    """A copy of SMALL (complete run at T0) with a second complete run at T1."""
    with databases.copy_of(conn_settings, datasets.SMALL, "runs") as copy:
        support.run_dbt(copy, support.PRODUCTION_BUILD, T1, extra_vars=REPLAY)
        yield copy


@pytest.fixture
def built(conn_settings):
    """A copy of its own of SMALL, built at T0."""
    with databases.copy_of(conn_settings, datasets.SMALL, "runs_fn") as copy:
        yield copy


def run_log(conn, schema: str = "execution") -> list[tuple]:
    return support.query(
        conn,
        f"select run_id, status, is_complete, as_of, companies_decided, messages_queued, rows_quarantined, detail "
        f"from {schema}.run_log order by started_at",
    )


# --- 1. environments -------------------------------------------------------------------


def test_a_dev_build_writes_only_under_its_prefix_and_leaves_production_alone(built):
    production = support.reader_state(built)
    storage = support.table_storage(built)
    runs = run_log(built)
    support.run_dbt(built, [*support.PRODUCTION_BUILD, "--target", "dev"], T0 + timedelta(days=2), extra_vars=REPLAY)
    assert support.reader_state(built) == production
    assert support.table_storage(built) == storage
    assert run_log(built) == runs, "a dev run is recorded in the dev run log"
    schemas = {s for (s,) in support.query(built, "select distinct table_schema from information_schema.tables")}
    assert {"dev", "dev_execution", "dev_reporting", "dev_rules"} <= schemas
    (queued,) = support.query(built, "select count(*) from dev_execution.send_queue")[0]
    assert queued > 0
    (dev_run,) = run_log(built, "dev_execution")
    assert dev_run[1:3] == ("success", True)


# --- 2. a failed run changes nothing a reader sees ----------------------------------------


def test_a_run_failing_an_invariant_changes_no_mart(built, tmp_path):
    """The suppression gate removed: the recipient invariant fails after every staging and
    intermediate table was rebuilt. Not one reporting mart, nor the decision log, nor the
    queue may change: they wait for the run's checkpoint, which waits for every test."""
    project = support.patched_project(
        tmp_path, [("dbt_project.yml", "    SUPPRESSED: is_suppressed\n", '    SUPPRESSED: "false"\n')]
    )
    readers = support.reader_state(built)
    result = support.run_dbt(
        built,
        support.PRODUCTION_BUILD,
        T0 + timedelta(days=10),
        check=False,
        project_dir=project,
        extra_vars={**REPLAY, "daily_queue_limit": 1_000_000},
    )
    assert re.search(r"FAIL \d+ queued_recipient_is_ready_and_not_suppressed", result.stdout), result.stdout[-3000:]
    assert result.statuses["int_run_checked"] == "skipped"
    # every mart but rpt_runs, a view of the run log (which records the failed run too)
    marts = [name for name in result.statuses if name.startswith("rpt_") and name != "rpt_runs"]
    marts += ["send_queue", "decision_log"]
    assert len(marts) >= 10 and all(result.statuses[name] == "skipped" for name in marts), result.statuses
    assert support.reader_state(built) == readers
    status, is_complete, detail = support.query(
        built, "select status, is_complete, detail from execution.run_log order by started_at desc limit 1"
    )[0]
    assert (status, is_complete) == ("failed", False) and "queued_recipient_is_ready_and_not_suppressed fail" in detail


def test_an_append_needs_the_checkpoint_of_its_own_run(built):
    """A run built every model up to the checkpoint at T0 + 1 and appended nothing (dbt run
    without the marts); a narrow build of the marts and their invariants would pass the
    invariants and append what that other run left: it stops instead, appending nothing."""
    as_of = T0 + timedelta(days=1)
    support.run_dbt(
        built, ["run", "--exclude", "send_queue", "decision_log", "resource_type:seed"], as_of, extra_vars=REPLAY
    )
    (waiting,) = support.query(built, f"select count(*) from {built.schema}.int_messages_rendered")[0]
    assert waiting > 0, "the earlier run should have left messages to append"
    readers = support.reader_state(built)
    narrow = support.run_dbt(
        built,
        ["build", "--select", "send_queue", "decision_log", "tag:queue_guard"],
        as_of,
        check=False,
        extra_vars=REPLAY,
    )
    assert narrow.returncode != 0
    assert "appends only what this run decided, and the run's checkpoint" in narrow.stdout, narrow.stdout[-3000:]
    assert all(narrow.statuses[name] == "pass" for name in narrow.statuses if name.startswith("queued_")), (
        narrow.statuses
    )
    assert support.reader_state(built) == readers


# --- 3. as_of validated -------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_INSTANTS)
def test_dbt_refuses_an_as_of_that_is_not_an_instant_before_touching_anything(built, value):
    storage = support.table_storage(built)
    runs = run_log(built)
    result = support.run_dbt(built, support.PRODUCTION_BUILD, value, check=False)
    assert result.returncode != 0
    assert AS_OF_FORMAT in result.stdout and f"got '{value}'" in result.stdout, result.stdout[-2000:]
    assert result.statuses == {}
    assert support.table_storage(built) == storage and run_log(built) == runs


def test_the_var_is_validated_like_the_environment(built):
    result = support.run_dbt(built, support.PRODUCTION_BUILD, None, check=False, extra_vars={"as_of": "yesterday"})
    assert result.returncode != 0 and AS_OF_FORMAT in result.stdout and result.statuses == {}


def test_the_cli_refuses_the_same_values(conn_settings):
    for value in NOT_INSTANTS:
        with pytest.raises(ValueError, match=re.escape(AS_OF_FORMAT)):
            settings.parse_as_of(value)
    assert settings.parse_as_of("2026-02-07T12:00:00Z") == T0
    result = support.run_cli(conn_settings, ["build", "--as-of", "yesterday"])
    assert result.returncode == 2
    assert AS_OF_FORMAT in result.stderr and "invalid _parse_as_of value" not in result.stderr


# --- 4. dbt test as CI runs it ------------------------------------------------------------


def test_dbt_test_without_as_of_tests_the_last_complete_run(two_runs):
    (run_id,) = support.query(two_runs, "select run_id from execution.run_log order by started_at desc limit 1")[0]
    result = support.run_dbt(two_runs, ["test"], None, extra_vars=REPLAY)
    assert f"testing run {run_id} at as_of {T1_TEXT}" in result.stdout, result.stdout[-3000:]
    assert result.statuses and set(result.statuses.values()) <= {"pass", "warn", "success"}, result.statuses


FAILED = re.compile(r"FAIL \d+ (\S+)")


def test_a_bad_decision_of_the_last_run_fails_exactly_its_tests(two_runs):
    def corrupt(as_of, reason="NOT_A_GATE") -> None:
        with psycopg.connect(two_runs.conninfo(), autocommit=True) as db:
            db.execute(
                "update execution.decision_log set decision_reason = %s where decision_id = "
                "(select decision_id from execution.decision_log where decided_at = %s order by decision_id limit 1)",
                (reason, as_of),
            )

    try:
        corrupt(T0)  # the first run's decisions were checked when they were appended
        assert support.run_cli(two_runs, ["test"]).returncode == 0
        corrupt(T1)
        result = support.run_cli(two_runs, ["test"])
    finally:
        with psycopg.connect(two_runs.conninfo(), autocommit=True) as db:
            db.execute(
                "update execution.decision_log as log set decision_reason = gated.decision_reason "
                f"from {two_runs.schema}.int_decisions_gated as gated "
                "where log.decision_reason = 'NOT_A_GATE' and log.outreach_id = gated.outreach_id"
            )
    assert result.returncode != 0
    assert f"at as_of {T1_TEXT}" in result.stdout
    assert set(FAILED.findall(result.stdout)) == {
        "accepted_values_decision_log_decision_reason___var_decision_gates_list_QUEUED_",
        "decision_funnel_adds_up_per_run",
    }, result.stdout[-3000:]


def test_dbt_test_says_when_the_tables_belong_to_different_runs(built, tmp_path):
    project = support.patched_project(
        tmp_path, [("dbt_project.yml", "    SUPPRESSED: is_suppressed\n", '    SUPPRESSED: "false"\n')]
    )
    support.run_dbt(
        built, support.PRODUCTION_BUILD, T0 + timedelta(days=10), check=False, project_dir=project, extra_vars=REPLAY
    )
    result = support.run_dbt(built, ["test"], None, check=False, extra_vars=REPLAY)
    assert result.returncode != 0
    assert "The tables on disk belong to different runs" in result.stdout and "Nothing was tested" in result.stdout
    assert result.statuses == {}, "no test may run: the invariants would judge a mix no run queued from"


def test_the_cli_test_takes_no_as_of_and_says_when_nothing_was_built(conn_settings, two_runs):
    result = support.run_cli(two_runs, ["test", "--vars", '{"as_of": "2026-02-07T12:00:00+00:00"}'])
    assert result.returncode == 2 and "it takes no as_of" in result.stderr
    with databases.copy_of(conn_settings, datasets.EMPTY, "never_built") as empty:
        with psycopg.connect(empty.conninfo(), autocommit=True) as db:
            db.execute("delete from execution.run_log")
        result = support.run_cli(empty, ["test"])
    assert result.returncode == 1
    assert "No build has run yet on target prod" in result.stdout, result.stdout[-2000:]


# --- 5. every run reports itself ----------------------------------------------------------


def test_the_run_log_records_each_run_with_its_counts(two_runs):
    runs = run_log(two_runs)
    assert [(status, complete) for _, status, complete, *_ in runs] == [("success", True), ("success", True)]
    run_id, _, _, as_of, decided, queued, quarantined, _ = runs[-1]
    assert as_of == T1 and decided == datasets.SMALL_COMPANIES
    assert support.query(
        two_runs, "select count(*) from execution.send_queue where dbt_invocation_id = %s", (run_id,)
    ) == [(queued,)]
    assert queued > 0
    assert support.query(
        two_runs, "select sum(row_count) from reporting.rpt_data_quality where run_id = %s", (run_id,)
    ) == [(quarantined,)]


def test_the_production_command_prints_what_the_run_did(built):
    as_of = T0 + timedelta(days=1)
    result = support.run_cli(built, ["build", "--as-of", as_of.isoformat(), "--vars", '{"daily_queue_limit": 40}'])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = result.stdout[result.stdout.index("\nRun ") :]
    (run_id, queued) = support.query(
        built, "select run_id, messages_queued from execution.run_log order by started_at desc limit 1"
    )[0]
    assert f"Run {run_id}: success (complete)" in report
    assert "as_of                2026-02-08 12:00:00 UTC" in report
    assert "daily queue limit    40" in report
    assert f"companies decided    {datasets.SMALL_COMPANIES:,}" in report and f"messages queued      {queued}" in report
    reasons = support.query(
        built, "select decision_reason, count(*) from execution.decision_log where decided_at = %s group by 1", (as_of,)
    )
    assert reasons and all(re.search(rf"{reason}\s+{count:,}\b", report) for reason, count in reasons), report


# --- 6. reporting that BI can trust -------------------------------------------------------


def test_every_mart_names_its_run_and_the_histories_keep_each_run(two_runs):
    runs = dict(support.query(two_runs, "select as_of, run_id from execution.run_log where is_complete"))
    marts = [
        name
        for (name,) in support.query(
            two_runs, "select table_name from information_schema.tables where table_schema = 'reporting'"
        )
    ]
    assert {"rpt_decisions", "rpt_queue_volume", "rpt_runs"} <= set(marts)
    for mart in set(marts) - {"rpt_runs"}:
        shown = support.query(two_runs, f"select distinct as_of, run_id from reporting.{mart}")
        assert shown and all(runs.get(as_of) == run_id for as_of, run_id in shown), (mart, shown)
        history = {
            "rpt_band_distribution",
            "rpt_data_quality",
            "rpt_engagement",
            "rpt_decision_funnel",
            "rpt_decisions",
        }
        assert {as_of for as_of, _ in shown} == ({T0, T1} if mart in history else {T1}), mart
    volume = support.query(
        two_runs, "select queued_date, sum(messages_queued) from reporting.rpt_queue_volume group by 1 order by 1"
    )
    queue = support.query(
        two_runs,
        "select (queued_at at time zone 'UTC')::date, count(*) from execution.send_queue group by 1 order by 1",
    )
    assert volume == queue and len(queue) == 2


def test_the_decision_mart_answers_why_not_for_every_company_of_every_run(two_runs):
    logged = support.query(
        two_runs,
        "select decided_at, outreach_id, decision_reason, band, slot_type from execution.decision_log order by 1, 2",
    )
    bi = support.query(
        two_runs,
        "select as_of, outreach_id, decision_reason, band, slot_type from reporting.rpt_decisions order by 1, 2",
    )
    assert bi == logged and len(bi) == 2 * datasets.SMALL_COMPANIES
    cooling = support.query(
        two_runs,
        "select count(*) from reporting.rpt_decisions where as_of = %s and decision_reason = 'COOLING_OFF' "
        "and not (cooling_off_until > as_of)",
        (T1,),
    )
    assert cooling == [(0,)], "a company cooling off cools off until after as_of"
    columns = {
        c
        for (c,) in support.query(
            two_runs, "select column_name from information_schema.columns where table_name = 'rpt_decisions'"
        )
    }
    assert not columns & {"email_to", "person_unique_id", "first_name", "proof_line"}
