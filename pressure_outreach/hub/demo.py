"""The demo's loop (`make demo`, README: Sending): from day 1's queue back to day 2's build.

After day 1 is built, a local SMTP server (mailsink.py) delivers into a Maildir, the
Execution Hub's sender sends the day's queue through it, logged in as a member of the hub
role, and four recipients act through the real channels:

1. the server refuses the first address for good (550 at RCPT): the sender records a hard
   bounce;
2. and 3. two recipients opt out with the one-click POST of their message's
   List-Unsubscribe link, to the opt-out endpoint served on 127.0.0.1 (as the public
   link's TLS-terminating web server would pass the request on);
4. one replies (the event the hub records when an answer arrives).

Day 2 is then built on those events (cli.py) and `report` says what happened to each
recipient and what day 2 decided for them. The demo replays February: the sender reads the
re-check, and the events are dated, at day 1's as_of plus a few minutes (SendOptions.now).

Run twice (a second `make demo`), nothing is sent again: every day-1 message has its
attempt in the ledger; the opt-outs are posted again and change nothing more; the reply is
recorded once.
"""

from __future__ import annotations

import os
import secrets
import threading
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import yaml
from psycopg import sql
from psycopg.types.json import Jsonb

from pressure_outreach import settings
from pressure_outreach.hub import config, endpoint, sender
from pressure_outreach.hub.mailsink import MailSink, Script, free_port

# When, after day 1's as_of, the sender runs, the opt-outs arrive and the reply comes in.
SEND_AFTER = timedelta(minutes=5)
UNSUBSCRIBE_AFTER = timedelta(hours=1)
REPLY_AFTER = timedelta(hours=3)
DEMO_MAIL_FROM = "outreach@pressure-outreach.example"
# The Execution Hub's login on the embedded server: a member of the hub role, nothing more.
HUB_LOGIN = "outreach_hub_demo"


@dataclass
class Recipient:
    message_id: str
    email: str
    company: str
    action: str


@dataclass
class LoopResult:
    maildir: Path
    report: sender.SendReport
    recipients: list[Recipient] = field(default_factory=list)


