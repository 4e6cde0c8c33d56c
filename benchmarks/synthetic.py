"""Synthetic canonical case logs of any size, generated with whole-column operations.

The mix follows ``scripts/generate_demo_data.py`` (same delays and extension sizes, and the
categories, channels, refusal reasons and outcome weights of ``scripts/demo_vocabulary.py``)
but spreads receipts over 1 January 2023 to 31 March 2026 and exports on :data:`EXPORT_DATE`,
so cases cross every period and quarter boundary and many are still open at export. It also
adds what a large real export contains and the demo logs barely do: receipts on weekends and
bank holidays, refused complaints that were first acknowledged, complaints never
acknowledged, withdrawals with and without a closing letter, extensions beyond the Code's
limits, Ombudsman referrals after stage 1 only, a mix of Ombudsman determinations covering
every one, compensation in pence, blank categories, handlers (a few the same at both stages),
reasonable-adjustment flags, complaint failure orders, remedies on some upheld complaints (a few
"None" or "-"), whether an extension had good reason
(``stageN_extension_good_reason``: mostly blank; "yes", "no", "Yes" or "N" on some rows with an
extension, most often where it is beyond the Code's limit; "maybe" on a very few), a housing
system's own outcome words outside the Code's vocabulary ("Resolved", "Justified", ...) on a
few responses, and the rows validation must deal with: steps out of order (acknowledged before
receipt) and case references used more than once: a few identical copies of a row, a few
copies differing in a stage 2 field or the stage 1 outcome, and one or two copies differing in
the date received.

``case_log_frame(n, seed)`` returns the export of ``n`` complaints (plus the copies, each
right after the row it copies) with real dates (``datetime64`` with NaT),
nullable integer extensions and float compensation, as a Parquet file holds it;
``write_parquet`` and ``write_csv`` write it (the CSV with ``dd/mm/yyyy`` dates, blanks as
empty cells and compensation as ``£1,234.56``). Both files hold the same complaints and
validate to the same cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from audit_lib.cases.schema import CANONICAL_COLUMNS, DATE_COLUMNS, OUTCOMES
from audit_lib.core.calendar import add_working_days
from scripts.demo_vocabulary import CATEGORIES, CHANNELS, REFUSED_REASONS, STAGE1_OUTCOMES, STAGE2_OUTCOMES

FIRST_RECEIVED = dt.date(2023, 1, 1)
LAST_RECEIVED = dt.date(2026, 3, 31)
EXPORT_DATE = dt.date(2026, 4, 10)
#: Every Ombudsman determination, so the figures for each are exercised (the demo's mix has fewer).
OMBUDSMAN = {
    "No maladministration": 0.28, "Service failure": 0.24, "Maladministration": 0.28,
    "Reasonable redress": 0.10, "Severe maladministration": 0.05, "Outside jurisdiction": 0.03,
    "Withdrawn": 0.02,
}
COMPENSATION = np.array([25, 50, 75.5, 100, 150, 250, 400, 1234.56, 35.99])
COLUMNS = (*CANONICAL_COLUMNS, "channel", "stage1_handler", "stage2_handler", "reasonable_adjustment",
           "complaint_failure_order", "stage1_extension_good_reason", "stage2_extension_good_reason", "remedy")
#: What a housing system records as done to put a complaint right (free text; "None" and "-" say nothing was).
REMEDIES = np.array(["Apology and repair booked", "Apology", "Repair completed; apology given", "None", "-"],
                    dtype=object)
#: The Code's limits on an extension without good reason (stage 1, stage 2), in working days.
EXTENSION_LIMITS = (10, 20)
#: How a housing system records whether an extension had good reason (blank most often).
GOOD_REASON_WORDS = np.array(["yes", "no", "Yes", "N"], dtype=object)
#: A housing system's own outcome words, outside the Code's vocabulary (read as "not recorded"
#: unless the landlord maps them).
SYSTEM_OUTCOMES = np.array(["Resolved", "Justified", "Not justified", "No further action"], dtype=object)
HANDLERS = np.array([f"CX{k:02d}" for k in range(1, 41)], dtype=object)


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()))
    return names[rng.choice(len(names), size=size, p=p / p.sum())]


def _delays(rng: np.random.Generator, size: int, on_time_max: int, late_share: float, late_max: int) -> np.ndarray:
    on_time = rng.integers(0, on_time_max + 1, size=size)
    late = rng.integers(on_time_max + 1, late_max + 1, size=size)
    return np.where(rng.random(size) < late_share, late, on_time)


def case_log_frame(n: int, seed: int = 2024) -> pd.DataFrame:
    """``n`` complaints as a housing system with real date cells would export them."""
    rng = np.random.default_rng(seed)
    export = np.datetime64(EXPORT_DATE, "D")
    nat = np.datetime64("NaT", "D")
    span = (LAST_RECEIVED - FIRST_RECEIVED).days + 1
    received = np.datetime64(FIRST_RECEIVED, "D") + np.sort(rng.integers(0, span, size=n)).astype("timedelta64[D]")

    refused = rng.random(n) < 0.04
    accepted = ~refused
    never_acknowledged = accepted & (rng.random(n) < 0.01)

    ack = add_working_days(received, _delays(rng, n, 4, 0.08, 9))
    ack_known = (accepted & ~never_acknowledged | refused & (rng.random(n) < 0.3)) & (ack <= export)
    ext1 = np.where(accepted & (rng.random(n) < 0.14), rng.choice([5, 8, 10, 10, 15, 20], size=n), 0)
    resp1 = add_working_days(ack, _delays(rng, n, 10, 0.11, 16) + np.minimum(ext1, rng.integers(0, 21, size=n)))
    outcome1 = _choice(rng, STAGE1_OUTCOMES, n)
    withdrawn1_early = (outcome1 == "withdrawn") & (rng.random(n) < 0.5)  # withdrawn before any response
    resp1_known = accepted & ack_known & ~withdrawn1_early & (resp1 <= export)

    escalated = resp1_known & (outcome1 != "withdrawn") & (rng.random(n) < 0.17)
    req2 = resp1 + rng.integers(1, 35, size=n).astype("timedelta64[D]")
    req2_known = escalated & (req2 <= export)
    ack2 = add_working_days(req2, _delays(rng, n, 4, 0.08, 8))
    ack2_known = req2_known & (ack2 <= export) & (rng.random(n) > 0.01)
    ext2 = np.where(ack2_known & (rng.random(n) < 0.18), rng.choice([10, 15, 20, 20, 25, 30], size=n), 0)
    resp2 = add_working_days(ack2, _delays(rng, n, 20, 0.11, 30) + np.minimum(ext2, rng.integers(0, 31, size=n)))
    outcome2 = _choice(rng, STAGE2_OUTCOMES, n)
    withdrawn2_early = (outcome2 == "withdrawn") & (rng.random(n) < 0.5)
    resp2_known = ack2_known & ~withdrawn2_early & (resp2 <= export)

    to_ombudsman = (resp2_known & (rng.random(n) < 0.12)) | (resp1_known & ~escalated & (rng.random(n) < 0.005))
    upheld = np.isin(outcome1, ["upheld", "partly upheld"]) & resp1_known
    compensation = np.where(upheld & (rng.random(n) < 0.55), COMPENSATION[rng.integers(0, len(COMPENSATION), size=n)], 0.0)

    category = _choice(rng, CATEGORIES, n)
    category[rng.random(n) < 0.01] = ""
    reasons = np.array(REFUSED_REASONS, dtype=object)[rng.integers(0, len(REFUSED_REASONS), size=n)]
    cfo = np.where(rng.random(n) < 0.002, "CFO-" + pd.Series(np.arange(n)).astype(str).to_numpy(dtype=object), "")
    handler1 = HANDLERS[rng.integers(0, len(HANDLERS), size=n)]
    # stage 2 should be someone else; a few are not, some keyed in another case
    handler2 = np.where(rng.random(n) < 0.05, handler1, HANDLERS[rng.integers(0, len(HANDLERS), size=n)])
    handler2 = np.where(rng.random(n) < 0.2, np.char.lower(handler2.astype(str)).astype(object), handler2)
    adjustment = np.array(["", "Y", "Yes", "N", "no"], dtype=object)[
        rng.choice(5, size=n, p=[0.80, 0.05, 0.02, 0.10, 0.03])]

    def dates(values: np.ndarray, known: np.ndarray) -> pd.Series:
        return pd.Series(np.where(known, values, nat).astype("datetime64[ns]"))

    frame = pd.DataFrame(
        {
            "case_id": "SY-" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7),
            "received": dates(received, np.ones(n, bool)),
            "stage1_acknowledged": dates(ack, ack_known),
            "stage1_responded": dates(resp1, resp1_known),
            "stage1_extension_days": pd.array(np.where(ack_known & accepted, ext1, 0), dtype="Int64"),
            "stage2_requested": dates(req2, req2_known),
            "stage2_acknowledged": dates(ack2, ack2_known),
            "stage2_responded": dates(resp2, resp2_known),
            "stage2_extension_days": pd.array(ext2, dtype="Int64"),
            "stage1_outcome": np.where(resp1_known | (accepted & withdrawn1_early), outcome1, ""),
            "stage2_outcome": np.where(resp2_known | (ack2_known & withdrawn2_early), outcome2, ""),
            "category": category,
            "refused_reason": np.where(refused, reasons, ""),
            "ombudsman_outcome": np.where(to_ombudsman, _choice(rng, OMBUDSMAN, n), ""),
            "compensation": compensation,
            "channel": _choice(rng, CHANNELS, n),
            "stage1_handler": np.where(ack_known, handler1, ""),
            "stage2_handler": np.where(ack2_known, handler2, ""),
            "reasonable_adjustment": adjustment,
            "complaint_failure_order": cfo,
        }
    )
    # whether an extension had good reason: recorded most often where it is beyond the limit
    for stage, limit in zip((1, 2), EXTENSION_LIMITS):
        days = frame[f"stage{stage}_extension_days"].to_numpy(dtype=np.int64)
        beyond, within = days > limit, (days > 0) & (days <= limit)
        recorded = beyond & (rng.random(n) < 0.6) | within & (rng.random(n) < 0.08)
        words = GOOD_REASON_WORDS[rng.choice(len(GOOD_REASON_WORDS), size=n, p=[0.45, 0.2, 0.2, 0.15])]
        reason = np.where(recorded, words, "")
        frame[f"stage{stage}_extension_good_reason"] = np.where((days > 0) & (rng.random(n) < 0.01), "maybe", reason)
    # the housing system's own words for a few outcomes
    for column in ("stage1_outcome", "stage2_outcome"):
        own = (frame[column] != "").to_numpy() & (frame[column] != "withdrawn").to_numpy() & (rng.random(n) < 0.01)
        frame.loc[own, column] = SYSTEM_OUTCOMES[rng.integers(0, len(SYSTEM_OUTCOMES), size=int(own.sum()))]
    # extensions recorded only where one was agreed; blank otherwise
    for column in ("stage1_extension_days", "stage2_extension_days"):
        frame.loc[frame[column] == 0, column] = pd.NA
    # what was done to put things right: on some upheld complaints, a few saying "None"; drawn from a
    # generator of its own so that every other column is what it was before the column was added
    extra = np.random.default_rng([seed, 71])
    upheld_any = np.isin(frame["stage1_outcome"], ["upheld", "partly upheld"]) \
        | np.isin(frame["stage2_outcome"], ["upheld", "partly upheld"])
    frame["remedy"] = np.where(upheld_any & (extra.random(n) < 0.5),
                               REMEDIES[extra.choice(len(REMEDIES), size=n, p=[0.4, 0.3, 0.2, 0.05, 0.05])], "")
    # steps out of order: acknowledged before receipt
    bad = rng.choice(n, size=max(1, n // 2000), replace=False)
    frame.loc[bad, "stage1_acknowledged"] = frame.loc[bad, "received"] - pd.Timedelta(days=3)
    return _with_copies(frame, rng)[list(COLUMNS)]


def _with_copies(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The export with some complaints keyed twice, each copy right after the row it copies: a
    few identical, a few differing in the stage 1 outcome or the stage 2 request date, and one
    or two differing in the date received."""
    n = len(frame)
    few = max(2, n // 2000)
    taken = np.zeros(n, bool)

    def pick(eligible: np.ndarray, size: int) -> np.ndarray:
        rows = np.flatnonzero(eligible & ~taken)
        rows = rng.choice(rows, size=min(size, len(rows)), replace=False) if len(rows) else rows
        taken[rows] = True
        return np.sort(rows)

    everyone = np.ones(n, bool)
    identical = pick(everyone, few)
    outcome = pick((frame["stage1_outcome"] != "").to_numpy(), (few + 1) // 2)
    stage2 = pick(frame["stage2_requested"].notna().to_numpy(), few // 2)
    received = pick(everyone, 1 if n < 5000 else 2)

    copies = frame.iloc[np.concatenate([identical, outcome, stage2, received])].copy()
    k1, k2, k3 = len(identical), len(outcome), len(stage2)
    position = copies.columns.get_loc
    words = np.array(sorted(set(OUTCOMES) - {"withdrawn"}), dtype=object)
    current = copies.iloc[k1:k1 + k2, position("stage1_outcome")].to_numpy(dtype=object)
    copies.iloc[k1:k1 + k2, position("stage1_outcome")] = np.where(current == words[0], words[1], words[0])
    copies.iloc[k1 + k2:k1 + k2 + k3, position("stage2_requested")] += pd.Timedelta(days=1)
    copies.iloc[k1 + k2 + k3:, position("received")] -= pd.Timedelta(days=7)

    order = np.argsort(np.concatenate([np.arange(n), copies.index.to_numpy()]), kind="stable")
    return pd.concat([frame, copies]).iloc[order].reset_index(drop=True)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_parquet(path, index=False)
    return path


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """The same export as a CSV: ``dd/mm/yyyy`` dates, blank cells, ``£1,234.56`` amounts."""
    text = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in DATE_COLUMNS:
            text[column] = values.dt.strftime("%d/%m/%Y").fillna("")
        elif column.endswith("_extension_days"):
            text[column] = values.astype("string").fillna("")
        elif column == "compensation":
            text[column] = "£" + values.map("{:,.2f}".format)
        else:
            text[column] = values
    text.to_csv(path, index=False)
    return path
