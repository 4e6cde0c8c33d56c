"""Build Riverbend Homes' demo evidence register (``inputs/riverbend-homes/evidence/``).

    python scripts/demo_evidence.py [--inputs inputs]

The register lists the documents Riverbend's answers cite most (its complaints policy and
procedure, templates, case audits, reports) as short stand-in files, stored by content hash,
plus its public complaints page as a link. The other answers' references (board minutes, case
management screens ...) are left out on purpose: the workbook lists them as references not in
the register. Running it again changes nothing (the same content is stored once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root, when run as a script

from audit_lib.evidence.register import load_register

LANDLORD = "riverbend-homes"
OWNER = "Head of Customer Experience"
#: id, title, version, date, file name: each stored as a short stand-in text file.
FILES = (
    ("POL-CX-001", "Complaints Policy", "4", dt.date(2024, 3, 26), "complaints-policy-v4.txt"),
    ("PRO-CX-002", "Complaint handling procedure", "2", dt.date(2024, 4, 2), "complaint-procedure-v2.txt"),
    ("POL-CX-003", "Compensation and remedies policy", "2", dt.date(2024, 4, 2), "compensation-policy-v2.txt"),
    ("POL-CX-004", "Unreasonable behaviour policy", "2", dt.date(2024, 4, 2), "unreasonable-behaviour-v2.txt"),
    ("POL-CS-009", "Customer vulnerability and support needs policy", "2", dt.date(2023, 11, 14),
     "vulnerability-policy-v2.txt"),
    ("EIA-2024-03", "Equality impact assessment of the Complaints Policy", None, dt.date(2024, 3, 12),
     "eia-2024-03.txt"),
    ("CX-AUD-07", "Q4 case audit against the Code", None, dt.date(2025, 4, 22), "case-audit-q4.txt"),
    ("CX-AUD-08", "Stage 2 allocation review", None, dt.date(2025, 4, 25), "stage2-allocation-review.txt"),
    ("CX-TPL-03", "Stage 1 extension letter template", "3", dt.date(2024, 4, 2), "template-stage1-extension.txt"),
    ("CX-TPL-07", "Stage 2 extension letter template", "3", dt.date(2024, 4, 2), "template-stage2-extension.txt"),
    ("JD-CX-003", "Job description: Complaints Resolution Officer", None, dt.date(2023, 9, 1), "jd-cx-003.txt"),
)
LINKS = (
    ("WEB-CX-01", "Complaints page on the Riverbend website", "https://www.example.org/riverbend/complaints"),
)


def build(inputs: Path) -> int:
    register = load_register(inputs / LANDLORD)
    for id_, title, version, date, filename in FILES:
        content = (f"{title}\n{'=' * len(title)}\n\nRiverbend Homes. Demonstration document {id_}"
                   f"{f', version {version}' if version else ''}, {date:%d/%m/%Y}.\n").encode()
        register.attach(content, filename, id=id_, title=title, version=version, date=date, owner=OWNER)
    for id_, title, url in LINKS:
        register.add_link(url, id=id_, title=title, owner=OWNER)
    return len(register.documents)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=Path("inputs"))
    args = parser.parse_args(argv)
    print(f"{build(args.inputs)} documents in {args.inputs / LANDLORD / 'evidence' / 'register.yaml'}")


if __name__ == "__main__":
    main()
