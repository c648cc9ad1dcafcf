"""Helpers for the tests: connections, scratch databases, running dbt on them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import psycopg

import databases
from pressure_outreach import dbt as dbt_runner
from pressure_outreach import settings
from pressure_outreach.reference import CompanyDecision

PROJECT_DIR = settings.PROJECT_DIR
DEMO_AS_OF = datetime.fromisoformat(settings.DEMO_AS_OF)
# The daily production build (models, seeds, data tests; dbt's unit tests run once, in the
# demo build `make test` starts with): what every test that builds runs.
PRODUCTION_BUILD = list(dbt_runner.PRODUCTION_BUILD_ARGS)


def connection_settings() -> settings.ConnectionSettings:
    return settings.from_env()


def unreachable_reason(conn: settings.ConnectionSettings) -> str | None:
    try:
        with psycopg.connect(conn.conninfo(), connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {conn.host}:{conn.port} ({exc}); run `make db-start`"


def demo_build_missing_reason(conn: settings.ConnectionSettings) -> str | None:
    with psycopg.connect(conn.conninfo()) as db:
        built = db.execute("select to_regclass('reporting.rpt_slot_fill') is not null").fetchone()[0]
    return None if built else "the demo build is missing; run `make demo` first"


def query(conn: settings.ConnectionSettings, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conn.conninfo()) as db:
        return db.execute(sql, params).fetchall()


def dbt_env(conn: settings.ConnectionSettings) -> dict[str, str]:
    return conn.dbt_environment()


def dbt_target_path(
    conn: settings.ConnectionSettings, dbt_vars: dict | None = None, project_dir: Path | None = None
) -> Path:
    """Where `run_dbt` keeps dbt's artifacts (compiled SQL, partial parse) for commands
    against `conn`'s database with `dbt_vars`."""
    key = hashlib.sha1(json.dumps([conn.user, dbt_vars or {}], sort_keys=True, default=str).encode()).hexdigest()[:8]
    return run_target_root(project_dir) / f"{conn.database}-{key}"


def run_target_root(project_dir: Path | None = None) -> Path:
    """Where this test run's dbt artifacts go (removed when the run ends)."""
    return (project_dir or PROJECT_DIR) / "target" / "pytest" / databases.run_id()


def run_dbt(
    conn: settings.ConnectionSettings,
    args: list[str],
    as_of: datetime | str | None,
    check: bool = True,
    project_dir: Path | None = None,
    extra_vars: dict | None = None,
) -> dbt_runner.Invocation:
    """Run a dbt command in this process against `conn`'s database at `as_of` (None: no
    as_of at all); `.returncode` and `.stdout` (what dbt printed) as a subprocess would
    have them, `.statuses` by node name. `project_dir` runs a (patched) copy.

    as_of travels in OUTREACH_AS_OF, not --vars: dbt re-parses the whole project when its
    --vars change, and each (database, vars) pair gets a target path of its own, so most
    commands re-use the parse of the one before."""
    project = project_dir or PROJECT_DIR
    dbt_vars = extra_vars or {}
    target_path = dbt_target_path(conn, dbt_vars, project)
    # the production target (the real schema names), as the production command builds,
    # unless the test names one
    command = [*args, *dbt_runner.vars_arg(dbt_vars), *([] if "--target" in args else ["--target", "prod"])]
    if args[0] != "debug":  # the only command without a target path
        command += ["--target-path", str(target_path)]
        if "--log-path" not in args:
            command += ["--log-path", str(target_path)]
    environ = {
        **conn.profile_environment(),
        "DBT_PROFILES_DIR": str(project),
        "OUTREACH_AS_OF": as_of.isoformat() if isinstance(as_of, datetime) else (as_of or ""),
    }
    result = dbt_runner.capture(command, project, environ)
    if check and not result.success:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
    return result


