"""End to end on a real PostgreSQL: the send queue is append-only and idempotent, honours
cool-downs and touch caps, survives --full-refresh, reacts to the Execution Hub's events;
each authorization invariant catches the violation it names, and a build whose invariant
fails leaves the queue exactly as it was.

Every test starts from a copy of the SMALL data set (datasets.py: 6,000 generated
companies built at T0, the default daily limit of 100, which holds some back).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
import yaml
from psycopg.types.json import Jsonb

import databases
import datasets
import support

T0 = support.DEMO_AS_OF
COMPANIES = datasets.SMALL_COMPANIES
ALL_ELIGIBLE = {"daily_queue_limit": 1_000_000}
# The builds below replay later days without the Execution Hub's daily send_events feed, so
# the stale-feed guard (tests/feeds/, test_freshness.py) is switched off for them: an
# invariant test must fail because of its invariant, not because the feed is old.
REPLAY = {"send_events_max_age_hours": None}
QUEUE = "execution.send_queue"
BUILD = support.PRODUCTION_BUILD


@pytest.fixture
def built(conn_settings):
    """A copy of its own of the SMALL data set, built at T0."""
    with databases.copy_of(conn_settings, datasets.SMALL, "queue") as copy:
        yield copy


@pytest.fixture(scope="module")
def shared_build(conn_settings):
    """One copy for the tests that must leave the queue as they found it (a failing
    build, a re-run, a full refresh): each checks the queue is unchanged, so sharing it
    cannot hide a change."""
    with databases.copy_of(conn_settings, datasets.SMALL, "queue_shared") as copy:
        yield copy


def queue_checksum(conn) -> str:
    return support.table_checksums(conn, [QUEUE])[QUEUE]


def queued(conn, as_of=None) -> set[str]:
    where = "" if as_of is None else " where queued_at = %s"
    params = () if as_of is None else (as_of,)
    return {row[0] for row in support.query(conn, f"select outreach_id::text from {QUEUE}{where}", params)}


def reasons(conn, as_of) -> dict[str, str]:
    rows = support.query(
        conn, "select outreach_id::text, decision_reason from execution.decision_log where decided_at = %s", (as_of,)
    )
    return dict(rows)


def test_rerun_with_the_same_as_of_adds_nothing(shared_build):
    built = shared_build
    before = queue_checksum(built)
    (queue_rows,) = support.query(built, f"select count(*) from {QUEUE}")[0]
    assert 0 < queue_rows <= 100
    support.run_dbt(built, BUILD, T0)
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*), count(distinct outreach_id) from execution.decision_log") == [
        (COMPANIES, COMPANIES)
    ]


DECISION_LOG_INDEXES = "select indexdef from pg_indexes where schemaname = 'execution' and tablename = 'decision_log'"


def test_the_decision_log_gets_its_index_even_when_it_was_built_without_it(shared_build):
    """The log grows by one row per company per run; its index on decided_at lets the append
    and decision_log_current read one run. The log is never re-created (full_refresh=false),
    so the post-hook adds the index to a log that existed before it, and leaves it alone
    once there."""
    built = shared_build
    before = queue_checksum(built)
    indexed = [d for (d,) in support.query(built, DECISION_LOG_INDEXES) if d.endswith("(decided_at)")]
    assert len(indexed) == 1, indexed
    with psycopg.connect(built.conninfo()) as db:
        db.execute("drop index execution.decision_log__decided_at_idx")
    assert support.query(built, DECISION_LOG_INDEXES) == []
    support.run_dbt(built, [*BUILD, "-s", "+decision_log"], T0)
    support.run_dbt(built, [*BUILD, "-s", "+decision_log"], T0)
    assert [d for (d,) in support.query(built, DECISION_LOG_INDEXES)] == indexed
    assert support.query(built, "select count(*) from execution.decision_log") == [(COMPANIES,)]
    assert queue_checksum(built) == before


def test_the_decision_logs_tests_read_the_run_they_check(shared_build):
    """The decision log grows by a run a day, so its data tests read the rows of this run's
    as_of (`__as_of__` in their `where`, macros/get_where_subquery.sql), not the history: a
    duplicate decision in this run fails them, the same row in an earlier run is not read
    again (it was checked when it was appended)."""
    built = shared_build
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        (copied,) = db.execute(
            "insert into execution.decision_log select * from execution.decision_log "
            "where decided_at = %s limit 1 returning decision_id",
            (T0,),
        ).fetchone()
    try:
        this_run = support.run_dbt(built, ["test", "-s", "decision_log"], T0, check=False, extra_vars=REPLAY)
        next_run = support.run_dbt(
            built, ["test", "-s", "decision_log"], T0 + timedelta(days=1), check=False, extra_vars=REPLAY
        )
    finally:
        with psycopg.connect(built.conninfo(), autocommit=True) as db:
            db.execute(
                "delete from execution.decision_log where ctid = "
                "(select max(ctid) from execution.decision_log where decision_id = %s)",
                (copied,),
            )
    assert this_run.returncode != 0
    for test in ("unique_and_not_null_decision_log_decision_id", "unique_combination_decision_log_outreach_id"):
        assert re.search(rf"FAIL 1 {test}", this_run.stdout), f"{test} should fail:\n{this_run.stdout[-3000:]}"
    assert next_run.returncode == 0, next_run.stdout[-3000:]
    assert support.query(built, "select count(*) - count(distinct decision_id) from execution.decision_log") == [(0,)]


def test_cool_down_then_requeue_within_touch_caps(built):
    first = queued(built, T0)
    ten_days = T0 + timedelta(days=10)
    support.run_dbt(built, BUILD, ten_days, extra_vars=REPLAY)
    after_ten = reasons(built, ten_days)
    assert not first & queued(built, ten_days)
    cooling = [oid for oid in first if after_ten[oid] == "COOLING_OFF"]
    assert cooling, "companies queued ten days ago should be cooling off"

    later = T0 + timedelta(days=31)
    support.run_dbt(built, BUILD, later, extra_vars=REPLAY)
    after_31 = reasons(built, later)
    assert not any(after_31[oid] == "COOLING_OFF" for oid in first - queued(built, ten_days))
    assert first & queued(built, later), "some companies queued 31 days ago should be queued again"
    # A one-day cool-down and no daily limit: companies queued at T0 and T0+31 get their third
    # touch two days later, and band-3 companies (cap 3 per class in 365 days) stop there.
    frequent = {**REPLAY, **ALL_ELIGIBLE, "cooling_off_days": 1}
    for days in (33, 35):
        support.run_dbt(built, BUILD, T0 + timedelta(days=days), extra_vars=frequent)
    assert "TOUCH_CAP" in reasons(built, T0 + timedelta(days=35)).values()
    over_cap = support.query(
        built,
        f"""
        select q.outreach_id, q.pressure_class, count(*), max(t.touch_cap)
        from {QUEUE} as q
        join rules.band_thresholds as t on t.band = q.band
        group by q.outreach_id, q.pressure_class
        having count(*) > coalesce(max(t.touch_cap), 1000000)
        """,
    )
    assert over_cap == []


def invariant_violations(conn, invariant: str, dbt_vars: dict | None = None) -> set[tuple[str, str]]:
    """The rows an authorization test returned in the last build against `conn`: its
    compiled SQL (written by that build) run again on the tables it read."""
    compiled = support.dbt_target_path(conn, dbt_vars) / "compiled" / "pressure_outreach"
    sql = (compiled / "tests" / "authorization" / f"{invariant}.sql").read_text(encoding="utf-8")
    return {(str(violation), str(subject)) for violation, subject in support.query(conn, sql)}


ONE_PER_COMPANY = "queued_one_message_per_company_within_daily_limit"


def test_a_rerun_after_the_data_changed_adds_no_second_message(built):
    """A run is its as_of: a build repeated at the same as_of after a late signal changed a
    queued company's proof would render it a new message id. The invariant counts what the
    first build of the run already queued, so the re-run fails instead of mailing the
    company twice in one run, and the queue keeps its first message."""
    (message_id, outreach_id, pressure_class) = support.query(
        built, f"select message_id, outreach_id::text, pressure_class from {QUEUE} order by message_id limit 1"
    )[0]
    before = queue_checksum(built)
    late = {
        "signal_id": str(uuid.uuid4()),
        "outreach_id": outreach_id,
        "signal_type": "EMPLOYER_COST_RISING",
        "pressure_domain": "STRUCTURAL_PRESSURE",
        "pressure_class": pressure_class,
        "signal_value": Jsonb({"evidence": "a late filing: premiums up 41%"}),
        "magnitude": 100,
        "detected_at": T0 - timedelta(hours=2),
        "expires_at": T0 + timedelta(days=90),
        "source_record_id": "late-filing",
        "created_at": T0 - timedelta(hours=1),
    }
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        db.execute(
            f"insert into dol.pressure_signals ({', '.join(late)}) values ({', '.join(['%s'] * len(late))})",
            tuple(late.values()),
        )
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    result = support.run_dbt(built, BUILD, T0, check=False)
    assert result.returncode != 0, result.stdout[-3000:]
    assert re.search(rf"FAIL \d+ {ONE_PER_COMPANY}\b", result.stdout), result.stdout[-3000:]
    violations = invariant_violations(built, ONE_PER_COMPANY)
    assert ("company with several messages in this run", outreach_id) in violations, violations
    assert ("not the message this run decided for the company", outreach_id) in violations, violations
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows
    rendered = support.query(
        built, "select message_id from analytics.int_messages_rendered where outreach_id = %s", (outreach_id,)
    )
    assert rendered and rendered[0][0] != message_id, "the late signal should have changed the company's message"


def test_a_rerun_with_a_higher_limit_queues_nobody_the_run_held_back(built):
    """The run at T0 held companies back at DAILY_LIMIT and logged it. Repeated at T0 with a
    higher limit, it would queue them while the decision log (which keeps a run's first
    decision) still says DAILY_LIMIT: the invariant fails, nothing is appended."""
    held_back = {
        oid
        for (oid,) in support.query(
            built,
            "select outreach_id::text from execution.decision_log where decided_at = %s and decision_reason = 'DAILY_LIMIT'",
            (T0,),
        )
    }
    assert held_back
    before = queue_checksum(built)
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    result = support.run_dbt(built, BUILD, T0, check=False, extra_vars=ALL_ELIGIBLE)
    assert re.search(rf"FAIL \d+ {ONE_PER_COMPANY}\b", result.stdout), result.stdout[-3000:]
    violations = invariant_violations(built, ONE_PER_COMPANY, ALL_ELIGIBLE)
    decided_otherwise = {subject for violation, subject in violations if violation.startswith("not the message")}
    assert decided_otherwise and decided_otherwise <= held_back, violations
    assert not any(violation == "daily limit exceeded" for violation, _ in violations), violations
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows


def test_full_refresh_keeps_every_queued_row(shared_build):
    built = shared_build
    before = queue_checksum(built)
    support.run_dbt(built, [*BUILD, "--full-refresh"], T0)
    assert queue_checksum(built) == before
    support.run_dbt(built, [*BUILD, "--full-refresh", "--select", "+send_queue"], T0)
    assert queue_checksum(built) == before


def _send_event(db, message_id, outreach_id, person, email, event_type, at, bounce_type=None):
    db.execute(
        "insert into execution.send_events values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (str(uuid.uuid4()), message_id, outreach_id, person, email, event_type, bounce_type, at, Jsonb({})),
    )


def test_feedback_from_the_execution_hub_changes_the_next_decisions(built):
    rows = support.query(
        built, f"select message_id, outreach_id::text, person_unique_id, email_to from {QUEUE} order by message_id"
    )
    assert len(rows) >= 4
    (bounced, unsubscribed, replied, sent_only) = rows[:4]
    # A company the first run held back at the daily limit, mailed since by another campaign.
    (held_back,) = support.query(
        built,
        "select outreach_id::text from execution.decision_log where decision_reason = 'DAILY_LIMIT' "
        "order by outreach_id limit 1",
    )[0]
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        for message in rows[:4]:
            _send_event(db, *message, "sent", T0 + timedelta(hours=1))
        _send_event(db, *bounced, "bounced", T0 + timedelta(hours=2), bounce_type="hard")
        # The Execution Hub may report an address in another case, padded.
        padded = "  " + unsubscribed[3].upper() + " "
        _send_event(
            db, unsubscribed[0], unsubscribed[1], unsubscribed[2], padded, "unsubscribed", T0 + timedelta(hours=3)
        )
        _send_event(db, *replied, "replied", T0 + timedelta(days=2))
        _send_event(db, "legacy-campaign-1", held_back, None, None, "sent", T0 + timedelta(days=5))

    soon = T0 + timedelta(days=10)
    support.run_dbt(
        built, ["run", "--select", "+int_decisions_gated", "+int_message_statuses"], soon, extra_vars=REPLAY
    )
    suppressed = dict(support.query(built, "select email, suppression_reasons from analytics.int_suppressed_emails"))
    assert suppressed.get(bounced[3]) == "hard_bounce"
    assert suppressed.get(unsubscribed[3]) == "unsubscribed"
    assert replied[3] not in suppressed
    assert sent_only[3] not in suppressed
    gated = {
        oid: (reason, email, cooling, is_suppressed)
        for oid, reason, email, cooling, is_suppressed in support.query(
            built,
            "select outreach_id::text, decision_reason, email_to, is_cooling_off, is_suppressed "
            "from analytics.int_decisions_gated",
        )
    }
    gates = list(PROJECT_VARS["decision_gates"])  # in order (dbt_project.yml)
    earlier_gates = set(gates[: gates.index("SUPPRESSED")])
    same_address = [m for m in (bounced, unsubscribed) if gated[m[1]][1] == m[3]]
    assert same_address, "the suppressed people should still be the chosen recipients ten days later"
    for message in same_address:
        assert gated[message[1]][3], f"{message[3]} should be suppressed"
        assert gated[message[1]][0] in earlier_gates | {"SUPPRESSED"}
    # Cooling off too (queued ten days ago), yet the reason is the suppression: it comes first.
    assert "SUPPRESSED" in {gated[m[1]][0] for m in same_address}
    assert gated[held_back][2], "a sent event five days ago must start the cool-down"
    assert gated[held_back][0] in earlier_gates | {"SUPPRESSED", "COOLING_OFF"}
    statuses = dict(support.query(built, "select message_id, latest_status from analytics.int_message_statuses"))
    assert statuses[replied[0]] == "replied"
    assert statuses[sent_only[0]] == "sent"
    assert statuses[bounced[0]] == "bounced"

    # Past the cool-down, with no daily limit to hide behind: only the suppression holds them back.
    later = T0 + timedelta(days=40)
    support.run_dbt(built, BUILD, later, extra_vars={**REPLAY, **ALL_ELIGIBLE})
    assert "SUPPRESSED" in {reasons(built, later)[m[1]] for m in same_address}
    mailed_again = support.query(
        built, f"select count(*) from {QUEUE} where email_to in (%s, %s)", (bounced[3], unsubscribed[3])
    )
    assert mailed_again == [(2,)], "only the two first messages, none after the bounce and the unsubscribe"


# Each invariant against the violation it names. A run is staged at T0 + 10 days (every
# model up to int_messages_rendered, nothing appended), then each case plants its violation
# where a broken gate, macro or template would leave it: a message for a company a gate
# should have stopped, a message whose proof, slot, recipient or text is wrong, a template
# whose own words lead with the product. The invariants then run once: each must report
# its case's subject, and none may report a message no case touched (the staged run's own
# messages pass them all). That a failing invariant holds the queue and the decision log
# back is shown by the next test, with a gate removed for real, and for every invariant on
# the manifest by test_invariants_guard_the_queue.py.
STAGED = T0 + timedelta(days=10)
PROJECT_VARS = yaml.safe_load((support.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
# A limit the staged run fills, with companies left over at DAILY_LIMIT.
STAGED_VARS = {**REPLAY, "daily_queue_limit": 60}
MESSAGES = "int_messages_rendered"
RECIPIENT = "queued_recipient_is_ready_and_not_suppressed"
COMPANY = "queued_company_is_not_excluded_or_switched_off"
CONTACTS = "queued_company_respects_cool_down_and_touch_caps"
PROOF = "queued_proof_is_valid_in_its_band_format"
FRAMING = "queued_message_leads_with_pressure_not_product"
RENDERED = "queued_message_is_fully_rendered_with_opt_out"
# A gate removed: the first company it stopped (and, where a gate has two causes, for the
# cause named) gets a message (a copy of a staged one with the company's own outreach_id,
# band, chosen person and address), and the invariant that must report it.
PASSED_IDENTITY = (
    "outreach_id in (select companies.outreach_id from {s}.stg_outreach__companies as companies"
    " join {s}.stg_cl__company_identities as identities on companies.sovereign_id = identities.company_unique_id"
    " where identities.identity_status = 'PASS')"
)
ON_THE_EXCLUSION_LIST = "outreach_id in (select outreach_id from {s}.stg_outreach__exclusions where is_valid)"
GATE_REMOVED = {
    "band_below_3_forced_through": ("BELOW_CONTACT_BAND", "queued_band_is_at_least_the_contact_band", "true"),
    "suppressed_address": ("SUPPRESSED", RECIPIENT, "true"),
    "email_not_ready": ("EMAIL_NOT_READY", RECIPIENT, "true"),
    "excluded_company": ("EXCLUDED", COMPANY, f"{ON_THE_EXCLUSION_LIST} and {PASSED_IDENTITY}"),
    "identity_not_passed": ("EXCLUDED", COMPANY, f"not {ON_THE_EXCLUSION_LIST} and not {PASSED_IDENTITY}"),
    "kill_switch_ignored": ("KILL_SWITCH", COMPANY, "true"),
    "cool_down_ignored": ("COOLING_OFF", CONTACTS, "true"),
    "daily_limit_ignored": ("DAILY_LIMIT", ONE_PER_COMPANY, "true"),
}


@dataclass(frozen=True)
class Message:
    message_id: str
    outreach_id: str
    band: int
    template_id: str


@pytest.fixture(scope="module")
def staged(conn_settings):
    """A copy of SMALL with a run staged at STAGED: every model the invariants read built,
    nothing appended."""
    with databases.copy_of(conn_settings, datasets.SMALL, "queue_staged") as copy:
        support.run_dbt(copy, ["run", "--select", "+int_messages_rendered"], STAGED, extra_vars=STAGED_VARS)
        yield copy


def test_the_staged_run_passes_every_invariant(staged):
    support.run_dbt(staged, ["test", "--select", "tag:queue_guard"], STAGED, extra_vars=STAGED_VARS)
    counts = dict(
        support.query(staged, f"select decision_reason, count(*) from {staged.schema}.int_decisions_gated group by 1")
    )
    assert counts["QUEUED"] == STAGED_VARS["daily_queue_limit"] and counts["DAILY_LIMIT"] >= 2, counts


class Planter:
    """Plants the violations into the staged run, each on messages of its own, and keeps
    what each case's invariant must report and which messages and companies were touched."""

    def __init__(self, db: psycopg.Connection, schema: str) -> None:
        self.db, self.s = db, schema
        rows = db.execute(
            f"select message_id, outreach_id::text, band, template_id from {schema}.{MESSAGES} order by message_id"
        ).fetchall()
        self.free = [Message(*row) for row in rows]
        self.expected: dict[str, tuple[str, str]] = {}
        self.touched_messages: set[str] = set()
        self.touched_companies: set[str] = set()

    def take(self, where=lambda m: True) -> Message:
        message = next(m for m in self.free if where(m))
        self.free.remove(message)
        self.touch(message)
        return message

    def touch(self, message: Message) -> None:
        self.touched_messages.add(message.message_id)
        self.touched_companies.add(message.outreach_id)

    def run(self, statement: str, params: dict | None = None) -> list[tuple]:
        cursor = self.db.execute(statement.replace("{s}", self.s), params or {})
        return cursor.fetchall() if cursor.description else []

    def expect(self, case: str, invariant: str, subject: str) -> None:
        self.expected[case] = (invariant, subject)

    def gate_removed(self, case: str, reason: str, invariant: str, source: Message, condition: str) -> None:
        """Give a message (a copy of `source`) to the first companies stopped at `reason` that
        meet `condition`: one in place of a staged message (the day's count stays), or, for
        the daily limit, two more than the limit allows."""
        stopped = self.run(
            "select outreach_id::text from {s}.int_decisions_gated where decision_reason = %(reason)s "
            f"and {condition} "
            "and not outreach_id::text = any(%(touched)s::text[]) order by outreach_id limit %(n)s",
            {"reason": reason, "touched": list(self.touched_companies), "n": 2 if reason == "DAILY_LIMIT" else 1},
        )
        assert stopped, f"{case}: SMALL has no company stopped at {reason} where {condition}"
        if reason != "DAILY_LIMIT":
            replaced = self.take()
            self.run(f"delete from {{s}}.{MESSAGES} where message_id = %(m)s", {"m": replaced.message_id})
        for n, (company,) in enumerate(stopped):
            planted = f"planted-{case}-{n}"
            self.run(
                f"""
                insert into {{s}}.{MESSAGES}
                select (jsonb_populate_record(null::{{s}}.{MESSAGES}, to_jsonb(message) || jsonb_build_object(
                    'message_id', %(planted)s::text, 'outreach_id', stopped.outreach_id,
                    'person_unique_id', stopped.person_unique_id, 'email_to', stopped.email_to,
                    'band', stopped.band, 'band_name', stopped.band_name, 'bit_score', stopped.bit_score))).*
                from {{s}}.{MESSAGES} as message
                cross join {{s}}.int_decisions_gated as stopped
                where message.message_id = %(source)s and stopped.outreach_id::text = %(company)s
                """,
                {"planted": planted, "source": source.message_id, "company": company},
            )
            self.touched_messages.add(planted)
            self.touched_companies.add(company)
        self.expect(case, invariant, "daily limit exceeded" if reason == "DAILY_LIMIT" else f"planted-{case}-0")


