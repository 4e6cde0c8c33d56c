"""The qualitative analysis written from the case data: hand-worked sentences on the log of
``tests/test_annual_analysis.py`` (its docstring works out the figures) and on edited copies of
its analysis for the other cases."""

from __future__ import annotations

import dataclasses

import pytest

from audit_lib.annual import UPHELD_MIN_RESPONSES, CategoryRow, suggested_themes
from audit_lib.annual.themes import THEME_CATEGORIES
from tests.test_annual_analysis import CASES_2023, CASES_2024, RARE, RARE_REASON, SCRIPT, load


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    return load(tmp_path_factory.mktemp("themes"), CASES_2023 + CASES_2024).analysis()


def test_the_sentences_from_the_hand_worked_log(analysis):
    assert suggested_themes(analysis) == [
        "16 stage 1 complaints were received in 2024-25 (16.0 per 1,000 homes, TSM CH01), against 9 in 2023-24 "
        "(up 7).",
        "Compared with 2023-24, the categories of stage 1 complaints that grew most were Communication (from 1 to 5, "
        f"up 4), Repairs (from 3 to 6, up 3) and {SCRIPT} (from 1 to 2, up 1).",
        "The category that fell most was Damp and mould (from 4 to 2, down 2).",
        "Of the categories with 5 or more stage 1 responses in 2024-25, the highest shares upheld or partly upheld "
        "were Repairs (66.7%, 4 of 6) and Communication (20.0%, 1 of 5).",
        "TSM CH02: 85.7% of the stage 1 responses issued in 2024-25 were within the Code's timescales (12 of 14), "
        "against 88.9% in 2023-24 (8 of 9, measured under the 2022 Code): down 3.2 percentage points.",
        "TSM CH02: 100.0% of the stage 2 responses issued in 2024-25 were within the Code's timescales (1 of 1), "
        "against 100.0% in 2023-24 (1 of 1, measured under the 2022 Code): unchanged.",
        "4 complaints were refused (not accepted) in 2024-25; the main reasons were Legal proceedings have started "
        "(3) and Other (1).",
        "1 complaint was escalated to stage 2 in 2024-25: 7.1% of the 14 stage 1 responses issued in the period, "
        "against 11.1% in 2023-24 (down 4.0 percentage points).",
    ]


def test_no_rare_value_and_no_grouping_named_as_a_theme(analysis):
    text = " ".join(suggested_themes(analysis))
    assert RARE not in text and RARE_REASON not in text
    themes = suggested_themes(analysis)
    assert not any("Other" in sentence for sentence in themes[1:4])  # Other only as a refusal reason
    assert suggested_themes(analysis) == suggested_themes(analysis)  # deterministic


def test_the_upheld_threshold(analysis):
    assert UPHELD_MIN_RESPONSES == 5
    # Communication with 4 responses drops below the threshold: Repairs alone is named
    rows = tuple(dataclasses.replace(r, responded=4) if r.category == "Communication" else r
                 for r in analysis.categories)
    sentence = suggested_themes(dataclasses.replace(analysis, categories=rows))[3]
    assert sentence == ("Only Repairs had 5 or more stage 1 responses in 2024-25: 66.7% of them were upheld or "
                        "partly upheld (4 of 6).")
    rows = tuple(dataclasses.replace(r, responded=min(r.responded, 4)) for r in analysis.categories)
    sentence = suggested_themes(dataclasses.replace(analysis, categories=rows))[3]
    assert sentence == ("No category of dissatisfaction had 5 or more stage 1 responses in 2024-25, too few to say "
                        "which was upheld most.")


def test_ties_are_broken_by_count_then_name(analysis):
    rows = (CategoryRow("Zeta", 10, 5, 10, 5), CategoryRow("Alpha", 6, 1, 6, 3), CategoryRow("Beta", 8, 3, 8, 4),
            CategoryRow("Gamma", 9, 4, 5, 1), CategoryRow("Other", 50, 0, 50, 50))
    themes = suggested_themes(dataclasses.replace(analysis, categories=rows))
    # every one grew by 5: the most received first; Other is never named
    assert themes[1] == ("Compared with 2023-24, the categories of stage 1 complaints that grew most were Zeta "
                         "(from 5 to 10, up 5), Gamma (from 4 to 9, up 5) and Beta (from 3 to 8, up 5).")
    assert THEME_CATEGORIES == 3 and "Alpha" not in themes[1]
    # 50.0% each: the most upheld first, then by name
    assert themes[2] == ("Of the categories with 5 or more stage 1 responses in 2024-25, the highest shares upheld or "
                         "partly upheld were Zeta (50.0%, 5 of 10), Beta (50.0%, 4 of 8) and Alpha (50.0%, 3 of 6).")


def test_nothing_changed(analysis):
    rows = tuple(dataclasses.replace(r, previous=r.received) for r in analysis.categories)
    assert suggested_themes(dataclasses.replace(analysis, categories=rows))[1] == (
        "No category of dissatisfaction changed in number between 2023-24 and 2024-25.")


def test_a_log_of_this_period_only(tmp_path):
    themes = suggested_themes(load(tmp_path, CASES_2024).analysis())
    assert themes[0] == "16 stage 1 complaints were received in 2024-25 (16.0 per 1,000 homes, TSM CH01)."
    assert themes[1] == ("The case log does not cover 2023-24, so the categories of dissatisfaction are not compared "
                         "with it.")
    assert themes[3] == ("TSM CH02: 85.7% of the stage 1 responses issued in 2024-25 were within the Code's "
                         "timescales (12 of 14).")
    assert themes[-1] == "1 complaint was escalated to stage 2 in 2024-25: 7.1% of the 14 stage 1 responses issued in the period."


def test_a_previous_period_covered_in_part_is_not_compared(tmp_path):
    themes = suggested_themes(load(tmp_path, CASES_2023[4:] + CASES_2024).analysis())
    assert themes[0].endswith("(16.0 per 1,000 homes, TSM CH01).")
    assert themes[1] == ("The case log covers only part of 2023-24, so the categories of dissatisfaction are not "
                         "compared between 2023-24 and 2024-25.")
    assert "against" not in " ".join(themes)


def test_no_response_no_refusal_no_escalation(tmp_path):
    # one complaint, acknowledged, not yet answered
    themes = suggested_themes(load(tmp_path, [CASES_2024[13]]).analysis())
    assert themes == [
        "1 stage 1 complaint was received in 2024-25 (1.0 per 1,000 homes, TSM CH01).",
        "The case log does not cover 2023-24, so the categories of dissatisfaction are not compared with it.",
        "No category of dissatisfaction had 5 or more stage 1 responses in 2024-25, too few to say which was upheld "
        "most.",
        "No stage 1 response was issued in 2024-25.",
        "No stage 2 response was issued in 2024-25.",
        "No complaint was refused (not accepted) in 2024-25.",
        "No complaint was escalated to stage 2 in 2024-25, and no stage 1 response was issued in it.",
    ]
