"""A small hand-built data set with every bad-row kind of docs/source_contract.md ("Bad
rows"), each planted next to good rows of the same company.

Every company starts from one good profile that queues a band 3 message to the CFO:

- a DOL signal of magnitude 30, COST_PRESSURE, and a PEOPLE signal of magnitude 20,
  ORGANIZATIONAL_RECONFIGURATION, both active at ``AS_OF``;
- BIT score floor(30 + 0.8 * 20) = 46: band 3 TARGETED, no cap (NO_BLOG allows 4);
- primary class COST_PRESSURE (DOL 30 beats PEOPLE 20) -> CFO, filled, VALID email;
- a current Form 5500 filing renewing in August: no renewal signal (more than 120 days);
- executive history 400 days old: no executive signal.

Each company then gets the bad rows of one theme. Most bad rows are built so that letting
them through would change the decision (a wrong band, slot or gate), so the expectation of
each company (``Company.expected``) only holds when they are quarantined. ``bad_rows`` lists
every bad row with the (source table, disposition, reason) that rpt_data_quality must show.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pressure_outreach import contract

AS_OF = datetime(2026, 2, 7, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MISSING_PERSON_ID = "04.04.02.25.999999.999"


def uid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "hostile/" + "/".join(str(p) for p in parts)))


@dataclass(frozen=True)
class Expected:
    decision_reason: str
    slot_type: str | None
    band: int


@dataclass
class Company:
    key: str
    name: str
    expected: Expected
    outreach_id: str = ""

    def __post_init__(self) -> None:
        self.outreach_id = uid("company", self.key)


@dataclass
class Fixture:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t.qualified: [] for t in contract.TABLES})
    companies: dict[str, Company] = field(default_factory=dict)
    bad_rows: Counter = field(default_factory=Counter)
    bad_signal_ids: set[str] = field(default_factory=set)
    bad_person_ids: set[str] = field(default_factory=set)
    suppressed_emails: set[str] = field(default_factory=set)

    def add(self, table: str, row: dict, bad: tuple[str, str] | None = None, count: int = 1) -> dict:
        """Append a row; `bad` = (disposition, reason) when rpt_data_quality must count it."""
        assert set(row) <= set(contract.table(table).column_names), (table, set(row))
        self.rows[table].append(row)
        if bad is not None:
            self.bad_rows[(table, *bad)] += count
        return row

    def tuples(self, table: contract.SourceTable) -> list[tuple]:
        def cell(value: object) -> object:
            return json.dumps(value) if isinstance(value, dict) else value

        return [tuple(cell(row.get(c)) for c in table.column_names) for row in self.rows[table.qualified]]


REJECTED = "rejected"
FLAGGED = "flagged"
SIGNALS = {"DOL": "dol.pressure_signals", "PEOPLE": "people.pressure_signals", "BLOG": "blog.pressure_signals"}
PRESSURE_DOMAIN = {"DOL": "STRUCTURAL_PRESSURE", "PEOPLE": "DECISION_SURFACE", "BLOG": "NARRATIVE_VOLATILITY"}

# key, company name, expected decision. Names are data: they must reach the queue verbatim.
COMPANIES: tuple[tuple[str, str, Expected], ...] = (
    ("clean", "Harbor Clean Foods", Expected("QUEUED", "CFO", 3)),
    ("dup_signal", "Ridge Duplicate Signals LLC", Expected("QUEUED", "CFO", 3)),
    ("dup_slot", "Maple Twin Slots Inc.", Expected("QUEUED", "CEO", 3)),
    ("dup_person", "Cedar Twin People Co.", Expected("QUEUED", "CEO", 3)),
    ("null_keys", "Birch Null Keys Ltd.", Expected("QUEUED", "CFO", 3)),
    ("missing_person", "Aspen Ghost Staff Co.", Expected("QUEUED", "CEO", 3)),
    ("null_email", "Willow No Email Inc.", Expected("EMAIL_NOT_READY", "CFO", 3)),
    ("malformed_email", "Spruce Bad Email LLC", Expected("EMAIL_NOT_READY", "CFO", 3)),
    ("padded_email", "Oak Padded Email Partners", Expected("QUEUED", "CFO", 3)),
    ("unsubscribed_padded", "Elm Opt Out Corp.", Expected("SUPPRESSED", "CFO", 3)),
    ("unsubscribed_null_id", "Fir Opt Out Without Id", Expected("SUPPRESSED", "CFO", 3)),
    ("unknown_enums", "Pine Unknown Values Inc.", Expected("QUEUED", "CFO", 3)),
    ("out_of_range", "Alder Out Of Range Co.", Expected("QUEUED", "CFO", 3)),
    ("bad_renewal", "Hazel Renewal Month Inc.", Expected("QUEUED", "HR", 4)),
    ("dup_identity", "Linden Twin Identity LLC", Expected("EXCLUDED", "CFO", 3)),
    ("feed", "Poplar Recently Mailed Inc.", Expected("COOLING_OFF", "CFO", 3)),
    ("name_template", "{{ x }}", Expected("QUEUED", "CFO", 3)),
    ("name_markup", "<script>alert(1)</script>", Expected("QUEUED", "CFO", 3)),
    ("name_sql", "'; drop table x; --", Expected("QUEUED", "CFO", 3)),
    ("name_accents", "Zoë Ångström Design AB", Expected("QUEUED", "CFO", 3)),
    ("name_cjk", "株式会社テスト", Expected("QUEUED", "CFO", 3)),
    ("no_first_name", "Juniper Nameless Staff Inc.", Expected("EMAIL_NOT_READY", "CFO", 3)),
    ("initialled_name", "Laurel Initials LLC", Expected("QUEUED", "CFO", 3)),
    ("pressing_evidence", "Sumac Pressing Filings Co.", Expected("QUEUED", "CFO", 3)),
    ("override_null_active", "Sequoia Held Corp.", Expected("KILL_SWITCH", "CFO", 3)),
    ("ready_null", "Magnolia Unverified Inc.", Expected("EMAIL_NOT_READY", "CFO", 3)),
    ("spaced_evidence", "Yew Ideographic Space KK", Expected("QUEUED", "CFO", 3)),
    ("infinite_dates", "Cypress Everlasting Signals Inc.", Expected("QUEUED", "CFO", 3)),
    ("name_in_first_name", "Lee", Expected("QUEUED", "CFO", 3)),
    ("bridge_id_from_hub", "Rowan Derived Twice LLC", Expected("QUEUED", "CFO", 3)),
    ("dup_signal_across_hubs", "Holly Two Hubs Inc.", Expected("QUEUED", "CFO", 3)),
    ("huge_evidence", "Baobab Long Filings Ltd.", Expected("QUEUED", "CFO", 3)),
    ("bad_later_copy", "Chestnut Late Copies Co.", Expected("QUEUED", "CFO", 3)),
    ("sent_null_id", "Acacia Mailed Without Id Inc.", Expected("COOLING_OFF", "CFO", 3)),
    ("sent_repeated_id", "Olive Mailed Under A Reused Id", Expected("COOLING_OFF", "CFO", 3)),
)
HOSTILE_NAMES = {key: name for key, name, _ in COMPANIES if key.startswith("name_")}


def person_id(company_number: int, slot_number: int) -> str:
    return f"04.04.02.25.{company_number:06d}.{slot_number:03d}"


def signal(fx: Fixture, company: Company, domain: str, n: int, **overrides: object) -> dict:
    detected = AS_OF - 10 * DAY
    row = {
        "signal_id": uid("signal", company.key, domain, n),
        "outreach_id": company.outreach_id,
        "signal_type": "EMPLOYER_COST_RISING" if domain == "DOL" else "DECISION_MAKER_CHURN",
        "pressure_domain": PRESSURE_DOMAIN[domain],
        "pressure_class": "COST_PRESSURE" if domain == "DOL" else "ORGANIZATIONAL_RECONFIGURATION",
        "signal_value": {"evidence": f"{domain.lower()} evidence {n} of {company.key}"},
        "magnitude": 30 if domain == "DOL" else 20,
        "detected_at": detected,
        "expires_at": AS_OF + 60 * DAY,
        "source_record_id": f"rec-{company.key}-{domain}-{n}",
        "created_at": detected + timedelta(hours=1),
    }
    row.update(overrides)
    return row


def good_signal(fx: Fixture, company: Company, domain: str) -> dict:
    """The good profile's signal of `domain` (its row in the fixture, to edit in place)."""
    (row,) = [r for r in fx.rows[SIGNALS[domain]] if r["signal_id"] == uid("signal", company.key, domain, 1)]
    return row


