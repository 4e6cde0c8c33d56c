"""The annual report's qualitative analysis, written from the case data as plain sentences.

:func:`suggested_themes` writes, from an :class:`~audit_lib.annual.analysis.AnnualAnalysis`, the
sentences an auditor starts from and may edit or replace with the landlord's own text: how many
complaints came in, which categories of dissatisfaction grew or fell most against the previous
period (only where the case log covers both periods in full), which were upheld most (only
categories with at least :data:`UPHELD_MIN_RESPONSES` stage 1 responses), timeliness against the
previous period, the main reasons complaints were not accepted, and the stage 2 escalation rate.

Each sentence holds only figures, period ids, Code versions and the case log's categories and
reasons as loaded (listed words, or words seen often enough: anything rarer is "Other", which,
like "Not recorded", is never named as a theme). The order is fixed, so the same figures always
give the same text.
"""

from __future__ import annotations

from decimal import Decimal

from .analysis import AnnualAnalysis, CategoryRow

__all__ = ["THEME_CATEGORIES", "UPHELD_MIN_RESPONSES", "suggested_themes"]

#: A category's share upheld is named only with at least this many stage 1 responses in the period:
#: fewer are too few to say it is upheld more often than another.
UPHELD_MIN_RESPONSES = 5
#: At most this many categories are named in one sentence.
THEME_CATEGORIES = 3


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def _listed(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _points(now: float, before: float) -> str:
    """The change between two percentages in words ("up 15.0 percentage points")."""
    difference = Decimal(str(now)) - Decimal(str(before))
    if not difference:
        return "unchanged"
    return f"{'up' if difference > 0 else 'down'} {abs(difference):.1f} percentage points"


def _change(now: int, before: int) -> str:
    return "unchanged" if now == before else f"{'up' if now > before else 'down'} {abs(now - before):,}"


def _volume(a: AnnualAnalysis) -> str:
    received = (f"{_plural(a.stage1.received, 'stage 1 complaint')} {'was' if a.stage1.received == 1 else 'were'} "
                f"received in {a.period}")
    if a.ch01_stage1_per_1000 is not None:
        received += f" ({a.ch01_stage1_per_1000:.1f} per 1,000 homes, TSM CH01)"
    if a.compared and a.previous is not None:
        before = a.previous.stage1_received
        received += f", against {before:,} in {a.previous_period} ({_change(a.stage1.received, before)})"
    return received + "."


def _themes(a: AnnualAnalysis) -> list[CategoryRow]:
    return [row for row in a.categories if not row.is_grouping]


def _movement(a: AnnualAnalysis) -> list[str]:
    """Which categories grew and fell most, where both periods are covered in full."""
    if a.previous is None:
        return [f"{a.not_compared_because}, so the categories of dissatisfaction are not compared with it."]
    if not a.compared:
        return [f"{a.not_compared_because}, so the categories of dissatisfaction are not compared between "
                f"{a.previous_period} and {a.period}."]
    rows = [row for row in _themes(a) if row.change]
    grew = sorted((r for r in rows if (r.change or 0) > 0), key=lambda r: (-(r.change or 0), -r.received, r.category))
    fell = sorted((r for r in rows if (r.change or 0) < 0), key=lambda r: ((r.change or 0), -r.received, r.category))
    if not grew and not fell:
        return [f"No category of dissatisfaction changed in number between {a.previous_period} and {a.period}."]

    def each(row: CategoryRow) -> str:
        return f"{row.category} (from {row.previous:,} to {row.received:,}, {_change(row.received, row.previous or 0)})"

    out = []
    if grew:
        out.append(f"Compared with {a.previous_period}, the categories of stage 1 complaints that grew most were "
                   f"{_listed([each(r) for r in grew[:THEME_CATEGORIES]])}." if len(grew) > 1 else
                   f"Compared with {a.previous_period}, the category of stage 1 complaints that grew most was "
                   f"{each(grew[0])}.")
    if fell:
        out.append(f"The categories that fell most were {_listed([each(r) for r in fell[:THEME_CATEGORIES]])}."
                   if len(fell) > 1 else f"The category that fell most was {each(fell[0])}.")
    return out


def _upheld(a: AnnualAnalysis) -> str:
    """Which categories' stage 1 responses were upheld most, among those with enough responses."""
    enough = [r for r in _themes(a) if r.responded >= UPHELD_MIN_RESPONSES]
    if not enough:
        return (f"No category of dissatisfaction had {UPHELD_MIN_RESPONSES} or more stage 1 responses in {a.period}, "
                "too few to say which was upheld most.")
    ranked = sorted(enough, key=lambda r: (-(r.upheld_pct or 0.0), -r.upheld, r.category))[:THEME_CATEGORIES]
    parts = [f"{r.category} ({r.upheld_pct:.1f}%, {r.upheld:,} of {r.responded:,})" for r in ranked]
    if len(ranked) == 1:
        r = ranked[0]
        return (f"Only {r.category} had {UPHELD_MIN_RESPONSES} or more stage 1 responses in {a.period}: "
                f"{r.upheld_pct:.1f}% of them were upheld or partly upheld ({r.upheld:,} of {r.responded:,}).")
    return (f"Of the categories with {UPHELD_MIN_RESPONSES} or more stage 1 responses in {a.period}, the highest "
            f"shares upheld or partly upheld were {_listed(parts)}.")


def _timeliness(a: AnnualAnalysis) -> list[str]:
    """CH02 at each stage, set against the previous period where the case log covers both."""
    out = []
    for n, now in ((1, a.stage1), (2, a.stage2)):
        if not now.responded:
            out.append(f"No stage {n} response was issued in {a.period}.")
            continue
        pct = now.tsm_ch02_pct
        sentence = (f"TSM CH02: {pct:.1f}% of the stage {n} responses issued in {a.period} were within the Code's "
                    f"timescales ({now.responded_on_time:,} of {now.responded:,})")
        before = a.previous
        if a.compared and before is not None:
            then = before.ch02_stage1_pct if n == 1 else before.ch02_stage2_pct
            on_time, responded = ((before.stage1_responded_on_time, before.stage1_responded) if n == 1
                                  else (before.stage2_responded_on_time, before.stage2_responded))
            if then is not None and pct is not None:
                under = f", measured under the {before.code} Code" if before.code != a.code else ""
                sentence += (f", against {then:.1f}% in {a.previous_period} ({on_time:,} of {responded:,}{under}): "
                             f"{_points(pct, then)}")
        out.append(sentence + ".")
    return out


def _refusals(a: AnnualAnalysis) -> str:
    if not a.refused:
        return f"No complaint was refused (not accepted) in {a.period}."
    reasons = list(a.refused_by_reason.items())[:THEME_CATEGORIES]
    head = f"{_plural(a.refused, 'complaint')} {'was' if a.refused == 1 else 'were'} refused (not accepted) in {a.period}"
    if not reasons:
        return head + "; the case log records no reason."
    parts = [f"{reason} ({count:,})" for reason, count in reasons]
    return head + f"; the main reason{'s were' if len(parts) > 1 else ' was'} {_listed(parts)}."


def _escalation(a: AnnualAnalysis) -> str:
    escalated = (f"{_plural(a.stage2.received, 'complaint')} {'was' if a.stage2.received == 1 else 'were'} "
                 f"escalated to stage 2 in {a.period}")
    if a.escalation_rate_pct is None:
        if not a.stage2.received:
            return f"No complaint was escalated to stage 2 in {a.period}, and no stage 1 response was issued in it."
        return escalated + "; no stage 1 response was issued in the period to set them against."
    sentence = (f"{escalated}: {a.escalation_rate_pct:.1f}% of the {_plural(a.stage1.responded, 'stage 1 response')} "
                "issued in the period")
    before = a.previous
    if a.compared and before is not None and before.escalation_rate_pct is not None:
        sentence += (f", against {before.escalation_rate_pct:.1f}% in {a.previous_period} "
                     f"({_points(a.escalation_rate_pct, before.escalation_rate_pct)})")
    return sentence + "."


def suggested_themes(analysis: AnnualAnalysis) -> list[str]:
    """The qualitative analysis written from the case data, one sentence (or two) per theme, in a
    fixed order: volume, categories that grew or fell, categories upheld most, timeliness at each
    stage, refusals, escalation. The landlord may edit or replace them."""
    a = analysis
    return [_volume(a), *_movement(a), _upheld(a), *_timeliness(a), _refusals(a), _escalation(a)]
