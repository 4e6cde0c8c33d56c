"""The batch's one progress bar: notebooks done out of all, and the ones in hand.

Shown on a terminal only unless asked for; a notebook that fails is reported above the bar
at once, in one line.
"""

from __future__ import annotations

import sys

from ..core.periods import Period
from .worker import NotebookResult


class Progress:
    """One progress bar for the whole batch, naming the notebooks in hand."""

    def __init__(self, total: int, workers: int, period: Period, enabled: bool | None) -> None:
        """A bar of ``total`` notebooks; ``enabled=None`` shows it only on a terminal."""
        from tqdm import tqdm

        self.workers = workers
        self.bar = tqdm(total=total, desc=f"chc-audit {period.id}", unit="notebook", file=sys.stderr,
                        disable=(not enabled) if enabled is not None else None, dynamic_ncols=True)

    def in_hand(self, pending: list[str]) -> None:
        """Name the notebooks being worked on (the first ``workers`` not yet done, in submission order)."""
        shown = pending[: self.workers]
        self.bar.set_postfix_str(("in hand: " + ", ".join(shown)) if shown else "done", refresh=True)

    def done(self, result: NotebookResult, pending: list[str]) -> None:
        """Count a finished notebook; say so at once when it failed."""
        if result.status != "ok" and not self.bar.disable:
            self.bar.write(f"{result.name}: failed: {result.error}", file=sys.stderr)
        self.bar.update(1)
        self.in_hand(pending)

    def close(self) -> None:
        """Finish the bar."""
        self.bar.close()
