"""Case statistics: every figure the Code and the Regulator ask for, for a period and its quarters.

``definitions`` holds what each figure means (the wording written beside the figures, the
Ombudsman findings that count as fault, the ageing bands); ``results`` the figures as values
(rates, each window's figures, the whole period) with their rounding and JSON shape;
``engine`` computes them from a validated case log with whole-column operations, stage by
stage, from the timescales of the landlord's Code version (:mod:`audit_lib.code.timescales`);
``quarterly`` lays them out as the table landlords publish; ``provision_figures`` phrases them
for the provisions they bear on, as that version's data file maps figures to provisions.
Whatever depends on the Code is built per version on first use, so importing this package
reads no Code file.
"""

from .engine import case_statistics
from .provision_figures import provision_figures
from .quarterly import quarterly_table
from .results import CaseStatistics, Rate, StageFigures, WindowFigures

__all__ = ["CaseStatistics", "Rate", "StageFigures", "WindowFigures", "case_statistics", "provision_figures",
           "quarterly_table"]
