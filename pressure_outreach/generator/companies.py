"""Company-level rows: identity, spine, targeting, exclusions, overrides, legacy BIT scores.

A ``Company`` carries the facts that later rows of the same company must agree with
(domain, state, e-mail pattern, whether its signals are strong), so each table writer
reads them instead of drawing them again.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from pressure_outreach.generator import calibration, vocabulary
from pressure_outreach.generator.chunk import DAY, Chunk
from pressure_outreach.generator.draw import choice, randint, weighted

IDENTITY = "cl.company_identity"
SPINE = "outreach.outreach"
EXCLUDED = "outreach.outreach_excluded"
TARGET = "outreach.company_target"
OVERRIDES = "outreach.manual_overrides"
BIT_SCORES = "outreach.bit_scores"

BLOCKING_OVERRIDES: tuple[str, ...] = ("marketing_disabled", "legal_hold", "customer_requested", "cooldown")
OVERRIDE_TYPES: tuple[tuple[str, float], ...] = (
    ("marketing_disabled", 0.28),
    ("legal_hold", 0.10),
    ("customer_requested", 0.20),
    ("cooldown", 0.14),
    ("tier_cap", 0.16),
    ("hub_bypass", 0.12),
)
# Override states: in force (active or NULL, not expired) or not, and some undated.
OVERRIDE_STATES: tuple[tuple[str, float], ...] = (
    ("permanent", 0.33),
    ("temporary", 0.22),
    ("active_null", 0.08),
    ("expired", 0.15),
    ("inactive", 0.13),
    ("future", 0.05),
    ("undated", 0.04),
)
STRONG_OVERRIDE_STATES: tuple[tuple[str, float], ...] = (
    ("permanent", 0.40),
    ("temporary", 0.25),
    ("active_null", 0.10),
    ("expired", 0.10),
    ("inactive", 0.10),
    ("future", 0.03),
    ("undated", 0.02),
)
CORE_STATES = tuple(zip(vocabulary.CORE_STATES, vocabulary.CORE_STATE_WEIGHTS, strict=True))
NON_COMMERCIAL_WORDS: tuple[str, ...] = (
    "Community Church",
    "Foundation",
    "School District",
    "Township",
    "Historical Society",
    "Food Bank",
)


@functools.lru_cache(maxsize=8192)
def ascii_slug(text: str) -> str:
    """Lowercase ASCII letters and digits only: 'Zoë O'Brien' -> 'zoeobrien'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@dataclass
class Company:
    index: int
    outreach_id: str
    sovereign_id: str
    name: str
    domain: str
    ein: str
    state: str
    city: str
    email_method: str
    is_catchall: bool
    identity_status: str | None
    exclusion: str | None
    strong: bool
    showcase: int | None
    created_at: datetime


def _name_core(rng: Random) -> str:
    """A company name without legal suffix, in one of the shapes small US firms use."""
    style = rng.random()
    noun = choice(rng, vocabulary.NAME_NOUNS)
    if style < 0.40:
        return f"{choice(rng, vocabulary.LAST_NAMES)} {noun}"
    if style < 0.80:
        return f"{choice(rng, vocabulary.NAME_PLACES)} {noun}"
    if style < 0.92:
        return f"{choice(rng, vocabulary.LAST_NAMES)} & {choice(rng, vocabulary.LAST_NAMES)}"
    return f"{choice(rng, vocabulary.LAST_NAMES)} Family {noun}"


def _domain(rng: Random, core: str, tld: str) -> str:
    """The name's words run together, often with a qualifier, as real domains are; names
    repeat, so domains sometimes do too (hence the DUPLICATE_DOMAIN exclusions)."""
    words = [ascii_slug(word) for word in core.split()]
    slug = ("-" if rng.random() < 0.25 else "").join(w for w in words if w)
    if rng.random() < 0.65:
        slug += ("-" if rng.random() < 0.4 else "") + choice(rng, vocabulary.DOMAIN_QUALIFIERS)
    return slug + tld


