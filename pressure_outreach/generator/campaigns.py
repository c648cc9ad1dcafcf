"""execution.send_events: what a previous campaign left behind.

Its events feed gates 7 and 8 of docs/rulebook.md §5: hard bounces, complaints and
unsubscribes suppress an address forever, and a `sent` event within 30 days cools the
company off.
Companies with strong signals get such history more often, aimed at the person the
rules will pick, so that SUPPRESSED and COOLING_OFF occur among band >= 3 companies.
Addresses are sometimes written with other casing or padding than in people_master, as
providers report them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pressure_outreach.generator import calibration
from pressure_outreach.generator.chunk import DAY, Chunk
from pressure_outreach.generator.companies import Company
from pressure_outreach.generator.draw import choice, randint, weighted
from pressure_outreach.generator.personas import Plan, SlotView, audience
from pressure_outreach.generator.signal_rows import to_json
from pressure_outreach.generator.staffing import Person

EVENTS = "execution.send_events"

OUTCOMES: tuple[tuple[str, float], ...] = (
    ("engaged", 0.28),
    ("delivered", 0.27),
    ("soft_bounce", 0.08),
    ("hard_bounce", 0.08),
    ("complained", 0.03),
    ("unsubscribed", 0.08),
    ("failed", 0.05),
    ("recent", 0.10),
    ("late_bounce", 0.03),
)
STRONG_OUTCOMES: tuple[tuple[str, float], ...] = (
    ("hard_bounce", 0.14),
    ("complained", 0.10),
    ("unsubscribed", 0.14),
    ("recent", 0.30),
    ("engaged", 0.15),
    ("soft_bounce", 0.10),
    ("failed", 0.07),
)
# Each outcome as (event type, bounce type, minimum and maximum seconds after the previous event).
STEPS: dict[str, tuple[tuple[str, str | None, int, int], ...]] = {
    "engaged": (
        ("sent", None, 0, 0),
        ("delivered", None, 5, 600),
        ("opened", None, 600, 3 * DAY),
        ("clicked", None, 5, 3_600),
        ("replied", None, 600, 2 * DAY),
    ),
    "delivered": (("sent", None, 0, 0), ("delivered", None, 5, 600)),
    "soft_bounce": (("sent", None, 0, 0), ("bounced", "soft", 5, 3_600)),
    "hard_bounce": (("sent", None, 0, 0), ("bounced", "hard", 5, 600)),
    "complained": (("sent", None, 0, 0), ("delivered", None, 5, 600), ("complained", None, 3_600, 5 * DAY)),
    "unsubscribed": (
        ("sent", None, 0, 0),
        ("delivered", None, 5, 600),
        ("opened", None, 600, DAY),
        ("unsubscribed", None, 5, 600),
    ),
    "failed": (("failed", None, 0, 0),),
    "recent": (("sent", None, 0, 0), ("delivered", None, 5, 600)),
    "late_bounce": (("sent", None, 0, 0), ("bounced", "hard", 0, 0)),
}
PROVIDERS: tuple[str, ...] = ("sendgrid", "postmark", "ses")


def _detail(chunk: Chunk, event: str, bounce: str | None) -> str:
    rng = chunk.rng
    detail: dict[str, object] = {"provider": choice(rng, PROVIDERS)}
    if bounce == "hard":
        detail.update(smtp_code=550, diagnostic="5.1.1 user unknown")
    elif bounce == "soft":
        detail.update(smtp_code=452, diagnostic="4.2.2 mailbox full")
    elif event == "opened":
        detail["user_agent"] = choice(rng, ("Mozilla/5.0", "Outlook-iOS/2.0", "GoogleImageProxy"))
    elif event == "clicked":
        detail["url"] = "https://bartonoutreach.com/benefits-continuity"
    elif event == "complained":
        detail["feedback_type"] = "abuse"
    elif event == "unsubscribed":
        detail["method"] = "list-unsubscribe"
    elif event == "failed":
        detail["error"] = choice(rng, ("rate limited", "invalid recipient syntax", "provider timeout"))
    return to_json(detail)


def as_reported(chunk: Chunk, email: str) -> str:
    """The address as a provider might echo it: other casing, stray whitespace."""
    rng = chunk.rng
    if rng.random() >= 0.2:
        return email
    cased = "".join(c.upper() if rng.random() < 0.3 else c for c in email)
    return choice(rng, ("", " ", "  ")) + cased + choice(rng, ("", "\t", " ", "\n"))


def _start(chunk: Chunk, outcome: str) -> datetime:
    if outcome == "recent":
        return chunk.before(1, 29)
    if outcome == "late_bounce":
        return chunk.before(1, 2)
    return chunk.before(35, 400)


def _recipient(chunk: Chunk, company: Company, plan: Plan, view: SlotView, holders: dict[str, Person]) -> Person | None:
    if company.strong:
        slot = audience(plan, view)
        return holders.get(slot) if slot else None
    people = [holders[slot] for slot in view.filled if slot in holders]
    return choice(chunk.rng, people) if people else None


def write_send_events(chunk: Chunk, company: Company, plan: Plan, view: SlotView, holders: dict[str, Person]) -> None:
    rng = chunk.rng
    share = calibration.SEND_EVENTS_SHARE_STRONG if company.strong else calibration.SEND_EVENTS_SHARE
    if company.showcase is not None or rng.random() >= share:
        return
    person = _recipient(chunk, company, plan, view, holders)
    if person is None or person.email is None:
        return
    outcome = weighted(rng, STRONG_OUTCOMES if company.strong else OUTCOMES)
    message_id = chunk.message_id()
    moment = _start(chunk, outcome)
    for step, (event, bounce, low, high) in enumerate(STEPS[outcome]):
        if event in ("clicked", "replied") and rng.random() < 0.5:
            break
        moment += timedelta(seconds=randint(rng, low, high))
        if outcome == "late_bounce" and step == 1:
            moment = chunk.as_of + timedelta(seconds=randint(rng, 3_600, 3 * DAY))  # after as_of: not yet known
        index = chunk.add(
            EVENTS,
            (
                chunk.uuid(),
                message_id,
                company.outreach_id,
                person.unique_id,
                as_reported(chunk, person.email),
                event,
                bounce,
                moment,
                _detail(chunk, event, bounce),
            ),
        )
        chunk.registry.events.append(index)
