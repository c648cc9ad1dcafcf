"""Measuring: a child process's wall time and peak RSS, PostgreSQL's memory while it runs,
dbt's run results (busy time per resource type, the slowest nodes), the machine and the
commit measured."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg

from pressure_outreach import settings


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    """The direct children of a process (``/proc/<pid>/task/<pid>/children``, else a scan
    of ``/proc/*/stat`` for their parent pid)."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    children = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text(encoding="utf-8")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
    return children


def _memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and its parts RssAnon (private), RssFile and RssShmem from /proc/<pid>/status."""
    out = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0, "RssShmem": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key in out:
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


class PostgresMemory(threading.Thread):
    """Samples the memory of the PostgreSQL server while a step runs.

    The server's processes are the postmaster (from ``postmaster.pid``) and its children
    (``/proc/<pid>/task/<pid>/children``). Each sample reads ``/proc/<pid>/status`` of each
    and keeps two sums: the plain sum of VmRSS (which counts the shared buffers once per
    process that touched them) and the footprint = the sum of every process's private
    memory (RssAnon) + the largest RssShmem (the shared buffers, counted once) + the
    largest RssFile (the mapped binaries, counted once). The footprint of the backends
    connected to the benchmark's database (``postgres: <user> <db> ...`` in their command
    line) is their RssAnon sum. The peaks are kept. (``smaps_rollup`` would give PSS, but
    reading it costs ~15 ms per process with 1 GB of shared buffers mapped: too much
    load for a 2-core machine at four samples a second.)
    """

    def __init__(self, pgdata: Path, database: str, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.postmaster = _postmaster_pid(pgdata)
        self.database = database
        self.interval = interval
        self.stopping = threading.Event()
        self.peak_rss_sum_kib = 0
        self.peak_footprint_kib = 0
        self.peak_database_private_kib = 0
        self.peak_processes = 0
        self.samples = 0

    @property
    def available(self) -> bool:
        return self.postmaster is not None and Path(f"/proc/{self.postmaster}/status").exists()

    def sample(self) -> None:
        if self.postmaster is None:
            return
        pids = [self.postmaster, *_children(self.postmaster)]
        rss = private = shmem = mapped = database_private = 0
        for pid in pids:
            memory = _memory_kib(pid)
            rss += memory["VmRSS"]
            private += memory["RssAnon"]
            shmem = max(shmem, memory["RssShmem"])
            mapped = max(mapped, memory["RssFile"])
            words = _cmdline(pid).split()
            if len(words) > 2 and words[0] == "postgres:" and words[2] == self.database:
                database_private += memory["RssAnon"]
        self.samples += 1
        self.peak_rss_sum_kib = max(self.peak_rss_sum_kib, rss)
        self.peak_footprint_kib = max(self.peak_footprint_kib, private + shmem + mapped)
        self.peak_database_private_kib = max(self.peak_database_private_kib, database_private)
        self.peak_processes = max(self.peak_processes, len(pids))

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.interval)

    def stop(self) -> dict[str, Any]:
        self.stopping.set()
        if self.is_alive():
            self.join()
        if not self.available or not self.samples:
            return {"available": False}
        return {
            "available": True,
            "server_footprint_mib": round(self.peak_footprint_kib / 1024, 1),
            "server_rss_sum_mib": round(self.peak_rss_sum_kib / 1024, 1),
            "database_backends_private_mib": round(self.peak_database_private_kib / 1024, 1),
            "processes": self.peak_processes,
            "samples": self.samples,
        }


@dataclass
class Measured:
    wall_seconds: float
    returncode: int
    peak_rss_mib: float
    postgres: dict[str, Any]
    log: Path


def run_measured(command: list[str], env: dict[str, str], log: Path, pgdata: Path, database: str) -> Measured:
    """Run a child process with its output in ``log``; its wall time, exit code, peak RSS
    (``ru_maxrss`` from ``wait4``: the process and the descendants it waited for) and the
    peak memory of PostgreSQL while it ran."""
    sampler = PostgresMemory(pgdata, database)
    sampler.start()
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=settings.PROJECT_DIR)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    postgres = sampler.stop()
    return Measured(wall, process.returncode, round(usage.ru_maxrss / 1024, 1), postgres, log)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --------------------------------------------------------------------------- dbt's run results


def union_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    """Wall time covered by at least one interval."""
    total = 0.0
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        total += (current_end - current_start).total_seconds()
    return total


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def summarize_run_results(path: Path) -> dict[str, Any]:
    """dbt's elapsed time, per resource type the node count, the sum of node execution
    times and the busy wall time (union of their execution intervals), the ten slowest
    nodes, and the statuses."""
    results = json.loads(path.read_text(encoding="utf-8"))
    by_type: dict[str, dict[str, Any]] = {}
    intervals: dict[str, list[tuple[datetime, datetime]]] = {}
    statuses: dict[str, int] = {}
    nodes = []
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        entry = by_type.setdefault(kind, {"count": 0, "sum_seconds": 0.0})
        entry["count"] += 1
        entry["sum_seconds"] += result["execution_time"] or 0.0
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        for timing in result.get("timing") or []:
            if timing.get("started_at") and timing.get("completed_at"):
                intervals.setdefault(kind, []).append(
                    (parse_time(timing["started_at"]), parse_time(timing["completed_at"]))
                )
        nodes.append({"unique_id": result["unique_id"], "resource_type": kind, "seconds": result["execution_time"]})
    for kind, entry in by_type.items():
        entry["sum_seconds"] = round(entry["sum_seconds"], 3)
        entry["busy_seconds"] = round(union_seconds(intervals.get(kind, [])), 3)
    groups = {"models": ("model",), "tests": ("test", "unit_test"), "seeds": ("seed",)}
    busy = {
        name: round(union_seconds([i for kind in kinds for i in intervals.get(kind, [])]), 3)
        for name, kinds in groups.items()
    }
    slowest = sorted(nodes, key=lambda node: -(node["seconds"] or 0.0))[:10]
    for node in slowest:
        node["seconds"] = round(node["seconds"] or 0.0, 3)
    return {
        "dbt_elapsed_seconds": round(results["elapsed_time"], 3),
        "busy_seconds": busy,
        "by_type": dict(sorted(by_type.items())),
        "slowest": slowest,
        "statuses": dict(sorted(statuses.items())),
        "nodes": len(nodes),
    }


# --------------------------------------------------------------------------- machine


def machine(conn: settings.ConnectionSettings) -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").exists() else ""
    ram = next((int(line.split()[1]) * 1024 for line in meminfo.splitlines() if line.startswith("MemTotal:")), None)
    cpu = platform.processor() or ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            cpu,
        )
    with psycopg.connect(conn.conninfo(database="postgres")) as db:
        pg = db.execute("show server_version").fetchone()[0]
        pg_settings = dict(
            db.execute(
                "select name, setting || coalesce(unit, '') from pg_settings"
                " where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'fsync')"
            ).fetchall()
        )
    free = shutil.disk_usage(settings.pgdata_dir() if settings.pgdata_dir().exists() else "/").free
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_bytes": ram,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
        "postgresql_settings": pg_settings,
        "dbt_core": _version("dbt-core"),
        "dbt_postgres": _version("dbt-postgres"),
        "dbt_threads": _profile_threads(),
        "disk_free_bytes": free,
    }


def project_revision(project_dir: Path | None = None) -> str | None:
    """The commit the project was measured at; "+ uncommitted changes" when tracked files
    differ from it; None outside a git checkout (e.g. an unpacked release)."""
    project_dir = project_dir or settings.PROJECT_DIR

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(project_dir), *args], capture_output=True, text=True, check=False, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return None
    changes = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" + uncommitted changes" if changes else "")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _profile_threads() -> int | None:
    import yaml

    for name in ("profiles.yml", "profiles.yml.example"):
        path = settings.PROJECT_DIR / name
        if path.exists():
            profile = yaml.safe_load(path.read_text(encoding="utf-8"))["pressure_outreach"]
            target = os.environ.get("DBT_TARGET", "dev")
            return profile["outputs"].get(target, {}).get("threads")
    return None
