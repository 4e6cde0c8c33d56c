"""The answers file's lock: one writer at a time, and the revision the last writer committed.

``<period>.yaml.lock`` sits beside the answers file. A writer holds an exclusive ``fcntl.flock``
on it while it reads, decides and writes (processes on this machine; closing the descriptor,
including by the process dying, releases it). The lock file's only content is the revision of
the last commit, written before the answers file is replaced, so an editor can tell that
another one committed since it last read the file, even when the file's identity (inode, time,
size) happens to look unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


def lock_file(answers_path: Path) -> Path:
    """``<period>.yaml.lock`` beside ``<period>.yaml``."""
    return answers_path.with_name(answers_path.name + ".lock")


class HeldLock:
    """The lock file while this process holds it exclusively: read or record the committed revision."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def revision(self) -> str:
        """The revision the last commit recorded (its text; empty before the first commit)."""
        return os.pread(self._fd, 64, 0).decode("ascii", "replace").strip()

    def record(self, revision: int) -> None:
        """Record ``revision`` as committed (before the answers file is replaced)."""
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{revision}\n".encode("ascii"), 0)


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
