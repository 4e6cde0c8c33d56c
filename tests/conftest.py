from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.demo import DEMO_IDS, DEMO_INPUTS  # noqa: F401 - DEMO_IDS is imported from here by tests


@pytest.fixture
def demo_inputs(tmp_path: Path) -> Path:
    """A private copy of the demo group's inputs, safe to change."""
    target = tmp_path / "inputs"
    shutil.copytree(DEMO_INPUTS, target)
    return target


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def tree_hash(folder: Path) -> str:
    """One digest of every file's path and bytes under ``folder``."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


#: The date the demo batch judges actions at, so its outputs do not change with the day the tests run.
DEMO_AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="session")
def demo_batch(tmp_path_factory):
    """One batch run of the whole demo group (local workers) as at :data:`DEMO_AS_OF`, shared by the
    tests that only read it.

    Returns (batch, inputs, outputs, hash of the inputs before the run).
    """
    from audit_lib.batch.run import run_batch
    from audit_lib.core.periods import Period

    base = tmp_path_factory.mktemp("demo")
    inputs = base / "inputs"
    shutil.copytree(DEMO_INPUTS, inputs)
    before = tree_hash(inputs)
    batch = run_batch(None, Period.parse("2024-25"), inputs, base / "outputs", workers=2, progress=False,
                      as_of=DEMO_AS_OF)
    return batch, inputs, base / "outputs", before
