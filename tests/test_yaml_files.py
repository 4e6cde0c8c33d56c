"""Every YAML file the product reads is read strictly (issue 10, items 1, 4, 17 and 18).

Duplicate keys, alias bombs, deep nesting, impossible dates and YAML 1.1 booleans in the
registry, a landlord's configuration, an answers file or a Code data file: each is one
:class:`AuditError` naming the file (and the line where there is one), never a traceback and
never a silently different value.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audit_lib.assessment.answers_file import load_assessment, save_assessment
from audit_lib.assessment.store import AnswerStore
from audit_lib.code.catalogue import load_catalogue, load_catalogue_file
from audit_lib.config.landlords import load_landlord, load_registry
from audit_lib.core.io import load_yaml
from audit_lib.core.yaml_files import MAX_DEPTH
from audit_lib.errors import AnswerStoreError, CatalogueError, ConfigError

from .conftest import write

CODE = load_catalogue()

DUPLICATED_ANSWER = """\
landlord: l
period: "2024-25"
answers:
  "2024:1.2":
    status: "No"
    commentary: The policy has not been updated.
    actions:
      - {text: Update the policy, owner: Head of CX, due: 2025-09-30}
  "2024:1.3":
    status: "Yes"
  "2024:1.2":
    status: "Yes"
