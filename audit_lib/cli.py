"""``chc-audit``: the command line for everything a script or a scheduler needs.

    chc-audit code [--json]                    the Code catalogue
    chc-audit run (LANDLORD ... | --all) --period 2024-25 [--inputs DIR] [--outputs DIR]

Errors a user can fix print one line on stderr and exit 2; a batch in which any landlord
failed exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .catalogue import DEFAULT_CODE, load_catalogue
from .errors import AuditError
from .paths import DEFAULT_INPUTS, DEFAULT_OUTPUTS
from .periods import Period


def _cmd_code(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.code)
    if args.json:
        rows = [
            {"id": p.id, "number": p.number, "section": p.section, "section_title": catalogue.section(p.section).title,
             "subsection": p.subsection, "modal": p.modal, "text": p.text}
            for p in catalogue.provisions
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for section in catalogue.sections:
        print(f"{section.number}  {section.title}")
        for p in catalogue.provisions_in(section.number):
            first = p.text.splitlines()[0]
            print(f"   {p.number:<5} {first[:90]}{'…' if len(first) > 90 else ''}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_batch  # papermill and nbconvert load only when a run is asked for

    if bool(args.landlords) == bool(args.all):
        raise AuditError("name one or more landlords, or give --all (not both)")
    period = Period.parse(args.period)
    batch = run_batch(None if args.all else args.landlords, period, args.inputs, args.outputs)
    width = max(len(r.landlord) for r in batch.results)
    for r in batch.results:
        where = r.report if r.report else (r.error or "")
        print(f"{r.landlord:<{width}}  {r.status:<6}  {r.seconds:6.1f}s  {where}")
    print(f"Index: {batch.index}")
    if batch.failed:
        print(f"{len(batch.failed)} of {len(batch.results)} landlords failed.", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chc-audit", description="Complaint Handling Code audit workbook.")
    sub = parser.add_subparsers(dest="command", required=True)

    code = sub.add_parser("code", help="print the Code catalogue")
    code.add_argument("--json", action="store_true", help="a JSON list of provisions")
    code.add_argument("--code", default=DEFAULT_CODE, help="Code version (default %(default)s)")
    code.set_defaults(handler=_cmd_code)

    run = sub.add_parser("run", help="execute the workbook per landlord and export the reports")
    run.add_argument("landlords", nargs="*", metavar="LANDLORD", help="landlord ids from the registry")
    run.add_argument("--all", action="store_true", help="every landlord in the registry")
    run.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    run.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: the project's)")
    run.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS, help="outputs folder (default: the project's)")
    run.set_defaults(handler=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except AuditError as exc:
        print(f"chc-audit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chc-audit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
