"""Faults around the send queue: a build killed while it writes, and two builds at once.

A test holds `lock table ... in share row exclusive mode` in its own transaction: reads go
on, but the incremental insert of send_queue (or decision_log) blocks, so the test knows
exactly where dbt is. Then it either kills dbt there (SIGKILL to its process group, and
its server backends terminated, as a crashed host would leave them) or lets two builds
pile up behind the lock. The queue must hold all of a run's rows or none, a following
build must queue every message exactly once, and two builds with the same as_of must
both succeed without a duplicate: the second waits for the first (macros/lock_for_append.sql).

(`dbt build --full-refresh` keeping every queued row is test_queue_end_to_end.py's
test_full_refresh_keeps_every_queued_row.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

import databases
import datasets
import support

T0 = support.DEMO_AS_OF
COMPANIES = datasets.SMALL_COMPANIES
# A small daily limit leaves companies for every later run of this module to queue. The
# runs step through days without new Execution Hub events: the stale-feed guard is
# test_freshness.py's subject, not this file's.
VARS = {"daily_queue_limit": 8, "send_events_max_age_hours": None}
BUILD = support.PRODUCTION_BUILD
QUEUE = "execution.send_queue"
LOG = "execution.decision_log"
WAIT_SECONDS = 300
# The application name of the test's own connections, which kill() spares.
OURS = "pytest_faults"


@pytest.fixture(scope="module")
def built(conn_settings):
    """A copy of the SMALL data set (built at T0); the tests step through the days after."""
    with databases.copy_of(conn_settings, datasets.SMALL, "faults") as copy:
        yield copy


@dataclass
class Build:
    """A `dbt build` running in the background; its output goes to a file (a pipe nobody
    reads would fill up and stall dbt)."""

    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self) -> int:
        return self.process.wait(timeout=WAIT_SECONDS)


def warm_target(conn, name: str) -> Path:
    """A target path of its own for a dbt process, holding the partial parse of the
    in-process runs against `conn` (dbt then skips parsing the whole project again)."""
    target = support.dbt_target_path(conn, VARS).with_name(f"{conn.database}_{name}")
    target.mkdir(parents=True, exist_ok=True)
    warm = support.dbt_target_path(conn, VARS) / "partial_parse.msgpack"
    if warm.exists():
        shutil.copy(warm, target / warm.name)
    return target


def start_build(conn, as_of, name: str, select: tuple[str, ...] = (), schema: str | None = None) -> Build:
    """`dbt build` (the production build) in the background, in its own process group,
    with its own target path; `schema` gives its staging and intermediate tables a schema
    of their own."""
    target = warm_target(conn, name)
    log = target / "build.log"
    command = [
        str(Path(sys.executable).with_name("dbt")),
        *BUILD,
        "--target",
        "prod",
        # only the tests of the selected models (a report's test reading them would see a stale report)
        *(["--select", *select, "--indirect-selection", "cautious"] if select else []),
        "--project-dir",
        str(support.PROJECT_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(target),
        "--vars",
        json.dumps(VARS),
    ]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command,
            env={
                **support.dbt_env(conn),
                "OUTREACH_AS_OF": as_of.isoformat(),
                **({"OUTREACH_PG_SCHEMA": schema} if schema else {}),
            },
            cwd=support.PROJECT_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Build(process, log)


@contextmanager
def table_locked(conn, table: str):
    """Hold a lock that lets readers through and blocks every insert into `table`; yield a
    second, autocommit connection to watch with (pg_stat_activity is a snapshot taken once
    per transaction, so the locking transaction itself would never see dbt arrive)."""
    conninfo = f"{conn.conninfo()} application_name={OURS}"
    with psycopg.connect(conninfo) as locker, psycopg.connect(conninfo, autocommit=True) as watcher:
        locker.execute(f"lock table {table} in share row exclusive mode")
        try:
            yield watcher
        finally:
            locker.rollback()


def blocked_writers(db: psycopg.Connection, table: str) -> list[tuple[int, str]]:
    """Backends waiting on a lock to append to `table`: its insert, or lock_for_append."""
    name = table.split(".")[1]
    return db.execute(
        """
        select pid, case when query ilike '%%lock_for_append%%' then 'advisory' else 'insert' end
        from pg_stat_activity
        where datname = current_database()
          and pid <> pg_backend_pid()
          and wait_event_type = 'Lock'
          and (query ilike %s or query ilike %s)
        order by pid
        """,
        (f'%insert into %"{name}"%', f'%lock_for_append %"{name}"%'),
    ).fetchall()


def wait_for(db: psycopg.Connection, table: str, count: int, builds: list[Build]) -> list:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        writers = blocked_writers(db, table)
        if len(writers) >= count:
            return writers
        for build in builds:
            if build.process.poll() is not None:
                pytest.fail(f"dbt exited before blocking on {table}:\n{build.output()[-4000:]}")
        time.sleep(0.5)
    pytest.fail(f"no {count} writers blocked on {table} within {WAIT_SECONDS} s")


def kill(build: Build, conn) -> None:
    """SIGKILL dbt's process group, then terminate its server backends (rolled back)."""
    os.killpg(build.process.pid, signal.SIGKILL)
    build.wait()
    with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
        dbt_backends = (
            "from pg_stat_activity where datname = %s and backend_type = 'client backend' and application_name <> %s"
        )
        admin.execute(f"select pg_terminate_backend(pid) {dbt_backends}", (conn.database, OURS))
        for _ in range(100):
            (left,) = admin.execute(f"select count(*) {dbt_backends}", (conn.database, OURS)).fetchone()
            if left == 0:
                return
            time.sleep(0.1)


