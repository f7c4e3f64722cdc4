"""Calendar months: the calculator counts contributions, ages and benefits in whole months."""

from dataclasses import dataclass
from datetime import date
from typing import overload


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> "Month":
        """'2026-03' (a date 'YYYY-MM-DD' is also accepted, its day ignored)."""
        year, month = text.split("-")[:2]
        if len(year) != 4 or not 1 <= int(month) <= 12:
            raise ValueError(f"not a month: {text!r}")
        return cls(int(year), int(month))

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> "Month":
        return cls(index // 12, index % 12 + 1)

    def __add__(self, months: int) -> "Month":
        return Month.from_index(self.index + months)

    @overload
    def __sub__(self, other: "Month") -> int: ...
    @overload
    def __sub__(self, other: int) -> "Month": ...
    def __sub__(self, other):
        """Months between two months, or the month some months earlier."""
        if isinstance(other, int):
            return Month.from_index(self.index - other)
        return self.index - other.index

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def age_text(months: int) -> str:
    """An age as the API writes it: 62y7m."""
    return f"{months // 12}y{months % 12}m"
