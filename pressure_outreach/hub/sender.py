"""`python -m pressure_outreach send`: claim what may be sent now, send it over SMTP, record
what happened (docs/rulebook.md §10).

At most once. The sender reads a batch of candidates from execution.sendable_messages (the
send-time re-check), then claims each one just before it sends it: one statement reads the
view again for that message and inserts its row into the ledger (execution.send_attempts,
primary key message_id) with status `sending`, and commits. Of two senders only one can
insert a message's row; an opt-out that arrived since the batch was read stops the message
there. The outcome is then recorded on that row and as an event in execution.send_events:

- the relay accepts the message (250 after DATA): `sent`, with the relay's reply;
- it refuses the recipient's mailbox for good (550, 551 or 553 to RCPT, with an enhanced
  status of 5.1.x or 5.2.1 when it gives one): `bounced`, bounce_type `hard` (the next send
  and the next build suppress the address). Any other 5xx (relay access denied, a policy
  block, 552): `failed`, counted as an error, the address not suppressed;
- it refuses for now (4xx at MAIL, RCPT or DATA, or the connection was lost before the
  message was handed over): retried with a doubling back-off, up to the attempt limit, then
  `failed`; it refuses the message for good (5xx at MAIL, DATA or after it): `failed`;
- the message cannot be built or addressed (a line break in its subject, an address SMTP
  cannot carry): `failed`, with the reason;
- the connection is lost after the message was handed over, before the relay's reply, or
  the sender is stopped between its claim and the reply: the outcome is unknown. The row
  stays `sending` and the message is never sent again by any sender; every run reports
  such rows.

The relay's connection (and its login) is made before a message is claimed: a relay that
cannot be reached or refuses the login stops the run without claiming anything; one that
refuses the sender address (5xx at MAIL) stops it after that one message. A rate
limit spaces the sends, a run of consecutive errors pauses the sender, a progress
bar shows the run, and a report closes it: sent, bounced, deferred (sent after a temporary
refusal), failed, unknown, and the queued messages the re-check holds back, by reason.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pressure_outreach import settings
from pressure_outreach.hub import message
from pressure_outreach.hub.config import MailSettings, SmtpSettings


@dataclass
class SendOptions:
    batch_size: int = 100
    # at most this many messages in this run (None: every sendable message)
    limit: int | None = None
    # messages per minute (None: as fast as the relay takes them)
    rate_per_minute: float | None = 60.0
    # SMTP attempts of one message before it is recorded `failed`
    max_attempts: int = 3
    # the wait before the second attempt; it doubles for each one after
    backoff_seconds: float = 2.0
    # after this many errors in a row (temporary refusals, lost connections) the sender pauses
    pause_after_errors: int = 5
    pause_seconds: float = 60.0
    # the instant the re-check and the events are dated at, for a replay (the demo sends its
    # February queue); None: the real clock
    now: datetime | None = None
    progress: bool = True
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Outcome:
    status: str  # sent, bounced, failed, unknown
    code: int | None
    reply: str
    attempts: int
    deferred: bool = False
    # the relay refused the sender address (5xx at MAIL): every message would fail the same way
    sender_refused: bool = False


@dataclass
class SendReport:
    sender: str
    sent: int = 0
    bounced: int = 0
    deferred: int = 0
    failed: int = 0
    unknown: list[str] = field(default_factory=list)
    earlier_unknown: list[str] = field(default_factory=list)
    held: Counter = field(default_factory=Counter)
    pauses: int = 0
    # why the run stopped before the queue was done (the relay could not be used), or None
    stopped: str | None = None

    def lines(self) -> list[str]:
        out = [
            f"Sender {self.sender} (host:process, the claimed_by of its rows in execution.send_attempts)",
            f"  sent                 {self.sent:,}"
            + (f" ({self.deferred:,} after a temporary refusal)" if self.deferred else ""),
            f"  bounced (hard)       {self.bounced:,}",
            f"  failed               {self.failed:,}",
            f"  outcome unknown      {len(self.unknown):,}"
            + (" (claimed, never sent again: " + ", ".join(self.unknown[:5]) + ")" if self.unknown else ""),
        ]
        if self.earlier_unknown:
            out.append(
                f"  earlier claims without an outcome: {len(self.earlier_unknown):,} (a sender was stopped while it "
                f"sent; never sent again; check the relay's log): {', '.join(self.earlier_unknown[:5])}"
            )
        if self.stopped:
            out.append(f"  stopped, nothing more claimed: {self.stopped}")
        if self.pauses:
            out.append(f"  paused {self.pauses} time(s) after consecutive errors")
        if self.held:
            out.append("  held back by the send-time re-check:")
            out += [f"    {reason:<20} {count:,}" for reason, count in sorted(self.held.items(), key=lambda kv: -kv[1])]
        return out


class Clock:
    """The real clock, or a replay clock that starts at `now` and runs with real time."""

    def __init__(self, now: datetime | None) -> None:
        self._base = now
        self._started = time.monotonic()

    def now(self) -> datetime:
        if self._base is None:
            return datetime.now(UTC)
        return self._base + timedelta(seconds=time.monotonic() - self._started)

    @property
    def is_replay(self) -> bool:
        return self._base is not None


def sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Ledger:
    """The hub's tables, as the hub role sees them: the re-check views, its ledger, the events."""

    def __init__(self, db: psycopg.Connection, schema: str, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.sendable = sql.Identifier(schema, "sendable_messages")
        self.recheck = sql.Identifier(schema, "send_recheck")
        self.attempts = sql.Identifier(schema, "send_attempts")
        self.events = sql.Identifier(schema, "send_events")

    def _read_time(self) -> None:
        if self.clock.is_replay:
            self.db.execute("select set_config('pressure_outreach.now', %s, true)", (self.clock.now().isoformat(),))

    def candidates(self, batch: int) -> list[str]:
        """The next `batch` message ids sendable now, oldest first (read only: each is
        claimed on its own, just before it is sent)."""
        self._read_time()
        rows = self.db.execute(
            sql.SQL("select message_id from {sendable} order by queued_at, message_id limit %s").format(
                sendable=self.sendable
            ),
            (batch,),
        ).fetchall()
        self.db.commit()
        return [row["message_id"] for row in rows]

    def first_link(self) -> tuple[str, str] | None:
        """The message id and opt-out link of the first message sendable now (read only)."""
        self._read_time()
        row = self.db.execute(
            sql.SQL("select message_id, unsubscribe_url from {sendable} order by queued_at, message_id limit 1").format(
                sendable=self.sendable
            )
        ).fetchone()
        self.db.commit()
        return (row["message_id"], row["unsubscribe_url"]) if row else None

    def claim(self, message_id: str, sender: str) -> message.Outgoing | None:
        """Claim one message, committed, or None when another sender has it or the re-check
        holds it back now: the view is read again inside the insert, so an opt-out that
        arrived since the candidates were read still stops it, and of two senders only one
        can insert the row (the other waits for its commit, then inserts nothing)."""
        self._read_time()
        row = self.db.execute(
            sql.SQL(
                """
                with candidate as (
                    select message_id, outreach_id::text as outreach_id, person_unique_id, email_to, subject,
                        body, unsubscribe_url
                    from {sendable}
                    where message_id = %(message_id)s
                ),
                claimed as (
                    insert into {attempts} (message_id, outreach_id, person_unique_id, email_to, claimed_at,
                        claimed_by, status)
                    select message_id, outreach_id::uuid, person_unique_id, email_to, %(at)s, %(sender)s, 'sending'
                    from candidate
                    on conflict (message_id) do nothing
                    returning message_id
                )
                select candidate.*
                from candidate
                inner join claimed on candidate.message_id = claimed.message_id
                """
            ).format(sendable=self.sendable, attempts=self.attempts),
            {"message_id": message_id, "sender": sender, "at": self.clock.now()},
        ).fetchone()
        self.db.commit()
        return message.Outgoing(**row) if row else None

    def record(self, outgoing: message.Outgoing, outcome: Outcome, sender: str) -> None:
        """The outcome on the claim's row, and (unless unknown) as an event; committed."""
        at = self.clock.now()
        status = "sending" if outcome.status == "unknown" else outcome.status
        self.db.execute(
            sql.SQL(
                "update {attempts} set status = %s, attempts = %s, smtp_reply = %s, finished_at = %s "
                "where message_id = %s"
            ).format(attempts=self.attempts),
            (status, outcome.attempts, outcome.reply, None if outcome.status == "unknown" else at, outgoing.message_id),
        )
        if outcome.status != "unknown":
            self.db.execute(
                sql.SQL(
                    "insert into {events} (event_id, message_id, outreach_id, person_unique_id, email, event_type, "
                    "bounce_type, event_at, detail) values (gen_random_uuid(), %s, %s, %s, %s, %s, %s, %s, %s)"
                ).format(events=self.events),
                (
                    outgoing.message_id,
                    outgoing.outreach_id,
                    outgoing.person_unique_id,
                    outgoing.email_to,
                    outcome.status,
                    "hard" if outcome.status == "bounced" else None,
                    at,
                    Jsonb(
                        {
                            "smtp_code": outcome.code,
                            "smtp_reply": outcome.reply,
                            "attempts": outcome.attempts,
                            "sender": sender,
                        }
                    ),
                ),
            )
        self.db.commit()

    def unknown_claims(self, before: datetime | None = None) -> list[str]:
        """Messages claimed without an outcome (claimed before `before`, when given)."""
        query = sql.SQL("select message_id from {attempts} where status = 'sending'").format(attempts=self.attempts)
        params: tuple = ()
        if before is not None:
            query += sql.SQL(" and claimed_at < %s")
            params = (before,)
        rows = self.db.execute(query + sql.SQL(" order by claimed_at, message_id"), params).fetchall()
        self.db.commit()
        return [row["message_id"] for row in rows]

    def sendable_count(self) -> int:
        """How many messages may be sent now."""
        self._read_time()
        (row,) = self.db.execute(
            sql.SQL("select count(*) as n from {sendable}").format(sendable=self.sendable)
        ).fetchall()
        self.db.commit()
        return row["n"]

    def held(self) -> Counter:
        """The queued messages without an attempt the re-check holds back now, by reason."""
        self._read_time()
        rows = self.db.execute(
            sql.SQL("select hold_reason, count(*) as n from {recheck} where hold_reason is not null group by 1").format(
                recheck=self.recheck
            )
        ).fetchall()
        self.db.commit()
        return Counter({row["hold_reason"]: row["n"] for row in rows})


class Relay:
    """One SMTP connection, opened when needed and again after it was lost."""

    def __init__(self, smtp_settings: SmtpSettings) -> None:
        self.settings = smtp_settings
        self.connection: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.connection is None:
            connection = smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout_seconds)
            connection.ehlo()
            if self.settings.starttls:
                # the relay's certificate and name verified: the login and the mail go to it only
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.settings.user:
                connection.login(self.settings.user, self.settings.password)
            self.connection = connection
        return self.connection

    def drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                pass
            finally:
                self.connection = None


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


