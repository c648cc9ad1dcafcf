"""What a run did, and what the last build wrote.

``run_report`` is what ``python -m pressure_outreach build`` and ``demo`` print after every
run: the run's row of the run log (execution.run_log, written by the run's on-run-start
and on-run-end hooks) and its decisions, and when it failed, a true statement of what it
changed and what it did not. ``build_summary`` is the longer report ``make demo`` ends
with. Model relations are read from dbt's ``target/manifest.json``, so the report follows
the project as it grows; tables that do not exist yet are skipped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from pressure_outreach.settings import PROJECT_DIR, ConnectionSettings


def _relations_by_layer(manifest_path: Path) -> dict[str, list[tuple[str, str]]]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    layers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        parts = Path(node["original_file_path"]).parts
        layer = "/".join(parts[1:3]) if len(parts) > 2 and parts[1] == "marts" else parts[1]
        layers[layer].append((node["schema"], node["alias"]))
    return dict(sorted(layers.items()))


def _exists(db: psycopg.Connection, schema: str, name: str) -> bool:
    return db.execute("select to_regclass(%s) is not null", (f'"{schema}"."{name}"',)).fetchone()[0]


def _count(db: psycopg.Connection, schema: str, name: str) -> int:
    query = sql.SQL("select count(*) from {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
    return db.execute(query).fetchone()[0]


def _table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    cells = [
        header,
        *[tuple("" if v is None else (f"{v:,}" if isinstance(v, int) else str(v)) for v in row) for row in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title, "  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  " + "  ".join("-" * w for w in widths))
    for row in cells[1:]:
        lines.append(
            "  " + "  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True)))
        )
    return "\n".join(lines)


def _markdown(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A markdown table shaped like the seed document's: `| a | b |`, dashes as wide as the header."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * (len(h) + 2) for h in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.0f}"


def slot_status_table(rows: list[tuple], measured_at: datetime | None = None) -> str:
    """rpt_slot_fill as the seed's "Current Slot Status" table; the Total row in bold."""
    title = "## Current Slot Status" + (f" ({measured_at:%Y-%m-%d})" if measured_at else "")
    body = []
    for slot_type, filled, total, rate in rows:
        cells = (str(slot_type), _number(filled), _number(total), "" if rate is None else f"{rate}%")
        if slot_type == "Total":
            cells = tuple(f"**{cell}**" for cell in cells)
        body.append(cells)
    return "\n".join([title, "", *_markdown(("Slot Type", "Filled", "Total", "Fill Rate"), body)])


def implementation_status_table(rows: list[tuple]) -> str:
    """rpt_implementation_status as the seed's "Implementation Status" table, measured."""
    body = []
    for component, measure, unit, count, total, value, target, status, seed_status in rows:
        measured, goal = (f"{value}%", f"{target:g}%") if unit == "percent" else (_number(count), _number(target))
        notes = measure if total is None else f"{_number(count)} / {_number(total)}"
        if seed_status:
            notes = f"{notes}; seed: {seed_status}" if notes else f"seed: {seed_status}"
        body.append((str(component), status.replace("_", " "), measured, goal, notes))
    header = ("Component", "Status", "Measured", "Target", "Notes")
    return "\n".join(["## Implementation Status", "", *_markdown(header, body)])


def build_summary(conn: ConnectionSettings, project_dir: Path = PROJECT_DIR) -> str:
    manifest = project_dir / "target" / "manifest.json"
    out: list[str] = []
    with psycopg.connect(conn.conninfo()) as db:
        if manifest.exists():
            rows = []
            for layer, relations in _relations_by_layer(manifest).items():
                present = [(s, n) for s, n in relations if _exists(db, s, n)]
                rows.append((layer, len(present), sum(_count(db, s, n) for s, n in present)))
            out.append(_table("Rows per model layer", ("layer", "models", "rows"), rows))
        measured_at = None
        if _exists(db, "reporting", "rpt_implementation_status"):
            measured_at = db.execute("select max(measured_at) from reporting.rpt_implementation_status").fetchone()[0]
        if _exists(db, "reporting", "rpt_slot_fill"):
            fill = db.execute(
                "select slot_type, filled_slots, total_slots, fill_rate_pct from reporting.rpt_slot_fill order by sort_order"
            ).fetchall()
            out.append(slot_status_table(fill, measured_at))
        if _exists(db, "reporting", "rpt_band_distribution"):
            bands = db.execute(
                "select band, band_name, companies, capped_companies from reporting.rpt_band_distribution "
                "where as_of = (select max(as_of) from reporting.rpt_band_distribution) order by band"
            ).fetchall()
            out.append(_table("BIT band (v2) at as_of", ("band", "name", "companies", "held down by a cap"), bands))
        if _exists(db, "execution", "send_queue"):
            queue = db.execute(
                "select slot_type, band, count(*) from execution.send_queue group by 1, 2 order by 1, 2"
            ).fetchall()
            out.append(
                _table("Send queue by audience and band (every run so far)", ("audience", "band", "messages"), queue)
            )
        if _exists(db, "reporting", "rpt_implementation_status"):
            status = db.execute(
                """
                select component, measure, unit, measured_count, measured_total, measured_value, target_value,
                    status, status_in_seed_document
                from reporting.rpt_implementation_status
                order by sort_order
                """
            ).fetchall()
            out.append(implementation_status_table(status))
        if _exists(db, "reporting", "rpt_data_quality"):
            dq = db.execute(
                "select source_table, disposition, sum(row_count)::int from reporting.rpt_data_quality "
                "where as_of = (select max(as_of) from reporting.rpt_data_quality) group by 1, 2 order by 1, 2"
            ).fetchall()
            out.append(
                _table(
                    "Bad source rows (quarantined or flagged in staging)", ("source table", "disposition", "rows"), dq
                )
            )
    return "\n\n".join(out)


