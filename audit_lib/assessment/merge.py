"""Two editors' changes to one list field (evidence, actions, responses to findings), merged item by item.

A list field is merged three ways: from what this editor last saw (``base``), what this editor
wants now (``mine``) and what is on disk (``theirs``, another editor's saved change). Items
have no identity but their content, so each side's edits are found against ``base`` as a
longest common subsequence: the base items it kept, and runs of base items replaced by others
(paired by name, an evidence item's description or an action's text, else in order where as
many are on each side: an item edited in place). Then, base item by base item:

- an item changed or removed by one side only takes that side's change; the same change by
  both is taken once;
- an item changed by both sides to different things, or changed by one and removed by the
  other, is a **conflict**: :class:`ItemConflict` gives both versions in words;
- an item added by either side is kept (theirs first where both added at the same place; an
  item both added, once).

A response to a finding is named by its finding's code, and a provision holds one response per
code: two editors responding to different findings both land, while both responding to the same
finding differently (:func:`same_code_conflicts`), like both changing one response, is a conflict.

A merge without conflicts must hold exactly, as a multiset, ``base`` less what either side
removed plus what either side added (:func:`expected_items`); where it does not (repeated
items, or items removed and added again, so that the two sides' edits cannot be told apart),
the whole lists are returned as a conflict: an item is never silently lost or brought back.
Where an edit can be explained in more than one shortest way (an item moved), each way is
tried before a conflict is declared.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

Item = dict[str, Any]


@dataclass(frozen=True)
class ItemConflict:
    """One place in a list where both editors changed the same item(s), each side in words."""

    base: str  # the item(s) as this editor last saw them
    yours: str  # this editor's version ("removed" when removed)
    theirs: str  # the other editor's version ("removed" when removed)


def item_key(item: Mapping[str, Any]) -> str:
    """An item as one string: equal for equal items (how items are told apart, by content)."""
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def item_name(item: Mapping[str, Any]) -> str:
    """What an item is called: an evidence item's description, an action's text, a response's finding code."""
    if "code" in item:
        return str(item.get("code") or "")
    return str(item.get("text" if "text" in item else "description") or "")


def same_code_conflicts(base: Sequence[Item], mine: Sequence[Item], theirs: Sequence[Item],
                        merged: Sequence[Item], describe: Callable[[Item], str] | None = None) -> list[ItemConflict]:
    """Responses to findings: a conflict for each finding code the ``merged`` list answers more
    than once (both editors responded to the same finding, differently), each side in words."""
    words = describe or describe_item
    codes = [item_name(item) for item in merged]
    conflicts = []
    for code in sorted({c for c in codes if codes.count(c) > 1}, key=codes.index):
        def side(items: Sequence[Item], code: str = code) -> str:
            return "; ".join(words(i) for i in items if item_name(i) == code) or "none"
        conflicts.append(ItemConflict(base=side(base), yours=side(mine), theirs=side(theirs)))
    return conflicts


def expected_items(base: Sequence[Item], mine: Sequence[Item], theirs: Sequence[Item]) -> Counter[str]:
    """The items a merge without conflicts must hold, as a multiset of :func:`item_key`: ``base``
    less what either side removed, plus what either side added (an item both sides removed, or
    both added, counts once)."""
    b, m, t = (Counter(item_key(i) for i in items) for items in (base, mine, theirs))
    return b - ((b - m) | (b - t)) + ((m - b) | (t - b))


def already_in(base: Sequence[Item], mine: Sequence[Item], theirs: Sequence[Item]) -> bool:
    """Whether ``theirs`` already holds this editor's change from ``base`` to ``mine``: every item
    ``mine`` added is added there too, and every item it removed is removed there too (as
    multisets). A change that only reorders items is never already in another list."""
    b, m, t = (Counter(item_key(i) for i in items) for items in (base, mine, theirs))
    added, removed = m - b, b - m
    return bool(added or removed) and added <= t - b and removed <= b - t


def list_conflict(base: Sequence[Item], mine: Sequence[Item], theirs: Sequence[Item],
                  describe: Callable[[Item], str] | None = None) -> ItemConflict:
    """The whole lists as a conflict, for a merge whose items cannot be told apart."""
    words = describe or describe_item

    def listed(items: Sequence[Item]) -> str:
        return "; ".join(words(item) for item in items) if items else "none"
    return ItemConflict(base=listed(base), yours=listed(mine), theirs=listed(theirs))


_REMOVED = ""  # the fate of a base item a side removed (an item's key is never empty)


@dataclass
class _Side:
    """One side's edits of the base: what became of each base item it changed (its new key, or
    :data:`_REMOVED`), and the items it added, by the base position they go before."""

    fates: dict[int, str] = dataclass_field(default_factory=dict)
    added: dict[int, list[str]] = dataclass_field(default_factory=dict)


