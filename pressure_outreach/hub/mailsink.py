"""A real SMTP server on 127.0.0.1 that delivers into a Maildir (aiosmtpd), for the demo and
the tests: what a relay would do, with scripted answers for chosen recipients.

- `refuse`: addresses refused for good at RCPT (550, a hard bounce);
- `defer`: addresses refused for now at RCPT (451) as many times as given, then accepted;
- `hang`: addresses whose DATA is never answered (the sender's connection times out after
  the message was handed over: an unknown outcome);
- `deny`: addresses refused at RCPT by the relay's policy (554 5.7.1), not as mailboxes;
- `refuse_sender`: every MAIL FROM refused (553 5.7.1), as a relay does with a sender
  address it may not send for.

Every accepted message is a file of the Maildir, which a mail client (`mutt -f <dir>`) or
Python's `mailbox.Maildir` opens.
"""

from __future__ import annotations

import asyncio
import mailbox
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Script:
    refuse: set[str] = field(default_factory=set)
    # refused at RCPT for a reason that is not the mailbox's (the relay's policy)
    deny: set[str] = field(default_factory=set)
    refuse_sender: bool = False
    defer: dict[str, int] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)


class _Handler:
    def __init__(self, maildir: mailbox.Maildir, script: Script) -> None:
        self.maildir, self.script = maildir, script
        self.deferred: Counter = Counter()
        self.received: list[tuple[str, bytes]] = []
        self.hanging: list[str] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.script.refuse_sender:
            return f"553 5.7.1 <{address}>: Sender address rejected: not owned by user"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        if address in self.script.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address in self.script.deny:
            return f"554 5.7.1 <{address}>: Relay access denied"
        if self.deferred[address] < self.script.defer.get(address, 0):
            self.deferred[address] += 1
            return f"451 4.7.1 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        if any(rcpt in self.script.hang for rcpt in envelope.rcpt_tos):
            self.hanging.extend(envelope.rcpt_tos)
            await asyncio.sleep(3600)
        key = self.maildir.add(envelope.content)
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, envelope.content))
        return f"250 2.0.0 Ok: queued as {key}"


class MailSink:
    """The server: `with MailSink(path) as sink:` listens on `sink.port` until the block ends."""

    def __init__(self, maildir: Path, script: Script | None = None, port: int | None = None) -> None:
        maildir.parent.mkdir(parents=True, exist_ok=True)
        # tmp/, new/ and cur/ too (Maildir creates them only with the folder itself)
        for part in ("tmp", "new", "cur"):
            (maildir / part).mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(maildir, create=False)
        self.handler = _Handler(self.maildir, script or Script())
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[tuple[str, bytes]]:
        """(recipient, message bytes) of every accepted message, in order."""
        return self.handler.received

    @property
    def hanging(self) -> list[str]:
        """Recipients of a DATA the server is not answering (Script.hang)."""
        return self.handler.hanging

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
