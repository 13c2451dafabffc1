"""Calendar months as values: arithmetic, parsing and day counts."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2200:
            raise ValueError(f"bad month {self.year}-{self.month}")

    @classmethod
    def of(cls, d: date) -> "Month":
        return cls(d.year, d.month)

    @classmethod
    def parse(cls, text: str) -> "Month":
        m = _MONTH.match(text) if isinstance(text, str) else None
        if not m:
            raise ValueError(f"bad month {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, i: int) -> "Month":
        return cls(i // 12, i % 12 + 1)

    def __add__(self, n: int) -> "Month":
        return Month.from_index(self.index + n)

    def __sub__(self, other):
        if isinstance(other, Month):
            return self.index - other.index
        return Month.from_index(self.index - other)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def zh(self) -> str:
        return f"{self.year}年{self.month}月"


def month_range(first: Month, last: Month) -> list[Month]:
    """Months from first to last, both included (empty when last < first)."""
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]