def queued_ids(conn, as_of) -> list[str]:
    return [r[0] for r in support.query(conn, f"select message_id from {QUEUE} where queued_at = %s", (as_of,))]


def logged_queued_ids(conn, as_of) -> list[str]:
    return [
        r[0]
        for r in support.query(
            conn,
            f"select message_id from {LOG} where decided_at = %s and decision_reason = 'QUEUED'",
            (as_of,),
        )
    ]


def rendered_ids(conn, schema: str | None = None) -> set[str]:
    relation = f"{schema or conn.schema}.int_messages_rendered"
    return {r[0] for r in support.query(conn, f"select message_id from {relation}")}


def assert_each_message_once(conn, as_of, schema: str | None = None) -> None:
    (rows, distinct) = support.query(conn, f"select count(*), count(distinct message_id) from {QUEUE}")[0]
    assert rows == distinct, f"{rows - distinct} duplicate message ids in the queue"
    queued = queued_ids(conn, as_of)
    assert queued, "the run should have queued messages"
    assert sorted(queued) == sorted(logged_queued_ids(conn, as_of)), "queue and decision log disagree"
    assert set(queued) == rendered_ids(conn, schema)
    (decisions, companies) = support.query(
        conn, f"select count(*), count(distinct outreach_id) from {LOG} where decided_at = %s", (as_of,)
    )[0]
    assert decisions == companies == COMPANIES


def test_a_build_killed_while_it_inserts_into_the_queue_leaves_none_of_its_rows(built):
    as_of = T0 + timedelta(days=1)
    before = support.table_checksums(built, [QUEUE])
    with table_locked(built, QUEUE) as db:
        build = start_build(built, as_of, "killed_queue")
        wait_for(db, QUEUE, 1, [build])
        kill(build, built)
    assert support.table_checksums(built, [QUEUE]) == before, "a killed build left rows in the queue"
    assert queued_ids(built, as_of) == []

    support.run_dbt(built, BUILD, as_of, extra_vars=VARS)
    assert_each_message_once(built, as_of)
    after = support.table_checksums(built, [QUEUE])
    support.run_dbt(built, BUILD, as_of, extra_vars=VARS)
    assert support.table_checksums(built, [QUEUE]) == after


