"""Loading a housing system's complaint export into the canonical case log, with validation.

:func:`load_case_log` reads CSV, Excel (.xlsx) or Parquet (:mod:`~audit_lib.cases.read`),
renames the export's columns to the canonical names (design brief §3), keeps only canonical
and known optional columns (so names, addresses and contact details never go further than
this function) and validates every row (:mod:`~audit_lib.cases.validate`). Problems are
collected, not raised: each is listed in :attr:`CaseLog.exclusions` with its file row,
column, value, reason and reason code, and either the fields it made unknown or that the row
was excluded whole; :attr:`CaseLog.cases` holds one row per complaint. Only a file that cannot
be read at all raises :class:`~audit_lib.errors.CaseLogError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.io import sha256_of
from ..errors import CaseLogError
from .read import read_raw
from .schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS
from .settings import CaseLogSettings
from .validate import blank_rows, empty_row_findings, validate


@dataclass
class CaseLog:
    """A validated case log: usable cases, the listed exclusions, and where it came from."""

    cases: pd.DataFrame
    exclusions: pd.DataFrame
    source: Path
    sha256: str
    rows_read: int
    dropped_columns: tuple[str, ...] = field(default=())

    @property
    def excluded_rows(self) -> int:
        """Rows excluded whole (no usable case reference or date received, empty, or a copy)."""
        if not len(self.exclusions):
            return 0
        return int(self.exclusions.loc[self.exclusions["excluded"].astype(bool), "row"].nunique())

    @property
    def complaints(self) -> int:
        """Complaints counted: ``rows_read == complaints + excluded_rows``."""
        return len(self.cases)


def _apply_mapping(frame: pd.DataFrame, settings: CaseLogSettings, path: Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Rename export columns, keep canonical and optional columns only; report what was dropped."""
    mapping = {source.strip(): target for source, target in settings.columns.items()}
    missing_sources = [s for s in mapping if s not in frame.columns]
    renamed = frame.rename(columns=mapping)
    wanted = [c for c in (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS) if c in renamed.columns]
    missing = [c for c in CANONICAL_COLUMNS if c not in renamed.columns]
    if missing:
        hint = f"; the mapping names export columns not in the file: {missing_sources}" if missing_sources else ""
        raise CaseLogError(
            f"missing required column(s) {missing}; found columns {list(frame.columns)}{hint}. "
            "Add the export's column names to case_log.columns in the landlord's configuration",
            path=path,
        )
    duplicated = renamed.columns[renamed.columns.duplicated()].tolist()
    if duplicated:
        raise CaseLogError(f"column(s) {sorted(set(duplicated))} appear more than once after mapping", path=path)
    dropped = tuple(c for c in renamed.columns if c not in wanted)
    return renamed[wanted].copy(), dropped


def load_case_log(path: Path, settings: CaseLogSettings) -> CaseLog:
    """Read, map and validate a case log file; see the module docstring."""
    path = Path(path)
    raw = read_raw(path, settings)
    mapped, dropped = _apply_mapping(raw, settings, path)
    mapped.insert(0, "_row", np.arange(len(mapped)) + settings.header_row + 1)
    blank = pd.Series(blank_rows(mapped), index=mapped.index)
    cases, exclusions = validate(mapped[~blank] if blank.any() else mapped, settings.outcomes,
                                 settings.ombudsman_outcomes)
    if blank.any():  # spacer or trailing empty lines are not cases, but are still listed
        empty = empty_row_findings(mapped.loc[blank, "_row"].to_numpy())
        exclusions = pd.concat([exclusions, empty], ignore_index=True).sort_values("row", kind="stable")
        exclusions = exclusions.reset_index(drop=True)
    sha256 = sha256_of(path)
    if sha256 is None:  # removed while it was being read
        raise CaseLogError("case log not found; check the path (case_log.path in a landlord's configuration)", path=path)
    return CaseLog(
        cases=cases,
        exclusions=exclusions,
        source=path,
        sha256=sha256,
        rows_read=len(mapped),
        dropped_columns=dropped,
    )
