"""A stale Execution Hub feed stops a run before its first model.

Unsubscribes reach suppression only through execution.send_events; a feed that stopped
arriving would let the next run mail people who opted out. A `dbt build` or `dbt run`
checks the feed in its on-run-start hook (macros/check_send_events_feed.sql): when the
newest event at or before as_of is older than `send_events_max_age_hours` (72 by default)
the run stops there, before any table is rebuilt, and the run log records it as refused
with the reason. A plain `dbt build` and the production command behave alike.
"""

from __future__ import annotations

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
STALE = T0 + timedelta(days=10)


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


def last_run(conn) -> tuple:
    return support.query(conn, "select status, detail, models_built from execution.run_log order by started_at desc")[0]


def test_a_stale_feed_stops_a_plain_build_before_any_table_changes(built):
    assert STALE - latest_event(built, STALE) > timedelta(hours=72)
    readers = support.reader_state(built)
    storage = support.table_storage(built)
    result = support.run_dbt(built, support.PRODUCTION_BUILD, STALE, check=False)
    assert result.returncode != 0
    assert "send_events feed is stale" in result.stdout, result.stdout[-3000:]
    assert result.statuses == {}, "no node may run"
    assert support.reader_state(built) == readers
    assert support.table_storage(built) == storage, "no staging, intermediate or reporting table may be rebuilt"
    status, detail, _ = last_run(built)
    assert status == "refused"
    newest = latest_event(built, STALE).astimezone(UTC)
    assert f"is at {newest:%Y-%m-%d %H:%M} UTC, more than 72 hours earlier" in detail, detail


def test_the_production_command_says_why_a_stale_feed_stopped_it(built):
    readers = support.reader_state(built)
    result = support.run_cli(built, ["build", "--as-of", STALE.isoformat()])
    assert result.returncode == 1
    newest = latest_event(built, STALE).astimezone(UTC)
    assert f"its newest event at or before as_of (2026-02-17 12:00:00 UTC) is at {newest:%Y-%m-%d %H:%M} UTC" in (
        result.stdout
    ), result.stdout[-3000:]
    assert "Refused before its first model" in result.stdout
    assert "Nothing was built, queued or logged: the queue, the decision log and the reporting marts are as run" in (
        result.stdout
    )
    assert support.reader_state(built) == readers


def test_a_feed_that_cannot_be_checked_stops_the_run_with_its_own_message(built):
    readers = support.reader_state(built)
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        db.execute(f"alter table {EVENTS} rename to send_events_away")
    try:
        result = support.run_dbt(built, support.PRODUCTION_BUILD, T0, check=False)
    finally:
        with psycopg.connect(built.conninfo(), autocommit=True) as db:
            db.execute("alter table execution.send_events_away rename to send_events")
    assert result.returncode != 0
    assert "could not be checked: it does not exist or is not readable" in result.stdout, result.stdout[-3000:]
    assert "is stale" not in result.stdout
    assert result.statuses == {}
    assert support.reader_state(built) == readers


def test_the_threshold_is_a_var(built):
    as_of = T0 + timedelta(days=30)
    age = as_of - latest_event(built, as_of)
    hours = int(age.total_seconds() // 3600) + 1

    # a run of the cheapest model: the hook decides before it
    def run_with(max_age_hours):
        return support.run_dbt(
            built,
            ["run", "--select", "int_run_checked"],
            as_of,
            check=False,
            extra_vars={"send_events_max_age_hours": max_age_hours},
        )

    fresh = run_with(hours)
    assert fresh.returncode == 0, fresh.stdout[-3000:]
    stale = run_with(hours - 2)
    assert stale.returncode != 0 and "send_events feed is stale" in stale.stdout
    off = run_with(None)
    assert off.returncode == 0, off.stdout[-3000:]


def test_an_empty_feed_passes_on_the_very_first_run(built):
    as_of = T0 + timedelta(days=60)
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        db.execute(f"create table execution.saved_events as select * from {EVENTS}")
        db.execute(f"delete from {EVENTS}")
    try:
        result = support.run_dbt(built, ["run", "--select", "int_run_checked"], as_of, check=False)
    finally:
        with psycopg.connect(built.conninfo(), autocommit=True) as db:
            db.execute(f"insert into {EVENTS} select * from execution.saved_events")
            db.execute("drop table execution.saved_events")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_fresh_feed_lets_the_build_queue(built):
    as_of = T0 + timedelta(days=20)
    add_event(built, as_of - timedelta(hours=71))
    support.run_dbt(built, support.PRODUCTION_BUILD, as_of)
    (queued,) = support.query(built, "select count(*) from execution.send_queue where queued_at = %s", (as_of,))[0]
    assert queued > 0
    assert last_run(built)[0] == "success"
