"""One figure per goal, and the table `make bench` prints.

Each benchmark script measures its figures and hands them to ``report``: run alone it prints
their table; run by ``bench/run.py`` (``--figures FILE``) it also writes them as JSON so that
the whole run ends in one table. Scripts run in their own processes: each points the app at
its own database through the environment before importing it.
"""

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    goal: str
    measured: float
    unit: str
    limit: float
    at_least: bool  # True: the figure must reach the limit; False: stay under it
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.measured >= self.limit if self.at_least else self.measured <= self.limit

    def cells(self) -> list[str]:
        bound = "≥" if self.at_least else "≤"
        return [
            self.goal,
            f"{self.measured:,.{_digits(self.measured)}f} {self.unit}",
            f"{bound} {self.limit:,g} {self.unit}",
            "ok" if self.met else "MISS",
            self.detail,
        ]


def _digits(value: float) -> int:
    return 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2


def table(figures: list[Figure]) -> str:
    rows = [["figure", "measured", "goal", "", "how"], *(f.cells() for f in figures)]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    parser.add_argument("--figures", type=Path, help="also write the figures here (JSON)")
    return parser.parse_args()


def report(figures: list[Figure], to: Path | None) -> None:
    print(table(figures), flush=True)
    if to is not None:
        to.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False))


def read(path: Path) -> list[Figure]:
    return [Figure(**row) for row in json.loads(path.read_text())]
