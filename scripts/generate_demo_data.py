"""Generate the demo group's case logs in ``inputs/`` (seeded: the same files every time).

    python scripts/generate_demo_data.py [--inputs inputs]

Each subsidiary gets a year of complaints (2024-25, plus cases received in early 2024 that
were still open on 1 April) as its housing system would export them on 4 April 2025:
realistic volumes (30-60 stage 1 complaints per 1,000 homes, 10-20% escalated), some late
acknowledgements and responses, extensions within and beyond the Code's limits, refused
complaints, Ombudsman outcomes, and, in Riverbend's export, personal-data columns and a
few faulty rows that the workbook must list rather than use.

Calder Vale and Wharfedale, which assessed 2023-24 against the 2022 Code, export both years:
their complaints from 1 April 2023 to 11 February 2024 are drawn from a random stream of their
own (:data:`EARLIER`), handled as the 2022 Code counted them (the stage 2 response from the
escalation request), so the 2024-25 rows are the same whether or not the earlier year is there.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root, when run as a script

from audit_lib.core.calendar import add_working_days
from scripts.demo_vocabulary import CATEGORIES, CHANNELS, REFUSED_REASONS, STAGE1_OUTCOMES, STAGE2_OUTCOMES

EXPORT_DATE = dt.date(2025, 4, 4)
FIRST_RECEIVED = dt.date(2024, 2, 12)
LAST_RECEIVED = dt.date(2025, 3, 31)
#: The earlier year's complaints run from the start of 2023-24 to the day before FIRST_RECEIVED.
EARLIER_FIRST_RECEIVED = dt.date(2023, 4, 1)

#: The demo's Ombudsman determinations and their shares (the benchmarks use a wider mix).
OMBUDSMAN = {
    "No maladministration": 0.30, "Service failure": 0.25, "Maladministration": 0.30,
    "Reasonable redress": 0.10, "Severe maladministration": 0.05,
}
FIRST_NAMES = ("Alex", "Sam", "Jordan", "Priya", "Tom", "Aisha", "Kerry", "Liam", "Mandy", "Olu", "Zofia", "Dev")
SURNAMES = ("Walker", "Hussain", "Clarke", "Nowak", "Patel", "Evans", "Reid", "Okafor", "Lee", "Barnes")
STREETS = ("Mill Lane", "Canal Street", "Moor Road", "Church View", "Beck Side", "Station Road")


@dataclass(frozen=True)
class Profile:
    """How one demo landlord behaves."""

    landlord: str
    homes: int
    per_1000: float  # stage 1 complaints a year per 1,000 homes
    escalation: float  # share of stage 1 responses escalated
    late_ack: float  # share of acknowledgements later than 5 working days
    late_response: float  # share of responses later than the limit
    seed: int


PROFILES = (
    Profile("riverbend-homes", 12000, 46.0, 0.16, 0.10, 0.12, 2024),
    Profile("calder-vale-housing", 3500, 38.0, 0.13, 0.06, 0.09, 2025),
    Profile("moorside-almshouses", 400, 42.0, 0.12, 0.05, 0.08, 2026),
    Profile("wharfedale-community-homes", 900, 50.0, 0.14, 0.07, 0.11, 2031),
)
#: How the landlords that export 2023-24 too behaved that year (under the 2022 Code), each drawn
#: from its own seed: Calder Vale was slower then (more late acknowledgements and responses).
EARLIER = {
    "calder-vale-housing": Profile("calder-vale-housing", 3500, 36.0, 0.15, 0.10, 0.15, 2023),
    "wharfedale-community-homes": Profile("wharfedale-community-homes", 900, 47.0, 0.12, 0.08, 0.12, 2042),
}


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = list(weights)
    p = np.array(list(weights.values()))
    return rng.choice(names, size=size, p=p / p.sum())


def _delays(rng: np.random.Generator, size: int, on_time_max: int, late_share: float, late_max: int) -> np.ndarray:
    """Working-day delays: most within ``on_time_max``, a share late by up to ``late_max``."""
    on_time = rng.integers(0, on_time_max + 1, size=size)
    late = rng.integers(on_time_max + 1, late_max + 1, size=size)
    return np.where(rng.random(size) < late_share, late, on_time)


def _dates(values: np.ndarray, present: np.ndarray) -> list[dt.date | None]:
    """datetime64 values as dates, blank where not present or not yet happened at export."""
    out: list[dt.date | None] = []
    for value, keep in zip(values, present):
        day = value.astype("datetime64[D]").astype(dt.date) if keep and not np.isnat(value) else None
        out.append(day if day is not None and day <= EXPORT_DATE else None)
    return out


def simulate(profile: Profile, first: dt.date = FIRST_RECEIVED, last: dt.date = LAST_RECEIVED,
             code: str = "2024") -> list[dict[str, object]]:
    """One landlord's complaints received from ``first`` to ``last`` as canonical records (dates as
    ``datetime.date`` or None). Under the 2024 Code the stage 2 response is timed from its
    acknowledgement; under ``code`` "2022" from the escalation request, as that Code counts it."""
    rng = np.random.default_rng(profile.seed)
    span = (last - first).days + 1
    n = round(profile.per_1000 * profile.homes / 1000 * span / 365)
    offsets = np.sort(rng.integers(0, span, size=n))
    received = np.datetime64(first) + offsets.astype("timedelta64[D]")
    refused = rng.random(n) < 0.04
    accepted = ~refused

    ack = add_working_days(received, _delays(rng, n, 4, profile.late_ack, 9))
    ext1 = np.where(rng.random(n) < 0.14, rng.choice([5, 8, 10, 10, 15], size=n), 0)
    respond_delay = _delays(rng, n, 10, profile.late_response, 16) + np.minimum(ext1, rng.integers(0, 16, size=n))
    resp1 = add_working_days(ack, respond_delay)
    outcome1 = _choice(rng, STAGE1_OUTCOMES, n)

    escalated = accepted & (outcome1 != "withdrawn") & (rng.random(n) < profile.escalation / 0.94)
    req2 = resp1 + rng.integers(1, 35, size=n).astype("timedelta64[D]")
    ack2 = add_working_days(req2, _delays(rng, n, 4, profile.late_ack, 8))
    ext2 = np.where(rng.random(n) < 0.18, rng.choice([10, 15, 20, 20, 25], size=n), 0)
    resp2 = add_working_days(ack2 if code == "2024" else req2,
                             _delays(rng, n, 20, profile.late_response, 30) + np.minimum(ext2, rng.integers(0, 26, size=n)))
    outcome2 = _choice(rng, STAGE2_OUTCOMES, n)
    to_ombudsman = escalated & (rng.random(n) < 0.12)
    ombudsman = _choice(rng, OMBUDSMAN, n)

    categories = _choice(rng, CATEGORIES, n)
    channels = _choice(rng, CHANNELS, n)
    staff = [f"CX{k:02d}" for k in range(1, 9)]
    handler1 = rng.choice(staff, size=n)
    handler2 = rng.choice(staff, size=n)
    upheld = np.isin(outcome1, ["upheld", "partly upheld"])
    compensation = np.where(upheld & (rng.random(n) < 0.55), rng.choice([25, 50, 75, 100, 150, 250, 400], size=n), 0)

    received_d = _dates(received, np.ones(n, bool))
    ack_d = _dates(ack, accepted)
    resp1_d = _dates(resp1, accepted & (outcome1 != "") & (ack <= np.datetime64(EXPORT_DATE)))
    req2_d = _dates(req2, escalated & np.array([d is not None for d in resp1_d]))
    ack2_d = _dates(ack2, np.array([d is not None for d in req2_d]))
    resp2_d = _dates(resp2, np.array([d is not None for d in ack2_d]))

    records = []
    for i in range(n):
        responded1 = resp1_d[i] is not None
        responded2 = resp2_d[i] is not None
        records.append(
            {
                "case_id": f"{profile.landlord[:2].upper()}-{received_d[i]:%y%m}-{i + 1:04d}",
                "received": received_d[i],
                "stage1_acknowledged": ack_d[i],
                "stage1_responded": resp1_d[i],
                "stage1_extension_days": int(ext1[i]) if accepted[i] and ext1[i] and ack_d[i] else None,
                "stage2_requested": req2_d[i],
                "stage2_acknowledged": ack2_d[i],
                "stage2_responded": resp2_d[i],
                "stage2_extension_days": int(ext2[i]) if ext2[i] and ack2_d[i] else None,
                "stage1_outcome": outcome1[i] if responded1 else "",
                "stage2_outcome": outcome2[i] if responded2 else "",
                "category": categories[i],
                "refused_reason": rng.choice(REFUSED_REASONS) if refused[i] else "",
                "ombudsman_outcome": ombudsman[i] if to_ombudsman[i] and responded2 else "",
                "compensation": int(compensation[i]) if responded1 else 0,
                "channel": channels[i],
                "stage1_handler": handler1[i] if ack_d[i] else "",
                "stage2_handler": (handler1[i] if rng.random() < 0.05 else handler2[i]) if ack2_d[i] else "",
                "reasonable_adjustment": "Y" if rng.random() < 0.07 else "",
                # a good reason recorded for most extensions beyond the Code's limit (6.4, 6.15)
                "stage1_extension_good_reason": _good_reason(ext1[i], 10, i) if accepted[i] and ack_d[i] else "",
                "stage2_extension_good_reason": _good_reason(ext2[i], 20, i) if ack2_d[i] else "",
            }
        )
    return records


def _good_reason(days: object, limit: int, i: int) -> str:
    """"Yes" for an extension beyond ``limit`` on two cases in three (by case number)."""
    return "Yes" if days and int(days) > limit and (i + 1) % 3 != 0 else ""


def _uk(day: object) -> str:
    return day.strftime("%d/%m/%Y") if isinstance(day, dt.date) else ""


def _iso(day: object) -> str:
    return day.isoformat() if isinstance(day, dt.date) else ""


def _person(rng: np.random.Generator) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    return {
        "Tenant Name": f"{first} {last}",
        "Address": f"{rng.integers(1, 120)} {rng.choice(STREETS)}, Northshire",
        "Email": f"{first.lower()}.{last.lower()}@example.org",
        "Phone": f"07700 900{rng.integers(100, 999)}",
    }


def write_riverbend(records: list[dict[str, object]], path: Path, seed: int) -> None:
    """Housing-system export: own column names, UK dates, personal data, a few faulty rows."""
    config_columns = {
        "case_id": "Complaint Ref", "received": "Date Received", "stage1_acknowledged": "Stage 1 Acknowledged",
        "stage1_responded": "Stage 1 Response Sent", "stage1_extension_days": "Stage 1 Extension (WD)",
        "stage2_requested": "Stage 2 Requested", "stage2_acknowledged": "Stage 2 Acknowledged",
        "stage2_responded": "Stage 2 Response Sent", "stage2_extension_days": "Stage 2 Extension (WD)",
        "stage1_outcome": "Stage 1 Outcome", "stage2_outcome": "Stage 2 Outcome", "category": "Complaint Category",
        "refused_reason": "Not Accepted Reason", "ombudsman_outcome": "HOS Determination",
        "compensation": "Compensation Offered", "channel": "Contact Channel", "stage1_handler": "Stage 1 Officer",
        "stage2_handler": "Stage 2 Officer", "reasonable_adjustment": "Reasonable Adjustment",
        "stage1_extension_good_reason": "Stage 1 Extension Reason Accepted",
        "stage2_extension_good_reason": "Stage 2 Extension Reason Accepted",
    }
    rng = np.random.default_rng(seed)
    header = ["Complaint Ref", "Tenant Name", "Address", "Email", "Phone", *list(config_columns.values())[1:]]
    rows = []
    for record in records:
        row = {config_columns[k]: (_uk(v) if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in record.items()}
        row["Compensation Offered"] = f"£{record['compensation']:.2f}"
        row.update(_person(rng))
        rows.append(row)
    # Faults a real export has: keying errors the auditor must see listed, not silently lost.
    rows[40]["Stage 1 Response Sent"] = "31/02/2025"
    rows[75]["Stage 1 Acknowledged"] = "05/13/2024"
    rows[120]["Date Received"], rows[120]["Stage 1 Acknowledged"] = rows[120]["Stage 1 Acknowledged"], rows[120]["Date Received"]
    rows[121]["Date Received"] = "01/05/2024"  # keyed a day late (so the export has always read; no rule sees it)
    rows.insert(200, dict(rows[199]))  # the same case exported twice
    rows[301]["Stage 1 Outcome"] = "Resolved"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def write_canonical(records: list[dict[str, object]], path: Path, title_lines: list[str], dates: str) -> None:
    """A canonical-column CSV, with optional title lines above the header (without the good-reason
    columns: only Riverbend's housing system records them)."""
    fmt = _uk if dates == "uk" else _iso
    header = [k for k in records[0] if not k.endswith("_extension_good_reason")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        for line in title_lines:
            handle.write(line + "\n")
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for record in records:
            writer.writerow({k: (fmt(v) if isinstance(v, dt.date) else ("" if v is None else v))
                             for k, v in record.items() if k in header})


def complaints(profile: Profile) -> list[dict[str, object]]:
    """A landlord's exported complaints, oldest first: its earlier year's (when :data:`EARLIER`
    has one) and then 2024-25's (each case reference once)."""
    records = simulate(profile)
    earlier = EARLIER.get(profile.landlord)
    if earlier is not None:
        records = simulate(earlier, EARLIER_FIRST_RECEIVED, FIRST_RECEIVED - dt.timedelta(days=1), "2022") + records
    ids = [record["case_id"] for record in records]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{profile.landlord}: the two years' case references overlap; change a seed")
    return records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=Path(__file__).resolve().parent.parent / "inputs")
    args = parser.parse_args(argv)
    for profile in PROFILES:
        folder = args.inputs / profile.landlord
        folder.mkdir(parents=True, exist_ok=True)
        records = complaints(profile)
        if profile.landlord == "riverbend-homes":
            write_riverbend(records, folder / "complaints_export_2024-25.csv", profile.seed)
        elif profile.landlord == "calder-vale-housing":
            write_canonical(records, folder / "complaints_2023-25.csv",
                            ["Calder Vale Housing - complaints register", f"Exported {EXPORT_DATE:%d/%m/%Y}"], "uk")
        else:
            write_canonical(records, folder / "complaints.csv", [], "iso")
        print(f"{profile.landlord}: {len(records)} complaints")


if __name__ == "__main__":
    main()
