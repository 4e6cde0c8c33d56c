"""Large buffers in ordinary pages while a case log loads (audit_lib.core.memory)."""

from __future__ import annotations

import threading

import pyarrow as pa
import pytest

import audit_lib.cases.load as load_module
from audit_lib.cases.load import load_case_log
from audit_lib.config.landlords import load_landlord
from audit_lib.core.memory import numpy_huge_page_switch, ordinary_pages
from tests.conftest import DEMO_IDS
from tests.demo import DEMO_INPUTS


def _numpy_advises_huge_pages() -> bool:
    switch = numpy_huge_page_switch()
    assert switch is not None
    setting = switch(True)  # the switch returns the setting it replaced: read it, put it back
    switch(setting)
    return setting


def test_the_numpy_this_project_installs_has_the_switch() -> None:
    # a numpy without it would load as before, huge pages and all: an upgrade that drops it shows here
    assert numpy_huge_page_switch() is not None


def test_both_switches_are_set_inside_and_put_back_after() -> None:
    pool_before = pa.default_memory_pool().backend_name
    advice_before = _numpy_advises_huge_pages()
    with ordinary_pages():
        assert pa.default_memory_pool().backend_name == "system"
        assert _numpy_advises_huge_pages() is False
        with ordinary_pages():  # loads at once (threads) share the switches
            assert pa.default_memory_pool().backend_name == "system"
        assert pa.default_memory_pool().backend_name == "system"
        assert _numpy_advises_huge_pages() is False
    assert pa.default_memory_pool().backend_name == pool_before
    assert _numpy_advises_huge_pages() is advice_before


def test_what_was_there_before_comes_back_after_an_error() -> None:
    pool_before = pa.default_memory_pool().backend_name
    advice_before = _numpy_advises_huge_pages()
    with pytest.raises(RuntimeError), ordinary_pages():
        raise RuntimeError
    assert pa.default_memory_pool().backend_name == pool_before
    assert _numpy_advises_huge_pages() is advice_before


def test_an_earlier_setting_of_numpy_is_kept_not_forced_on() -> None:
    switch = numpy_huge_page_switch()
    assert switch is not None
    before = switch(False)  # a user who started Python with NUMPY_MADVISE_HUGEPAGE=0
    try:
        with ordinary_pages():
            pass
        assert _numpy_advises_huge_pages() is False
    finally:
        switch(before)


def test_loads_in_threads_end_in_any_order_and_the_last_puts_everything_back() -> None:
    pool_before = pa.default_memory_pool().backend_name
    advice_before = _numpy_advises_huge_pages()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[str] = []

    def first() -> None:
        with ordinary_pages():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with ordinary_pages():
            second_in.set()
            first_out.wait(5)  # the first load has ended; this one still runs
            seen.append(pa.default_memory_pool().backend_name)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == ["system"]
    assert pa.default_memory_pool().backend_name == pool_before
    assert _numpy_advises_huge_pages() is advice_before


def _observe_switches(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[tuple[str, bool]]:
    """Each call of ``module.name`` records Arrow's pool and numpy's advice at that moment."""
    seen: list[tuple[str, bool]] = []
    original = getattr(module, name)

    def observed(*args: object, **kwargs: object) -> object:
        seen.append((pa.default_memory_pool().backend_name, _numpy_advises_huge_pages()))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, observed)
    return seen


def test_a_case_log_is_read_and_validated_with_ordinary_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    landlord = load_landlord(DEMO_INPUTS, DEMO_IDS[0])
    seen = _observe_switches(monkeypatch, load_module, "read_table")
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    assert log.complaints > 0
    assert seen == [("system", False)]


def test_the_figures_are_worked_out_with_ordinary_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    import audit_lib.stats.engine as engine
    from audit_lib.core.periods import Period

    landlord = load_landlord(DEMO_INPUTS, DEMO_IDS[0])
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    seen = _observe_switches(monkeypatch, engine, "_Cases")
    advice_before = _numpy_advises_huge_pages()
    figures = engine.case_statistics(log.cases, Period.parse("2024-25"), 1000, excluded_rows=log.excluded_rows)
    assert figures.to_json()
    assert seen == [("system", False)]
    assert _numpy_advises_huge_pages() is advice_before
