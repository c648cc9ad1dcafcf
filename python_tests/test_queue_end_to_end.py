"""End to end on a real PostgreSQL: the send queue is append-only and idempotent, honours
cool-downs and touch caps, survives --full-refresh, reacts to the Execution Hub's events,
and a build whose authorization invariants fail leaves it exactly as it was.

Each test builds a small generated data set in its own scratch database.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

import support
from pressure_outreach.generator import generate

T0 = support.DEMO_AS_OF
COMPANIES = 6_000
ALL_ELIGIBLE = {"daily_queue_limit": 1_000_000}
QUEUE = "execution.send_queue"


@pytest.fixture
def built(conn_settings, request):
    """A scratch database with generated data, seeds loaded and a first build at T0."""
    label = request.node.name.replace("test_", "")[:20].replace("[", "_").replace("]", "")
    with support.scratch_database(conn_settings, label) as scratch:
        generate(scratch, seed=21, companies=COMPANIES, as_of=T0, progress=False)
        support.run_dbt(scratch, ["seed"], T0)
        support.run_dbt(scratch, ["build"], T0)
        yield scratch


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


def test_rerun_with_the_same_as_of_adds_nothing(built):
    before = queue_checksum(built)
    (queue_rows,) = support.query(built, f"select count(*) from {QUEUE}")[0]
    assert 0 < queue_rows <= 100
    support.run_dbt(built, ["build"], T0)
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*), count(distinct outreach_id) from execution.decision_log") == [
        (COMPANIES, COMPANIES)
    ]


def test_cool_down_then_requeue_within_touch_caps(built):
    first = queued(built, T0)
    ten_days = T0 + timedelta(days=10)
    support.run_dbt(built, ["build", "--vars", f'{{"as_of": "{ten_days.isoformat()}"}}'], ten_days)
    after_ten = reasons(built, ten_days)
    assert not first & queued(built, ten_days)
    cooling = [oid for oid in first if after_ten[oid] == "COOLING_OFF"]
    assert cooling, "companies queued ten days ago should be cooling off"

    later = T0 + timedelta(days=31)
    support.run_dbt(built, ["build", "--vars", f'{{"as_of": "{later.isoformat()}"}}'], later)
    after_31 = reasons(built, later)
    assert not any(after_31[oid] == "COOLING_OFF" for oid in first - queued(built, ten_days))
    assert first & queued(built, later), "some companies queued 31 days ago should be queued again"
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


def test_full_refresh_keeps_every_queued_row(built):
    before = queue_checksum(built)
    support.run_dbt(built, ["build", "--full-refresh"], T0)
    assert queue_checksum(built) == before
    support.run_dbt(built, ["run", "--full-refresh", "--select", "send_queue"], T0)
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
    with psycopg.connect(built.conninfo(), autocommit=True) as db:
        for message in rows[:4]:
            _send_event(db, *message, "sent", T0 + timedelta(hours=1))
        _send_event(db, *bounced, "bounced", T0 + timedelta(hours=2), bounce_type="hard")
        # The Execution Hub may report the address in another case or padded.
        _send_event(
            db,
            bounced[0],
            bounced[1],
            bounced[2],
            "  " + unsubscribed[3].upper() + " ",
            "unsubscribed",
            T0 + timedelta(hours=3),
        )
        _send_event(db, *replied, "replied", T0 + timedelta(days=2))

    later = T0 + timedelta(days=40)
    support.run_dbt(built, ["build", "--vars", f'{{"as_of": "{later.isoformat()}"}}'], later)
    decided = reasons(built, later)
    suppressed = dict(support.query(built, "select email, suppression_reasons from analytics.int_suppressed_emails"))
    assert suppressed.get(bounced[3]) == "hard_bounce"
    assert suppressed.get(unsubscribed[3]) == "unsubscribed"
    assert replied[3] not in suppressed and sent_only[3] not in suppressed
    for message in (bounced, unsubscribed):
        assert decided[message[1]] in {"SUPPRESSED", "EXCLUDED", "KILL_SWITCH", "BAND_BELOW_3", "NO_VALID_PROOF"}
        assert message[1] not in queued(built, later)
    statuses = dict(support.query(built, "select message_id, latest_status from analytics.int_message_statuses"))
    assert statuses[replied[0]] == "replied"
    assert statuses[sent_only[0]] == "sent"
    # A message sent ten days before a run keeps the company cooling off.
    soon = T0 + timedelta(days=10)
    support.run_dbt(built, ["run", "--select", "int_decisions_gated+", "--exclude", "send_queue", "decision_log"], soon)
    gated = dict(support.query(built, "select outreach_id::text, decision_reason from analytics.int_decisions_gated"))
    assert gated[sent_only[1]] in {"COOLING_OFF", "EXCLUDED", "KILL_SWITCH", "BAND_BELOW_3", "NO_VALID_PROOF"}


# Each invariant, broken on purpose: a patch to a copy of the project (a gate removed, a
# template made product-first, ...) that lets a bad message through to int_messages_rendered.
GATE_MODEL = "models/intermediate/gates/int_decisions_gated.sql"
VIOLATIONS = {
    "band_below_3_forced_through": (
        GATE_MODEL,
        "bands.band < {{ var('min_contact_band') }} as is_below_contact_band",
        "bands.band < 2 as is_below_contact_band",
    ),
    "suppressed_address": (GATE_MODEL, "when identified.is_suppressed then 'SUPPRESSED'", ""),
    "excluded_company": (GATE_MODEL, "when identified.is_excluded then 'EXCLUDED'", ""),
    "kill_switch_ignored": (GATE_MODEL, "when identified.has_kill_switch then 'KILL_SWITCH'", ""),
    "email_not_ready": (GATE_MODEL, "when identified.is_email_not_ready then 'EMAIL_NOT_READY'", ""),
    "invalid_proof": (
        GATE_MODEL,
        "when identified.lacks_valid_proof then 'NO_VALID_PROOF'",
        "when identified.proof_id is null then 'NO_VALID_PROOF'",
    ),
    "cool_down_ignored": (GATE_MODEL, "when identified.is_cooling_off then 'COOLING_OFF'", ""),
    "daily_limit_ignored": (
        GATE_MODEL,
        "case when daily_rank > daily_capacity then 'DAILY_LIMIT' else 'QUEUED' end",
        "'QUEUED'",
    ),
    "template_opens_with_we_offer": (
        "seeds/message_templates.csv",
        "\"{{ first_name }}, {{ company_name }}'s latest",
        "\"We offer better benefits plans. {{ first_name }}, {{ company_name }}'s latest",
    ),
    "urgency_below_band_5": (
        "seeds/message_templates.csv",
        "Is cost visibility on your list this quarter?",
        "Act now: is cost visibility on your list this quarter?",
    ),
    "unresolved_placeholder": (
        "seeds/message_templates.csv",
        "What we are reading: {{ proof_line }}",
        "What we are reading: {{ proof_line }} {{ account_manager }}",
    ),
    "footer_without_opt_out": ("seeds/message_footers.csv", "Opt out here: {{ unsubscribe_url }}", "Thanks."),
}
NEEDS_ALL_ELIGIBLE = {
    "suppressed_address",
    "excluded_company",
    "kill_switch_ignored",
    "email_not_ready",
    "invalid_proof",
    "daily_limit_ignored",
    "band_below_3_forced_through",
}


def patched_project(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(
        support.PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".pgdata",
            "target",
            "logs",
            "python_tests",
            "pressure_outreach",
            ".git",
            "__pycache__",
            "artifacts",
        ),
    )
    shutil.copy(support.PROJECT_DIR / "profiles.yml.example", copy / "profiles.yml")
    path = copy / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the patch for {relative} no longer applies: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return copy


@pytest.mark.parametrize("violation", sorted(VIOLATIONS))
def test_a_failing_invariant_leaves_the_queue_untouched(built, tmp_path, violation):
    relative, old, new = VIOLATIONS[violation]
    project = patched_project(tmp_path, relative, old, new)
    as_of = T0 + timedelta(days=10)
    extra = dict(ALL_ELIGIBLE) if violation in NEEDS_ALL_ELIGIBLE else {}
    before = queue_checksum(built)
    (log_rows,) = support.query(built, "select count(*) from execution.decision_log")[0]
    result = support.run_dbt(built, ["seed", "--full-refresh"], as_of, check=False, project_dir=project)
    assert result.returncode == 0, result.stdout[-3000:]
    result = support.run_dbt(
        built, ["build", "--exclude", "resource_type:seed"], as_of, check=False, project_dir=project, extra_vars=extra
    )
    assert result.returncode != 0, f"{violation}: the build should have failed\n{result.stdout[-3000:]}"
    assert "send_queue" in result.stdout and "SKIP" in result.stdout
    assert queue_checksum(built) == before
    assert support.query(built, "select count(*) from execution.decision_log")[0][0] == log_rows


def test_an_empty_postal_address_stops_the_build_before_the_queue(built):
    before = queue_checksum(built)
    as_of = T0 + timedelta(days=10)
    result = support.run_dbt(built, ["build"], as_of, check=False, extra_vars={"sender_postal_address": ""})
    assert result.returncode != 0
    assert "sender_postal_address" in result.stdout
    assert queue_checksum(built) == before
