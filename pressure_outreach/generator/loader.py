"""Getting rows into PostgreSQL: table (re)creation, COPY, ANALYZE.

Only the contract tables are touched; schemas are created when missing and never
dropped, because the project writes its own tables (e.g. execution.send_queue) into the
same schemas. A contract table that already has exactly the contract's columns is
truncated instead of dropped (and its comment cleared), so views a previous dbt build
created on it survive; any other shape is dropped and created again from
``contract.TABLES``. Everything happens in the caller's transaction.

The generator never empties data it did not write: ``prepare_tables`` leaves its mark on
the ``outreach`` schema, and ``check_replaceable`` refuses (``ForeignDataError``) a
database whose contract tables hold rows but carry no mark, such as a real server's
upstream tables, unless the caller asks to overwrite them.
"""

from __future__ import annotations

from collections.abc import Iterable

import psycopg
from psycopg import sql

from pressure_outreach import contract

_COLUMNS_SQL = """
    select a.attname, format_type(a.atttypid, a.atttypmod)
    from pg_attribute as a
    where a.attrelid = to_regclass(%s) and a.attnum > 0 and not a.attisdropped
    order by a.attnum
"""


class ForeignDataError(RuntimeError):
    """The contract tables hold rows the generator did not write."""


def _identifier(qualified: str) -> sql.Identifier:
    schema, name = qualified.split(".")
    return sql.Identifier(schema, name)


def _shape(cur: psycopg.Cursor, qualified: str) -> list[tuple[str, str]]:
    return [(name, pg_type) for name, pg_type in cur.execute(_COLUMNS_SQL, (qualified,))]


def _contract_shape(cur: psycopg.Cursor, table: contract.SourceTable) -> list[tuple[str, str]]:
    """The columns as PostgreSQL spells them ('int' -> 'integer'), from a temporary table."""
    columns = sql.SQL(", ").join(sql.SQL(f"{name} {pg_type}") for name, pg_type in table.columns)
    cur.execute(sql.SQL("create temporary table pg_temp._shape_probe ({}) on commit drop").format(columns))
    shape = _shape(cur, "pg_temp._shape_probe")
    cur.execute("drop table pg_temp._shape_probe")
    return shape


def _generated(cur: psycopg.Cursor) -> bool:
    schema_mark, table_mark = cur.execute(
        "select obj_description(to_regnamespace('outreach'), 'pg_namespace'),"
        " obj_description(to_regclass('outreach.outreach'), 'pg_class')"
    ).fetchone()
    return (schema_mark or "") == contract.GENERATED_MARK or (table_mark or "").startswith(contract.DATASET_MARK)


def foreign_tables(cur: psycopg.Cursor) -> list[str]:
    """The contract tables that hold rows the generator did not write (none when the
    database carries its mark)."""
    if _generated(cur):
        return []
    holding = []
    for table in contract.TABLES:
        if cur.execute("select to_regclass(%s) is not null", (table.qualified,)).fetchone()[0]:
            query = sql.SQL("select exists (select from {})").format(_identifier(table.qualified))
            if cur.execute(query).fetchone()[0]:
                holding.append(table.qualified)
    return holding


def check_replaceable(cur: psycopg.Cursor, where: str) -> None:
    """Raise ForeignDataError when generating would empty tables of someone else's data."""
    holding = foreign_tables(cur)
    if holding:
        raise ForeignDataError(
            f"{where} already holds source data the generator did not write ({', '.join(holding)} hold rows). "
            "Generating empties or recreates every source table, execution.send_events included, so nothing "
            "was changed. Point OUTREACH_PG_DATABASE at a scratch database, or pass --overwrite to replace "
            "that data with generated data."
        )


def prepare_tables(cur: psycopg.Cursor) -> None:
    """Create missing schemas; empty (or recreate) every contract table; mark the data as
    the generator's."""
    for schema in contract.SCHEMAS:
        cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    cur.execute(sql.SQL("comment on schema outreach is {}").format(sql.Literal(contract.GENERATED_MARK)))
    for table in contract.TABLES:
        existing = _shape(cur, table.qualified)
        if existing and existing == _contract_shape(cur, table):
            cur.execute(sql.SQL("truncate table {}").format(_identifier(table.qualified)))
            # a comment describes the data set it was loaded with (the CLI writes one)
            cur.execute(sql.SQL("comment on table {} is null").format(_identifier(table.qualified)))
            continue
        cur.execute(sql.SQL("drop table if exists {}").format(_identifier(table.qualified)))
        cur.execute(table.create_sql())


def copy_rows(cur: psycopg.Cursor, table: contract.SourceTable, rows: Iterable[tuple]) -> int:
    """COPY rows into a contract table; returns how many were written."""
    statement = sql.SQL("copy {} ({}) from stdin").format(
        _identifier(table.qualified), sql.SQL(", ").join(sql.Identifier(c) for c in table.column_names)
    )
    written = 0
    with cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def analyze(conn: psycopg.Connection) -> None:
    for table in contract.TABLES:
        conn.execute(sql.SQL("analyze {}").format(_identifier(table.qualified)))
