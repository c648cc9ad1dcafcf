"""The per-company baseline the benchmark compares the set-based build with.

The seed (``seed/MESSAGING_HANDOFF.md``) describes the messaging logic per company: a
``select_slot(company_id, pressure_class)`` that calls ``is_slot_filled(company_id, slot)``,
and its upstream system ran its gates one company at a time from Python. This module is
that approach, implemented honestly so that the comparison means something:

- per company, one set of round trips over one psycopg connection reads its spine row,
  identity, exclusions, kill switches, signals (three tables), DOL filings, slots,
  slot history, the people its slots point at, then (when a gate needs them) the
  suppression, contact and queue history of that person and company;
- it decides in Python with the project's reference model (``pressure_outreach.reference``,
  docs/rulebook.md §0-§4: quarantine, duplicates, bridges, band, caps, class, proof line,
  ``select_slot``) and the gates of docs/rulebook.md §5 written here, run in the order of
  the ``decision_gates`` var;
- it writes one decision row per company, and for every company that passes the gates a
  rendered queue row, into its own schema (``bench_baseline``), never the real
  ``execution.send_queue``.

Every number, list and reason code comes from ``Params.from_project()`` (the seeds and vars
dbt reads). Each gate's condition here is keyed by the flag the gates model keeps for it
(``is_below_contact_band``, ...); which reason code a flag stops a company with, and in which
order the gates run, is read from the project (the model's ``gate_flags`` and the
``decision_gates`` var), so a renamed code or a reordered var is followed, not repeated.

To give it a fair chance, the source tables get b-tree indexes on the keys it looks up
(created before it runs, timed separately, dropped afterwards): without them every
lookup would scan a whole table and the per-company approach would be quadratic.

Two things are inherently global and are done once per run, not per company: the daily
queue limit (it ranks all candidates, the last gate of docs/rulebook.md §5) and reading the
message templates.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row
from psycopg.types.json import Jsonb

from pressure_outreach import settings
from pressure_outreach.reference import Params, SourceData, register_infinite_timestamps
from pressure_outreach.reference.bands import primary_signal
from pressure_outreach.reference.decisions import decide_company
from pressure_outreach.reference.instants import md5_uuid, utc_date
from pressure_outreach.reference.load import convert_value
from pressure_outreach.reference.rows import WHITESPACE, is_blank
from pressure_outreach.reference.signals import all_signals, is_active, renewal_bridges
from pressure_outreach.reference.slots import filled_slots, good_slot_rows

SCHEMA = "bench_baseline"

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# The decision of a company no gate stopped; a company that passed every gate but the
# daily limit is a CANDIDATE until the limit ranks them all, after the loop.
QUEUED = "QUEUED"
CANDIDATE = "CANDIDATE"
# The identity status that may be contacted (gate 1; the SQL compares with it too).
IDENTITY_PASS = "PASS"

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


class BaselineError(RuntimeError):
    """The project has a gate the baseline cannot check."""


def normalize_email(email: str | None) -> str | None:
    """docs/rulebook.md §9: trimmed of surrounding white space and lowercased; blank is None."""
    if email is None:
        return None
    trimmed = email.strip(WHITESPACE)
    return trimmed.lower() if trimmed else None


def message_id(outreach_id: str, slot: str, pressure_class: str, proof_id: str, as_of: datetime) -> str:
    day = utc_date(as_of).isoformat()
    return md5_uuid(f"message|{outreach_id}|{slot}|{pressure_class}|{proof_id}|{day}")


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
        and (
            event_type = any(%(suppressing_events)s)
            or (event_type = 'bounced' and bounce_type = any(%(suppressing_bounces)s))
        )
) as is_suppressed
"""
# The company's last contact: a queue row of an earlier run, or a `sent` event
# (docs/rulebook.md §5, gate 8); an event whose only defect is its own id (missing, or repeated) still counts, as it
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
    return [{k: convert_value(v) for k, v in row.items()} for row in db.execute(query, params).fetchall()]


