"""Audit workbook for the Housing Ombudsman's Complaint Handling Code.

The public API is :data:`__all__`; everything else is reached through the subpackages, one per
stage of the pipeline (``docs/architecture.md``)::

    core/        ids, periods, working days, paths, file I/O
    code/        the Code's versions, provisions, timescales and provision -> figures map (data)
    config/      the group registry and each landlord's configuration
    cases/       case logs: read, map, validate
    stats/       case statistics, the quarterly table, figures beside provisions
    assessment/  answers, the answer store, sign-off, carry forward, checks, actions, progress
    form/        the Ombudsman's form in and out: import from Word, Excel, CSV, published pages; export
    workbook/    the notebook façade and the interactive forms
    annual/      the annual complaints performance and service improvement report: records, check, façade
    report/      HTML parts, charts, provenance, nbconvert export and templates
    group/       the group roll-up
    batch/       papermill runs across landlords, local or on Dask

Names are imported on first use, so ``import audit_lib`` stays light (the batch's orchestrating
process never loads pandas, papermill or nbconvert through it).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from .core.lazy import lazy_exports

try:
    __version__ = version("chc-audit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ["AuditError", "InvalidIdError", "ConfigError", "CatalogueError", "CaseLogError", "AnswerStoreError",
         "SignOffError", "UsageError", "RunError", "KernelStartError"], "errors"),
    **dict.fromkeys(["Period", "Quarter"], "core.periods"),
    **dict.fromkeys(["add_working_days", "working_days_between", "is_working_day"], "core.calendar"),
    "validate_landlord_id": "core.ids",
    **dict.fromkeys(["Catalogue", "Provision", "Section", "load_catalogue"], "code.catalogue"),
    **dict.fromkeys(["Registry", "LandlordEntry", "Landlord", "LandlordConfig", "LocalTargets",
                     "load_registry", "load_landlord"], "config.landlords"),
    **dict.fromkeys(["CaseLog", "load_case_log"], "cases.load"),
    "Reason": "cases.schema",
    "CaseLogSettings": "cases.settings",
    **dict.fromkeys(["CaseStatistics", "Rate", "WindowFigures"], "stats.results"),
    "case_statistics": "stats.engine",
    "quarterly_table": "stats.quarterly",
    "provision_figures": "stats.provision_figures",
    **dict.fromkeys(["Status", "Answer", "Evidence", "Action", "Assessment"], "assessment.answers"),
    **dict.fromkeys(["load_assessment", "save_assessment"], "assessment.answers_file"),
    **dict.fromkeys(["AnswerStore", "Conflict", "Saved", "open_store"], "assessment.store"),
    **dict.fromkeys(["Workbook", "open_workbook"], "workbook.facade"),
    **dict.fromkeys(["AnnualReport", "open_annual_report"], "annual.report"),
    **dict.fromkeys(["GroupSummary", "open_group_summary"], "group.summary"),
    **dict.fromkeys(["BatchOptions", "BatchResult", "run_batch"], "batch.run"),
}

__all__ = ["__version__", *_EXPORTS]


__getattr__ = lazy_exports(__name__, _EXPORTS)  # each public name's module imported on first use (PEP 562)


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .annual.report import AnnualReport, open_annual_report
    from .assessment.answers import Action, Answer, Assessment, Evidence, Status
    from .assessment.answers_file import load_assessment, save_assessment
    from .assessment.store import AnswerStore, Conflict, Saved, open_store
    from .batch.run import BatchOptions, BatchResult, run_batch
    from .cases.load import CaseLog, load_case_log
    from .cases.schema import Reason
    from .cases.settings import CaseLogSettings
    from .code.catalogue import Catalogue, Provision, Section, load_catalogue
    from .config.landlords import (
        Landlord,
        LandlordConfig,
        LandlordEntry,
        LocalTargets,
        Registry,
        load_landlord,
        load_registry,
    )
    from .core.calendar import add_working_days, is_working_day, working_days_between
    from .core.ids import validate_landlord_id
    from .core.periods import Period, Quarter
    from .errors import (
        AnswerStoreError,
        AuditError,
        CaseLogError,
        CatalogueError,
        ConfigError,
        InvalidIdError,
        KernelStartError,
        RunError,
        SignOffError,
        UsageError,
    )
    from .group.summary import GroupSummary, open_group_summary
    from .stats.engine import case_statistics
    from .stats.provision_figures import provision_figures
    from .stats.quarterly import quarterly_table
    from .stats.results import CaseStatistics, Rate, WindowFigures
    from .workbook.facade import Workbook, open_workbook
