"""The one exception hierarchy of the product.

Every error a user can cause (a bad id, a malformed configuration, an unreadable case log
or answer file) is an :class:`AuditError`. Its message says what was expected, what was
found and how to fix it, so the command line can print it as one line instead of a
traceback. Data problems that do not stop a run (an unusable case-log row, a compliance
flag) are *findings*: data, not exceptions.
"""

from __future__ import annotations

from pathlib import Path


class AuditError(Exception):
    """Base class: a problem the user can fix, described in one readable message."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)


class InvalidIdError(AuditError, ValueError):
    """A landlord id or period id that is not of the permitted form."""


class ConfigError(AuditError):
    """A missing or malformed group registry or landlord configuration."""


class CatalogueError(AuditError):
    """The Code catalogue could not be loaded or a provision is unknown."""


class CaseLogError(AuditError):
    """A case log that cannot be read at all (as opposed to individual unusable rows)."""


class AnswerStoreError(AuditError):
    """A missing, damaged or conflicting assessment answer file."""


class RunError(AuditError):
    """A batch run that could not be started or completed."""


class KernelStartError(RunError):
    """A Jupyter kernel that did not start (retried a few times before a landlord's run fails)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
