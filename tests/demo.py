"""Where the bundled demo group is, for tests that read it (never write to it: copy it first)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_INPUTS = ROOT / "inputs"
DEMO_IDS = ("riverbend-homes", "calder-vale-housing", "moorside-almshouses")
