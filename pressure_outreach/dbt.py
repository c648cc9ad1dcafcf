"""Drive dbt through its programmatic entry point (``dbtRunner``), never its internals."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pressure_outreach.settings import PROJECT_DIR


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


def run(args: list[str], project_dir: Path = PROJECT_DIR, check: bool = True) -> bool:
    """Run one dbt command in-process; return whether it succeeded."""
    from dbt.cli.main import dbtRunner

    ensure_profile(project_dir)
    full = [*args, "--project-dir", str(project_dir), "--profiles-dir", os.environ["DBT_PROFILES_DIR"]]
    result = dbtRunner().invoke(full)
    if check and not result.success:
        raise DbtError(f"dbt {' '.join(args)} failed")
    return bool(result.success)
