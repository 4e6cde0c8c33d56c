"""Two editors' changes to one list field merged item by item (:mod:`audit_lib.assessment.merge`).

Hand-worked cases first (repeated items and items removed and added again included), then a
seeded random test: whatever the two sides did, a merge without conflicts holds exactly
base − (removed by mine ∪ removed by theirs) + (added by mine ∪ added by theirs) as a multiset,
and a conflict only arises where both sides touched the same item of the base.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest

from audit_lib.assessment.merge import describe_item, expected_items, item_key, merge_items

Item = dict[str, Any]


def E(description: str, reference: str | None = None) -> Item:  # an evidence item
    return {"description": description, "reference": reference}


def A(text: str, owner: str | None = None, due: str | None = None, done: bool = False) -> Item:  # an action
    return {"text": text, "owner": owner, "due": due, "done": done}


def names(items: list[Item]) -> list[str]:
    return [(i.get("description") or i.get("text") or "") + (f"/{i['reference']}" if i.get("reference") else "")
            + (f"/{i['owner']}" if i.get("owner") else "") for i in items]


def merged_ok(base: list[Item], mine: list[Item], theirs: list[Item]) -> list[Item]:
    merged, conflicts = merge_items(base, mine, theirs)
    assert conflicts == []
    return merged


# -- hand-worked cases --------------------------------------------------------------------------

def test_items_added_by_each_side_are_both_kept_theirs_first():
    base = [E("A")]
    assert names(merged_ok(base, [E("A"), E("mine")], [E("A"), E("theirs")])) == ["A", "theirs", "mine"]


def test_the_same_item_added_by_both_is_kept_once():
    base = [E("A")]
    assert names(merged_ok(base, [E("A"), E("X")], [E("A"), E("X")])) == ["A", "X"]


def test_an_item_added_twice_by_one_side_and_once_by_the_other_is_kept_twice():
    base = [E("A")]
    assert names(merged_ok(base, [E("A"), E("X"), E("X")], [E("A"), E("X")])) == ["A", "X", "X"]


def test_different_items_changed_by_each_side_both_land():
    base = [E("A"), E("B"), E("C")]
    merged = merged_ok(base, [E("A", "a1"), E("B"), E("C")], [E("A"), E("B"), E("C", "c1")])
    assert names(merged) == ["A/a1", "B", "C/c1"]


def test_adjacent_items_changed_one_by_each_side_and_one_by_both_the_same_way():
    base = [E("A"), E("B")]
    merged = merged_ok(base, [E("A", "a1"), E("B", "b1")], [E("A"), E("B", "b1")])
    assert names(merged) == ["A/a1", "B/b1"]


def test_the_same_item_changed_differently_by_both_is_a_conflict_in_words():
    base = [A("Train staff", "CS Manager"), A("Report to the Board", "CS Manager")]
    mine = [base[0], A("Report to the Board", "Complaints Co-ordinator")]
    theirs = [base[0], A("Report to the Board", "Head of Housing")]
    _, conflicts = merge_items(base, mine, theirs)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert "Complaints Co-ordinator" in conflict.yours and "Head of Housing" in conflict.theirs
    assert "Report to the Board" in conflict.base and "CS Manager" in conflict.base
    assert "{" not in conflict.yours + conflict.theirs + conflict.base


def test_an_item_changed_by_one_side_and_removed_by_the_other_is_a_conflict():
    base = [E("A"), E("B")]
    _, conflicts = merge_items(base, [E("A", "a1"), E("B")], [E("B")])
    assert len(conflicts) == 1 and conflicts[0].theirs == "removed" and "a1" in conflicts[0].yours


def test_one_side_removing_an_item_and_the_other_removing_it_and_its_neighbour_is_no_conflict():
    base = [E("A"), E("B"), E("C")]
    assert names(merged_ok(base, [E("B"), E("C")], [E("C")])) == ["C"]
    assert names(merged_ok(base, [E("C")], [E("B"), E("C")])) == ["C"]


def test_removals_overlapping_from_both_sides_remove_their_union():
    base = [E("A"), E("B"), E("C"), E("D")]
    assert names(merged_ok(base, [E("C"), E("D")], [E("A"), E("D")])) == ["D"]


def test_an_item_added_where_the_other_side_removed_items_is_kept():
    base = [E("A"), E("B"), E("C")]
    assert names(merged_ok(base, [E("C")], [E("A"), E("X"), E("B"), E("C")])) == ["X", "C"]


def test_a_repeated_item_added_near_the_top_is_not_lost_when_the_other_side_edits_a_repeated_item():
    base = [E("B"), E("C"), E("B"), E("C")]
    mine = [E("B"), E("C", "r1"), E("B"), E("C")]  # mine edits the first C
    theirs = [E("B"), E("B"), E("C"), E("B"), E("C")]  # theirs adds one more B
    merged = merged_ok(base, mine, theirs)
    assert Counter(names(merged)) == Counter({"B": 3, "C/r1": 1, "C": 1})
    x, y = [E("X"), E("Y")], [E("X"), E("Y", "r")]
    assert names(merged_ok(x, y, [E("X"), E("X"), E("Y")])) == ["X", "X", "Y/r"]


def test_repeated_actions_without_an_owner():
    base = [A("Train staff"), A("Report to Board"), A("Train staff"), A("Report to Board")]
    mine = [A("Train staff"), A("Report to Board", "CS Manager"), A("Train staff"), A("Report to Board")]
    theirs = [A("Train staff"), A("Train staff"), A("Report to Board"), A("Train staff"), A("Report to Board")]
    merged = merged_ok(base, mine, theirs)
    assert Counter(names(merged)) == Counter({"Train staff": 3, "Report to Board/CS Manager": 1,
                                              "Report to Board": 1})


def test_both_sides_removing_one_of_two_identical_items_removes_one():
    base = [E("X"), E("X"), E("Y")]
    assert names(merged_ok(base, [E("X"), E("Y")], [E("X"), E("Y")])) == ["X", "Y"]


def test_an_item_removed_and_added_again_by_the_other_does_not_bring_back_an_item_removed_by_mine():
    # the other editor removed "Update policy" and added it again (it is now last); this editor,
    # who still saw [Update policy, Train staff], removed "Train staff"
    base = [A("Update policy"), A("Train staff")]
    theirs = [A("Train staff"), A("Update policy")]
    merged, conflicts = merge_items(base, [A("Update policy")], theirs)
    assert conflicts or names(merged) == ["Update policy"]
    assert names(merged) == ["Update policy"] and conflicts == []  # this merge can be told apart


def test_an_item_removed_by_mine_and_removed_and_added_again_by_theirs_is_never_silently_kept_or_lost():
    base = [A("Update policy"), A("Train staff")]
    theirs = [A("Train staff"), A("Update policy")]
    merged, conflicts = merge_items(base, [A("Train staff")], theirs)
    expected = expected_items(base, [A("Train staff")], theirs)
    assert conflicts or Counter(item_key(i) for i in merged) == expected


def test_a_change_both_sides_made_the_same_way_is_no_conflict():
    base = [E("A"), E("B")]
    assert names(merged_ok(base, [E("A"), E("B", "b")], [E("A"), E("B", "b")])) == ["A", "B/b"]


def test_describe_item_in_words():
    assert describe_item(E("Board report", "BR-1")) == "“Board report” (BR-1)"
    assert describe_item(E("Register")) == "“Register”"
    assert describe_item(A("Fix", "Head of Repairs", "2025-09-30")) == "“Fix” (Head of Repairs, due 30/09/2025)"
    assert describe_item(A("Fix", done=True)) == "“Fix” (done)"
    assert describe_item(E("x" * 400)) == f"“{'x' * 400}”"  # nothing cut from a conflict's words
    assert describe_item(E("x" * 400), limit=10) == f"“{'x' * 10}…”"


# -- random merges --------------------------------------------------------------------------------

POOL = [E(d) for d in "ABC"]


def _key(item: Item) -> str:
    return json.dumps(item, sort_keys=True)


class Side:
    """One editor's random edits of ``base``: what it did to each base item, and what it added."""

    def __init__(self, base: list[Item], rng: random.Random, ops: int, fresh: Any, repeats: bool) -> None:
        rows: list[tuple[int | None, Item]] = list(enumerate(base))
        self.touched: set[int] = set()
        self.fate: dict[int, str | None] = {}  # base position: the key it became, "added again", or None (removed)
        for _ in range(ops):
            op = rng.choice(["add", "add_end", "edit", "remove", "readd"])
            if op.startswith("add") or not rows:
                item = rng.choice(POOL) if repeats and rng.random() < 0.6 else fresh()
                rows.insert(len(rows) if op == "add_end" else rng.randrange(len(rows) + 1), (None, item))
                continue
            j = rng.randrange(len(rows))
            origin, item = rows[j]
            if op == "edit":
                rows[j] = (origin, {**item, "reference": f"r{rng.randrange(10**6)}"})
                if origin is not None:
                    self.fate[origin] = _key(rows[j][1])
            else:
                if origin is not None:
                    self.fate[origin] = "added again" if op == "readd" else None
                del rows[j]
                if op == "readd":  # removed, then added again at the end: the same list as the items
                    # after it moved before it, so those are touched too
                    self.touched |= {o for o, _ in rows[j:] if o is not None}
                    rows.append((None, item))
            if origin is not None:
                self.touched.add(origin)
        self.items = [item for _, item in rows]


