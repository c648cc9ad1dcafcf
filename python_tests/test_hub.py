"""The reference Execution Hub (docs/rulebook.md §10) against a real SMTP server and a real
PostgreSQL: the sender, the send-time re-check, the opt-out endpoint and the loop back into
the next build.

Each test works on a copy of SMALL (6,000 companies built at T0, 100 messages queued) and
runs the sender and the endpoint logged in as a LOGIN member of the Execution Hub's role,
as production does: every test also shows the role has what the hub needs. The SMTP server
is aiosmtpd on 127.0.0.1 (pressure_outreach/hub/mailsink.py), delivering into a Maildir,
with scripted refusals for chosen addresses. The sender runs on a replay clock: the
re-check is read, and the events are dated, at NOW, five minutes after the queue was
written.
"""

from __future__ import annotations

import email
import os
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email.policy import default
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
import yaml

import databases
import datasets
import support
from pressure_outreach import settings
from pressure_outreach.hub import config, endpoint, links, message, sender
from pressure_outreach.hub.mailsink import MailSink, Script

T0 = datasets.T0
NOW = T0 + timedelta(minutes=5)
# the opt-out links' HMAC key of this test run (any 16 characters or more)
SECRET = secrets.token_hex(16)
PROJECT_VARS = yaml.safe_load((support.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
HUB_ROLE = PROJECT_VARS["execution_hub_role"]


@pytest.fixture(scope="module")
def hub_login(conn_settings):
    """A LOGIN member of the hub role (the role itself exists: SMALL's prod build made it)."""
    name = f"pytest_hub_login_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(conn_settings.conninfo(database="postgres"), autocommit=True) as admin:
        admin.execute(f'create role "{name}" login in role "{HUB_ROLE}"')
    yield name
    with psycopg.connect(conn_settings.conninfo(database="postgres"), autocommit=True) as admin:
        admin.execute(f'drop role if exists "{name}"')


@dataclass
class Hub:
    """A copy of SMALL, its queue, and the hub's tools on it."""

    admin: settings.ConnectionSettings  # the builder (the test's own changes)
    hub: settings.ConnectionSettings  # the hub's login
    maildir: Path
    sleeps: list[float] = field(default_factory=list)

    def queued(self) -> list[tuple[str, str, str]]:
        """(message_id, email_to, outreach_id) of the queue, oldest first as the sender takes them."""
        return support.query(
            self.admin,
            "select message_id, email_to, outreach_id::text from execution.send_queue order by queued_at, message_id",
        )

    def send(self, sink: MailSink, **options) -> sender.SendReport:
        environ = {
            "OUTREACH_SMTP_HOST": "127.0.0.1",
            "OUTREACH_SMTP_PORT": str(sink.port),
            "OUTREACH_SMTP_STARTTLS": "0",
            "OUTREACH_SMTP_TIMEOUT_SECONDS": "10",
            "OUTREACH_MAIL_FROM": "outreach@pressure-outreach.example",
            "OUTREACH_UNSUBSCRIBE_SECRET": SECRET,
        }
        chosen = {"now": NOW, "progress": False, "rate_per_minute": None, "sleep": self.sleeps.append, **options}
        return sender.run(
            self.hub,
            config.smtp_settings(environ),
            config.mail_settings(environ),
            "execution",
            sender.SendOptions(**chosen),
        )

    def events(self, event_type: str) -> list[tuple]:
        """(message_id, email, bounce_type, detail) of this project's messages' events of a type."""
        return support.query(
            self.admin,
            "select events.message_id, events.email, events.bounce_type, events.detail "
            "from execution.send_events as events join execution.send_queue using (message_id) "
            "where events.event_type = %s order by events.message_id",
            (event_type,),
        )

    def ledger(self) -> dict[str, tuple]:
        """message_id → (status, attempts, finished_at, unsubscribed_at)."""
        rows = support.query(
            self.admin,
            "select message_id, status, attempts, finished_at, unsubscribed_at from execution.send_attempts",
        )
        return {row[0]: row[1:] for row in rows}

    def execute(self, statement: str, params: tuple = ()) -> None:
        with psycopg.connect(self.admin.conninfo(), autocommit=True) as db:
            db.execute(statement, params)


@pytest.fixture
def hub(conn_settings, hub_login, tmp_path):
    with databases.copy_of(conn_settings, datasets.SMALL, "hub") as copy:
        yield Hub(copy, replace(copy, user=hub_login, password=""), tmp_path / "mail")


def message_ids(sink: MailSink) -> list[str]:
    """The message id of each message the server accepted (from its Message-ID), in order."""
    return [
        str(email.message_from_bytes(raw, policy=default)["Message-ID"]).strip("<>").split("@")[0]
        for _, raw in sink.received
    ]


# --- the sender -----------------------------------------------------------------------


def test_each_accepted_message_is_sent_once_and_recorded_sent(hub):
    queued = hub.queued()
    assert len(queued) == 100
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink)
        again = hub.send(sink)
    assert sorted(message_ids(sink)) == sorted(m for m, _, _ in queued)
    sent = hub.events("sent")
    assert [row[0] for row in sent] == sorted(m for m, _, _ in queued)
    assert all(row[3]["smtp_code"] == 250 and "queued as" in row[3]["smtp_reply"] for row in sent)
    assert {status for status, *_ in hub.ledger().values()} == {"sent"}
    assert (report.sent, report.bounced, report.failed, report.unknown) == (100, 0, 0, [])
    # nothing is sendable twice: the second run sends nothing
    assert (again.sent, len(sink.received)) == (0, 100)


def test_a_permanent_refusal_is_a_hard_bounce_and_the_next_build_suppresses_the_address(hub):
    (refused_id, refused_email, refused_company), *rest = hub.queued()
    with MailSink(hub.maildir, Script(refuse={refused_email.strip().lower()})) as sink:
        report = hub.send(sink)
    assert refused_id not in message_ids(sink)
    assert [(row[0], row[2]) for row in hub.events("bounced")] == [(refused_id, "hard")]
    assert refused_id not in [row[0] for row in hub.events("sent")]
    assert hub.ledger()[refused_id][0] == "bounced"
    assert (report.sent, report.bounced) == (99, 1)
    # the next day's build reads the bounce: the address is suppressed, the others cool off
    support.run_dbt(hub.admin, support.PRODUCTION_BUILD, T0 + timedelta(days=1))
    reasons = dict(
        support.query(
            hub.admin,
            "select outreach_id::text, decision_reason from execution.decision_log where decided_at = %s",
            (T0 + timedelta(days=1),),
        )
    )
    assert reasons[refused_company] == "SUPPRESSED"
    assert {reasons[company] for _, _, company in rest} == {"COOLING_OFF"}


def test_a_temporary_refusal_is_retried_with_a_doubling_backoff(hub):
    (once_id, once_email, _), (always_id, always_email, _), *_ = hub.queued()
    script = Script(defer={once_email.strip().lower(): 1, always_email.strip().lower(): 10})
    with MailSink(hub.maildir, script) as sink:
        report = hub.send(sink, max_attempts=3, backoff_seconds=2.0)
    # refused once, accepted at the second attempt: one copy, one `sent` event
    assert message_ids(sink).count(once_id) == 1
    assert [row[0] for row in hub.events("sent")].count(once_id) == 1
    assert hub.ledger()[once_id][:2] == ("sent", 2)
    # refused at every attempt: `failed` after three, waiting 2 s then 4 s
    assert always_id not in message_ids(sink)
    assert [row[0] for row in hub.events("failed")] == [always_id]
    assert hub.ledger()[always_id][:2] == ("failed", 3)
    assert hub.sleeps == [2.0, 2.0, 4.0]
    assert (report.sent, report.deferred, report.failed) == (99, 1, 1)


def test_two_senders_at_once_send_every_message_once(hub):
    queued = hub.queued()
    reports: list[sender.SendReport] = []
    with MailSink(hub.maildir) as sink:
        threads = [threading.Thread(target=lambda: reports.append(hub.send(sink, batch_size=10))) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    received = message_ids(sink)
    assert sorted(received) == sorted(m for m, _, _ in queued), "a message sent twice, or not at all"
    assert len(hub.events("sent")) == len(queued)
    assert sum(report.sent for report in reports) == len(queued)


def test_a_sender_stopped_mid_send_never_sends_that_message_again(hub):
    (stuck_id, stuck_email, _), *rest = hub.queued()
    with MailSink(hub.maildir, Script(hang={stuck_email.strip().lower()})) as sink:
        environ = {
            **os.environ,
            **hub.hub.profile_environment(),
            "OUTREACH_SMTP_HOST": "127.0.0.1",
            "OUTREACH_SMTP_PORT": str(sink.port),
            "OUTREACH_SMTP_STARTTLS": "0",
            "OUTREACH_MAIL_FROM": "outreach@pressure-outreach.example",
            "OUTREACH_UNSUBSCRIBE_SECRET": SECRET,
            "OUTREACH_ALLOW_REPLAY": "1",  # --now
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "pressure_outreach", "send", "--now", NOW.isoformat(), "--rate", "0", "--quiet"],
            cwd=support.PROJECT_DIR,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not sink.hanging and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert sink.hanging == [stuck_email.strip().lower()], process.communicate(timeout=5)[0]
        # the message was handed over and the sender dies before the server answers
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert hub.ledger()[stuck_id][0] == "sending"
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink)
    assert stuck_id not in message_ids(sink)
    assert sorted(message_ids(sink)) == sorted(m for m, _, _ in rest)
    assert report.earlier_unknown == [stuck_id]
    assert any(stuck_id in line for line in report.lines())
    assert stuck_id not in [row[0] for row in hub.events("sent")]


def test_an_opt_out_exclusion_or_kill_switch_after_queueing_stops_the_send(hub):
    (unsubscribed_id, unsubscribed_email, _), (excluded_id, _, excluded), (switched_id, _, switched), *_ = hub.queued()
    after_queueing = T0 + timedelta(minutes=1)
    hub.execute(
        "insert into execution.send_events (event_id, email, event_type, event_at) "
        "values (gen_random_uuid(), %s, 'unsubscribed', %s)",
        (" " + unsubscribed_email.upper() + " ", after_queueing),
    )
    hub.execute(
        "insert into outreach.outreach_excluded (outreach_id, exclusion_reason, excluded_at) values (%s, 'LEGAL', %s)",
        (excluded, after_queueing),
    )
    hub.execute(
        "insert into outreach.manual_overrides (override_id, outreach_id, override_type, reason, created_at, is_active) "
        "values (gen_random_uuid(), %s, %s, 'counsel', %s, true)",
        (switched, PROJECT_VARS["blocking_override_types"][0], after_queueing),
    )
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink)
    held = {unsubscribed_id, excluded_id, switched_id}
    assert not held & set(message_ids(sink))
    assert report.sent == 97
    assert report.held == {"SUPPRESSED": 1, "EXCLUDED": 1, "KILL_SWITCH": 1}
    assert not held & set(hub.ledger())


