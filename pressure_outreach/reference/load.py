"""Reading the source tables into ``SourceData`` with psycopg 3 (the conventions of rows.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pressure_outreach.reference.rows import INFINITY, MINUS_INFINITY, SourceData

DEFAULT_SCHEMAS: dict[str, str] = {
    "cl": "cl",
    "outreach": "outreach",
    "people": "people",
    "dol": "dol",
    "blog": "blog",
}

_SIGNAL_COLUMNS = (
    "signal_id",
    "outreach_id",
    "signal_type",
    "pressure_domain",
    "pressure_class",
    "signal_value",
    "magnitude",
    "detected_at",
    "expires_at",
    "source_record_id",
    "created_at",
)

# SourceData field -> (default schema, table, columns as in contract.py).
SOURCE_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "outreach": (
        "outreach",
        "outreach",
        (
            "outreach_id",
            "sovereign_id",
            "domain",
            "ein",
            "has_appointment",
            "created_at",
            "updated_at",
        ),
    ),
    "dol": (
        "outreach",
        "dol",
        (
            "dol_id",
            "outreach_id",
            "ein",
            "filing_present",
            "funding_type",
            "broker_or_advisor",
            "carrier",
            "renewal_month",
            "outreach_start_month",
            "created_at",
            "updated_at",
        ),
    ),
    "company_slot": (
        "people",
        "company_slot",
        (
            "slot_id",
            "outreach_id",
            "slot_type",
            "person_unique_id",
            "is_filled",
            "filled_at",
            "confidence_score",
            "created_at",
            "updated_at",
        ),
    ),
    "people_master": (
        "people",
        "people_master",
        (
            "unique_id",
            "first_name",
            "last_name",
            "full_name",
            "title",
            "email",
            "email_verified",
            "outreach_ready",
            "email_verified_at",
            "linkedin_url",
            "created_at",
            "updated_at",
        ),
    ),
    "slot_assignment_history": (
        "people",
        "slot_assignment_history",
        (
            "history_id",
            "outreach_id",
            "slot_type",
            "person_unique_id",
            "event_type",
            "event_at",
        ),
    ),
    "dol_signals": ("dol", "pressure_signals", _SIGNAL_COLUMNS),
    "people_signals": ("people", "pressure_signals", _SIGNAL_COLUMNS),
    "blog_signals": ("blog", "pressure_signals", _SIGNAL_COLUMNS),
}


def convert_value(value: Any) -> Any:
    """uuid -> lowercase str, timestamp -> tz-aware UTC datetime; the rest as psycopg gives it
    (jsonb -> dict/list/..., numeric -> Decimal, int -> int)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return value


def register_infinite_timestamps(conn: Any) -> None:
    """Read 'infinity' and '-infinity' timestamptz values (which psycopg refuses) as INFINITY
    and MINUS_INFINITY on the psycopg connection ``conn``, and write those two back as
    'infinity' and '-infinity' (not as the years 9999 and 1)."""
    from psycopg.types.datetime import DatetimeDumper, TimestamptzLoader

    class InfinityLoader(TimestamptzLoader):
        def load(self, data):
            infinite = {b"infinity": INFINITY, b"-infinity": MINUS_INFINITY}.get(bytes(data))
            return infinite if infinite is not None else super().load(data)

    class InfinityDumper(DatetimeDumper):
        def dump(self, obj):
            infinite = {INFINITY: b"infinity", MINUS_INFINITY: b"-infinity"}.get(obj)
            return infinite if infinite is not None else super().dump(obj)

    conn.adapters.register_loader("timestamptz", InfinityLoader)
    conn.adapters.register_dumper(datetime, InfinityDumper)


def load_from_postgres(conninfo: str, schemas: dict[str, str] | None = None) -> SourceData:
    """Read the source tables with psycopg 3.

    ``schemas`` maps a default schema name (cl, outreach, people, dol, blog) to the
    schema actually holding that table; names not given keep their default.
    """
    import psycopg
    from psycopg import sql
    from psycopg.rows import dict_row

    names = {**DEFAULT_SCHEMAS, **(schemas or {})}
    data = SourceData()
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        register_infinite_timestamps(conn)
        conn.read_only = True
        conn.execute("set time zone 'UTC'")
        for attribute, (schema, table_name, columns) in SOURCE_TABLES.items():
            query = sql.SQL("select {columns} from {schema}.{table}").format(
                columns=sql.SQL(", ").join(sql.Identifier(column) for column in columns),
                schema=sql.Identifier(names[schema]),
                table=sql.Identifier(table_name),
            )
            rows = [{key: convert_value(value) for key, value in row.items()} for row in conn.execute(query)]
            setattr(data, attribute, rows)
    return data
