"""Loading a housing system's complaint export into the canonical case log, with validation.

:func:`load_case_log` reads CSV, Excel (.xlsx) or Parquet (:mod:`~audit_lib.cases.read`),
renames the export's columns to the canonical names (design brief §3), keeps only canonical
and known optional columns (so names, addresses and contact details never go further than
this function) and validates every row (:mod:`~audit_lib.cases.validate`). Problems are
collected, not raised: each is listed in :attr:`CaseLog.exclusions` with its file row,
column, value (as it may be shown: never free text that could be a resident's), reason and
reason code (a row with more or fewer fields than the header by its row and reason only), and either the fields it made unknown or that the row
was excluded whole; :attr:`CaseLog.cases` holds one row per complaint. Only a file that cannot
be read at all (or is a symbolic link, lies outside the landlord's folder, or has more rows than
``case_log.max_rows``) raises :class:`~audit_lib.errors.CaseLogError`, whose message never
quotes a cell.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.memory import ordinary_pages
from ..core.paths import checked_input_path
from ..errors import CaseLogError
from .read import RawTable, read_bytes, read_table
from .schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS
from .settings import CaseLogSettings
from .validate import blank_rows, empty_row_findings, ragged_row_findings, short_row_findings, validate


@dataclass
class CaseLog:
    """A validated case log: usable cases, the listed exclusions, and where it came from."""

    cases: pd.DataFrame
    exclusions: pd.DataFrame
    source: Path
    #: The SHA-256 of the bytes read, parsed and validated (the file is read once, so a file
    #: replaced while it loads cannot give the figures of one export and the hash of another).
    sha256: str
    rows_read: int
    dropped_columns: tuple[str, ...] = field(default=())
    #: The optional canonical columns the export has (the validated cases have every column, blank
    #: where the export has none): what a figure of zero can be told apart from by.
    optional_columns: frozenset[str] = field(default=frozenset())

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
        # the header row's names are not quoted: a header row set on the wrong line may be a resident's data
        hint = f"; the mapping names export columns not in the file: {missing_sources}" if missing_sources else ""
        raise CaseLogError(
            f"missing required column(s) {missing}; found {len(frame.columns)} column(s) in the header row "
            f"(line {settings.header_row}){hint}. Check case_log.header_row, and add the export's column names to "
            "case_log.columns in the landlord's configuration",
            path=path,
        )
    duplicated = renamed.columns[renamed.columns.duplicated()].tolist()
    if duplicated:
        raise CaseLogError(f"column(s) {sorted(set(duplicated))} appear more than once after mapping", path=path)
    dropped = tuple(c for c in renamed.columns if c not in wanted)
    return renamed[wanted], dropped  # a copy made only if written to (copy on write)


def case_log_folder(path: Path, settings: CaseLogSettings) -> Path:
    """The folder ``settings.path`` is relative to (the landlord's inputs folder): ``path`` is
    ``folder / settings.path``; a path given directly (``chc-audit stats --cases``) is in its own folder."""
    relative = Path(settings.path).parts
    if relative and len(path.parts) > len(relative) and path.parts[-len(relative):] == relative:
        return Path(*path.parts[: -len(relative)])
    return path.parent


def load_case_log(path: Path, settings: CaseLogSettings, *, folder: Path | None = None) -> CaseLog:
    """Read, map and validate a case log file; see the module docstring.

    The file must be an ordinary file inside ``folder`` (by default the folder ``settings.path``
    is relative to): a symbolic link anywhere below the folder, or a path resolving outside it,
    is refused (:func:`~audit_lib.core.paths.checked_input_path`).
    """
    path = Path(path)
    base = Path(folder) if folder is not None else case_log_folder(path, settings)
    if not path.is_relative_to(base):
        raise CaseLogError(f"expected a case log inside {base}; found a path outside it", path=path)
    checked_input_path(base, path.relative_to(base), error=CaseLogError, what="case log")
    with ordinary_pages():  # Arrow's and numpy's large buffers in ordinary pages (see core.memory)
        return _load(path, settings)


def _load(path: Path, settings: CaseLogSettings) -> CaseLog:
    """:func:`load_case_log` of a checked path."""
    data = read_bytes(path, settings)  # read once: the bytes hashed are the bytes parsed
    table = read_table(path, settings, data)  # Arrow parses on every core: the hashing waits
    with ThreadPoolExecutor(max_workers=1) as hashing:  # hashed beside the validation (one core)
        digest = hashing.submit(_sha256, data)
        del data  # held by the hashing until it is done, no longer
        log = _validated(table, settings, path)
        return replace(log, sha256=digest.result())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # the lock is let go while it hashes


def _validated(table: RawTable, settings: CaseLogSettings, path: Path) -> CaseLog:
    """The table mapped and validated, as a case log whose hash is still to be given."""
    mapped, dropped = _apply_mapping(table.frame, settings, path)
    first = settings.header_row + 1
    mapped.insert(0, "_row", np.arange(len(mapped)) + first)
    ragged = np.zeros(len(mapped), dtype=bool)
    ragged[table.ragged] = True
    blank = blank_rows(mapped) & ~ragged
    skip = pd.Series(blank | ragged, index=mapped.index)
    mapping = {source.strip(): target for source, target in settings.columns.items()}
    formulas = {mapping.get(name, name): positions + first for name, positions in table.formulas.items()}
    vocabulary = {"category": settings.categories, "channel": settings.channels,
                  "refused_reason": settings.refused_reasons}
    cases, exclusions = validate(mapped[~skip] if skip.any() else mapped, settings.outcomes,
                                 settings.ombudsman_outcomes, rare_below=settings.rare_below,
                                 vocabulary=vocabulary, formulas=formulas)
    short = np.zeros(len(mapped), dtype=bool)
    short[table.short] = True
    short &= ~blank
    if skip.any() or short.any():  # spacer, trailing empty or ragged lines are not cases, but are still listed
        listed = [exclusions]
        if blank.any():
            listed.append(empty_row_findings(mapped.loc[blank, "_row"].to_numpy()))
        if ragged.any():
            listed.append(ragged_row_findings(mapped.loc[ragged, "_row"].to_numpy()))
        if short.any():  # read and counted, the missing trailing fields blank: listed by row and reason only
            listed.append(short_row_findings(mapped.loc[short, "_row"].to_numpy()))
        exclusions = pd.concat(listed, ignore_index=True).sort_values("row", kind="stable")
        exclusions = exclusions.reset_index(drop=True)
    return CaseLog(
        cases=cases,
        exclusions=exclusions,
        source=path,
        sha256="",
        rows_read=len(mapped),
        dropped_columns=dropped,
        optional_columns=frozenset(column for column in OPTIONAL_COLUMNS if column in mapped.columns),
    )