def run_cli(conn: settings.ConnectionSettings, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m pressure_outreach <args>` against `conn`'s database, in a process of its
    own; dbt's artifacts go where `run_dbt`'s for that database go (its parse is reused)."""
    return subprocess.run(
        [sys.executable, "-m", "pressure_outreach", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env={**os.environ, **dbt_env(conn), "DBT_TARGET_PATH": str(dbt_target_path(conn))},
    )


def table_checksums(conn: settings.ConnectionSettings, tables: list[str]) -> dict[str, str]:
    """md5 of every row's text form, in a stable order, per table."""
    out = {}
    with psycopg.connect(conn.conninfo()) as db:
        for table in tables:
            row = db.execute(
                f"select md5(coalesce(string_agg(t::text, E'\\n' order by t::text collate \"C\"), '')) from {table} as t"
            ).fetchone()
            out[table] = row[0]
    return out


def reader_state(conn: settings.ConnectionSettings) -> dict[str, str]:
    """Checksums of what the readers of a run see: the queue, the decision log and every
    reporting table (not rpt_runs, a view of the run log, which records every run)."""
    tables = ["execution.send_queue", "execution.decision_log"] + [
        f"reporting.{name}"
        for (name,) in query(
            conn,
            "select table_name from information_schema.tables where table_schema = 'reporting' "
            "and table_type = 'BASE TABLE' order by 1",
        )
    ]
    return table_checksums(conn, tables)


def table_storage(conn: settings.ConnectionSettings) -> dict[str, int]:
    """The storage of every table of the project's own schemas: a table dbt rebuilds gets new
    storage (it is created anew and swapped in), one it leaves alone keeps it."""
    return dict(
        query(
            conn,
            "select relnamespace::regnamespace::text || '.' || relname, relfilenode::int from pg_class "
            "where relkind = 'r' and relnamespace::regnamespace::text in (%s, 'reporting', 'execution', 'rules') "
            "and relname not in ('run_log', 'send_events')",
            (conn.schema,),
        )
    )


DECISION_FIELDS = (
    "band",
    "cap",
    "bit_score",
    "primary_class",
    "proof_line",
    "proof_id",
    "slot",
    "dol_sum",
    "people_sum",
    "blog_sum",
    "decision_window_days",
)


def sql_decisions(conn: settings.ConnectionSettings) -> dict[str, tuple]:
    """The SQL implementation's decision fields per company, in DECISION_FIELDS order."""
    schema = conn.schema
    rows = query(
        conn,
        f"""
        select
            bands.outreach_id::text,
            bands.band, bands.cap, bands.bit_score, bands.primary_class,
            proofs.proof_line, proofs.proof_id::text, slots.chosen_slot,
            bands.dol_sum, bands.people_sum, bands.blog_sum, proofs.decision_window_days
        from {schema}.int_company_bands_scored as bands
        left join {schema}.int_proof_lines_formed as proofs on bands.outreach_id = proofs.outreach_id
        left join {schema}.int_slots_chosen as slots on bands.outreach_id = slots.outreach_id
        """,
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def reference_decisions(decisions: dict[str, CompanyDecision]) -> dict[str, tuple]:
    """The reference model's decision fields per company, in DECISION_FIELDS order."""
    return {
        oid: (
            d.band,
            d.cap,
            d.bit_score,
            d.primary_class,
            d.proof_line,
            d.proof_id,
            d.slot,
            d.dol_sum,
            d.people_sum,
            d.blog_sum,
            d.decision_window_days,
        )
        for oid, d in decisions.items()
    }


def mismatches(sql: dict[str, tuple], reference: dict[str, tuple], limit: int = 10) -> tuple[int, list[str]]:
    """How many companies differ, and a readable sample of the differences."""
    differing = []
    for oid in sorted(set(sql) | set(reference)):
        left, right = sql.get(oid), reference.get(oid)
        if left != right:
            if left is None or right is None:
                differing.append(f"{oid}: sql={left} reference={right}")
            else:
                fields = [
                    f"{name}: sql={a!r} reference={b!r}"
                    for name, a, b in zip(DECISION_FIELDS, left, right, strict=True)
                    if a != b
                ]
                differing.append(f"{oid}: " + "; ".join(fields))
    return len(differing), differing[:limit]


def patched_project(tmp_path: Path, patches: list[tuple[str, str, str]]) -> Path:
    """A copy of the project under `tmp_path` with each (relative path, old, new) patch
    applied: a deliberately broken rule, to show what catches it."""
    copy = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".pgdata",
            "target",
            "logs",
            "python_tests",
            "pressure_outreach",
            ".git",
            "__pycache__",
            "artifacts",
        ),
    )
    shutil.copy(PROJECT_DIR / "profiles.yml.example", copy / "profiles.yml")
    for relative, old, new in patches:
        path = copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"the patch for {relative} no longer applies: {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return copy
