"""Stage 1 complaints by category of dissatisfaction: received, and responses upheld, for a period.

:class:`~audit_lib.stats.results.CaseStatistics` counts the complaints received in a period by
category; the annual report also says how often each category's complaints were upheld, and
sets a period's counts beside the previous period's. :func:`category_figures` works both out
from the rows the engine counts (:func:`~audit_lib.stats.engine.stage1_rows`), so by its rules:

* **received** — accepted stage 1 complaints received in the period whose category is known as
  at its last day (the same count as ``CaseStatistics.categories``);
* **responded** — stage 1 responses dated in the period (as at its last day: a response dated
  later is not made), of accepted complaints whose date received, response, outcome and
  category are known; every outcome counts, a blank one too (the same responses as
  ``CaseStatistics.stage1_outcomes``);
* **upheld** — of those, the responses upheld or partly upheld.

Categories are the case log's as loaded: a word the landlord lists under its label, any other
word seen fewer than ``case_log.rare_below`` times in the whole log as "Other" (``docs/figures.md``),
so no rare value typed into the column reaches a figure. A blank category (a validated log blanks
a field it cannot know, also one known only until a day after the period's end) is counted under
no category, as the engine counts it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..code.catalogue import DEFAULT_CODE
from ..code.timescales import stages
from ..core.periods import Period
from .definitions import UPHELD
from .engine import count_values, stage1_rows
from .results import percent

__all__ = ["CategoryFigures", "category_figures"]


@dataclass(frozen=True)
class CategoryFigures:
    """One period's stage 1 complaints by category (each mapping ordered by its count, largest
    first, then by name; a category with none is left out)."""

    period: str
    #: Accepted stage 1 complaints received in the period, by category.
    received: dict[str, int]
    #: Stage 1 responses dated in the period, by category (any outcome, a blank one too).
    responded: dict[str, int]
    #: Of :attr:`responded`, those upheld or partly upheld, by category.
    upheld: dict[str, int]

    def upheld_pct(self, category: str) -> float | None:
        """The share of the category's stage 1 responses in the period upheld or partly upheld
        (``None``: none responded)."""
        return percent(self.upheld.get(category, 0), self.responded.get(category, 0))


def category_figures(cases: pd.DataFrame, period: Period, code: str = DEFAULT_CODE) -> CategoryFigures:
    """Stage 1 complaints received, responded and upheld in ``period`` by category, from a
    validated case log's complaints (``CaseLog.cases``), as at the period's last day; ``code``
    names the stage's columns (the Code version the period is assessed against)."""
    rows = stage1_rows(cases, period, code, known=("category",))
    outcome = cases[stages(code)[0].outcome_column].isin(UPHELD).to_numpy(dtype=bool)
    column = cases["category"]
    return CategoryFigures(
        period=period.id,
        received=count_values(column[rows.received]),
        responded=count_values(column[rows.responded]),
        upheld=count_values(column[rows.responded & outcome]),
    )
