"""docs/rulebook.md §2, the BIT band: domain sums, the BIT score, the raw band, the caps,
the final band and the primary pressure class."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal

from pressure_outreach.reference.params import Params
from pressure_outreach.reference.signals import Signal

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# §2.4: when each cap of the band_caps seed applies, given the active domains in tie
# order; the seed holds the highest band each allows (the conditions are written in the
# SQL too, in int_company_bands_scored).
CAP_CONDITIONS: dict[str, Callable[[tuple[str, ...]], bool]] = {
    "BLOG_ALONE": lambda active: active == ("BLOG",),
    "NO_DOL": lambda active: "DOL" not in active,
    "NO_PEOPLE": lambda active: "PEOPLE" not in active,
    "NO_BLOG": lambda active: "BLOG" not in active,
}


def domain_sums(signals: Iterable[Signal], params: Params) -> dict[str, int]:
    """§2.1: per domain, the sum of magnitudes of (active) signals, capped at the domain's cap."""
    sums = dict.fromkeys(params.domains, 0)
    for signal in signals:
        sums[signal.domain] += signal.magnitude
    return {domain: min(total, params.domain_caps[domain]) for domain, total in sums.items()}


def active_domains(sums: Mapping[str, int], params: Params) -> tuple[str, ...]:
    """§2.1: a domain is active when its (capped) sum reaches its active threshold."""
    return tuple(domain for domain in params.domains if sums[domain] >= params.active_thresholds[domain])


def bit_score(sums: Mapping[str, int], active: tuple[str, ...], params: Params) -> int:
    """§2.2: floor(the weighted sum of the active domains), capped."""
    weighted = sum(
        (Decimal(params.weights[domain]) * sums[domain] for domain in active),
        Decimal(0),
    )
    floored = int(weighted.to_integral_value(rounding=ROUND_FLOOR))
    return min(floored, params.score_cap)


def raw_band(score: int, params: Params) -> int:
    """§2.3: the highest band whose floor the score reaches."""
    return max(band for band, floor in params.band_floors.items() if score >= floor)


def applying_caps(active: tuple[str, ...], params: Params) -> list[tuple[str, int]]:
    """§2.4: every cap that applies, as (name, maximum band)."""
    if not params.caps.keys() <= CAP_CONDITIONS.keys():
        unknown = sorted(params.caps.keys() - CAP_CONDITIONS.keys())
        raise ValueError(f"band_caps names caps the reference model has no condition for: {unknown}")
    return [(name, value) for name, value in params.caps.items() if CAP_CONDITIONS[name](active)]


def final_band(raw: int, caps: list[tuple[str, int]]) -> int:
    """§2.4: min(raw band, every applying cap)."""
    return min([raw, *(value for _, value in caps)])


def recorded_cap(raw: int, caps: list[tuple[str, int]]) -> str:
    """§2.4: the applying cap with the lowest value (then name), only if below the raw band."""
    if not caps:
        return "NONE"
    name, value = min(caps, key=lambda cap: (cap[1], cap[0]))
    return name if value < raw else "NONE"


def strength_key(signal: Signal, params: Params) -> tuple:
    """Smallest key = strongest: magnitude desc, the domains' tie order (DOL before
    PEOPLE), latest detected_at, smallest signal_id as text."""
    return (
        -signal.magnitude,
        params.domain_rank[signal.domain],
        _EPOCH - signal.detected_at,
        signal.signal_id,
    )


def strongest(signals: Iterable[Signal], params: Params) -> Signal | None:
    return min(signals, key=lambda signal: strength_key(signal, params), default=None)


def primary_signal(signals: Iterable[Signal], active: tuple[str, ...], params: Params) -> Signal | None:
    """§2.5: the strongest active signal with a class in the active domains that may set
    the primary class (DOL and PEOPLE; never BLOG)."""
    return strongest(
        (
            signal
            for signal in signals
            if signal.pressure_class is not None
            and signal.domain in params.primary_class_domains
            and signal.domain in active
        ),
        params,
    )


def strongest_of_domain(signals: Iterable[Signal], domain: str, params: Params) -> Signal | None:
    """§3: the strongest active signal with a non-NULL class of one domain."""
    return strongest(
        (signal for signal in signals if signal.domain == domain and signal.pressure_class is not None), params
    )
