"""Fast seeded draws.

``Random.randint`` and ``Random.choice`` go through several layers of pure Python; the
generator makes millions of draws, so these thin versions on top of ``Random.random``
save about half of the generation time. They are just as reproducible.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


def randint(rng: Random, low: int, high: int) -> int:
    """An integer in [low, high], both included."""
    return low + int(rng.random() * (high - low + 1))


def choice(rng: Random, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


class Weighted(Generic[T]):
    """A fixed weighted choice, with the cumulative weights computed once."""

    def __init__(self, options: Sequence[tuple[T, float]]) -> None:
        self.values = tuple(value for value, _ in options)
        running = 0.0
        cumulative = []
        for _, weight in options:
            running += weight
            cumulative.append(running)
        self.cumulative = tuple(cumulative)
        self.total = running

    def draw(self, rng: Random) -> T:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@functools.cache
def _table(options: tuple[tuple[object, float], ...]) -> Weighted:
    return Weighted(options)


def weighted(rng: Random, options: tuple[tuple[T, float], ...]) -> T:
    """A weighted choice among (value, weight) pairs; the table is built once per tuple."""
    return _table(options).draw(rng)  # type: ignore[return-value]
