"""A finding: where the case data or the evidence questions an answer, as data with a reason code.

A :class:`Finding` names the provision it is about, how serious it is (:class:`Severity`), a
stable :class:`FindingCode` for tests, tools and the auditor's response, a message in plain
words with the figures, and the figures themselves. Findings are never exceptions; they are
computed from the answers, the case statistics and the evidence register whenever they are
shown (:mod:`.assess`), so they follow the answers as they change.

An auditor answers a finding with an explanation (kept in the answers file beside the answer,
with history): the finding stands, and the report shows both together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

#: A figure shown with a finding: a count, a percentage, a word, or ``None`` when not known.
FigureValue = int | float | str | None


class Severity(StrEnum):
    """How strongly the data or the evidence questions the answer, worst first."""

    #: The data contradicts the answer: a "Yes" the figures say is not so.
    CONTRADICTED = "contradicted"
    #: The data gives a reason to look again (below 100% but above the threshold, an answer that
    #: may be out of date, low volumes ...).
    CAUTION = "caution"
    #: The evidence behind the answer would not stand up (vague, boilerplate, no document ...).
    EVIDENCE = "evidence"

    @property
    def rank(self) -> int:
        """0 for the most serious."""
        return list(Severity).index(self)

    @property
    def label(self) -> str:
        return {"contradicted": "Contradicted", "caution": "Caution", "evidence": "Evidence"}[self.value]


class FindingCode(StrEnum):
    """Why a finding was raised: one code per kind, stable across releases."""

    # data against answers
    ON_TIME_BELOW_THRESHOLD = "on-time-below-threshold"
    ON_TIME_BELOW_FULL = "on-time-below-full"
    OPEN_OVERDUE_AT_PERIOD_END = "open-overdue-at-period-end"
    EXTENSION_WITHOUT_GOOD_REASON = "extension-without-good-reason"
    SAME_HANDLER_BOTH_STAGES = "same-handler-both-stages"
    NO_ADJUSTMENTS_RECORDED = "no-adjustments-recorded"
    SINGLE_CHANNEL = "single-channel"
    LOW_COMPLAINT_VOLUME = "low-complaint-volume"
    UPHELD_WITHOUT_REMEDY = "upheld-without-remedy"
    OMBUDSMAN_FAULT_NOT_ADDRESSED = "ombudsman-fault-not-addressed"
    ANSWER_MAY_BE_OUT_OF_DATE = "answer-may-be-out-of-date"
    # evidence quality
    EVIDENCE_VAGUE = "evidence-vague"
    EVIDENCE_BOILERPLATE = "evidence-boilerplate"
    EVIDENCE_WITHOUT_DOCUMENT = "evidence-without-document"
    EVIDENCE_NOT_IN_REGISTER = "evidence-not-in-register"
    EVIDENCE_CHANGED_SINCE_SIGNOFF = "evidence-changed-since-signoff"
    EVIDENCE_FILE_MISSING = "evidence-file-missing"


@dataclass(frozen=True)
class Finding:
    """One finding on one provision (``provision`` is its id, e.g. ``"2024:6.2"``)."""

    provision: str
    severity: Severity
    code: FindingCode
    message: str
    figures: dict[str, FigureValue] = field(default_factory=dict)
    #: The auditor's explanation, when one is recorded (see :class:`~audit_lib.assessment.answers.FindingResponse`).
    response: str | None = None
    #: The response was given to other figures than the finding has now (a new export changed
    #: them): it is shown, but counts as no response until it is read again and saved.
    response_outdated: bool = False

    @property
    def number(self) -> str:
        """The provision's number (``"6.2"``)."""
        return self.provision.split(":", 1)[-1]

    @property
    def unanswered_contradiction(self) -> bool:
        """A contradicted finding with no response, or one given to other figures: blocks approval,
        fails ``chc-audit check``."""
        return self.severity is Severity.CONTRADICTED and (not self.responded or self.response_outdated)

    def with_response(self, response: str | None, answered: Mapping[str, FigureValue] | None = None) -> Finding:
        """This finding with the auditor's ``response``, given when its figures were ``answered``
        (``None`` or empty: not recorded, as in older files; taken as these)."""
        outdated = bool(response) and bool(answered) and dict(answered or {}) != self.figures
        return replace(self, response=response, response_outdated=outdated)

    @property
    def responded(self) -> bool:
        """Whether the auditor's response is recorded."""
        return bool((self.response or "").strip())

    def as_json(self, *, response_text: bool = True) -> dict[str, object]:
        """The finding for ``chc-audit check --json`` (with the response's text) and ``metrics.json``
        (``response_text=False``: only whether there is one, ``responded``: the auditor's words stay
        in the answers file and the report)."""
        data: dict[str, object] = {"provision": self.provision, "number": self.number, "severity": self.severity.value,
                                   "code": self.code.value, "message": self.message, "figures": dict(self.figures),
                                   "responded": self.responded, "response_outdated": self.response_outdated}
        if response_text:
            data["response"] = self.response
        return data


def sort_key(finding: Finding) -> tuple[int, int, str]:
    """Worst first within a provision; provisions in their catalogue order is the caller's business."""
    return (finding.severity.rank, list(FindingCode).index(finding.code), finding.message)
