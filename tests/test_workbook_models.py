"""How many widget models a Run All of the interactive workbook builds, and that widgets sharing
a Layout never change together.

Every ipywidgets model is a message to the browser and a model it builds before drawing the
page. Widgets that look the same share one Layout and one style model
(:mod:`audit_lib.workbook.look`); a widget is hidden or shown only through :func:`look.show`,
which gives it a Layout of its own, so hiding one never hides another.
"""

from __future__ import annotations

import collections

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget import _instances

from audit_lib.workbook import look
from audit_lib.workbook.facade import open_workbook

#: The notebook's cells after the cover, in order (notebooks/self_assessment.ipynb).
CELLS = ("executive_summary", "case_statistics", "figures_by_period", "year_on_year",
         *(("section", n) for n in range(1, 10)),
         "annual_records", "action_plan", "evidence_register", "data_quality", "run_record")
#: The ceilings: a Run All of Riverbend's workbook built 268 models (137 for the cover alone)
#: before widgets shared their layouts and styles; now 112 (63).
RUN_ALL_CEILING = 125
COVER_CEILING = 70


@pytest.fixture
def fresh_looks(monkeypatch):
    """No shared layout or style built yet (as in a new kernel)."""
    monkeypatch.setattr(look, "_SHARED", {})


def _run_all(inputs, landlord: str = "riverbend-homes", period: str = "2024-25"):
    """Run every cell of the notebook as Run All does; the workbook, and the models the cover and
    the whole run built."""
    before = set(_instances)
    wb = open_workbook(landlord, period, inputs, interactive=True)
    wb.cover()
    cover = [m for key, m in _instances.items() if key not in before]
    for cell in CELLS:
        if isinstance(cell, tuple):
            wb.section(cell[1])
        else:
            getattr(wb, cell)()
    return wb, cover, [m for key, m in _instances.items() if key not in before]


def _kinds(models) -> collections.Counter[str]:
    return collections.Counter(type(m).__name__ for m in models)


def test_a_run_all_builds_few_widget_models(demo_inputs, fresh_looks):
    _wb, cover, models = _run_all(demo_inputs)
    assert len(cover) <= COVER_CEILING, _kinds(cover).most_common()
    assert len(models) <= RUN_ALL_CEILING, _kinds(models).most_common()
    looks = [m for m in models if isinstance(m, (w.Layout, w.Style))]
    assert len(looks) <= 20, _kinds(looks).most_common()  # a few shared ones, not one or two per widget