def _runs(base: Sequence[str], other: Sequence[str], removed_first: bool) -> list[tuple[int, int, int, int]]:
    """Where ``other`` differs from ``base``: runs ``(i1, i2, j1, j2)``, ``base[i1:i2]`` replaced by
    ``other[j1:j2]``, between the items of a longest common subsequence. Where several are
    longest (items moved), ``removed_first`` takes an item as removed before one as added (an
    item removed and added again at the end is that), else the other way round (the items
    after it were moved before it)."""
    n, m = len(base), len(other)
    common = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            common[i][j] = (common[i + 1][j + 1] + 1 if base[i] == other[j]
                            else max(common[i + 1][j], common[i][j + 1]))
    runs: list[tuple[int, int, int, int]] = []
    i = j = i0 = j0 = 0
    while i < n or j < m:
        if i < n and j < m and base[i] == other[j]:
            if (i, j) != (i0, j0):
                runs.append((i0, i, j0, j))
            i, j = i + 1, j + 1
            i0, j0 = i, j
        elif i < n and (j == m or common[i + 1][j] > common[i][j + 1]
                        or (removed_first and common[i + 1][j] == common[i][j + 1])):
            i += 1
        else:
            j += 1
    if (i, j) != (i0, j0):
        runs.append((i0, i, j0, j))
    return runs


def _pairs(old: Sequence[Item], new: Sequence[Item]) -> list[tuple[int, int]]:
    """Which of ``new`` is which of ``old`` changed (offsets, in order): the same name first; then,
    between those, the rest in order where as many are left on each side (edited in place)."""
    pairs: list[tuple[int, int]] = []
    j = 0
    for i, item in enumerate(old):
        for k in range(j, len(new)):
            if item_name(new[k]) == item_name(item):
                pairs.append((i, k))
                j = k + 1
                break
    out: list[tuple[int, int]] = []
    last = (-1, -1)
    for pair in [*pairs, (len(old), len(new))]:
        gap_old, gap_new = range(last[0] + 1, pair[0]), range(last[1] + 1, pair[1])
        if len(gap_old) == len(gap_new):
            out += zip(gap_old, gap_new, strict=True)
        out.append(pair)
        last = pair
    return out[:-1]


def _side(base: Sequence[Item], keys: Sequence[str], other: Sequence[Item], other_keys: Sequence[str],
          removed_first: bool) -> _Side:
    side = _Side()
    for i1, i2, j1, j2 in _runs(keys, other_keys, removed_first):
        pairs = {j1 + j: i1 + i for i, j in _pairs(base[i1:i2], other[j1:j2])}
        for i in range(i1, i2):
            side.fates[i] = _REMOVED
        waiting: list[str] = []
        for j in range(j1, j2):
            if j in pairs:
                side.fates[pairs[j]] = other_keys[j]
                side.added.setdefault(pairs[j], []).extend(waiting)
                waiting = []
            else:
                waiting.append(other_keys[j])
        side.added.setdefault(i2, []).extend(waiting)
    return side


def merge_items(base: Sequence[Item], mine: Sequence[Item], theirs: Sequence[Item],
                describe: Callable[[Item], str] | None = None) -> tuple[list[Item], list[ItemConflict]]:
    """The merged list and the conflicts (none: the merge is complete; some: it must not be saved).

    Each side's edits are found against ``base`` (a longest common subsequence; the items of a
    run replaced are paired by name, else in order), then merged base item by base item: one
    side's change is taken, both sides' same change once, different changes (or a change and a
    removal) are a conflict. Items added by either side are kept, theirs first where both added
    at the same place, an item both added once. A merge without conflicts is finally checked
    to hold :func:`expected_items`; where it does not (items repeated or removed and added
    again so that the two sides' edits cannot be told apart), the whole lists are a conflict:
    never a silent loss. Where a side's change can be explained in more than one shortest way
    (an item moved, when items are removed and added again), each explanation is tried, and
    the first that merges without conflict is taken. In a conflict the merged list keeps
    ``theirs``' version. ``describe`` turns one item into words (default: :func:`describe_item`).
    """
    words = describe or describe_item
    by_key = {item_key(i): i for i in [*base, *mine, *theirs]}
    b, m, t = ([item_key(i) for i in items] for items in (base, mine, theirs))
    first: tuple[list[str], list[ItemConflict]] | None = None
    for removed_first in ((True, True), (False, False), (True, False), (False, True)):
        keys, conflicts = _merged(base, b, mine, m, theirs, t, removed_first, words, by_key)
        if not conflicts:
            return [by_key[k] for k in keys], []
        first = first or (keys, conflicts)
    assert first is not None
    return [by_key[k] for k in first[0]], first[1]


