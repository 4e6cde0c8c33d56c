"""All findings of one assessment: data against answers, then the evidence, with the auditor's responses.

:func:`assess` is what the workbook, the report, ``metrics.json``, ``chc-audit check`` and the
approval call. Findings are computed, never stored: they follow the answers, the case log and
the evidence register as they are now. The auditor's explanations are stored (in the answers
file, keyed by provision and finding code) and attached here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..config.finding_settings import FindingSettings
from .data_rules import data_findings
from .evidence_quality import evidence_findings
from .model import Finding, Severity, sort_key

if TYPE_CHECKING:
    from ..assessment.answers import Assessment
    from ..code.catalogue import Catalogue
    from ..evidence.register import EvidenceRegister
    from ..stats.results import CaseStatistics


def assess(catalogue: Catalogue, assessment: Assessment, stats: CaseStatistics | None,
           register: EvidenceRegister | None, settings: FindingSettings | None = None, *,
           evidence: bool = True) -> list[Finding]:
    """Every finding, in the catalogue's order of provisions and worst first within one.

    ``stats`` is ``None`` when there are no case figures (no data findings then); ``register``
    is ``None`` when the landlord keeps no evidence register (every document reference is then
    one not in the register). ``evidence=False`` leaves the evidence out (its register could not
    be read): the data's findings never depend on the register.
    """
    rules = settings or FindingSettings()
    found = [*(data_findings(catalogue, assessment, stats, rules) if stats is not None else []),
             *(evidence_findings(catalogue, assessment, register, rules) if evidence else [])]
    order = {p.id: i for i, p in enumerate(catalogue.provisions)}
    answered = []
    for finding in found:
        responses = {r.code: r for r in assessment.answer(finding.provision).responses}
        response = responses.get(finding.code.value)
        answered.append(finding.with_response(response.text, response.figures) if response is not None else finding)
    return sorted(answered, key=lambda f: (order.get(f.provision, len(order)), *sort_key(f)))


def by_provision(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by provision id, in the order given."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.provision, []).append(finding)
    return grouped


def unanswered_contradictions(findings: Iterable[Finding]) -> list[Finding]:
    """Contradicted findings with no response (approval is refused while there are any)."""
    return [f for f in findings if f.unanswered_contradiction]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity (every severity present, worst first)."""
    tally = {severity.value: 0 for severity in Severity}
    for finding in findings:
        tally[finding.severity.value] += 1
    return tally