def plant_every_violation(p: Planter) -> None:
    # The strongest queued company held back at the limit instead: it outranks the weakest.
    strongest = p.run(
        f"select message_id from {{s}}.{MESSAGES} order by band desc, bit_score desc, outreach_id limit 1"
    )
    held_back = p.take(lambda m: m.message_id == strongest[0][0])
    p.run(f"delete from {{s}}.{MESSAGES} where message_id = %(m)s", {"m": held_back.message_id})
    p.run(
        "update {s}.int_decisions_gated set decision_reason = 'DAILY_LIMIT' where outreach_id = %(o)s",
        {"o": held_back.outreach_id},
    )
    p.expect("daily_limit_ranked_backwards", ONE_PER_COMPANY, held_back.outreach_id)

    source = p.take()
    for case, (reason, invariant, condition) in GATE_REMOVED.items():
        p.gate_removed(case, reason, invariant, source, condition)

    # Touch cap: three earlier messages of its class in the last 365 days, none in the cool-down.
    capped = p.take(lambda m: m.band == 3)
    p.run(
        f"""
        insert into execution.send_queue
        select (jsonb_populate_record(null::execution.send_queue, to_jsonb(queue) || jsonb_build_object(
            'message_id', 'planted-touch-' || n, 'outreach_id', message.outreach_id,
            'pressure_class', message.pressure_class, 'band', message.band,
            'queued_at', %(staged)s::timestamptz - (n * 60) * interval '1 day'))).*
        from (select * from execution.send_queue order by message_id limit 1) as queue
        cross join (select * from {{s}}.{MESSAGES} where message_id = %(m)s) as message
        cross join generate_series(1, 3) as n
        """,
        {"staged": STAGED, "m": capped.message_id},
    )
    p.expect("touch_cap_ignored", CONTACTS, capped.message_id)

    twice = p.take()
    replaced = p.take()
    p.run(f"delete from {{s}}.{MESSAGES} where message_id = %(m)s", {"m": replaced.message_id})
    p.run(
        f"""
        insert into {{s}}.{MESSAGES}
        select (jsonb_populate_record(null::{{s}}.{MESSAGES}, to_jsonb(message)
            || jsonb_build_object('message_id', 'planted-second', 'template_version', message.template_version + 1))).*
        from {{s}}.{MESSAGES} as message where message_id = %(m)s
        """,
        {"m": twice.message_id},
    )
    p.touched_messages.add("planted-second")
    p.expect("two_messages_for_one_company", ONE_PER_COMPANY, twice.outreach_id)

    updates = {
        "proof_line_off_format": (
            lambda m: m.band == 3,
            "set proof_line = replace(proof_line, ' detected via ', ' seen via ')",
            PROOF,
        ),
        "proof_evidence_invented": (
            lambda m: m.band == 3,
            "set proof_line = split_part(proof_line, ': ', 1) || ': costs are rising'",
            PROOF,
        ),
        "unresolved_placeholder": (
            lambda m: True,
            "set unresolved_placeholders = 1, "
            "body = replace(body, 'What we are reading:', 'What we are reading: {{ account_manager }}')",
            RENDERED,
        ),
        "footer_without_opt_out": (lambda m: True, "set body = replace(body, unsubscribe_url, 'Thanks.')", RENDERED),
        # a body beyond the var's bound (tests/authorization/queued_message_fits_its_bounds.sql)
        "body_too_long": (
            lambda m: True,
            "set body = repeat('x', {{ message_body_max_chars }} + 1 - length(body)) || body",
            "queued_message_fits_its_bounds",
        ),
    }
    for case, (where, assignment, invariant) in updates.items():
        target = p.take(where)
        assignment = assignment.replace("{{ message_body_max_chars }}", str(PROJECT_VARS["message_body_max_chars"]))
        p.run(f"update {{s}}.{MESSAGES} {assignment} where message_id = %(m)s", {"m": target.message_id})
        p.expect(case, invariant, target.message_id)

    # Another filled slot than the waterfall's, with the person who holds it: a slot, a
    # person and an address that agree with each other, only not with the waterfall.
    other_slots = p.run(
        f"""
        select message.message_id, other.slot_type, other.person_unique_id, people.email
        from {{s}}.{MESSAGES} as message
        join {{s}}.int_slots_resolved as other
            on message.outreach_id = other.outreach_id and other.slot_type != message.slot_type and other.is_filled
        join {{s}}.stg_people__people as people
            on other.person_unique_id = people.person_unique_id and people.is_valid and people.is_outreach_ready
        order by message.message_id, other.slot_type
        """
    )
    free = {m.message_id for m in p.free}
    moved_id, other_slot, other_person, other_email = next(row for row in other_slots if row[0] in free)
    moved = p.take(lambda m: m.message_id == moved_id)
    p.run(
        f"update {{s}}.{MESSAGES} set slot_type = %(slot)s, person_unique_id = %(person)s, email_to = %(email)s "
        "where message_id = %(m)s",
        {"slot": other_slot, "person": other_person, "email": other_email, "m": moved.message_id},
    )
    p.expect("slot_not_the_waterfall_choice", "queued_slot_is_the_waterfall_choice", moved.message_id)

    # A cited signal no longer active: what a proof built from every signal would cite.
    stale = p.take()
    p.run(
        f"update {{s}}.int_signals_unioned set is_active = false "
        f"where signal_id = (select cited_signal_ids[1] from {{s}}.{MESSAGES} where message_id = %(m)s)",
        {"m": stale.message_id},
    )
    p.expect("inactive_signal_cited", PROOF, stale.message_id)

    # The words around the data, in the tokenized template seed: one template each, every
    # message rendered from it is touched.
    templates = {
        "template_opens_with_we_offer": ("part_index = 1", "'We offer better benefits plans. ' || literal_text"),
        "question_before_the_evidence": ("part_index = 1", "'Is cost on your mind? ' || literal_text"),
        # a pitch after the evidence: the opening is right, the words are the product's
        "product_pitch_after_the_evidence": (
            "true",
            "replace(literal_text, 'What we are reading:', 'Our platform can help. What we are reading:')",
        ),
        "urgency_below_band_5": (
            "true",
            "replace(literal_text, 'What we are reading:', 'Act now. What we are reading:')",
        ),
    }
    changed: set[str] = set()
    for case, (where, literal) in templates.items():
        target = p.take(lambda m: m.band < 5 and m.template_id not in changed)
        changed.add(target.template_id)
        p.run(
            f"update {{s}}.int_template_parts_tokenized set literal_text = {literal} "
            f"where template_field = 'body' and {where} and template_id = %(t)s",
            {"t": target.template_id},
        )
        for message in [m for m in p.free if m.template_id == target.template_id]:
            p.take(lambda m, message=message: m is message)
        p.expect(case, FRAMING, target.message_id)


