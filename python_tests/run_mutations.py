"""Apply each mutation of python_tests/mutations.yml to a copy of the project and check
that the tests named for it fail there: `python python_tests/run_mutations.py` (or
`make mutations`). Not part of `make test`: every mutation builds the data sets its tests
need in a copy of its own (a minute or so each).

Each mutation is applied to a fresh copy of the working tree (the files git would commit,
plus the virtual environment's path), and its `killed_by` tests run there with pytest
against the same PostgreSQL server: the copy's scratch databases carry their own run id, so
copies (and a developer's test run) never share a database. A mutation is

- killed: the tests ran and at least one failed (pytest's exit code 1);
- SURVIVED: they all passed (exit code 0): the suite does not notice that break;
- ERROR: it could not be applied (its `old` text is gone) or pytest did not run the tests
  (no such test, an interrupted run): say so rather than count it either way.

Exit code 0 when every mutation selected was killed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
MUTATIONS = Path(__file__).resolve().with_name("mutations.yml")
PYTEST_FAILED = 1
PYTEST_PASSED = 0


@dataclass(frozen=True)
class Edit:
    file: str
    old: str
    new: str
    count: str | int = 1  # how often `old` must occur; "all": at least once, every one replaced


@dataclass(frozen=True)
class Mutation:
    id: str
    edits: tuple[Edit, ...]
    killed_by: tuple[str, ...]
    origin: str = ""


@dataclass
class Outcome:
    mutation: Mutation
    verdict: str
    seconds: float
    detail: str = ""
    failed_tests: list[str] = field(default_factory=list)


def load(path: Path = MUTATIONS) -> list[Mutation]:
    mutations = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        edits = [Edit(entry["file"], entry["old"], entry["new"], entry.get("count", 1))]
        edits += [
            Edit(extra["file"], extra["old"], extra["new"], extra.get("count", 1)) for extra in entry.get("also", [])
        ]
        mutations.append(Mutation(entry["id"], tuple(edits), tuple(entry["killed_by"]), entry.get("origin", "")))
    ids = [m.id for m in mutations]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise SystemExit(f"mutation ids used twice: {sorted(duplicated)}")
    return mutations


def tracked_files() -> list[str]:
    """What git would commit: tracked files and new files that are not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.splitlines() if (PROJECT_DIR / name).is_file()]


def copy_project(destination: Path) -> None:
    for name in tracked_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_DIR / name, target)
    shutil.copy2(PROJECT_DIR / "profiles.yml.example", destination / "profiles.yml")


def apply(copy: Path, edit: Edit) -> str | None:
    """Apply one edit in `copy`; why it does not apply, or None."""
    path = copy / edit.file
    if not path.is_file():
        return f"{edit.file} does not exist"
    text = path.read_text(encoding="utf-8")
    found = text.count(edit.old)
    if edit.count == "all":
        if found == 0:
            return f"{edit.old!r} is not in {edit.file}"
        path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")
        return None
    if found != int(edit.count):
        return f"{edit.old!r} occurs {found} times in {edit.file}, not {edit.count}"
    path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")
    return None


def run_one(mutation: Mutation, keep: bool) -> Outcome:
    started = time.monotonic()
    copy = Path(tempfile.mkdtemp(prefix=f"mutation_{mutation.id}_"))
    try:
        copy_project(copy)
        for edit in mutation.edits:
            problem = apply(copy, edit)
            if problem:
                return Outcome(mutation, "ERROR", time.monotonic() - started, f"does not apply: {problem}")
        # the venv of this checkout runs the copy's code (pyproject puts the copy first on the path)
        command = [sys.executable, "-m", "pytest", *mutation.killed_by, "-x", "-q", "-p", "no:cacheprovider"]
        command += ["-o", "addopts=-ra --strict-markers", "-n", "0"]
        env = {key: value for key, value in os.environ.items() if key != "OUTREACH_PYTEST_RUN_ID"}
        result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
        failed = [
            line.split(" ", 2)[1] for line in result.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))
        ]
        if result.returncode == PYTEST_FAILED:
            return Outcome(mutation, "killed", time.monotonic() - started, failed_tests=failed)
        if result.returncode == PYTEST_PASSED:
            return Outcome(mutation, "SURVIVED", time.monotonic() - started)
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        return Outcome(
            mutation, "ERROR", time.monotonic() - started, f"pytest exit {result.returncode}: " + " | ".join(tail)
        )
    finally:
        if not keep:
            shutil.rmtree(copy, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="only these mutations (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutations at once (each runs pytest in its own copy)")
    parser.add_argument("--check", action="store_true", help="only check that every mutation still applies")
    parser.add_argument("--keep", action="store_true", help="keep the mutated copies (paths printed)")
    args = parser.parse_args(argv)

    mutations = load()
    if args.ids:
        unknown = set(args.ids) - {m.id for m in mutations}
        if unknown:
            parser.error(f"no such mutation: {sorted(unknown)}")
        mutations = [m for m in mutations if m.id in args.ids]
    if args.check:
        with tempfile.TemporaryDirectory() as scratch:
            copy_project(Path(scratch))
            problems = []
            for mutation in mutations:
                for edit in mutation.edits:
                    text = (
                        (Path(scratch) / edit.file).read_text(encoding="utf-8")
                        if (Path(scratch) / edit.file).is_file()
                        else ""
                    )
                    found = text.count(edit.old)
                    if found == 0 or (edit.count != "all" and found != int(edit.count)):
                        problems.append(f"{mutation.id}: {edit.old!r} occurs {found} times in {edit.file}")
        print("\n".join(problems) or f"all {len(mutations)} mutations apply")
        return 1 if problems else 0

    print(f"{len(mutations)} mutations, {args.jobs} at a time", flush=True)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for outcome in pool.map(lambda m: run_one(m, args.keep), mutations):
            outcomes.append(outcome)
            tests = ", ".join(t.split("::")[-1] for t in outcome.failed_tests[:2])
            print(
                f"{outcome.verdict:<9} {outcome.seconds:6.1f} s  {outcome.mutation.id}  {tests or outcome.detail}",
                flush=True,
            )
    counts = {verdict: sum(1 for o in outcomes if o.verdict == verdict) for verdict in ("killed", "SURVIVED", "ERROR")}
    print(
        f"\n{counts['killed']} of {len(outcomes)} killed, {counts['SURVIVED']} survived, {counts['ERROR']} errors "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 0 if counts["killed"] == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
