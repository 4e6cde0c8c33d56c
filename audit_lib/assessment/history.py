"""The answers' history: an append-only JSON Lines file of every committed change.

``<period>.history.jsonl`` sits beside the answers file: one JSON object per line, each with
when (``at``), who (``user``), the revision it made and what changed (a field's old and new
value, a sign-off, a reopening, a carry forward). Lines are only ever appended, and each append
is fsynced before the change counts as committed. A crash mid-append can leave a torn last
line; reading skips it, and the store's recovery (:meth:`History.complete`) cuts it off, however
long, and appends whatever part of the lock file's journal (:mod:`.lock`) the history does not
already end with, byte for byte. Any other line that is not JSON is damage, and an error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import AnswerStoreError


def history_file(answers_path: Path) -> Path:
    """``<period>.history.jsonl`` beside ``<period>.yaml``."""
    return answers_path.with_name(answers_path.stem + ".history.jsonl")


class History:
    """The history file of one answers file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @staticmethod
    def lines(entries: Iterable[Mapping[str, Any]], *, user: str, revision: int) -> str:
        """``entries`` as history lines, stamped now, with ``user`` and ``revision``."""
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        return "".join(json.dumps({"at": stamp, "user": user, "revision": revision, **entry}, ensure_ascii=False)
                       + "\n" for entry in entries)

    def append(self, entries: Iterable[Mapping[str, Any]], *, user: str, revision: int) -> None:
        """Append ``entries`` (stamped now, with ``user`` and ``revision``) and fsync them."""
        self.append_lines(self.lines(entries, user=user, revision=revision))

    def append_lines(self, text: str) -> None:
        """Append history lines (from :meth:`lines`) and fsync them."""
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    def last_revision(self) -> int:
        """The revision of the last complete entry (0 when none); a torn last line is cut off first."""
        if not self.path.exists():
            return 0
        with open(self.path, "rb+") as handle:
            end = _cut_torn_line(handle)
            while end > 0:
                start = _line_start(handle, end - 1)
                handle.seek(start)
                line = handle.read(end - start)
                try:
                    return int(json.loads(line)["revision"])
                except (ValueError, KeyError, TypeError):
                    end = start
            return 0

    def complete(self, journal: str) -> None:
        """Make the history end with ``journal`` (a commit's lines, from the lock file).

        A torn last line is cut off first; then only the journal's lines that are not already
        the history's last lines, byte for byte, are appended (a writer may have been killed
        before, during or after its append)."""
        wanted = journal.encode("utf-8")
        lines = wanted.splitlines(keepends=True)
        with open(self.path, "ab+") as handle:
            end = _cut_torn_line(handle)
            begin = max(0, end - len(wanted) - 1)
            handle.seek(begin)
            tail = b"\n" * (begin == 0) + handle.read(end - begin)  # a line starts after a newline
            present = 0
            for count in range(len(lines), 0, -1):
                if tail.endswith(b"\n" + b"".join(lines[:count])):
                    present = count
                    break
            missing = b"".join(lines[present:])
            if missing:
                handle.seek(0, os.SEEK_END)
                handle.write(missing)
                handle.flush()
                os.fsync(handle.fileno())

    def read(self) -> list[dict[str, Any]]:
        """Every recorded change, oldest first. A torn last line (a crash mid-append) is skipped."""
        if not self.path.exists():
            return []
        entries = []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                if number == len(lines):
                    continue
                raise AnswerStoreError(f"line {number} of the history is not valid JSON", path=self.path) from None
        return entries


_BLOCK = 1 << 16


def _line_start(handle: Any, before: int) -> int:
    """Where the line holding byte ``before`` starts (just after the newline before it, or 0),
    read backwards a block at a time, however long the line."""
    position = before
    while position > 0:
        start = max(0, position - _BLOCK)
        handle.seek(start)
        found = handle.read(position - start).rfind(b"\n")
        if found >= 0:
            return start + found + 1
        position = start
    return 0


def _cut_torn_line(handle: Any) -> int:
    """Cut off a last line with no newline (a writer killed mid-append); the new size."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return 0
    handle.seek(size - 1)
    if handle.read(1) == b"\n":
        return size
    end = _line_start(handle, size)
    handle.truncate(end)
    handle.flush()
    os.fsync(handle.fileno())
    return end