def _state(rng: Random) -> str:
    if rng.random() < 0.85:
        return weighted(rng, CORE_STATES)
    return choice(rng, vocabulary.OTHER_STATES)


def _ein(rng: Random, state: str) -> str:
    prefixes = vocabulary.EIN_PREFIXES.get(state, vocabulary.GENERIC_EIN_PREFIXES)
    return f"{choice(rng, prefixes)}{randint(rng, 0, 9_999_999):07d}"


def _identity_status(rng: Random, showcase: bool) -> str | None:
    if showcase:
        return "PASS"
    if rng.random() < calibration.IDENTITY_MISSING_SHARE:
        return None
    return weighted(rng, calibration.IDENTITY_STATUSES)


def _exclusion(rng: Random, tld: str, identity: str | None, showcase: bool) -> str | None:
    """Why the company is excluded, or None. .org domains are mostly non-commercial."""
    if showcase:
        return None
    if tld == ".org" and rng.random() < calibration.ORG_EXCLUDED_SHARE:
        return "NON_COMMERCIAL_TLD"
    if identity == "FAIL" and rng.random() < 0.5:
        return "CL_FAIL"
    if rng.random() < calibration.EXCLUDED_SHARE:
        return weighted(rng, vocabulary.EXCLUSION_REASONS)
    return None


def make_company(chunk: Chunk, index: int, strong: bool, showcase: int | None) -> Company:
    """Draw the company facts every other table of the company relies on."""
    rng = chunk.rng
    state = _state(rng)
    tld = weighted(rng, vocabulary.TLDS)
    identity = _identity_status(rng, showcase is not None)
    exclusion = _exclusion(rng, tld, identity, showcase is not None)
    core = _name_core(rng)
    name = f"{core} {choice(rng, vocabulary.NAME_SUFFIXES)}".strip()
    if exclusion == "NON_COMMERCIAL_KEYWORD":  # the keyword is why it was excluded
        core = name = f"{choice(rng, vocabulary.NAME_PLACES)} {choice(rng, NON_COMMERCIAL_WORDS)}"
    domain = _domain(rng, core, tld)
    if showcase is not None:
        name, domain = vocabulary.SHOWCASE[showcase].company_name, vocabulary.SHOWCASE[showcase].domain
    catchall_share = calibration.CATCHALL_SHARE_STRONG if strong else calibration.CATCHALL_SHARE
    return Company(
        index=index,
        outreach_id=chunk.uuid(),
        sovereign_id=chunk.uuid(),
        name=name,
        domain=domain,
        ein=_ein(rng, state),
        state=state,
        city=choice(rng, vocabulary.CITIES[state]),
        email_method=weighted(rng, vocabulary.EMAIL_METHODS),
        is_catchall=showcase is None and rng.random() < catchall_share,
        identity_status=identity,
        exclusion=exclusion,
        strong=strong,
        showcase=showcase,
        created_at=chunk.before(200, 1100),
    )


def write_company_rows(chunk: Chunk, company: Company) -> None:
    """Spine, identity, target, exclusion and override rows of one company."""
    _spine(chunk, company)
    if company.identity_status is not None:
        chunk.add(IDENTITY, (company.sovereign_id, company.name, company.domain, company.identity_status))
    _target(chunk, company)
    if company.exclusion is not None:
        _excluded(chunk, company)
    _overrides(chunk, company)


def _spine(chunk: Chunk, company: Company) -> None:
    rng = chunk.rng
    updated = chunk.later(company.created_at, 300)
    chunk.add(
        SPINE,
        (
            company.outreach_id,
            company.sovereign_id,
            company.domain,
            company.ein,
            rng.random() < calibration.APPOINTMENT_SHARE,
            company.created_at,
            updated,
        ),
    )
    if company.showcase is None:
        chunk.registry.companies.append(company)


def _employees(rng: Random) -> int:
    return max(5, min(9_500, int(rng.lognormvariate(4.2, 1.0))))


