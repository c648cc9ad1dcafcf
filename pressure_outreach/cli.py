"""Command line: ``python -m pressure_outreach <command>``.

db start|stop|status|destroy   the embedded PostgreSQL server
generate                        create and fill the source tables
demo                            server + data (once) + dbt build + docs + summary
build                           the production run (run lock, feed freshness, dbt build)
test                            dbt test on the last build's tables, at its as_of
summary                         print the summary of the last build
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

import psycopg
from psycopg import sql

from pressure_outreach import database, settings
from pressure_outreach import dbt as dbt_runner
from pressure_outreach.contract import DATASET_MARK


def _parse_as_of(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError("as_of needs a time zone, e.g. 2026-02-07T12:00:00+00:00")
    return parsed


def _dataset_signature(seed: int, companies: int, as_of: datetime) -> str:
    return f"{DATASET_MARK} seed={seed} companies={companies} as_of={as_of.isoformat()}"


def current_dataset(conn: settings.ConnectionSettings) -> str | None:
    """The signature the generator left on the spine table, or None when there is no data."""
    with psycopg.connect(conn.conninfo()) as db:
        row = db.execute("select obj_description(to_regclass('outreach.outreach'), 'pg_class')").fetchone()
    return row[0] if row else None


def cmd_db(args: argparse.Namespace) -> int:
    action = {"start": database.start, "stop": database.stop, "status": database.status}
    if args.action == "destroy":
        database.destroy()
        print("embedded server: destroyed")
        return 0
    result = action[args.action]()
    print(f"embedded server: {result.describe()}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from pressure_outreach.generator import ForeignDataError, generate

    conn = settings.from_env()
    signature = _dataset_signature(args.seed, args.companies, args.as_of)
    if args.if_missing and current_dataset(conn) == signature:
        print(f"source data already loaded ({signature}); reusing it")
        return 0
    try:
        counts = generate(
            conn,
            seed=args.seed,
            companies=args.companies,
            as_of=args.as_of,
            progress=not args.quiet,
            overwrite=args.overwrite,
        )
    except ForeignDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with psycopg.connect(conn.conninfo(), autocommit=True) as db:
        db.execute(f"comment on table outreach.outreach is '{signature}'")
    width = max(len(name) for name in counts)
    for name, rows in counts.items():
        print(f"  {name:<{width}}  {rows:>12,}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pressure_outreach import summary

    status = database.start() if not args.external_db else None
    if status:
        print(f"embedded server: {status.describe()}")
    generated = cmd_generate(
        argparse.Namespace(
            seed=args.seed,
            companies=args.companies,
            as_of=args.as_of,
            if_missing=True,
            quiet=False,
            overwrite=args.overwrite,
        )
    )
    if generated != 0:
        return generated
    as_of = args.as_of.isoformat()
    dbt_vars = settings.demo_dbt_vars()
    with dbt_runner.run_lock(settings.from_env()):
        # The NOLOGIN roles, the builder's schemas and the Execution Hub's grant on send_events
        # (README: Roles and grants). On your own server that is an administrator's job: if the
        # profile's user may not do it, the build still runs once the roles exist.
        dbt_runner.run(["run-operation", "create_roles"], check=not args.external_db)
        # The demo builds everything, dbt's unit tests included.
        _checked_build(as_of, dbt_vars, ["build"])
    if not args.no_docs:
        dbt_runner.run(
            ["docs", "generate", *dbt_runner.vars_arg(dbt_vars)], environ=dbt_runner.as_of_environment(as_of)
        )
    summary.print_summary(settings.from_env())
    return 0


def _checked_build(as_of: str | None, dbt_vars: dict[str, object], build_args: list[str]) -> None:
    """`dbt source freshness` on the Execution Hub's feed, then the build (`build_args`,
    the dbt command first), both at `as_of` (None: now): a stale feed (unread unsubscribes)
    stops the run before anything is built or queued."""
    environ = dbt_runner.as_of_environment(as_of)
    freshness = dbt_runner.freshness_outcome(
        ["--select", "source:execution.send_events", *dbt_runner.vars_arg(dbt_vars)], environ=environ
    )
    if freshness == "stale":
        raise dbt_runner.DbtError(_stale_feed_message(as_of))
    if freshness == "unchecked":
        raise dbt_runner.DbtError(
            "dbt source freshness could not check the Execution Hub's send_events feed (dbt's error is "
            "above: e.g. execution.send_events missing or unreadable, or the connection lost). Nothing was "
            "built or queued: without knowing that the hub's opt-outs have been read, nobody is mailed. "
            "Fix that error and run again."
        )
    dbt_runner.run([*build_args, *dbt_runner.vars_arg(dbt_vars)], environ=environ)


def _stale_feed_message(as_of: object) -> str:
    """Why the run stopped, with the feed's newest event and what to do."""
    try:
        with psycopg.connect(settings.from_env().conninfo()) as db:
            newest = db.execute(
                "select max(event_at) from execution.send_events where event_at <= coalesce(%s::timestamptz, now())",
                (as_of,),
            ).fetchone()[0]
        newest_text = (
            f"its newest event is at {newest.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if newest else "no event yet"
        )
    except psycopg.Error:
        newest_text = "its newest event could not be read"
    return (
        f"dbt source freshness failed: the Execution Hub's send_events feed is older than the "
        f"send_events_max_age_hours var allows at as_of {as_of or 'now'} ({newest_text}). Nothing was "
        "built or queued: an opt-out nobody has read must not be mailed again. Load the hub's events and "
        "run again (on the generated demo data: --as-of 2026-02-08T12:00:00+00:00)."
    )