def test_a_proof_expired_since_queueing_stops_the_send(hub):
    """The message whose proof expires first, sent a second after it expired. In SMALL that
    is two days after queueing, so the send window is widened to 72 hours for this test
    (the re-check views rebuilt with the var)."""
    support.run_dbt(hub.admin, ["run", "--select", "send_recheck+"], T0, extra_vars={"send_window_hours": 72})
    (message_id, valid_until), *_ = support.query(
        hub.admin, "select message_id, proof_valid_until from execution.send_queue order by proof_valid_until limit 1"
    )
    assert T0 < valid_until < T0 + timedelta(hours=72)
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink, now=valid_until + timedelta(seconds=1))
    assert message_id not in message_ids(sink)
    assert message_id not in hub.ledger()
    expired = support.query(
        hub.admin,
        "select count(*) from execution.send_queue where proof_valid_until < %s",
        (valid_until + timedelta(seconds=1),),
    )[0][0]
    assert report.held == {"PROOF_EXPIRED": expired} and report.sent == 100 - expired


def test_the_queue_of_a_run_that_did_not_complete_or_of_yesterday_is_not_sent(hub):
    # a failed run, and a run that succeeded without building every model (a narrow `dbt run`)
    for status, complete in (("failed", False), ("success", False)):
        hub.execute(
            "update execution.run_log set status = %s, is_complete = %s where as_of = %s", (status, complete, T0)
        )
        with MailSink(hub.maildir) as sink:
            report = hub.send(sink)
        assert (report.sent, report.held) == (0, {"RUN_NOT_COMPLETE": 100}), status
    hub.execute("update execution.run_log set status = 'success', is_complete = true where as_of = %s", (T0,))
    window = timedelta(hours=PROJECT_VARS["send_window_hours"])
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink, now=T0 + window)
    assert (report.sent, report.held) == (0, {"SEND_WINDOW_PASSED": 100})


