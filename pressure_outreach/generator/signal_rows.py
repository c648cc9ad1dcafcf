"""The three *.pressure_signals tables: the persona's active signals plus inactive noise.

Active signals are detected within the last ~120 days and expire 30-180 days after
detection, always after as_of. Noise is what a real feed also carries but that must not
count at as_of: expired signals, signals detected after as_of, and signals expiring
exactly at as_of (active means detected_at <= as_of < expires_at).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pressure_outreach.generator import calibration, vocabulary
from pressure_outreach.generator.chunk import DAY, Chunk
from pressure_outreach.generator.companies import Company, ascii_slug
from pressure_outreach.generator.draw import choice, randint
from pressure_outreach.generator.evidence import (
    BLOG,
    DOL,
    PEOPLE,
    PRESSURE_DOMAIN,
    SIGNAL_TABLE,
    EvidenceContext,
    pick_type,
    signal_value,
)
from pressure_outreach.generator.personas import Plan, PlannedSignal

ACTIVE_AGE_DAYS = 120
LIFETIME_DAYS = (30, 180)


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def plain_context(company: Company, year: int) -> EvidenceContext:
    """Evidence facts for a signal written outside its company's own flow (edge and bad
    rows): no vendor change, so any vendor named is just a plausible one."""
    return EvidenceContext(
        (vocabulary.BROKERS[0], vocabulary.BROKERS[0]),
        (vocabulary.CARRIERS[0], vocabulary.CARRIERS[0]),
        company.state,
        year,
    )


def source_record(chunk: Chunk, company_domain: str, domain: str, detected: datetime) -> str:
    """Upstream record id: a Form 5500 ack id, a people-hub event, or a news URL."""
    rng = chunk.rng
    if domain == DOL:
        filed = detected - timedelta(seconds=randint(rng, DAY, 200 * DAY))
        return f"{filed:%Y%m%d%H%M%S}NAL{randint(rng, 0, 9_999_999_999):010d}001"
    if domain == PEOPLE:
        return f"people-hub:slot-event:{randint(rng, 10_000_000, 99_999_999)}"
    slug = ascii_slug(company_domain.split(".")[0])[:24] or "company"
    return f"https://{choice(rng, vocabulary.NEWS_OUTLETS)}/{detected:%Y/%m/%d}/{slug}-{randint(rng, 100, 999)}.html"


def signal_row(
    chunk: Chunk,
    company: Company,
    domain: str,
    signal: PlannedSignal,
    context: EvidenceContext,
    detected: datetime,
    expires: datetime,
) -> tuple:
    created = detected + timedelta(seconds=randint(chunk.rng, 600, 6 * 3_600))
    value = signal_value(chunk.rng, signal.signal_type, signal.magnitude, context)
    return (
        chunk.uuid(),
        company.outreach_id,
        signal.signal_type,
        PRESSURE_DOMAIN[domain],
        signal.pressure_class,
        to_json(value),
        signal.magnitude,
        detected,
        expires,
        source_record(chunk, company.domain, domain, detected),
        created,
    )


def active_window(chunk: Chunk) -> tuple[datetime, datetime]:
    """detected within the last 120 days (a few exactly at as_of), expiring after as_of."""
    rng = chunk.rng
    age = 0 if rng.random() < calibration.DETECTED_AT_AS_OF_SHARE else randint(rng, 3_600, ACTIVE_AGE_DAYS * DAY)
    detected = chunk.as_of - timedelta(seconds=age)
    lifetime = randint(rng, max(LIFETIME_DAYS[0] * DAY, age + 3_600), LIFETIME_DAYS[1] * DAY)
    return detected, detected + timedelta(seconds=lifetime)


def _expired_window(chunk: Chunk) -> tuple[datetime, datetime]:
    age = randint(chunk.rng, 150 * DAY, 500 * DAY)
    detected = chunk.as_of - timedelta(seconds=age)
    return detected, detected + timedelta(seconds=randint(chunk.rng, 30 * DAY, min(180 * DAY, age - 3_600)))


def _future_window(chunk: Chunk) -> tuple[datetime, datetime]:
    """Detected after as_of: the signal does not exist yet for this run."""
    detected = chunk.as_of + timedelta(seconds=randint(chunk.rng, 3_600, 20 * DAY))
    return detected, detected + timedelta(seconds=randint(chunk.rng, 30 * DAY, 180 * DAY))


def _expiring_at_as_of_window(chunk: Chunk) -> tuple[datetime, datetime]:
    """Expires exactly at as_of: no longer active (active means as_of < expires_at)."""
    return chunk.as_of - timedelta(seconds=randint(chunk.rng, 30 * DAY, 180 * DAY)), chunk.as_of


def _noise_window(chunk: Chunk) -> tuple[datetime, datetime]:
    draw = chunk.rng.random()
    if draw < 0.88:
        return _expired_window(chunk)
    if draw < 0.95:
        return _future_window(chunk)
    return _expiring_at_as_of_window(chunk)


def _noise_signal(chunk: Chunk, domain: str) -> PlannedSignal:
    rng = chunk.rng
    kind = pick_type(rng, domain)
    pressure_class = None if rng.random() < 0.3 else choice(rng, kind.classes)
    return PlannedSignal(kind.name, randint(rng, 5, 70), pressure_class)


def _noise_count(chunk: Chunk, company: Company, plan: Plan) -> int:
    if company.showcase is not None:
        return 0
    if plan.persona == "stale":
        return randint(chunk.rng, 1, 3)
    share = calibration.NOISE_SHARE_STRONG if company.strong else calibration.NOISE_SHARE
    return 1 if chunk.rng.random() < share else 0


def write_signals(chunk: Chunk, company: Company, plan: Plan, context: EvidenceContext, has_filings: bool) -> None:
    """The persona's active signals, then a little noise that must not count."""
    registry = chunk.registry.signals
    for domain, planned in ((DOL, plan.dol), (PEOPLE, plan.people), (BLOG, plan.blog)):
        table = SIGNAL_TABLE[domain]
        for signal in planned:
            index = chunk.add(table, signal_row(chunk, company, domain, signal, context, *active_window(chunk)))
            if company.showcase is None:
                registry.setdefault(table, []).append(index)
    domains = (DOL, PEOPLE, BLOG) if has_filings else (PEOPLE, BLOG)
    for _ in range(_noise_count(chunk, company, plan)):
        domain = choice(chunk.rng, domains)
        signal = _noise_signal(chunk, domain)
        chunk.add(SIGNAL_TABLE[domain], signal_row(chunk, company, domain, signal, context, *_noise_window(chunk)))


def write_edge_signals(chunk: Chunk) -> None:
    """One signal detected after as_of and one expiring exactly at as_of per table and
    chunk, so that even a small data set has both edges of the active window."""
    if not chunk.registry.companies:
        return
    for domain in (DOL, PEOPLE, BLOG):
        for window in (_future_window, _expiring_at_as_of_window):
            company = choice(chunk.rng, chunk.registry.companies)
            context = plain_context(company, chunk.as_of.year)
            signal = _noise_signal(chunk, domain)
            chunk.add(SIGNAL_TABLE[domain], signal_row(chunk, company, domain, signal, context, *window(chunk)))
