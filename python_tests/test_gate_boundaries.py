"""The gates of docs/rulebook.md §5 at their edges: each numeric window and instant comparison is
tried one second either side of its boundary, on companies that are otherwise the hostile
fixture's good profile (band 3, COST_PRESSURE, CFO, queued when nothing stops it).

The queue history is written by hand into execution.send_queue (created by an earlier
build at an instant when nothing is active: the EMPTY data set), so a company can carry
exactly three touches, a touch 30 days ago to the second, or a message queued earlier the
same UTC day. Every edge is a choice docs/rulebook.md words as "within the last N days",
"at or before as_of" or "after as_of"; its §9 states the reading tested here.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg
from psycopg.types.json import Jsonb

import databases
import datasets
import support
from hostile_fixture import AS_OF, DAY, Company, Expected, Fixture, event, good_company, good_signal, uid

SECOND = timedelta(seconds=1)
# No feed-age guard: these builds replay instants without the Execution Hub's daily feed.
REPLAY = {"send_events_max_age_hours": None}
COOLING = timedelta(days=30)
TOUCH_WINDOW = timedelta(days=365)


@dataclass
class Scenario:
    """A fixture plus the queue rows to write before the build at AS_OF."""

    fx: Fixture = field(default_factory=Fixture)
    history: list[dict] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)
    people: dict[str, dict[str, dict]] = field(default_factory=dict)

    def company(self, key: str, reason: str, dol_magnitude: int = 30, people_magnitude: int = 20) -> Company:
        """A good-profile company (DOL 30, PEOPLE 20: band 3, score 46) expected at `reason`;
        PEOPLE below 10 is inactive: the score is DOL's alone and NO_PEOPLE caps the band at 3."""
        company = Company(key, f"{key.replace('_', ' ').title()} Inc.", Expected(reason, "CFO", 3))
        self.fx.companies[key] = company
        self.expected[key] = reason
        self.people[key] = good_company(self.fx, len(self.fx.companies), company)
        good_signal(self.fx, company, "DOL")["magnitude"] = dol_magnitude
        good_signal(self.fx, company, "PEOPLE")["magnitude"] = people_magnitude
        return company

    def queued(self, company: Company, at, pressure_class: str = "COST_PRESSURE") -> None:
        """A message this project queued at `at` (only the columns the gates read matter)."""
        n = len(self.history)
        self.history.append(
            {
                "message_id": f"history-{company.key}-{n}",
                "outreach_id": company.outreach_id,
                "slot_type": "CFO",
                "person_unique_id": "04.04.02.25.000000.000",
                "email_to": f"history{n}@example.com",
                "band": 3,
                "pressure_class": pressure_class,
                "proof_id": uid("history-proof", company.key, n),
                "proof_line": "an earlier proof line",
                "proof_evidence": Jsonb({}),
                "template_id": "cfo_cost",
                "subject": "an earlier message",
                "body": "an earlier message",
                "queued_at": at,
            }
        )

    def event(self, company: Company, event_type: str, at, **overrides: object) -> None:
        email = self.people[company.key]["CFO"]["email"]
        n = len(self.fx.rows["execution.send_events"])
        self.fx.add("execution.send_events", event(company, email, event_type, at, 100 + n, **overrides))

    def override(self, company: Company, created_at, expires_at=None) -> None:
        self.fx.add(
            "outreach.manual_overrides",
            {"override_id": uid("override", company.key), "outreach_id": company.outreach_id}
            | {"override_type": "legal_hold", "reason": "counsel", "created_at": created_at}
            | {"expires_at": expires_at, "is_active": True},
        )

    def exclude(self, company: Company, excluded_at) -> None:
        self.fx.add(
            "outreach.outreach_excluded",
            {"outreach_id": company.outreach_id, "exclusion_reason": "DATA_QUALITY", "excluded_at": excluded_at},
        )


