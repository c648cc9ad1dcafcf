"""The Execution Hub's settings, read from environment variables only (no secret in the
repository, in dbt's artifacts or in a command line). Database settings are the project's
OUTREACH_PG_* variables (pressure_outreach.settings); in production they name a login role
that is a member of the hub role (README: Roles and grants)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    user: str
    password: str
    timeout_seconds: float


@dataclass(frozen=True)
class MailSettings:
    mail_from: str
    reply_to: str
    # where the mailto: opt-out of List-Unsubscribe goes (RFC 8058 asks for an https link too)
    unsubscribe_mailto: str
    # the HMAC key of the opt-out links (links.py); the endpoint needs the same one
    unsubscribe_secret: bytes
    dkim_key_file: Path | None
    dkim_selector: str | None

    @property
    def domain(self) -> str:
        return self.mail_from.rsplit("@", 1)[-1].strip("> ").lower()


def _env(environ: dict[str, str], name: str, default: str | None = None) -> str:
    value = environ.get(name, default)
    if value is None or value.strip() == "":
        raise ConfigError(f"the environment variable {name} is not set (README: Sending)")
    return value.strip()


def smtp_settings(environ: dict[str, str] | None = None) -> SmtpSettings:
    env = os.environ if environ is None else environ
    port = _env(env, "OUTREACH_SMTP_PORT", "587")
    if not port.isdigit():
        raise ConfigError(f"OUTREACH_SMTP_PORT must be a port number, got {port!r}")
    timeout = env.get("OUTREACH_SMTP_TIMEOUT_SECONDS", "30").strip()
    try:
        timeout_seconds = float(timeout)
    except ValueError:
        timeout_seconds = 0.0
    if not timeout_seconds > 0:
        raise ConfigError(f"OUTREACH_SMTP_TIMEOUT_SECONDS must be a positive number of seconds, got {timeout!r}")
    smtp = SmtpSettings(
        host=_env(env, "OUTREACH_SMTP_HOST"),
        port=int(port),
        starttls=env.get("OUTREACH_SMTP_STARTTLS", "1").strip().lower() not in ("0", "false", "no", ""),
        user=env.get("OUTREACH_SMTP_USER", "").strip(),
        password=env.get("OUTREACH_SMTP_PASSWORD", ""),
        timeout_seconds=timeout_seconds,
    )
    if smtp.user and not smtp.starttls:
        raise ConfigError(
            "OUTREACH_SMTP_USER is set with OUTREACH_SMTP_STARTTLS off: the password would cross the network "
            "in clear; turn STARTTLS on"
        )
    return smtp


def unsubscribe_secret(environ: dict[str, str] | None = None) -> bytes:
    env = os.environ if environ is None else environ
    secret = _env(env, "OUTREACH_UNSUBSCRIBE_SECRET")
    if len(secret) < 16:
        raise ConfigError("OUTREACH_UNSUBSCRIBE_SECRET must be at least 16 characters")
    return secret.encode()


def mail_settings(environ: dict[str, str] | None = None) -> MailSettings:
    env = os.environ if environ is None else environ
    mail_from = _env(env, "OUTREACH_MAIL_FROM")
    if "@" not in mail_from:
        raise ConfigError(f"OUTREACH_MAIL_FROM must be an address, got {mail_from!r}")
    key = env.get("OUTREACH_DKIM_KEY_FILE", "").strip()
    selector = env.get("OUTREACH_DKIM_SELECTOR", "").strip()
    if bool(key) != bool(selector):
        raise ConfigError("set both OUTREACH_DKIM_KEY_FILE and OUTREACH_DKIM_SELECTOR to sign with DKIM, or neither")
    domain = mail_from.rsplit("@", 1)[-1].strip("> ")
    if key and not Path(key).is_file():
        raise ConfigError(f"OUTREACH_DKIM_KEY_FILE names no readable file: {key!r}")
    return MailSettings(
        mail_from=mail_from,
        reply_to=env.get("OUTREACH_MAIL_REPLY_TO", "").strip() or mail_from,
        unsubscribe_mailto=env.get("OUTREACH_UNSUBSCRIBE_MAILTO", "").strip() or f"unsubscribe@{domain}",
        unsubscribe_secret=unsubscribe_secret(env),
        dkim_key_file=Path(key) if key else None,
        dkim_selector=selector or None,
    )


def execution_schema(environ: dict[str, str] | None = None) -> str:
    """The schema of the queue, the hub's views and its ledger: the execution_schema var of
    the prod target (dbt_project.yml); OUTREACH_EXECUTION_SCHEMA when it was changed there."""
    env = os.environ if environ is None else environ
    return env.get("OUTREACH_EXECUTION_SCHEMA", "execution").strip() or "execution"
