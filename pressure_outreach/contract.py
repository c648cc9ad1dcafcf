"""The source contract of ``docs/source_contract.md`` as data.

One entry per upstream table: its default schema, its columns and their PostgreSQL
types, in the order that page lists them. The generator creates the tables from this, and
a test checks that ``models/staging/*/_*__sources.yml`` declares exactly the same columns.
No table gets a primary key or NOT NULL constraint: upstream guarantees neither, and the
generated data must be able to carry the bad rows the project is built to survive.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceTable:
    schema: str
    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def create_sql(self) -> str:
        cols = ",\n    ".join(f"{name} {pg_type}" for name, pg_type in self.columns)
        return f"create table {self.qualified} (\n    {cols}\n)"


SIGNAL_COLUMNS = (
    ("signal_id", "uuid"),
    ("outreach_id", "uuid"),
    ("signal_type", "varchar(50)"),
    ("pressure_domain", "text"),
    ("pressure_class", "text"),
    ("signal_value", "jsonb"),
    ("magnitude", "int"),
    ("detected_at", "timestamptz"),
    ("expires_at", "timestamptz"),
    ("source_record_id", "text"),
    ("created_at", "timestamptz"),
)

TABLES: tuple[SourceTable, ...] = (
    SourceTable(
        "cl",
        "company_identity",
        (
            ("company_unique_id", "uuid"),
            ("company_name", "text"),
            ("company_domain", "text"),
            ("identity_status", "text"),
        ),
    ),
    SourceTable(
        "outreach",
        "outreach",
        (
            ("outreach_id", "uuid"),
            ("sovereign_id", "uuid"),
            ("domain", "varchar(255)"),
            ("ein", "varchar(20)"),
            ("has_appointment", "boolean"),
            ("created_at", "timestamptz"),
            ("updated_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "outreach",
        "outreach_excluded",
        (
            ("outreach_id", "uuid"),
            ("exclusion_reason", "text"),
            ("excluded_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "outreach",
        "company_target",
        (
            ("target_id", "uuid"),
            ("outreach_id", "uuid"),
            ("outreach_status", "text"),
            ("industry", "varchar(255)"),
            ("employees", "int"),
            ("state", "varchar(2)"),
            ("city", "varchar(100)"),
            ("postal_code", "varchar(10)"),
            ("email_method", "varchar(100)"),
            ("is_catchall", "boolean"),
            ("created_at", "timestamptz"),
            ("updated_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "outreach",
        "dol",
        (
            ("dol_id", "uuid"),
            ("outreach_id", "uuid"),
            ("ein", "text"),
            ("filing_present", "boolean"),
            ("funding_type", "text"),
            ("broker_or_advisor", "text"),
            ("carrier", "text"),
            ("renewal_month", "int"),
            ("outreach_start_month", "int"),
            ("created_at", "timestamptz"),
            ("updated_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "people",
        "company_slot",
        (
            ("slot_id", "uuid"),
            ("outreach_id", "uuid"),
            ("slot_type", "text"),
            ("person_unique_id", "text"),
            ("is_filled", "boolean"),
            ("filled_at", "timestamptz"),
            ("confidence_score", "numeric"),
            ("created_at", "timestamptz"),
            ("updated_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "people",
        "people_master",
        (
            ("unique_id", "text"),
            ("first_name", "text"),
            ("last_name", "text"),
            ("full_name", "text"),
            ("title", "text"),
            ("email", "text"),
            ("email_verified", "boolean"),
            ("outreach_ready", "boolean"),
            ("email_verified_at", "timestamptz"),
            ("linkedin_url", "text"),
            ("created_at", "timestamptz"),
            ("updated_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "people",
        "slot_assignment_history",
        (
            ("history_id", "uuid"),
            ("outreach_id", "uuid"),
            ("slot_type", "text"),
            ("person_unique_id", "text"),
            ("event_type", "text"),
            ("event_at", "timestamptz"),
        ),
    ),
    SourceTable(
        "outreach",
        "bit_scores",
        (
            ("outreach_id", "uuid"),
            ("score", "numeric"),
            ("score_tier", "varchar(10)"),
            ("signal_count", "int"),
            ("dol_score", "numeric"),
            ("people_score", "numeric"),
            ("blog_score", "numeric"),
            ("talent_flow_score", "numeric"),
            ("last_signal_at", "timestamptz"),
            ("last_scored_at", "timestamptz"),
        ),
    ),
    SourceTable("dol", "pressure_signals", SIGNAL_COLUMNS),
    SourceTable("people", "pressure_signals", SIGNAL_COLUMNS),
    SourceTable("blog", "pressure_signals", SIGNAL_COLUMNS),
    SourceTable(
        "outreach",
        "manual_overrides",
        (
            ("override_id", "uuid"),
            ("outreach_id", "uuid"),
            ("override_type", "text"),
            ("reason", "text"),
            ("created_at", "timestamptz"),
            ("created_by", "text"),
            ("expires_at", "timestamptz"),
            ("is_active", "boolean"),
        ),
    ),
    SourceTable(
        "execution",
        "send_events",
        (
            ("event_id", "uuid"),
            ("message_id", "text"),
            ("outreach_id", "uuid"),
            ("person_unique_id", "text"),
            ("email", "text"),
            ("event_type", "text"),
            ("bounce_type", "text"),
            ("event_at", "timestamptz"),
            ("detail", "jsonb"),
        ),
    ),
)

# Comments the generator leaves on the tables it fills. The outreach schema carries
# GENERATED_MARK once they hold generated data (the generator refuses to empty tables without
# it); the spine table's comment names the data set (seed, companies, as_of) and begins with
# DATASET_MARK, which also counts as the mark for data loaded before GENERATED_MARK existed.
GENERATED_MARK = "pressure_outreach generated data: `python -m pressure_outreach generate` may replace it"
DATASET_MARK = "pressure_outreach dataset"

SCHEMAS: tuple[str, ...] = tuple(dict.fromkeys(table.schema for table in TABLES))


def table(qualified: str) -> SourceTable:
    for candidate in TABLES:
        if candidate.qualified == qualified:
            return candidate
    raise KeyError(qualified)
