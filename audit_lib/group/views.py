"""The group summary's HTML parts: each function takes the loaded members and the rules' results.

Nothing here reads a file; :class:`~.summary.GroupSummary` loads the members once and passes
them in with the group's pooled figures and each member's reasons for being behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..batch.runrecord import INTERRUPTED
from ..code.catalogue import Provision
from ..core.periods import Period
from ..report.render import BADGE_CLASS, HTMLFragment, render
from .members import FailedMember, Member, run_failure
from .movement import SubsidiaryMovement
from .rules import code_order, status_counts

#: The status as it fits a cell of the matrix.
SHORT_STATUS = {"Yes": "Yes", "Partial": "Part", "No": "No", "N/A": "N/A", "Figure or text": "Fig"}


def code_groups(members: Sequence[Member]) -> list[tuple[str, list[str]]]:
    """Each Code version the subsidiaries assess against (:func:`~.rules.code_order`), with the
    names of those that do."""
    return [(code, [m.entry.name for m in members if m.catalogue.code == code]) for code in code_order(members)]


def cover(group: str, period: Period, members: Sequence[Member], as_of: dt.date,
          failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """Title block: group, period, subsidiaries, reports produced and assessments approved; the
    Code version, or each version with the subsidiaries assessed against it when they differ."""
    return HTMLFragment(render(
        "group_cover",
        group=group,
        period=period,
        members=len(members) + len(failed),
        failed=failed,
        reports=sum(1 for m in members if m.report),
        approved=sum(1 for m in members if m.state == "Approved"),
        codes=code_groups(members),
        as_of=as_of,
    ))


def _not_summarised(member: FailedMember) -> list[str]:
    """A subsidiary that could not be loaded: its latest run's failure or interruption, if any, and the reason."""
    failure = run_failure(member.run)
    return [*([failure] if failure else []), f"could not be summarised: {member.reason}"]