@contextmanager
def decided_at_as_of(conn_settings, scenario: Scenario, label: str, dbt_vars: dict):
    """Load the scenario into a copy of the EMPTY data set (the project built once before
    anything exists, so execution.send_queue is there), write the queue history, build at
    AS_OF; yields {company key: decision_reason} at AS_OF."""
    with databases.copy_of(conn_settings, datasets.EMPTY, "gates") as scratch:
        datasets.load_fixture(scratch, scenario.fx)
        assert support.query(scratch, "select count(*) from execution.send_queue") == [(0,)]
        if scenario.history:
            columns = list(scenario.history[0])
            with psycopg.connect(scratch.conninfo()) as db:
                db.cursor().executemany(
                    f"insert into execution.send_queue ({', '.join(columns)}) "
                    f"values ({', '.join(['%s'] * len(columns))})",
                    [tuple(row[c] for c in columns) for row in scenario.history],
                )
        support.run_dbt(scratch, support.PRODUCTION_BUILD, AS_OF, extra_vars={**REPLAY, **dbt_vars})
        reasons = dict(
            support.query(
                scratch,
                "select outreach_id::text, decision_reason from execution.decision_log where decided_at = %s",
                (AS_OF,),
            )
        )
        yield {key: reasons.get(company.outreach_id) for key, company in scenario.fx.companies.items()}


def edges() -> Scenario:
    s = Scenario()
    # TOUCH_CAP, band 3: three messages of this class within 365 days stop a fourth.
    at_cap = s.company("three_touches", "TOUCH_CAP")
    for days in (40, 100, 364):
        s.queued(at_cap, AS_OF - days * DAY)
    below_cap = s.company("two_touches", "QUEUED")
    for days in (40, 100):
        s.queued(below_cap, AS_OF - days * DAY)
    window_edge = s.company("third_touch_365_days_ago", "QUEUED")
    for at in (AS_OF - 40 * DAY, AS_OF - 100 * DAY, AS_OF - TOUCH_WINDOW):
        s.queued(window_edge, at)
    window_inside = s.company("third_touch_inside_365_days", "TOUCH_CAP")
    for at in (AS_OF - 40 * DAY, AS_OF - 100 * DAY, AS_OF - TOUCH_WINDOW + SECOND):
        s.queued(window_inside, at)
    other_class = s.company("three_touches_other_class", "QUEUED")
    for days in (40, 100, 200):
        s.queued(other_class, AS_OF - days * DAY, pressure_class="ORGANIZATIONAL_RECONFIGURATION")
    # COOLING_OFF: a queue row or a sent event within the last 30 days.
    s.queued(s.company("queued_30_days_ago", "QUEUED"), AS_OF - COOLING)
    s.queued(s.company("queued_inside_30_days", "COOLING_OFF"), AS_OF - COOLING + SECOND)
    s.event(s.company("sent_30_days_ago", "QUEUED"), "sent", AS_OF - COOLING)
    s.event(s.company("sent_inside_30_days", "COOLING_OFF"), "sent", AS_OF - COOLING + SECOND)
    # SUPPRESSED: an opt-out at or before as_of.
    s.event(s.company("unsubscribed_at_as_of", "SUPPRESSED"), "unsubscribed", AS_OF)
    s.event(s.company("unsubscribed_after_as_of", "QUEUED"), "unsubscribed", AS_OF + SECOND)
    s.event(s.company("hard_bounce_at_as_of", "SUPPRESSED"), "bounced", AS_OF, bounce_type="hard")
    s.event(s.company("soft_bounce_at_as_of", "QUEUED"), "bounced", AS_OF, bounce_type="soft")
    # KILL_SWITCH: created_at <= as_of, expires_at NULL or after as_of.
    s.override(s.company("override_created_at_as_of", "KILL_SWITCH"), AS_OF)
    s.override(s.company("override_created_after_as_of", "QUEUED"), AS_OF + SECOND)
    s.override(s.company("override_expires_at_as_of", "QUEUED"), AS_OF - 10 * DAY, AS_OF)
    s.override(s.company("override_expires_after_as_of", "KILL_SWITCH"), AS_OF - 10 * DAY, AS_OF + SECOND)
    # BELOW_CONTACT_BAND: DOL alone (PEOPLE inactive), score 39 is band 2, score 40 band 3.
    s.company("score_39_band_2", "BELOW_CONTACT_BAND", dol_magnitude=39, people_magnitude=0)
    s.company("score_40_band_3", "QUEUED", dol_magnitude=40, people_magnitude=0)
    # EXCLUDED: an exclusion dated at or before as_of.
    s.exclude(s.company("excluded_at_as_of", "EXCLUDED"), AS_OF)
    s.exclude(s.company("excluded_after_as_of", "QUEUED"), AS_OF + SECOND)
    return s


