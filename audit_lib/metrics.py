"""Figures from a validated case log for one reporting period."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from .periods import Period


@dataclass(frozen=True)
class CaseCounts:
    """The basic volumes of a period (definitions in :func:`case_counts`)."""

    stage1_received: int
    stage2_received: int
    refused: int
    stage1_responded: int
    stage2_responded: int
    stage1_open_at_end: int
    stage2_open_at_end: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _in_period(dates: pd.Series, period: Period) -> pd.Series:
    return dates.notna() & (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))


def case_counts(cases: pd.DataFrame, period: Period) -> CaseCounts:
    """Volumes for ``period``.

    Stage 1 received: ``received`` in the period and not refused. Refused: ``received`` in
    the period with a ``refused_reason``; counted apart, not as stage 1 complaints. Stage 2
    received: ``stage2_requested`` in the period. Responded: the response date in the
    period. Open at end: received (or requested) on or before the period end and not
    responded to by then.
    """
    refused = cases["refused_reason"] != ""
    accepted = cases[~refused]
    end = pd.Timestamp(period.end)
    s1_open = (accepted["received"] <= end) & ~(accepted["stage1_responded"] <= end)
    s2_open = (accepted["stage2_requested"] <= end) & ~(accepted["stage2_responded"] <= end)
    return CaseCounts(
        stage1_received=int(_in_period(accepted["received"], period).sum()),
        stage2_received=int(_in_period(accepted["stage2_requested"], period).sum()),
        refused=int(_in_period(cases.loc[refused, "received"], period).sum()),
        stage1_responded=int(_in_period(accepted["stage1_responded"], period).sum()),
        stage2_responded=int(_in_period(accepted["stage2_responded"], period).sum()),
        stage1_open_at_end=int(s1_open.sum()),
        stage2_open_at_end=int(s2_open.sum()),
    )
