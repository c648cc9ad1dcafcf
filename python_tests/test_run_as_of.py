"""`dbt test` checks a run at that run's as_of.

The tables a data test reads were built at the build's as_of, and the invariants re-read
the queue, the Execution Hub's events and the gates' windows at as_of. A `dbt test` without
the `as_of` var used to judge the run at the moment the command started: invariants failed
for a run that never happened and the decision log's tests (`where: decided_at = __as_of__`)
checked no row. Such a command now stops before any test and names the latest run;
`python -m pressure_outreach test` tests the latest run (or --as-of) with its as_of.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import psycopg
import pytest

import support
from pressure_outreach.generator import generate

T0 = support.DEMO_AS_OF
T1 = T0 + timedelta(days=1)
LOG = "execution.decision_log"


@pytest.fixture(scope="module")
def built(conn_settings):
    """Two runs, a day apart, of a small data set."""
    with support.scratch_database(conn_settings, "run_as_of") as scratch:
        generate(scratch, seed=43, companies=2_000, as_of=T0, progress=False)
        support.run_dbt(scratch, ["seed"], T0)
        support.run_dbt(scratch, ["build"], T0)
        support.run_dbt(scratch, ["build"], T1)
        yield scratch


def dbt_test_without_as_of(conn, *args: str) -> subprocess.CompletedProcess[str]:
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    command = [dbt, "test", *args, "--project-dir", str(support.PROJECT_DIR)]
    command += ["--target-path", str(support.PROJECT_DIR / "target" / "pytest" / f"{conn.database}_no_as_of")]
    env = {**support.dbt_env(conn), "DBT_PROFILES_DIR": str(support.PROJECT_DIR)}
    return subprocess.run(command, env=env, text=True, capture_output=True, cwd=support.PROJECT_DIR)


def cli_test(conn, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pressure_outreach test` against `conn`."""
    return subprocess.run(
        [sys.executable, "-m", "pressure_outreach", "test", *args],
        capture_output=True,
        text=True,
        cwd=support.PROJECT_DIR,
        env={**os.environ, **support.dbt_env(conn)},
    )


def test_dbt_test_without_as_of_stops_and_names_the_latest_run(built):
    result = dbt_test_without_as_of(built)
    assert result.returncode != 0
    assert "this one has no as_of var" in result.stdout, result.stdout[-3000:]
    assert f'The latest run in "{built.database}"."execution"."decision_log" is at 2026-02-08T12:00:00+00:00' in (
        result.stdout
    )
    assert "`python -m pressure_outreach test`" in result.stdout and "Nothing was tested" in result.stdout
    assert " PASS " not in result.stdout and " FAIL " not in result.stdout, "no test may run"


def test_unit_tests_need_no_as_of(built):
    result = dbt_test_without_as_of(built, "--select", "resource_type:unit_test")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS=" in result.stdout and "ERROR=0" in result.stdout


def test_the_cli_tests_the_latest_run_and_an_earlier_one_on_request(built):
    result = cli_test(built)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "testing the run at 2026-02-08T12:00:00+00:00" in result.stdout
    # A decision of the first run goes bad: the latest run's tests do not read it, the
    # first run's do.
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        db.execute(
            f"update {LOG} set decision_reason = 'NOT_A_GATE' where decision_id = "
            f"(select decision_id from {LOG} where decided_at = %s order by decision_id limit 1)",
            (T0,),
        )
    assert cli_test(built).returncode == 0
    earlier = cli_test(built, "--as-of", T0.isoformat())
    assert earlier.returncode != 0
    assert "testing the run at 2026-02-07T12:00:00+00:00" in earlier.stdout
    assert "FAIL 1 accepted_values_decision_log_decision_reason" in earlier.stdout, earlier.stdout[-3000:]


def test_the_cli_says_when_no_run_is_logged(conn_settings):
    with support.scratch_database(conn_settings, "no_run") as empty:
        result = cli_test(empty)
    assert result.returncode == 2
    assert "no run is logged in execution.decision_log yet" in result.stderr
