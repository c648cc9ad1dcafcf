"""The MIME message of a queued message (docs/rulebook.md §10): UTF-8 subject and body (a
non-ASCII company or first name survives the trip), From and Reply-To from the settings, a
Message-ID derived from the message id, the signed opt-out link in the body and in
List-Unsubscribe (an https link and a mailto), List-Unsubscribe-Post for the one-click
opt-out of RFC 8058, and a DKIM signature when a key is configured. Built with the standard
library's `email` package; signed with dkimpy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from urllib.parse import quote

from pressure_outreach.hub import links
from pressure_outreach.hub.config import MailSettings

# CRLF line ends, and header lines up to RFC 5322's limit of 998 characters: with the usual
# 78 the policy cannot fold a List-Unsubscribe whose signed link is longer than a line, and
# encodes it as RFC 2047 words instead, which no mail client reads as a link.
POLICY = SMTP.clone(max_line_length=998)

# What DKIM signs: the headers a receiver shows or acts on, the opt-out ones included (a
# relay that rewrote the opt-out link would break the signature).
DKIM_HEADERS = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
)
# signed a second time (RFC 6376 §8.15, over-signing): a List-Unsubscribe added on the way
# would break the signature instead of riding on it (RFC 8058 §4)
DKIM_OVERSIGNED = (b"list-unsubscribe", b"list-unsubscribe-post")


@dataclass(frozen=True)
class Outgoing:
    """A message the sender claimed (a row of execution.sendable_messages)."""

    message_id: str
    outreach_id: str
    person_unique_id: str
    email_to: str
    subject: str
    body: str
    unsubscribe_url: str


def build(message: Outgoing, settings: MailSettings, sent_at: datetime) -> bytes:
    """The message as the bytes handed to the SMTP relay (CRLF line ends)."""
    signed = links.signed_url(message.unsubscribe_url, message.message_id, settings.unsubscribe_secret)
    if message.unsubscribe_url not in message.body:
        raise ValueError(f"message {message.message_id}: the body does not carry its opt-out link")
    mail = EmailMessage(policy=POLICY)
    mail["From"] = settings.mail_from
    mail["To"] = message.email_to.strip()
    mail["Reply-To"] = settings.reply_to
    mail["Subject"] = message.subject if message.subject.isascii() else _SUBJECT_SLOT
    mail["Date"] = format_datetime(sent_at)
    mail["Message-ID"] = f"<{message.message_id}@{settings.domain}>"
    mailto = f"mailto:{settings.unsubscribe_mailto}?subject={quote('unsubscribe ' + message.message_id)}"
    mail["List-Unsubscribe"] = f"<{signed}>, <{mailto}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    body = message.body.replace(message.unsubscribe_url, signed)
    # 7-bit bytes only, whatever the relay supports: non-ASCII text goes quoted-printable
    plain = body.isascii() and max(len(line) for line in body.splitlines() or [""]) <= POLICY.max_line_length
    mail.set_content(body, charset="utf-8", cte="7bit" if plain else "quoted-printable")
    raw = mail.as_bytes()
    if not message.subject.isascii():
        raw = raw.replace(
            f"Subject: {_SUBJECT_SLOT}\r\n".encode(), b"Subject: " + _encoded(message.subject) + b"\r\n", 1
        )
    if settings.dkim_key_file is not None:
        raw = _dkim_signed(raw, settings)
    return raw


# A non-ASCII subject is encoded here, not by the policy: the policy's folder drops the space
# between two encoded words where it folds the line ("moving — Zoë" arrives as "moving— Zoë",
# CPython 3.11); email.header.Header keeps every space inside the encoded words.
_SUBJECT_SLOT = "pressure-outreach-subject"


def _encoded(subject: str) -> bytes:
    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n").encode("ascii")


def _dkim_signed(raw: bytes, settings: MailSettings) -> bytes:
    import dkim

    key = settings.dkim_key_file.read_bytes()  # type: ignore[union-attr]
    header = dkim.sign(
        raw,
        settings.dkim_selector.encode(),  # type: ignore[union-attr]
        settings.domain.encode(),
        key,
        include_headers=[*DKIM_HEADERS, *DKIM_OVERSIGNED],
    )
    return header + raw
