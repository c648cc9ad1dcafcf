"""The few facts decided for the whole data set at once, before any chunk is generated.

Exact counts (slot fill patterns, legacy BIT coverage) cannot come from independent draws
per chunk, so they are dealt out here: a bytearray with one byte per company (its fill
pattern and whether the legacy scorer covered it), shuffled with a seeded generator. That
is 1 MB for a million companies; everything else is generated chunk by chunk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random

from pressure_outreach.generator import calibration, vocabulary
from pressure_outreach.generator.personas import ALL_FILLED, PersonaTable

PATTERN_MASK = 0b0111
SCORED_BIT = 0b1000


def derived_rng(seed: int, label: str) -> Random:
    """An independent, reproducible random stream per (seed, label), e.g. per chunk."""
    digest = hashlib.sha256(f"pressure-outreach:{seed}:{label}".encode()).digest()
    return Random(int.from_bytes(digest[:16], "big"))


def apportion(counts: dict[int, int], total: int) -> dict[int, int]:
    """Scale reference counts to total with the largest-remainder method (sums exactly)."""
    reference = sum(counts.values())
    quotas = {key: count * total / reference for key, count in counts.items()}
    result = {key: int(quota) for key, quota in quotas.items()}
    leftover = total - sum(result.values())
    by_remainder = sorted(quotas, key=lambda key: (-(quotas[key] - result[key]), key))
    for key in by_remainder[:leftover]:
        result[key] += 1
    return result


def scaled(reference_count: int, total: int) -> int:
    return round(reference_count * total / calibration.REFERENCE_COMPANIES)


@dataclass(frozen=True)
class Population:
    seed: int
    companies: int
    layout: bytearray
    showcase: dict[int, int]
    personas: PersonaTable

    @classmethod
    def deal(cls, seed: int, companies: int) -> Population:
        rng = derived_rng(seed, "population")
        layout = _fill_patterns(rng, companies)
        _mark_scored(rng, layout, scaled(calibration.SCORED_COMPANIES, companies))
        return cls(seed, companies, layout, _pick_showcase(rng, layout), PersonaTable.build())

    def pattern(self, index: int) -> int:
        return self.layout[index] & PATTERN_MASK

    def scored(self, index: int) -> bool:
        return bool(self.layout[index] & SCORED_BIT)

    def chunk_rng(self, chunk: int) -> Random:
        return derived_rng(self.seed, f"chunk:{chunk}")


def _fill_patterns(rng: Random, companies: int) -> bytearray:
    layout = bytearray()
    for pattern, count in sorted(apportion(calibration.FILL_PATTERN_COUNTS, companies).items()):
        layout += bytes([pattern]) * count
    rng.shuffle(layout)
    return layout


def _mark_scored(rng: Random, layout: bytearray, count: int) -> None:
    for index in rng.sample(range(len(layout)), count):
        layout[index] |= SCORED_BIT


def _pick_showcase(rng: Random, layout: bytearray) -> dict[int, int]:
    """Companies with every slot filled that carry the markup / non-ASCII names."""
    candidates = sum(1 for byte in layout if byte & PATTERN_MASK == ALL_FILLED)
    wanted = min(len(vocabulary.SHOWCASE), candidates)
    chosen: dict[int, int] = {}
    while len(chosen) < wanted:
        index = rng.randrange(len(layout))
        if layout[index] & PATTERN_MASK == ALL_FILLED and index not in chosen:
            chosen[index] = len(chosen)
    return chosen
