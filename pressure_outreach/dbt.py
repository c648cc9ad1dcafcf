"""Drive dbt through its programmatic entry point (``dbtRunner``), never its internals."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from pressure_outreach import settings
from pressure_outreach.settings import PROJECT_DIR

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult

# The advisory-lock key of run_lock, hashed by the server.
RUN_LOCK_KEY = "pressure_outreach build"
# The dbt arguments of the daily production build (``python -m pressure_outreach build``):
# every model, seed and data test. dbt's unit tests check the SQL against fixed fixtures,
# not the data, so they run in CI (``make test``). The benchmark times exactly this build.
PRODUCTION_BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")


class DbtError(RuntimeError):
    """A dbt command failed; dbt has already printed why."""


def ensure_profile(project_dir: Path = PROJECT_DIR) -> Path:
    """Create ``profiles.yml`` from the example (it only reads environment variables)."""
    profile = project_dir / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(project_dir / "profiles.yml.example", profile)
    os.environ.setdefault("DBT_PROFILES_DIR", str(project_dir))
    return profile


def vars_arg(values: dict[str, object]) -> list[str]:
    return ["--vars", json.dumps(values)] if values else []


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` set for the duration of the block. dbt reads the
    profile's ``env_var()``s, and this project's ``OUTREACH_AS_OF``, when a command starts."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def invoke(
    args: list[str],
    project_dir: Path = PROJECT_DIR,
    environ: Mapping[str, str] | None = None,
    callbacks: tuple = (),
) -> dbtRunnerResult:
    """Run one dbt command in-process, with ``environ`` set; dbt's own result (success,
    per-node results). ``callbacks`` receive every event dbt fires."""
    from dbt.cli.main import dbtRunner

    ensure_profile(project_dir)
    with environment(environ or {}):
        profiles_dir = os.environ.get("DBT_PROFILES_DIR", str(project_dir))
        full = [*args, "--project-dir", str(project_dir), "--profiles-dir", profiles_dir]
        return dbtRunner(callbacks=list(callbacks)).invoke(full)


@dataclass
class Invocation:
    """A dbt command run in-process with its log kept: whether it succeeded, the lines dbt
    printed (info level and up, without colours) and the status of every node it ran."""

    success: bool
    stdout: str
    statuses: dict[str, str] = field(default_factory=dict)
    exception: BaseException | None = None

    @property
    def returncode(self) -> int:
        return 0 if self.success else 1


def capture(args: list[str], project_dir: Path = PROJECT_DIR, environ: Mapping[str, str] | None = None) -> Invocation:
    """``invoke`` that keeps what dbt printed (for tests and tools that read dbt's verdicts
    from its own words) and each node's status by its name (``{"send_queue": "skipped"}``)."""
    lines: list[str] = []

    def keep(event: Any) -> None:
        if event.info.level != "debug":
            lines.append(event.info.msg)

    result = invoke([*args, "--no-use-colors"], project_dir, environ, callbacks=(keep,))
    statuses = {
        node_result.node.name: str(node_result.status)
        for node_result in getattr(result.result, "results", None) or ()
        if getattr(node_result, "node", None) is not None
    }
    return Invocation(bool(result.success), "\n".join(lines), statuses, result.exception)


def as_of_environment(as_of: str | None) -> dict[str, str]:
    """The environment that hands dbt the evaluation instant (macros/as_of.sql): a daily run
    has a new as_of every time, and in --vars it would make dbt parse the whole project
    again; in OUTREACH_AS_OF dbt keeps the parse of the run before."""
    return {"OUTREACH_AS_OF": as_of or ""}


def run(
    args: list[str], project_dir: Path = PROJECT_DIR, check: bool = True, environ: Mapping[str, str] | None = None
) -> bool:
    """Run one dbt command in-process; return whether it succeeded."""
    success = bool(invoke(args, project_dir, environ).success)
    if check and not success:
        raise DbtError(f"dbt {' '.join(args)} failed")
    return success


class BuildLockBusy(DbtError):
    """Another build of this project holds the run lock on the same database."""


@contextmanager
def run_lock(conn: settings.ConnectionSettings) -> Iterator[None]:
    """One build of this project per database at a time.

    A session-level advisory lock on a connection of our own, held while dbt runs and
    released when the block ends or the process dies (the server drops a lost session's
    locks). A second build that finds it taken stops at once, before dbt touches anything,
    with a message that says why. Without it two whole builds collide where dbt swaps a
    rebuilt table in through fixed temporary names; the queue itself is safe either way
    (lock_for_append and the unique message_id).
    """
    with psycopg.connect(conn.conninfo(), autocommit=True) as session:
        taken = session.execute("select pg_try_advisory_lock(hashtext(%s))", (RUN_LOCK_KEY,)).fetchone()[0]
        if not taken:
            raise BuildLockBusy(
                f"another build of pressure_outreach is running against database '{conn.database}' "
                f"on {conn.host}:{conn.port}; this one stopped before changing anything. "
                "Run it again when that one has finished."
            )
        try:
            yield
        finally:
            session.execute("select pg_advisory_unlock(hashtext(%s))", (RUN_LOCK_KEY,))