def test_a_build_killed_after_the_queue_committed_keeps_all_its_rows_and_logs_them_next_time(built):
    as_of = T0 + timedelta(days=2)
    with table_locked(built, LOG) as db:
        build = start_build(built, as_of, "killed_log")
        wait_for(db, LOG, 1, [build])
        deadline = time.monotonic() + WAIT_SECONDS
        while not queued_ids(built, as_of) and time.monotonic() < deadline:  # send_queue runs beside it
            time.sleep(0.5)
        kill(build, built)
    queued = queued_ids(built, as_of)
    assert queued and set(queued) == rendered_ids(built), "the queue should hold all of the run's rows"
    assert logged_queued_ids(built, as_of) == []

    # The next build with the same as_of logs those messages as QUEUED (rows queued at as_of
    # belong to this run, docs/rulebook.md §9) and queues nothing twice.
    support.run_dbt(built, BUILD, as_of, extra_vars=VARS)
    assert sorted(queued_ids(built, as_of)) == sorted(queued)
    assert_each_message_once(built, as_of)


# What two runs share: the append-only marts. Each run below gets its staging and
# intermediate tables in a schema of its own, so that they meet only where a production
# run would: at the queue and the decision log (two whole builds in one schema also race
# on the tables they rebuild, the test after this one).
RUN_MARTS = ("+send_queue", "+decision_log")


@pytest.mark.parametrize(("table", "day"), [(QUEUE, 3), (LOG, 4)])
def test_two_runs_appending_at_once_both_succeed_and_queue_each_message_once(built, table, day):
    as_of = T0 + timedelta(days=day)
    with table_locked(built, table) as db:
        builds = [
            start_build(built, as_of, f"concurrent_{day}_{n}", RUN_MARTS, schema=f"{built.schema}_{n}") for n in (1, 2)
        ]
        # Both reach the append: one blocked on its insert, the other waiting for its lock.
        writers = wait_for(db, table, 2, builds)
    for build in builds:
        assert build.wait() == 0, f"blocked as {writers}; a concurrent build failed:\n{build.output()[-5000:]}"
    assert_each_message_once(built, as_of, schema=f"{built.schema}_1")


def test_two_full_builds_at_once_never_queue_a_message_twice(built):
    """Two whole `dbt build`s on one database also race on the tables they rebuild (dbt
    swaps each through the fixed names `<model>__dbt_tmp` and `<model>__dbt_backup`), so
    either may fail there with dbt's "relation ... already exists". Whatever fails, the
    queue never holds a message twice, and the next build completes the run."""
    as_of = T0 + timedelta(days=5)
    builds = [start_build(built, as_of, f"full_{n}") for n in (1, 2)]
    for build in builds:
        if build.wait() != 0:
            output = build.output()
            assert re.search(r"already exists|ERROR", output), output[-3000:]
            # The unique constraint would turn a second copy into this error: no build may
            # even try to queue a message the other one queued.
            assert "duplicate key value violates unique constraint" not in output, output[-3000:]
    support.run_dbt(built, BUILD, as_of, extra_vars=VARS)
    assert_each_message_once(built, as_of)


def test_a_second_production_build_stops_at_once_with_a_clear_message(built):
    """`python -m pressure_outreach build` (the documented production command) holds a run
    lock for the whole run: of two started together, one builds and the other stops before
    dbt touches anything, saying why. The next run completes the day, each message once."""
    as_of = T0 + timedelta(days=6)
    command = [
        sys.executable,
        "-m",
        "pressure_outreach",
        "build",
        "--as-of",
        as_of.isoformat(),
        "--vars",
        json.dumps(VARS),
    ]

    def start(name: str) -> Build:
        target = warm_target(built, name)
        log = target / "build.log"
        with log.open("w", encoding="utf-8") as out:
            env = {**support.dbt_env(built), "DBT_TARGET_PATH": str(target)}
            process = subprocess.Popen(command, env=env, cwd=support.PROJECT_DIR, stdout=out, stderr=subprocess.STDOUT)
        return Build(process, log)

    builds = [start(f"production_{n}") for n in (1, 2)]
    codes = sorted(build.wait() for build in builds)
    outputs = [build.output() for build in builds]
    assert codes == [0, 1], outputs
    loser = next(output for output, build in zip(outputs, builds, strict=True) if build.process.returncode == 1)
    assert "another build of pressure_outreach is running" in loser
    assert "Running with dbt" not in loser.split("another build")[0], "the loser must stop before dbt starts"
    assert_each_message_once(built, as_of)
