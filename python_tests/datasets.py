"""The data sets the tests build on, each a template database (databases.py) built once
per test run:

- SMALL: 6,000 generated companies (seed 21) around the demo's as_of, the roles set up
  (create_roles), seeds loaded and the production build run at T0 with the default vars
  (daily limit 100). The tests of the
  queue, the faults, the feed, re-testing and engagement start from a copy of it.
- HOSTILE: the hand-built hostile fixture (hostile_fixture.py), under a UTF-8 character
  classification, built at its as_of.
- EMPTY: the source tables of the contract, empty, seeds loaded and the project built
  once at an instant long before any test data: every table the project writes exists,
  execution.send_queue included, and nothing is queued. The gate scenarios and the
  property-based test load their rows into a copy of it.
"""

from __future__ import annotations

from datetime import timedelta

import psycopg

import hostile_fixture
import support
from databases import Template
from pressure_outreach import contract, settings
from pressure_outreach.dbt import PRODUCTION_BUILD_ARGS
from pressure_outreach.generator import generate
from pressure_outreach.generator.loader import copy_rows, prepare_tables

T0 = support.DEMO_AS_OF
SMALL_SEED = 21
SMALL_COMPANIES = 6_000
# Long before every row of the hostile fixture and the gate scenarios (both around the
# demo's as_of): a build at this instant creates the project's tables and queues nothing.
BEFORE_ANYTHING = T0 - timedelta(days=900)


def _fill_small(conn: settings.ConnectionSettings) -> None:
    generate(conn, seed=SMALL_SEED, companies=SMALL_COMPANIES, as_of=T0, progress=False)
    # the roles and their schema grants, as `make demo` sets them up (the hub's tests log in
    # as a member of the Execution Hub's role)
    support.run_dbt(conn, ["run-operation", "create_roles"], None)
    support.run_dbt(conn, ["seed"], T0)
    support.run_dbt(conn, list(PRODUCTION_BUILD_ARGS), T0)


def load_fixture(conn: settings.ConnectionSettings, fixture: hostile_fixture.Fixture) -> None:
    """Replace the source tables' rows with `fixture`'s."""
    with psycopg.connect(conn.conninfo()) as db, db.cursor() as cur:
        prepare_tables(cur)
        for table in contract.TABLES:
            copy_rows(cur, table, fixture.tuples(table))


def _fill_hostile(conn: settings.ConnectionSettings) -> None:
    load_fixture(conn, hostile_fixture.build())
    support.run_dbt(conn, ["seed"], hostile_fixture.AS_OF)
    result = support.run_dbt(conn, list(PRODUCTION_BUILD_ARGS), hostile_fixture.AS_OF, check=False)
    assert result.returncode == 0, f"dbt build failed on hostile input:\n{result.stdout[-6000:]}"


def _fill_empty(conn: settings.ConnectionSettings) -> None:
    load_fixture(conn, hostile_fixture.Fixture())
    support.run_dbt(conn, ["seed"], T0)
    # No feed yet (an empty send_events passes the freshness guard); nothing to queue.
    support.run_dbt(conn, list(PRODUCTION_BUILD_ARGS), BEFORE_ANYTHING)


SMALL = Template("small", _fill_small)
# A UTF-8 character classification, as production servers have: what a regex's \s or
# lower() does to non-ASCII text depends on it (the embedded server's default is C).
HOSTILE = Template("hostile", _fill_hostile, ctype="C.utf8")
EMPTY = Template("empty", _fill_empty)