def _merged(base: Sequence[Item], b: list[str], mine: Sequence[Item], m: list[str], theirs: Sequence[Item],
            t: list[str], removed_first: tuple[bool, bool], words: Callable[[Item], str],
            by_key: dict[str, Item]) -> tuple[list[str], list[ItemConflict]]:
    """One merge of the keys, each side's change explained as ``removed_first`` says (see :func:`_runs`)."""
    ours, others = _side(base, b, mine, m, removed_first[0]), _side(base, b, theirs, t, removed_first[1])
    merged: list[tuple[str, str]] = []  # each item's key, and where it comes from: "base", "theirs", "mine"
    conflicts: list[ItemConflict] = []
    for position in range(len(b) + 1):
        merged += [(k, "theirs") for k in others.added.get(position, [])]
        merged += [(k, "mine") for k in ours.added.get(position, [])]
        if position == len(b):
            break
        yours, fate = ours.fates.get(position), others.fates.get(position)
        if fate is None:
            fate = yours  # changed by this editor only (or by neither)
        elif yours is not None and yours != fate:  # changed by both, differently: theirs is kept
            conflicts.append(ItemConflict(base=words(base[position]), yours=_fate_words(yours, by_key, words),
                                          theirs=_fate_words(fate, by_key, words)))
        if fate is None:
            merged.append((b[position], "base"))
        elif fate != _REMOVED:
            merged.append((fate, "base"))
    counts = [Counter(keys) for keys in (b, m, t)]
    keys = _counted_once(merged, expected_items(base, mine, theirs), (counts[1] - counts[0]) & (counts[2] - counts[0]))
    if keys is None:
        keys = [k for k, _ in merged]
        if not conflicts:
            conflicts.append(list_conflict(base, mine, theirs, words))
    return keys, conflicts


def _counted_once(merged: list[tuple[str, str]], expected: Counter[str], both_added: Counter[str]) -> list[str] | None:
    """The merged keys, with an item both sides added (``both_added``: added by each, as
    multisets) kept once: a copy added beyond what is expected is dropped, this editor's first.
    ``None`` when the result is not ``expected`` (the merge must then be a conflict)."""
    surplus = (Counter(k for k, _ in merged) - expected) & both_added
    keep = [True] * len(merged)
    for side in ("mine", "theirs"):
        for index in range(len(merged) - 1, -1, -1):
            key, origin = merged[index]
            if origin == side and surplus[key] > 0:
                surplus[key] -= 1
                keep[index] = False
    kept = [k for (k, _), kept in zip(merged, keep, strict=True) if kept]
    return kept if Counter(kept) == expected else None


def _fate_words(fate: str, by_key: dict[str, Item], describe: Callable[[Item], str]) -> str:
    return "removed" if fate == _REMOVED else describe(by_key[fate])


def quote_text(text: Any, limit: int | None = None) -> str:
    """A text in quotes on one line (``(empty)`` when blank), cut to ``limit`` characters if given."""
    value = " ".join(("" if text is None else str(text)).split())
    if not value:
        return "(empty)"
    return f"\u201c{value[:limit]}\u2026\u201d" if limit is not None and len(value) > limit else f"\u201c{value}\u201d"


def item_details(item: Mapping[str, Any]) -> list[str]:
    """What an item holds besides its name, in words: an evidence item's reference; an action's
    owner, due date (DD/MM/YYYY) and whether it is done; a response's text (quoted)."""
    if "code" in item:
        return [quote_text(item.get("text"))]
    if "text" not in item:
        return [str(item["reference"])] if item.get("reference") else []
    details = [str(item["owner"])] if item.get("owner") else []
    if item.get("due"):
        try:
            due = dt.date.fromisoformat(str(item["due"])[:10]).strftime("%d/%m/%Y")
        except ValueError:
            due = str(item["due"])
        details.append(f"due {due}")
    if item.get("done"):
        details.append("done")
    return details


def describe_item(item: Mapping[str, Any], limit: int | None = None) -> str:
    """An evidence item, an action or a response in words: ``“Board report” (BR-1)``, ``“Fix” (Head of
    Repairs, due 30/09/2025, done)``, ``on-time-below-threshold: “Two Q1 cases ...”``; its name (a
    response's text) cut to ``limit`` characters if given (a conflict's words are never cut: they
    may be the only copy of what the auditor typed)."""
    if "code" in item:
        return f"{item_name(item)}: {quote_text(item.get('text'), limit)}"
    details = item_details(item)
    return quote_text(item_name(item), limit) + (f" ({', '.join(details)})" if details else "")


def describe_value(field: str, value: Any) -> str:
    """A field's value in words: a status, a commentary, a list of items, confirmed or not."""
    if field in ("evidence", "actions", "responses"):
        items = list(value or [])
        return "; ".join(describe_item(i) for i in items) if items else "none"
    if field == "status":
        return str(value) if value else "not assessed"
    if field == "confirmed":
        return "confirmed" if value else "not confirmed"
    return f"\u201c{value}\u201d" if value else "(empty)"  # as typed, line breaks kept: it may be the only copy


__all__ = ["ItemConflict", "already_in", "describe_item", "describe_value", "expected_items", "item_details",
           "item_key", "item_name", "list_conflict", "merge_items", "quote_text", "same_code_conflicts"]