class CompanyGates:
    """The gates of docs/rulebook.md §5 for one company, each the flag of the gates model of
    that name, computed from the company's own rows; the rows a flag needs are read the first
    time it is asked, so a company stopped early costs no more queries than it needs."""

    def __init__(
        self, db: Session, outreach_id: str, as_of: datetime, has_queue: bool, params: Params, email_pattern: re.Pattern
    ) -> None:
        self.db = db
        self.outreach_id = outreach_id
        self.as_of = as_of
        self.has_queue = has_queue
        self.params = params
        self.email_pattern = email_pattern
        self.query = {"id": outreach_id, "as_of": as_of, "blocking": list(params.blocking_override_types)}
        self.company = db.execute(_COMPANY_SQL, self.query).fetchone()
        signals = _rows(db, _SIGNALS_SQL, self.query)
        self.data = SourceData(
            outreach=[{"outreach_id": outreach_id}],
            dol=_rows(db, _DOL_SQL, self.query),
            company_slot=_rows(db, _SLOTS_SQL, self.query),
            slot_assignment_history=_rows(db, _HISTORY_SQL, self.query),
            dol_signals=[s for s in signals if s["hub"] == "DOL"],
            people_signals=[s for s in signals if s["hub"] == "PEOPLE"],
            blog_signals=[s for s in signals if s["hub"] == "BLOG"],
        )
        persons = sorted({s["person_unique_id"] for s in self.data.company_slot if s["person_unique_id"] is not None})
        self.data.people_master = _rows(db, _PEOPLE_SQL, {"ids": persons}) if persons else []

        # §0-§4 with the reference model, over this company's rows.
        spine = {outreach_id}
        self.spine = spine
        filled = filled_slots(self.data, spine, params)
        renewals = renewal_bridges(self.data, spine, as_of, params)
        self.active = [s for s in all_signals(self.data, spine, filled, renewals, as_of, params) if is_active(s, as_of)]
        self.decided = decide_company(outreach_id, self.active, filled, renewals.get(outreach_id), as_of, params)

    @cached_property
    def proof_ok(self) -> bool:
        decided = self.decided
        return decided.proof_line is not None and decided.proof_valid_until > self.as_of

    @cached_property
    def person(self) -> dict | None:
        """The holder of the chosen slot (None when no slot is filled)."""
        slot = self.decided.slot
        if slot is None:
            return None
        slot_row = next(
            s
            for s in good_slot_rows(self.data.company_slot, self.spine, self.params)
            if s["slot_type"] == slot and s["is_filled"]
        )
        return next(p for p in self.data.people_master if p["unique_id"] == slot_row["person_unique_id"])

    @cached_property
    def email(self) -> str | None:
        return normalize_email(self.person["email"]) if self.person is not None else None

    @cached_property
    def first_name(self) -> str | None:
        return ((self.person["first_name"] or "").strip(WHITESPACE) or None) if self.person is not None else None

    @cached_property
    def message_id(self) -> str | None:
        """docs/rulebook.md §7: of a company with a proof and a slot."""
        decided = self.decided
        if decided.proof_id is None or decided.slot is None:
            return None
        return message_id(self.outreach_id, decided.slot, decided.primary_class, decided.proof_id, self.as_of)

    @cached_property
    def contact(self) -> dict:
        """The company's last contact, its touches in its class within the window, and
        whether its message is already queued."""
        return self.db.execute(
            _CONTACT_SQL if self.has_queue else _CONTACT_NO_QUEUE_SQL,
            {
                **self.query,
                "class": self.decided.primary_class,
                "touch_since": self.as_of - timedelta(days=self.params.touch_cap_window_days),
                "message_id": self.message_id,
            },
        ).fetchone()

    # ------------------------------------------------------------------ the flags

    def is_excluded(self) -> bool:
        company = self.company
        identity_ok = (
            company is not None
            and company["identity_copies"] == 1
            and company["identity_status"] == IDENTITY_PASS
            and not is_blank(company["company_name"])
        )
        return company is None or company["is_excluded"] or not identity_ok

    def has_kill_switch(self) -> bool:
        return self.company is not None and self.company["has_kill_switch"]

    def is_below_contact_band(self) -> bool:
        return self.decided.band < self.params.min_contact_band

    def lacks_valid_proof(self) -> bool:
        return not self.proof_ok

    def lacks_filled_slot(self) -> bool:
        return self.decided.slot is None

    def is_email_not_ready(self) -> bool:
        email, person = self.email, self.person
        ready = email is not None and self.email_pattern.match(email) and person["outreach_ready"] is True
        return not ready or self.first_name is None  # the templates greet by first name

    def is_suppressed(self) -> bool:
        if self.email is None:
            return False
        query = {
            "email": self.email,
            "as_of": self.as_of,
            "suppressing_events": list(self.params.suppressing_event_types),
            "suppressing_bounces": list(self.params.suppressing_bounce_types),
        }
        return self.db.execute(_SUPPRESSED_SQL, query).fetchone()["is_suppressed"]

    def is_cooling_off(self) -> bool:
        last = self.contact["last_contacted_at"]
        return last is not None and last > self.as_of - timedelta(days=self.params.cooling_off_days)

    def is_at_touch_cap(self) -> bool:
        cap = self.params.touch_caps.get(self.decided.band)
        return cap is not None and self.contact["touches"] >= cap

    def is_already_queued(self) -> bool:
        return self.message_id is not None and self.contact["already_queued"]