def _reported_subject(row: dict) -> str:
    """What a failing row of an invariant is about: its message, or for the one-message-per-
    company invariant its subject (a company), or the fact that the day's limit was exceeded."""
    if row.get("violation") == "daily limit exceeded":
        return "daily limit exceeded"
    return str(row.get("message_id", row.get("subject")))


def test_each_invariant_reports_the_violation_it_names_and_nothing_else(staged):
    with psycopg.connect(staged.conninfo(), autocommit=True) as db:
        planter = Planter(db, staged.schema)
        plant_every_violation(planter)
    result = support.run_dbt(
        staged, ["test", "--select", "tag:queue_guard", "--store-failures"], STAGED, check=False, extra_vars=STAGED_VARS
    )
    assert result.returncode != 0
    reported: dict[str, set[str]] = {}
    with psycopg.connect(staged.conninfo()) as db:
        for invariant in {invariant for invariant, _ in planter.expected.values()}:
            rows = db.execute(f'select row_to_json(failed) from dbt_test__audit."{invariant}" as failed')
            reported[invariant] = {_reported_subject(row) for (row,) in rows}
    missed = {case: expected for case, expected in planter.expected.items() if expected[1] not in reported[expected[0]]}
    assert not missed, f"invariants that missed their planted violation: {missed}\n{result.stdout[-3000:]}"
    touched = planter.touched_messages | planter.touched_companies | {"daily limit exceeded"}
    untouched = {invariant: subjects - touched for invariant, subjects in reported.items() if subjects - touched}
    assert not untouched, f"invariants that reported what no case touched: {untouched}"