"""


# -- item 1: duplicate keys -------------------------------------------------------------------


def test_duplicate_answer_is_an_error_naming_file_key_and_both_lines(tmp_path):
    path = write(tmp_path / "2024-25.yaml", DUPLICATED_ANSWER)
    with pytest.raises(AnswerStoreError) as caught:
        load_assessment(path, CODE, "l", "2024-25")
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "'2024:1.2' appears twice, at lines 4 and 11" in message


def test_nothing_is_saved_over_a_file_with_a_duplicate_key(tmp_path):
    path = write(tmp_path / "2024-25.yaml", DUPLICATED_ANSWER)
    before = path.read_bytes()
    with pytest.raises(AnswerStoreError, match="appears twice"):
        AnswerStore(path, CODE, "l", "2024-25", user="ann")
    assessment = load_assessment(tmp_path / "missing.yaml", CODE, "l", "2024-25")
    with pytest.raises(AnswerStoreError, match="appears twice"):
        save_assessment(path, assessment)
    assert path.read_bytes() == before
    assert not (tmp_path / "2024-25.history.jsonl").exists()


def test_duplicate_keys_in_the_registry_and_a_landlord_configuration(demo_inputs):
    registry = demo_inputs / "landlords.yaml"
    good = registry.read_text()
    registry.write_text(good.replace("group:\n  name: Northshire Housing Group\n",
                                     "group:\n  name: Northshire Housing Group\n  name: Other\n"))
    with pytest.raises(ConfigError, match=r"landlords.yaml: the key 'name' appears twice, at lines \d+ and \d+"):
        load_registry(demo_inputs)
    registry.write_text(good)
    config = demo_inputs / "riverbend-homes" / "landlord.yaml"
    config.write_text(config.read_text() + "case_log:\n  path: other.csv\n")
    with pytest.raises(ConfigError, match=r"landlord.yaml: the key 'case_log' appears twice, at lines 4 and \d+"):
        load_landlord(demo_inputs, "riverbend-homes")


def test_duplicate_keys_in_a_code_data_file(tmp_path):
    shipped = Path(__file__).resolve().parent.parent / "audit_lib" / "code" / "data" / "code_2024.yaml"
    text = shipped.read_text()
    path = write(tmp_path / "code_2024.yaml", text + text.splitlines(keepends=True)[_first_key_line(text)])
    with pytest.raises(CatalogueError, match=r"code_2024.yaml: the key '\w+' appears twice"):
        load_catalogue_file(path)


def _first_key_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines()) if line and line[0].isalpha())


# -- item 4: bombs ----------------------------------------------------------------------------


def test_aliases_are_refused_in_answers_files(tmp_path):
    path = write(tmp_path / "2024-25.yaml", 'landlord: l\nperiod: "2024-25"\nanswers:\n'
                 '  "2024:1.2": &a {status: "Yes"}\n  "2024:1.3": *a\n')
    with pytest.raises(AnswerStoreError, match=r"2024-25.yaml: an alias \(\*\) at line 5; this file must not use"):
        load_assessment(path, CODE, "l", "2024-25")


def test_an_alias_bomb_is_refused_with_one_line(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    path = write(tmp_path / "landlord.yaml", "\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as caught:
        load_yaml(path, ConfigError)
    assert "aliases expand to more than 1,000 values" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_few_aliases_are_still_allowed_outside_answers(tmp_path):
    path = write(tmp_path / "landlord.yaml", "base: &b {x: 1}\none: *b\ntwo: {<<: *b, y: 2}\n")
    assert load_yaml(path, ConfigError) == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1, "y": 2}}


def test_deep_nesting_in_the_registry_is_one_clear_error(demo_inputs):
    (demo_inputs / "landlords.yaml").write_text("group: " + "[" * 20_000 + "]" * 20_000 + "\n")
    with pytest.raises(ConfigError, match=f"landlords.yaml: nesting deeper than {MAX_DEPTH} levels at line 1"):
        load_registry(demo_inputs)


def test_deeply_nested_answers_are_one_clear_error(tmp_path):
    path = write(tmp_path / "2024-25.yaml", "landlord: l\nanswers:\n" + "".join(
        "  " * n + f"k{n}:\n" for n in range(1, 200)) + "  " * 200 + "x: 1\n")
    with pytest.raises(AnswerStoreError, match="nesting deeper than"):
        load_assessment(path, CODE, "l", "2024-25")


# -- items 17 and 18: impossible dates and YAML 1.1 booleans ----------------------------------


def test_impossible_date_in_the_registry_names_file_and_line(demo_inputs):
    registry = demo_inputs / "landlords.yaml"
    registry.write_text(registry.read_text().replace("name: Calder Vale Housing", "name: 2025-02-31"))
    with pytest.raises(ConfigError) as caught:
        load_registry(demo_inputs)
    message = str(caught.value)
    assert message.startswith(f"{registry}: line 10 (in landlords > 2 > name): '2025-02-31' is not a date")
    assert "expected a real calendar date" in message


def test_impossible_date_in_a_landlord_configuration_names_file_and_line(demo_inputs):
    config = demo_inputs / "riverbend-homes" / "landlord.yaml"
    lines = config.read_text().splitlines(keepends=True)
    config.write_text("".join(lines) + "x: 2025-13-01\n")
    with pytest.raises(ConfigError, match=rf"landlord.yaml: line {len(lines) + 1} \(in x\): '2025-13-01' is not a date"):
        load_landlord(demo_inputs, "riverbend-homes")


def test_impossible_due_date_names_file_line_and_provision(tmp_path):
    path = write(tmp_path / "2024-25.yaml", 'landlord: l\nperiod: "2024-25"\nanswers:\n  "2024:6.2":\n'
                 '    status: "No"\n    actions:\n      - text: Fix the report\n        due: 2025-02-31\n')
    with pytest.raises(AnswerStoreError) as caught:
        load_assessment(path, CODE, "l", "2024-25")
    assert str(caught.value).startswith(
        f"{path}: line 8 (in answers > 2024:6.2 > actions > 1 > due): '2025-02-31' is not a date")


def test_impossible_uk_due_date_names_file_and_provision(tmp_path):
    path = write(tmp_path / "2024-25.yaml", 'landlord: l\nperiod: "2024-25"\nanswers:\n  "2024:6.2":\n'
                 '    status: "No"\n    actions:\n      - {text: Fix, owner: CX, due: 31/02/2025}\n')
    with pytest.raises(AnswerStoreError, match=r"2024-25.yaml: answers.2024:6.2.actions.0.due: .*'31/02/2025' is not"):
        load_assessment(path, CODE, "l", "2024-25")


def test_uk_due_date_is_accepted(tmp_path):
    path = write(tmp_path / "2024-25.yaml", 'landlord: l\nperiod: "2024-25"\nanswers:\n  "2024:6.2":\n'
                 '    status: "No"\n    actions:\n      - {text: Fix, owner: CX, due: 30/09/2025}\n')
    action = load_assessment(path, CODE, "l", "2024-25").answer("2024:6.2").actions[0]
    assert action.due == dt.date(2025, 9, 30)


@pytest.mark.parametrize("word", ["on", "off", "On", "OFF"])
def test_status_on_or_off_is_refused_not_turned_into_yes_or_no(tmp_path, word):
    path = write(tmp_path / "2024-25.yaml", f'landlord: l\nperiod: "2024-25"\nanswers:\n  "2024:1.2":\n'
                 f"    status: {word}\n")
    with pytest.raises(AnswerStoreError, match=rf"answers.2024:1.2.status: .*expected one of Yes, Partial, No, N/A; "
                                               rf"found '{word}'"):
        load_assessment(path, CODE, "l", "2024-25")


@pytest.mark.parametrize("word, status", [("Yes", "Yes"), ("No", "No"), ("yes", "Yes"), ("NO", "No")])
def test_bare_yes_and_no_are_the_statuses_they_spell(tmp_path, word, status):
    path = write(tmp_path / "2024-25.yaml", f'landlord: l\nperiod: "2024-25"\nanswers:\n  "2024:1.2":\n'
                 f"    status: {word}\n")
    assert load_assessment(path, CODE, "l", "2024-25").answer("2024:1.2").status.value == status


def test_yaml_booleans_are_yaml_1_2(tmp_path):
    path = write(tmp_path / "x.yaml", "a: on\nb: yes\nc: true\nd: False\ne: n\n")
    assert load_yaml(path, ConfigError) == {"a": "on", "b": "yes", "c": True, "d": False, "e": "n"}


def test_an_over_long_provision_id_is_not_echoed_in_full(tmp_path):
    long_id = "2024:" + "9" * 5000
    path = write(tmp_path / "2024-25.yaml", f'landlord: l\nperiod: "2024-25"\nanswers:\n  ? "{long_id}"\n'
                 '  : {status: "Yes"}\n')
    with pytest.raises(AnswerStoreError) as caught:
        load_assessment(path, CODE, "l", "2024-25")
    message = str(caught.value)
    assert "not in the 2024 Code" in message
    assert "(5,005 characters)" in message
    assert len(message) < 400


def test_an_over_long_provision_id_given_to_the_store_is_not_echoed_in_full(tmp_path):
    store = AnswerStore(tmp_path / "2024-25.yaml", CODE, "l", "2024-25", user="ann")
    with pytest.raises(CatalogueError) as caught:
        store.change("2024:" + "9" * 5000, "status", "Yes")
    assert "(5,005 characters)" in str(caught.value)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("first, second", [("1", "0x1"), ("1", "+1"), ("10", "012"), ("1.0", "1.00"),
                                           ("2025-01-01 10:00:00", "2025-01-01t10:00:00"), ("null", "~"), ("'a'", '"a"')])
def test_duplicate_keys_are_compared_as_the_values_they_are_read_as(tmp_path, first, second):
    path = write(tmp_path / "x.yaml", f"counts:\n  {first}: 5\n  {second}: 7\n")
    with pytest.raises(ConfigError, match=r"appears twice, at lines 2 and 3 \(in counts\)"):
        load_yaml(path, ConfigError)


def test_keys_that_only_look_alike_are_not_duplicates(tmp_path):
    path = write(tmp_path / "x.yaml", "a: 1\n'1': 2\n1: 3\nA: 4\n")
    assert load_yaml(path, ConfigError) == {"a": 1, "1": 2, 1: 3, "A": 4}


def test_an_impossible_date_as_a_key_is_one_clear_error(tmp_path):
    path = write(tmp_path / "x.yaml", "dates:\n  2025-02-31: closed\n")
    with pytest.raises(ConfigError, match=r"line 2 \(in dates\): '2025-02-31' is not a date"):
        load_yaml(path, ConfigError)


def test_windows_line_endings_are_read_as_they_are(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\r\nb: two\r\n")
    assert load_yaml(path, ConfigError) == {"a": 1, "b": "two"}
    from audit_lib.core.yaml_files import load_yaml_document

    assert load_yaml_document(path, ConfigError).text == "a: 1\r\nb: two\r\n"
