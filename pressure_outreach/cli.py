"""Command line: ``python -m pressure_outreach <command>``.

db start|stop|status|destroy   the embedded PostgreSQL server
generate                        create and fill the source tables
demo                            server + data (once) + day 1 built, sent, acted on + day 2 built + docs + summary
build                           the production run on the prod target (run lock, dbt build, its report)
test                            dbt test of the last complete run, at its as_of
send                            the Execution Hub's sender: the sendable queue over SMTP, results logged
serve                           the opt-out endpoint every message links to
summary                         print the summary of the last build
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta

import psycopg

from pressure_outreach import database, settings
from pressure_outreach import dbt as dbt_runner
from pressure_outreach.contract import DATASET_MARK

# The production commands (build, test, demo) run on dbt's prod target: the real schemas
# (execution, reporting, rules; macros/generate_schema_name.sql). A developer's plain
# `dbt build` runs on dev and writes only under its own prefix.
PROD = ["--target", "prod"]


def _parse_as_of(value: str) -> datetime:
    try:
        return settings.parse_as_of(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, got {value!r}")
    return int(value)


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
    conn = settings.from_env()
    day2 = args.as_of + timedelta(days=1)
    loop = None
    with dbt_runner.run_lock(conn):
        # The NOLOGIN roles, the builder's schemas and the Execution Hub's grant on send_events
        # (README: Roles and grants). On your own server that is an administrator's job: if the
        # profile's user may not do it, the build still runs once the roles exist.
        dbt_runner.run(["run-operation", "create_roles", *PROD], check=not args.external_db)
        # Day 1 builds everything, dbt's unit tests included.
        _reported_build(conn, as_of, ["build", *PROD, *dbt_runner.vars_arg(dbt_vars)])
        if not args.no_loop:
            from pressure_outreach.hub import demo as loop_demo

            # The loop (README: Sending): day 1's queue sent through a local SMTP server by the
            # Execution Hub's login, recipients acting through the real endpoints, then day 2
            # built the way production builds every day, on those results.
            hub = conn if args.external_db else loop_demo.hub_login(conn)
            print("\nSending day 1's queue (the Execution Hub, through a local SMTP server):")
            loop = loop_demo.play(conn, hub, args.as_of, settings.PROJECT_DIR / "target" / "demo_mail")
            print(f"\nDay 2, {day2.isoformat()}, built on those results:")
            _reported_build(
                conn,
                day2.isoformat(),
                [*dbt_runner.PRODUCTION_BUILD_ARGS, *PROD, *dbt_runner.vars_arg(dbt_vars)],
            )
    docs_as_of = as_of if args.no_loop else day2.isoformat()
    if not args.no_docs:
        dbt_runner.run(
            ["docs", "generate", *PROD, *dbt_runner.vars_arg(dbt_vars)],
            environ=dbt_runner.as_of_environment(docs_as_of),
        )
    summary.print_summary(conn)
    if loop is not None:
        print(loop_demo.report(conn, loop, args.as_of, day2))
    return 0


def _reported_build(conn: settings.ConnectionSettings, as_of: str | None, build_args: list[str]) -> None:
    """Run `build_args` (the dbt command first) at `as_of` (None: now), then print what the
    run did from the run log; raise DbtError, after saying what changed, when it failed.
    The run's own hooks check the as_of and the Execution Hub's feed before the first
    model, and record the run (macros/start_run.sql, macros/finish_run.sql)."""
    from pressure_outreach import summary

    started = _database_clock(conn)
    succeeded = dbt_runner.run(build_args, check=False, environ=dbt_runner.as_of_environment(as_of))
    recorded = summary.runs(conn, since=started)
    print()
    if recorded:
        print(summary.run_report(conn, recorded[0]))
    else:
        print(
            "The run did not start (dbt's error is above: e.g. an as_of that is no ISO-8601 instant with an "
            "offset): nothing was built, queued or logged."
        )
    if not succeeded:
        raise dbt_runner.DbtError(
            "the run failed: " + ("see its report above" if recorded else "see dbt's error above")
        )


def _database_clock(conn: settings.ConnectionSettings) -> datetime:
    with psycopg.connect(conn.conninfo()) as db:
        return db.execute("select clock_timestamp()").fetchone()[0]


def _after_dashes(dbt_args: list[str]) -> list[str]:
    """The arguments given after `--`, which go to dbt as they are."""
    return dbt_args[1:] if dbt_args[:1] == ["--"] else dbt_args


def cmd_build(args: argparse.Namespace) -> int:
    """The production run: one at a time per database, on the prod target, no unit tests."""
    dbt_vars: dict[str, object] = json.loads(args.vars)
    as_of = args.as_of.isoformat() if args.as_of else dbt_vars.pop("as_of", None)
    extra = _after_dashes(args.dbt_args)
    conn = settings.from_env()
    with dbt_runner.run_lock(conn):
        _reported_build(conn, as_of, [*dbt_runner.PRODUCTION_BUILD_ARGS, *PROD, *dbt_runner.vars_arg(dbt_vars), *extra])
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    """`dbt test` on the prod target: dbt itself tests the last complete run at its as_of,
    or says the tables on disk belong to different runs (macros/start_run.sql)."""
    dbt_vars: dict[str, object] = json.loads(args.vars)
    if "as_of" in dbt_vars:
        print(
            "error: `test` checks the tables the last complete run left, at that run's as_of; it takes no as_of "
            "(build at that as_of first to test another run).",
            file=sys.stderr,
        )
        return 2
    extra = _after_dashes(args.dbt_args)
    conn = settings.from_env()
    with dbt_runner.run_lock(conn):
        dbt_runner.run(
            ["test", *PROD, *dbt_runner.vars_arg(dbt_vars), *extra], environ=dbt_runner.as_of_environment(None)
        )
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    """The Execution Hub's sender: what may be sent now, over SMTP, at most once (hub/sender.py)."""
    from pressure_outreach.hub import config, sender

    try:
        smtp, mail, schema = config.smtp_settings(), config.mail_settings(), config.execution_schema()
    except config.ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.now is not None and os.environ.get("OUTREACH_ALLOW_REPLAY") != "1":
        print(
            "error: --now replays the past (the send window and the proofs judged at that instant); it is for "
            "tests and demos and needs OUTREACH_ALLOW_REPLAY=1",
            file=sys.stderr,
        )
        return 2
    options = sender.SendOptions(
        batch_size=args.batch,
        limit=args.limit,
        rate_per_minute=args.rate or None,
        max_attempts=args.attempts,
        backoff_seconds=args.backoff,
        pause_after_errors=args.pause_after,
        pause_seconds=args.pause,
        now=args.now,
        progress=not args.quiet,
    )
    report = sender.run(settings.from_env(), smtp, mail, schema, options)
    print("\n".join(report.lines()))
    return 1 if report.stopped else 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The opt-out endpoint every message links to (hub/endpoint.py)."""
    from pressure_outreach.hub import config, endpoint

    try:
        secret, schema = config.unsubscribe_secret(), config.execution_schema()
    except config.ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"opt-out endpoint on http://{args.host}:{args.port}/unsubscribe (put a TLS-terminating web server in front)")
    endpoint.serve(settings.from_env(), secret, args.host, args.port, schema)
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
    demo.add_argument("--no-loop", action="store_true", help="build day 1 only: no sending, no recipients, no day 2")
    demo.set_defaults(func=cmd_demo)

    build = commands.add_parser(
        "build",
        help="the production run: run lock, dbt build on the prod target without unit tests, its report",
    )
    build.add_argument("--as-of", type=_parse_as_of, default=None, help="evaluation instant (default: now)")
    build.add_argument("--vars", default="{}", help="more dbt vars, as a JSON object")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="more dbt build arguments, after --")
    build.set_defaults(func=cmd_build)

    test = commands.add_parser("test", help="dbt test of the last complete run, at its as_of")
    test.add_argument("--vars", default="{}", help="the other dbt vars that build had, as a JSON object")
    test.add_argument("dbt_args", nargs=argparse.REMAINDER, help="more dbt test arguments, after --")
    test.set_defaults(func=cmd_test)

    send = commands.add_parser(
        "send", help="the Execution Hub: send what may be sent now over SMTP, record each result (README: Sending)"
    )
    send.add_argument("--batch", type=_positive_int, default=100, help="messages claimed at a time (%(default)s)")
    send.add_argument("--limit", type=_positive_int, default=None, help="at most this many messages in this run")
    send.add_argument("--rate", type=float, default=60.0, help="messages per minute; 0: no limit (%(default)s)")
    send.add_argument("--attempts", type=_positive_int, default=3, help="SMTP attempts per message (%(default)s)")
    send.add_argument(
        "--backoff", type=float, default=2.0, help="seconds before the 2nd attempt, doubling (%(default)s)"
    )
    send.add_argument(
        "--pause-after", type=int, default=5, help="pause after this many errors in a row; 0: never (%(default)s)"
    )
    send.add_argument("--pause", type=float, default=60.0, help="seconds of that pause (%(default)s)")
    send.add_argument(
        "--now",
        type=_parse_as_of,
        default=None,
        help="replay: the instant the re-check reads at and the events are dated (default: the real clock)",
    )
    send.add_argument("--quiet", action="store_true", help="no progress bar")
    send.set_defaults(func=cmd_send)

    serve = commands.add_parser("serve", help="the opt-out endpoint the messages link to (README: Sending)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=_positive_int, default=8025, help="port (%(default)s)")
    serve.set_defaults(func=cmd_serve)

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