def _random_case(seed: int, repeats: bool) -> tuple[list[Item], Side, Side]:
    rng = random.Random(seed)
    counter = iter(range(10**9))

    def fresh() -> Item:
        return E(f"e{next(counter)}")

    base = [rng.choice(POOL) if repeats and rng.random() < 0.6 else fresh() for _ in range(rng.randrange(0, 6))]
    mine = Side(base, rng, rng.randrange(1, 4), fresh, repeats)
    theirs = Side(base, rng, rng.randrange(1, 4), fresh, repeats)
    return base, mine, theirs


@pytest.mark.parametrize("repeats", [False, True], ids=["distinct items", "repeated items"])
def test_random_merges_keep_the_multiset_and_conflict_only_where_both_touched_the_same_items(repeats):
    conflicts_seen = merges = 0
    for seed in range(4000):
        base, mine, theirs = _random_case(seed, repeats)
        merged, conflicts = merge_items(base, mine.items, theirs.items)
        case = f"seed {seed}: base {names(base)}, mine {names(mine.items)}, theirs {names(theirs.items)}"
        if conflicts:
            conflicts_seen += 1
            if repeats:  # positions of identical items cannot be told apart: the same content touched
                both = {_key(base[o]) for o in mine.touched} & {_key(base[o]) for o in theirs.touched}
            else:
                both = mine.touched & theirs.touched
            assert both, f"a conflict where the two sides touched different items; {case}"
            continue
        merges += 1
        assert Counter(item_key(i) for i in merged) == expected_items(base, mine.items, theirs.items), \
            f"an item lost or brought back; {case}: merged {names(merged)}"
    assert merges > conflicts_seen > 0


def test_random_merges_of_distinct_items_rarely_conflict_without_a_real_conflict():
    """A conflict where no base item was changed by both sides in different ways (changed, removed,
    or removed and added again) is a false alarm: allowed (it saves nothing) but rare. What is
    left is an item removed and another added in its place, taken as the item changed."""
    false = 0
    runs = 4000
    for seed in range(runs):
        base, mine, theirs = _random_case(seed, repeats=False)
        _, conflicts = merge_items(base, mine.items, theirs.items)
        if conflicts:
            real = any(mine.fate.get(o) != theirs.fate.get(o) for o in set(mine.fate) & set(theirs.fate))
            false += not real
    assert false / runs < 0.02
