"""Findings: where the case data or the evidence questions the answers.

::

    model.py            Finding, Severity, FindingCode: findings as data with reason codes
    rules.py            the rule set as data (``code/data/findings_<version>.yaml``), loaded and checked
    data_rules.py       case statistics + an answer -> findings (6.2 on-time rates, 6.13 same handler ...)
    evidence_quality.py vague, boilerplate, undocumented, unregistered or changed evidence
    assess.py           all findings of an assessment, with the auditor's responses attached
"""
