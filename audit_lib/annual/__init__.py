"""The annual complaints performance and service improvement report's own records (Code 8.1, 8.2,
9.5, 9.7 c): what the landlord records beyond the case log and the answers, kept like the answers.

::

    records.py       the model and its plain YAML file, ``inputs/<landlord>/annual/<period>.yaml``: the
                     learning log ("You said, we did"), the Ombudsman's findings, orders and publications,
                     "none this year" flags, the governing body's response and the MRC; read strictly
    store.py         RecordsStore: every change by id, saved at once (lock, atomic write, history, conflicts)
    completeness.py  the check against 8.1 (a)-(f), 8.2 and 9.5, and orders past due: gaps with reason codes
    analysis.py      the quantitative analysis (8.1 b) as values, from the period's statistics and every
                     covered period's headline figures; themes.py: sentences written from it;
                     analysis_views.py: its HTML parts (imported on first use: they need pandas)
    views.py         the report's parts from the records: the cover with the completeness check, the
                     learning log, the Ombudsman's findings and publications, the governing body's response
    report.py        AnnualReport, open_annual_report: the report's façade the notebook calls (it holds the
                     self-assessment's workbook; never imported here, as the workbook reads these records)

The report itself (the annual report notebook, its figures and the workbook's section) builds on these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports
from .completeness import Gap, GapCode, completeness, is_complete
from .records import (
    AnnualRecords,
    ConfirmedNone,
    GoverningBodyResponse,
    Improvement,
    MemberResponsible,
    OmbudsmanFinding,
    OmbudsmanOrder,
    OmbudsmanRecord,
    dump_records,
    empty_records,
    load_records,
    records_file,
)
from .store import Added, Conflict, RecordsStore, Saved, open_records_store

__all__ = ["UPHELD_MIN_RESPONSES", "Added", "AnnualAnalysis", "AnnualRecords", "CategoryRow", "ConfirmedNone",
           "Conflict", "Gap", "GapCode", "GoverningBodyResponse", "Improvement", "MemberResponsible",
           "OmbudsmanFinding", "OmbudsmanOrder", "OmbudsmanRecord", "QuarterlyTable", "RecordsStore", "Saved",
           "annual_analysis", "categories_part", "compensation_and_ombudsman_part", "completeness", "dump_records",
           "empty_records", "is_complete", "load_records", "open_records_store", "performance_part", "records_file",
           "refusals_part", "suggested_themes", "themes_part", "trends_part"]

#: The analysis (8.1 b) needs pandas: its names are imported on first use (PEP 562), so reading
#: and saving the records stays light.
_LAZY = {
    **dict.fromkeys(["AnnualAnalysis", "CategoryRow", "QuarterlyTable", "annual_analysis"], "analysis"),
    **dict.fromkeys(["UPHELD_MIN_RESPONSES", "suggested_themes"], "themes"),
    **dict.fromkeys(["categories_part", "compensation_and_ombudsman_part", "performance_part", "refusals_part",
                     "themes_part", "trends_part"], "analysis_views"),
}

__getattr__ = lazy_exports(__name__, _LAZY)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .analysis import AnnualAnalysis, CategoryRow, QuarterlyTable, annual_analysis
    from .analysis_views import (
        categories_part,
        compensation_and_ombudsman_part,
        performance_part,
        refusals_part,
        themes_part,
        trends_part,
    )
    from .themes import UPHELD_MIN_RESPONSES, suggested_themes