def test_only_a_build_with_its_invariants_appends_to_the_queue(shared_build, tmp_path):
    """After a build whose invariant failed, int_messages_rendered still holds the rejected
    messages: a narrower command (the queue alone, or a build leaving an invariant out) is
    stopped by queue_guard before it appends them, the queue and the decision log alike."""
    built = shared_build
    # The suppression gate removed (its flag made false): suppressed addresses reach
    # int_messages_rendered.
    project = support.patched_project(
        tmp_path, [("dbt_project.yml", "    SUPPRESSED: is_suppressed\n", '    SUPPRESSED: "false"\n')]
    )
    as_of = T0 + timedelta(days=10)
    extra = {**REPLAY, **ALL_ELIGIBLE}
    before = queue_checksum(built)
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    failed = support.run_dbt(built, BUILD, as_of, check=False, project_dir=project, extra_vars=extra)
    assert re.search(rf"FAIL \d+ {RECIPIENT}\b", failed.stdout), failed.stdout[-3000:]
    assert failed.statuses["send_queue"] == failed.statuses["decision_log"] == "skipped", failed.stdout[-3000:]
    assert queue_checksum(built) == before
    narrower = {
        "run": ["run", "--select", "send_queue", "decision_log"],
        "build of the marts alone": ["build", "--select", "send_queue", "decision_log"],
        "build without the invariant": ["build", "--exclude", RECIPIENT],
    }
    for label, command in narrower.items():
        result = support.run_dbt(built, command, as_of, check=False, project_dir=project, extra_vars=extra)
        assert result.returncode != 0, f"{label}: should have been stopped\n{result.stdout[-3000:]}"
        for mart in ("send_queue", "decision_log"):
            assert re.search(rf"execution\.{mart} is appended only by a dbt build that also runs", result.stdout), (
                f"{label}: {mart}\n{result.stdout[-3000:]}"
            )
        if label == "build without the invariant":
            assert f"would append without {RECIPIENT}." in result.stdout
        assert queue_checksum(built) == before, label
        assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows, label