# An enhanced status code (RFC 3463) at the start of a reply: class.subject.detail
_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


def is_hard_bounce(code: int, reply: str) -> bool:
    """A permanent refusal of the recipient's mailbox itself (RFC 5321 §4.2.2, RFC 3463):
    550, 551 or 553 at RCPT, and, when the relay gives an enhanced status, an addressing
    status (5.1.x) or a disabled mailbox (5.2.1). A refusal of the sender, the relay or the
    message (554 5.7.1 relay access denied, 550 5.7.1 a policy block, 552) is not: it would
    suppress every address of a queue the relay refused for another reason."""
    if code not in (550, 551, 553):
        return False
    enhanced = _ENHANCED.match(reply)
    if enhanced is None:
        return True
    klass, subject, detail = (int(part) for part in enhanced.groups())
    return klass == 5 and (subject == 1 or (subject, detail) == (2, 1))


def deliver(relay: Relay, mail_from: str, outgoing: message.Outgoing, raw: bytes, options: SendOptions) -> Outcome:
    """Hand one message to the relay; what came of it."""
    last_code, last_reply, deferred = None, "", False
    for attempt in range(1, options.max_attempts + 1):
        if attempt > 1:
            deferred = True
            options.sleep(options.backoff_seconds * 2 ** (attempt - 2))
        try:
            connection = relay.open()
            code, reply = connection.mail(mail_from)
            if code != 250:
                connection.rset()
                last_code, last_reply = code, _text(reply)
                if 500 <= code < 600:
                    return Outcome("failed", code, last_reply, attempt, sender_refused=True)
                continue
            code, reply = connection.rcpt(outgoing.email_to.strip())
            if code not in (250, 251):
                connection.rset()
                last_code, last_reply = code, _text(reply)
                if 500 <= code < 600:
                    status = "bounced" if is_hard_bounce(code, last_reply) else "failed"
                    return Outcome(status, code, last_reply, attempt)
                continue
        except ValueError as exc:
            # an address or a header SMTP cannot carry (smtplib refuses it before sending)
            relay.drop()
            return Outcome("failed", None, f"cannot be sent: {exc}", attempt)
        except (OSError, smtplib.SMTPException) as exc:
            # nothing was handed over yet: the message was not sent, trying again is safe
            relay.drop()
            last_code, last_reply = None, f"connection: {exc}"
            continue
        try:
            code, reply = connection.data(raw)
        except smtplib.SMTPDataError as exc:
            # the relay refused the DATA command itself (no 354): nothing was handed over
            relay.drop()
            last_code, last_reply = exc.smtp_code, _text(exc.smtp_error)
            if 500 <= exc.smtp_code < 600:
                return Outcome("failed", last_code, last_reply, attempt)
            continue
        except (OSError, smtplib.SMTPException) as exc:
            relay.drop()
            return Outcome("unknown", None, f"connection lost after the message was handed over: {exc}", attempt)
        last_code, last_reply = code, _text(reply)
        if code == 250:
            return Outcome("sent", code, last_reply, attempt, deferred)
        if 500 <= code < 600:
            return Outcome("failed", code, last_reply, attempt)
    return Outcome(
        "failed", last_code, last_reply or "temporary refusals up to the attempt limit", options.max_attempts
    )


