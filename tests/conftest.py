from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit_lib.paths import DEFAULT_INPUTS

DEMO_IDS = ("riverbend-homes", "calder-vale-housing", "moorside-almshouses")


@pytest.fixture
def demo_inputs(tmp_path: Path) -> Path:
    """A private copy of the demo group's inputs, safe to change."""
    target = tmp_path / "inputs"
    shutil.copytree(DEFAULT_INPUTS, target)
    return target


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path
