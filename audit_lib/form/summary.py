"""The residents' summary: one page in plain English saying what the Code asks of us and how we comply.

The page a landlord publishes beside its self-assessment for residents (like the summaries
landlords already publish): for each section of the Code, what the Housing Ombudsman requires
(each provision's plain-English line from the catalogue, ``plain:``, under "We must:" or, for
the 2022 Code's best-practice tier, "We should:") and how we comply, from the answers.

Nothing the landlord typed reaches the page, so nothing internal and no one's name can: the
page is made of the catalogue's plain lines and the answers' statuses. A provision's compliance
is grouped by its answer: "We:" (Yes), "We do not yet fully:" (Partial), "We do not yet:" (No),
each Partial or No with what is being done about it, counted ("We are working on this: 2
actions, the next due by March 2026"); then what does not apply to us, and what is not yet
assessed. Evidence, commentary, the actions' words and owners, sign-off names and "updated by"
are left out (evidence descriptions and action texts are free text: they name documents,
systems, staff and sometimes cases). A 2020 question asking for a figure is printed as
"<plain line>: <figure>"; one asking for a written answer points to the full self-assessment.

The page is self-contained (its styles inline, no scripts, no images) and is stamped with the
product version and the answers' SHA-256 in ``<meta>`` tags, not in the visible text.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from ..assessment.answers import Action, Status
from ..core.io import atomic_write_text
from ..errors import FormError
from ..report.render import html_environment  # the reports' escaping and guard against bidirectional controls
from .filled import FilledForm, FilledRow

#: The page's title (and its heading).
TITLE = "How we meet the Housing Ombudsman's Complaint Handling Code"

#: The line that ends the page.
PUBLISHED_ALONGSIDE = "Our full self-assessment is published alongside this summary."

#: The Housing Ombudsman's website, linked from the introduction.
OMBUDSMAN_WEBSITE = "https://www.housing-ombudsman.org.uk/"

#: How each answer's group of provisions is introduced under "How we comply", in the order
#: the groups are printed; each provision's plain line completes the lead ("We: Accept your
#: complaint ...", "We do not yet: Send you our full stage 1 response ...").
COMPLY_LEADS: tuple[tuple[Status | None, str], ...] = (
    (Status.YES, "We:"),
    (Status.PARTIAL, "We do not yet fully:"),
    (Status.NO, "We do not yet:"),
    (Status.NA, "These parts of the Code do not apply to us:"),
    (None, "Not yet assessed:"),
)
#: The lead of the answers to questions asking for a figure or a written answer.
VALUES_LEAD = "Our figures and answers:"


@dataclass(frozen=True)
class Requirements:
    """One list under "What the Housing Ombudsman requires us to do": a lead and its plain lines."""

    lead: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Compliance:
    """One provision under "How we comply": its plain line and, for a Partial or a No, what is
    being done about it, counted (how many actions are open, when the next is due, how many are
    done): the actions' own words are the landlord's internal notes, never printed."""

    plain: str
    working_on: str = ""
    done: str = ""


@dataclass(frozen=True)
class ComplianceGroup:
    """A lead and its provisions, or (``values``) the answers to questions asking for a figure or
    a written answer, each as (plain line, answer)."""

    lead: str
    items: tuple[Compliance, ...] = ()
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SummarySection:
    title: str
    requirements: tuple[Requirements, ...]
    groups: tuple[ComplianceGroup, ...]


def month_year(day: dt.date) -> str:
    """``March 2026``."""
    return f"{day:%B %Y}"


def long_date(day: dt.date) -> str:
    """``12 June 2024``."""
    return f"{day.day} {day:%B %Y}"


def _plain(row: FilledRow) -> str:
    """The provision's plain line (its number when the catalogue has none, never the Code's
    wording addressed to landlords)."""
    return (row.plain or f"Provision {row.number} of the Code").strip()


def _counted(count: int, what: str) -> str:
    return f"{count} {what}" + ("" if count == 1 else "s")


def _working_on(actions: tuple[Action, ...]) -> str:
    """What is being done about a Partial or a No, in words: "2 actions, the next due by March 2026"."""
    still = [action for action in actions if not action.done]
    if not still:
        return ""
    dues = sorted(action.due for action in still if action.due is not None)
    return _counted(len(still), "action") + (f", the next due by {month_year(dues[0])}" if dues else "")


def _requirements(rows: tuple[FilledRow, ...], *, tiered: bool, questionnaire: bool) -> tuple[Requirements, ...]:
    status_rows = [row for row in rows if not row.asks_for_value]
    lists: list[tuple[str, list[FilledRow]]]
    if tiered:
        lists = [("We must:", [r for r in status_rows if r.tier != "should"]),
                 ("We should:", [r for r in status_rows if r.tier == "should"])]
    else:
        lists = [("We are expected to:" if questionnaire else "We must:", status_rows)]
    lists.append(("We are asked to report:", [row for row in rows if row.asks_for_value]))
    return tuple(Requirements(lead, tuple(_plain(r) for r in chosen)) for lead, chosen in lists if chosen)


def _compliance(row: FilledRow) -> Compliance:
    if row.status in (Status.PARTIAL, Status.NO):
        done = sum(1 for action in row.actions if action.done)
        return Compliance(_plain(row), _working_on(row.actions), _counted(done, "action") if done else "")
    return Compliance(_plain(row))


def summary_sections(form: FilledForm) -> tuple[SummarySection, ...]:
    """The page's sections, in the Code's order: requirements and compliance from ``form``."""
    tiered = any(row.tier is not None for row in form.rows)
    questionnaire = any(row.asks_for_value for row in form.rows)
    sections = []
    for section in form.filled_sections:
        rows = form.rows_in(section.number)
        groups = []
        for status, lead in COMPLY_LEADS:
            if status == Status.NA:  # the answers given as figures or words come before what does not apply
                values = tuple((_plain(r).rstrip(".:"), _public_value(r)) for r in rows
                               if r.asks_for_value and not _unanswered(r))
                if values:
                    groups.append(ComplianceGroup(VALUES_LEAD, values=values))
            if status is None:
                chosen = [r for r in rows if _unanswered(r)]
            else:
                chosen = [r for r in rows if not r.asks_for_value and r.status == status]
            if chosen:
                groups.append(ComplianceGroup(lead, tuple(_compliance(r) for r in chosen)))
        sections.append(SummarySection(section.title, _requirements(rows, tiered=tiered, questionnaire=questionnaire),
                                       tuple(groups)))
    return tuple(sections)


def _public_value(row: FilledRow) -> str:
    """A 2020 question's answer as the page prints it: a figure as given ("78%", "Stage 1"); a
    written answer (the landlord's own words, which may name people) only pointed to."""
    if row.answer == "figure":
        return " ".join((row.value or "").split())
    return "answered in our full self-assessment"


def _unanswered(row: FilledRow) -> bool:
    if row.asks_for_value:
        return not (row.value or "").strip()
    return row.status is None


def as_at(form: FilledForm) -> dt.date:
    """The date the summary speaks for: the governing body's approval, else the day it was made."""
    approved = form.signoff.approved
    return approved.date if approved is not None else form.made


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return html_environment(str(resources.files("audit_lib.form") / "templates"))


def summary_html(form: FilledForm) -> str:
    """The residents' summary of ``form`` as one HTML page."""
    return _environment().get_template("summary.html.j2").render(
        title=TITLE,
        landlord_name=form.landlord_name,
        as_at=long_date(as_at(form)),
        period=form.period,
        code=form.code,
        tiered=any(row.tier is not None for row in form.rows),
        sections=summary_sections(form),
        published_alongside=PUBLISHED_ALONGSIDE,
        ombudsman_website=OMBUDSMAN_WEBSITE,
        generator=f"chc-audit {form.product_version}",
        answers_sha256=form.answers_sha256,
    )


def write_summary(form: FilledForm, path: Path) -> None:
    """Write the residents' summary of ``form`` to ``path`` (atomically; folders made as needed).

    A symbolic link or a folder at ``path`` is refused (:class:`~audit_lib.errors.FormError`):
    the page is written as a file of its own, never through a link to somewhere else.
    """
    path = Path(path)
    if os.path.islink(path):
        raise FormError("expected a path for the residents' summary to be written to, found a symbolic link; "
                        "give the path of the file itself (or a new file)", path=path)
    if path.is_dir():
        raise FormError("expected a file path for the residents' summary, found a folder; give a file name "
                        "such as summary.html", path=path)
    atomic_write_text(path, summary_html(form))


__all__ = [
    "COMPLY_LEADS", "OMBUDSMAN_WEBSITE", "PUBLISHED_ALONGSIDE", "TITLE", "VALUES_LEAD", "Compliance",
    "ComplianceGroup", "Requirements", "SummarySection", "as_at", "long_date", "month_year", "summary_html",
    "summary_sections", "write_summary",
]
