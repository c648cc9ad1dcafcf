"""Helpers for the tests: connections, scratch databases, running dbt on them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import psycopg

from pressure_outreach import settings

PROJECT_DIR = settings.PROJECT_DIR
DEMO_AS_OF = datetime.fromisoformat(settings.DEMO_AS_OF)


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
    return None if built else "the demo build is missing; run `make build` first"


def query(conn: settings.ConnectionSettings, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conn.conninfo()) as db:
        return db.execute(sql, params).fetchall()


@contextmanager
def scratch_database(conn: settings.ConnectionSettings, label: str, ctype: str | None = None):
    """A new, empty database on the same server, dropped afterwards; `ctype` sets its
    character classification (e.g. "C.utf8", where the server's default is C)."""
    name = f"pytest_{label}_{uuid.uuid4().hex[:8]}"
    locale = f" template template0 lc_ctype '{ctype}'" if ctype else ""
    with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
        admin.execute(f'create database "{name}"{locale}')
    try:
        yield replace(conn, database=name)
    finally:
        with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def dbt_env(conn: settings.ConnectionSettings) -> dict[str, str]:
    return conn.dbt_environment()


def run_dbt(
    conn: settings.ConnectionSettings,
    args: list[str],
    as_of: datetime | None,
    check: bool = True,
    project_dir: Path | None = None,
    extra_vars: dict | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the dbt CLI against `conn`'s database at `as_of` (None: no as_of var), with its
    own target path so the main build's artifacts are never touched. `project_dir` runs a
    (patched) copy."""
    project = project_dir or PROJECT_DIR
    target_path = project / "target" / "pytest" / conn.database
    dbt = Path(sys.executable).with_name("dbt")
    dbt_vars = {**({"as_of": as_of.isoformat()} if as_of else {}), **(extra_vars or {})}
    command = [str(dbt), *args, "--project-dir", str(project), *(["--vars", json.dumps(dbt_vars)] if dbt_vars else [])]
    if args[0] != "debug":  # the only command without a target path
        command += ["--target-path", str(target_path)]
    env = {**dbt_env(conn), "DBT_PROFILES_DIR": str(project)}
    result = subprocess.run(command, env=env, text=True, capture_output=True, cwd=project)
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return result


def run_cli(conn: settings.ConnectionSettings, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m pressure_outreach <args>` against `conn`'s database."""
    return subprocess.run(
        [sys.executable, "-m", "pressure_outreach", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env={**os.environ, **dbt_env(conn)},
    )


@contextmanager
def built_scratch(conn: settings.ConnectionSettings, label: str, seed: int, as_ofs: list[datetime]):
    """A scratch database with 2,000 generated companies (around the first as_of), its seeds
    loaded and one `dbt build` per as_of, in order."""
    from pressure_outreach.generator import generate

    with scratch_database(conn, label) as scratch:
        generate(scratch, seed=seed, companies=2_000, as_of=as_ofs[0], progress=False)
        run_dbt(scratch, ["seed"], as_ofs[0])
        for as_of in as_ofs:
            run_dbt(scratch, ["build"], as_of)
        yield scratch


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


def reference_decisions(decisions: dict) -> dict[str, tuple]:
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