def behind_table(reasons: Sequence[tuple[Member, list[str]]], as_of: dt.date,
                 failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """Which subsidiaries are behind and why (``reasons``: each member with its reasons); the most first.

    Beside each, its contradicted findings (and how many have no response) and its cautions, as its
    ``metrics.json`` records them, or "not known" when it records none (an earlier release's).
    Subsidiaries that could not be loaded come first, with their reasons.
    """
    rows = [(f, _not_summarised(f)) for f in failed] + sorted(reasons, key=lambda row: -len(row[1]))
    findings = {m.entry.id: m.findings_counts for m, _ in reasons}  # None: not known (never zero)
    return HTMLFragment(render("group_behind", rows=rows, findings=findings, as_of=as_of))


def key_figures(members: Sequence[Member], pooled: Mapping[str, float | None], period: Period,
                failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """CH01, CH02, escalation and maladministration rates side by side, with the group's (and, when
    the subsidiaries assess against different Codes, which Code's timescales count each one's figures)."""
    codes = code_groups(members)
    return HTMLFragment(render("group_figures", members=members, group=pooled, period=period, failed=failed,
                               codes=codes if len(codes) > 1 else []))


#: Subsidiaries in one table of the matrix: a group with more gets one table per this many, one
#: under the other, so a table stays as wide as a page (a table 500 subsidiaries wide took a
#: browser minutes to lay out for printing, and no page could show it).
MATRIX_COLUMNS = 24


def status_matrix(members: Sequence[Member], provisions: Sequence[Provision],
                  failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """Provisions by subsidiaries, each cell coloured by the answer's status.

    When the subsidiaries assess against different Codes, the rows are grouped by Code version
    (headed by the version and the subsidiaries assessed against it), each version's provisions
    by section; a subsidiary's cells for another version's provisions are left blank. More than
    :data:`MATRIX_COLUMNS` subsidiaries are shown in several tables of that many, each saying
    which subsidiaries it holds.
    """
    names = dict(code_groups(members))
    blocks: list[tuple[str, list[str], list[tuple[str, list[Provision]]]]] = []
    for provision in provisions:
        if not blocks or blocks[-1][0] != provision.code:
            blocks.append((provision.code, names.get(provision.code, []), []))
        sections = blocks[-1][2]
        catalogue = next(m.catalogue for m in members if m.catalogue.code == provision.code)
        title = f"{provision.section} {catalogue.section(provision.section).title}"
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append(provision)
    cells = {
        (m.entry.id, p.id): m.status_of(p.id) if p.code == m.catalogue.code else "n/a"
        for m in members for p in provisions
    }
    return HTMLFragment(render(
        "group_matrix", members=members, blocks=blocks, mixed=len(blocks) > 1, cells=cells,
        parts=[members[at:at + MATRIX_COLUMNS] for at in range(0, len(members), MATRIX_COLUMNS)] or [members],
        part_size=MATRIX_COLUMNS,
        counts={m.entry.id: status_counts(m) for m in members}, badge=BADGE_CLASS, short=SHORT_STATUS,
        failed=failed,
    ))


def movement_table(movements: Sequence[tuple[Member, SubsidiaryMovement]], period: Period,
                   failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """Each subsidiary's movement since last year: the Code of each year, its compliant (Yes)
    provisions last year and this (count and share), and its provisions improved, worsened,
    unchanged, new and not compared; or why there is nothing to compare."""
    return HTMLFragment(render("group_movement", rows=movements, period=period, failed=failed))


def reports(members: Sequence[Member], failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """Each subsidiary's report and figures, with its last run and the figures' SHA-256."""
    rows = [
        {"member": m, "run": m.run or {}, "outcome": last_run(m.run), "state": m.state or "unreadable",
         "metrics_sha": m.metrics_sha256}
        for m in members
    ]
    failed_rows = [{"member": f, "outcome": last_run(f.run), "failure": run_failure(f.run)} for f in failed]
    return HTMLFragment(render("group_reports", rows=rows, failed=failed_rows))


def last_run(run: Mapping[str, object] | None) -> str:
    """How a subsidiary's latest run ended, in a word or two: ok, failed, interrupted, not finished or not run."""
    if not isinstance(run, Mapping) or not run:
        return "not run"
    if run.get("status") == "failed" and run.get("error") == INTERRUPTED:
        return "interrupted"
    if run.get("status") == "running":
        return "not finished"
    return str(run.get("status") or "unknown")


#: Gaps listed per subsidiary in the annual reports part (the rest are counted), and their longest message.
SHOWN_GAPS = 5
GAP_CHARS = 160


def _brief(text: str) -> str:
    """A gap's message on one line, cut short with an ellipsis past :data:`GAP_CHARS` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= GAP_CHARS else flat[: GAP_CHARS - 1] + "…"


def annual_reports(members: Sequence[Member], failed: Sequence[FailedMember] = ()) -> HTMLFragment:
    """Each subsidiary's annual report (linked, with its PDF, when its complete set holds it, else
    "not produced", and how to produce it), whether it is complete and how many gaps it has, the
    first few with their messages, or why its records file cannot be read (from its
    ``metrics.json``; "not known" when that does not say).

    Complete or Incomplete is shown only beside an annual report the set holds: the figures
    record what the landlord's records would give, whether or not the report was produced.
    """
    rows = []
    for m in members:
        status = m.annual_status
        gaps = status.gaps if status is not None else ()
        why = "run with --report annual" if not m.annual_report and m.current and m.report else None
        unknown = ("not recorded in its figures (a run before annual reports)" if m.metrics is not None
                   else "no current figures (see Reports)")
        rows.append({"member": m, "status": status, "why": why, "unknown": unknown,
                     "problem": _brief(status.problem) if status is not None and status.problem else None,
                     "shown": [(label, _brief(message)) for label, message in gaps[:SHOWN_GAPS]],
                     "more": max(0, len(gaps) - SHOWN_GAPS)})
    return HTMLFragment(render("group_annual", rows=rows, failed=[{"member": f} for f in failed]))
