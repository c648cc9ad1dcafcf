"""`dbt test` checks the last build's tables at that build's as_of.

The tables a data test reads were built at the build's as_of, and the invariants re-read
the queue, the Execution Hub's events and the gates' windows at as_of. A `dbt test` without
the `as_of` var used to judge them at the moment the command started: invariants failed
for a run that never happened and the decision log's tests (`where: decided_at = __as_of__`)
checked no row. Such a command now stops before any test and names the as_of the tables
were built at; `python -m pressure_outreach test` tests them at that as_of.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import psycopg
import pytest

import databases
import datasets
import support

T0 = support.DEMO_AS_OF
# The second build's as_of has microseconds, as a production build's (now) has.
T1 = T0 + timedelta(days=1, microseconds=123_456)
T1_TEXT = "2026-02-08T12:00:00.123456+00:00"
LOG = "execution.decision_log"
FAILED = re.compile(r"FAIL \d+ (\S+)")


@pytest.fixture(scope="module")
def built(conn_settings):
    """Two runs, a day apart: a copy of the SMALL data set (built at T0) built again at T1."""
    with databases.copy_of(conn_settings, datasets.SMALL, "run_as_of") as copy:
        support.run_dbt(copy, support.PRODUCTION_BUILD, T1)
        yield copy


def dbt_test_without_as_of(conn, *args: str) -> subprocess.CompletedProcess[str]:
    return support.run_dbt(conn, ["test", *args], None, check=False)


def cli_test(conn, *args: str) -> subprocess.CompletedProcess[str]:
    return support.run_cli(conn, ["test", *args])


def corrupt_a_decision(conn, as_of) -> None:
    with psycopg.connect(conn.conninfo(), autocommit=True) as db:
        db.execute(
            f"update {LOG} set decision_reason = 'NOT_A_GATE' where decision_id = "
            f"(select decision_id from {LOG} where decided_at = %s order by decision_id limit 1)",
            (as_of,),
        )


def test_dbt_test_without_as_of_stops_and_names_the_builds_as_of(built):
    result = dbt_test_without_as_of(built)
    assert result.returncode != 0
    assert "this one has no as_of var" in result.stdout, result.stdout[-3000:]
    assert f"The tables on disk were built at as_of {T1_TEXT}." in result.stdout, result.stdout[-3000:]
    assert "`python -m pressure_outreach test`" in result.stdout and "Nothing was tested" in result.stdout
    assert " PASS " not in result.stdout and " FAIL " not in result.stdout, "no test may run"


def test_unit_tests_need_no_as_of(built):
    result = dbt_test_without_as_of(built, "--select", "resource_type:unit_test")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS=" in result.stdout and "ERROR=0" in result.stdout


def test_the_cli_tests_the_last_build_at_its_as_of(built):
    result = cli_test(built)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"testing the build at as_of {T1_TEXT}" in result.stdout
    assert "PASS=" in result.stdout and "ERROR=0" in result.stdout
    # A decision of the first run goes bad: the decision log's tests read the last run only
    # (the first was checked when it was appended).
    corrupt_a_decision(built, T0)
    assert cli_test(built).returncode == 0
    # A decision of the last run goes bad: its tests find it, and nothing else fails.
    corrupt_a_decision(built, T1)
    result = cli_test(built)
    assert result.returncode != 0
    assert set(FAILED.findall(result.stdout)) == {
        "accepted_values_decision_log_decision_reason__EXCLUDED__KILL_SWITCH__BAND_BELOW_3__NO_VALID_PROOF__"
        "NO_FILLED_SLOT__EMAIL_NOT_READY__SUPPRESSED__COOLING_OFF__TOUCH_CAP__ALREADY_QUEUED__DAILY_LIMIT__QUEUED",
        "decision_funnel_adds_up_per_run",
    }, result.stdout[-3000:]


def test_the_cli_takes_no_as_of(built):
    result = cli_test(built, "--vars", '{"as_of": "2026-02-07T12:00:00+00:00"}')
    assert result.returncode == 2
    assert "it takes no as_of" in result.stderr


def test_the_cli_says_when_nothing_was_built(conn_settings):
    with databases.empty_database(conn_settings, "no_build") as empty:
        result = cli_test(empty)
    assert result.returncode == 2
    assert "no build has run yet" in result.stderr