def test_the_rate_limit_spaces_the_sends_and_errors_in_a_row_pause_the_sender(hub):
    queued = hub.queued()
    with MailSink(hub.maildir, Script(defer={e.strip().lower(): 1 for _, e, _ in queued[:3]})) as sink:
        report = hub.send(sink, limit=6, rate_per_minute=600.0, pause_after_errors=3, pause_seconds=30.0)
    assert report.sent == 6 and report.deferred == 3 and report.pauses == 1
    assert 30.0 in hub.sleeps
    spacing = [wait for wait in hub.sleeps if wait not in (30.0, 2.0)]
    assert spacing and all(0 < wait <= 0.1 for wait in spacing)


# --- the message ----------------------------------------------------------------------


MAIL = config.mail_settings(
    {"OUTREACH_MAIL_FROM": "Outreach <outreach@pressure-outreach.example>", "OUTREACH_UNSUBSCRIBE_SECRET": SECRET}
)
OUTGOING = message.Outgoing(
    message_id="m-0001",
    outreach_id="00000000-0000-0000-0000-000000000001",
    person_unique_id="04.04.02.25.000001.001",
    email_to="Yūko.Tanaka@example.jp ",
    subject="株式会社サンプル: costs are moving — Zoë's question",
    body="Yūko, 株式会社サンプル shows a 12% rise.\n\nOpt out: https://outreach.example.com/unsubscribe?m=m-0001",
    unsubscribe_url="https://outreach.example.com/unsubscribe?m=m-0001",
)


