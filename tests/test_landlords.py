import pytest

from audit_lib.config.landlords import load_landlord, load_registry
from audit_lib.errors import ConfigError, InvalidIdError

from .conftest import DEMO_IDS, write


def test_demo_registry(demo_inputs):
    registry = load_registry(demo_inputs)
    assert [e.id for e in registry.landlords] == list(DEMO_IDS)
    assert [e.homes for e in registry.landlords] == [12000, 3500, 400]


def test_demo_landlord_config(demo_inputs):
    landlord = load_landlord(demo_inputs, "riverbend-homes")
    assert landlord.config.local_targets.stage1_acknowledge == 3
    assert landlord.case_log_path.is_file()
    assert landlord.answers_path("2024-25") == demo_inputs / "riverbend-homes" / "answers" / "2024-25.yaml"


def test_unknown_landlord_lists_the_known_ones(demo_inputs):
    with pytest.raises(ConfigError, match="unknown landlord 'nobody'; the registry lists: riverbend-homes"):
        load_landlord(demo_inputs, "nobody")


def test_path_traversal_id_is_refused_before_any_file_is_read(tmp_path):
    with pytest.raises(InvalidIdError):
        load_landlord(tmp_path / "does-not-exist", "../etc")


def test_registry_with_a_bad_id(tmp_path):
    write(tmp_path / "landlords.yaml", "group: {name: G}\nlandlords:\n  - {id: ../x, name: X, homes: 10}\n")
    with pytest.raises(ConfigError, match=r"landlords.yaml: landlords.0.id: .*invalid landlord id"):
        load_registry(tmp_path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("group: {name: G}\nlandlords: [", "not valid YAML at line"),
        ("group: {name: G}\nlandlords:\n  - {id: a, name: A, homes: -3}\n", "homes: Input should be greater than 0"),
        ("group: {name: G}\nlandlords:\n  - {id: a, name: A, homes: 3, hmoes: 4}\n", "hmoes: Extra inputs are not permitted"),
        ("group: {name: G}\nlandlords:\n  - {id: a, name: A, homes: 3}\n  - {id: a, name: B, homes: 3}\n", "appears more than once"),
        ("group: {name: G}\nlandlords: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
    ],
)
def test_malformed_registries(tmp_path, text, message):
    write(tmp_path / "landlords.yaml", text)
    with pytest.raises(ConfigError, match=message):
        load_registry(tmp_path)


def test_missing_registry(tmp_path):
    with pytest.raises(ConfigError, match=r"landlords\.yaml: file not found"):
        load_registry(tmp_path)


@pytest.mark.parametrize(
    "config, message",
    [
        ("case_log: {path: ../../secret.csv}\n", "inside the landlord's inputs folder"),
        ("case_log: {path: c.csv, columns: {Ref: case_number}}\n", "unknown canonical column"),
        ("case_log: {path: c.csv}\nlocal_targets: {stage1_acknowledge: 0}\n", "greater than 0"),
        ("cases: c.csv\n", "case_log: Field required"),
    ],
)
def test_malformed_landlord_configs(demo_inputs, config, message):
    write(demo_inputs / "moorside-almshouses" / "landlord.yaml", config)
    with pytest.raises(ConfigError, match=message):
        load_landlord(demo_inputs, "moorside-almshouses")
