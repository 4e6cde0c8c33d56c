"""The roll-up's rules: the group's pooled figures, each subsidiary's counts, and why it is behind
(including the answers its own figures contradict, from the findings its ``metrics.json`` records).

Pure functions of the loaded :class:`~.members.Member` objects: nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from ..assessment.actions import due_state, state_counts
from ..assessment.answers import Status
from ..assessment.progress import ANSWERED_BY_VALUE, asks_for_value
from ..code.catalogue import Provision
from ..code.versions import versions
from ..stats.definitions import FAULT_FINDINGS, MERITS_FINDINGS
from ..stats.results import per_thousand, percent
from .members import Member


def status_counts(member: Member) -> dict[str, int]:
    """Provisions by status for one member, plus those not assessed."""
    counts = {s.value: 0 for s in Status}
    if any(asks_for_value(p) for p in member.catalogue.provisions):
        counts[ANSWERED_BY_VALUE] = 0
    for provision in member.catalogue.provisions:
        status = member.status_of(provision.id)
        if status in counts:
            counts[status] += 1
    counts["Not assessed"] = len(member.catalogue.provisions) - sum(counts.values())
    return counts


def action_counts(member: Member, as_of: dt.date) -> dict[str, int]:
    """A member's actions by state as at ``as_of``."""
    return state_counts(due_state(due, done, as_of) for due, done in member.action_dates)


def pooled_figures(members: Iterable[Member]) -> dict[str, float | None]:
    """The group's figures: every subsidiary's counts added up, then the ratio taken."""
    with_figures = [m for m in members if m.metrics is not None]

    def total(key: str) -> int:
        """A count added up over the subsidiaries with figures."""
        return sum(int(m.stats.get(key) or 0) for m in with_figures)

    homes = sum(m.entry.homes for m in with_figures)
    outcomes = [m.stats.get("ombudsman_outcomes") or {} for m in with_figures]
    fault = sum(o.get(k, 0) for o in outcomes for k in FAULT_FINDINGS)
    merits = sum(o.get(k, 0) for o in outcomes for k in MERITS_FINDINGS)
    return {
        "homes": homes,
        "stage1_received": total("stage1_received"),
        "stage2_received": total("stage2_received"),
        "tsm_ch01_stage1_per_1000": per_thousand(total("stage1_received"), homes),
        "tsm_ch01_stage2_per_1000": per_thousand(total("stage2_received"), homes),
        "tsm_ch02_stage1_pct": percent(total("stage1_responded_on_time"), total("stage1_responded")),
        "tsm_ch02_stage2_pct": percent(total("stage2_responded_on_time"), total("stage2_responded")),
        "escalation_rate_pct": percent(total("stage2_received"), total("stage1_responded")),
        "maladministration_rate_pct": percent(fault, merits),
    }


def contradiction_reason(member: Member, name_code: bool = False) -> str | None:
    """The answers a subsidiary's own figures contradict with no response recorded, in words
    ("3 answers contradicted by its own figures (6.2, 6.3, 6.13)"); ``None`` when there are none
    or its findings are not known (a ``metrics.json`` from before findings). ``name_code``: the
    group assesses against more than one Code, so the numbers are given with their Code's
    version ("(2022 Code: 5.1)")."""
    counts = member.findings_counts
    if counts is None or not counts["unanswered_contradictions"]:
        return None
    numbers = member.unanswered_contradicted
    if numbers:
        code = f"{member.catalogue.code} Code: " if name_code else ""
        return f"{_plural(len(numbers), 'answer')} contradicted by its own figures ({code}{', '.join(numbers)})"
    return f"{_plural(counts['unanswered_contradictions'], 'contradicted finding')} with no response recorded"


def _plural(n: int, noun: str) -> str:
    """``1 answer``, ``3 answers``."""
    return f"{n} {noun}{'s' if n != 1 else ''}"


def behind(member: Member, pooled: dict[str, float | None], as_of: dt.date, name_code: bool = False) -> list[str]:
    """Why a subsidiary is behind (empty when it is on track), most serious first.

    ``pooled`` is the group's figures (:func:`pooled_figures`), computed once for all members.
    An answer its own figures contradict, with no response recorded, comes before its statuses.
    ``name_code``: the group's subsidiaries assess against more than one Code, so provision
    numbers and counts name the subsidiary's Code.
    """
    reasons = list(member.problems)  # first why its report is not linked, if it is not: failed, interrupted, never run
    contradicted = contradiction_reason(member, name_code)
    if contradicted:
        reasons.append(contradicted)
    if member.statuses is not None:
        counts = status_counts(member)
        if counts["No"]:
            reasons.append(f"{counts['No']} provision(s) answered No")
        if counts["Partial"]:
            reasons.append(f"{counts['Partial']} provision(s) answered Partial")
        if counts["Not assessed"]:
            of = f"the {member.catalogue.code} Code's " if name_code else ""
            reasons.append(f"{counts['Not assessed']} of {of}{len(member.catalogue.provisions)} provisions not yet assessed")
        if member.unconfirmed:
            reasons.append(f"{len(member.unconfirmed)} answer(s) carried forward and not yet confirmed")
        overdue = action_counts(member, as_of)["Overdue"]
        if overdue:
            reasons.append(f"{overdue} action(s) overdue")
        if member.state != "Approved":
            reasons.append(f"not yet approved by the governing body (assessment {str(member.state).lower()})")
    for stage in ("1", "2"):
        own, group = member.stats.get(f"tsm_ch02_stage{stage}_pct"), pooled[f"tsm_ch02_stage{stage}_pct"]
        if own is not None and group is not None and own < group:
            reasons.append(f"CH02 stage {stage} {own:.1f}% is below the group's {group:.1f}%")
    return reasons


def code_order(members: Iterable[Member]) -> list[str]:
    """The Code versions the group's subsidiaries assess against: the one most of them use first,
    then the others (of as many, the newest first; a version the product does not list, e.g. a
    draft added with :func:`~audit_lib.code.catalogue.add_code_folder`, after those it lists)."""
    used = Counter(m.catalogue.code for m in members)
    known = versions()

    def rank(code: str) -> tuple[int, int, str]:
        return -used[code], -known.index(code) if code in known else 1, code

    return sorted(used, key=rank)


def group_provisions(members: Iterable[Member]) -> list[Provision]:
    """Every provision of the Code versions the group uses: version by version (:func:`code_order`),
    each in its Code's order. A provision is keyed by its id, so the same number in two versions
    (2022 5.1 and 2024 5.1) are two provisions."""
    members = list(members)
    order = {code: i for i, code in enumerate(code_order(members))}
    seen: dict[str, Provision] = {}
    for member in members:
        for provision in member.catalogue.provisions:
            seen.setdefault(provision.id, provision)
    return sorted(seen.values(), key=lambda p: (order[p.code], p.sort_key))