def print_summary(conn: ConnectionSettings, project_dir: Path = PROJECT_DIR) -> None:
    print()
    print(build_summary(conn, project_dir))


RUN_LOG = "execution.run_log"


@dataclass(frozen=True)
class Run:
    """A row of the run log."""

    run_id: str
    status: str
    is_complete: bool
    as_of: datetime
    started_at: datetime
    detail: str | None
    daily_queue_limit: int | None
    companies_decided: int | None
    messages_queued: int | None
    rows_quarantined: int | None


_RUN_COLUMNS = (
    "run_id, status, is_complete, as_of, started_at, detail, daily_queue_limit, companies_decided, "
    "messages_queued, rows_quarantined"
)


def runs(conn: ConnectionSettings, since: datetime | None = None, complete_only: bool = False) -> list[Run]:
    """The run log's rows, newest first: those started at or after `since`, or only the
    complete ones. None before the first run."""
    with psycopg.connect(conn.conninfo()) as db:
        if not _exists(db, "execution", "run_log"):
            return []
        where = "where is_complete" if complete_only else "where started_at >= coalesce(%s::timestamptz, '-infinity')"
        rows = db.execute(
            f"select {_RUN_COLUMNS} from {RUN_LOG} {where} order by started_at desc",
            () if complete_only else (since,),
        ).fetchall()
    return [Run(*row) for row in rows]


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def run_report(conn: ConnectionSettings, run: Run) -> str:
    """What `run` did: as_of, daily limit, companies decided, messages queued, the decisions
    by reason; when it did not succeed, what it changed and what it left as it was."""
    lines = [
        f"Run {run.run_id}: {run.status}{' (complete)' if run.is_complete else ''}",
        f"  as_of                {_utc(run.as_of)}",
        f"  daily queue limit    {run.daily_queue_limit if run.daily_queue_limit is not None else '-'}",
        f"  companies decided    {_number(run.companies_decided) if run.companies_decided is not None else '-'}",
        f"  messages queued      {_number(run.messages_queued) if run.messages_queued is not None else '-'}",
        f"  rows quarantined     {_number(run.rows_quarantined) if run.rows_quarantined is not None else '-'}",
    ]
    with psycopg.connect(conn.conninfo()) as db:
        if run.status == "success":
            reasons = db.execute(
                "select decision_reason, count(*) from execution.decision_log where decided_at = %s "
                "group by 1 order by 2 desc, 1",
                (run.as_of,),
            ).fetchall()
            if reasons:
                lines.append(_table("  Decisions of this run's as_of, by reason", ("reason", "companies"), reasons))
            return "\n".join(lines)
        queued = db.execute("select count(*) from execution.send_queue where dbt_invocation_id = %s", (run.run_id,))
        logged = db.execute("select count(*) from execution.decision_log where dbt_invocation_id = %s", (run.run_id,))
        changed = (queued.fetchone()[0], logged.fetchone()[0])
    earlier = runs(conn, complete_only=True)
    previous = next((r for r in earlier if r.run_id != run.run_id), None)
    kept = (
        f"run {previous.run_id} (as_of {_utc(previous.as_of)}) left them"
        if previous
        else "they were before it (no run has completed yet)"
    )
    if run.status == "refused":
        lines.append(f"  Refused before its first model: {run.detail}")
        lines.append(
            f"  Nothing was built, queued or logged: the queue, the decision log and the reporting marts are as {kept}."
        )
    elif changed == (0, 0):
        lines.append(f"  Failed: {run.detail or 'stopped before its end'}.")
        lines.append(
            f"  Nothing was queued or logged: the queue, the decision log and the reporting marts are as {kept} "
            "(staging and intermediate tables, which no reader uses, may hold this run's rows)."
        )
    else:
        lines.append(
            f"  Failed after it queued {changed[0]:,} messages and logged {changed[1]:,} decisions: {run.detail}."
        )
        lines.append(
            "  Those messages passed every check; the reporting marts may show an earlier run (each row names its run_id). "
            "Build again at the same as_of to complete the run: it queues nothing twice."
        )
    return "\n".join(lines)
