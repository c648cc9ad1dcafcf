"""The numbers and lists of the rules, read from where dbt reads them.

Seeds (``seeds/*.csv``: band_thresholds, band_caps, signal_domains, renewal_magnitudes,
executive_signals, slot_map, slot_waterfall) and the ``vars:`` block of ``dbt_project.yml``,
the gates of docs/rulebook.md §5 included (``decision_gates``: each reason code, in the order
the gates run, with the flag column that stops a company there). ``Params.from_project()`` is the one
loader: the reference model, the per-company baseline and the benchmark read nothing else,
so they use the SQL's numbers by construction. ``dbt_vars`` overrides vars the way
``dbt --vars`` does (a top-level key replaces the project's value).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from pressure_outreach import settings


@dataclass(frozen=True)
class RenewalStep:
    """One row of the renewal_magnitudes seed: days until renewal in [min_days, max_days]."""

    min_days: int
    max_days: int
    magnitude: int


@dataclass(frozen=True)
class ExecutiveSignalRule:
    """One row of the executive_signals seed (per slot event and slot type)."""

    magnitude: int
    lifetime_days: int
    evidence_prefix: str
    evidence_suffix: str


@dataclass(frozen=True)
class Params:
    """Every number and list of the rules. Build it with ``Params.from_project()``; a test
    that needs another value replaces one field (``dataclasses.replace``)."""

    # §1 the source contract's enumerations and ranges (vars)
    pressure_classes: frozenset[str]
    slot_types: tuple[str, ...]
    slot_event_types: frozenset[str]
    table_pressure_domains: dict[str, str]  # signal domain -> the pressure_domain its table carries
    magnitude_min: int
    magnitude_max: int
    evidence_max_chars: int
    renewal_month_min: int
    renewal_month_max: int
    # §1 renewal bridge (vars, seed renewal_magnitudes)
    renewal_class: str
    renewal_steps: tuple[RenewalStep, ...]
    renewal_expiry_days: int
    # §1 executive bridge (var, seed executive_signals keyed by (event_type, slot_type))
    executive_class: str
    executive_signals: dict[tuple[str, str], ExecutiveSignalRule]
    # §2.1-2.2 (seed signal_domains: domains in tie order; var bit_score_cap)
    domains: tuple[str, ...]
    weights: dict[str, Decimal]
    domain_caps: dict[str, int]
    active_thresholds: dict[str, int]
    primary_class_domains: frozenset[str]
    score_cap: int
    # §2.3 (seed band_thresholds): the lowest score of each band, its name
    band_floors: dict[int, int]
    band_names: dict[int, str]
    # §2.4 (seed band_caps): cap -> the highest band it allows
    caps: dict[str, int]
    # §4 (seeds slot_map, slot_waterfall; var default_primary_slot)
    slot_map: dict[str, str]
    default_primary_slot: str
    slot_waterfall: tuple[str, ...]
    # §3 and §5: the lowest band that gets a proof and may be contacted (var)
    min_contact_band: int
    # §5 gates: their reason codes in the order they run (var decision_gates), and the
    # flag of the gates model that stops a company with each (all but the daily limit)
    decision_gates: tuple[str, ...]
    gate_flags: dict[str, str]
    blocking_override_types: tuple[str, ...]
    suppressing_event_types: tuple[str, ...]
    suppressing_bounce_types: tuple[str, ...]
    email_pattern: str
    cooling_off_days: int
    touch_cap_window_days: int
    touch_caps: dict[int, int]  # band -> messages per class within the window (seed band_thresholds)
    daily_queue_limit: int
    # §6 the message's settings (vars)
    unsubscribe_base_url: str
    sender_postal_address: str
    message_footer_id: str
    message_channel: str

    @property
    def domain_rank(self) -> dict[str, int]:
        """A domain's place in tie-breaks (DOL before PEOPLE before BLOG)."""
        return {domain: rank for rank, domain in enumerate(self.domains)}

    @property
    def daily_limit_gate(self) -> str:
        """The last gate: the one without a flag, it ranks the companies no other gate stopped."""
        return self.decision_gates[-1]

    @classmethod
    def from_project(cls, project_dir: Path | None = None, dbt_vars: Mapping[str, Any] | None = None) -> Params:
        """The project's seeds and vars (``dbt_vars`` on top, as ``dbt --vars``)."""
        project = _Project(Path(project_dir or settings.PROJECT_DIR), dbt_vars or {})
        var = project.var
        domains = sorted(project.seed("signal_domains"), key=lambda row: int(row["tie_rank"]))
        thresholds = project.seed("band_thresholds")
        gates: dict[str, str | None] = dict(var("decision_gates"))
        return cls(
            pressure_classes=frozenset(var("pressure_classes")),
            slot_types=tuple(var("slot_types")),
            slot_event_types=frozenset(var("slot_event_types")),
            table_pressure_domains={table.upper(): domain for table, domain in var("signal_domains").items()},
            magnitude_min=int(var("magnitude_min")),
            magnitude_max=int(var("magnitude_max")),
            evidence_max_chars=int(var("evidence_max_chars")),
            renewal_month_min=int(var("renewal_month_min")),
            renewal_month_max=int(var("renewal_month_max")),
            renewal_class=var("renewal_pressure_class"),
            renewal_steps=tuple(
                RenewalStep(int(row["min_days"]), int(row["max_days"]), int(row["magnitude"]))
                for row in sorted(project.seed("renewal_magnitudes"), key=lambda row: int(row["min_days"]))
            ),
            renewal_expiry_days=int(var("renewal_expiry_days_after_renewal")),
            executive_class=var("executive_pressure_class"),
            executive_signals={
                (row["event_type"], row["slot_type"]): ExecutiveSignalRule(
                    int(row["magnitude"]), int(row["lifetime_days"]), row["evidence_prefix"], row["evidence_suffix"]
                )
                for row in project.seed("executive_signals")
            },
            domains=tuple(row["signal_domain"] for row in domains),
            weights={row["signal_domain"]: Decimal(row["weight"]) for row in domains},
            domain_caps={row["signal_domain"]: int(row["domain_cap"]) for row in domains},
            active_thresholds={row["signal_domain"]: int(row["active_threshold"]) for row in domains},
            primary_class_domains=frozenset(
                row["signal_domain"] for row in domains if _true(row["sets_primary_class"])
            ),
            score_cap=int(var("bit_score_cap")),
            band_floors={int(row["band"]): int(row["min_score"]) for row in thresholds},
            band_names={int(row["band"]): row["band_name"] for row in thresholds},
            caps={row["cap"]: int(row["max_band"]) for row in project.seed("band_caps")},
            slot_map={row["pressure_class"]: row["primary_slot"] for row in project.seed("slot_map")},
            default_primary_slot=var("default_primary_slot"),
            slot_waterfall=tuple(
                row["slot_type"]
                for row in sorted(project.seed("slot_waterfall"), key=lambda row: int(row["fallback_order"]))
            ),
            min_contact_band=int(var("min_contact_band")),
            decision_gates=tuple(gates),
            gate_flags=_checked_gate_flags(gates),
            blocking_override_types=tuple(var("blocking_override_types")),
            suppressing_event_types=tuple(var("suppressing_event_types")),
            suppressing_bounce_types=tuple(var("suppressing_bounce_types")),
            email_pattern=var("email_pattern"),
            cooling_off_days=int(var("cooling_off_days")),
            touch_cap_window_days=int(var("touch_cap_window_days")),
            touch_caps={int(row["band"]): int(row["touch_cap"]) for row in thresholds if row["touch_cap"].strip()},
            daily_queue_limit=int(var("daily_queue_limit")),
            unsubscribe_base_url=var("unsubscribe_base_url"),
            sender_postal_address=var("sender_postal_address"),
            message_footer_id=var("message_footer_id"),
            message_channel=var("message_channel"),
        )