def test_the_message_carries_both_rfc_8058_headers_the_signed_link_and_utf_8_text():
    raw = message.build(OUTGOING, MAIL, NOW)
    # on the wire: 7-bit bytes, and the opt-out headers as they are (a mail client reads no
    # RFC 2047 word in them)
    assert max(raw) < 128
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers
    assert [
        h for h in headers if h.startswith("List-Unsubscribe: <https://outreach.example.com/unsubscribe?m=m-0001&s=")
    ]
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed["Subject"] == OUTGOING.subject
    assert parsed["To"] == "Yūko.Tanaka@example.jp"
    assert parsed["From"] == "Outreach <outreach@pressure-outreach.example>"
    assert parsed["Reply-To"] == parsed["From"]
    assert parsed["Message-ID"] == "<m-0001@pressure-outreach.example>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [part.strip(" <>") for part in str(parsed["List-Unsubscribe"]).split(",")]
    assert mailto.startswith("mailto:unsubscribe@pressure-outreach.example?subject=")
    query = parse_qs(urlsplit(https).query)
    assert query["m"] == ["m-0001"] and links.is_signed("m-0001", query["s"][0], SECRET.encode())
    body = parsed.get_content()
    assert "Yūko, 株式会社サンプル shows a 12% rise." in body
    assert https in body and OUTGOING.unsubscribe_url + "&" in body


def test_a_configured_key_signs_the_message_with_dkim(tmp_path):
    dkim = pytest.importorskip("dkim")
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True, capture_output=True
    ).stdout
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    signed = message.build(OUTGOING, replace(MAIL, dkim_key_file=key, dkim_selector="outreach"), NOW)
    assert signed.startswith(b"DKIM-Signature:")
    dns = {b"outreach._domainkey.pressure-outreach.example.": record}
    assert dkim.verify(signed, dnsfunc=lambda name, timeout=5: dns.get(name))
    # a changed opt-out header breaks the signature
    tampered = signed.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: none")
    assert not dkim.verify(tampered, dnsfunc=lambda name, timeout=5: dns.get(name))
    # so does one added on the way (the two opt-out headers are signed twice, RFC 6376 §8.15)
    added = b"List-Unsubscribe: <https://elsewhere.example/u>\r\n" + signed
    assert not dkim.verify(added, dnsfunc=lambda name, timeout=5: dns.get(name))


