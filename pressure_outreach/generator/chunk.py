"""The working state of one chunk of companies: its random stream, its rows, its ids.

Every value of a chunk comes from ``Chunk.rng``, seeded from (seed, chunk number), so a
chunk is reproducible on its own and the data set does not depend on anything but
(seed, companies, as_of). Timestamps are always as_of plus or minus whole seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

from pressure_outreach import contract
from pressure_outreach.generator.draw import randint
from pressure_outreach.generator.population import Population

DAY = 86_400
_SECOND = timedelta(seconds=1)

# Barton ids: a bijective scramble of a sequence number, so ids are unique without a
# lookup table and do not look sequential. Missing-person ids use a reserved range.
_ID_SPACE = 1_000_000_000
_ID_MULTIPLIER = 387_420_489  # 3**18: coprime with 10**9, so the scramble is a bijection
_ID_OFFSET = 104_729
PEOPLE_PER_CHUNK = 400_000
MISSING_BASE = 900_000_000
MISSING_PER_CHUNK = 20_000
MAX_CHUNKS = MISSING_BASE // PEOPLE_PER_CHUNK

# RFC 4122 version-4 bits: version nibble 4, variant bits 10.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def barton_id(sequence: int, year: int) -> str:
    """A Barton id ``04.04.02.YY.NNNNNN.NNN``; unique for unique sequence numbers."""
    number = (sequence * _ID_MULTIPLIER + _ID_OFFSET) % _ID_SPACE
    return f"04.04.02.{year % 100:02d}.{number // 1000:06d}.{number % 1000:03d}"


@dataclass
class Registry:
    """Where the good rows of the chunk are, for the bad-row injection that copies them."""

    companies: list[Any] = field(default_factory=list)  # companies.Company (import cycle)
    current_filings: list[int] = field(default_factory=list)
    signals: dict[str, list[int]] = field(default_factory=dict)
    people: list[int] = field(default_factory=list)
    former_people: list[int] = field(default_factory=list)
    assigned: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    events: list[int] = field(default_factory=list)


@dataclass
class Chunk:
    number: int
    start: int
    stop: int
    as_of: datetime
    population: Population
    rng: Random
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t.qualified: [] for t in contract.TABLES})
    registry: Registry = field(default_factory=Registry)
    person_sequence: int = 0
    missing_sequence: int = 0
    message_sequence: int = 0

    @classmethod
    def open(cls, population: Population, number: int, start: int, stop: int, as_of: datetime) -> Chunk:
        if number >= MAX_CHUNKS:
            raise ValueError(f"too many companies: at most {MAX_CHUNKS} chunks fit the Barton id space")
        return cls(number, start, stop, as_of, population, population.chunk_rng(number))

    @property
    def size(self) -> int:
        return self.stop - self.start

    def add(self, table: str, row: tuple) -> int:
        """Append a row to a table; its index lets bad-row injection find it again."""
        rows = self.rows[table]
        rows.append(row)
        return len(rows) - 1

    def uuid(self) -> str:
        """A random version-4 uuid from the chunk's stream, in canonical text form.

        The same value as ``uuid.UUID(int=rng.getrandbits(128), version=4)``, formatted
        directly: building UUID objects was a tenth of the generation time.
        """
        number = (self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
        text = f"{number:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def before(self, low_days: float, high_days: float) -> datetime:
        """A moment between low_days and high_days before as_of."""
        return self.as_of - timedelta(seconds=randint(self.rng, int(low_days * DAY), int(high_days * DAY)))

    def after(self, moment: datetime, low_days: float, high_days: float) -> datetime:
        return moment + timedelta(seconds=randint(self.rng, int(low_days * DAY), int(high_days * DAY)))

    def later(self, moment: datetime, max_days: float) -> datetime:
        """A moment up to max_days after moment, but never after as_of (nor before moment)."""
        room = min(int(max_days * DAY), (self.as_of - moment) // _SECOND)
        if room <= 0:
            return moment
        return moment + timedelta(seconds=int(self.rng.random() * (room + 1)))

    def person_id(self, year: int) -> str:
        self.person_sequence += 1
        if self.person_sequence >= PEOPLE_PER_CHUNK:
            raise ValueError("chunk has more people than its Barton id range")
        return barton_id(self.number * PEOPLE_PER_CHUNK + self.person_sequence, year)

    def missing_person_id(self) -> str:
        """A well-formed Barton id that no people_master row will ever carry."""
        self.missing_sequence += 1
        return barton_id(MISSING_BASE + self.number * MISSING_PER_CHUNK + self.missing_sequence, 99)

    def message_id(self) -> str:
        self.message_sequence += 1
        return f"legacy-{self.number * 1_000_000 + self.message_sequence}"
