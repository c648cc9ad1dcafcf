"""The per-company baseline the benchmark compares the set-based build with.

The seed (``seed/MESSAGING_HANDOFF.md``) describes the messaging logic per company: a
``select_slot(company_id, pressure_class)`` that calls ``is_slot_filled(company_id, slot)``,
and its upstream system ran its gates one company at a time from Python. This module is
that approach, implemented honestly so that the comparison means something:

- per company, one set of round trips over one psycopg connection reads its spine row,
  identity, exclusions, kill switches, signals (three tables), DOL filings, slots,
  slot history, the people its slots point at, then (once its slot is chosen) the
  suppression, contact and queue history of that person and company;
- it decides in Python with the project's reference model (``python_tests/
  reference_model.py``, RULES.md §0-§4: quarantine, duplicates, bridges, band, caps,
  class, proof line, ``select_slot``) and the gates of RULES.md §5 written here;
- it writes one decision row per company, and for every company that passes the gates a
  rendered queue row, into its own schema (``bench_baseline``), never the real
  ``execution.send_queue``.

To give it a fair chance, the source tables get b-tree indexes on the keys it looks up
(created before it runs, timed separately, dropped afterwards): without them every
lookup would scan a whole table and the per-company approach would be quadratic.

Two things are inherently global and are done once per run, not per company: the daily
queue limit (it ranks all candidates, RULES.md §5.11) and reading the message templates.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from types import ModuleType
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row
from psycopg.types.json import Jsonb

from pressure_outreach import settings

SCHEMA = "bench_baseline"
REFERENCE_MODEL = settings.PROJECT_DIR / "python_tests" / "reference_model.py"

BLOCKING_OVERRIDE_TYPES = ("marketing_disabled", "legal_hold", "customer_requested", "cooldown")
IDENTITY_STATUSES = ("PENDING", "PASS", "FAIL")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
WHITESPACE = " \t\n\r\v\f"
COOLING_OFF_DAYS = 30
TOUCH_CAP_WINDOW_DAYS = 365
TOUCH_CAPS = {3: 3, 4: 5}
MIN_CONTACT_BAND = 3
UNSUBSCRIBE_BASE_URL = "https://outreach.example.com/unsubscribe?m="
SENDER_POSTAL_ADDRESS = "Pressure Outreach Inc., 1700 Market Street, Suite 1005, Philadelphia, PA 19103, USA"
FOOTER_ID = "can_spam_v1"

# (index name, table, key expression): what the per-company lookups need.
INDEXES: tuple[tuple[str, str, str], ...] = (
    ("bench_bl_outreach", "outreach.outreach", "outreach_id"),
    ("bench_bl_identity", "cl.company_identity", "company_unique_id"),
    ("bench_bl_excluded", "outreach.outreach_excluded", "outreach_id"),
    ("bench_bl_overrides", "outreach.manual_overrides", "outreach_id"),
    ("bench_bl_dol", "outreach.dol", "outreach_id"),
    ("bench_bl_dol_signals", "dol.pressure_signals", "outreach_id"),
    ("bench_bl_people_signals", "people.pressure_signals", "outreach_id"),
    ("bench_bl_blog_signals", "blog.pressure_signals", "outreach_id"),
    ("bench_bl_slots", "people.company_slot", "outreach_id"),
    ("bench_bl_history", "people.slot_assignment_history", "outreach_id"),
    ("bench_bl_people", "people.people_master", "unique_id"),
    ("bench_bl_events_company", "execution.send_events", "outreach_id"),
    ("bench_bl_events_email", "execution.send_events", "lower(btrim(email, E' \\t\\n\\r\\x0b\\f'))"),
)


@cache
def reference_model() -> ModuleType:
    """The project's plain-Python reference model of RULES.md §0-§4, loaded from its file."""
    name = "pressure_outreach_reference_model"
    spec = importlib.util.spec_from_file_location(name, REFERENCE_MODEL)
    if spec is None or spec.loader is None or not REFERENCE_MODEL.exists():
        raise RuntimeError(f"the reference model is missing: {REFERENCE_MODEL}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def normalize_email(email: str | None) -> str | None:
    """RULES.md §9: trimmed of surrounding white space and lowercased; blank is None."""
    if email is None:
        return None
    trimmed = email.strip(WHITESPACE)
    return trimmed.lower() if trimmed else None


def message_id(outreach_id: str, slot: str, pressure_class: str, proof_id: str, as_of: datetime) -> str:
    rm = reference_model()
    day = rm.utc_date(as_of).isoformat()
    return rm.md5_uuid(f"message|{outreach_id}|{slot}|{pressure_class}|{proof_id}|{day}")


# --------------------------------------------------------------------------- the per-company reads

_COMPANY_SQL = """
select
    o.outreach_id::text as outreach_id,
    o.sovereign_id::text as sovereign_id,
    (select count(*) from cl.company_identity as c where c.company_unique_id = o.sovereign_id) as identity_copies,
    (select c.company_name from cl.company_identity as c where c.company_unique_id = o.sovereign_id limit 1)
        as company_name,
    (select c.identity_status from cl.company_identity as c where c.company_unique_id = o.sovereign_id limit 1)
        as identity_status,
    exists (
        select 1 from outreach.outreach_excluded as e
        where e.outreach_id = o.outreach_id and (e.excluded_at is null or e.excluded_at <= %(as_of)s)
    ) as is_excluded,
    exists (
        select 1 from outreach.manual_overrides as m
        where
            m.outreach_id = o.outreach_id
            and coalesce(m.is_active, true)
            and m.override_type = any(%(blocking)s)
            and (m.created_at is null or m.created_at <= %(as_of)s)
            and (m.expires_at is null or m.expires_at > %(as_of)s)
    ) as has_kill_switch
from outreach.outreach as o
where o.outreach_id = %(id)s
order by o.updated_at desc nulls last, o.sovereign_id asc
limit 1
"""

_SIGNAL_COLUMNS = (
    "signal_id::text as signal_id, outreach_id::text as outreach_id, signal_type, pressure_domain, "
    "pressure_class, signal_value, magnitude, detected_at, expires_at, source_record_id, created_at"
)
_SIGNALS_SQL = f"""
select 'DOL' as hub, {_SIGNAL_COLUMNS} from dol.pressure_signals where outreach_id = %(id)s
union all
select 'PEOPLE', {_SIGNAL_COLUMNS} from people.pressure_signals where outreach_id = %(id)s
union all
select 'BLOG', {_SIGNAL_COLUMNS} from blog.pressure_signals where outreach_id = %(id)s
"""
_DOL_SQL = """
select dol_id::text as dol_id, outreach_id::text as outreach_id, renewal_month, created_at
from outreach.dol where outreach_id = %(id)s
"""
_SLOTS_SQL = """
select slot_id::text as slot_id, outreach_id::text as outreach_id, slot_type, person_unique_id, is_filled
from people.company_slot where outreach_id = %(id)s
"""
_HISTORY_SQL = """
select history_id::text as history_id, outreach_id::text as outreach_id, slot_type, person_unique_id,
       event_type, event_at
from people.slot_assignment_history where outreach_id = %(id)s
"""
_PEOPLE_SQL = """
select unique_id, first_name, email, outreach_ready
from people.people_master where unique_id = any(%(ids)s)
"""
_SUPPRESSED_SQL = """
select exists (
    select 1 from execution.send_events
    where
        lower(btrim(email, E' \\t\\n\\r\\x0b\\f')) = %(email)s
        and event_at <= %(as_of)s
        and (event_type in ('complained', 'unsubscribed') or (event_type = 'bounced' and bounce_type = 'hard'))
) as is_suppressed
"""
# The company's last contact: a queue row of an earlier run, or a `sent` event (RULES.md
# §5.8); an event whose only defect is its own id (missing, or repeated) still counts, as it
# does in the set-based build.
_LAST_SENT_SQL = """
(select max(e.event_at) from execution.send_events as e
 where e.outreach_id = %(id)s and e.event_type = 'sent' and e.event_at <= %(as_of)s)"""
_CONTACT_SQL = f"""
select greatest(
    (select max(q.queued_at) from execution.send_queue as q
     where q.outreach_id = %(id)s and q.queued_at < %(as_of)s),
    {_LAST_SENT_SQL}
) as last_contacted_at,
(select count(*) from execution.send_queue as q
 where
    q.outreach_id = %(id)s and q.pressure_class = %(class)s
    and q.queued_at < %(as_of)s and q.queued_at > %(touch_since)s) as touches,
exists (select 1 from execution.send_queue as q where q.message_id = %(message_id)s and q.queued_at < %(as_of)s)
    as already_queued
"""
# Before the first run there is no queue to read.
_CONTACT_NO_QUEUE_SQL = f"""
select {_LAST_SENT_SQL} as last_contacted_at,
    0 as touches,
    false as already_queued
"""


@dataclass
class Decision:
    outreach_id: str
    reason: str
    band: int | None = None
    bit_score: int | None = None
    pressure_class: str | None = None
    primary_domain: str | None = None
    proof: Any = None
    slot: str | None = None
    person_unique_id: str | None = None
    first_name: str | None = None
    email_to: str | None = None
    company_name: str | None = None
    message_id: str | None = None
    band_name: str | None = None


class Session:
    """A connection that counts the statements it sends (the baseline's round trips)."""

    def __init__(self, db: psycopg.Connection) -> None:
        self.db = db
        self.statements = 0

    def execute(self, query: str, params: Any = None) -> psycopg.Cursor:
        self.statements += 1
        return self.db.execute(query, params)


def _rows(db: Session, query: str, params: dict) -> list[dict]:
    rm = reference_model()
    return [{k: rm.convert_value(v) for k, v in row.items()} for row in db.execute(query, params).fetchall()]


def decide(db: Session, outreach_id: str, as_of: datetime, has_queue: bool) -> Decision:
    """RULES.md §1-§5 (gates 1-10) for one company, from its own rows only."""
    rm = reference_model()
    params = {"id": outreach_id, "as_of": as_of, "blocking": list(BLOCKING_OVERRIDE_TYPES)}
    company = db.execute(_COMPANY_SQL, params).fetchone()
    signals = _rows(db, _SIGNALS_SQL, params)
    data = rm.SourceData(
        outreach=[{"outreach_id": outreach_id}],
        dol=_rows(db, _DOL_SQL, params),
        company_slot=_rows(db, _SLOTS_SQL, params),
        slot_assignment_history=_rows(db, _HISTORY_SQL, params),
        dol_signals=[s for s in signals if s["hub"] == "DOL"],
        people_signals=[s for s in signals if s["hub"] == "PEOPLE"],
        blog_signals=[s for s in signals if s["hub"] == "BLOG"],
    )
    persons = sorted({s["person_unique_id"] for s in data.company_slot if s["person_unique_id"] is not None})
    data.people_master = _rows(db, _PEOPLE_SQL, {"ids": persons}) if persons else []

    # §0-§4 with the reference model, over this company's rows.
    reference = rm.Params()
    spine = {outreach_id}
    filled = rm.filled_slots(data, spine)
    renewals = rm.renewal_bridges(data, spine, as_of, reference)
    active = [s for s in rm.all_signals(data, spine, filled, renewals, as_of, reference) if rm.is_active(s, as_of)]
    decided = rm.decide_company(outreach_id, active, filled, renewals.get(outreach_id), as_of, reference)
    primary = rm.primary_signal(active, decided.active_domains)
    decision = Decision(
        outreach_id=outreach_id,
        reason="",
        band=decided.band,
        band_name=decided.band_name,
        bit_score=decided.bit_score,
        pressure_class=decided.primary_class,
        primary_domain=primary.domain if primary is not None else None,
        slot=decided.slot,
        company_name=company["company_name"] if company else None,
    )
    proof_ok = decided.proof_line is not None and decided.proof_valid_until > as_of
    if proof_ok:
        decision.proof = decided

    # §5 gates 1-10, first failure wins.
    identity_ok = (
        company is not None
        and company["identity_copies"] == 1
        and company["identity_status"] == "PASS"
        and not rm.is_blank(company["company_name"])
    )
    if company is None or company["is_excluded"] or not identity_ok:
        decision.reason = "EXCLUDED"
        return decision
    if company["has_kill_switch"]:
        decision.reason = "KILL_SWITCH"
        return decision
    if decided.band < MIN_CONTACT_BAND:
        decision.reason = "BAND_BELOW_3"
        return decision
    if not proof_ok:
        decision.reason = "NO_VALID_PROOF"
        return decision
    if decided.slot is None:
        decision.reason = "NO_FILLED_SLOT"
        return decision
    slot_row = next(
        s for s in rm.good_slot_rows(data.company_slot, spine) if s["slot_type"] == decided.slot and s["is_filled"]
    )
    person = next(p for p in data.people_master if p["unique_id"] == slot_row["person_unique_id"])
    email = normalize_email(person["email"])
    decision.person_unique_id = person["unique_id"]
    decision.first_name = (person["first_name"] or "").strip(WHITESPACE) or None
    decision.email_to = email
    decision.message_id = message_id(outreach_id, decided.slot, decided.primary_class, decided.proof_id, as_of)
    ready = email is not None and EMAIL_PATTERN.match(email) and person["outreach_ready"] is True
    if not ready or decision.first_name is None:  # the templates greet by first name
        decision.reason = "EMAIL_NOT_READY"
        return decision
    if db.execute(_SUPPRESSED_SQL, {"email": email, "as_of": as_of}).fetchone()["is_suppressed"]:
        decision.reason = "SUPPRESSED"
        return decision
    contact = db.execute(
        _CONTACT_SQL if has_queue else _CONTACT_NO_QUEUE_SQL,
        {
            **params,
            "class": decided.primary_class,
            "touch_since": as_of - timedelta(days=TOUCH_CAP_WINDOW_DAYS),
            "message_id": decision.message_id,
        },
    ).fetchone()
    last_contacted_at, touches, already_queued = (
        contact["last_contacted_at"],
        contact["touches"],
        contact["already_queued"],
    )
    if last_contacted_at is not None and last_contacted_at > as_of - timedelta(days=COOLING_OFF_DAYS):
        decision.reason = "COOLING_OFF"
        return decision
    cap = TOUCH_CAPS.get(decided.band)
    if cap is not None and touches >= cap:
        decision.reason = "TOUCH_CAP"
        return decision
    if already_queued:
        decision.reason = "ALREADY_QUEUED"
        return decision
    decision.reason = "CANDIDATE"  # gate 11 (daily limit) is global: decided after the loop
    return decision


# --------------------------------------------------------------------------- writing

_CREATE_SQL = f"""
create schema if not exists {SCHEMA};
drop table if exists {SCHEMA}.decisions;
drop table if exists {SCHEMA}.send_queue;
create table {SCHEMA}.decisions (
    outreach_id uuid primary key,
    decision_reason text not null,
    band int,
    bit_score int,
    pressure_class text,
    proof_id uuid,
    proof_line text,
    slot_type text,
    message_id text,
    decided_at timestamptz not null
);
create table {SCHEMA}.send_queue (
    message_id text primary key,
    outreach_id uuid not null,
    slot_type text not null,
    person_unique_id text not null,
    email_to text not null,
    company_name text not null,
    band int not null,
    band_name text not null,
    bit_score int not null,
    pressure_class text not null,
    proof_id uuid not null,
    proof_line text not null,
    proof_sources text[] not null,
    proof_evidence jsonb not null,
    proof_valid_until timestamptz not null,
    decision_window_days int,
    template_id text not null,
    template_version int not null,
    subject text not null,
    body text not null,
    channel text not null,
    queued_at timestamptz not null
)
"""

_INSERT_DECISION_SQL = f"""
insert into {SCHEMA}.decisions
    (outreach_id, decision_reason, band, bit_score, pressure_class, proof_id, proof_line, slot_type,
     message_id, decided_at)
values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""

_INSERT_QUEUE_SQL = f"""
insert into {SCHEMA}.send_queue values
    (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _templates(db: psycopg.Connection) -> tuple[dict[tuple[str, str], dict], str]:
    """The latest template per (audience, pressure class), and the footer (from the seeds)."""
    rows = db.execute(
        "select template_id, template_version, audience, pressure_class, subject, body"
        " from rules.message_templates order by template_version desc, template_id asc"
    ).fetchall()
    templates: dict[tuple[str, str], dict] = {}
    for row in rows:
        templates.setdefault((row["audience"], row["pressure_class"]), row)
    footer = db.execute("select footer from rules.message_footers where footer_id = %s", (FOOTER_ID,)).fetchone()
    return templates, footer["footer"]


def render(text: str, values: dict[str, str | None]) -> str:
    """One pass: every `{{ name }}` becomes its value, inserted as data (never re-rendered)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1)) or "", text)


def _queue_row(decision: Decision, template: dict, footer: str, as_of: datetime) -> tuple:
    proof = decision.proof
    values = {
        "company_name": decision.company_name,
        "first_name": decision.first_name,
        "proof_line": proof.proof_line,
        "evidence": proof.proof_evidence.get(decision.primary_domain),
        "unsubscribe_url": UNSUBSCRIBE_BASE_URL + decision.message_id,
        "sender_postal_address": SENDER_POSTAL_ADDRESS,
    }
    body = render(template["body"], values) + "\n\n" + render(footer, values)
    return (
        decision.message_id,
        decision.outreach_id,
        decision.slot,
        decision.person_unique_id,
        decision.email_to,
        decision.company_name,
        decision.band,
        decision.band_name,
        decision.bit_score,
        decision.pressure_class,
        proof.proof_id,
        proof.proof_line,
        list(proof.proof_sources),
        Jsonb(proof.proof_evidence),
        proof.proof_valid_until,
        proof.decision_window_days,
        template["template_id"],
        template["template_version"],
        render(template["subject"], values),
        body,
        "email",
        as_of,
    )


# --------------------------------------------------------------------------- the run


@dataclass
class BaselineResult:
    sample_size: int
    companies: int
    index_seconds: float
    loop_seconds: float
    seconds_per_company: float
    queries_per_company: float
    decisions: dict[str, int]
    queued: int
    agreement: dict[str, Any]
    real_queue_untouched: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "sample_size": self.sample_size,
            "companies": self.companies,
            "index_seconds": round(self.index_seconds, 3),
            "loop_seconds": round(self.loop_seconds, 3),
            "seconds_per_company": self.seconds_per_company,
            "queries_per_company": round(self.queries_per_company, 2),
            "extrapolated_seconds_all_companies": round(self.seconds_per_company * self.companies, 1),
            "decisions": self.decisions,
            "queued": self.queued,
            "agreement_with_set_based": self.agreement,
            "real_queue_untouched": self.real_queue_untouched,
        }


def sample_companies(db: psycopg.Cursor, size: int, seed: int) -> list[str]:
    """A deterministic random sample of the spine's companies (by a seeded hash order)."""
    rows = db.execute(
        "select outreach_id::text from (select distinct outreach_id from outreach.outreach"
        " where outreach_id is not null) as spine order by md5(outreach_id::text || %s) limit %s",
        (str(seed), size),
    ).fetchall()
    return [row[0] for row in rows]


def create_indexes(db: psycopg.Connection) -> None:
    for name, table, key in INDEXES:
        db.execute(f"create index if not exists {name} on {table} ({key})")
    for _, table, _ in INDEXES:
        db.execute(f"analyze {table}")


def drop_indexes(db: psycopg.Connection) -> None:
    for name, table, _ in INDEXES:
        db.execute(f"drop index if exists {table.split('.')[0]}.{name}")


def _agreement(db: psycopg.Connection, decisions: dict[str, Decision]) -> dict[str, Any]:
    """Compare with the set-based decisions of the same as_of (decision_log_current)."""
    rows = db.execute(
        "select outreach_id::text, decision_reason, band, proof_id::text, slot_type, message_id"
        " from execution.decision_log_current where outreach_id = any(%s::uuid[])",
        (list(decisions),),
    ).fetchall()
    passed = {"QUEUED", "DAILY_LIMIT", "CANDIDATE"}
    differing = []
    for row in rows:
        d = decisions[row["outreach_id"]]
        ours = (
            "PASSED" if d.reason in passed else d.reason,
            d.band,
            d.proof.proof_id if d.proof is not None else None,
            d.slot,
            d.message_id,
        )
        theirs = (
            "PASSED" if row["decision_reason"] in passed else row["decision_reason"],
            row["band"],
            row["proof_id"] if row["proof_id"] is not None and row["band"] >= MIN_CONTACT_BAND else None,
            row["slot_type"],
            row["message_id"],
        )
        # The set-based log keeps the proof fields of a proof that exists but is no longer
        # valid, and a message id only for a message it queued: the ids are compared there.
        same_message = theirs[4] is None or ours[4] == theirs[4]
        if ours[:2] != theirs[:2] or ours[3] != theirs[3] or not same_message:
            differing.append({"outreach_id": row["outreach_id"], "baseline": ours, "set_based": theirs})
    columns = ", ".join(f"{table}.{column}" for table in ("b", "q") for column in _QUEUE_COLUMNS)
    half = len(_QUEUE_COLUMNS)
    queue = (
        db.cursor(row_factory=tuple_row)
        .execute(
            f"select {columns} from {SCHEMA}.send_queue as b inner join execution.send_queue as q using (message_id)"
        )
        .fetchall()
    )
    identical = sum(1 for row in queue if row[:half] == row[half:])
    return {
        "compared": len(rows),
        "agreeing": len(rows) - len(differing),
        "fields": "decision reason (QUEUED and DAILY_LIMIT count as passed), band, slot, message id (of "
        "the messages the set-based run queued)",
        "examples": differing[:5],
        "queue_rows_in_both": len(queue),
        "queue_rows_identical": identical,
    }


# Every column of execution.send_queue but dbt_invocation_id.
_QUEUE_COLUMNS = (
    "message_id",
    "outreach_id",
    "slot_type",
    "person_unique_id",
    "email_to",
    "company_name",
    "band",
    "band_name",
    "bit_score",
    "pressure_class",
    "proof_id",
    "proof_line",
    "proof_sources",
    "proof_evidence",
    "proof_valid_until",
    "decision_window_days",
    "template_id",
    "template_version",
    "subject",
    "body",
    "channel",
    "queued_at",
)


def run(
    conninfo: str,
    as_of: datetime,
    sample_size: int,
    seed: int = 42,
    daily_queue_limit: int = settings.DEMO_DAILY_QUEUE_LIMIT,
) -> BaselineResult:
    """Index the sources, decide ``sample_size`` sampled companies one at a time, write the
    baseline's decisions and queue rows, compare with the set-based decisions, drop the
    indexes again."""
    with psycopg.connect(conninfo, autocommit=True, row_factory=dict_row) as db:
        reference_model().register_infinite_timestamps(db)
        db.execute("set time zone 'UTC'")
        companies = db.execute("select count(distinct outreach_id) as n from outreach.outreach").fetchone()["n"]
        sample = sample_companies(db.cursor(row_factory=tuple_row), sample_size, seed)
        real_queue_before = _real_queue_checksum(db)
        started = time.perf_counter()
        create_indexes(db)
        index_seconds = time.perf_counter() - started
        try:
            db.execute(_CREATE_SQL)
            has_queue = db.execute("select to_regclass('execution.send_queue') is not null as q").fetchone()["q"]
            templates, footer = _templates(db)
            queued_today = 0
            if has_queue:
                queued_today = db.execute(
                    "select count(*) as n from execution.send_queue"
                    " where queued_at < %(as_of)s and (queued_at at time zone 'UTC')::date"
                    " = (%(as_of)s::timestamptz at time zone 'UTC')::date",
                    {"as_of": as_of},
                ).fetchone()["n"]

            session = Session(db)
            started = time.perf_counter()
            decisions: dict[str, Decision] = {}
            for outreach_id in sample:
                decision = decide(session, outreach_id, as_of, has_queue)
                decisions[outreach_id] = decision
                proof = decision.proof
                session.execute(
                    _INSERT_DECISION_SQL,
                    (
                        outreach_id,
                        decision.reason,
                        decision.band,
                        decision.bit_score,
                        decision.pressure_class,
                        proof.proof_id if proof else None,
                        proof.proof_line if proof else None,
                        decision.slot,
                        decision.message_id,
                        as_of,
                    ),
                )
            # Gate 11: the daily limit ranks every candidate (band desc, score desc, id).
            candidates = sorted(
                (d for d in decisions.values() if d.reason == "CANDIDATE"),
                key=lambda d: (-d.band, -d.bit_score, d.outreach_id),
            )
            capacity = max(daily_queue_limit - queued_today, 0)
            with db.transaction():
                for rank, decision in enumerate(candidates, start=1):
                    decision.reason = "QUEUED" if rank <= capacity else "DAILY_LIMIT"
                    session.execute(
                        f"update {SCHEMA}.decisions set decision_reason = %s where outreach_id = %s",
                        (decision.reason, decision.outreach_id),
                    )
                    if decision.reason == "QUEUED":
                        template = templates[(decision.slot, decision.pressure_class)]
                        session.execute(_INSERT_QUEUE_SQL, _queue_row(decision, template, footer, as_of))
            loop_seconds = time.perf_counter() - started
            queries = session.statements
            agreement = _agreement(db, decisions) if _has_decision_log(db) else {"compared": 0, "agreeing": 0}
            real_queue_untouched = _real_queue_checksum(db) == real_queue_before
        finally:
            drop_indexes(db)
    counts: dict[str, int] = {}
    for decision in decisions.values():
        counts[decision.reason] = counts.get(decision.reason, 0) + 1
    return BaselineResult(
        sample_size=len(sample),
        companies=companies,
        index_seconds=index_seconds,
        loop_seconds=loop_seconds,
        seconds_per_company=loop_seconds / max(len(sample), 1),
        queries_per_company=queries / max(len(sample), 1),
        decisions=dict(sorted(counts.items())),
        queued=counts.get("QUEUED", 0),
        agreement=agreement,
        real_queue_untouched=real_queue_untouched,
    )


def _real_queue_checksum(db: psycopg.Connection) -> str | None:
    """md5 over execution.send_queue's rows (None when there is no queue): the baseline
    must leave it exactly as it was."""
    if not db.execute("select to_regclass('execution.send_queue') is not null as q").fetchone()["q"]:
        return None
    return db.execute(
        "select md5(coalesce(string_agg(q::text, E'\\n' order by q.message_id), '')) as c"
        " from execution.send_queue as q"
    ).fetchone()["c"]


def _has_decision_log(db: psycopg.Connection) -> bool:
    return db.execute("select to_regclass('execution.decision_log_current') is not null as x").fetchone()["x"]
