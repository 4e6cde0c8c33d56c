"""Writers of the answers file killed at random points (issue 10, item 2).

Writers loop on :meth:`AnswerStore.change` and are killed with SIGKILL after a random short
delay: while opening the store (and repairing what the previous one left), while reading,
writing the journal, replacing the file or appending the history. Afterwards every committed
revision has exactly one history entry, and no temporary file survives the next open.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

from audit_lib.assessment.store import AnswerStore
from audit_lib.code.catalogue import load_catalogue
from tests.demo import DEMO_INPUTS

CODE = load_catalogue()
LANDLORD = "riverbend-homes"
KILLS = 220
PROVISIONS = ("2024:1.2", "2024:3.1", "2024:6.2", "2024:9.8")


def _writer(path: Path, seed: int) -> None:
    """A child process: change answers until killed (never returns)."""
    code = 1
    try:
        rng = random.Random(seed)
        store = AnswerStore(path, CODE, LANDLORD, "2024-25", user=f"writer-{os.getpid()}")
        for number in range(1_000_000):
            store.change(rng.choice(PROVISIONS), "commentary", f"{os.getpid()} change {number}")
    except BaseException:  # a child reports by its exit status only
        code = 2
    finally:
        os._exit(code)


def _start(path: Path, seed: int) -> int:
    pid = os.fork()
    if pid == 0:
        _writer(path, seed)
    return pid


def test_killed_writers_leave_one_history_entry_per_revision_and_no_temporary_file(tmp_path):
    path = tmp_path / "2024-25.yaml"
    shutil.copy(DEMO_INPUTS / LANDLORD / "answers" / "2024-25.yaml", path)
    AnswerStore(path, CODE, LANDLORD, "2024-25")  # warm the catalogue and the file before forking
    rng = random.Random(20261201)
    kills = 0
    start = time.monotonic()
    while kills < KILLS:
        children = [_start(path, rng.randrange(1 << 30)) for _ in range(2)]  # two writers contend for the lock
        for pid in children:
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(pid, signal.SIGKILL)
        for pid in children:
            _, status = os.waitpid(pid, 0)
            # a writer that stopped by itself (exit status 2) met an error it should not have
            assert os.WIFSIGNALED(status), f"a writer exited by itself with status {os.waitstatus_to_exitcode(status)}"
            kills += 1
    elapsed = time.monotonic() - start

    store = AnswerStore(path, CODE, LANDLORD, "2024-25")  # the next open repairs and cleans up
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert leftovers == []
    revision = store.assessment.revision
    revisions = [entry["revision"] for entry in store.history()]
    assert revision > KILLS // 4, "too few commits to have tested anything"
    assert len(revisions) == revision
    assert sorted(revisions) == list(range(1, revision + 1))  # exactly one entry per revision
    assert elapsed < 60