def _after_dashes(dbt_args: list[str]) -> list[str]:
    """The arguments given after `--`, which go to dbt as they are."""
    return dbt_args[1:] if dbt_args[:1] == ["--"] else dbt_args


def cmd_build(args: argparse.Namespace) -> int:
    """The production run: one at a time per database, freshness first, no unit tests."""
    dbt_vars: dict[str, object] = json.loads(args.vars)
    as_of = args.as_of.isoformat() if args.as_of else dbt_vars.pop("as_of", None)
    extra = _after_dashes(args.dbt_args)
    with dbt_runner.run_lock(settings.from_env()):
        _checked_build(as_of, dbt_vars, [*dbt_runner.PRODUCTION_BUILD_ARGS, *extra])
    return 0


def built_as_of(conn: settings.ConnectionSettings) -> datetime | None:
    """The as_of the decision tables on disk were built at (int_decisions_gated's
    decided_at), or None before the first build."""
    gated = sql.SQL("{}.int_decisions_gated").format(sql.Identifier(conn.schema))
    with psycopg.connect(conn.conninfo()) as db:
        if db.execute("select to_regclass(%s) is null", (gated.as_string(db),)).fetchone()[0]:
            return None
        return db.execute(sql.SQL("select max(decided_at) from {}").format(gated)).fetchone()[0]


def cmd_test(args: argparse.Namespace) -> int:
    """`dbt test` on the tables the last build left, at that build's as_of: a data test
    judges a run at its instant (macros/require_run_as_of.sql)."""
    dbt_vars: dict[str, object] = json.loads(args.vars)
    if "as_of" in dbt_vars:
        print(
            "error: `test` checks the tables the last build left, at the as_of they were built at; "
            "it takes no as_of (build at that as_of first to test another run).",
            file=sys.stderr,
        )
        return 2
    conn = settings.from_env()
    as_of = built_as_of(conn)
    if as_of is None:
        print(
            "error: no build has run yet, so there is nothing to test: build first "
            "(`python -m pressure_outreach build`, or `make demo`).",
            file=sys.stderr,
        )
        return 2
    as_of_text = as_of.astimezone(UTC).isoformat()
    extra = _after_dashes(args.dbt_args)
    print(f"testing the build at as_of {as_of_text}", flush=True)
    with dbt_runner.run_lock(conn):
        dbt_runner.run(
            ["test", *dbt_runner.vars_arg(dbt_vars), *extra], environ=dbt_runner.as_of_environment(as_of_text)
        )
    return 0


def cmd_summary(_: argparse.Namespace) -> int:
    from pressure_outreach import summary

    summary.print_summary(settings.from_env())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pressure_outreach", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="manage the embedded PostgreSQL server")
    db.add_argument("action", choices=["start", "stop", "status", "destroy"])
    db.set_defaults(func=cmd_db)

    def data_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--seed", type=int, default=settings.DEFAULT_SEED)
        sub.add_argument("--companies", type=int, default=settings.DEFAULT_COMPANIES)
        sub.add_argument(
            "--as-of",
            type=_parse_as_of,
            default=_parse_as_of(settings.DEMO_AS_OF),
            help="the instant the data is generated around (default: %(default)s)",
        )
        sub.add_argument(
            "--overwrite",
            action="store_true",
            help="replace source tables that hold data the generator did not write (refused otherwise)",
        )

    gen = commands.add_parser("generate", help="create and fill the source tables")
    data_options(gen)
    gen.add_argument("--if-missing", action="store_true", help="do nothing when this exact data set is loaded")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=cmd_generate)

    demo = commands.add_parser("demo", help="server, data, dbt build, docs and a summary")
    data_options(demo)
    demo.add_argument("--external-db", action="store_true", help="use the OUTREACH_PG_* server; start none")
    demo.add_argument("--no-docs", action="store_true", help="skip generating the docs site")
    demo.set_defaults(func=cmd_demo)

    build = commands.add_parser(
        "build",
        help="the production run: run lock, dbt source freshness, dbt build without unit tests",
    )
    build.add_argument("--as-of", type=_parse_as_of, default=None, help="evaluation instant (default: now)")
    build.add_argument("--vars", default="{}", help="more dbt vars, as a JSON object")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="more dbt build arguments, after --")
    build.set_defaults(func=cmd_build)

    test = commands.add_parser("test", help="dbt test on the last build's tables, at that build's as_of")
    test.add_argument("--vars", default="{}", help="the other dbt vars that build had, as a JSON object")
    test.add_argument("dbt_args", nargs=argparse.REMAINDER, help="more dbt test arguments, after --")
    test.set_defaults(func=cmd_test)

    summ = commands.add_parser("summary", help="print the summary of the last build")
    summ.set_defaults(func=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except psycopg.OperationalError as exc:
        conn = settings.from_env()
        print(
            f"error: {exc}\nIs PostgreSQL running at {conn.host}:{conn.port}? The embedded server starts with "
            "`make db-start`; another server is chosen with the OUTREACH_PG_* variables (README).",
            file=sys.stderr,
        )
        return 1
    except (database.DatabaseError, dbt_runner.DbtError, psycopg.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