def test_every_widget_of_the_page_shares_its_layout_and_style(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    before = set(_instances)
    wb, _cover, _models = _run_all(demo_inputs, "calder-vale-housing")
    for number in (1, 6):  # opened, and every provision's form opened, with a new evidence row and action
        panel = wb.live.sections[number]
        panel.widget.selected_index = 0
        for form in panel.open_forms().values():
            form.add_evidence.click()
            form.add_action.click()
    wb.live.evidence.widget.selected_index = 0
    annual = wb.annual_records()
    annual.selected_index = 0
    widgets = [m for key, m in _instances.items() if key not in before and isinstance(m, w.DOMWidget)]
    assert len(widgets) > 500
    own = [m for m in widgets if not look.shared(m.layout) and m.layout.display is None]  # (display: look.show's)
    assert own == []
    assert [m for m in widgets if "style" in m.keys and not look.shared(m.style)] == []


def test_a_shared_look_is_the_default_look_when_given_no_settings():
    assert look.layout().get_state() == w.Layout().get_state()
    for kind in (w.HTML, w.Button, w.Text, w.Textarea, w.Checkbox, w.Dropdown, w.DatePicker, w.Label, w.ToggleButton,
                 w.Combobox, w.FileUpload):
        assert look.style(kind).get_state() == kind().style.get_state(), kind
    assert look.layout(width="100%") is look.layout(width="100%")
    assert look.style(w.Text, description_width="60px") is look.style(w.Textarea, description_width="60px")


def test_a_shared_layout_or_style_cannot_be_changed():
    html = w.HTML(**look.of(w.HTML, width="100%"))
    with pytest.raises(AttributeError, match=r"look\.show"):
        html.layout.display = "none"
    with pytest.raises(AttributeError, match="shared"):
        look.layout(border="1px solid #c9d1d9").border = "none"
    with pytest.raises(AttributeError, match="shared"):
        html.style.text_color = "red"
    assert look.layout(width="100%").display is None and look.style(w.HTML).text_color is None


def test_showing_one_widget_leaves_the_others_sharing_its_layout_as_they_were():
    shared = look.layout(width="auto", display=look.HIDDEN)
    one, other = (w.Button(description=name, **look.of(w.Button, width="auto", display=look.HIDDEN))
                  for name in ("one", "other"))
    assert one.layout is other.layout is shared
    look.show(one, True)
    assert look.visible(one) and not look.visible(other)
    assert one.layout is not shared and one.layout.width == "auto" and shared.display == look.HIDDEN
    look.show(one, False)
    look.show(other, True)
    assert not look.visible(one) and look.visible(other)
    look.show(other, True)  # already shown: nothing changes
    assert look.visible(other) and shared.display == look.HIDDEN


def test_showing_a_widget_that_was_never_hidden_keeps_its_shared_layout():
    button = w.Button(description="Use", **look.of(w.Button, width="auto"))
    look.show(button, True)
    assert look.shared(button.layout) and look.visible(button)


def test_confirming_one_carried_answer_hides_only_its_own_button(demo_inputs, monkeypatch):
    monkeypatch.setenv("CHC_AUDIT_USER", "auditor.one")
    wb = open_workbook("calder-vale-housing", "2025-26", demo_inputs, interactive=True)
    controls = wb.cover()
    carry = next(c for c in controls.children[1].children if isinstance(c, w.Button))
    sections = {number: wb.section(number) for number in (4, 6)}
    panel = wb.live.sections[6]
    sections[6].selected_index = 0
    forms = panel.open_forms()
    confirms = [form.confirm for form in forms.values()]
    assert len({id(b.layout) for b in confirms}) == 1 and not any(look.visible(b) for b in confirms)
    carry.click()
    assert look.visible(forms["6.16"].confirm) and look.visible(forms["6.2"].confirm)
    assert look.visible(panel.confirm_all) and not look.visible(wb.live.sections[4].confirm_all)  # none carried in 4
    forms["6.16"].confirm.click()
    assert not look.visible(forms["6.16"].confirm)
    assert look.visible(forms["6.2"].confirm)  # the other provision's still asks to be confirmed
    assert all(look.visible(f.confirm) for n, f in forms.items() if n != "6.16" and f.store.answer(f.provision.id)
               .carried and not f.store.answer(f.provision.id).confirmed)
    panel.confirm_all.click()
    assert not look.visible(panel.confirm_all) and not any(look.visible(f.confirm) for f in forms.values())
    assert not look.visible(wb.live.sections[4].confirm_all)


def test_the_override_box_shown_on_one_sign_off_panel_stays_hidden_on_another(demo_inputs, monkeypatch):
    from tests.test_signoff import DAY, respond_to_contradictions, store

    respond_to_contradictions(demo_inputs)
    store(demo_inputs / "calder-vale-housing", "rhian.review").sign_off("reviewed", "Rhiannon Review", DAY)
    monkeypatch.setenv("CHC_AUDIT_USER", "board.chair")
    books = [open_workbook("calder-vale-housing", "2024-25", demo_inputs, interactive=True) for _ in range(2)]
    for wb in books:  # the same workbook open twice (two notebooks on one kernel's widgets)
        wb.cover()
    one, other = (wb.live.signoff for wb in books)
    assert one.override.layout is other.override.layout and not look.visible(one.override)
    name, title, _date, button = one.rows["approved"]
    name.value, title.value = "Board Chair", "Chair of the Board"
    button.click()
    assert "provisions are not assessed" in one.message.value
    assert look.visible(one.override) and not look.visible(other.override)
    one.override.value = "Board accepted the gaps"
    button.click()
    assert not look.visible(one.override) and not look.visible(other.override)
