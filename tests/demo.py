"""Where the bundled demo group is, for tests that read it (never write to it: copy it first)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_INPUTS = ROOT / "inputs"
DEMO_IDS = ("riverbend-homes", "calder-vale-housing", "moorside-almshouses", "wharfedale-community-homes")
#: The demo landlords that have started 2024-25 (an answers file for it); Wharfedale has not.
DEMO_STARTED_2024_25 = ("riverbend-homes", "calder-vale-housing", "moorside-almshouses")
#: The demo landlords that assessed 2023-24, against the 2022 Code (and export both years' complaints).
DEMO_ASSESSED_2023_24 = ("calder-vale-housing", "wharfedale-community-homes")
