"""``chc-audit``: the command line for everything a script or a scheduler needs.

    chc-audit code [--version 2020|2022|2024] [--json]   a version of the Code (docs/code-versions.md)
    chc-audit crosswalk OLDER NEWER [--json]             where each provision went, e.g. from 2022 to 2024
    chc-audit stats LANDLORD --period 2024-25 [--inputs DIR] [--json]
    chc-audit stats --cases FILE --homes N --period 2024-25 [--header-row N] [--json]
    chc-audit check LANDLORD --period 2024-25 [--inputs DIR] [--json] [--as-of YYYY-MM-DD]
    chc-audit import FILE --landlord ID --period 2023-24 [--code VERSION] [--dry-run] [--replace [--yes]] [--json]
    chc-audit export LANDLORD --period 2024-25 --format docx|xlsx|csv|summary [--output PATH]
    chc-audit run (LANDLORD ... | --all) --period 2024-25 [--inputs DIR] [--outputs DIR] [--workers N]
                  [--executor local|dask] [--scheduler ADDRESS] [--timeout SECONDS] [--retry-failed]
                  [--as-of YYYY-MM-DD] [--report self-assessment|annual] [--pdf] [--notebook PATH]
                  [--annual-notebook PATH]
    chc-audit lab LANDLORD --period 2024-25 [--inputs DIR] [--outputs DIR] [--work DIR] [--fresh]
                  [--no-browser] [--dry-run]

Errors a user can fix (wrong arguments, a bad file, a folder that cannot be read or written)
print one line on stderr and exit 2, never a traceback; a batch in which any landlord failed
exits 1, and so does a check that finds a contradicted finding with no response.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .batch.pools import EXECUTORS
from .batch.run import REPORTS  # neither loads papermill nor nbconvert (only the workers do)
from .batch.worker import DEFAULT_CELL_TIMEOUT
from .code.catalogue import DEFAULT_CODE, Catalogue, load_catalogue
from .core.ids import CODE_VERSION, quoted
from .core.paths import DEFAULT_INPUTS, DEFAULT_OUTPUTS, REGISTRY_FILE
from .core.periods import Period, parse_as_of
from .errors import AuditError, SignOffError, UsageError

if TYPE_CHECKING:
    from .cases.load import CaseLog
    from .stats.results import CaseStatistics


def _known_version(version: str) -> str:
    """``version`` if the product has its catalogue, else a :class:`UsageError` naming the versions it has."""
    from .code.catalogue import code_data_file
    from .code.versions import versions

    if version not in versions() and code_data_file(f"code_{version}.yaml") is None:
        raise UsageError(f"unknown Code version {quoted(version)}; expected one of {', '.join(versions())}")
    return version


def _limits_by_provision(catalogue: Catalogue) -> dict[str, list[dict[str, object]]]:
    """Provision number -> the time limits it sets (a stage's acknowledgement, response, extension;
    the exclusion window), as JSON."""
    out: dict[str, list[dict[str, object]]] = {}
    if catalogue.timescales is None:
        return out
    for stage in catalogue.timescales.stages:
        for step in ("acknowledge", "respond", "extension"):
            limit = getattr(stage, step)
            if limit is None:
                continue
            row: dict[str, object] = {"stage": stage.stage, "optional": stage.optional, "step": step,
                                      "working_days": limit.working_days}
            if step == "respond":
                row["from"] = limit.counted_from
            row["note"] = limit.note
            out.setdefault(limit.provision, []).append(row)
    window = catalogue.timescales.exclusion_window
    if window is not None:
        out.setdefault(window.provision, []).append({"step": "exclusion_window", "months": window.months})
    return out


def _timescale_lines(catalogue: Catalogue) -> list[str]:
    """The Code's time limits in words, one line per stage (and the exclusion window)."""
    if catalogue.timescales is None:
        return ["   none given in the Code's data file"]
    lines = []
    for stage in catalogue.timescales.stages:
        start = "receipt" if stage.stage == 1 else "the escalation request"
        counted = {"acknowledged": "the acknowledgement", "logged": "logging", "start": start}
        ack = ("no acknowledgement limit" if stage.acknowledge is None else
               f"acknowledge within {stage.acknowledge.working_days} of {start} ({stage.acknowledge.provision})")
        respond = (f"respond within {stage.respond.working_days} of {counted[stage.respond.counted_from]} "
                   f"({stage.respond.provision})")
        extension = ("no extension limit" if stage.extension is None else
                     f"extend by at most {stage.extension.working_days} more without good reason "
                     f"({stage.extension.provision})")
        label = f"Stage {stage.stage}" + (" (optional)" if stage.optional else "")
        lines.append(f"   {label}: {ack}; {respond}; {extension}")
    window = catalogue.timescales.exclusion_window
    lines.append("   Complaints about older issues: " + (
        "the Code names no time limit" if window is None else
        f"may be refused after {window.months} months ({window.provision})"))
    return lines