def run(
    conn: settings.ConnectionSettings,
    smtp_settings: SmtpSettings,
    mail: MailSettings,
    schema: str = "execution",
    options: SendOptions | None = None,
) -> SendReport:
    """Send what may be sent now, until nothing is left or the limit is reached."""
    options = options or SendOptions()
    clock = Clock(options.now)
    sender = sender_id()
    report = SendReport(sender)
    relay = Relay(smtp_settings)
    interval = 60.0 / options.rate_per_minute if options.rate_per_minute else 0.0
    last_sent: float | None = None
    errors_in_a_row = 0
    with psycopg.connect(conn.conninfo(), row_factory=dict_row) as db:
        ledger = Ledger(db, schema, clock)
        started = db.execute("select clock_timestamp() as now").fetchone()["now"]
        db.commit()
        report.earlier_unknown = ledger.unknown_claims(before=started)
        remaining = options.limit
        sendable = ledger.sendable_count()
        report.stopped = _configuration_problem(ledger, mail, clock)
        progress = _progress(
            0 if report.stopped else sendable if remaining is None else min(sendable, remaining), options
        )
        try:
            while not report.stopped and (remaining is None or remaining > 0):
                candidates = ledger.candidates(min(options.batch_size, remaining or options.batch_size))
                if not candidates:
                    break
                for message_id in candidates:
                    if remaining is not None and remaining <= 0:
                        break
                    if last_sent is not None and interval:
                        wait = interval - (time.monotonic() - last_sent)
                        if wait > 0:
                            options.sleep(wait)
                    try:
                        relay.open()  # before the claim: an unreachable relay claims nothing
                    except (OSError, smtplib.SMTPException) as exc:
                        report.stopped = f"the relay {smtp_settings.host}:{smtp_settings.port} cannot be used: {exc}"
                        break
                    outgoing = ledger.claim(message_id, sender)
                    if outgoing is None:
                        continue  # another sender has it, or the re-check holds it back now
                    if remaining is not None:
                        remaining -= 1
                    try:
                        raw = message.build(outgoing, mail, clock.now())
                    except ValueError as exc:  # a subject with a line break, a link that is not its own
                        outcome = Outcome("failed", None, f"the message cannot be built: {exc}", 0)
                    else:
                        outcome = deliver(relay, mail.mail_from, outgoing, raw, options)
                    last_sent = time.monotonic()
                    ledger.record(outgoing, outcome, sender)
                    _count(report, outgoing, outcome)
                    progress.update(1)
                    errors_in_a_row = (
                        errors_in_a_row + 1 if outcome.status in ("failed", "unknown") or outcome.deferred else 0
                    )
                    if options.pause_after_errors and errors_in_a_row >= options.pause_after_errors:
                        report.pauses += 1
                        errors_in_a_row = 0
                        relay.drop()
                        options.sleep(options.pause_seconds)
                    if outcome.sender_refused:
                        report.stopped = (
                            f"the relay refuses the sender {mail.mail_from}: {outcome.code} {outcome.reply}"
                        )
                        break
                if report.stopped:
                    break
        finally:
            progress.close()
            relay.close()
        report.held = ledger.held()
    return report


def _configuration_problem(ledger: Ledger, mail: MailSettings, clock: Clock) -> str | None:
    """What in the configuration would fail every message (an opt-out link that is not
    https or not the message's own, a DKIM key that does not sign), found on a probe built
    from the first sendable message's link before anything is claimed; None when nothing."""
    first = ledger.first_link()
    if first is None:
        return None
    message_id, link = first
    probe = message.Outgoing(message_id, "", "", "probe@example.com", "probe", link, link)
    try:
        message.build(probe, mail, clock.now())
    except Exception as exc:  # dkimpy raises types of its own; whatever it is, it stops the run
        return f"no message can be built ({type(exc).__name__}: {exc}); nothing was claimed"
    return None


def _count(report: SendReport, outgoing: message.Outgoing, outcome: Outcome) -> None:
    if outcome.status == "sent":
        report.sent += 1
        report.deferred += outcome.deferred
    elif outcome.status == "bounced":
        report.bounced += 1
    elif outcome.status == "failed":
        report.failed += 1
    else:
        report.unknown.append(outgoing.message_id)


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, options: SendOptions):
    """A progress bar over what was sendable when the run began (another sender may take
    some of it), or nothing."""
    if not options.progress:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, desc="sending", unit="message", leave=False)
