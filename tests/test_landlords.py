import pytest

from audit_lib.config.landlords import load_landlord, load_registry
from audit_lib.core.periods import Period
from audit_lib.errors import ConfigError, InvalidIdError

from .conftest import DEMO_IDS, write


def test_demo_registry(demo_inputs):
    registry = load_registry(demo_inputs)
    assert [e.id for e in registry.landlords] == list(DEMO_IDS)
    assert [e.homes for e in registry.landlords] == [12000, 3500, 400, 900]


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


REGISTRY = "group: {{name: G}}\nlandlords:\n  - {{id: a, name: {name}, homes: {homes}{extra}}}\n"


@pytest.mark.parametrize(
    "homes, message",
    [
        ("true", r"landlords\.0\.homes: Input should be a valid integer"),  # would be 1 home: CH01 x 12,000
        ("false", r"landlords\.0\.homes: Input should be a valid integer"),
        ("'12000'", r"landlords\.0\.homes: Input should be a valid integer"),
        ("12000.0", r"landlords\.0\.homes: Input should be a valid integer"),
        ("12000.5", r"landlords\.0\.homes: Input should be a valid integer"),
        ("0", r"landlords\.0\.homes: Input should be greater than 0"),
    ],
)
def test_homes_must_be_a_positive_whole_number(tmp_path, homes, message):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name="A", homes=homes, extra=""))
    with pytest.raises(ConfigError, match=message):
        load_registry(tmp_path)


@pytest.mark.parametrize("name", ["'   '", "''", "'\t'"])
def test_blank_names_are_refused(tmp_path, name):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name=name, homes=10, extra=""))
    with pytest.raises(ConfigError, match=r"landlords\.0\.name: .*expected a name .* found a blank one"):
        load_registry(tmp_path)
    write(tmp_path / "landlords.yaml", f"group: {{name: {name}}}\nlandlords:\n  - {{id: a, name: A, homes: 1}}\n")
    with pytest.raises(ConfigError, match=r"group\.name: .*blank"):
        load_registry(tmp_path)


def test_names_are_trimmed(tmp_path):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name="'  Riverbend   Homes '", homes=10, extra=""))
    assert load_registry(tmp_path).landlords[0].name == "Riverbend Homes"


def test_a_number_is_not_a_name(tmp_path):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name="2024", homes=10, extra=""))
    with pytest.raises(ConfigError, match=r"landlords\.0\.name: Input should be a valid string"):
        load_registry(tmp_path)


@pytest.mark.parametrize(
    "text, fragment",
    [
        (REGISTRY.format(name="A", homes=10, extra="").replace("id: a", "id: " + "x" * 5000), "5,000 characters"),
        (REGISTRY.format(name="A", homes=10, extra=", code: " + "c" * 5000), "5,000 characters"),
        (REGISTRY.format(name="'" + "n" * 5000 + "'", homes=10, extra=""), "at most 200 characters"),
    ],
)
def test_over_long_values_are_not_echoed_in_full(tmp_path, text, fragment):
    write(tmp_path / "landlords.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_registry(tmp_path)
    message = str(caught.value)
    assert fragment in message and len(message) < 800, message


@pytest.mark.parametrize("code", ["../../etc", "2024/x", "'   '"])
def test_code_versions_are_short_names(tmp_path, code):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name="A", homes=10, extra=f", code: {code}"))
    with pytest.raises(ConfigError, match=r"landlords\.0\.code: .*expected a Code version"):
        load_registry(tmp_path)


@pytest.mark.parametrize(
    "config, message",
    [
        ("local_targets: {stage1_acknowledge: true}\n", r"local_targets\.stage1_acknowledge: Input should be a valid"),
        ("local_targets: {stage1_respond: '7'}\n", r"local_targets\.stage1_respond: Input should be a valid integer"),
        ("local_targets: {stage2_respond: 15.0}\n", r"local_targets\.stage2_respond: Input should be a valid integer"),
        ("service_requests: {2024-25: {Q1: true}}\n", r"service_requests\.2024-25\.Q1: Input should be a valid"),
        ("service_requests: {2024-25: {Q1: '1204'}}\n", r"service_requests\.2024-25\.Q1: Input should be a valid"),
        ("service_requests: {9999-00: {Q1: 1}}\n", r"service_requests: .*from 2000-01 to 2098-99"),
    ],
)
def test_figures_in_a_landlord_configuration_are_not_coerced(demo_inputs, config, message):
    write(demo_inputs / "moorside-almshouses" / "landlord.yaml", "case_log: {path: complaints.csv}\n" + config)
    with pytest.raises(ConfigError, match=message):
        load_landlord(demo_inputs, "moorside-almshouses")


def test_a_long_unknown_landlord_is_not_echoed_in_full(demo_inputs):
    with pytest.raises(InvalidIdError) as caught:
        load_landlord(demo_inputs, "y" * 5000)
    assert "5,000 characters" in str(caught.value) and len(str(caught.value)) < 400


def test_the_unknown_landlord_message_lists_a_bounded_number_of_ids(tmp_path):
    rows = "".join(f"  - {{id: l{i}, name: L{i}, homes: 1}}\n" for i in range(30))
    write(tmp_path / "landlords.yaml", "group: {name: G}\nlandlords:\n" + rows)
    with pytest.raises(ConfigError, match=r"the registry lists: l0, l1, .*, l19 and 10 more$"):
        load_registry(tmp_path).get("nobody")


@pytest.mark.parametrize("extra, version", [(", code: '2023'", "2023"), (", codes: {2023-24: '1999'}", "1999")])
def test_a_code_version_the_product_does_not_have_is_refused_naming_the_landlord(tmp_path, extra, version):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name="A", homes=10, extra=extra))
    entry = load_registry(tmp_path).landlords[0]  # the registry loads: one landlord's slip stops only that landlord
    with pytest.raises(ConfigError, match=rf"landlord 'a' in landlords.yaml names Code version '{version}' for "
                                          r"2023-24, which the product does not have; expected one of 2020, 2022, 2024"):
        entry.code_for(Period.parse("2023-24"))


def test_a_period_is_assessed_against_the_code_in_force_unless_the_registry_says_otherwise(tmp_path):
    write(tmp_path / "landlords.yaml", REGISTRY.format(name="A", homes=10, extra=", codes: {2023-24: '2024'}"))
    entry = load_registry(tmp_path).landlords[0]
    assert [entry.code_for(Period.parse(p)) for p in ("2021-22", "2022-23", "2023-24", "2024-25")] == [
        "2020", "2022", "2024", "2024"]
