"""Source-data generator: fills the tables of docs/source_contract.md with realistic data.

``generate`` deals out the exact counts for the whole data set (``population``), then
builds companies chunk by chunk (``CHUNK_SIZE`` at a time, one random stream per chunk)
and COPYs each chunk into PostgreSQL, so memory stays flat at any size. The same
(seed, companies, as_of) always gives the same table contents.

Modules, in the order a company is built:
``companies`` (identity, spine, target, exclusions, overrides, legacy BIT score),
``personas`` (which signals it has at as_of, tuned to docs/rulebook.md §1-§3),
``filings`` (outreach.dol), ``staffing`` (slots, people, history),
``signal_rows`` (the three pressure_signals tables), ``campaigns`` (send_events),
``badrows`` (every kind of bad row of docs/source_contract.md), ``loader`` (COPY).
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
from tqdm import tqdm

from pressure_outreach import contract, settings
from pressure_outreach.generator import badrows, calibration
from pressure_outreach.generator.campaigns import write_send_events
from pressure_outreach.generator.chunk import Chunk
from pressure_outreach.generator.companies import (
    make_company,
    write_bit_score,
    write_company_rows,
)
from pressure_outreach.generator.filings import (
    evidence_context,
    has_filings,
    months_by_magnitude,
    write_filings,
)
from pressure_outreach.generator.loader import ForeignDataError, analyze, check_replaceable, copy_rows, prepare_tables
from pressure_outreach.generator.personas import SlotView, make_plan, showcase_plan
from pressure_outreach.generator.population import Population
from pressure_outreach.generator.signal_rows import write_edge_signals, write_signals
from pressure_outreach.generator.staffing import write_staff

__all__ = ["DEMO_AS_OF", "ForeignDataError", "build_chunk", "generate"]

DEMO_AS_OF = datetime.fromisoformat(settings.DEMO_AS_OF)


def _utc(as_of: datetime) -> datetime:
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    return as_of.astimezone(UTC)


def _company(chunk: Chunk, index: int, faults: dict[str, str], months: dict[int, list[int]]) -> None:
    """All rows of one company, in an order that lets later tables agree with earlier ones."""
    population = chunk.population
    view = SlotView.of(population.pattern(index))
    showcase = population.showcase.get(index)
    if showcase is None:
        plan = make_plan(chunk.rng, population.personas.draw(chunk.rng, population.pattern(index)), view)
    else:
        plan = showcase_plan(showcase)
    company = make_company(chunk, index, plan.strong, showcase)
    write_company_rows(chunk, company)
    context = evidence_context(chunk, company, plan)
    filings = has_filings(chunk.rng, plan)
    if filings:
        write_filings(chunk, company, plan, context, months)
    holders = write_staff(chunk, company, plan, view, faults)
    write_signals(chunk, company, plan, context, filings)
    if population.scored(index):
        write_bit_score(chunk, company)
    write_send_events(chunk, company, plan, view, holders)


def build_chunk(population: Population, number: int, as_of: datetime) -> Chunk:
    """Every row of companies [number * CHUNK_SIZE, ...), bad rows included."""
    start = number * calibration.CHUNK_SIZE
    stop = min(start + calibration.CHUNK_SIZE, population.companies)
    chunk = Chunk.open(population, number, start, stop, _utc(as_of))
    faults = badrows.plan_slot_faults(chunk)
    months = months_by_magnitude(chunk.as_of)
    for index in range(start, stop):
        _company(chunk, index, faults.get(index, {}), months)
    write_edge_signals(chunk)
    badrows.inject(chunk)
    return chunk


def generate(
    conn: settings.ConnectionSettings,
    *,
    seed: int = settings.DEFAULT_SEED,
    companies: int = settings.DEFAULT_COMPANIES,
    as_of: datetime = DEMO_AS_OF,
    progress: bool = True,
    overwrite: bool = False,
) -> dict[str, int]:
    """Create (or empty) the contract tables, fill them, analyze; rows written per table.

    Raises ForeignDataError, changing nothing, when the tables hold rows the generator did
    not write (a real server's upstream data), unless `overwrite`."""
    if companies < 1:
        raise ValueError("companies must be at least 1")
    as_of = _utc(as_of)
    population = Population.deal(seed, companies)
    counts = dict.fromkeys((table.qualified for table in contract.TABLES), 0)
    chunks = (companies + calibration.CHUNK_SIZE - 1) // calibration.CHUNK_SIZE
    with psycopg.connect(conn.conninfo()) as db, db.cursor() as cur:
        if not overwrite:
            check_replaceable(cur, f"database {conn.database!r} on {conn.host}:{conn.port}")
        prepare_tables(cur)
        with tqdm(total=companies, unit=" companies", disable=not progress, desc="generating") as bar:
            for number in range(chunks):
                chunk = build_chunk(population, number, as_of)
                for table in contract.TABLES:
                    counts[table.qualified] += copy_rows(cur, table, chunk.rows[table.qualified])
                bar.update(chunk.size)
        db.commit()
        analyze(db)
        db.commit()
    return counts
