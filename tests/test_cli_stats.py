import json
import re

import pytest
import yaml

from audit_lib.cli import main
from audit_lib.code.catalogue import add_code_folder, remove_code_folder
from audit_lib.stats.provision_figures import provision_figures
from audit_lib.stats.quarterly import quarterly_table
from audit_lib.workbook.facade import open_workbook
from tests.test_stats import SLOW, write_slow_code

REQUIRED = ("stage1_received", "stage2_received", "refused", "stage1_ack_on_time_pct", "stage2_ack_on_time_pct",
            "stage1_responded", "stage1_responded_on_time", "tsm_ch02_stage1_pct", "stage2_responded",
            "stage2_responded_on_time", "tsm_ch02_stage2_pct", "tsm_ch01_stage1_per_1000",
            "tsm_ch01_stage2_per_1000", "quarters", "excluded_rows")


def test_stats_for_a_landlord_json(demo_inputs, capsys):
    assert main(["stats", "riverbend-homes", "--period", "2024-25", "--inputs", str(demo_inputs), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(key in data for key in REQUIRED)
    # 627 rows = 626 complaints + 1 row repeating another's; 5 more problems keep complaints out of some figures
    assert (data["rows_read"], data["complaints_counted"], data["excluded_rows"]) == (627, 626, 1)
    assert data["stage1_received"] == 536  # every complaint with a date received in the year
    assert data["extension_policy"] == "good_reason" and data["response_deadline"] == "from_earlier"
    assert sum(data["quarters"][q]["stage1_received"] for q in ("Q1", "Q2", "Q3", "Q4")) == data["stage1_received"]
    assert data["tsm_ch01_stage1_per_1000"] == round(data["stage1_received"] / 12, 1)
    assert data["quarters"]["Q1"]["service_requests"] == 1204 and data["service_requests"] == 5029
    assert data["local_targets"] == {"stage1_acknowledge": 3}
    text = json.dumps(data)
    assert "@example.org" not in text and "Tenant" not in text


def test_stats_for_a_file_matches_the_landlord_figures(demo_inputs, capsys):
    main(["stats", "moorside-almshouses", "--period", "2024-25", "--inputs", str(demo_inputs), "--json"])
    by_landlord = json.loads(capsys.readouterr().out)
    main(["stats", "--cases", str(demo_inputs / "moorside-almshouses" / "complaints.csv"), "--homes", "400",
          "--period", "2024-25", "--json"])
    by_file = json.loads(capsys.readouterr().out)
    # the landlord lists its own categories, channels and refusal reasons (landlord.yaml); a bare
    # file has no such list, so its rare words are counted as Other (docs/figures.md)
    worded = ("categories", "channels", "refused_by_reason")
    assert {k: v for k, v in by_file.items() if k not in worded} == \
        {k: v for k, v in by_landlord.items() if k not in worded}
    for key in worded:
        assert sum(by_file[key].values()) == sum(by_landlord[key].values())
        assert "Other" not in by_landlord[key]
    assert by_file["categories"]["Other"] == 7 and by_landlord["categories"]["Damp and mould"] == 2


def test_stats_table(demo_inputs, capsys):
    assert main(["stats", "calder-vale-housing", "--period", "2024-25", "--inputs", str(demo_inputs)]) == 0
    out = capsys.readouterr().out
    assert "TSM CH02: within Code timescales, of stage 1 responses issued" in out and "Q4" in out
    assert "260 rows read = 260 complaints counted + 0 rows excluded whole" in out  # 2023-24 and 2024-25
    assert re.search(r"Stage 1 acknowledgements on time: \d+\.\d%, \d+ of \d+ acknowledgements made or due in "
                     r"the period\.", out)


@pytest.mark.parametrize(
    "args, message",
    [
        (["stats", "--period", "2024-25"], "name a landlord"),
        (["stats", "--cases", "x.csv", "--period", "2024-25"], "give --homes"),
        (["stats", "--cases", "missing.csv", "--homes", "10", "--period", "2024-25"], "case log not found"),
        (["stats", "../x", "--period", "2024-25"], "invalid landlord id"),
        (["stats", "riverbend-homes", "--period", "24-25"], "invalid period"),
    ],
)
def test_stats_errors(args, message, capsys, demo_inputs):
    assert main([*args, "--inputs", str(demo_inputs)] if "--cases" not in args else args) == 2
    assert message in capsys.readouterr().err


def test_provision_figures_and_quarterly_table(demo_inputs):
    wb = open_workbook("riverbend-homes", "2024-25", demo_inputs)
    figures = provision_figures(wb.stats)
    ack = wb.stats.year.stage1_ack
    assert figures["6.2"][0] == (f"{ack.pct:.1f}% of stage 1 acknowledgements within 5 working days on time "
                                 f"({ack.on_time} of {ack.total} made or due in the period; {ack.late} late).")
    assert "local target of 3 working days" in figures["6.2"][1]
    assert {"2.1", "6.3", "6.4", "6.11", "6.13", "6.14", "6.15", "8.1"} <= set(figures)
    headings, rows = quarterly_table(wb.stats)
    assert headings == ["Q1", "Q2", "Q3", "Q4", "2024-25"]
    labels = [label for label, _ in rows]
    assert ("Acknowledged within 3 working days (local target), of stage 1 acknowledgements made or due"
            in labels)
    assert all(len(cells) == 5 for _, cells in rows)


@pytest.fixture
def slow_landlord(demo_inputs, tmp_path):
    """The demo inputs with Moorside Almshouses on the :data:`~tests.test_stats.SLOW` Code version."""
    folder = tmp_path / "code"
    folder.mkdir()
    write_slow_code(folder)
    add_code_folder(folder)
    registry = demo_inputs / "landlords.yaml"
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for entry in data["landlords"]:
        if entry["id"] == "moorside-almshouses":
            entry["code"] = SLOW
    registry.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    yield demo_inputs
    remove_code_folder(folder)


def test_a_landlord_s_figures_use_its_code_version(slow_landlord, capsys):
    main(["stats", "moorside-almshouses", "--period", "2024-25", "--inputs", str(slow_landlord), "--json"])
    by_landlord = json.loads(capsys.readouterr().out)
    main(["stats", "--cases", str(slow_landlord / "moorside-almshouses" / "complaints.csv"), "--homes", "400",
          "--period", "2024-25", "--json"])
    by_file = json.loads(capsys.readouterr().out)  # a case-log file alone is measured against the 2024 Code
    wb = open_workbook("moorside-almshouses", "2024-25", slow_landlord)
    assert (wb.catalogue.code, wb.stats.code) == (SLOW, SLOW)
    assert by_landlord == wb.stats.to_json()
    assert ("An extension communicated to the resident counts up to the Code's limit (5 working days at stage 1"
            in by_landlord["definitions"]["extensions"])
    assert ("An extension communicated to the resident counts up to the Code's limit (10 working days at stage 1"
            in by_file["definitions"]["extensions"])
    figures = by_landlord["stage1_response"], by_file["stage1_response"]
    assert figures[0] != figures[1], figures
