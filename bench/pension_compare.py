"""Benchmark: one full side-by-side comparison (算一笔账) must take ≤ 5 ms (issue 6).

One comparison = the person's current resident tier, the next tiers up of the tier menu, and
the flexible-worker options at 60/100/150/200/300 %, with the marginal break-even of each
against the current tier. Prints the median of many runs and "ok" or "MISS" against the goal.

    .venv/bin/python bench/pension_compare.py [--runs 500] [--figures FILE]
"""

import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.pension import Person, compare, default_parameters, standard_options
from bench.goals import Figure, arguments, report

GOAL_MS = 5.0
CALC_YEAR = 2026
# The example: a 45-year-old woman paying the 300 tier, with a few employee years.
PERSON = Person(
    birth_date=date(1981, 6, 15),
    sex="F",
    years_contributed=8,
    account_balance=Decimal("2400.00"),
    prior_months=30,
    prior_avg_index=Decimal("0.6"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    args = arguments(parser)
    options = standard_options(CALC_YEAR, current_tier=300)
    default_parameters()  # loading the data file once is not part of a comparison
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        compare(CALC_YEAR, PERSON, options)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    how = f"{len(options)} options, median of {args.runs} runs"
    report(
        [Figure("pension comparison (算一笔账)", median, "ms", GOAL_MS, False, how)], args.figures
    )


if __name__ == "__main__":
    main()
