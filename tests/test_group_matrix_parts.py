"""The compliance matrix of a large group: tables a page wide, every subsidiary and cell kept."""

from __future__ import annotations

import dataclasses

from bs4 import BeautifulSoup

from audit_lib.group import views
from audit_lib.group.summary import open_group_summary

from .conftest import DEMO_AS_OF


def _members(demo_batch, count: int):
    _batch, inputs, outputs, _ = demo_batch
    summary = open_group_summary("2024-25", inputs, outputs, as_of=DEMO_AS_OF)
    base = summary.members
    members = []
    for i in range(count):
        member = base[i % len(base)]
        entry = member.entry.model_copy(update={"id": f"{member.entry.id}-{i:03d}", "name": f"{member.entry.name} {i:03d}"})
        members.append(dataclasses.replace(member, entry=entry))
    return summary, members


def test_a_small_group_has_one_table_as_before(demo_batch):
    summary, _ = _members(demo_batch, 0)
    soup = BeautifulSoup(summary.status_matrix().html, "html.parser")
    assert len(soup.select("table.matrix")) == 1 and not soup.select("p.matrix-part")
    assert len(soup.select("table.matrix th.member")) == len(summary.members)


def test_a_large_group_is_shown_in_tables_of_a_page_width_each(demo_batch):
    summary, members = _members(demo_batch, 50)
    html = views.status_matrix(members, summary.provisions).html
    soup = BeautifulSoup(html, "html.parser")
    tables = soup.select("table.matrix")
    size = views.MATRIX_COLUMNS
    assert [len(t.select("th.member")) for t in tables] == [size, size, 50 - 2 * size]
    assert [p.get_text(" ", strip=True) for p in soup.select("p.matrix-part")] == [
        f"Subsidiaries 1 to {size} of 50", f"Subsidiaries {size + 1} to {2 * size} of 50",
        f"Subsidiaries {2 * size + 1} to 50 of 50"]
    names = [th.get_text(strip=True) for t in tables for th in t.select("th.member")]
    assert names == [m.entry.name for m in members]
    # every table has every provision's row, a cell per subsidiary in it, and section rows spanning it
    for table, part in zip(tables, (size, size, 50 - 2 * size)):
        rows = table.select("tbody tr th.provision")
        assert len(rows) == len(summary.provisions)
        assert all(len(th.find_parent("tr").select("td.cell")) == part for th in rows)
        assert {th["colspan"] for th in table.select("tr.section-row th")} == {str(part + 1)}
    # the cells are the subsidiaries' own, in the same order as one wide table would give them
    one = BeautifulSoup(views.status_matrix(members[:size], summary.provisions).html, "html.parser")
    assert [td["title"] for td in one.select("td.cell")] == [td["title"] for td in tables[0].select("td.cell")]
