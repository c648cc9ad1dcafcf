"""The benchmark harness: ``python -m pressure_outreach.bench`` (``make bench``).

For every scale (number of companies) it creates a fresh database ``<prefix>_<n>`` on the
running server, generates the data with the project's generator, and measures:

- data generation and load (wall time, the generator's peak RSS) and the database size;
- a full ``dbt build`` from a cold target directory (wall time including dbt's start-up
  and parse; start-up = wall - ``run_results.json`` elapsed_time), the time spent in
  models, tests, seeds and unit tests (sum of node times and busy wall time, i.e. the
  union of the nodes' execution intervals), and the ten slowest nodes;
- the next day (as_of + 1 day) after 1% of the companies got new signals and the
  Execution Hub reported a day of send_events for the first day's queue: wall time and
  rows queued;
- the peak memory of the dbt process (``ru_maxrss`` of the child, from ``wait4``) and of
  PostgreSQL (the server's processes found through ``postmaster.pid`` and ``/proc``,
  private memory summed, shared memory counted once, sampled every 0.25 s);
- the per-company baseline (``pressure_outreach.baseline``) on a random sample of the
  same database at the same as_of, side by side with the set-based build.

It skips a scale, saying why, when its estimated disk use does not fit on the server's
disk or its estimated time does not fit in ``--max-minutes``. It prints a table and writes
a Markdown report (``--output``) and a JSON file (``--json``). Databases are dropped
afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from pressure_outreach import settings
from pressure_outreach.bench.estimate import estimate, evaluate_targets, skip_reason
from pressure_outreach.bench.measure import machine, project_revision
from pressure_outreach.bench.report import gib, print_table, render_markdown
from pressure_outreach.bench.run import (
    DEFAULT_BASELINE_SAMPLE,
    DEFAULT_MAX_MINUTES,
    DEFAULT_SCALES,
    SMOKE_BASELINE_SAMPLE,
    SMOKE_SCALES,
    BenchError,
    bench_scale,
    say,
)


def _scales(value: str) -> list[int]:
    try:
        scales = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"scales must be integers separated by commas: {value!r}") from exc
    if not scales or min(scales) < 1:
        raise argparse.ArgumentTypeError("at least one scale, each at least 1 company")
    return sorted(set(scales))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pressure_outreach.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scales", type=_scales, help=f"companies per scale (default {','.join(map(str, DEFAULT_SCALES))})"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"a quick run: {' and '.join(f'{n:,}' for n in SMOKE_SCALES)} companies, "
        f"baseline on {SMOKE_BASELINE_SAMPLE:,}",
    )
    parser.add_argument("--output", type=Path, default=settings.PROJECT_DIR / "BENCHMARKS.md")
    parser.add_argument("--json", type=Path, default=settings.PROJECT_DIR / "bench" / "results.json")
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=DEFAULT_MAX_MINUTES,
        help="skip a scale whose estimated time no longer fits (default %(default)s; 0 = no budget)",
    )
    parser.add_argument(
        "--baseline-sample", type=int, help=f"companies for the baseline (default {DEFAULT_BASELINE_SAMPLE})"
    )
    parser.add_argument("--seed", type=int, default=settings.DEFAULT_SEED)
    parser.add_argument("--as-of", default=settings.DEMO_AS_OF, help="the first run's as_of (default %(default)s)")
    parser.add_argument("--db-prefix", default="bench", help="database names are <prefix>_<companies>")
    parser.add_argument("--keep", action="store_true", help="keep the databases and dbt's artifacts")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.scales is None:
        args.scales = list(SMOKE_SCALES if args.smoke else DEFAULT_SCALES)
    if args.baseline_sample is None:
        args.baseline_sample = SMOKE_BASELINE_SAMPLE if args.smoke else DEFAULT_BASELINE_SAMPLE
    max_minutes = args.max_minutes or None
    admin = settings.from_env()
    started = time.perf_counter()
    report: dict[str, Any] = {
        "command": "python -m pressure_outreach.bench" + (" " + shlex.join(argv) if argv else ""),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": project_revision(),
        "json_path": str(args.json),
        "settings": {
            "scales": args.scales,
            "baseline_sample": args.baseline_sample,
            "max_minutes": max_minutes,
            "seed": args.seed,
            "as_of": args.as_of,
            "dbt_vars": {**settings.demo_dbt_vars(), "as_of": args.as_of},
        },
        "machine": machine(admin),
        "scales": [],
        "skipped": [],
    }
    work_root = Path(tempfile.mkdtemp(prefix="pressure_outreach_bench_"))
    failed = None
    try:
        for companies in args.scales:
            est = estimate(companies, report["scales"], args.baseline_sample)
            free = shutil.disk_usage(settings.pgdata_dir() if settings.pgdata_dir().exists() else "/").free
            elapsed = (time.perf_counter() - started) / 60
            reason = skip_reason(companies, est, free, elapsed, max_minutes)
            say(f"[{companies:,}] estimate: {gib(est.disk_bytes)} GiB on disk, {est.minutes:.1f} min ({est.basis})")
            if reason:
                say(f"[{companies:,}] SKIPPED: {reason}")
                report["skipped"].append({"companies": companies, "reason": reason, "estimate": est.as_dict()})
                report["scales"].append({"companies": companies, "status": "skipped", "reason": reason})
                continue
            try:
                first = not any(s.get("status") == "measured" for s in report["scales"])
                result = bench_scale(admin, companies, args, work_root, unit_tests=first)
            except (BenchError, psycopg.Error) as exc:
                failed = f"{companies:,} companies: {exc}"
                say(f"[{companies:,}] FAILED: {exc}")
                report["scales"].append({"companies": companies, "status": "failed", "reason": str(exc)})
                break
            result["estimate"] = est.as_dict()
            report["scales"].append(result)
    finally:
        if not args.keep:
            shutil.rmtree(work_root, ignore_errors=True)
    report["total_minutes"] = (time.perf_counter() - started) / 60
    report["targets"] = evaluate_targets(report["scales"])
    report["failed"] = failed
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render_markdown(report), encoding="utf-8")
    print()
    print_table(report)
    print(f"\nwrote {args.output} and {args.json}" + (f" (kept {work_root})" if args.keep else ""))
    if failed:
        print(f"error: {failed}", file=sys.stderr)
        return 1
    return 0
