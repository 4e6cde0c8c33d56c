"""The answers' history: an append-only JSON Lines file of every committed change.

``<period>.history.jsonl`` sits beside the answers file: one JSON object per line, each with
when (``at``), who (``user``), the revision it made and what changed (a field's old and new
value, a sign-off, a reopening, a carry forward). Lines are only ever appended, and each append
is fsynced before the change counts as committed. A crash mid-append can leave a torn last
line; reading skips it, and the store's recovery cuts it off before appending the entry again
from the lock file's journal (:mod:`.lock`). Any other line that is not JSON is damage, and an error.
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
            size = handle.seek(0, os.SEEK_END)
            tail_start = max(0, size - (1 << 16))
            handle.seek(tail_start)
            tail = handle.read()
            end = tail.rfind(b"\n") + 1
            if tail_start + end < size and (end or not tail_start):  # a torn last line (a writer killed mid-append)
                handle.truncate(tail_start + end)
                os.fsync(handle.fileno())
            for line in reversed(tail[:end].splitlines()):
                try:
                    return int(json.loads(line)["revision"])
                except (ValueError, KeyError, TypeError):
                    continue
            return 0

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