def test_each_gate_holds_on_its_side_of_the_boundary(conn_settings):
    scenario = edges()
    with decided_at_as_of(conn_settings, scenario, "edges", {"daily_queue_limit": 1_000_000}) as reasons:
        wrong = {key: (reasons[key], want) for key, want in scenario.expected.items() if reasons[key] != want}
    assert not wrong, "decided vs expected:\n" + "\n".join(f"{k}: {v}" for k, v in wrong.items())


def daily_limit() -> Scenario:
    s = Scenario()
    # Candidates: band 4 (DOL 50: score 66), band 3 at score 51 (DOL 35), three at 46.
    s.company("band_4", "QUEUED", dol_magnitude=50)
    s.company("band_3_score_51", "QUEUED", dol_magnitude=35)
    ties = [s.company(f"band_3_score_46_{n}", "DAILY_LIMIT") for n in range(3)]
    # The tie at 46 goes by outreach_id: the smallest one gets the last place.
    s.expected[min(ties, key=lambda company: company.outreach_id).key] = "QUEUED"
    # Earlier today (UTC) one message was queued: it uses one of the day's four places.
    s.queued(s.company("queued_earlier_today", "COOLING_OFF"), AS_OF - timedelta(hours=11, minutes=59))
    # Late yesterday (UTC) another: it does not.
    s.queued(s.company("queued_late_yesterday", "COOLING_OFF"), AS_OF - timedelta(hours=12, seconds=1))
    return s


def test_the_daily_limit_ranks_by_band_then_score_then_outreach_id_and_counts_today_only(conn_settings):
    scenario = daily_limit()
    with decided_at_as_of(conn_settings, scenario, "limit", {"daily_queue_limit": 4}) as reasons:
        assert reasons == scenario.expected


def band_before_score() -> Scenario:
    s = Scenario()
    # Two places (limit 3, one taken earlier today). Band 4 at score 66 comes before band-3
    # companies that NO_PEOPLE holds at band 3 with higher scores (75, 70); among those the
    # higher score wins, though its outreach_id is the largest.
    s.company("band_4", "QUEUED", dol_magnitude=50)
    s.company("capped_score_75", "QUEUED", dol_magnitude=75, people_magnitude=0)
    s.company("capped_score_70", "DAILY_LIMIT", dol_magnitude=70, people_magnitude=0)
    s.company("score_46", "DAILY_LIMIT")
    s.queued(s.company("queued_earlier_today", "COOLING_OFF"), AS_OF - timedelta(hours=1))
    return s


def test_the_daily_limit_puts_band_before_score_and_score_before_outreach_id(conn_settings):
    scenario = band_before_score()
    ids = {key: company.outreach_id for key, company in scenario.fx.companies.items()}
    # Decisive only if ranking by score alone, or by band then outreach_id, picks others.
    band_3 = ("capped_score_75", "capped_score_70", "score_46")
    assert min(band_3, key=ids.get) != "capped_score_75"
    with decided_at_as_of(conn_settings, scenario, "band_first", {"daily_queue_limit": 3}) as reasons:
        assert reasons == scenario.expected


def test_a_day_already_over_a_lowered_limit_queues_nothing_and_still_builds(conn_settings):
    """Two messages went out earlier today under a higher limit; with the limit now 1, every
    candidate waits (DAILY_LIMIT) and the build, invariants included, succeeds."""
    s = Scenario()
    for n in range(2):
        s.queued(s.company(f"queued_earlier_today_{n}", "COOLING_OFF"), AS_OF - timedelta(hours=n + 1))
    s.company("candidate", "DAILY_LIMIT")
    with decided_at_as_of(conn_settings, s, "lowered", {"daily_queue_limit": 1}) as reasons:
        assert reasons == s.expected
