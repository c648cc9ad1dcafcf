"""The next day: what arrives between two runs, for the benchmark's second build.

New signals for ``NEXT_DAY_SHARE`` of the companies (a hash-ordered sample), detected
between the two as_of instants, in one to three of the DOL, PEOPLE and BLOG tables; and,
for every message the first run queued, the Execution Hub's events of one campaign outcome
up to the next as_of. The rows, the evidence phrases, the source record ids and the uuids
are made by the data generator's own code (``pressure_outreach.generator``), drawn from a
random stream of their own so that no id repeats one the generator wrote.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from pressure_outreach import contract
from pressure_outreach.generator import campaigns
from pressure_outreach.generator.chunk import DAY, Chunk
from pressure_outreach.generator.companies import Company
from pressure_outreach.generator.draw import choice, randint, weighted
from pressure_outreach.generator.evidence import DOMAINS, SIGNAL_TABLE
from pressure_outreach.generator.loader import copy_rows
from pressure_outreach.generator.personas import signals
from pressure_outreach.generator.population import Population, derived_rng
from pressure_outreach.generator.signal_rows import LIFETIME_DAYS, plain_context, signal_row, to_json

NEXT_DAY_SHARE = 0.01
TABLES_PER_COMPANY = (1, 2, 2, 3)  # how many of the three signal tables a chosen company gets rows in
NEW_MAGNITUDE = (25, 70)  # a table's new magnitude, split into signals by the generator
_MINUTE = 60 / DAY  # in days: nothing arrives at exactly either as_of

# The chosen companies, as the generator's Company (the facts its evidence phrases quote).
_COMPANIES_SQL = """
select distinct on (o.outreach_id)
    o.outreach_id::text as outreach_id,
    o.sovereign_id::text as sovereign_id,
    coalesce(c.company_name, '') as name,
    coalesce(o.domain, '') as domain,
    coalesce(o.ein, '') as ein,
    t.state,
    coalesce(t.city, '') as city,
    coalesce(t.email_method, '') as email_method,
    coalesce(t.is_catchall, false) as is_catchall,
    c.identity_status,
    o.created_at
from (
    select outreach_id
    from (select distinct outreach_id from outreach.outreach where outreach_id is not null) as spine
    order by md5(outreach_id::text || %(key)s)
    limit %(share)s
) as chosen
inner join outreach.outreach as o on chosen.outreach_id = o.outreach_id
left join cl.company_identity as c on o.sovereign_id = c.company_unique_id
left join outreach.company_target as t on o.outreach_id = t.outreach_id and t.state is not null
order by o.outreach_id, o.updated_at desc nulls last, t.updated_at desc nulls last
"""
_QUEUED_SQL = """
select message_id, outreach_id::text, person_unique_id, email_to
from execution.send_queue
where queued_at = %s
order by message_id
"""


def next_day_chunk(seed: int, next_as_of: datetime) -> Chunk:
    """A generator chunk for the next day's rows: an empty population and a random stream
    of its own (not one of the generator's chunk streams, whose uuids are in the data)."""
    return Chunk(0, 0, 0, next_as_of, Population.deal(seed, 0), derived_rng(seed, "bench:next-day"))


def chosen_companies(cur: psycopg.Cursor, seed: int) -> list[Company]:
    """NEXT_DAY_SHARE of the spine's companies (at least one), in a seeded hash order."""
    companies = cur.execute("select count(distinct outreach_id) from outreach.outreach").fetchone()[0]
    share = max(1, round(companies * NEXT_DAY_SHARE))
    rows = cur.execute(_COMPANIES_SQL, {"key": f"next-day-{seed}", "share": share}).fetchall()
    columns = [column.name for column in cur.description]
    chosen = []
    for index, row in enumerate(rows):
        facts = dict(zip(columns, row, strict=True))
        facts["state"] = facts["state"] or ""
        chosen.append(Company(index=index, exclusion=None, strong=False, showcase=None, **facts))
    return chosen


def new_signals(chunk: Chunk, companies: list[Company], as_of: datetime, next_as_of: datetime) -> dict[str, list]:
    """Rows of the three pressure_signals tables, detected after as_of and at or before
    next_as_of, live for the generator's signal lifetimes."""
    rng = chunk.rng
    window_days = (next_as_of - as_of) / timedelta(days=1)
    rows: dict[str, list] = {SIGNAL_TABLE[domain]: [] for domain in DOMAINS}
    for company in companies:
        context = plain_context(company, next_as_of.year)
        for domain in rng.sample(DOMAINS, choice(rng, TABLES_PER_COMPANY)):
            for planned in signals(rng, domain, randint(rng, *NEW_MAGNITUDE)):
                detected = chunk.after(as_of, _MINUTE, window_days - _MINUTE)
                expires = chunk.after(detected, *LIFETIME_DAYS)
                rows[SIGNAL_TABLE[domain]].append(
                    signal_row(chunk, company, domain, planned, context, detected, expires)
                )
    return rows


def day_of_events(chunk: Chunk, queued: list[tuple], as_of: datetime, next_as_of: datetime) -> list[tuple]:
    """For every message queued at as_of, the events of one campaign outcome (the
    generator's outcomes and their steps), starting in the first half of the day; the
    events after next_as_of have not happened yet."""
    rng = chunk.rng
    half_day = (next_as_of - as_of) / timedelta(days=1) / 2
    rows = []
    for message_id, outreach_id, person, email in queued:
        moment = chunk.after(as_of, _MINUTE, half_day)
        for event, bounce, low, high in campaigns.STEPS[weighted(rng, campaigns.OUTCOMES)]:
            moment += timedelta(seconds=randint(rng, low, high))
            if moment > next_as_of:
                break
            detail = to_json({"provider": choice(rng, campaigns.PROVIDERS)})
            reported = campaigns.as_reported(chunk, email)
            rows.append((chunk.uuid(), message_id, outreach_id, person, reported, event, bounce, moment, detail))
    return rows


def write_next_day(db: psycopg.Connection, seed: int, as_of: datetime, next_as_of: datetime) -> dict[str, Any]:
    """Write the next day's signals and events into ``db``; what was written."""
    chunk = next_day_chunk(seed, next_as_of)
    with db.cursor() as cur:
        companies = chosen_companies(cur, seed)
        inserted = 0
        for table, rows in new_signals(chunk, companies, as_of, next_as_of).items():
            inserted += copy_rows(cur, contract.table(table), rows)
        queued = cur.execute(_QUEUED_SQL, (as_of,)).fetchall()
        events = copy_rows(cur, contract.table(campaigns.EVENTS), day_of_events(chunk, queued, as_of, next_as_of))
    db.commit()
    for table in [*SIGNAL_TABLE.values(), campaigns.EVENTS]:
        db.execute(sql.SQL("analyze {}").format(sql.Identifier(*table.split("."))))
    db.commit()
    return {"companies_with_new_signals": len(companies), "signals_inserted": inserted, "send_events": events}