@functools.cache
def project_params() -> Params:
    """``Params.from_project()`` of this checkout, read once per process."""
    return Params.from_project()


def _true(value: str) -> bool:
    """A boolean seed cell, as dbt reads it."""
    return value.strip().lower() in ("true", "t", "1", "yes")


class _Project:
    """One dbt project's files: its vars (with overrides), seeds and the gates model."""

    def __init__(self, project_dir: Path, overrides: Mapping[str, Any]) -> None:
        self.dir = project_dir
        config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
        self.vars = {**(config.get("vars") or {}), **overrides}
        self.seed_paths = [project_dir / path for path in config.get("seed-paths", ["seeds"])]
        self.model_paths = [project_dir / path for path in config.get("model-paths", ["models"])]

    def var(self, name: str) -> Any:
        if name not in self.vars:
            raise KeyError(f"dbt_project.yml has no var {name!r}")
        return self.vars[name]

    def seed(self, name: str) -> list[dict[str, str]]:
        for directory in self.seed_paths:
            path = directory / f"{name}.csv"
            if path.exists():
                with path.open(encoding="utf-8", newline="") as handle:
                    return list(csv.DictReader(handle))
        raise FileNotFoundError(f"no seed {name}.csv under {', '.join(map(str, self.seed_paths))}")


def _checked_gate_flags(gates: dict[str, str | None]) -> dict[str, str]:
    """What the gates model itself checks: every gate but the last has its flag column, in
    the order the gates run; the last, the daily limit, has none."""
    codes = list(gates)
    if not codes or gates[codes[-1]] or any(not gates[code] for code in codes[:-1]):
        raise ValueError(
            "var decision_gates must map each reason code to its flag column, in the order the gates run, "
            f"and end with the daily limit without a flag; got {gates}"
        )
    return {code: str(gates[code]) for code in codes[:-1]}
