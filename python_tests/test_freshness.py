"""A stale Execution Hub feed stops the run before anything is queued.

Unsubscribes reach suppression only through execution.send_events; a feed that stopped
arriving would let the next run mail people who opted out. tests/feeds/send_events_feed_is_fresh.sql
fails when the newest event at or before as_of is older than `send_events_max_age_hours`
(72 by default), which makes dbt build skip send_queue and decision_log; `dbt source
freshness` (run before the build by `make demo`) applies the same threshold at as_of.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from datetime import UTC, timedelta

import psycopg
import pytest
from psycopg.types.json import Jsonb

import databases
import datasets
import support

T0 = support.DEMO_AS_OF
EVENTS = "execution.send_events"
GUARDED = ["execution.send_queue", "execution.decision_log"]
FRESHNESS = ["source", "freshness", "--select", "source:execution.send_events"]


@pytest.fixture(scope="module")
def built(conn_settings):
    """A copy of the SMALL data set, built at T0; its feed's newest event is shortly before T0."""
    with databases.copy_of(conn_settings, datasets.SMALL, "freshness") as copy:
        yield copy


def latest_event(conn, as_of):
    return support.query(conn, f"select max(event_at) from {EVENTS} where event_at <= %s", (as_of,))[0][0]


def add_event(conn, at) -> None:
    with psycopg.connect(conn.conninfo(), autocommit=True) as db:
        db.execute(
            f"insert into {EVENTS} (event_id, message_id, event_type, event_at, detail) values (%s, %s, %s, %s, %s)",
            (str(uuid.uuid4()), "feed-heartbeat", "delivered", at, Jsonb({"provider": "test"})),
        )


def production_build(conn, as_of) -> subprocess.CompletedProcess[str]:
    """`python -m pressure_outreach build` (freshness check, then the build) against `conn`."""
    return support.run_cli(conn, ["build", "--as-of", as_of.isoformat()])


def test_a_stale_feed_fails_the_build_and_leaves_the_queue_and_log_untouched(built):
    as_of = T0 + timedelta(days=10)
    assert as_of - latest_event(built, as_of) > timedelta(hours=72)
    before = support.table_checksums(built, GUARDED)
    result = support.run_dbt(built, support.PRODUCTION_BUILD, as_of, check=False)
    assert result.returncode != 0
    assert re.search(r"FAIL 1 send_events_feed_is_fresh", result.stdout), result.stdout[-3000:]
    assert re.search(r"SKIP relation \S*send_queue", result.stdout)
    assert re.search(r"SKIP relation \S*decision_log", result.stdout)
    assert support.table_checksums(built, GUARDED) == before
    assert support.run_dbt(built, FRESHNESS, as_of, check=False).returncode != 0


def test_the_production_command_says_why_a_stale_feed_stopped_it(built):
    as_of = T0 + timedelta(days=10)
    before = support.table_checksums(built, GUARDED)
    result = production_build(built, as_of)
    assert result.returncode == 1
    newest = latest_event(built, as_of).astimezone(UTC)
    assert "the Execution Hub's send_events feed is older than the send_events_max_age_hours var" in result.stderr
    assert f"its newest event is at {newest:%Y-%m-%d %H:%M} UTC" in result.stderr, result.stderr
    assert "Nothing was built or queued" in result.stderr
    assert support.table_checksums(built, GUARDED) == before


def test_a_feed_that_cannot_be_checked_is_not_called_stale(built):
    """dbt source freshness failing for another reason (here the table is gone) stops the
    run too, but the message says the feed could not be checked, not that it is old."""
    before = support.table_checksums(built, GUARDED)
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        db.execute(f"alter table {EVENTS} rename to send_events_away")
    try:
        result = production_build(built, T0)
    finally:
        with psycopg.connect(built.conninfo(), autocommit=True) as db:
            db.execute("alter table execution.send_events_away rename to send_events")
    assert result.returncode == 1
    assert "could not check the Execution Hub's send_events feed" in result.stderr, result.stderr
    assert "is older than" not in result.stderr
    assert "Nothing was built or queued" in result.stderr
    assert support.table_checksums(built, GUARDED) == before


def test_a_fresh_feed_lets_the_build_queue(built):
    as_of = T0 + timedelta(days=20)
    assert support.run_dbt(built, FRESHNESS, as_of, check=False).returncode != 0, "stale before the event"
    add_event(built, as_of - timedelta(hours=71))
    support.run_dbt(built, FRESHNESS, as_of)
    support.run_dbt(built, support.PRODUCTION_BUILD, as_of)
    (queued,) = support.query(built, "select count(*) from execution.send_queue where queued_at = %s", (as_of,))[0]
    assert queued > 0


def test_the_threshold_is_a_var(built):
    as_of = T0 + timedelta(days=30)
    age = as_of - latest_event(built, as_of)
    hours = int(age.total_seconds() // 3600) + 1
    support.run_dbt(built, ["run", "--select", "stg_execution__send_events"], as_of)
    support.run_dbt(built, FRESHNESS, as_of, extra_vars={"send_events_max_age_hours": hours})
    result = support.run_dbt(
        built, ["test", "--select", "send_events_feed_is_fresh"], as_of, extra_vars={"send_events_max_age_hours": hours}
    )
    assert re.search(r"PASS send_events_feed_is_fresh", result.stdout)
    stale = support.run_dbt(
        built,
        ["test", "--select", "send_events_feed_is_fresh"],
        as_of,
        check=False,
        extra_vars={"send_events_max_age_hours": hours - 2},
    )
    assert stale.returncode != 0


def test_an_empty_feed_passes_on_the_very_first_run(built):
    as_of = T0 + timedelta(days=60)
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        db.execute(f"create table execution.saved_events as select * from {EVENTS}")
        db.execute(f"delete from {EVENTS}")
    try:
        support.run_dbt(built, FRESHNESS, as_of)
        support.run_dbt(built, ["run", "--select", "stg_execution__send_events"], as_of)
        support.run_dbt(built, ["test", "--select", "send_events_feed_is_fresh"], as_of)
    finally:
        with psycopg.connect(built.conninfo(), autocommit=True) as db:
            db.execute(f"insert into {EVENTS} select * from execution.saved_events")
            db.execute("drop table execution.saved_events")
