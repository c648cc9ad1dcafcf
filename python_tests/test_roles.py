"""Least privilege on a real PostgreSQL: `dbt run-operation create_roles`, the grants
config of the marts, and what each role may and may not do after a build.

One scratch database with a small generated data set (500 companies). The three roles get names of
their own (the builder_role, execution_hub_role and bi_role vars, passed with --vars),
so the test never touches the roles of the dev server and drops its own at the end. Each
role is NOLOGIN; the test logs in as a LOGIN role that is a member of it, the way people
and services do in production (trust auth: no password). The project is built by the
builder's login member, not by a superuser, so the build itself proves the builder role
has what it needs.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace

import psycopg
import pytest
import yaml

import databases
import support
from pressure_outreach.generator import generate

T0 = support.DEMO_AS_OF
COMPANIES = 500
QUEUE = "execution.send_queue"
EVENTS = "execution.send_events"
PEOPLE = "people.people_master"
PERSONAL_COLUMNS = {
    "unique_id",
    "person_unique_id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "email_to",
    "linkedin_url",
}


def _drop_roles(conn, roles: list[str]) -> None:
    with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
        for role in roles:
            admin.execute(f'drop role if exists "{role}"')


@pytest.fixture(scope="module")
def roles(conn_settings):
    """Role names of this run: the three project roles and a login member of each."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "builder_role": f"pytest_builder_{suffix}",
        "execution_hub_role": f"pytest_hub_{suffix}",
        "bi_role": f"pytest_bi_{suffix}",
    }
    logins = {key: f"{name}_login" for key, name in names.items()}
    yield names, logins
    _drop_roles(conn_settings, [*logins.values(), *names.values()])


@pytest.fixture(scope="module")
def built(conn_settings, roles):
    names, logins = roles
    with databases.empty_database(conn_settings, "roles") as scratch:
        generate(scratch, seed=11, companies=COMPANIES, as_of=T0, progress=False)
        with psycopg.connect(scratch.conninfo(), autocommit=True) as admin:
            admin.execute(f'create role "{logins["builder_role"]}" login')
        support.run_dbt(
            scratch,
            ["run-operation", "create_roles", "--args", json.dumps({"build_user": logins["builder_role"]})],
            T0,
            extra_vars=names,
        )
        with psycopg.connect(scratch.conninfo(), autocommit=True) as admin:
            for key in ("execution_hub_role", "bi_role"):
                admin.execute(f'create role "{logins[key]}" login in role "{names[key]}"')
        builder = replace(scratch, user=logins["builder_role"])
        support.run_dbt(builder, ["seed"], T0, extra_vars=names)
        support.run_dbt(builder, support.PRODUCTION_BUILD, T0, extra_vars=names)
        yield scratch


def _allowed(conn, user: str, sql: str) -> bool:
    """Whether `user` may run `sql`; whatever it did is rolled back."""
    with psycopg.connect(conn.conninfo(user=user)) as db:
        try:
            db.execute(sql)
            return True
        except psycopg.errors.InsufficientPrivilege:
            return False
        finally:
            db.rollback()


def _event_insert() -> str:
    return (
        f"insert into {EVENTS} (event_id, message_id, event_type, event_at) "
        f"values ('{uuid.uuid4()}', 'pytest-roles', 'delivered', now())"
    )


def _reporting_marts(conn) -> list[str]:
    rows = support.query(
        conn,
        "select table_name from information_schema.tables where table_schema = 'reporting' order by 1",
    )
    return [f"reporting.{name}" for (name,) in rows]


def test_builder_role_owns_every_schema_the_project_writes(built, roles):
    names, logins = roles
    owners = dict(
        support.query(
            built,
            "select nspname, nspowner::regrole::text from pg_namespace where nspname = any(%s)",
            ([built.schema, "rules", "reporting", "execution"],),
        )
    )
    assert owners == {schema: names["builder_role"] for schema in (built.schema, "rules", "reporting", "execution")}
    # Its login member built everything (the fixture) and reads the sources, but may not
    # change what upstream systems own.
    builder = logins["builder_role"]
    assert _allowed(built, builder, f"select count(*) from {PEOPLE}")
    assert not _allowed(built, builder, f"delete from {PEOPLE}")
    assert not _allowed(built, builder, _event_insert())


def test_execution_hub_reads_what_it_may_send_keeps_its_ledger_and_appends_events_only(built, roles):
    """What the hub needs (docs/rulebook.md §10) and nothing more: the send-time views, its
    ledger (read, claim, record; never delete) and appending events; not the queue itself,
    the decision log, the run log, the events it wrote, staging, people or reporting."""
    _, logins = roles
    hub = logins["execution_hub_role"]
    (queued,) = support.query(built, f"select count(*) from {QUEUE}")[0]
    assert queued > 0, "the build should have queued messages"
    may = [
        "select message_id, email_to, subject, body, unsubscribe_url from execution.sendable_messages",
        "select message_id, hold_reason from execution.send_recheck",
        "select * from execution.send_attempts",
        "insert into execution.send_attempts (message_id, email_to, claimed_at, claimed_by, status) "
        "values ('pytest-roles', 'x@example.com', now(), 'pytest', 'sending')",
        "update execution.send_attempts set status = 'sent' where message_id = 'pytest-roles'",
        _event_insert(),
    ]
    may_not = [
        f"select count(*) from {QUEUE}",
        f"delete from {QUEUE}",
        f"update {QUEUE} set subject = subject",
        f"insert into {QUEUE} (message_id) values ('pytest-roles')",
        "delete from execution.send_attempts",
        # rewriting a claim would make its message sendable again
        "update execution.send_attempts set message_id = message_id || 'x' where message_id = 'pytest-roles'",
        "update execution.send_attempts set email_to = email_to where message_id = 'pytest-roles'",
        f"select count(*) from {EVENTS}",
        f"update {EVENTS} set event_type = event_type",
        f"delete from {EVENTS}",
        "select count(*) from execution.decision_log",
        "select count(*) from execution.run_log",
        f"select count(*) from {PEOPLE}",
        f"select count(*) from {built.schema}.stg_people__people",
        "select count(*) from reporting.rpt_slot_fill",
    ]
    assert [sql for sql in may if not _allowed(built, hub, sql)] == []
    assert [sql for sql in may_not if _allowed(built, hub, sql)] == []


