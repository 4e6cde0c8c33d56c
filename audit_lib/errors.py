"""The one exception hierarchy of the product.

Every error a user can cause (a bad id, a malformed configuration, an unreadable case log or
answer file, a sign-off out of order, a command used wrongly) is an :class:`AuditError`. Its
message says what was expected, what was found and how to fix it, so the command line and
the notebooks print it as one line instead of a traceback. Messages never quote a resident's
data. Data problems that do not stop a run (an unusable case-log field, a review flag on an
answer) are *findings*: data with reason codes, not exceptions.

::

    AuditError
    ├── UsageError          a command or call given the wrong arguments (e.g. --cases without --homes)
    ├── InvalidIdError      a landlord or period id not of the permitted form (also a ValueError)
    ├── CalendarError       a date outside the years the working-day calendar covers (also a ValueError)
    ├── ConfigError         a missing or malformed registry or landlord configuration
    ├── CatalogueError      an unknown Code version or provision; a malformed Code data file
    ├── CaseLogError        a case log that cannot be read at all
    ├── AnswerStoreError    a missing, damaged or read-only answer file; an invalid answer
    ├── EvidenceRegisterError  a damaged evidence register; a bad document id, link or file
    ├── AnnualRecordsError  a damaged annual records file; a bad improvement, Ombudsman record or reference
    ├── FormError       a self-assessment file that cannot be imported; an export that cannot be written
    ├── SignOffError        a sign-off, reopening or carry forward the rules do not allow
    │   ├── SignOffReplaceError  a sign-off that would replace a signature without confirmation
    │   ├── SignOffChangedError  a sign-off or reopening against signatures another editor has since changed
    │   ├── ApprovalIncompleteError  an approval of an incomplete assessment without a reason to override
    │   └── FindingsUnansweredError  an approval while contradicted findings have no response (no override)
    └── RunError            a batch run that could not be started or completed
        └── KernelStartError   a Jupyter kernel that did not start (retried before a landlord fails)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class AuditError(Exception):
    """Base class: a problem the user can fix, described in one readable message."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)


class UsageError(AuditError):
    """A command or a call given arguments that do not fit together."""


class InvalidIdError(AuditError, ValueError):
    """A landlord id or period id that is not of the permitted form."""


class CalendarError(AuditError, ValueError):
    """A date outside the years the working-day calendar (England's bank holidays) covers."""


class ConfigError(AuditError):
    """A missing or malformed group registry or landlord configuration."""


class CatalogueError(AuditError):
    """The Code catalogue could not be loaded or a provision is unknown."""


class CaseLogError(AuditError):
    """A case log that cannot be read at all (as opposed to individual unusable fields)."""


class AnswerStoreError(AuditError):
    """A missing, damaged or read-only answer file, or an answer that is not valid."""


class EvidenceRegisterError(AuditError):
    """A damaged evidence register (``inputs/<landlord>/evidence/register.yaml``), or a document,
    link or file the register refuses (a bad id, a link that is not http(s), a file outside the
    evidence folder, a symbolic link, a file too large)."""


class AnnualRecordsError(AuditError):
    """A damaged annual records file (``inputs/<landlord>/annual/<period>.yaml``: the learning log,
    the Ombudsman's findings and publications, the governing body's response, the MRC), or an
    entry the records refuse (a bad id, a case reference that is not one, a link that is not
    http(s), an id already taken), or a file that is a symbolic link."""


class FormError(AuditError):
    """A self-assessment file (Word, Excel, CSV, a published page) that cannot be imported as a
    whole (unreadable, no table of the Ombudsman's form in it, another version of the Code than the
    one asked for), or an export that cannot be written. Rows that are not understood are not
    errors: the import lists them."""


class SignOffError(AuditError):
    """A sign-off, reopening or carry forward that the assessment's state does not allow."""


class SignOffReplaceError(SignOffError):
    """A sign-off that would replace someone's signature, not confirmed by the signer.

    ``current`` is the signature in place (an :class:`~audit_lib.assessment.answers.SignOff`);
    passing it back as the store's ``replacing`` confirms that this is the one replaced.
    """

    def __init__(self, message: str, *, role: str, current: Any, path: Path | str | None = None) -> None:
        super().__init__(message, path=path)
        self.role = role
        self.current = current


class SignOffChangedError(SignOffError):
    """A sign-off or reopening given while the signatures on disk differ from those the signer saw
    (another editor signed or reopened meanwhile): nothing is saved; the signer looks again."""


class ApprovalIncompleteError(SignOffError):
    """An approval of an assessment that is not complete (provisions unassessed, blocking flags),
    given without a reason to approve it anyway."""


class FindingsUnansweredError(SignOffError):
    """An approval of an assessment the case data contradicts, where a contradicted finding has no
    response from the auditor. An override reason does not stand in for a response: each finding
    is answered first. ``findings`` are the unanswered findings
    (:class:`~audit_lib.findings.model.Finding`)."""

    def __init__(self, message: str, *, findings: Sequence[Any] = (), path: Path | str | None = None) -> None:
        super().__init__(message, path=path)
        self.findings = list(findings)


class RunError(AuditError):
    """A batch run that could not be started or completed."""


class KernelStartError(RunError):
    """A Jupyter kernel that did not start (retried a few times before a landlord's run fails)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
