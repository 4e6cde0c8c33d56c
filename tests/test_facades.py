"""The workbook and group façades without a kernel: one as_of date everywhere, figures formatted by filters."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from audit_lib.core.periods import parse_as_of
from audit_lib.errors import UsageError
from audit_lib.group import rules
from audit_lib.group.summary import open_group_summary
from audit_lib.report.render import number, percent, render
from audit_lib.workbook.facade import open_workbook
from tests.demo import DEMO_IDS, DEMO_INPUTS

AS_OF = "2025-06-01"


def test_as_of_is_today_or_an_iso_date():
    assert parse_as_of(None) == dt.date.today()
    assert parse_as_of("2025-06-01") == dt.date(2025, 6, 1)
    assert parse_as_of(dt.date(2025, 6, 1)) == dt.date(2025, 6, 1)
    assert parse_as_of(dt.datetime(2025, 6, 1, 12, 30)) == dt.date(2025, 6, 1)


@pytest.mark.parametrize("bad", ["2025-13-01", "01/06/2025", "20250601", "2025-06-01T00:00", "", "today", 20250601])
def test_a_bad_as_of_is_a_one_line_usage_error(bad):
    with pytest.raises(UsageError, match=r"as_of must be a date written YYYY-MM-DD .*found") as caught:
        parse_as_of(bad)
    assert "\n" not in str(caught.value)


def test_the_openers_parse_as_of():
    assert open_workbook("moorside-almshouses", "2024-25", DEMO_INPUTS, as_of=AS_OF).as_of == dt.date(2025, 6, 1)
    assert open_workbook("moorside-almshouses", "2024-25", DEMO_INPUTS).as_of == dt.date.today()
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        open_workbook("moorside-almshouses", "2024-25", DEMO_INPUTS, as_of="1 June 2025")
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        open_group_summary("2024-25", DEMO_INPUTS, DEMO_INPUTS.parent / "outputs", as_of="2025/06/01")


def test_the_workbook_judges_actions_at_its_one_date():
    early = open_workbook("riverbend-homes", "2024-25", DEMO_INPUTS, as_of="2024-01-01")
    late = open_workbook("riverbend-homes", "2024-25", DEMO_INPUTS, as_of="2030-01-01")
    for wb, date, heading in ((early, "2024-01-01", "01 January 2024"), (late, "2030-01-01", "01 January 2030")):
        metrics = wb.metrics()
        assert metrics["provenance"]["as_of"] == date == wb.provenance()["as_of"]
        assert wb.run_record().record == metrics
        assert f"as at {heading}" in wb.action_plan().html
    total = early.metrics()["assessment"]["actions"]["total"]
    assert total and late.metrics()["assessment"]["actions"]["Overdue"] > early.metrics()["assessment"]["actions"]["Overdue"]
    assert "as at 01 January 2030" in late.executive_summary().html


@pytest.fixture
def group_outputs(demo_inputs, tmp_path):
    """Each demo landlord's metrics.json as its run writes it, without running the notebooks."""
    outputs = tmp_path / "outputs"
    for landlord in DEMO_IDS:
        folder = outputs / "2024-25" / landlord
        folder.mkdir(parents=True)
        figures = open_workbook(landlord, "2024-25", demo_inputs, as_of=AS_OF).metrics()
        (folder / "metrics.json").write_text(json.dumps(figures), encoding="utf-8")
    return demo_inputs, outputs


def test_the_group_pools_its_figures_once(group_outputs, monkeypatch):
    inputs, outputs = group_outputs
    calls = []
    pooled_figures = rules.pooled_figures
    monkeypatch.setattr(rules, "pooled_figures", lambda members: calls.append(1) or pooled_figures(members))
    summary = open_group_summary("2024-25", inputs, outputs, as_of=AS_OF)
    summary.behind_table()
    summary.key_figures()
    for member in summary.members:
        summary.behind(member)
    assert len(calls) == 1
    assert summary.as_of == dt.date(2025, 6, 1) and summary.provenance()["as_of"] == AS_OF
    assert all(m.metrics is not None and not m.problems for m in summary.members)
    assert "As at 01 June 2025" in summary.behind_table().html


def test_the_reports_table_shows_the_digest_of_the_metrics_read(group_outputs):
    import hashlib

    inputs, outputs = group_outputs
    html = open_group_summary("2024-25", inputs, outputs, as_of=AS_OF).reports().html
    for landlord in DEMO_IDS:
        digest = hashlib.sha256((outputs / "2024-25" / landlord / "metrics.json").read_bytes()).hexdigest()
        assert f"SHA-256 {digest[:12]}&hellip;" in html


def test_number_formats_are_template_filters():
    assert (number(None), number(44.25001), number(3)) == ("n/a", "44.3", "3.0")
    assert (percent(None), percent(87.44), percent(100)) == ("n/a", "87.4%", "100.0%")
    html = render("group_figures", members=[], period=type("P", (), {"id": "2024-25"})(),
                  group={"homes": 0, "tsm_ch01_stage1_per_1000": 44.25001, "tsm_ch01_stage2_per_1000": None,
                         "tsm_ch02_stage1_pct": 87.44, "tsm_ch02_stage2_pct": None, "escalation_rate_pct": 5.0,
                         "maladministration_rate_pct": None})
    assert '<th class="num">44.3</th><th class="num">n/a</th>' in html
    assert '<th class="num">87.4%</th><th class="num">n/a</th>' in html
