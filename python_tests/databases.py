"""Scratch databases for the tests, built once per test run and copied per test.

A *template* is a database filled and built once per test run, the first time a test asks
for it: a small generated data set built at the demo's as_of, the hostile fixture, the
project built over empty source tables. A test that changes data works on a copy of one
(`copy_of`): PostgreSQL copies a small database file by file in a fraction of a second,
where generating, seeding and building it again costs a dbt build.

Every database of a run is named `pytest_<run id>_...`, so two test runs on one server
(a developer's and the mutation script's, say) never touch each other's databases; the
process that started the run drops them all when it ends (`drop_run_databases`). Under
pytest-xdist the workers share the controller's run id; a template that two workers ask
for at once is built by one of them while the other waits for it (an advisory lock on the
server), and each worker copies templates into databases named after itself.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import psycopg
from psycopg import sql

from pressure_outreach import settings

RUN_ID_VARIABLE = "OUTREACH_PYTEST_RUN_ID"


def run_id() -> str:
    """This test run's id: set once by the process that starts the run, inherited by its
    xdist workers (conftest.py passes it to them)."""
    return os.environ.setdefault(RUN_ID_VARIABLE, uuid.uuid4().hex[:8])


def worker() -> str:
    """The xdist worker this process is (gw0, gw1, ...), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin(conn: settings.ConnectionSettings) -> psycopg.Connection:
    return psycopg.connect(conn.conninfo(database="postgres"), autocommit=True)


def _exists(db: psycopg.Connection, name: str) -> bool:
    return db.execute("select exists (select from pg_database where datname = %s)", (name,)).fetchone()[0]


def _drop(db: psycopg.Connection, name: str) -> None:
    db.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def _create(db: psycopg.Connection, name: str, ctype: str | None = None, template: str | None = None) -> None:
    statement = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" template {}").format(sql.Identifier(template))
    elif ctype:
        statement += sql.SQL(" template template0 lc_ctype {}").format(sql.Literal(ctype))
    db.execute(statement)


@dataclass(frozen=True)
class Template:
    """A database the tests copy: `fill` loads and builds it, once per test run."""

    name: str
    fill: Callable[[settings.ConnectionSettings], None]
    # The character classification of the database (e.g. "C.utf8"); None: the server's.
    ctype: str | None = None


def template_database(conn: settings.ConnectionSettings, template: Template) -> str:
    """The name of `template`'s database, filled now unless this run already did."""
    name = f"pytest_{run_id()}_tpl_{template.name}"
    with _admin(conn) as db:
        db.execute("select pg_advisory_lock(hashtext(%s))", (name,))
        try:
            if not _exists(db, name):
                building = f"{name}_building"
                _drop(db, building)
                _create(db, building, ctype=template.ctype)
                try:
                    template.fill(replace(conn, database=building))
                    # dbt may leave an idle connection behind; a template takes none.
                    db.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (building,))
                    db.execute(sql.SQL("alter database {} rename to {}").format(*map(sql.Identifier, (building, name))))
                except BaseException:
                    _drop(db, building)
                    raise
        finally:
            db.execute("select pg_advisory_unlock(hashtext(%s))", (name,))
    return name


@contextmanager
def copy_of(conn: settings.ConnectionSettings, template: Template, label: str) -> Iterator[settings.ConnectionSettings]:
    """A copy of `template`'s database for one test or module to change, dropped afterwards.
    Its name depends only on the worker and `label`, so dbt's partial parse (which starts
    over for another database) carries over from one copy to the next of the same label."""
    source = template_database(conn, template)
    name = f"pytest_{run_id()}_{worker()}_{label}"
    with _admin(conn) as db:
        _drop(db, name)
        _create(db, name, template=source)
    try:
        yield replace(conn, database=name)
    finally:
        with _admin(conn) as db:
            _drop(db, name)


@contextmanager
def empty_database(
    conn: settings.ConnectionSettings, label: str, ctype: str | None = None
) -> Iterator[settings.ConnectionSettings]:
    """A new, empty database for one test, dropped afterwards."""
    name = f"pytest_{run_id()}_{worker()}_{label}"
    with _admin(conn) as db:
        _drop(db, name)
        _create(db, name, ctype=ctype)
    try:
        yield replace(conn, database=name)
    finally:
        with _admin(conn) as db:
            _drop(db, name)


def drop_run_databases(conn: settings.ConnectionSettings) -> list[str]:
    """Drop every database of this test run (templates and copies); their names."""
    with _admin(conn) as db:
        names = [
            name
            for (name,) in db.execute(
                "select datname from pg_database where datname like %s", (f"pytest\\_{run_id()}\\_%",)
            ).fetchall()
        ]
        for name in names:
            _drop(db, name)
    return names
