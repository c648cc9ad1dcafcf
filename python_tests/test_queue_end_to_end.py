"""End to end on a real PostgreSQL: the send queue is append-only and idempotent, honours
cool-downs and touch caps, survives --full-refresh, reacts to the Execution Hub's events,
and a build whose authorization invariants fail leaves it exactly as it was.

Each test builds a small generated data set in its own scratch database.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg
import pytest
from psycopg.types.json import Jsonb

import support
from pressure_outreach.dbt import PRODUCTION_BUILD_ARGS
from pressure_outreach.generator import generate

T0 = support.DEMO_AS_OF
COMPANIES = 6_000
ALL_ELIGIBLE = {"daily_queue_limit": 1_000_000}
# The builds below replay later days without the Execution Hub's daily send_events feed, so
# the stale-feed guard (tests/feeds/, test_freshness.py) is switched off for them: an
# invariant test must fail because of its invariant, not because the feed is old.
REPLAY = {"send_events_max_age_hours": None}
QUEUE = "execution.send_queue"


def _first_build(conn_settings, label: str):
    with support.scratch_database(conn_settings, label) as scratch:
        generate(scratch, seed=21, companies=COMPANIES, as_of=T0, progress=False)
        support.run_dbt(scratch, ["seed"], T0)
        support.run_dbt(scratch, ["build"], T0)
        yield scratch


@pytest.fixture
def built(conn_settings, request):
    """A scratch database of its own: generated data, seeds and a first build at T0."""
    yield from _first_build(conn_settings, request.node.name.removeprefix("test_")[:20])


@pytest.fixture(scope="module")
def shared_build(conn_settings):
    """One first build at T0 for the tests that must leave the queue as they found it
    (a failing build, a re-run, a full refresh): each checks the queue is unchanged, so
    sharing it cannot hide a change."""
    yield from _first_build(conn_settings, "shared")


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
    support.run_dbt(built, ["build"], T0)
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
    support.run_dbt(built, ["build", "-s", "+decision_log"], T0)
    support.run_dbt(built, ["build", "-s", "+decision_log"], T0)
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
    support.run_dbt(built, ["build"], ten_days, extra_vars=REPLAY)
    after_ten = reasons(built, ten_days)
    assert not first & queued(built, ten_days)
    cooling = [oid for oid in first if after_ten[oid] == "COOLING_OFF"]
    assert cooling, "companies queued ten days ago should be cooling off"

    later = T0 + timedelta(days=31)
    support.run_dbt(built, ["build"], later, extra_vars=REPLAY)
    after_31 = reasons(built, later)
    assert not any(after_31[oid] == "COOLING_OFF" for oid in first - queued(built, ten_days))
    assert first & queued(built, later), "some companies queued 31 days ago should be queued again"
    # A one-day cool-down and no daily limit: companies queued at T0 and T0+31 get their third
    # touch two days later, and band-3 companies (cap 3 per class in 365 days) stop there.
    frequent = {**REPLAY, **ALL_ELIGIBLE, "cooling_off_days": 1}
    for days in (33, 35):
        support.run_dbt(built, ["build"], T0 + timedelta(days=days), extra_vars=frequent)
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


def invariant_violations(conn, invariant: str) -> set[tuple[str, str]]:
    """The rows an authorization test returned in the last build against `conn`: its
    compiled SQL (written by that build) run again on the tables it read."""
    compiled = support.PROJECT_DIR / "target" / "pytest" / conn.database / "compiled" / "pressure_outreach"
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
    result = support.run_dbt(built, ["build"], T0, check=False)
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
    result = support.run_dbt(built, ["build"], T0, check=False, extra_vars=ALL_ELIGIBLE)
    assert re.search(rf"FAIL \d+ {ONE_PER_COMPANY}\b", result.stdout), result.stdout[-3000:]
    violations = invariant_violations(built, ONE_PER_COMPANY)
    decided_otherwise = {subject for violation, subject in violations if violation.startswith("not the message")}
    assert decided_otherwise and decided_otherwise <= held_back, violations
    assert not any(violation == "daily limit exceeded" for violation, _ in violations), violations
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows


def test_full_refresh_keeps_every_queued_row(shared_build):
    built = shared_build
    before = queue_checksum(built)
    support.run_dbt(built, ["build", "--full-refresh"], T0)
    assert queue_checksum(built) == before
    support.run_dbt(built, ["build", "--full-refresh", "--select", "+send_queue"], T0)
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
    support.run_dbt(built, ["run", "--select", "+int_decisions_gated", "+int_message_statuses"], soon)
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
    earlier_gates = {"EXCLUDED", "KILL_SWITCH", "BAND_BELOW_3", "NO_VALID_PROOF", "NO_FILLED_SLOT", "EMAIL_NOT_READY"}
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
    support.run_dbt(built, ["build"], later, extra_vars={**REPLAY, **ALL_ELIGIBLE})
    assert "SUPPRESSED" in {reasons(built, later)[m[1]] for m in same_address}
    mailed_again = support.query(
        built, f"select count(*) from {QUEUE} where email_to in (%s, %s)", (bounced[3], unsubscribed[3])
    )
    assert mailed_again == [(2,)], "only the two first messages, none after the bounce and the unsubscribe"


# Each invariant, broken on purpose: patches to a copy of the project (a gate removed, a
# template made product-first, ...) that let a bad message reach int_messages_rendered, and
# the authorization test (tests/authorization/) that must fail on it. The production build
# runs (no unit tests: several would catch a patched macro first), and `exclude` lists the
# tests upstream of int_messages_rendered that would catch the patch first and skip the
# invariant: each invariant is shown to hold the queue back on its own.
GATES = "models/intermediate/gates/int_decisions_gated.sql"
TEMPLATES = "seeds/message_templates.csv"


@dataclass(frozen=True)
class Violation:
    patches: list[tuple[str, str, str]]
    invariant: str
    exclude: tuple[str, ...] = ()
    # Gates that stop only a few companies: lift the daily limit so the violators surely reach the run.
    all_eligible: bool = False
    extra_vars: dict[str, object] = field(default_factory=dict)


VIOLATIONS: dict[str, Violation] = {
    "band_below_3_forced_through": Violation(
        [
            (GATES, "when identified.is_below_contact_band then 'BAND_BELOW_3'", ""),
            (GATES, "when identified.lacks_valid_proof then 'NO_VALID_PROOF'", ""),
        ],
        "queued_band_is_at_least_3",
        all_eligible=True,
    ),
    "suppressed_address": Violation(
        [(GATES, "when identified.is_suppressed then 'SUPPRESSED'", "")],
        "queued_recipient_is_ready_and_not_suppressed",
        all_eligible=True,
    ),
    "excluded_company": Violation(
        [(GATES, "when identified.is_excluded then 'EXCLUDED'", "")],
        "queued_company_is_not_excluded_or_switched_off",
        all_eligible=True,
    ),
    "kill_switch_ignored": Violation(
        [(GATES, "when identified.has_kill_switch then 'KILL_SWITCH'", "")],
        "queued_company_is_not_excluded_or_switched_off",
        all_eligible=True,
    ),
    "email_not_ready": Violation(
        [(GATES, "when identified.is_email_not_ready then 'EMAIL_NOT_READY'", "")],
        "queued_recipient_is_ready_and_not_suppressed",
        all_eligible=True,
    ),
    "cool_down_ignored": Violation(
        [(GATES, "when identified.is_cooling_off then 'COOLING_OFF'", "")],
        "queued_company_respects_cool_down_and_touch_caps",
        all_eligible=True,
    ),
    "daily_limit_ignored": Violation(
        [(GATES, "case when daily_rank > daily_capacity then 'DAILY_LIMIT' else 'QUEUED' end", "'QUEUED'")],
        "queued_one_message_per_company_within_daily_limit",
        extra_vars={"daily_queue_limit": 5},
    ),
    "daily_limit_ranked_backwards": Violation(
        [
            (
                GATES,
                "order by band desc, bit_score desc, outreach_id asc",
                "order by band asc, bit_score asc, outreach_id asc",
            )
        ],
        "queued_one_message_per_company_within_daily_limit",
        extra_vars={"daily_queue_limit": 5},
    ),
    "proof_line_off_format": Violation(
        [("macros/format_proof_line.sql", "' detected via '", "' seen via '")],
        "queued_proof_is_valid_in_its_band_format",
        exclude=("assert_proof_lines_match_their_band",),
    ),
    "proof_evidence_invented": Violation(
        [("macros/format_proof_line.sql", "': ' || {{ primary_evidence }}", "': ' || 'costs are rising'")],
        "queued_proof_is_valid_in_its_band_format",
        exclude=("assert_proof_lines_match_their_band",),
    ),
    "template_opens_with_we_offer": Violation(
        [(TEMPLATES, '"{{ first_name }}, ', '"We offer better benefits plans. {{ first_name }}, ')],
        "queued_message_leads_with_pressure_not_product",
    ),
    "question_before_the_evidence": Violation(
        [(TEMPLATES, '"{{ first_name }}, ', '"{{ first_name }}, is cost on your mind? ')],
        "queued_message_leads_with_pressure_not_product",
    ),
    "urgency_below_band_5": Violation(
        [(TEMPLATES, "What we are reading: {{ proof_line }}", "Act now. What we are reading: {{ proof_line }}")],
        "queued_message_leads_with_pressure_not_product",
        all_eligible=True,
    ),
    "unresolved_placeholder": Violation(
        [
            (
                TEMPLATES,
                "What we are reading: {{ proof_line }}",
                "What we are reading: {{ proof_line }} {{ account_manager }}",
            )
        ],
        "queued_message_is_fully_rendered_with_opt_out",
        exclude=("expression_is_true_int_template_parts_tokenized_is_known_placeholder",),
    ),
    "jinja_filter_in_template": Violation(
        [(TEMPLATES, "What we are reading: {{ proof_line }}", "What we are reading: {{ proof_line | upper }}")],
        "queued_message_is_fully_rendered_with_opt_out",
    ),
    "footer_without_opt_out": Violation(
        [("seeds/message_footers.csv", "Opt out here: {{ unsubscribe_url }}", "Thanks.")],
        "queued_message_is_fully_rendered_with_opt_out",
    ),
    "slot_not_the_waterfall_choice": Violation(
        [("macros/slot_waterfall_rank.sql", "else {{ fallback_order }}", "else -{{ fallback_order }}")],
        "queued_slot_is_the_waterfall_choice",
    ),
    "touch_cap_ignored": Violation(
        [
            (GATES, "when identified.is_at_touch_cap then 'TOUCH_CAP'", ""),
            ("seeds/band_thresholds.csv", "3,TARGETED,40,3", "3,TARGETED,40,1"),
            ("seeds/band_thresholds.csv", "4,ENGAGED,60,5", "4,ENGAGED,60,1"),
            ("seeds/band_thresholds.csv", "5,DIRECT,80,", "5,DIRECT,80,1"),
        ],
        "queued_company_respects_cool_down_and_touch_caps",
        all_eligible=True,
        # Past the cool-down, at the (lowered) touch cap.
        extra_vars={"cooling_off_days": 5},
    ),
    "two_messages_for_one_company": Violation(
        [
            (
                "models/intermediate/messages/int_messages_rendered.sql",
                "templates.version_rank = 1",
                "templates.version_rank >= 1",
            ),
            (
                TEMPLATES,
                "template_id,template_version,audience,pressure_class,subject,body\n",
                "template_id,template_version,audience,pressure_class,subject,body\n"
                'hr_deadline,2,HR,DEADLINE_PROXIMITY,Renewal,"{{ first_name }}, {{ company_name }} has {{ evidence }}. '
                'What we are reading: {{ proof_line }}"\n',
            ),
        ],
        "queued_one_message_per_company_within_daily_limit",
        exclude=("unique_and_not_null_int_messages_rendered_outreach_id",),
    ),
    "inactive_signal_cited": Violation(
        [
            (
                "models/intermediate/bands/int_domain_signals_aggregated.sql",
                "    where is_active\n",
                "    where true\n",
            ),
            (
                GATES,
                "not coalesce(proofs.is_proof_formed and proofs.is_valid_at_as_of, false) as lacks_valid_proof",
                "not coalesce(proofs.is_proof_formed, false) as lacks_valid_proof",
            ),
        ],
        "queued_proof_is_valid_in_its_band_format",
        exclude=(
            "assert_proof_lines_match_their_band",
            "expression_is_true_int_proof_lines_formed_valid_until__valid_until_generated_at",
        ),
        all_eligible=True,
    ),
}


@pytest.mark.parametrize("violation", sorted(VIOLATIONS))
def test_a_failing_invariant_leaves_the_queue_untouched(shared_build, tmp_path, violation):
    built = shared_build
    case = VIOLATIONS[violation]
    project = support.patched_project(tmp_path, case.patches)
    as_of = T0 + timedelta(days=10)
    extra = {**REPLAY, **(ALL_ELIGIBLE if case.all_eligible else {}), **case.extra_vars}
    before = queue_checksum(built)
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    build = [*PRODUCTION_BUILD_ARGS, *(["--exclude", *case.exclude] if case.exclude else [])]
    result = support.run_dbt(built, build, as_of, check=False, project_dir=project, extra_vars=extra)
    assert result.returncode != 0, f"{violation}: the build should have failed\n{result.stdout[-3000:]}"
    assert re.search(rf"FAIL \d+ {case.invariant}\b", result.stdout), (
        f"{violation}: {case.invariant} should have failed\n{result.stdout[-3000:]}"
    )
    assert re.search(r"SKIP relation \S*send_queue", result.stdout), "send_queue should have been skipped"
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows


def test_only_a_build_with_its_invariants_appends_to_the_queue(shared_build, tmp_path):
    """After a build whose invariant failed, int_messages_rendered still holds the rejected
    messages: a narrower command (the queue alone, or a build leaving an invariant out) is
    stopped by queue_guard before it appends them, the queue and the decision log alike."""
    built = shared_build
    case = VIOLATIONS["suppressed_address"]
    project = support.patched_project(tmp_path, case.patches)
    as_of = T0 + timedelta(days=10)
    extra = {**REPLAY, **ALL_ELIGIBLE}
    before = queue_checksum(built)
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    failed = support.run_dbt(built, ["build"], as_of, check=False, project_dir=project, extra_vars=extra)
    assert re.search(rf"FAIL \d+ {case.invariant}\b", failed.stdout), failed.stdout[-3000:]
    narrower = {
        "run": ["run", "--select", "send_queue", "decision_log"],
        "build of the marts alone": ["build", "--select", "send_queue", "decision_log"],
        "build without the invariant": ["build", "--exclude", case.invariant],
    }
    for label, command in narrower.items():
        result = support.run_dbt(built, command, as_of, check=False, project_dir=project, extra_vars=extra)
        assert result.returncode != 0, f"{label}: should have been stopped\n{result.stdout[-3000:]}"
        for mart in ("send_queue", "decision_log"):
            assert re.search(rf"execution\.{mart} is appended only by a dbt build that also runs", result.stdout), (
                f"{label}: {mart}\n{result.stdout[-3000:]}"
            )
        if label == "build without the invariant":
            assert f"would append without {case.invariant}." in result.stdout
        assert queue_checksum(built) == before, label
        assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows, label


def test_an_empty_postal_address_stops_the_build_before_the_queue(shared_build):
    built = shared_build
    before = queue_checksum(built)
    as_of = T0 + timedelta(days=10)
    result = support.run_dbt(built, ["build"], as_of, check=False, extra_vars={**REPLAY, "sender_postal_address": ""})
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
        built, ["build"], as_of, check=False, extra_vars={**REPLAY, "analyze_statistics_target": value}
    )
    assert result.returncode != 0
    assert "var analyze_statistics_target must be null or a whole number from 1 to 10000" in result.stdout
    assert f"got {value}" in result.stdout
    assert re.search(r"ERROR creating sql table model \S*stg_outreach__companies", result.stdout), result.stdout[-3000:]
    assert support.query(built, storage)[0][0] == kept, "the failed staging table was not rolled back"
    assert re.search(r"SKIP relation \S*send_queue", result.stdout), "send_queue should have been skipped"
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows
