"""Writers of the answers file killed at random points (issue 10, item 2).

Writers loop on :meth:`AnswerStore.change` and are killed with SIGKILL after a random short
delay: while opening the store (and repairing what the previous one left), while reading,
writing the journal, replacing the file or appending the history. Afterwards every committed
revision has exactly one history entry, and no temporary file survives the next open.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import time
from pathlib import Path

import pytest

from audit_lib.assessment.store import AnswerStore, Saved
from audit_lib.code.catalogue import load_catalogue
from audit_lib.errors import AnswerStoreError
from tests.demo import DEMO_INPUTS

CODE = load_catalogue()
LANDLORD = "riverbend-homes"
KILLS = 220
PROVISIONS = ("2024:1.2", "2024:3.1", "2024:6.2", "2024:9.8")


def _writer(path: Path, seed: int, commits: int) -> None:
    """A child process: change answers until killed (never returns), one byte to ``commits`` per commit."""
    code = 1
    try:
        rng = random.Random(seed)
        store = AnswerStore(path, CODE, LANDLORD, "2024-25", user=f"writer-{os.getpid()}")
        for number in range(1_000_000):
            outcome = store.change(rng.choice(PROVISIONS), "commentary", f"{os.getpid()} change {number}")
            if isinstance(outcome, Saved):  # not a conflict with the other writer
                os.write(commits, b".")
    except BaseException:  # a child reports by its exit status only
        code = 2
    finally:
        os._exit(code)


def _start(path: Path, seed: int) -> tuple[int, int]:
    """Fork a writer; its process id and the read end of the pipe it reports its commits on."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _writer(path, seed, write_end)
    os.close(write_end)
    return pid, read_end


def _await_commits(pid: int, reports: int, count: int) -> None:
    """Wait until the writer ``pid`` has reported ``count`` commits on ``reports``."""
    while count > 0:
        ready, _, _ = select.select([reports], [], [], 120.0)
        assert ready, f"writer {pid} made no commit in two minutes"
        chunk = os.read(reports, count)
        assert chunk, f"writer {pid} stopped before its commit"
        count -= len(chunk)


def test_killed_writers_leave_one_history_entry_per_revision_and_no_temporary_file(tmp_path):
    path = tmp_path / "2024-25.yaml"
    shutil.copy(DEMO_INPUTS / LANDLORD / "answers" / "2024-25.yaml", path)
    AnswerStore(path, CODE, LANDLORD, "2024-25")  # warm the catalogue and the file before forking
    # How long an open and one commit take on this disk (a slow fsync makes it long): kills are
    # placed in units of it, after a random number of each writer's own commits, so they land
    # while opening, reading, journalling, replacing and appending on any machine.
    trial = tmp_path / "trial" / "2024-25.yaml"
    trial.parent.mkdir()
    shutil.copy(path, trial)
    began = time.perf_counter()
    AnswerStore(trial, CODE, LANDLORD, "2024-25").change(PROVISIONS[0], "commentary", "trial")
    commit = time.perf_counter() - began
    rng = random.Random(20261201)
    awaited = 0
    for _ in range(KILLS // 2):
        children = [_start(path, rng.randrange(1 << 30)) for _ in range(2)]  # two writers contend for the lock
        for pid, reports in children:
            count = rng.choice((0, 0, 1, 2))
            _await_commits(pid, reports, count)
            awaited += count
            time.sleep(rng.uniform(0.0, 1.5 * commit))
            os.kill(pid, signal.SIGKILL)
        for pid, reports in children:
            _, status = os.waitpid(pid, 0)
            os.close(reports)
            # a writer that stopped by itself (exit status 2) met an error it should not have
            assert os.WIFSIGNALED(status), f"a writer exited by itself with status {os.waitstatus_to_exitcode(status)}"

    store = AnswerStore(path, CODE, LANDLORD, "2024-25")  # the next open repairs and cleans up
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert leftovers == []
    revision = store.assessment.revision
    revisions = [entry["revision"] for entry in store.history()]
    assert revision >= awaited > KILLS // 4, "too few commits to have tested anything"
    assert len(revisions) == revision
    assert sorted(revisions) == list(range(1, revision + 1))  # exactly one entry per revision


# -- recovery with long entries, damaged lock files and power cuts (review of issue 10, item 2) ---


def _killed_after_the_history_append(path: Path, commentary: str) -> AnswerStore:
    """A commit whose writer was killed after appending its history entry, before clearing the journal."""
    store = AnswerStore(path, CODE, LANDLORD, "2024-25", user="bob")
    store.change("2024:6.2", "commentary", commentary)
    history = store.history_path.read_text(encoding="utf-8")
    journal = history.splitlines(keepends=True)[-1]
    store.lock_path.write_text(f"{store.assessment.revision}\n{journal}", encoding="utf-8")
    return store


def test_a_long_last_history_entry_is_not_appended_twice(tmp_path):
    path = tmp_path / "2024-25.yaml"
    shutil.copy(DEMO_INPUTS / LANDLORD / "answers" / "2024-25.yaml", path)
    AnswerStore(path, CODE, LANDLORD, "2024-25").change("2024:1.2", "commentary", "first")
    store = _killed_after_the_history_append(path, "x" * 70_000)
    reopened = AnswerStore(path, CODE, LANDLORD, "2024-25")  # finishes the commit: nothing is owed
    revisions = [entry["revision"] for entry in reopened.history()]
    assert revisions == [1, 2] == list(range(1, store.assessment.revision + 1))
    assert reopened.answer("2024:6.2").commentary == "x" * 70_000


def test_a_torn_history_line_longer_than_64_kib_is_cut_off_and_written_once(tmp_path):
    path = tmp_path / "2024-25.yaml"
    shutil.copy(DEMO_INPUTS / LANDLORD / "answers" / "2024-25.yaml", path)
    AnswerStore(path, CODE, LANDLORD, "2024-25").change("2024:1.2", "commentary", "first")
    store = _killed_after_the_history_append(path, "y" * 70_000)
    history = store.history_path.read_bytes()
    store.history_path.write_bytes(history[:-5])  # killed mid-append: 70 KB of a line with no end
    reopened = AnswerStore(path, CODE, LANDLORD, "2024-25")
    assert store.history_path.read_bytes() == history
    assert [entry["revision"] for entry in reopened.history()] == [1, 2]


def test_a_journal_partly_appended_is_completed_with_what_is_missing(tmp_path):
    from audit_lib.assessment.history import History

    history = History(tmp_path / "h.jsonl")
    history.path.write_text('{"revision": 1}\n{"revision": 2, "n": 1}\n{"revision": 2, "n"', encoding="utf-8")
    history.complete('{"revision": 2, "n": 1}\n{"revision": 2, "n": 2}\n')
    assert history.path.read_text() == '{"revision": 1}\n{"revision": 2, "n": 1}\n{"revision": 2, "n": 2}\n'
    history.complete('{"revision": 2, "n": 1}\n{"revision": 2, "n": 2}\n')  # already there: nothing added
    assert [e.get("n") for e in history.read()] == [None, 1, 2]
    long = History(tmp_path / "long.jsonl")
    long.path.write_text('{"revision": 1, "t": "' + "z" * 70_000 + '"}\n', encoding="utf-8")
    assert long.last_revision() == 1


def test_a_damaged_lock_file_is_one_error_naming_it(tmp_path):
    path = tmp_path / "2024-25.yaml"
    shutil.copy(DEMO_INPUTS / LANDLORD / "answers" / "2024-25.yaml", path)
    store = _killed_after_the_history_append(path, "kept")
    journal = store.lock_path.read_text(encoding="utf-8").split("\n", 1)[1]
    for damaged in (f"garbage\n{journal}", f"7\n{journal}", "1\nnot json\n"):
        store.lock_path.write_text(damaged, encoding="utf-8")
        with pytest.raises(AnswerStoreError, match=r"2024-25\.yaml\.lock.*the lock file is damaged") as caught:
            AnswerStore(path, CODE, LANDLORD, "2024-25")
        assert "\n" not in str(caught.value) and "kept" not in str(caught.value)
    store.lock_path.write_text("garbage\n", encoding="utf-8")  # no journal: nothing is owed, the file is read
    assert AnswerStore(path, CODE, LANDLORD, "2024-25").answer("2024:6.2").commentary == "kept"


def test_an_atomic_write_syncs_its_folder_after_the_rename(tmp_path, monkeypatch):
    import stat

    from audit_lib.core import io as core_io

    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    def replace(src, dst) -> None:
        synced.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    core_io.atomic_write_text(tmp_path / "a.txt", "text")
    assert synced == ["file", "rename", "folder"]
