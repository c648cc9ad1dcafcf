"""Hostile and broken input (docs/source_contract.md, the bad rows to expect): a hand-built data
set (hostile_fixture.py) plants every bad-row kind next to good rows of the same
companies. `dbt build` must succeed, count every bad row in rpt_data_quality with its
reason, let none of them reach the send queue, and still decide the good rows of those
companies exactly as docs/rulebook.md says (by hand, and by the reference model)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import databases
import datasets
import hostile_fixture
import support
from pressure_outreach import baseline
from pressure_outreach.reference import evaluate, load_from_postgres, project_params

AS_OF = hostile_fixture.AS_OF
DAILY_QUEUE_LIMIT = 100  # dbt_project.yml's default, which the build below runs with
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@pytest.fixture(scope="module")
def fixture_data():
    return hostile_fixture.build()


@pytest.fixture(scope="module")
def built(conn_settings):
    """A copy of the HOSTILE data set: the fixture loaded under a UTF-8 character
    classification (as production servers have: what a regex's \\s or lower() does to
    non-ASCII text depends on it; the embedded server's default is C) and built at AS_OF."""
    with databases.copy_of(conn_settings, datasets.HOSTILE, "hostile") as copy:
        yield copy


def by_key(fx, rows: dict[str, tuple]) -> dict[str, tuple]:
    return {key: rows.get(company.outreach_id) for key, company in fx.companies.items()}


def test_every_bad_row_is_counted_with_its_reason(built, fixture_data):
    counted = Counter(
        {
            (table, disposition, reason): rows
            for table, disposition, reason, rows in support.query(
                built, "select source_table, disposition, reason, row_count from reporting.rpt_data_quality"
            )
        }
    )
    missing = {kind: n for kind, n in fixture_data.bad_rows.items() if counted.get(kind) != n}
    extra = {kind: n for kind, n in counted.items() if kind not in fixture_data.bad_rows}
    assert not missing, "bad rows not counted as planted (planted: counted): " + ", ".join(
        f"{k}: {n} vs {counted.get(k)}" for k, n in missing.items()
    )
    assert not extra, f"rows counted that were not planted as bad: {extra}"


def test_good_rows_of_the_same_companies_are_decided_as_expected(built, fixture_data):
    decided = by_key(
        fixture_data,
        {
            oid: (reason, slot, band)
            for oid, reason, slot, band in support.query(
                built,
                "select outreach_id::text, decision_reason, slot_type, band from execution.decision_log "
                "where decided_at = %s",
                (AS_OF,),
            )
        },
    )
    wrong = {
        key: (decided[key], company.expected)
        for key, company in fixture_data.companies.items()
        if decided[key] != (company.expected.decision_reason, company.expected.slot_type, company.expected.band)
    }
    assert not wrong, "decided (reason, slot, band) vs expected:\n" + "\n".join(f"{k}: {v}" for k, v in wrong.items())
    (companies,) = support.query(built, "select count(*) from execution.decision_log")[0]
    assert companies == len(fixture_data.companies)


def test_the_reference_model_agrees_on_hostile_input(built, fixture_data):
    data = load_from_postgres(built.conninfo())
    reference = support.reference_decisions(evaluate(data, AS_OF))
    count, sample = support.mismatches(support.sql_decisions(built), reference)
    assert count == 0, "\n".join(sample)
    band, cap, _, primary_class, proof_line, *_ = reference[fixture_data.companies["bad_renewal"].outreach_id]
    assert (band, cap, primary_class) == (4, "NO_BLOG", "DEADLINE_PROXIMITY")
    assert proof_line.startswith("DEADLINE_PROXIMITY convergence: renewal in 22 days + ")


def test_no_bad_row_reaches_the_queue(built, fixture_data):
    queue = support.query(
        built,
        "select q.outreach_id::text, q.person_unique_id, q.email_to, p.cited_signal_ids::text[] "
        "from execution.send_queue as q "
        "join analytics.int_proof_lines_formed as p on p.proof_id = q.proof_id",
    )
    expected = {c.outreach_id for c in fixture_data.companies.values() if c.expected.decision_reason == "QUEUED"}
    assert {row[0] for row in queue} == expected
    assert len(queue) == len(expected), "one message per company"
    for outreach_id, person, email, cited in queue:
        assert person not in fixture_data.bad_person_ids, (outreach_id, person)
        assert person != hostile_fixture.MISSING_PERSON_ID
        assert email == email.strip().lower() and EMAIL_PATTERN.match(email), email
        assert email not in fixture_data.suppressed_emails, email
        assert not set(cited) & fixture_data.bad_signal_ids, (outreach_id, cited)


def test_hostile_names_reach_the_queue_verbatim(built, fixture_data):
    queued = {
        oid: (name, subject, body)
        for oid, name, subject, body in support.query(
            built, "select outreach_id::text, company_name, subject, body from execution.send_queue"
        )
    }
    for key, name in hostile_fixture.HOSTILE_NAMES.items():
        company_name, subject, body = queued[fixture_data.companies[key].outreach_id]
        assert company_name == name
        assert name in subject + body, key
    # A first name that looks like a placeholder is data too: inserted once, never rendered.
    _, _, body = queued[fixture_data.companies["name_template"].outreach_id]
    assert body.startswith("{{ company_name }}, "), body[:80]


def test_data_in_a_message_is_not_mistaken_for_its_framing(built, fixture_data):
    """A first name with a full stop and evidence quoting urgency or product words are
    queued (the framing invariant judges the words around the data) with the data intact."""
    bodies = dict(support.query(built, "select outreach_id::text, body from execution.send_queue"))
    initialled = bodies[fixture_data.companies["initialled_name"].outreach_id]
    assert initialled.startswith("J. Robert, "), initialled[:80]
    pressing = bodies[fixture_data.companies["pressing_evidence"].outreach_id]
    assert "renew immediately. Our platform costs rose 30%" in pressing, pressing[:200]


def test_evidence_up_to_its_bound_is_queued_and_beyond_it_is_quarantined(built, fixture_data):
    """A phrase of exactly evidence_max_chars is quoted whole; one character more, or two
    million, is a bad row (EVIDENCE_TOO_LONG, counted by the test above), and the company is
    decided from its good rows. The var and the fixture agree on the bound."""
    assert project_params().evidence_max_chars == hostile_fixture.EVIDENCE_MAX_CHARS
    evidence = hostile_fixture.evidence_at_the_bound()
    oid = fixture_data.companies["huge_evidence"].outreach_id
    ((proof_line, body, slot_type),) = support.query(
        built, "select proof_line, body, slot_type from execution.send_queue where outreach_id = %s", (oid,)
    )
    assert evidence in proof_line and evidence in body and slot_type == "CFO"
    (longest,) = support.query(built, f"select max(char_length(evidence)) from {built.schema}.int_signals_unioned")[0]
    assert longest == hostile_fixture.EVIDENCE_MAX_CHARS


def test_the_per_company_baseline_agrees_on_hostile_input(built, fixture_data):
    # The benchmark's peer decides one company at a time from Python (pressure_outreach.baseline).
    # Its ratio is only a fair comparison if it decides like the build, bad rows included.
    result = baseline.run(
        built.conninfo(), AS_OF, sample_size=2 * len(fixture_data.companies), daily_queue_limit=DAILY_QUEUE_LIMIT
    )
    agreement = result.agreement
    assert agreement["compared"] == result.sample_size == len(fixture_data.companies)
    assert agreement["agreeing"] == agreement["compared"], agreement["examples"]
    queued = sum(1 for c in fixture_data.companies.values() if c.expected.decision_reason == "QUEUED")
    assert result.queued == agreement["queue_rows_in_both"] == agreement["queue_rows_identical"] == queued
    assert result.decisions["COOLING_OFF"] == 3
    assert result.real_queue_untouched


def test_a_gate_forgetting_a_send_with_a_bad_id_is_stopped_by_its_invariant(built, fixture_data, tmp_path):
    # Break the cool-down gate so that it reads valid `sent` events only: the two companies
    # mailed five days ago under a missing or reused event id come through the gates, the
    # cool-down invariant (which reads the same events) fails and the queue stays as it was.
    gate = "models/intermediate/engagement/int_company_contacts_summarized.sql"
    project = support.patched_project(tmp_path, [(gate, "        has_valid_content\n", "        is_valid\n")])
    before = support.table_checksums(built, ["execution.send_queue"])
    result = support.run_dbt(
        built, support.PRODUCTION_BUILD, AS_OF + hostile_fixture.DAY, check=False, project_dir=project
    )
    assert result.returncode != 0, result.stdout[-3000:]
    assert re.search(r"FAIL 2 queued_company_respects_cool_down_and_touch_caps\b", result.stdout), result.stdout[-3000:]
    assert support.table_checksums(built, ["execution.send_queue"]) == before