# Each gate's condition by the name of its flag in the gates model (int_decisions_gated).
FLAG_CHECKS: dict[str, Callable[[CompanyGates], bool]] = {
    "is_excluded": CompanyGates.is_excluded,
    "has_kill_switch": CompanyGates.has_kill_switch,
    "is_below_contact_band": CompanyGates.is_below_contact_band,
    "lacks_valid_proof": CompanyGates.lacks_valid_proof,
    "lacks_filled_slot": CompanyGates.lacks_filled_slot,
    "is_email_not_ready": CompanyGates.is_email_not_ready,
    "is_suppressed": CompanyGates.is_suppressed,
    "is_cooling_off": CompanyGates.is_cooling_off,
    "is_at_touch_cap": CompanyGates.is_at_touch_cap,
    "is_already_queued": CompanyGates.is_already_queued,
}


def check_gates(params: Params) -> None:
    """Every gate of the project has a condition here."""
    unknown = sorted(flag for flag in params.gate_flags.values() if flag not in FLAG_CHECKS)
    if unknown:
        raise BaselineError(f"the gates model has flags the baseline has no condition for: {', '.join(unknown)}")


def decide(
    db: Session, outreach_id: str, as_of: datetime, has_queue: bool, params: Params, email_pattern: re.Pattern
) -> Decision:
    """docs/rulebook.md §1-§5 for one company, from its own rows only: every gate but the
    daily limit, in the order of the decision_gates var; the first that stops it names it."""
    gates = CompanyGates(db, outreach_id, as_of, has_queue, params, email_pattern)
    decided = gates.decided
    primary = primary_signal(gates.active, decided.active_domains, params)
    decision = Decision(
        outreach_id=outreach_id,
        reason=CANDIDATE,
        band=decided.band,
        band_name=decided.band_name,
        bit_score=decided.bit_score,
        pressure_class=decided.primary_class,
        primary_domain=primary.domain if primary is not None else None,
        proof=decided if gates.proof_ok else None,
        slot=decided.slot,
        company_name=gates.company["company_name"] if gates.company else None,
    )
    for code, flag in params.gate_flags.items():  # in the order of the decision_gates var
        if FLAG_CHECKS[flag](gates):
            decision.reason = code
            break
    if gates.person is not None:
        decision.person_unique_id = gates.person["unique_id"]
        decision.first_name = gates.first_name
        decision.email_to = gates.email
        decision.message_id = gates.message_id
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