def _cmd_code(args: argparse.Namespace) -> int:
    """``chc-audit code``: one version's catalogue (its provisions, their tier or answer kind, its timescales)."""
    catalogue = load_catalogue(_known_version(args.code))
    if args.json:
        limits = _limits_by_provision(catalogue)
        rows = [
            {"id": p.id, "number": p.number, "section": p.section, "section_title": catalogue.section(p.section).title,
             "subsection": p.subsection, "tier": p.tier, "answer": p.answer, "text": p.text, "note": p.note,
             "source": p.source, "plain": p.plain, "timescales": limits.get(p.number, [])}
            for p in catalogue.provisions
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    asks: Counter[str] = Counter(p.answer for p in catalogue.provisions)
    kinds = ""
    if catalogue.has_tiers:
        tiers = Counter(p.tier for p in catalogue.provisions)
        kinds = f": {tiers['must']} must, {tiers['should']} should"
    elif set(asks) != {"status"}:
        asked = {"status": "a status", "figure": "a figure", "text": "a written answer"}
        kinds = ": " + ", ".join(f"{asks[kind]} asking for {words}" for kind, words in asked.items() if asks[kind])
    print(f"{catalogue.title} {catalogue.code} ({catalogue.publisher}, in force from {catalogue.in_force}): "
          f"{len(catalogue.sections)} sections, {len(catalogue.provisions)} provisions{kinds}")
    column = "tier" if catalogue.has_tiers else "answer" if set(asks) != {"status"} else None
    for section in catalogue.sections:
        print(f"{section.number}  {section.title}")
        subsection = None
        for p in catalogue.provisions_in(section.number):
            if p.subsection != subsection and p.subsection is not None:
                print(f"   {p.subsection}")
            subsection = p.subsection
            first = p.text.splitlines()[0]
            kind = "" if column is None else f"{getattr(p, column) or '':<7}"
            print(f"   {p.number:<5} {kind}{first[:90]}{'…' if len(first) > 90 else ''}")
    print("Timescales (working days):")
    for line in _timescale_lines(catalogue):
        print(line)
    return 0


def _cmd_crosswalk(args: argparse.Namespace) -> int:
    """``chc-audit crosswalk OLDER NEWER``: where each provision of one Code version went in the next."""
    from .code.catalogue import code_data_file
    from .code.crosswalk import LinkKind, load_crosswalk
    from .code.versions import versions

    older, newer = _known_version(args.older), _known_version(args.newer)
    if code_data_file(f"crosswalk_{older}_{newer}.yaml") is None:
        order = versions()
        pairs = " or ".join(f"'{a} {b}'" for a, b in pairwise(order))
        raise UsageError(f"no crosswalk from the {older} Code to the {newer} Code; expected two consecutive "
                         f"versions, the older first: {pairs}")
    crosswalk = load_crosswalk(older, newer)
    old, new = load_catalogue(older), load_catalogue(newer)
    links = sorted(crosswalk.links, key=lambda link: old.provision(link.source).sort_key)
    fresh = [p for p in new.provisions if crosswalk.is_new(p.number)]
    if args.json:
        print(json.dumps({
            "from": older, "to": newer,
            "links": [{"from": f"{older}:{link.source}", "to": [f"{newer}:{n}" for n in link.to],
                       "kind": link.kind.value, "note": link.note} for link in links],
            "new": [{"id": p.id, "note": crosswalk.new[p.number]} for p in fresh],
            "sources": list(crosswalk.sources),
        }, indent=2, ensure_ascii=False))
        return 0
    print(f"Crosswalk from the {older} Code ({len(old.provisions)} provisions) to the {newer} Code "
          f"({len(new.provisions)} provisions, {len(fresh)} of them new)")
    targets = [", ".join(link.to) or "-" for link in links]
    width = max(len(older), *(len(link.source) for link in links))
    to_width = max(len(newer), *(len(t) for t in targets))
    kind_width = max(len(kind.value) for kind in LinkKind)
    print(f"{older:<{width}}  {newer:<{to_width}}  {'kind':<{kind_width}}  what changed")
    for link, target in zip(links, targets):
        print(f"{link.source:<{width}}  {target:<{to_width}}  {link.kind.value:<{kind_width}}  {_printable(link.note)}")
    print(f"New in {newer} ({len(fresh)}):")
    for p in fresh:
        print(f"{p.number:<{width}}  {_printable(crosswalk.new[p.number])}")
    return 0


def _stats_for(args: argparse.Namespace) -> tuple[CaseLog, CaseStatistics]:
    """The case log and its statistics, for a landlord in the inputs or for a case-log file."""
    from .cases.load import load_case_log
    from .config.landlords import CaseLogSettings, load_landlord
    from .stats.engine import case_statistics, landlord_statistics

    period = Period.parse(args.period)
    if args.cases is not None:
        if args.landlord or args.homes is None:
            raise UsageError("with --cases give --homes N (the landlord's number of homes, at least 1) and no landlord id")
        if not args.cases.name:
            raise UsageError("--cases names the case-log file (CSV, xlsx or Parquet); found no file name")
        settings = CaseLogSettings(path=args.cases.name, header_row=args.header_row)
        log = load_case_log(args.cases, settings)
        from .code.versions import code_in_force

        code = args.code or code_in_force(period)
        load_catalogue(code)  # an unknown version: one line, before the log is read
        return log, case_statistics(log.cases, period, args.homes, excluded_rows=log.excluded_rows,
                                    rows_read=log.rows_read, code=code)
    if not args.landlord:
        raise UsageError("name a landlord, or give --cases FILE --homes N")
    if args.code is not None:
        raise UsageError("--code goes with --cases; a landlord's period is counted under the Code its registry entry "
                         "gives it (codes: in inputs/landlords.yaml)")
    landlord = load_landlord(args.inputs, args.landlord)
    log = load_case_log(landlord.case_log_path, landlord.config.case_log)
    return log, landlord_statistics(log, landlord, period, landlord.code_for(period))


def _cmd_stats(args: argparse.Namespace) -> int:
    from .stats.quarterly import headline, quarterly_table

    log, stats = _stats_for(args)
    if args.json:
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
        return 0
    headings, rows = quarterly_table(stats)
    width = max(len(label) for label, _ in rows)
    cols = [max(len(h), *(len(cells[i]) for _, cells in rows)) for i, h in enumerate(headings)]
    print(f"{log.source.name}:")
    for line in headline(stats):
        print(line)
    print(" " * width + "  " + "  ".join(h.rjust(w) for h, w in zip(headings, cols)))
    for label, cells in rows:
        print(label.ljust(width) + "  " + "  ".join(c.rjust(w) for c, w in zip(cells, cols)))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """``chc-audit check``: the findings on a landlord's answers; exit 1 while a contradicted finding
    has no response (what also refuses the approval), else 0."""
    from .findings.assess import counts, unanswered_contradictions
    from .findings.model import Severity
    from .workbook.facade import open_workbook

    period = Period.parse(args.period)
    workbook = open_workbook(args.landlord, period.id, args.inputs, as_of=args.as_of)
    findings = workbook.findings()
    unanswered = unanswered_contradictions(findings)
    if args.json:
        print(json.dumps([finding.as_json() for finding in findings], indent=2, ensure_ascii=False))
        return 1 if unanswered else 0
    print(f"{workbook.landlord.name}, {period.id}: findings on the answers (Code {workbook.catalogue.code})")
    answers = workbook.landlord.answers_path(period.id)
    if not answers.is_file():
        print(f"No answers file for {period.id} ({answers}): nothing is answered yet, so no answer can be questioned.")
    width = max((len(f.number) for f in findings), default=0)
    for severity in Severity:  # worst first
        shown = [f for f in findings if f.severity is severity]
        if not shown:
            continue
        label = "Contradicted by the case data" if severity is Severity.CONTRADICTED else severity.label
        print(f"{label} ({len(shown)}):")
        for finding in shown:
            text = (finding.response or "").strip()
            response = (f" Response: {_printable(text)}" if text
                        else " No response." if finding.unanswered_contradiction else "")
            print(f"  {finding.number.ljust(width)}  {finding.severity.value:<12}  {finding.code.value}: "
                  f"{_printable(finding.message)}{response}")
    tally = counts(findings)
    summary = ", ".join(f"{n} {severity}" for severity, n in tally.items())
    if unanswered and workbook.assessment.signoff.approved is not None:
        verdict = (f"{len(unanswered)} contradicted without a response, although the assessment is approved: "
                   "reopen it to respond.")
    elif unanswered:
        verdict = f"{len(unanswered)} contradicted without a response: respond to each before approving."
    else:
        verdict = "each contradicted finding has a response." if tally["contradicted"] else \
            "the case data contradicts no answer."
    print(f"{len(findings)} findings ({summary}); {verdict}")
    return 1 if unanswered else 0


def _cmd_import(args: argparse.Namespace) -> int:
    """``chc-audit import``: a self-assessment file into a landlord's answers for a period."""
    from .assessment.imported import has_content
    from .assessment.store import open_store
    from .config.landlords import load_landlord
    from .form.importer import apply_import, plan_import, plan_lines

    if args.yes and not args.replace:
        raise UsageError("--yes confirms --replace; give both, or neither")
    period = Period.parse(args.period)
    if args.code is not None:
        _known_version(args.code)
    landlord = load_landlord(args.inputs, args.landlord)
    code = landlord.code_for(period)
    if args.code is not None and args.code != code:
        raise UsageError(
            f"{landlord.id}'s {period.id} is assessed against the {code} Code (the registry, inputs/landlords.yaml); "
            f"--code {args.code} asks for the {args.code} Code: give the period its Code in the registry "
            f"(codes: {{\"{period.id}\": \"{args.code}\"}} in its entry), or import into a period under that Code")
    catalogue = load_catalogue(code)
    store = open_store(landlord.folder, catalogue, landlord.id, period.id)
    if store.read_only:
        raise SignOffError(f"{landlord.id}'s {period.id} assessment is approved and read-only: nothing can be "
                           "imported into it; reopen it (with a reason) first", path=store.path)
    plan = plan_import(args.file, catalogue, store.assessment, version_given=args.code is not None)
    replace = [d.provision for d in plan.differ] if args.replace else []
    if args.json:
        report = plan.to_json()
    else:
        for line in plan_lines(plan, recorded=sum(1 for a in store.assessment.answers.values() if has_content(a))):
            indent = len(line) - len(line.lstrip(" "))
            print(" " * indent + _printable(line))
    if args.dry_run:
        if args.json:
            print(json.dumps({**report, "dry_run": True, "written": []}, indent=2, ensure_ascii=False))
        else:
            print("Dry run: nothing was written.")
        return 0
    if replace and not args.yes:
        numbers = ", ".join(d.number for d in plan.differ)
        if not sys.stdin.isatty():
            raise UsageError(f"--replace would replace the recorded answers of {numbers} with the file's: confirm "
                             "with --yes (nothing was written)")
        reply = input(f"Replace the recorded answers of {numbers} with the file's? Type 'yes' to confirm: ")
        if reply.strip().lower() != "yes":
            print("Not confirmed: nothing was written.")
            return 1
    written = plan.to_write(replace)
    saved = apply_import(store, plan, replace)
    if args.json:
        print(json.dumps({**report, "dry_run": False, "written": sorted(set(written) - set(saved.kept)),
                          "kept": list(saved.kept), "revision": saved.revision, "answers_file": str(store.path)},
                         indent=2, ensure_ascii=False))
    elif len(written) > len(saved.kept):
        print(f"Imported {len(written) - len(saved.kept)} answers into {store.path} (revision {saved.revision}); the "
              f"history records each as imported from {plan.path.name} (SHA-256 {plan.sha256}).")
    if saved.kept and not args.json:
        print("Left as they are, because someone answered or changed them while the file was read: "
              + ", ".join(p.split(":", 1)[1] for p in saved.kept) + ". Import again to see how they differ.")
    if not written and not args.json:
        print("Nothing to import: every provision the file answers already has an answer (see above).")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """``chc-audit export``: the answers as the Ombudsman's form, a spreadsheet, a CSV or the residents' summary."""
    from .config.landlords import load_landlord
    from .form.exporter import FORMATS, export_form

    period = Period.parse(args.period)
    landlord = load_landlord(args.inputs, args.landlord)
    if args.output is not None:
        outputs = args.outputs.resolve()
        target = args.output.resolve()
        if target.is_relative_to(outputs) and not target.is_relative_to(outputs / "exports"):
            raise UsageError(f"--output {args.output} is inside {outputs}, whose report folders each batch run "
                             "replaces as a whole: write the export elsewhere (by default it goes to "
                             f"{outputs / 'exports'})")
    written = export_form(landlord, period, args.format, output=args.output, outputs=args.outputs)
    label = FORMATS[args.format].label
    print(f"{label[0].upper()}{label[1:]} for {landlord.name}, {period.id}: {written}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    """``chc-audit run``: the batch, its summary table, and exit 1 if anything failed."""
    from .batch.run import BatchOptions, run_batch, summary_lines  # the workers load papermill and nbconvert

    if args.retry_failed:
        if args.landlords and args.all:
            raise UsageError("name landlords or give --all, not both")
    elif bool(args.landlords) == bool(args.all):
        raise UsageError("name one or more landlords, or give --all (not both)")
    period = Period.parse(args.period)
    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler names a Dask scheduler: use it with --executor dask")
    if args.workers == 0:
        raise UsageError("--workers must be at least 1; found 0")
    if args.annual_notebook and args.report != "annual":
        raise UsageError("--annual-notebook names the annual report's notebook: use it with --report annual")
    options = BatchOptions(
        workers=args.workers, executor=args.executor, scheduler=args.scheduler,
        timeout=None if args.timeout == 0 else args.timeout, retry_failed=args.retry_failed, as_of=args.as_of,
        report=args.report, pdf=args.pdf,
        **({"notebook": args.notebook} if args.notebook else {}),
        **({"annual_notebook": args.annual_notebook} if args.annual_notebook else {}),
    )
    batch = run_batch(args.landlords or None, period, args.inputs, args.outputs, options)
    for landlord in batch.not_retried:
        print(f"Not retried: {quoted(landlord)} failed in the last run for {period.id} but is no longer in the "
              f"registry ({Path(args.inputs) / REGISTRY_FILE}); add it back to run it again.")
    if not batch.results and batch.group is None:
        print(f"Nothing else to retry: no registered landlord failed in the last run for {period.id}."
              if batch.not_retried else f"Nothing to retry: no landlord failed in the last run for {period.id}.")
        return 0
    for line in summary_lines(batch):
        print(line)
    if batch.index:
        print(f"Group summary: {batch.index}")
    print(f"Run record: {batch.record}")
    if not batch.ok:
        parts = [f"{len(batch.failed)} of {len(batch.results)} landlords failed"] if batch.failed else []
        if batch.group and batch.group.status != "ok":
            parts.append("the group summary failed")
        what = "; ".join(parts)
        print(f"{what}; failed notebooks are kept with the failing cell marked; "
              "'--retry-failed' re-runs only the failed landlords.", file=sys.stderr)
        return 1
    return 0


def _cmd_lab(args: argparse.Namespace) -> int:
    """``chc-audit lab``: the landlord's working copy of the workbook (made if need be), opened in JupyterLab."""
    import os

    from .workbook.working_copy import lab_command, lab_root, make_working_copy

    period = Period.parse(args.period)
    copy = make_working_copy(args.landlord, period, args.inputs, args.outputs, args.work, fresh=args.fresh)
    how = ("new, from the project's workbook" if copy.created
           else "kept as it is; --fresh starts it again from the project's workbook")
    print(f"Working copy: {copy.path} ({how})")
    command = lab_command(copy.path, lab_root(args.work, args.outputs), browser=not args.no_browser)
    if args.dry_run:
        print("JupyterLab command: " + " ".join(command))
        return 0
    print("Opening it in JupyterLab (Ctrl+C here stops JupyterLab).", flush=True)
    sys.stderr.flush()
    os.execv(command[0], command)  # JupyterLab takes over this process
    return 0  # pragma: no cover - execv does not return


def _iso_date(text: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return parse_as_of(text)
    except UsageError:
        raise argparse.ArgumentTypeError(
            f"expected a date written YYYY-MM-DD (e.g. 2025-06-01), found {quoted(text)}") from None


def _whole_number(text: str, least: int = 0) -> int:
    """An argparse type: a whole number (ASCII digits) of at least ``least``."""
    if not re.fullmatch(r"[+-]?[0-9]{1,18}", text.strip()):
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least {least} (digits only), found {quoted(text)}")
    value = int(text)
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least {least}, found {value}")
    return value


def _positive_number(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    return _whole_number(text, least=1)


def _code_version(text: str) -> str:
    """An argparse type: a Code version such as ``2024``."""
    if not CODE_VERSION.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected a Code version such as '2024' (letters, digits, '.', '_' or '-'), found {quoted(text)}")
    return text


def one_line(text: str) -> str:
    """A message on one line: line breaks and runs of spaces as single spaces; a long unbroken run of
    characters (a pasted value or path) is cut to its start and its length."""
    flat = " ".join(text.split())
    return re.sub(r"[^\s':]{200,}", lambda m: f"{m.group(0)[:120]}... ({len(m.group(0)):,} characters)", flat)


def _printable(text: str) -> str:
    """A text typed by someone (a response) or written by a rule, on one line and without control
    characters (which a terminal would act on)."""
    return one_line("".join(c if c.isprintable() or c.isspace() else "\ufffd" for c in text))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="chc-audit", description="Complaint Handling Code audit workbook.")
    sub = parser.add_subparsers(dest="command", required=True)

    code = sub.add_parser("code", help="print a version of the Code: its provisions and timescales",
                          description="Print one version of the Complaint Handling Code: its sections and provisions "
                                      "(the 2022 Code's must / should tier, the 2020 questions' answer kind) and the "
                                      "time limits of its stages.")
    code.add_argument("--json", action="store_true",
                      help="a JSON list of provisions (id, number, section, section_title, subsection, tier, answer, "
                           "text, note, source, and the time limits each sets)")
    code.add_argument("--version", "--code", dest="code", type=_code_version, default=DEFAULT_CODE,
                      metavar="VERSION", help="Code version: 2020, 2022 or 2024 (default %(default)s)")
    code.set_defaults(handler=_cmd_code)

    crosswalk = sub.add_parser("crosswalk", help="where each provision of one Code version went in the next",
                               description="For each provision of the older Code version, the provisions of the newer "
                                           "one that carry its requirement, the kind of link and what changed; then "
                                           "the newer provisions no older one leads to (new).")
    crosswalk.add_argument("older", type=_code_version, metavar="OLDER", help="the older version, e.g. 2022")
    crosswalk.add_argument("newer", type=_code_version, metavar="NEWER", help="the next version, e.g. 2024")
    crosswalk.add_argument("--json", action="store_true", help="one JSON object: from, to, links, new, sources")
    crosswalk.set_defaults(handler=_cmd_crosswalk)

    stats = sub.add_parser("stats", help="case statistics for a landlord or a case-log file")
    stats.add_argument("landlord", nargs="?", metavar="LANDLORD", help="landlord id from the registry")
    stats.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    stats.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: ./inputs)")
    stats.add_argument("--cases", type=Path, help="a case log in canonical columns, instead of a landlord")
    stats.add_argument("--homes", type=_positive_number, help="homes, with --cases (a whole number, at least 1)")
    stats.add_argument("--header-row", type=_positive_number, default=1,
                       help="row of the column names, with --cases (1 for the first row)")
    stats.add_argument("--code", type=_code_version, default=None,
                       help="with --cases: the Code version whose timescales count the figures (default: the "
                            "one in force for the period)")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(handler=_cmd_stats)

    check = sub.add_parser("check", help="the findings: where the case data or the evidence questions the answers",
                           description="List the findings on a landlord's answers for a period: where the case "
                                       "data contradicts an answer or gives a reason to look again, and evidence "
                                       "that would not stand up, each with the auditor's response if any. Exits 1 "
                                       "while a contradicted finding has no response (approval is refused until "
                                       "each has one), else 0.")
    check.add_argument("landlord", metavar="LANDLORD", help="landlord id from the registry")
    check.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    check.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: ./inputs)")
    check.add_argument("--json", action="store_true",
                       help="a JSON list of findings (provision, number, severity, code, message, figures, responded, "
                            "response)")
    check.add_argument("--as-of", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                       help="the date the workbook judges the answers at, as for 'run --as-of' (default: today)")
    check.set_defaults(handler=_cmd_check)

    imp = sub.add_parser(
        "import", help="import a self-assessment from Word, Excel, CSV or a published page",
        description="Read a self-assessment in the Ombudsman's form (Word .docx, Excel .xlsx, .csv, a web page saved "
                    "as .html, or text copied from a PDF or a web page as .txt), match its rows to the Code's "
                    "provisions, and put its answers into the landlord's answers for the period: only where no "
                    "answer is recorded yet. Provisions the file and the answers both answer, differently, are "
                    "listed (--replace takes the file's, after confirmation); rows not understood are listed.")
    imp.add_argument("file", type=Path, metavar="FILE", help="the file to import")
    imp.add_argument("--landlord", required=True, metavar="ID", help="landlord id from the registry")
    imp.add_argument("--period", required=True, help="the reporting year the file assesses, e.g. 2023-24")
    imp.add_argument("--code", type=_code_version, default=None, metavar="VERSION",
                     help="the Code version the file is against (default: the period's, from the registry); a "
                          "file of another version is refused, naming the version it looks like")
    imp.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: ./inputs)")
    imp.add_argument("--dry-run", action="store_true", help="print what would be imported; write nothing")
    imp.add_argument("--replace", action="store_true",
                     help="also replace the recorded answers that differ from the file's (asks to confirm)")
    imp.add_argument("--yes", action="store_true", help="with --replace: confirm without asking")
    imp.add_argument("--json", action="store_true",
                     help="one JSON object: the answers read, what is filled, what differs, what was not understood")
    imp.set_defaults(handler=_cmd_import)

    export = sub.add_parser(
        "export", help="export the answers as the Ombudsman's form (Word), a spreadsheet, a CSV or a residents' summary",
        description="Write a landlord's answers for a period as the Ombudsman's self-assessment form (docx), a "
                    "spreadsheet (xlsx), the short fields as CSV (csv), or a plain-English page for residents "
                    "(summary). The file carries the product version and the answers file's SHA-256.")
    export.add_argument("landlord", metavar="LANDLORD", help="landlord id from the registry")
    export.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    export.add_argument("--format", required=True, choices=("docx", "xlsx", "csv", "summary"))
    export.add_argument("--output", type=Path, default=None, metavar="PATH",
                        help="the file (or folder) to write (default: outputs/exports/<period>/<landlord>/)")
    export.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: ./inputs)")
    export.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS, help="outputs folder (default: ./outputs)")
    export.set_defaults(handler=_cmd_export)

    run = sub.add_parser("run", help="execute the workbook per landlord and export the reports")
    run.add_argument("landlords", nargs="*", metavar="LANDLORD", help="landlord ids from the registry")
    run.add_argument("--all", action="store_true", help="every landlord in the registry")
    run.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    run.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: ./inputs)")
    run.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS, help="outputs folder (default: ./outputs)")
    run.add_argument("--workers", type=_whole_number, default=None,
                     help="parallel workers (default: one per core; with a Dask scheduler, its workers)")
    run.add_argument("--executor", choices=EXECUTORS, default=EXECUTORS[0],
                     help="local worker processes (default) or tasks on a Dask distributed cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --executor dask: an existing scheduler (e.g. tcp://127.0.0.1:8786); "
                          "default: a local cluster on the loopback")
    run.add_argument("--timeout", type=_whole_number, default=DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                     help="per-cell time limit; a cell running longer fails its landlord (0: none; default %(default)s)")
    run.add_argument("--retry-failed", action="store_true",
                     help="re-run only the landlords whose last run failed (from outputs/<period>/run.json)")
    run.add_argument("--report", choices=REPORTS, default=REPORTS[0],
                     help="the self-assessment (default), or the annual complaints performance and service "
                          "improvement report too, in the same set (annual_report.html; it appends the self-assessment)")
    run.add_argument("--pdf", action="store_true",
                     help="also print every report, and the group summary, as PDF with Debian's chromium "
                          "(/usr/bin/chromium or $CHC_AUDIT_CHROMIUM; nothing is downloaded)")
    run.add_argument("--notebook", type=Path, default=None,
                     help="the workbook notebook to execute (default: notebooks/self_assessment.ipynb)")
    run.add_argument("--annual-notebook", type=Path, default=None,
                     help="with --report annual: the annual report's notebook (default: notebooks/annual_report.ipynb)")
    run.add_argument("--as-of", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                     help="the date actions are judged at (open or overdue), the same for every report "
                          "of the run; give the date of an earlier run to reproduce its reports (default: today)")
    run.set_defaults(handler=_cmd_run)

    lab = sub.add_parser("lab", help="open a landlord's working copy of the workbook in JupyterLab",
                         description="Open the workbook for one landlord and period in JupyterLab, as a working "
                                     "copy under --work (git-ignored work/ by default), so the project's "
                                     "notebooks/self_assessment.ipynb is never written to. An existing working copy "
                                     "is opened as it is.")
    lab.add_argument("landlord", metavar="LANDLORD", help="landlord id from the registry")
    lab.add_argument("--period", required=True, help="reporting year, e.g. 2024-25")
    lab.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="inputs folder (default: ./inputs)")
    lab.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS,
                     help="where the workbook's 'Produce report' button writes (default: ./outputs)")
    lab.add_argument("--work", type=Path, default=Path("work"),
                     help="folder of the working copies (default: ./work, git-ignored)")
    lab.add_argument("--fresh", action="store_true",
                     help="start the working copy again from the project's workbook (the answers are kept: they "
                          "live in the answers file)")
    lab.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser")
    lab.add_argument("--dry-run", action="store_true",
                     help="make (or keep) the working copy and print the JupyterLab command instead of running it")
    lab.set_defaults(handler=_cmd_lab)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except AuditError as exc:
        print(f"chc-audit: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file or folder the operating system refused: the user can fix it
        where = f" {quoted(str(exc.filename), 120)}" if exc.filename is not None else ""
        print(f"chc-audit: error: cannot read or write{where}: {exc.strerror or exc}; check the path and "
              "its permissions", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chc-audit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