def _target(chunk: Chunk, company: Company) -> None:
    rng = chunk.rng
    low, high = vocabulary.ZIP_PREFIXES[company.state]
    postal = f"{randint(rng, low, high):03d}{randint(rng, 0, 99):02d}"
    status = "active" if company.showcase is not None else weighted(rng, vocabulary.OUTREACH_STATUSES)
    created = chunk.after(company.created_at, 0, 20)
    index = chunk.add(
        TARGET,
        (
            chunk.uuid(),
            company.outreach_id,
            status,
            choice(rng, vocabulary.INDUSTRIES),
            _employees(rng),
            company.state,
            company.city,
            postal,
            company.email_method,
            company.is_catchall,
            created,
            chunk.later(created, 200),
        ),
    )
    if company.showcase is None:
        chunk.registry.targets.append(index)


def _excluded(chunk: Chunk, company: Company) -> None:
    """Exclusion row; a few are undated (in force) and a few dated after as_of."""
    draw = chunk.rng.random()
    if draw < 0.03:
        excluded_at = None
    elif draw < 0.05:
        excluded_at = chunk.as_of + timedelta(seconds=randint(chunk.rng, DAY, 30 * DAY))
    else:
        excluded_at = chunk.before(10, 700)
    chunk.add(EXCLUDED, (company.outreach_id, company.exclusion, excluded_at))


def _overrides(chunk: Chunk, company: Company) -> None:
    """Kill switches: biased toward strong companies so that KILL_SWITCH is visible."""
    if company.showcase is not None:
        return
    rng = chunk.rng
    share = calibration.OVERRIDE_SHARE_STRONG if company.strong else calibration.OVERRIDE_SHARE
    if rng.random() >= share:
        return
    count = 2 if rng.random() < 0.15 else 1
    for _ in range(count):
        blocking_first = company.strong and rng.random() < 0.85
        kind = choice(rng, BLOCKING_OVERRIDES) if blocking_first else weighted(rng, OVERRIDE_TYPES)
        states = STRONG_OVERRIDE_STATES if company.strong else OVERRIDE_STATES
        chunk.add(OVERRIDES, _override_row(chunk, company, kind, weighted(rng, states)))


def _override_row(chunk: Chunk, company: Company, kind: str, state: str) -> tuple:
    rng = chunk.rng
    created: datetime | None = chunk.before(1, 400)
    expires: datetime | None = None
    active: bool | None = True
    if state == "temporary":
        expires = chunk.as_of + timedelta(seconds=randint(rng, DAY, 200 * DAY))
    elif state == "active_null":
        active = None
    elif state == "expired":
        expires = chunk.before(1, 30)
        created = expires - timedelta(days=randint(rng, 30, 180))
    elif state == "inactive":
        active = False
    elif state == "future":
        created = chunk.as_of + timedelta(seconds=randint(rng, 3_600, 20 * DAY))
    elif state == "undated":
        created = None
    reason = choice(rng, vocabulary.OVERRIDE_REASONS[kind])
    return (
        chunk.uuid(),
        company.outreach_id,
        kind,
        reason,
        created,
        choice(rng, vocabulary.OVERRIDE_AUTHORS),
        expires,
        active,
    )


def write_bit_score(chunk: Chunk, company: Company) -> None:
    """The legacy scorer's output: only COLD (score < 25), as the seed reports."""
    rng = chunk.rng
    parts = [rng.uniform(0, 6.2) for _ in range(4)]
    score = min(sum(parts), 24.99)
    scored_at = chunk.before(1, 60)
    last_signal = None if rng.random() < 0.2 else scored_at - timedelta(seconds=randint(rng, DAY, 300 * DAY))
    chunk.add(
        BIT_SCORES,
        (
            company.outreach_id,
            _money(score),
            "COLD",
            randint(rng, 0, 4),
            *(_money(part) for part in parts),
            last_signal,
            scored_at,
        ),
    )


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")