@pytest.mark.parametrize(
    ("code", "reply", "hard"),
    [
        (550, "5.1.1 <a@b.example>: mailbox unavailable", True),
        (550, "mailbox unavailable", True),
        (553, "5.1.3 bad address syntax", True),
        (550, "5.2.1 mailbox disabled", True),
        (554, "5.7.1 <a@b.example>: Relay access denied", False),
        (550, "5.7.1 blocked by policy", False),
        (552, "5.2.2 mailbox full", False),
        (554, "transaction failed", False),
    ],
)
def test_only_a_refused_mailbox_is_a_hard_bounce(code, reply, hard):
    assert sender.is_hard_bounce(code, reply) is hard


def test_a_relay_refusal_that_is_not_the_mailboxs_suppresses_nobody(hub):
    (_, denied, _), *_ = hub.queued()
    with MailSink(hub.maildir, Script(deny={denied.strip().lower()})) as sink:
        report = hub.send(sink)
    assert (report.sent, report.bounced, report.failed) == (99, 0, 1)
    assert hub.events("bounced") == []
    (failed,) = hub.events("failed")
    assert failed[3]["smtp_code"] == 554


class _RefusesDataOnce:
    """A relay connection whose first DATA command is refused for now (451, no 354)."""

    def __init__(self) -> None:
        self.data_calls = 0

    def mail(self, sender):
        return 250, b"2.1.0 Ok"

    def rcpt(self, recipient):
        return 250, b"2.1.5 Ok"

    def rset(self):
        return 250, b"Ok"

    def data(self, raw):
        self.data_calls += 1
        if self.data_calls == 1:
            raise smtplib.SMTPDataError(451, b"4.3.0 try again later")
        return 250, b"2.0.0 Ok: queued"


def test_a_refused_data_command_is_retried_not_taken_for_a_lost_message():
    connection = _RefusesDataOnce()

    class _Relay:
        def open(self):
            return connection

        def drop(self):
            pass

    outgoing = message.Outgoing("m-1", "", "", "a@b.example", "s", "b", "https://x.example/u?m=m-1")
    waits: list[float] = []
    outcome = sender.deliver(_Relay(), "from@b.example", outgoing, b"raw", sender.SendOptions(sleep=waits.append))
    assert (outcome.status, outcome.attempts, outcome.deferred, connection.data_calls) == ("sent", 2, True, 2)


def test_an_unreachable_relay_stops_the_run_before_any_claim(hub):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = hub.send(SimpleNamespace(port=port))
    assert report.stopped and "cannot be used" in report.stopped
    assert (report.sent, report.failed, hub.ledger()) == (0, 0, {})


def test_a_relay_refusing_the_sender_stops_the_run_after_one_message(hub):
    with MailSink(hub.maildir, Script(refuse_sender=True)) as sink:
        report = hub.send(sink)
    assert report.stopped and "refuses the sender" in report.stopped
    assert (report.sent, report.failed, sink.received) == (0, 1, [])
    assert [status for status, *_ in hub.ledger().values()] == ["failed"]


def test_a_link_that_is_not_https_stops_the_run_before_any_claim():
    mail = config.mail_settings({"OUTREACH_MAIL_FROM": "a@b.example", "OUTREACH_UNSUBSCRIBE_SECRET": SECRET})
    clock = sender.Clock(NOW)
    for link, problem in [
        ("http://outreach.example/unsubscribe?m=m-1", "not an https link"),
        ("https://outreach.example/unsubscribe?m=m-1", None),
    ]:
        ledger = SimpleNamespace(first_link=lambda link=link: ("m-1", link))
        found = sender._configuration_problem(ledger, mail, clock)
        assert (problem is None and found is None) or (problem in found and "nothing was claimed" in found), found


