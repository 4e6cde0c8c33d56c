"""core.io: atomic writes keep the old file or the new one, never half; file modes as open() would."""

from __future__ import annotations

import os
import stat

import pytest

from audit_lib.core.io import atomic_write_text, sha256_of


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    old = os.umask(0o077)
    try:
        atomic_write_text(tmp_path / "private.txt", "x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "private.txt") == 0o600
    path = atomic_write_text(tmp_path / "sub" / "file.txt", "one")
    os.chmod(path, 0o640)
    atomic_write_text(path, "two")
    assert path.read_text() == "two" and _mode(path) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = atomic_write_text(tmp_path / "file.txt", "old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(path, "bad \udc80 surrogate")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_sha256_of_a_missing_file_is_none(tmp_path):
    assert sha256_of(tmp_path / "nothing") is None
    atomic_write_text(tmp_path / "a", "abc")
    assert sha256_of(tmp_path / "a") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize("text, message", [
    ("a: 1\n\tb: 2\n", "found character '\\t' that cannot start any token"),
    ("a: [1, 2\n", "expected ',' or ']', but got '<stream end>'"),
])
def test_yaml_errors_name_the_line_and_say_what_is_wrong(tmp_path, text, message):
    from audit_lib.core.io import load_yaml
    from audit_lib.errors import ConfigError

    path = tmp_path / "landlord.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_yaml(path, ConfigError)
    assert "not valid YAML at line" in str(caught.value) and message in str(caught.value)
