"""`make bench`: every benchmark in its own process, then one table, a row per goal.

python bench/run.py [name …]     (names: the scripts below, without .py)
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.goals import Figure, read, table  # noqa: E402

BENCHMARKS = [
    "throughput",
    "dashboard_metrics",
    "city_pages",
    "import_rows",
    "member_bytes",
    "worklist_screen",
    "pension_compare",
    "load_visits",
]


def main(names: list[str]) -> int:
    figures: list[Figure] = []
    failed = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names or BENCHMARKS:
            print(f"\n== {name}", flush=True)
            written = Path(folder) / f"{name}.json"
            started = time.perf_counter()
            script = [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--figures", str(written)]
            if subprocess.run(script, cwd=ROOT).returncode != 0 or not written.exists():
                failed.append(name)
                continue
            figures += read(written)
            print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    print("\n" + table(figures))
    if failed:
        print(f"\nfailed to measure: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