def bad_signal(fx: Fixture, company: Company, domain: str, n: int, reason: str, **overrides: object) -> None:
    """A signal that would raise the band or change the class if it were used."""
    row = signal(fx, company, domain, n, magnitude=55, pressure_class="VENDOR_DISSATISFACTION")
    row.update(overrides)
    fx.add(SIGNALS[domain], row, (REJECTED, reason))
    if row["signal_id"] is not None:
        fx.bad_signal_ids.add(row["signal_id"])


def good_company(fx: Fixture, number: int, company: Company) -> dict[str, dict]:
    """The good profile: spine, identity, filing, three filled slots, two signals."""
    oid = company.outreach_id
    fx.add("outreach.outreach", {"outreach_id": oid, "sovereign_id": oid, "domain": f"c{number}.example.com"})
    fx.add(
        "cl.company_identity",
        {
            "company_unique_id": oid,
            "company_name": company.name,
            "company_domain": f"c{number}.example.com",
            "identity_status": "PASS",
        },
    )
    fx.add(
        "outreach.dol",
        {
            "dol_id": uid("dol", company.key, "current"),
            "outreach_id": oid,
            "ein": f"{number:09d}",
            "filing_present": True,
            "funding_type": "fully_insured",
            "renewal_month": 8,
            "outreach_start_month": 3,
            "created_at": AS_OF - 300 * DAY,
            "updated_at": AS_OF - 300 * DAY,
        },
    )
    people = {}
    for slot_number, (slot, first, last) in enumerate(
        (("CEO", "Avery", "Stone"), ("CFO", "Blake", "Rivers"), ("HR", "Casey", "Moreno")), start=1
    ):
        pid = person_id(number, slot_number)
        people[slot] = fx.add(
            "people.people_master",
            {
                "unique_id": pid,
                "first_name": first,
                "last_name": last,
                "full_name": f"{first} {last}",
                "title": slot,
                "email": f"{first}.{last}@c{number}.example.com".lower(),
                "email_verified": True,
                "outreach_ready": True,
                "email_verified_at": AS_OF - 20 * DAY,
            },
        )
        fx.add(
            "people.company_slot",
            {
                "slot_id": uid("slot", company.key, slot),
                "outreach_id": oid,
                "slot_type": slot,
                "person_unique_id": pid,
                "is_filled": True,
                "filled_at": AS_OF - 400 * DAY,
                "confidence_score": 90,
            },
        )
        fx.add(
            "people.slot_assignment_history",
            {
                "history_id": uid("history", company.key, slot),
                "outreach_id": oid,
                "slot_type": slot,
                "person_unique_id": pid,
                "event_type": "ASSIGNED",
                "event_at": AS_OF - 400 * DAY,
            },
        )
    fx.add(SIGNALS["DOL"], signal(fx, company, "DOL", 1))
    fx.add(SIGNALS["PEOPLE"], signal(fx, company, "PEOPLE", 1))
    return people


