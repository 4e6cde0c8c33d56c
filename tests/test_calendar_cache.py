"""The working-day calendar's cached bank holidays: equal to what the ``holidays`` package computes,
read by a new process without importing the package, and never trusted when damaged or foreign."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import audit_lib.core.calendar as calendar
from audit_lib.core.cache import cache_folder
from audit_lib.errors import UsageError

REPO = Path(__file__).resolve().parents[1]


def _package_table(first: int, last: int) -> list[dt.date]:
    import holidays

    return sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1)))


# --- the cache is honest -----------------------------------------------------------------------------

def test_the_table_is_what_the_holidays_package_computes_for_every_covered_year(tmp_path):
    import holidays

    first, last = calendar.covered_years()
    assert last == min(calendar.LAST_YEAR, holidays.country_holidays("GB", subdiv="ENG").end_year)
    whole = _package_table(first, last)
    # the table this process uses (read from the user's cache when warm), and one written and read again
    written, _ = calendar._load_table(tmp_path)
    read, end_year = calendar._load_table(tmp_path)
    assert end_year == holidays.country_holidays("GB", subdiv="ENG").end_year
    for table in (calendar.bank_holidays(), calendar._table()[0], written, read):
        assert table.astype(dt.date).tolist() == whole
    for year in range(first, last + 1):
        assert calendar.bank_holidays(year, year).astype(dt.date).tolist() == _package_table(year, year), year
    for low, high in ((2000, 2001), (2023, 2026), (2039, 2041), (2096, 2100)):
        assert calendar._holidays(low, high).astype(dt.date).tolist() == _package_table(low, high)


def test_years_outside_the_table_are_still_computed_by_the_package():
    assert calendar.bank_holidays(1995, 1996).astype(dt.date).tolist() == _package_table(1995, 1996)
    assert calendar.bank_holidays(2010, 2009).size == 0


def test_bank_holidays_returns_a_copy_the_table_is_read_only():
    days = calendar.bank_holidays()
    days[0] = np.datetime64("1999-01-01")
    assert calendar.bank_holidays()[0] == np.datetime64("2000-01-01")
    with pytest.raises(ValueError):
        calendar._holidays(2024, 2024)[0] = np.datetime64("2024-01-02")


# --- a warm cache spares a new process the package -------------------------------------------------------

_DEADLINE = """
import sys
import audit_lib.core.calendar as calendar
print(calendar.add_working_days(["2024-12-24"], 5)[0], calendar.covered_years(), "holidays" in sys.modules)
"""


def _run(code: str, env: dict[str, str]) -> str:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def _env(cache: Path | None, **changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "LOCALAPPDATA")}
    if cache is not None:
        env["XDG_CACHE_HOME"] = env["LOCALAPPDATA"] = str(cache)
    for name, value in changes.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return env


def test_a_second_process_reads_the_cache_without_importing_holidays(tmp_path):
    env = _env(tmp_path / "cache")
    assert _run(_DEADLINE, env) == "2025-01-03 (2000, 2100) True"  # cold: computed by the package
    folder = tmp_path / "cache" / "chc-audit" / "calendar"
    (cached,) = folder.iterdir()
    assert cached.name.endswith(".json") and (cached.stat().st_mode & 0o077) == 0
    before = cached.read_bytes()
    assert _run(_DEADLINE, env) == "2025-01-03 (2000, 2100) False"  # warm: read from the cache
    assert cached.read_bytes() == before


def test_no_home_folder_but_a_cache_folder_set_uses_the_cache(tmp_path):
    env = _env(tmp_path / "cache", HOME=None)
    assert _run(_DEADLINE, env).endswith("True")
    assert _run(_DEADLINE, env) == "2025-01-03 (2000, 2100) False"


def test_no_cache_folder_at_all_computes_in_each_process(tmp_path):
    home = tmp_path / "not-a-folder"
    home.write_text("")  # ~/.cache cannot be made under it
    env = _env(None, HOME=str(home))
    for _ in range(2):
        assert _run(_DEADLINE, env) == "2025-01-03 (2000, 2100) True"
    assert home.read_text() == ""


def test_a_cache_folder_not_private_to_this_user_is_not_used(tmp_path):
    folder = tmp_path / "cache" / "chc-audit" / "calendar"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    env = _env(tmp_path / "cache")
    for _ in range(2):
        assert _run(_DEADLINE, env) == "2025-01-03 (2000, 2100) True"
    assert not any(folder.iterdir())


# --- the cache folder ------------------------------------------------------------------------------------

def test_cache_folder_is_private_to_this_user(tmp_path, monkeypatch):
    import importlib

    render = importlib.import_module("audit_lib.report.render")  # the package's ``render`` is the function
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    folder = cache_folder("calendar")
    assert folder == tmp_path / "cache" / "chc-audit" / "calendar"
    assert (folder.stat().st_mode & 0o077) == 0
    assert render.cache_folder() == tmp_path / "cache" / "chc-audit" / "jinja2"
    folder.chmod(0o770)  # open to the group
    assert cache_folder("calendar") is None
    folder.chmod(0o700)
    assert cache_folder("calendar") == folder
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(folder, 65534, 65534)  # someone else's
        assert cache_folder("calendar") is None
    (tmp_path / "cache" / "chc-audit" / "file").write_text("")
    assert cache_folder("file") is None  # not a folder


def test_cache_folder_without_a_home_folder_is_none(monkeypatch):
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_folder("calendar") is None


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../calendar"])
def test_cache_folder_names_are_plain(name):
    with pytest.raises(UsageError):
        cache_folder(name)


# --- a damaged or foreign cache file is ignored and written again ------------------------------------------

@pytest.fixture
def warm(tmp_path, monkeypatch):
    """A cache folder holding a good table; returns (folder, the file, its good bytes, compute calls)."""
    calls: list[int] = []
    compute = calendar._compute

    def counting() -> tuple[np.ndarray, int]:
        calls.append(1)
        return compute()

    monkeypatch.setattr(calendar, "_compute", counting)
    calendar._load_table(tmp_path)
    (path,) = tmp_path.iterdir()
    assert calls == [1]
    calendar._load_table(tmp_path)
    assert calls == [1]  # read back, not computed
    calls.clear()
    return tmp_path, path, path.read_bytes(), calls


def _resealed(content: dict) -> bytes:
    """``content`` with a digest that matches it, as a writer other than the product might make it."""
    content = {k: v for k, v in content.items() if k != "digest"}
    content["digest"] = calendar._digest(content)
    return json.dumps(content).encode()


def _edit(change):
    def edit(good: bytes) -> bytes:
        content = json.loads(good)
        change(content)
        return _resealed(content)
    return edit


def _drop_year(content: dict, year: str) -> None:
    content["dates"] = [d for d in content["dates"] if not d.startswith(year)]


DAMAGE = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "not UTF-8": lambda good: b"\xff\xfe" + good,
    "not an object": lambda good: b"[]",
    "too large": lambda good: good[:-1] + b" " * (1 << 20) + b"\n",
    "a date removed": lambda good: json.dumps(
        {**json.loads(good), "dates": json.loads(good)["dates"][:100] + json.loads(good)["dates"][101:]}).encode(),
    "a date added": lambda good: json.dumps(
        {**json.loads(good), "dates": sorted([*json.loads(good)["dates"], "2024-06-04"])}).encode(),
    "no digest": lambda good: json.dumps({k: v for k, v in json.loads(good).items() if k != "digest"}).encode(),
    "unsorted": _edit(lambda c: c["dates"].insert(0, c["dates"].pop(5))),
    "a date twice": _edit(lambda c: c["dates"].insert(5, c["dates"][5])),
    "a date out of range": _edit(lambda c: c["dates"].append("2101-01-01")),
    "a year without holidays": _edit(lambda c: _drop_year(c, "2050-")),
    "a date not written YYYY-MM-DD": _edit(lambda c: c["dates"].__setitem__(0, "2000-1-1")),
    "a day number instead of a date": _edit(lambda c: c["dates"].__setitem__(0, 10957)),
    "NaT": _edit(lambda c: c["dates"].__setitem__(-1, "NaT")),
    "another holidays version": _edit(lambda c: c.__setitem__("holidays", "0.1")),
    "another subdivision": _edit(lambda c: c.__setitem__("subdivision", "SCT")),
    "other years": _edit(lambda c: c.__setitem__("first_year", 1990)),
    "another format": _edit(lambda c: c.__setitem__("format", 2)),
    "a format of true": _edit(lambda c: c.__setitem__("format", True)),
    "an end year as text": _edit(lambda c: c.__setitem__("end_year", "2100")),
    "an end year before the first": _edit(lambda c: (c.__setitem__("end_year", 1999), c.__setitem__("dates", []))),
    "an extra field": _edit(lambda c: c.__setitem__("note", "")),
    "nested too deep to parse": lambda good: b"[" * 200_000,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_or_foreign_cache_file_is_ignored_and_written_again(warm, damage):
    folder, path, good, calls = warm
    expected = calendar._load_table(folder)
    path.write_bytes(DAMAGE[damage](good))
    days, end_year = calendar._load_table(folder)
    assert calls == [1], "the damaged file was used"
    assert np.array_equal(days, expected[0]) and end_year == expected[1]
    assert path.read_bytes() == good  # written again
    calendar._load_table(folder)
    assert calls == [1]


def test_a_folder_in_the_files_place_is_no_error(warm):
    folder, path, _good, calls = warm
    path.unlink()
    path.mkdir()
    days, _ = calendar._load_table(folder)
    assert calls == [1] and days.astype(dt.date).tolist() == _package_table(2000, 2100)
    assert path.is_dir()


def test_another_holidays_version_has_its_own_file(warm, monkeypatch):
    folder, path, good, calls = warm
    monkeypatch.setattr(calendar, "_package_version", lambda: "9.9/x")
    calendar._load_table(folder)
    assert calls == [1]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [path.name, "bank-holidays-GB-ENG-2000-2100-holidays-9.9_x.json"])
    assert path.read_bytes() == good


def test_no_package_metadata_or_no_folder_computes_without_writing(warm, monkeypatch):
    folder, path, _good, calls = warm
    path.unlink()
    calendar._load_table(None)
    assert calls == [1] and not any(folder.iterdir())
    monkeypatch.setattr(calendar, "_package_version", lambda: None)
    calendar._load_table(folder)
    assert calls == [1, 1] and not any(folder.iterdir())


def test_a_fifo_in_the_files_place_does_not_hold_the_process(warm):
    import threading

    folder, path, _good, calls = warm
    path.unlink()
    os.mkfifo(path)
    done: list[tuple] = []
    reader = threading.Thread(target=lambda: done.append(calendar._load_table(folder)), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert done, "reading the cache waited on a FIFO"
    assert calls == [1]


def test_the_cache_is_keyed_by_the_packages_rules_as_well_as_its_version(tmp_path, monkeypatch):
    """Two installations of one version with other rules (a patched or an editable copy) never share a table."""
    from importlib import metadata

    key = calendar._package_version()
    assert key is not None and key.startswith(metadata.version("holidays") + "+")
    real = metadata.distribution("holidays")

    class Patched:
        version = real.version

        @staticmethod
        def locate_file(name: str) -> Path:
            if name.endswith("united_kingdom.py"):
                copy = tmp_path / "united_kingdom.py"
                copy.write_bytes(Path(str(real.locate_file(name))).read_bytes() + b"\n# patched\n")
                return copy
            return Path(str(real.locate_file(name)))

    monkeypatch.setattr(metadata, "distribution", lambda name: Patched)
    assert calendar._package_version() not in (None, key)


def test_a_relative_cache_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    folder = cache_folder("calendar")
    assert folder == tmp_path / "home" / ".cache" / "chc-audit" / "calendar"
    assert not (tmp_path / "relative-cache").exists()
