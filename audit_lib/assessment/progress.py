"""How far an assessment has got: answered provisions, counts by status and by figure or written
answer, and how many answers carried forward from last year are not yet confirmed.

**Answered** means one thing everywhere (this progress, the review flags of
:mod:`.checks` and the gaps that stand in the way of approval in :mod:`.signoff`), as
:func:`is_answered` says: a provision asking for a compliance status is answered by a status; a
question asking for a figure or a written answer (the 2020 Code's "What proportion of complaints
are resolved at stage 1?") by its ``value``, or by the status N/A.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..code.catalogue import Provision
from .answers import Answer, Assessment, Status

#: How :attr:`Progress.counts` names the questions answered by a figure or a written answer.
ANSWERED_BY_VALUE = "Figure or text"


def asks_for_value(provision: Provision) -> bool:
    """Whether ``provision`` asks for a figure or a written answer rather than a status."""
    return provision.asks_for_value


def is_answered(provision: Provision, answer: Answer) -> bool:
    """Whether ``answer`` answers ``provision``: a status for a provision asking for one; a
    ``value`` (or N/A) for a question asking for a figure or a written answer, where any other
    status leaves it unanswered (:mod:`.checks` flags it)."""
    if asks_for_value(provision):
        return answer.status is Status.NA or bool(answer.value)
    return answer.status is not None


def answered_as(provision: Provision, answer: Answer) -> str | None:
    """How ``answer`` answers ``provision`` in one word for tables of answers: its status's value,
    :data:`ANSWERED_BY_VALUE` for a question answered by a figure or written answer, ``None`` when
    not answered (as :func:`is_answered` decides)."""
    if not is_answered(provision, answer):
        return None
    if asks_for_value(provision) and answer.status is not Status.NA:
        return ANSWERED_BY_VALUE
    return answer.status.value if answer.status is not None else None


@dataclass(frozen=True)
class Progress:
    """``answered`` = the statuses counted in ``by_status`` + ``values``."""

    answered: int
    total: int
    by_status: dict[str, int]  # "Yes", "Partial", "No", "N/A" in that order
    unconfirmed: int = 0  # answers carried forward and not yet confirmed or changed
    #: Questions asking for a figure or a written answer answered by one (not counted in ``by_status``).
    values: int = 0
    #: How many of the provisions counted ask for a figure or a written answer (2020 Code questions).
    questions: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """``by_status``, then the answers given as a figure or written answer
        (:data:`ANSWERED_BY_VALUE`) where any provision counted asks for one: what a table of
        answers by kind shows, adding up to ``answered``."""
        if not self.questions:
            return dict(self.by_status)
        return {**self.by_status, ANSWERED_BY_VALUE: self.values}


def progress(assessment: Assessment, provisions: Iterable[Provision]) -> Progress:
    """Progress over ``provisions`` (a section's, or the whole catalogue's).

    A provision is counted as answered by :func:`is_answered`: under its status in ``by_status``,
    or in ``values`` when a figure or a written answer answers it. A status on a question that asks
    for a figure (other than N/A) is not counted: the question is not answered until it has a value.
    """
    counts = {s.value: 0 for s in Status}
    total = unconfirmed = values = questions = 0
    for provision in provisions:
        total += 1
        questions += asks_for_value(provision)
        answer = assessment.answers.get(provision.id)
        if answer is None:
            continue
        if not answer.confirmed:
            unconfirmed += 1
        if not is_answered(provision, answer):
            continue
        if answer.status is not None and (answer.status is Status.NA or not asks_for_value(provision)):
            counts[answer.status.value] += 1
        else:
            values += 1
    return Progress(answered=sum(counts.values()) + values, total=total, by_status=counts, unconfirmed=unconfirmed,
                    values=values, questions=questions)
