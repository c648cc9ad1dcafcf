"""The run of one scale: a fresh database, the generator, the production dbt build, dbt's
unit tests (once), the per-company baseline, the next day's data and build."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pressure_outreach import baseline, contract, settings
from pressure_outreach import dbt as dbt_runner
from pressure_outreach.bench import scenario
from pressure_outreach.bench.estimate import per_company
from pressure_outreach.bench.measure import run_measured, summarize_run_results, tail
from pressure_outreach.reference import Params

DEFAULT_SCALES = (95_004, 1_000_000, 10_000_000)
DEFAULT_BASELINE_SAMPLE = 2_000
DEFAULT_MAX_MINUTES = 120.0
SMOKE_SCALES = (1_000, 3_000)
SMOKE_BASELINE_SAMPLE = 200


class BenchError(RuntimeError):
    """A step of the benchmark failed."""


# --------------------------------------------------------------------------- the database


def _admin(conn: settings.ConnectionSettings) -> psycopg.Connection:
    return psycopg.connect(conn.conninfo(database="postgres"), autocommit=True)


def create_database(conn: settings.ConnectionSettings, name: str) -> None:
    with _admin(conn) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def drop_database(conn: settings.ConnectionSettings, name: str) -> None:
    with _admin(conn) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def database_size(conn: settings.ConnectionSettings) -> int:
    with psycopg.connect(conn.conninfo()) as db:
        return db.execute("select pg_database_size(current_database())").fetchone()[0]


def _env(conn: settings.ConnectionSettings, as_of: datetime | None = None) -> dict[str, str]:
    """The environment of a measured subprocess; `as_of` goes to dbt as the production
    command passes it (dbt_runner.as_of_environment)."""
    at = dbt_runner.as_of_environment(as_of.isoformat()) if as_of else {}
    return {**conn.dbt_environment(), "PYTHONUNBUFFERED": "1", **at}


# --------------------------------------------------------------------------- the steps


@dataclass
class Context:
    conn: settings.ConnectionSettings  # the benchmark database
    work: Path  # target paths and logs
    pgdata: Path
    seed: int
    as_of: datetime


def step_generate(ctx: Context, companies: int) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "pressure_outreach",
        "generate",
        "--companies",
        str(companies),
        "--seed",
        str(ctx.seed),
        "--as-of",
        ctx.as_of.isoformat(),
        "--quiet",
    ]
    measured = run_measured(command, _env(ctx.conn), ctx.work / "generate.log", ctx.pgdata, ctx.conn.database)
    if measured.returncode != 0:
        raise BenchError(f"generating {companies:,} companies failed:\n{tail(measured.log)}")
    with psycopg.connect(ctx.conn.conninfo()) as db:
        rows = sum(
            db.execute(
                sql.SQL("select count(*) from {}").format(sql.Identifier(*table.qualified.split(".")))
            ).fetchone()[0]
            for table in contract.TABLES
        )
    return {
        "seconds": round(measured.wall_seconds, 2),
        "rows": rows,
        "peak_rss_mib": measured.peak_rss_mib,
        "database_bytes": database_size(ctx.conn),
    }


# What production runs every day, after its as_of and feed checks; dbt's unit tests are timed once
# on their own.
PRODUCTION_BUILD = dbt_runner.PRODUCTION_BUILD_ARGS
UNIT_TESTS = ("test", "--select", "resource_type:unit_test")


def _dbt_command(ctx: Context, dbt_args: tuple[str, ...]) -> list[str]:
    """The dbt CLI on the prod target (the production command's), with the demo vars and
    the scale's own target and log path (run it with ``_env(conn, as_of)``: the as_of
    travels in the environment)."""
    return [
        str(Path(sys.executable).with_name("dbt")),
        *dbt_args,
        "--target",
        "prod",
        "--project-dir",
        str(settings.PROJECT_DIR),
        "--profiles-dir",
        str(settings.PROJECT_DIR),
        "--target-path",
        str(ctx.work / "target"),
        "--log-path",
        str(ctx.work / "logs"),
        "--no-use-colors",
        "--vars",
        json.dumps(settings.demo_dbt_vars()),
    ]


def step_dbt_build(ctx: Context, as_of: datetime, label: str) -> dict[str, Any]:
    """The production ``dbt build`` at as_of."""
    target = ctx.work / "target"
    command = _dbt_command(ctx, PRODUCTION_BUILD)
    partial_parse_file = (target / "partial_parse.msgpack").exists()
    measured = run_measured(
        command, _env(ctx.conn, as_of), ctx.work / f"dbt_{label}.log", ctx.pgdata, ctx.conn.database
    )
    if measured.returncode != 0:
        raise BenchError(f"dbt build ({label}) failed:\n{tail(measured.log)}")
    summary = summarize_run_results(target / "run_results.json")
    shutil.copyfile(target / "run_results.json", ctx.work / f"run_results_{label}.json")
    with psycopg.connect(ctx.conn.conninfo()) as db:
        queued = db.execute("select count(*) from execution.send_queue where queued_at = %s", (as_of,)).fetchone()[0]
    return {
        "as_of": as_of.isoformat(),
        "partial_parse_file_present": partial_parse_file,
        "wall_seconds": round(measured.wall_seconds, 2),
        **summary,
        "startup_seconds": round(measured.wall_seconds - summary["dbt_elapsed_seconds"], 2),
        "dbt_peak_rss_mib": measured.peak_rss_mib,
        "postgres_peak": measured.postgres,
        "rows_queued": queued,
        "database_bytes": database_size(ctx.conn),
    }


def step_unit_tests(ctx: Context, as_of: datetime) -> dict[str, Any]:
    """dbt's unit tests on their own (CI's share of ``make test``), after the full build."""
    command = _dbt_command(ctx, UNIT_TESTS)
    measured = run_measured(
        command, _env(ctx.conn, as_of), ctx.work / "dbt_unit_tests.log", ctx.pgdata, ctx.conn.database
    )
    if measured.returncode != 0:
        raise BenchError(f"dbt unit tests failed:\n{tail(measured.log)}")
    summary = summarize_run_results(ctx.work / "target" / "run_results.json")
    return {
        "command": "dbt " + " ".join(UNIT_TESTS),
        "wall_seconds": round(measured.wall_seconds, 2),
        "startup_seconds": round(measured.wall_seconds - summary["dbt_elapsed_seconds"], 2),
        "dbt_elapsed_seconds": summary["dbt_elapsed_seconds"],
        "unit_tests": summary["by_type"].get("unit_test", {}).get("count", 0),
        "statuses": summary["statuses"],
    }


def step_next_day_data(ctx: Context, next_as_of: datetime) -> dict[str, Any]:
    """What arrives between the two runs (``scenario``), written into the benchmark database."""
    with psycopg.connect(ctx.conn.conninfo()) as db:
        return scenario.write_next_day(db, ctx.seed, ctx.as_of, next_as_of)


def bench_scale(
    admin: settings.ConnectionSettings,
    companies: int,
    args: argparse.Namespace,
    work_root: Path,
    unit_tests: bool = False,
) -> dict[str, Any]:
    name = f"{args.db_prefix}_{companies}"
    conn = settings.ConnectionSettings(
        host=admin.host,
        port=admin.port,
        user=admin.user,
        password=admin.password,
        database=name,
        schema=admin.schema,
    )
    work = work_root / name
    work.mkdir(parents=True, exist_ok=True)
    as_of = datetime.fromisoformat(args.as_of)
    ctx = Context(conn=conn, work=work, pgdata=settings.pgdata_dir(), seed=args.seed, as_of=as_of)
    result: dict[str, Any] = {"companies": companies, "database": name, "status": "measured"}
    create_database(admin, name)
    try:
        say(f"[{companies:,}] generating into {name}")
        result["generate"] = step_generate(ctx, companies)
        say(f"[{companies:,}] generated {result['generate']['rows']:,} rows in {result['generate']['seconds']:.1f} s")
        say(f"[{companies:,}] full dbt build (cold target path)")
        result["full_build"] = step_dbt_build(ctx, as_of, "full")
        say(f"[{companies:,}] full build {result['full_build']['wall_seconds']:.1f} s")
        if unit_tests:
            result["unit_tests"] = step_unit_tests(ctx, as_of)
            say(f"[{companies:,}] unit tests (CI only) {result['unit_tests']['wall_seconds']:.1f} s")
        if args.baseline_sample > 0:
            say(f"[{companies:,}] per-company baseline on {min(args.baseline_sample, companies):,} companies")
            # the rules' numbers with the vars the build above ran with (the demo's)
            params = Params.from_project(dbt_vars=settings.demo_dbt_vars())
            result["baseline"] = baseline.run(
                conn.conninfo(), as_of, args.baseline_sample, seed=args.seed, params=params
            ).as_dict()
            say(f"[{companies:,}] baseline {result['baseline']['seconds_per_company'] * 1000:.2f} ms per company")
        next_as_of = as_of + timedelta(days=1)
        say(f"[{companies:,}] next day: new signals and send_events, dbt build at {next_as_of.isoformat()}")
        arrivals = step_next_day_data(ctx, next_as_of)
        result["next_day"] = {**arrivals, **step_dbt_build(ctx, next_as_of, "next_day")}
        say(f"[{companies:,}] next day {result['next_day']['wall_seconds']:.1f} s")
        result["database_bytes"] = database_size(conn)
    finally:
        if not args.keep:
            # A failed clean-up must not replace the error that stopped the scale (a build
            # that took the server down leaves it in recovery, and the drop fails too).
            try:
                drop_database(admin, name)
            except psycopg.Error as exc:
                say(f"[{companies:,}] could not drop {name}: {exc}".rstrip())
            shutil.rmtree(work, ignore_errors=True)
    result["per_company"] = per_company(result)
    return result


def say(message: str) -> None:
    print(f"{datetime.now(UTC):%H:%M:%S} {message}", flush=True)