def test_a_message_that_cannot_be_built_fails_alone_with_its_reason(hub):
    (broken, _, _), *_ = hub.queued()
    hub.execute("update execution.send_queue set subject = 'two\nlines' where message_id = %s", (broken,))
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink)
    assert (report.sent, report.failed, report.unknown) == (99, 1, [])
    assert broken not in message_ids(sink)
    (failed,) = hub.events("failed")
    assert failed[0] == broken and "cannot be built" in failed[3]["smtp_reply"]


def test_a_replay_clock_never_undoes_an_opt_out(hub):
    """A replay (`send --now`) reads the past, but an opt-out recorded since still holds."""
    (message_id, email, outreach_id), *_ = hub.queued()
    hub.execute(
        "insert into execution.send_events (event_id, message_id, outreach_id, email, event_type, event_at) "
        "values (gen_random_uuid(), %s, %s, %s, 'unsubscribed', %s)",
        (message_id, outreach_id, email, NOW + timedelta(hours=1)),
    )
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink)
    assert message_id not in message_ids(sink)
    assert (report.sent, report.held) == (99, {"SUPPRESSED": 1})


def test_missing_or_bad_settings_are_named():
    with pytest.raises(config.ConfigError, match="OUTREACH_SMTP_HOST"):
        config.smtp_settings({})
    with pytest.raises(config.ConfigError, match="at least 16"):
        config.mail_settings({"OUTREACH_MAIL_FROM": "a@b.example", "OUTREACH_UNSUBSCRIBE_SECRET": "short"})
    with pytest.raises(config.ConfigError, match="both"):
        config.mail_settings(
            {"OUTREACH_MAIL_FROM": "a@b.example", "OUTREACH_UNSUBSCRIBE_SECRET": SECRET, "OUTREACH_DKIM_SELECTOR": "x"}
        )
    with pytest.raises(config.ConfigError, match="OUTREACH_SMTP_TIMEOUT_SECONDS"):
        config.smtp_settings({"OUTREACH_SMTP_HOST": "relay.example", "OUTREACH_SMTP_TIMEOUT_SECONDS": "30s"})
    with pytest.raises(config.ConfigError, match="in clear"):
        config.smtp_settings(
            {"OUTREACH_SMTP_HOST": "relay.example", "OUTREACH_SMTP_USER": "hub", "OUTREACH_SMTP_STARTTLS": "0"}
        )
    with pytest.raises(config.ConfigError, match="OUTREACH_DKIM_KEY_FILE"):
        config.mail_settings(
            {
                "OUTREACH_MAIL_FROM": "a@b.example",
                "OUTREACH_UNSUBSCRIBE_SECRET": SECRET,
                "OUTREACH_DKIM_KEY_FILE": "/nonexistent/dkim.pem",
                "OUTREACH_DKIM_SELECTOR": "x",
            }
        )
    result = subprocess.run(
        [sys.executable, "-m", "pressure_outreach", "send"],
        capture_output=True,
        text=True,
        cwd=support.PROJECT_DIR,
        env={k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_SMTP")},
    )
    assert result.returncode == 2 and "OUTREACH_SMTP_HOST" in result.stderr


# --- the opt-out endpoint ---------------------------------------------------------------


def _signed_path(message_id: str, secret: str = SECRET) -> str:
    url = links.signed_url(PROJECT_VARS["unsubscribe_base_url"] + message_id, message_id, secret.encode())
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _state(hub: Hub) -> tuple:
    return (
        support.query(hub.admin, "select count(*) from execution.send_events")[0][0],
        sorted((k, v[3] is not None) for k, v in hub.ledger().items()),
    )


def test_the_endpoint_get_changes_nothing_and_a_forged_link_is_refused(hub):
    with MailSink(hub.maildir) as sink:
        hub.send(sink, limit=2)
    (first, _, _), (second, _, _), (never_sent, _, _), *_ = hub.queued()
    client = endpoint.create_app(hub.hub, SECRET.encode()).test_client()
    before = _state(hub)
    page = client.get(_signed_path(first))
    assert page.status_code == 200 and b'method="post"' in page.data and b"One-Click" in page.data
    forged = [
        _signed_path(first, secret=secrets.token_hex(16)),  # signed with another key
        _signed_path(first).replace(f"m={first}", f"m={second}"),  # another message, first's signature
        f"/unsubscribe?m={first}",  # no signature
        f"/unsubscribe?m={first}&s=" + "0" * 64,
        f"/unsubscribe?m={first}&s=%C3%A9",  # not even hexadecimal
    ]
    for path in forged:
        assert client.get(path).status_code == 403, path
        answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 403, path
    # a signed link of a message never sent: no such opt-out
    assert client.post(_signed_path(never_sent), data={"List-Unsubscribe": "One-Click"}).status_code == 404
    # a POST without the one-click body
    assert client.post(_signed_path(first), data={}).status_code == 400
    assert _state(hub) == before


def test_a_one_click_post_records_one_opt_out_that_the_next_send_honours(hub):
    with MailSink(hub.maildir) as sink:
        hub.send(sink, limit=1)
    (first, first_email, _), (second, _, _), *_ = hub.queued()
    # a second message to the same address queued before the opt-out (a person who sits
    # at two companies): the next send must not send it
    hub.execute(
        """
        insert into execution.send_queue
        select (jsonb_populate_record(null::execution.send_queue, to_jsonb(queue)
            || jsonb_build_object('message_id', 'second-to-' || %s::text, 'email_to', %s::text))).*
        from execution.send_queue as queue where message_id = %s
        """,
        (first, first_email, second),
    )
    # the opt-out arrives a minute after the first send (the replay's clock), the next send a minute later
    client = endpoint.create_app(hub.hub, SECRET.encode(), clock=lambda: NOW + timedelta(minutes=1)).test_client()
    answer = client.post(
        _signed_path(first),
        data=b"List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200 and "Location" not in answer.headers
    assert [(row[0], row[1]) for row in hub.events("unsubscribed")] == [(first, first_email)]
    again = client.post(_signed_path(first), data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and len(hub.events("unsubscribed")) == 1
    with MailSink(hub.maildir) as sink:
        report = hub.send(sink, now=NOW + timedelta(minutes=2))
    assert f"second-to-{first}" not in message_ids(sink)
    assert report.held == {"SUPPRESSED": 1}


# --- the demo's loop --------------------------------------------------------------------


def test_the_demo_sent_day_one_and_built_day_two_on_the_results(demo_db):
    """`make demo` left day 1's queue sent (one hard bounce), two opt-outs through the
    endpoint and a reply, and day 2 built on them: each of those addresses suppressed or
    cooling off, none queued again, and the Execution Hub's results measured."""
    day1, day2 = support.DEMO_AS_OF, support.DEMO_AS_OF + timedelta(days=1)
    if not support.query(demo_db, "select 1 from execution.run_log where as_of = %s and status = 'success'", (day2,)):
        pytest.skip("the demo ran with --no-loop: no day 2")
    ledger = dict(
        support.query(
            demo_db,
            "select status, count(*) from execution.send_attempts join execution.send_queue using (message_id) "
            "where queued_at = %s group by 1",
            (day1,),
        )
    )
    (queued,) = support.query(demo_db, "select count(*) from execution.send_queue where queued_at = %s", (day1,))[0]
    assert ledger == {"sent": queued - 1, "bounced": 1}
    acted = support.query(
        demo_db,
        """
        select events.event_type, log.decision_reason,
            exists (select 1 from execution.send_queue as again
                    where lower(btrim(again.email_to)) = lower(btrim(events.email)) and again.queued_at = %s)
        from execution.send_events as events
        join execution.send_queue as queue using (message_id)
        join execution.decision_log as log on log.outreach_id = queue.outreach_id and log.decided_at = %s
        where events.event_type in ('bounced', 'unsubscribed', 'replied')
        order by 1
        """,
        (day2, day2),
    )
    assert acted == [
        ("bounced", "SUPPRESSED", False),
        ("replied", "COOLING_OFF", False),
        ("unsubscribed", "SUPPRESSED", False),
        ("unsubscribed", "SUPPRESSED", False),
    ]
    (results,) = support.query(
        demo_db,
        "select measured_count from reporting.rpt_implementation_status where component = 'Execution Hub: results'",
    )[0]
    assert results >= queued + 3
