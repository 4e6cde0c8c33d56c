"""Case statistics: every figure the Code and the Regulator ask for, for a period and its quarters.

``results`` holds the figures (rates, windows, the whole period) and their rounding;
``definitions`` the wording written beside them; ``engine`` computes them from a validated
case log with whole-column operations; ``quarterly`` lays them out as the table landlords
publish; ``provision_figures`` phrases them for the provisions they bear on.
"""

from .engine import case_statistics
from .provision_figures import provision_figures
from .quarterly import quarterly_table

__all__ = ["case_statistics", "provision_figures", "quarterly_table"]