def _templates(db: psycopg.Connection, params: Params) -> tuple[dict[tuple[str, str], dict], str]:
    """The latest template per (audience, pressure class), and the footer (from the seeds)."""
    rows = db.execute(
        "select template_id, template_version, audience, pressure_class, subject, body"
        " from rules.message_templates order by template_version desc, template_id asc"
    ).fetchall()
    templates: dict[tuple[str, str], dict] = {}
    for row in rows:
        templates.setdefault((row["audience"], row["pressure_class"]), row)
    footer = db.execute(
        "select footer from rules.message_footers where footer_id = %s", (params.message_footer_id,)
    ).fetchone()
    return templates, footer["footer"]


def render(text: str, values: dict[str, str | None]) -> str:
    """One pass: every `{{ name }}` becomes its value, inserted as data (never re-rendered)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1)) or "", text)


def _queue_row(decision: Decision, template: dict, footer: str, as_of: datetime, params: Params) -> tuple:
    proof = decision.proof
    values = {
        "company_name": decision.company_name,
        "first_name": decision.first_name,
        "proof_line": proof.proof_line,
        "evidence": proof.proof_evidence.get(decision.primary_domain),
        "unsubscribe_url": params.unsubscribe_base_url + decision.message_id,
        "sender_postal_address": params.sender_postal_address,
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
        params.message_channel,
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


def _agreement(db: psycopg.Connection, decisions: dict[str, Decision], params: Params) -> dict[str, Any]:
    """Compare with the set-based decisions of the same as_of (decision_log_current)."""
    rows = db.execute(
        "select outreach_id::text, decision_reason, band, proof_id::text, slot_type, message_id"
        " from execution.decision_log_current where outreach_id = any(%s::uuid[])",
        (list(decisions),),
    ).fetchall()
    passed = {QUEUED, params.daily_limit_gate, CANDIDATE}
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
            row["proof_id"] if row["proof_id"] is not None and row["band"] >= params.min_contact_band else None,
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
        "fields": f"decision reason ({QUEUED} and {params.daily_limit_gate} count as passed), band, slot, "
        "message id (of the messages the set-based run queued)",
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
    daily_queue_limit: int | None = None,
    params: Params | None = None,
) -> BaselineResult:
    """Index the sources, decide ``sample_size`` sampled companies one at a time, write the
    baseline's decisions and queue rows, compare with the set-based decisions, drop the
    indexes again. ``params`` defaults to the project's with the demo's vars (what the
    benchmark builds with); ``daily_queue_limit`` overrides its limit."""
    params = params or Params.from_project(dbt_vars=settings.demo_dbt_vars())
    if daily_queue_limit is not None:
        params = dataclasses.replace(params, daily_queue_limit=daily_queue_limit)
    check_gates(params)
    email_pattern = re.compile(params.email_pattern)
    with psycopg.connect(conninfo, autocommit=True, row_factory=dict_row) as db:
        register_infinite_timestamps(db)
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
            templates, footer = _templates(db, params)
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
                decision = decide(session, outreach_id, as_of, has_queue, params, email_pattern)
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
            # The daily limit ranks every candidate (band desc, score desc, id).
            candidates = sorted(
                (d for d in decisions.values() if d.reason == CANDIDATE),
                key=lambda d: (-d.band, -d.bit_score, d.outreach_id),
            )
            capacity = max(params.daily_queue_limit - queued_today, 0)
            with db.transaction():
                for rank, decision in enumerate(candidates, start=1):
                    decision.reason = QUEUED if rank <= capacity else params.daily_limit_gate
                    session.execute(
                        f"update {SCHEMA}.decisions set decision_reason = %s where outreach_id = %s",
                        (decision.reason, decision.outreach_id),
                    )
                    if decision.reason == QUEUED:
                        template = templates[(decision.slot, decision.pressure_class)]
                        session.execute(_INSERT_QUEUE_SQL, _queue_row(decision, template, footer, as_of, params))
            loop_seconds = time.perf_counter() - started
            queries = session.statements
            agreement = _agreement(db, decisions, params) if _has_decision_log(db) else {"compared": 0, "agreeing": 0}
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
        queued=counts.get(QUEUED, 0),
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