def test_bi_reads_the_reporting_marts_only(built, roles):
    _, logins = roles
    bi = logins["bi_role"]
    marts = _reporting_marts(built)
    assert "reporting.rpt_slot_fill" in marts
    for mart in marts:
        assert _allowed(built, bi, f"select * from {mart}"), mart

    assert not _allowed(built, bi, f"select count(*) from {QUEUE}")
    assert not _allowed(built, bi, f"select count(*) from {PEOPLE}")
    assert not _allowed(built, bi, f"select count(*) from {built.schema}.stg_people__people")
    assert not _allowed(built, bi, f"select count(*) from {built.schema}.int_messages_rendered")
    assert not _allowed(built, bi, "select count(*) from execution.decision_log_current")
    assert not _allowed(built, bi, "create table reporting.pytest_bi_table (x int)")


def test_grants_survive_a_full_refresh_and_cover_new_reporting_tables(built, roles):
    names, logins = roles
    builder = replace(built, user=logins["builder_role"])
    support.run_dbt(builder, [*support.PRODUCTION_BUILD, "--full-refresh"], T0, extra_vars=names)
    assert _allowed(built, logins["execution_hub_role"], "select count(*) from execution.sendable_messages")
    for mart in _reporting_marts(built):
        assert _allowed(built, logins["bi_role"], f"select * from {mart}"), mart
    # A table created in reporting outside dbt is covered by the default privileges.
    with psycopg.connect(builder.conninfo(user=logins["builder_role"]), autocommit=True) as db:
        db.execute("create table reporting.pytest_adhoc_report as select 1 as answer")
    try:
        assert _allowed(built, logins["bi_role"], "select * from reporting.pytest_adhoc_report")
    finally:
        with psycopg.connect(builder.conninfo(user=logins["builder_role"]), autocommit=True) as db:
            db.execute("drop table reporting.pytest_adhoc_report")


def test_create_roles_is_idempotent(built, roles):
    names, logins = roles

    def privileges() -> list[tuple]:
        return support.query(
            built,
            """
            select 'schema', nspname, nspowner::regrole::text, coalesce(nspacl::text, '') from pg_namespace
            union all
            select 'relation', relnamespace::regnamespace::text || '.' || relname, '', coalesce(relacl::text, '')
            from pg_class where relkind in ('r', 'v')
            union all
            select 'default', defaclnamespace::regnamespace::text, defaclrole::regrole::text, defaclacl::text
            from pg_default_acl
            order by 1, 2, 3
            """,
        )

    before = privileges()
    args = json.dumps({"build_user": logins["builder_role"]})
    support.run_dbt(built, ["run-operation", "create_roles", "--args", args], T0, extra_vars=names)
    assert privileges() == before


def test_no_reporting_mart_holds_personal_data(built):
    columns = support.query(
        built,
        "select table_name, column_name from information_schema.columns where table_schema = 'reporting'",
    )
    assert columns
    personal = [(t, c) for t, c in columns if c in PERSONAL_COLUMNS or "email" in c or "linkedin" in c]
    assert personal == []
    # And no value of any reporting column is an address or a person's name.
    people = support.query(built, f"select lower(email), full_name from {PEOPLE} where email like '%%@%%'")
    known = {value for row in people for value in row if value}
    email = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
    for table, column in columns:
        values = support.query(built, f'select distinct "{column}"::text from reporting.{table}')
        for (value,) in values:
            if value is None:
                continue
            assert not email.search(value), f"reporting.{table}.{column} holds an address: {value!r}"
            assert value.lower() not in known and value not in known, f"reporting.{table}.{column}: {value!r}"


def test_grants_name_the_role_vars():
    """dbt_project.yml is rendered before its own vars are read, so the grants repeat
    the role vars as defaults: they must agree."""
    project = yaml.safe_load((support.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    text = (support.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    for var in ("execution_hub_role", "bi_role"):
        assert f"var('{var}', '{project['vars'][var]}')" in text, var


def test_an_unprivileged_build_stops_when_the_roles_are_missing(built, roles):
    _, logins = roles
    missing = {
        key: f"pytest_missing_{uuid.uuid4().hex[:8]}" for key in ("builder_role", "execution_hub_role", "bi_role")
    }
    builder = replace(built, user=logins["builder_role"])
    result = support.run_dbt(builder, ["seed", "--select", "band_caps"], T0, check=False, extra_vars=missing)
    assert result.returncode != 0
    assert "dbt run-operation create_roles" in result.stdout
    # A user who may create roles (the dev server's superuser) gets them, NOLOGIN.
    try:
        support.run_dbt(built, ["seed", "--select", "band_caps"], T0, extra_vars=missing)
        created = support.query(
            built, "select rolname, rolcanlogin from pg_roles where rolname = any(%s)", (list(missing.values()),)
        )
        assert sorted(created) == sorted((name, False) for name in missing.values())
    finally:
        _drop_roles(built, list(missing.values()))
