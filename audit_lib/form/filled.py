"""A landlord's answers for a period laid out as the Ombudsman's form: what every export writes.

:func:`filled_form` joins the Code's catalogue (sections, provision numbers, wording, tiers) with
the answers file (status or value, evidence, commentary, actions, sign-off) once, so the Word,
Excel, CSV and residents' summary writers only lay it out. Nothing here holds case data: the
answers are the landlord's own words, and the exports carry nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import __version__
from ..assessment.answers import Action, Assessment, Evidence, SignOffs, Status
from ..code.catalogue import Catalogue, Section

#: How each status reads in the form's "Comply" column.
STATUS_WORDS = {Status.YES: "Yes", Status.PARTIAL: "Partial", Status.NO: "No", Status.NA: "N/A"}


@dataclass(frozen=True)
class FilledRow:
    """One provision with its answer. ``comply`` is what the form's Comply column shows: the
    status word, the value for a question asking for a figure or a written answer, or ``""``
    when not answered."""

    provision_id: str
    number: str
    section: int
    subsection: str | None
    tier: str | None
    requirement: str
    plain: str | None
    asks_for_value: bool
    #: What the provision asks for: ``status``, ``figure`` or ``text`` (a written answer).
    answer: str
    status: Status | None
    value: str | None
    evidence: tuple[Evidence, ...]
    commentary: str
    actions: tuple[Action, ...]

    @property
    def comply(self) -> str:
        if self.asks_for_value:
            return self.value or ""
        return STATUS_WORDS[self.status] if self.status is not None else ""


@dataclass(frozen=True)
class FilledForm:
    """The form for one landlord and period, ready to write."""

    landlord: str  # the landlord's id
    landlord_name: str
    period: str
    code: str
    code_title: str
    sections: tuple[Section, ...]
    rows: tuple[FilledRow, ...]
    signoff: SignOffs
    #: SHA-256 of the answers file the form was made from (``None`` when there is no file yet).
    answers_sha256: str | None
    product_version: str
    made: dt.date

    def rows_in(self, section: int) -> tuple[FilledRow, ...]:
        return tuple(row for row in self.rows if row.section == section)

    @property
    def filled_sections(self) -> tuple[Section, ...]:
        """The sections that have provisions (every section of the Code, in order)."""
        return tuple(s for s in self.sections if self.rows_in(s.number))


def filled_form(catalogue: Catalogue, assessment: Assessment, *, landlord_name: str,
                answers_sha256: str | None = None, made: dt.date | None = None) -> FilledForm:
    """``assessment`` laid out on ``catalogue``'s form, every provision in order (unanswered ones
    blank), stamped with ``answers_sha256``: the SHA-256 of the answers file it was read from."""
    rows = []
    for provision in sorted(catalogue.provisions, key=lambda p: p.sort_key):
        answer = assessment.answers.get(provision.id)
        rows.append(FilledRow(
            provision_id=provision.id,
            number=provision.number,
            section=provision.section,
            subsection=provision.subsection,
            tier=provision.tier,
            requirement=provision.text,
            plain=provision.plain,
            asks_for_value=provision.asks_for_value,
            answer=provision.answer,
            status=answer.status if answer else None,
            value=answer.value if answer else None,
            evidence=tuple(answer.evidence) if answer else (),
            commentary=answer.commentary if answer else "",
            actions=tuple(answer.actions) if answer else (),
        ))
    return FilledForm(
        landlord=assessment.landlord,
        landlord_name=landlord_name,
        period=assessment.period,
        code=catalogue.code,
        code_title=catalogue.title,
        sections=catalogue.sections,
        rows=tuple(rows),
        signoff=assessment.signoff,
        answers_sha256=answers_sha256,
        product_version=__version__,
        made=made or dt.date.today(),
    )


__all__ = ["STATUS_WORDS", "FilledForm", "FilledRow", "filled_form"]
