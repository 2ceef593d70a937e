"""Check N problems of every family against its independent oracle (tests/oracles.py), exact rounding.

The tests check 300 problems per family; this runs the full count the families are held to.
Run: python bench/oracle_bench.py [N] [FAMILY...]   (N defaults to 10,000; families to all of generators/)
Exit code 1 if any problem disagrees with its oracle (each failure is printed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oracles import HALVES, ORACLES  # noqa: E402  (tests/ is not a package)

from ankibuild.diagnostics import Reporter  # noqa: E402
from ankibuild.practice import load_family, open_package, rng_for  # noqa: E402

SEED = 1


def check(name: str, count: int) -> list[str]:
    """Failures among problems 1..count of the family (seed 1, the problems a deck ships first)."""
    reporter = Reporter()
    family = load_family(ROOT / "generators", name, ROOT, reporter)
    if family is None:
        return [str(d) for d in reporter.items]
    failures = []
    for index in range(count):
        problem = family.module.generate(rng_for(SEED, name, index))
        try:
            ORACLES[name](problem)
        except AssertionError as error:
            failures.append(f"{name} problem {index + 1} (seed {SEED}): {error}")
    return failures


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 10_000
    families = argv[1:] or sorted(p.stem for p in (ROOT / "generators").glob("[!_]*.py"))
    open_package(ROOT / "generators")
    failed = 0
    for name in families:
        start = time.perf_counter()
        failures = check(name, count)
        failed += len(failures)
        print(f"{name:22} {count - len(failures):>6}/{count} match, {HALVES[name]:>5} exact halves, "
              f"{time.perf_counter() - start:6.1f} s", flush=True)
        for failure in failures[:5]:
            print("   ", failure)
    print(f"{failed} problem(s) disagree with their oracle" if failed else "every problem matches its oracle")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
