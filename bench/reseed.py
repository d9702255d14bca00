"""How long seeding the demo again takes on an existing demo city (it must add nothing).

    python bench/reseed.py                 # time each app's demo seeding (demo/<app>.py), then the whole seed_demo, --rounds times

The test suite checks only that a second seeding adds nothing (tests/*/test_demo.py); its duration
depends on the machine, so it is measured here. Run it on the demo database (``manage.py seed_demo``
first). Prints the wall time of each round and the median.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from demo.credit import seed_credit_demo  # noqa: E402
from demo.enforcement import seed_enforcement_demo  # noqa: E402
from demo.inspections import seed_inspections_demo  # noqa: E402

SEEDS = {"credit": seed_credit_demo, "inspections": seed_inspections_demo, "enforcement": seed_enforcement_demo}


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    call_command("seed_demo", stdout=io.StringIO())  # the demo city exists before the first timed round
    runs = {label: lambda seed=seed: seed(stdout=io.StringIO()) for label, seed in SEEDS.items()}
    runs["seed_demo"] = lambda: call_command("seed_demo", stdout=io.StringIO())
    for name, run in runs.items():
        seconds = [timed(run) for _ in range(args.rounds)]
        print(f"{name:12} " + " ".join(f"{s:6.2f}s" for s in seconds) + f"   median {statistics.median(seconds):.2f}s")


if __name__ == "__main__":
    main()