def hub_login(conn: settings.ConnectionSettings) -> settings.ConnectionSettings:
    """`conn` as the demo's Execution Hub login (created once, a member of the hub role): the
    sender and the endpoint run with the hub's privileges only (README: Roles and grants)."""
    hub_role = yaml.safe_load((settings.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][
        "execution_hub_role"
    ]
    with psycopg.connect(conn.conninfo(), autocommit=True) as admin:
        if admin.execute("select 1 from pg_roles where rolname = %s", (HUB_LOGIN,)).fetchone() is None:
            admin.execute(sql.SQL("create role {} login").format(sql.Identifier(HUB_LOGIN)))
        admin.execute(sql.SQL("grant {} to {}").format(sql.Identifier(hub_role), sql.Identifier(HUB_LOGIN)))
    return replace(conn, user=HUB_LOGIN, password="")


def _environment(smtp_port: int) -> dict[str, str]:
    """The hub's settings for the demo: the local server without TLS, a sender address of
    the example domain, and the operator's opt-out secret or a fresh one."""
    return {
        "OUTREACH_SMTP_HOST": "127.0.0.1",
        "OUTREACH_SMTP_PORT": str(smtp_port),
        "OUTREACH_SMTP_STARTTLS": "0",
        "OUTREACH_MAIL_FROM": DEMO_MAIL_FROM,
        "OUTREACH_UNSUBSCRIBE_SECRET": os.environ.get("OUTREACH_UNSUBSCRIBE_SECRET") or secrets.token_hex(24),
    }


class _Endpoint:
    """The opt-out endpoint on 127.0.0.1 in a thread of this process, for the block."""

    def __init__(self, conn: settings.ConnectionSettings, secret: bytes, at: datetime) -> None:
        from waitress.server import create_server

        self.port = free_port()
        app = endpoint.create_app(conn, secret, config.execution_schema(), clock=sender.Clock(at).now)
        self.server = create_server(app, host="127.0.0.1", port=self.port)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Endpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()

    def one_click(self, link: str) -> int:
        """POST the RFC 8058 one-click body to `link`, as a mail client does, here."""
        parts = urlsplit(link)
        local = f"http://127.0.0.1:{self.port}{parts.path}?{parts.query}"
        posted = urllib.request.Request(local, data=b"List-Unsubscribe=One-Click", method="POST")
        with urllib.request.urlopen(posted, timeout=10) as answer:
            return answer.status


def unsubscribe_link(raw: bytes) -> str:
    """The https link of a message's List-Unsubscribe header."""
    header = str(message_from_bytes(raw, policy=default)["List-Unsubscribe"])
    return next(part.strip(" <>") for part in header.split(",") if part.strip(" <").startswith("https:"))


def play(
    conn: settings.ConnectionSettings, hub: settings.ConnectionSettings, day: datetime, maildir: Path
) -> LoopResult:
    """Send day 1's queue through a local server as `hub` (a login of the hub role), and have
    four recipients act; `conn` (the builder's) only picks the four, as the demo's script."""
    schema = config.execution_schema()
    with psycopg.connect(conn.conninfo()) as db:
        chosen = db.execute(
            sql.SQL(
                "select message_id, email_to, company_name from {} where queued_at = %s order by message_id limit 4"
            ).format(sql.Identifier(schema, "send_queue")),
            (day,),
        ).fetchall()
    refused = {chosen[0][1].strip().lower()} if chosen else set()
    environ = _environment(0)
    with MailSink(maildir, Script(refuse=refused)) as sink:
        environ["OUTREACH_SMTP_PORT"] = str(sink.port)
        mail = config.mail_settings(environ)
        options = sender.SendOptions(rate_per_minute=None, now=day + SEND_AFTER)
        report = sender.run(hub, config.smtp_settings(environ), mail, schema, options)
        # what this run delivered (a second demo delivers nothing, and its links would carry
        # the first run's signature)
        delivered = {_message_id(raw): raw for _, raw in sink.received}
    result = LoopResult(maildir, report)
    answers: dict[str, int] = {}
    with _Endpoint(hub, mail.unsubscribe_secret, day + UNSUBSCRIBE_AFTER) as opt_out:
        for message_id, _, _ in chosen[1:3]:
            if message_id in delivered:
                answers[message_id] = opt_out.one_click(unsubscribe_link(delivered[message_id]))
    for message_id, _, _ in chosen[3:4]:
        _reply(conn, schema, message_id, day + REPLY_AFTER)
    # what happened to each, as the ledger and the events say (a second demo changes nothing)
    with psycopg.connect(conn.conninfo()) as db:
        for message_id, email, company in chosen:
            status, unsubscribed_at, replied = db.execute(
                sql.SQL(
                    "select status, unsubscribed_at, exists (select 1 from {events} where message_id = %(m)s "
                    "and event_type = 'replied') from {attempts} where message_id = %(m)s"
                ).format(
                    events=sql.Identifier(schema, "send_events"), attempts=sql.Identifier(schema, "send_attempts")
                ),
                {"m": message_id},
            ).fetchone() or ("not sent", None, False)
            action = "refused by the server (550): a hard bounce" if status == "bounced" else status
            if unsubscribed_at is not None:
                answer = f", HTTP {answers[message_id]}" if message_id in answers else ""
                action += f"; unsubscribed with one click (POST to the opt-out endpoint{answer})"
            if replied:
                action += "; replied"
            result.recipients.append(Recipient(message_id, email, company, action))
    return result


def _message_id(raw: bytes) -> str:
    """The queue's message id of a delivered message (its Message-ID's local part)."""
    return str(message_from_bytes(raw, policy=default)["Message-ID"]).strip("<>").split("@", 1)[0]


def _reply(conn: settings.ConnectionSettings, schema: str, message_id: str, at: datetime) -> None:
    """The recipient answers: the `replied` event an inbound-mail handler records (not part of
    the reference hub, so the demo writes it, once, as the builder)."""
    with psycopg.connect(conn.conninfo(), autocommit=True) as db:
        db.execute(
            sql.SQL(
                """
                insert into {events}
                    (event_id, message_id, outreach_id, person_unique_id, email, event_type, event_at, detail)
                select gen_random_uuid(), message_id, outreach_id, person_unique_id, email_to, 'replied', %s, %s
                from {attempts} as attempt
                where message_id = %s and status = 'sent'
                  and not exists (
                      select 1 from {events} as answered
                      where answered.message_id = attempt.message_id and answered.event_type = 'replied'
                  )
                """
            ).format(events=sql.Identifier(schema, "send_events"), attempts=sql.Identifier(schema, "send_attempts")),
            (at, Jsonb({"source": "demo: the recipient answered"}), message_id),
        )


def report(conn: settings.ConnectionSettings, result: LoopResult, day1: datetime, day2: datetime) -> str:
    """What the loop did, for the demo's summary: the sender's report, each recipient and
    what day 2 decided for them, engagement from the real events."""
    lines = ["", "## The loop: day 1 sent, recipients acting, day 2 built on their events", ""]
    lines += result.report.lines()
    lines.append(f"  delivered into the Maildir {result.maildir} (mutt -f, or Python's mailbox.Maildir, opens it)")
    with psycopg.connect(conn.conninfo()) as db:
        if result.recipients:
            lines += ["", "What the recipients did, and what day 2 decided for them:"]
            for recipient in result.recipients:
                decided = db.execute(
                    "select decision_reason from execution.decision_log where decided_at = %s and outreach_id = "
                    "(select outreach_id from execution.send_queue where message_id = %s)",
                    (day2, recipient.message_id),
                ).fetchone()
                (again,) = db.execute(
                    "select count(*) from execution.send_queue where lower(btrim(email_to)) = lower(btrim(%s)) "
                    "and queued_at > %s",
                    (recipient.email, day1),
                ).fetchone()
                lines.append(
                    f"  {recipient.company}: {recipient.action}; day 2: {decided[0] if decided else '-'}, "
                    + ("queued again" if again else "not queued again")
                )
        engagement = db.execute(
            "select sum(messages_sent), sum(messages_delivered), sum(messages_bounced), sum(messages_replied), "
            "sum(messages_unsubscribed) from reporting.rpt_engagement where as_of = %s",
            (day2,),
        ).fetchone()
        lines += [
            "",
            "Engagement at day 2 from these events (reporting.rpt_engagement): sent {:,}, delivered {:,}, "
            "bounced {:,}, replied {:,}, unsubscribed {:,}".format(*(int(value or 0) for value in engagement)),
            "  (delivered counts the messages a later event proves delivered: an SMTP relay's acceptance is "
            "'sent', and the reference hub reads no delivery reports)",
        ]
    return "\n".join(lines)
