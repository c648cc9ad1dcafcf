"""Connection settings, read from environment variables only.

The same variables drive ``profiles.yml`` (see ``profiles.yml.example``), the data
generator and the tests, so pointing the project at another PostgreSQL is a matter of
exporting them. Defaults match the embedded server started by ``python -m pressure_outreach db start``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 54329
DEFAULT_USER = "postgres"
DEFAULT_DATABASE = "outreach"
DEFAULT_SCHEMA = "analytics"


@dataclass(frozen=True)
class ConnectionSettings:
    host: str
    port: int
    user: str
    password: str
    database: str
    schema: str

    def conninfo(self, database: str | None = None, user: str | None = None) -> str:
        """A libpq connection string (keyword form, so no escaping surprises)."""
        parts = {
            "host": self.host,
            "port": str(self.port),
            "user": user or self.user,
            "dbname": database or self.database,
        }
        if self.password and user is None:
            parts["password"] = self.password
        return " ".join(f"{k}='{v}'" for k, v in parts.items())

    def profile_environment(self) -> dict[str, str]:
        """These settings in the variables the profile reads (profiles.yml.example)."""
        return {
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "OUTREACH_PG_HOST": self.host,
            "OUTREACH_PG_PORT": str(self.port),
            "OUTREACH_PG_USER": self.user,
            "OUTREACH_PG_PASSWORD": self.password,
            "OUTREACH_PG_DATABASE": self.database,
            "OUTREACH_PG_SCHEMA": self.schema,
        }

    def dbt_environment(self) -> dict[str, str]:
        """The process environment with these settings in the variables the profile reads,
        for running dbt (or this package) as a subprocess against this database."""
        return {**os.environ, **self.profile_environment()}


def from_env(environ: dict[str, str] | None = None) -> ConnectionSettings:
    env = os.environ if environ is None else environ
    return ConnectionSettings(
        host=env.get("OUTREACH_PG_HOST", DEFAULT_HOST),
        port=int(env.get("OUTREACH_PG_PORT", DEFAULT_PORT)),
        user=env.get("OUTREACH_PG_USER", DEFAULT_USER),
        password=env.get("OUTREACH_PG_PASSWORD", ""),
        database=env.get("OUTREACH_PG_DATABASE", DEFAULT_DATABASE),
        schema=env.get("OUTREACH_PG_SCHEMA", DEFAULT_SCHEMA),
    )


def pgdata_dir(environ: dict[str, str] | None = None) -> Path:
    """Where the embedded server keeps its data directory."""
    env = os.environ if environ is None else environ
    return Path(env.get("OUTREACH_PGDATA", str(PROJECT_DIR / ".pgdata"))).resolve()


# The instant the demo data is generated around and the demo build is evaluated at.
# It is the seed document's date: outside January renewal season, so renewal pressure
# comes only from the minority of plans that renew in another month.
DEMO_AS_OF = "2026-02-07T12:00:00+00:00"
# The demo plays one launch day: the daily queue limit is raised from the production
# default of 100 so that a single run queues messages of every band (the limit ranks by
# band first, so 100 would hold only band 5). Everything else runs at its default.
DEMO_DAILY_QUEUE_LIMIT = 1_000
DEFAULT_SEED = 42
DEFAULT_COMPANIES = 95_004


def demo_dbt_vars() -> dict[str, object]:
    """The dbt vars of the demo build (its as_of travels in OUTREACH_AS_OF: macros/as_of.sql)."""
    return {"daily_queue_limit": DEMO_DAILY_QUEUE_LIMIT}


# The one form of as_of accepted, by the CLI here and by dbt (macros/as_of_problem.sql): an
# ISO-8601 instant with an explicit offset. `yesterday`, `now` or a date without a zone is a
# moving or ambiguous instant, no evaluation time.
AS_OF_PATTERN = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})"
)
AS_OF_FORMAT = "an ISO-8601 instant with an explicit offset, e.g. 2026-02-07T12:00:00+00:00 (or 2026-02-07T12:00:00Z)"


def parse_as_of(text: str) -> datetime:
    """`text` as an as_of, or ValueError saying the format expected."""
    problem = f"as_of must be {AS_OF_FORMAT}; got {text!r}"
    if not AS_OF_PATTERN.fullmatch(text.strip()):
        raise ValueError(problem)
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{problem} (no such date or time)") from None