def test_an_empty_postal_address_stops_the_build_before_the_queue(shared_build):
    built = shared_build
    before = queue_checksum(built)
    as_of = T0 + timedelta(days=10)
    result = support.run_dbt(built, BUILD, as_of, check=False, extra_vars={**REPLAY, "sender_postal_address": ""})
    assert result.returncode != 0
    assert "sender_postal_address" in result.stdout
    assert queue_checksum(built) == before


@pytest.mark.parametrize("value", ["ten", 0, 10_001, 2.5])
def test_a_bad_analyze_statistics_target_stops_the_build_before_the_queue(shared_build, value):
    """The ANALYZE post-hook (macros/analyze_after_build.sql) refuses a sample size that is
    not a whole number PostgreSQL accepts, rather than analysing with 0 or a rounded value.
    The first tables fail on it and are rolled back with the rest of their transaction (a
    staging table keeps its storage: the table of the build before), and everything
    downstream, the queue included, is skipped."""
    built = shared_build
    before = queue_checksum(built)
    staging = f"{built.schema}.stg_outreach__companies"
    storage = f"select relfilenode from pg_class where oid = '{staging}'::regclass"
    (kept,) = support.query(built, storage)[0]
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    as_of = T0 + timedelta(days=11)
    result = support.run_dbt(
        built, BUILD, as_of, check=False, extra_vars={**REPLAY, "analyze_statistics_target": value}
    )
    assert result.returncode != 0
    assert "var analyze_statistics_target must be null or a whole number from 1 to 10000" in result.stdout
    assert f"got {value}" in result.stdout
    assert re.search(r"ERROR creating sql table model \S*stg_outreach__companies", result.stdout), result.stdout[-3000:]
    assert support.query(built, storage)[0][0] == kept, "the failed staging table was not rolled back"
    assert re.search(r"SKIP relation \S*send_queue", result.stdout), "send_queue should have been skipped"
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows
