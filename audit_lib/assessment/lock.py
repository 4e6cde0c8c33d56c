"""The answers file's lock: one writer at a time, and the revision the last writer committed.

``<period>.yaml.lock`` sits beside the answers file. A writer holds an exclusive ``fcntl.flock``
on it while it reads, decides and writes (processes on this machine; closing the descriptor,
including by the process dying, releases it). The lock file's first line is the revision of
the last commit, written before the answers file is replaced, so an editor can tell that
another one committed since it last read the file, even when the file's identity (inode, time,
size) happens to look unchanged.

It is also the commit's **journal**: while a commit is under way, the lines after the first are
the history entry of that revision, written and fsynced before the answers file is replaced and
cleared once the entry is in the history. A writer killed in between leaves them there, and the
next holder of the lock finishes the commit (:meth:`AnswerStore._recover
<audit_lib.assessment.store.AnswerStore>`), so every committed revision gets its one entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import AuditError


def lock_file(answers_path: Path) -> Path:
    """``<period>.yaml.lock`` beside ``<period>.yaml``."""
    return answers_path.with_name(answers_path.name + ".lock")


class HeldLock:
    """The lock file while this process holds it exclusively: read or record the committed revision."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def _content(self) -> str:
        size = os.fstat(self._fd).st_size
        return os.pread(self._fd, max(size, 64), 0).decode("utf-8", "replace")

    def revision(self) -> str:
        """The revision the last commit recorded (its text; empty before the first commit)."""
        return self._content().split("\n", 1)[0].strip()

    def pending(self) -> tuple[str, str]:
        """The recorded revision and the journal: history lines of a commit not yet finished ("" if none)."""
        first, _, rest = self._content().partition("\n")
        journal = rest.rstrip(" ")
        return first.strip(), journal if journal.endswith("\n") else ""

    def record(self, revision: int | str, journal: str = "") -> None:
        """Record ``revision`` as committed (before the answers file is replaced), with the history
        lines it will append (``journal``, fsynced) or, once they are appended, without.

        One write over the old content, padded with spaces rather than truncated (a truncation
        costs a journal commit of the file system on every save)."""
        data = f"{revision}\n{journal}".encode()
        size = os.fstat(self._fd).st_size
        os.pwrite(self._fd, data + b" " * (size - len(data)), 0)
        if journal:
            os.fdatasync(self._fd)

    def shrink(self) -> None:
        """Cut the padding off (when the lock is first taken, so the file stays small)."""
        content = self._content()
        if len(content) > 4096 and not self.pending()[1]:
            os.ftruncate(self._fd, len(content.split("\n", 1)[0]) + 1)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[HeldLock]:
    """Hold the exclusive lock on ``path`` (created with its folder if need be) for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    held = HeldLock(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield held
    finally:
        held._fd = -1  # a use after release fails instead of reaching a reused descriptor
        os.close(fd)  # closing releases the lock


def journal_revision(recorded: str, journal: str, lock_path: Path, error: type[AuditError]) -> int:
    """The revision an unfinished commit's journal (:meth:`HeldLock.pending`) is for; a damaged
    lock file is ``error`` naming it (its journal may be the only record of a committed change,
    so it is never dropped)."""
    try:
        revision = int(recorded)
        entries = [json.loads(line) for line in journal.splitlines()]
    except ValueError:
        revision, entries = -1, []
    if revision < 0 or not entries or any(not isinstance(e, dict) or e.get("revision") != revision for e in entries):
        raise error(
            "the lock file is damaged: expected the revision of the last save on its first line, then that "
            "save's history lines; restore it, or remove it if no save is under way",
            path=lock_path,
        )
    return revision


def finish_unfinished(lock: HeldLock, *, path: Path, lock_path: Path, history: Any,
                      revision_on_disk: Callable[[], int], error: type[AuditError]) -> None:
    """Under ``lock``: finish or drop a killed writer's commit of the file at ``path``, then remove
    its temporary files. When the file on disk is at the journal's revision, the file was replaced
    and its history entry is owed, once (``history.complete``); otherwise the commit never
    happened and its journal is dropped."""
    recorded, journal = lock.pending()
    if journal:
        revision = journal_revision(recorded, journal, lock_path, error)
        on_disk = revision_on_disk()
        if on_disk == revision:
            history.complete(journal)
        lock.record(on_disk)
    lock.shrink()
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
