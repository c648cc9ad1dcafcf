"""Message templates: valid Jinja with only the allowed placeholders, pressure-first, all
15 (audience, pressure class) pairs present — and a plain jinja2 renderer produces
exactly what the SQL renderer queued, hostile company names included."""

from __future__ import annotations

import csv
import re
from functools import cache

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest
import yaml

import databases
import datasets
import support

SEEDS = support.PROJECT_DIR / "seeds"
AUDIENCES = {"CEO", "CFO", "HR"}


@cache
def project_vars() -> dict:
    return yaml.safe_load((support.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def read_seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


TEMPLATES = read_seed("message_templates")
FOOTER = next(
    r["footer"] for r in read_seed("message_footers") if r["footer_id"] == project_vars()["message_footer_id"]
)
ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


def texts():
    for row in TEMPLATES:
        yield f"{row['template_id']}.subject", row["subject"]
        yield f"{row['template_id']}.body", row["body"]
    yield "footer", FOOTER


@pytest.mark.parametrize(("name", "text"), list(texts()), ids=[name for name, _ in texts()])
def test_template_uses_only_allowed_placeholders(name, text):
    parsed = ENV.parse(text)
    allowed = set(project_vars()["template_placeholders"])
    unknown = jinja2.meta.find_undeclared_variables(parsed) - allowed
    assert not unknown, f"{name} uses unknown placeholders {unknown}"
    # The SQL renderer understands plain `{{ name }}` only: no filters, tags or expressions.
    for output in parsed.find_all(jinja2.nodes.Output):
        for node in output.nodes:
            assert isinstance(node, jinja2.nodes.TemplateData | jinja2.nodes.Name), f"{name}: {node!r}"
    assert all(isinstance(node, jinja2.nodes.Output) for node in parsed.body), f"{name} has a tag"


def test_every_audience_and_pressure_class_has_a_template():
    pairs = {(row["audience"], row["pressure_class"]) for row in TEMPLATES}
    assert pairs == {(a, c) for a in AUDIENCES for c in project_vars()["pressure_classes"]}


def test_templates_lead_with_the_evidence_never_the_product():
    product_first = [r["phrase"] for r in read_seed("product_first_phrases")]
    urgency = [r["word"] for r in read_seed("urgency_words")]
    for row in TEMPLATES:
        # up to the first full stop, question or exclamation mark: a question first is wrong too
        first_sentence = re.split(r"[.!?](?:\s|$)", row["body"], maxsplit=1)[0]
        assert "{{ evidence }}" in first_sentence, row["template_id"]
        text = (row["subject"] + " " + row["body"]).lower()
        assert not [p for p in product_first if p in text], row["template_id"]
        assert not [w for w in urgency if w in text], row["template_id"]
    for wrong in ("we offer", "our advisory services", "i'd love to show you"):
        assert wrong in product_first


def render(row: dict, message: dict) -> tuple[str, str]:
    values = {
        "company_name": message["company_name"],
        "first_name": message["first_name"],
        "proof_line": message["proof_line"],
        "evidence": message["evidence"],
        "unsubscribe_url": project_vars()["unsubscribe_base_url"] + message["message_id"],
        "sender_postal_address": project_vars()["sender_postal_address"],
    }
    subject = ENV.from_string(row["subject"]).render(values)
    body = ENV.from_string(row["body"]).render(values) + "\n\n" + ENV.from_string(FOOTER).render(values)
    return subject, body


def rendered_again(conn) -> tuple[int, int]:
    """Render every message of the last run that is in the queue again with jinja2 and
    compare; (messages compared, how many of them carry a hostile company name)."""
    rows = support.query(
        conn,
        """
        select m.message_id, m.template_id, q.company_name, m.first_name, q.proof_line, m.evidence, q.subject, q.body
        from analytics.int_messages_rendered as m
        join execution.send_queue as q on q.message_id = m.message_id
        """,
    )
    templates = {row["template_id"]: row for row in TEMPLATES}
    hostile = 0
    for message_id, template_id, company, first_name, proof_line, evidence, subject, body in rows:
        message = {
            "message_id": message_id,
            "company_name": company,
            "first_name": first_name,
            "proof_line": proof_line,
            "evidence": evidence,
        }
        assert render(templates[template_id], message) == (subject, body), message_id
        hostile += any(mark in company for mark in ("{{", "<script>", "drop table", "Zoë", "株式会社"))
    return len(rows), hostile


def test_python_renderer_reproduces_every_queued_message(demo_db):
    """The demo's last run (day 2 of its loop, or day 1)."""
    compared, _ = rendered_again(demo_db)
    assert compared > 0, "the demo queued nothing"


def test_python_renderer_reproduces_hostile_company_names(conn_settings):
    """The hostile fixture's queue, where `{{`, `<script>`, SQL and non-ASCII names are queued."""
    with databases.copy_of(conn_settings, datasets.HOSTILE, "templates") as copy:
        compared, hostile = rendered_again(copy)
    assert compared > 0 and hostile > 0, "no hostile company name reached the queue"