def event(company: Company, email: str | None, event_type: str, at: datetime, n: int, **overrides: object) -> dict:
    row = {
        "event_id": uid("event", company.key, n),
        "message_id": f"legacy-{company.key}-{n}",
        "outreach_id": company.outreach_id,
        "email": email,
        "event_type": event_type,
        "event_at": at,
        "detail": {"provider": "fixture"},
    }
    row.update(overrides)
    return row


def build() -> Fixture:
    fx = Fixture()
    for number, (key, name, expected) in enumerate(COMPANIES, start=1):
        company = Company(key, name, expected)
        fx.companies[key] = company
        people = good_company(fx, number, company)
        plant = PLANTERS.get(key)
        if plant:
            plant(fx, number, company, people)
    _orphans(fx)
    return fx


# --------------------------------------------------------------------------- the bad rows


def _dup_signal(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The same DOL signal delivered twice more: an exact copy and an older, stronger copy.
    # Summing the copies would give DOL 105 -> band 4; keeping the stronger one band 4 too.
    original = signal(fx, company, "DOL", 1)
    fx.add(SIGNALS["DOL"], dict(original), (REJECTED, "DUPLICATE_SIGNAL_ID"))
    older = dict(original, magnitude=45, created_at=original["created_at"] - 2 * DAY)
    fx.add(SIGNALS["DOL"], older, (REJECTED, "DUPLICATE_SIGNAL_ID"))
    # The spine row delivered twice: the first copy is kept, the second rejected.
    fx.add(
        "outreach.outreach",
        {"outreach_id": company.outreach_id, "sovereign_id": company.outreach_id},
        (REJECTED, "DUPLICATE_OUTREACH_ID"),
    )


def _dup_slot(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # A second CFO slot: both copies are rejected, the CFO seat is empty, CEO gets the message.
    (good_cfo,) = [r for r in fx.rows["people.company_slot"] if r["slot_id"] == uid("slot", company.key, "CFO")]
    fx.bad_rows[("people.company_slot", REJECTED, "DUPLICATE_SLOT")] += 1
    other = person_id(number, 9)
    fx.add(
        "people.people_master",
        dict(people["CFO"], unique_id=other, first_name="Drew", email=f"drew.other@c{number}.example.com"),
    )
    fx.add(
        "people.company_slot",
        dict(good_cfo, slot_id=uid("slot", company.key, "CFO-2"), person_unique_id=other),
        (REJECTED, "DUPLICATE_SLOT"),
    )
    fx.bad_person_ids.update({people["CFO"]["unique_id"], other})


def _dup_person(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The CFO's Barton id twice: which person is real is unknown, so neither exists.
    fx.bad_rows[("people.people_master", REJECTED, "DUPLICATE_UNIQUE_ID")] += 1
    fx.add(
        "people.people_master",
        dict(people["CFO"], email=f"blake.rivers.old@c{number}.example.com"),
        (REJECTED, "DUPLICATE_UNIQUE_ID"),
    )
    fx.bad_person_ids.add(people["CFO"]["unique_id"])


def _null_keys(fx: Fixture, number: int, company: Company, people: dict) -> None:
    oid = company.outreach_id
    bad_signal(fx, company, "DOL", 2, "NULL_SIGNAL_ID", signal_id=None)
    bad_signal(fx, company, "PEOPLE", 2, "NULL_OUTREACH_ID", outreach_id=None)
    fx.add(
        "people.company_slot",
        {"slot_id": None, "outreach_id": oid, "slot_type": "HR", "person_unique_id": person_id(number, 1)},
        (REJECTED, "NULL_SLOT_ID"),
    )
    fx.add(
        "people.company_slot",
        {"slot_id": uid("slot", company.key, "nulloid"), "outreach_id": None, "slot_type": "CFO"},
        (REJECTED, "NULL_OUTREACH_ID"),
    )
    fx.add("people.people_master", dict(people["CFO"], unique_id=None), (REJECTED, "NULL_UNIQUE_ID"))
    # A recent ASSIGNED event would add a PEOPLE signal of 25 if it were used.
    fx.add(
        "people.slot_assignment_history",
        {
            "history_id": None,
            "outreach_id": oid,
            "slot_type": "CEO",
            "person_unique_id": person_id(number, 1),
            "event_type": "ASSIGNED",
            "event_at": AS_OF - 10 * DAY,
        },
        (REJECTED, "NULL_HISTORY_ID"),
    )
    fx.add(
        "people.slot_assignment_history",
        {"history_id": uid("history", company.key, "nulloid"), "outreach_id": None, "slot_type": "CFO"}
        | {"event_type": "ASSIGNED", "event_at": AS_OF - 10 * DAY},
        (REJECTED, "NULL_OUTREACH_ID"),
    )
    fx.add(
        "execution.send_events",
        event(company, people["CFO"]["email"], "delivered", AS_OF - 50 * DAY, 1, event_id=None),
        (REJECTED, "NULL_EVENT_ID"),
    )
    fx.add("outreach.outreach", {"outreach_id": None, "sovereign_id": oid}, (REJECTED, "NULL_OUTREACH_ID"))
    fx.add(
        "cl.company_identity",
        {"company_unique_id": None, "company_name": "Nobody Inc.", "identity_status": "PASS"},
        (REJECTED, "NULL_COMPANY_UNIQUE_ID"),
    )
    fx.add(
        "outreach.outreach_excluded",
        {"outreach_id": None, "exclusion_reason": "DATA_QUALITY", "excluded_at": AS_OF - DAY},
        (REJECTED, "NULL_OUTREACH_ID"),
    )
    fx.add(
        "outreach.manual_overrides",
        {"override_id": uid("override", company.key), "outreach_id": None, "override_type": "legal_hold"}
        | {"reason": "no company", "created_at": AS_OF - DAY, "is_active": True},
        (REJECTED, "NULL_OUTREACH_ID"),
    )
    fx.add(
        "outreach.company_target",
        {"target_id": uid("target", company.key), "outreach_id": None, "outreach_status": "active"},
        (REJECTED, "NULL_OUTREACH_ID"),
    )
    fx.add(
        "outreach.dol",
        {"dol_id": uid("dol", company.key, "nulloid"), "outreach_id": None, "renewal_month": 3}
        | {"created_at": AS_OF - DAY},
        (REJECTED, "NULL_OUTREACH_ID"),
    )


def _missing_person(fx: Fixture, number: int, company: Company, people: dict) -> None:
    (cfo,) = [r for r in fx.rows["people.company_slot"] if r["slot_id"] == uid("slot", company.key, "CFO")]
    cfo["person_unique_id"] = MISSING_PERSON_ID
    fx.bad_rows[("people.company_slot", REJECTED, "MISSING_PERSON")] += 1


def _null_email(fx: Fixture, number: int, company: Company, people: dict) -> None:
    people["CFO"]["email"] = None
    fx.bad_rows[("people.people_master", FLAGGED, "MISSING_EMAIL")] += 1


def _malformed_email(fx: Fixture, number: int, company: Company, people: dict) -> None:
    people["CFO"]["email"] = "blake.rivers@"
    people["CEO"]["email"] = f"avery stone@c{number}.example.com"
    fx.bad_rows[("people.people_master", FLAGGED, "MALFORMED_EMAIL")] += 2


def _padded_email(fx: Fixture, number: int, company: Company, people: dict) -> None:
    people["CFO"]["email"] = f"  Blake.Rivers@C{number}.Example.COM\t"
    fx.bad_rows[("people.people_master", FLAGGED, "UNNORMALIZED_EMAIL")] += 1


def _unsubscribed_padded(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The Execution Hub reports the address in another case, padded: it still suppresses.
    email = people["CFO"]["email"]
    fx.add("execution.send_events", event(company, f" {email.upper()}\n", "unsubscribed", AS_OF - 60 * DAY, 1))
    fx.suppressed_emails.add(email)


def _unsubscribed_null_id(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # An opt-out whose own id is missing is a bad row, and still suppresses the address.
    email = people["CFO"]["email"]
    fx.add(
        "execution.send_events",
        event(company, email, "unsubscribed", AS_OF - 60 * DAY, 1, event_id=None),
        (REJECTED, "NULL_EVENT_ID"),
    )
    fx.suppressed_emails.add(email)


def _unknown_enums(fx: Fixture, number: int, company: Company, people: dict) -> None:
    oid = company.outreach_id
    cto = person_id(number, 4)
    fx.add("people.people_master", dict(people["CEO"], unique_id=cto, first_name="Charlie", email=f"cto@c{number}.io"))
    fx.add(
        "people.company_slot",
        {"slot_id": uid("slot", company.key, "CTO"), "outreach_id": oid, "slot_type": "CTO"}
        | {"person_unique_id": cto, "is_filled": True, "filled_at": AS_OF - 30 * DAY},
        (REJECTED, "UNKNOWN_SLOT_TYPE"),
    )
    bad_signal(fx, company, "DOL", 2, "UNKNOWN_PRESSURE_CLASS", pressure_class="MARKET_PANIC", magnitude=90)
    bad_signal(fx, company, "PEOPLE", 2, "UNKNOWN_PRESSURE_CLASS", pressure_class="cost_pressure", magnitude=90)
    for n, (slot, kind) in enumerate((("CTO", "ASSIGNED"), ("CEO", "PROMOTED")), start=1):
        fx.add(
            "people.slot_assignment_history",
            {"history_id": uid("history", company.key, "bad", n), "outreach_id": oid, "slot_type": slot}
            | {"person_unique_id": cto, "event_type": kind, "event_at": AS_OF - 10 * DAY},
            (REJECTED, "UNKNOWN_SLOT_TYPE" if slot == "CTO" else "UNKNOWN_EVENT_TYPE"),
        )
    email = people["CFO"]["email"]
    fx.add(
        "execution.send_events",
        event(company, email, "teleported", AS_OF - 5 * DAY, 1),
        (REJECTED, "UNKNOWN_EVENT_TYPE"),
    )
    fx.add(
        "outreach.manual_overrides",
        {"override_id": uid("override", company.key), "outreach_id": oid, "override_type": "vacation"}
        | {"reason": "unknown type", "created_at": AS_OF - DAY, "is_active": True},
        (REJECTED, "UNKNOWN_OVERRIDE_TYPE"),
    )


def _out_of_range(fx: Fixture, number: int, company: Company, people: dict) -> None:
    detected = AS_OF - 10 * DAY
    bad_signal(fx, company, "PEOPLE", 2, "MAGNITUDE_OUT_OF_RANGE", magnitude=140)
    bad_signal(fx, company, "PEOPLE", 3, "MAGNITUDE_OUT_OF_RANGE", magnitude=-5, pressure_class="COST_PRESSURE")
    bad_signal(fx, company, "DOL", 2, "EXPIRES_NOT_AFTER_DETECTED", expires_at=detected - DAY)
    bad_signal(fx, company, "BLOG", 1, "EXPIRES_NOT_AFTER_DETECTED", expires_at=detected)
    bad_signal(fx, company, "DOL", 3, "WRONG_PRESSURE_DOMAIN", pressure_domain="DECISION_SURFACE")
    bad_signal(fx, company, "BLOG", 2, "MISSING_EVIDENCE", signal_value={"evidence": "   "})
    bad_signal(fx, company, "BLOG", 3, "MISSING_EVIDENCE", signal_value={"metric": "headcount", "value": 12})
    bad_signal(fx, company, "DOL", 4, "NULL_EXPIRES_AT", expires_at=None)
    bad_signal(fx, company, "PEOPLE", 4, "NULL_DETECTED_AT", detected_at=None)
    bad_signal(fx, company, "PEOPLE", 5, "NULL_MAGNITUDE", magnitude=None)


def _bad_renewal(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The good current filing renews on 1 March: 22 days -> DEADLINE_PROXIMITY 70, DOL 100,
    # band 5 held at 4 by NO_BLOG, primary class DEADLINE_PROXIMITY -> HR. A newer filing
    # with month 13 would be current if it were used (no renewal signal: band 3, CFO).
    (current,) = [r for r in fx.rows["outreach.dol"] if r["dol_id"] == uid("dol", company.key, "current")]
    current.update(renewal_month=3, outreach_start_month=10)
    fx.add(
        "outreach.dol",
        dict(current, dol_id=uid("dol", company.key, 13), renewal_month=13, created_at=AS_OF - 30 * DAY),
        (REJECTED, "RENEWAL_MONTH_OUT_OF_RANGE"),
    )
    fx.add(
        "outreach.dol",
        dict(current, dol_id=uid("dol", company.key, 0), renewal_month=0, created_at=AS_OF - 700 * DAY),
        (REJECTED, "RENEWAL_MONTH_OUT_OF_RANGE"),
    )
    fx.add("outreach.dol", dict(current), (REJECTED, "DUPLICATE_DOL_ID"))


def _dup_identity(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # Two identity rows: which is true is unknown, so the company has no PASS identity.
    (identity,) = [r for r in fx.rows["cl.company_identity"] if r["company_unique_id"] == company.outreach_id]
    fx.add("cl.company_identity", dict(identity, identity_status="FAIL"), (REJECTED, "DUPLICATE_COMPANY_UNIQUE_ID"))
    fx.bad_rows[("cl.company_identity", REJECTED, "DUPLICATE_COMPANY_UNIQUE_ID")] += 1


def _feed(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # Another campaign mailed this CFO two hours ago (it keeps the feed fresh, and cools
    # the company off); its delivered event arrives twice.
    email = people["CFO"]["email"]
    fx.add("execution.send_events", event(company, email, "sent", AS_OF - 2 * timedelta(hours=1), 1))
    delivered = event(company, email, "delivered", AS_OF - timedelta(hours=1), 2)
    fx.add("execution.send_events", delivered)
    fx.add("execution.send_events", dict(delivered), (REJECTED, "DUPLICATE_EVENT_ID"))
    fx.add(
        "execution.send_events",
        event(company, email, "bounced", AS_OF - timedelta(minutes=30), 3, bounce_type="medium"),
        (REJECTED, "UNKNOWN_BOUNCE_TYPE"),
    )


def _sent_null_id(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # Another campaign mailed this CFO five days ago; the send's own id is missing. It is a
    # bad row, and the company still cools off: the message went out.
    fx.add(
        "execution.send_events",
        event(company, people["CFO"]["email"], "sent", AS_OF - 5 * DAY, 1, event_id=None),
        (REJECTED, "NULL_EVENT_ID"),
    )


def _sent_repeated_id(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The Execution Hub reused an old event's id for a send five days ago: the later copy is
    # a bad row, and the company still cools off.
    email = people["CFO"]["email"]
    delivered = fx.add("execution.send_events", event(company, email, "delivered", AS_OF - 90 * DAY, 1))
    fx.add(
        "execution.send_events",
        event(company, email, "sent", AS_OF - 5 * DAY, 2, event_id=delivered["event_id"]),
        (REJECTED, "DUPLICATE_EVENT_ID"),
    )


def _name_template(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # A first name that looks like a placeholder must not be rendered a second time.
    people["CFO"]["first_name"] = "{{ company_name }}"


def _no_first_name(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The chosen CFO has no first name (NOT NULL upstream, yet it happens), the CEO a blank
    # one: the greeting cannot be rendered, so this message stops at EMAIL_NOT_READY. Let
    # through, its unresolved placeholder would fail an invariant and hold back every
    # company's message of the day.
    people["CFO"]["first_name"] = None
    people["CEO"]["first_name"] = " \t "
    fx.bad_rows[("people.people_master", FLAGGED, "MISSING_FIRST_NAME")] += 2


def _initialled_name(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # A full stop in a name is not the end of the body's first sentence.
    people["CFO"]["first_name"] = "J. Robert"


def _bridge_id_from_hub(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The CEO was (re)assigned 10 days ago: the executive bridge derives "new CEO 10 days in
    # seat" (25), which would lift the band to 4. The people hub delivered that signal too,
    # with the bridge's id (docs/rulebook.md §1: md5('assigned:<history_id>')), expired
    # yesterday; the id counts once and the hub's copy, the only one with a created_at, is
    # kept: band 3.
    history_id = uid("history", company.key, "reassigned")
    fx.add(
        "people.slot_assignment_history",
        {"history_id": history_id, "outreach_id": company.outreach_id, "slot_type": "CEO"}
        | {"person_unique_id": people["CEO"]["unique_id"], "event_type": "ASSIGNED", "event_at": AS_OF - 10 * DAY},
    )
    bridge_id = str(uuid.UUID(hashlib.md5(f"assigned:{history_id}".encode()).hexdigest()))
    fx.add(
        SIGNALS["PEOPLE"],
        signal(fx, company, "PEOPLE", 2, signal_id=bridge_id, magnitude=25)
        | {"detected_at": AS_OF - 10 * DAY, "expires_at": AS_OF - DAY, "created_at": AS_OF - 9 * DAY},
    )


def _dup_signal_across_hubs(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The DOL signal's id delivered by the people hub too, valid there, created earlier: the
    # id counts once (the DOL copy, latest created_at), and the people copy is counted as a
    # duplicate of its hub. Summed, PEOPLE 40 would lift the band to 4.
    dol = good_signal(fx, company, "DOL")
    copy = signal(fx, company, "PEOPLE", 2, signal_id=dol["signal_id"], created_at=dol["created_at"] - DAY)
    fx.add(SIGNALS["PEOPLE"], copy, (REJECTED, "DUPLICATE_SIGNAL_ID"))


def _name_in_first_name(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The company's name inside the first name, which has a full stop: data inside data.
    people["CFO"]["first_name"] = "J. Lee"


def _pressing_evidence(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # The evidence quotes words the templates may not use below band 5 ("immediately") and a
    # product-first phrase: it is the prospect's data, not the message's framing.
    dol = good_signal(fx, company, "DOL")
    dol["signal_value"] = {"evidence": "a broker note asking to renew immediately. Our platform costs rose 30%"}


def _override_null_active(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # docs/rulebook.md §9: only is_active = false deactivates an override; NULL counts as active.
    fx.add(
        "outreach.manual_overrides",
        {"override_id": uid("override", company.key), "outreach_id": company.outreach_id}
        | {"override_type": "legal_hold", "reason": "counsel", "created_at": AS_OF - DAY, "is_active": None},
    )


def _ready_null(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # docs/rulebook.md §5, gate 6: outreach_ready NULL is not true, even for a verified,
    # well-formed address.
    people["CFO"]["outreach_ready"] = None


def _spaced_evidence(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # Evidence opening with an ideographic space (U+3000): staging trims only ASCII white
    # space, so it stays, and it is still evidence (a UTF-8 locale calls it white space).
    dol = good_signal(fx, company, "DOL")
    dol["signal_value"] = {"evidence": "\u3000保険料が30%上昇 (premiums up 30%)"}


def _infinite_dates(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # Signals that never expire ('infinity'): used, they would make a band-5 proof (DOL 100,
    # PEOPLE 75, BLOG 55) whose decision window, counted to an infinite date, stopped the
    # build with "cannot subtract infinite dates". Slot history at +/- infinity likewise.
    bad_signal(fx, company, "DOL", 2, "NON_FINITE_TIMESTAMP", magnitude=100, expires_at="infinity")
    bad_signal(fx, company, "PEOPLE", 2, "NON_FINITE_TIMESTAMP", expires_at="infinity")
    bad_signal(fx, company, "BLOG", 1, "NON_FINITE_TIMESTAMP", expires_at="infinity")
    bad_signal(fx, company, "BLOG", 2, "NON_FINITE_TIMESTAMP", detected_at="-infinity")
    for n, at in enumerate(("-infinity", "infinity")):
        fx.add(
            "people.slot_assignment_history",
            {"history_id": uid("history", company.key, "infinite", n), "outreach_id": company.outreach_id}
            | {"slot_type": "CEO", "person_unique_id": people["CEO"]["unique_id"]}
            | {"event_type": "VACATED" if n else "ASSIGNED", "event_at": at},
            (REJECTED, "NON_FINITE_EVENT_AT"),
        )


def huge_evidence() -> str:
    """Two million characters that do not compress (hex of a hash chain): a b-tree index, a
    varchar or a sort key on the evidence's path would stop the build ("index row size
    exceeds"), where a repeated character would compress and slip through."""
    links = [hashlib.sha256(b"hostile/huge_evidence").hexdigest()]
    while len(links) * 64 < 2_000_000:
        links.append(hashlib.sha256(links[-1].encode()).hexdigest())
    return "premiums up 30%: " + "".join(links)


# The evidence_max_chars var (docs/rulebook.md §1): a proof line quotes evidence, and a proof
# line is one sentence a person reads.
EVIDENCE_MAX_CHARS = 240


def evidence_at_the_bound() -> str:
    return "premiums up 30% " + "x" * (EVIDENCE_MAX_CHARS - len("premiums up 30% "))


def _huge_evidence(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # Evidence of exactly the bound is a phrase the proof line quotes; one character more, or
    # two million, is a document: the row is quarantined (a stronger VENDOR_DISSATISFACTION
    # signal that, used, would route the message to HR).
    good_signal(fx, company, "DOL")["signal_value"] = {"evidence": evidence_at_the_bound()}
    bad_signal(fx, company, "DOL", 2, "EVIDENCE_TOO_LONG", signal_value={"evidence": huge_evidence()})
    bad_signal(fx, company, "DOL", 3, "EVIDENCE_TOO_LONG", signal_value={"evidence": evidence_at_the_bound() + "x"})


def _bad_later_copy(fx: Fixture, number: int, company: Company, people: dict) -> None:
    # docs/rulebook.md §9: bad rows are quarantined before duplicate ids are resolved. Later
    # copies of the good DOL and PEOPLE signals are bad rows; resolved first, the latest copy
    # would win and then be quarantined, taking the good signal with it (no DOL: band 2, no
    # message).
    for domain, reason, bad in (
        ("DOL", "MAGNITUDE_OUT_OF_RANGE", {"magnitude": 140}),
        ("PEOPLE", "MISSING_EVIDENCE", {"signal_value": {"evidence": " "}}),
    ):
        good = good_signal(fx, company, domain)
        fx.add(SIGNALS[domain], dict(good, created_at=good["created_at"] + DAY, **bad), (REJECTED, reason))


def _orphans(fx: Fixture) -> None:
    """Rows about a company the spine does not know."""
    ghost = Company("ghost", "Ghost Co.", Expected("QUEUED", None, 0))
    bad_signal(fx, ghost, "BLOG", 1, "ORPHAN_OUTREACH_ID")
    fx.add(
        "people.company_slot",
        {"slot_id": uid("slot", "ghost"), "outreach_id": ghost.outreach_id, "slot_type": "CEO"},
        (REJECTED, "ORPHAN_OUTREACH_ID"),
    )


PLANTERS = {
    "sent_null_id": _sent_null_id,
    "sent_repeated_id": _sent_repeated_id,
    "dup_signal": _dup_signal,
    "dup_slot": _dup_slot,
    "dup_person": _dup_person,
    "null_keys": _null_keys,
    "missing_person": _missing_person,
    "null_email": _null_email,
    "malformed_email": _malformed_email,
    "padded_email": _padded_email,
    "unsubscribed_padded": _unsubscribed_padded,
    "unsubscribed_null_id": _unsubscribed_null_id,
    "unknown_enums": _unknown_enums,
    "out_of_range": _out_of_range,
    "bad_renewal": _bad_renewal,
    "dup_identity": _dup_identity,
    "feed": _feed,
    "name_template": _name_template,
    "no_first_name": _no_first_name,
    "initialled_name": _initialled_name,
    "pressing_evidence": _pressing_evidence,
    "override_null_active": _override_null_active,
    "ready_null": _ready_null,
    "spaced_evidence": _spaced_evidence,
    "infinite_dates": _infinite_dates,
    "name_in_first_name": _name_in_first_name,
    "bridge_id_from_hub": _bridge_id_from_hub,
    "dup_signal_across_hubs": _dup_signal_across_hubs,
    "huge_evidence": _huge_evidence,
    "bad_later_copy": _bad_later_copy,
}
