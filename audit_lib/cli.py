"""``chc-audit``: the command line for everything a script or a scheduler needs.

    chc-audit code [--json]                    the Code catalogue
    chc-audit stats LANDLORD --period 2024-25 [--inputs DIR] [--json]
    chc-audit stats --cases FILE --homes N --period 2024-25 [--header-row N] [--json]
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


def _stats_for(args: argparse.Namespace):
    from .caselog import load_case_log
    from .landlords import CaseLogSettings, load_landlord
    from .stats import case_statistics

    period = Period.parse(args.period)
    if args.cases is not None:
        if args.landlord or args.homes is None or args.homes < 1:
            raise AuditError("with --cases give --homes N (the landlord's number of homes, at least 1) and no landlord id")
        settings = CaseLogSettings(path=args.cases.name, header_row=args.header_row)
        log = load_case_log(args.cases, settings)
        return log, case_statistics(log.cases, period, args.homes, excluded_rows=log.excluded_rows)
    if not args.landlord:
        raise AuditError("name a landlord, or give --cases FILE --homes N")
    landlord = load_landlord(args.inputs, args.landlord)
    config = landlord.config
    log = load_case_log(landlord.case_log_path, config.case_log)
    stats = case_statistics(
        log.cases, period, landlord.homes, extension_policy=config.extension_policy,
        local_targets=config.local_targets, service_requests=config.service_requests.get(period.id),
        excluded_rows=log.excluded_rows,
    )
    return log, stats


def _cmd_stats(args: argparse.Namespace) -> int:
    from .quarterly import quarterly_table

    log, stats = _stats_for(args)
    if args.json:
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
        return 0
    headings, rows = quarterly_table(stats)
    width = max(len(label) for label, _ in rows)
    cols = [max(len(h), *(len(cells[i]) for _, cells in rows)) for i, h in enumerate(headings)]
    print(f"{log.source.name}: {log.rows_read} rows read, {stats.rows_used} used, {stats.excluded_rows} excluded")
    print(f"TSM CH01: {stats.tsm_ch01_stage1_per_1000} (stage 1), {stats.tsm_ch01_stage2_per_1000} (stage 2) per 1,000 homes")
    print(" " * width + "  " + "  ".join(h.rjust(w) for h, w in zip(headings, cols)))
    for label, cells in rows:
        print(label.ljust(width) + "  " + "  ".join(c.rjust(w) for c, w in zip(cells, cols)))
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

    stats = sub.add_parser("stats", help="case statistics for a landlord or a case-log file")
    stats.add_argument("landlord", nargs="?", metavar="LANDLORD", help="landlord id from the registry")
    stats.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    stats.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: the project's)")
    stats.add_argument("--cases", type=Path, help="a case log in canonical columns, instead of a landlord")
    stats.add_argument("--homes", type=int, help="homes, with --cases")
    stats.add_argument("--header-row", type=int, default=1, help="row of the column names, with --cases")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(handler=_cmd_stats)

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
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("chc-audit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
