"""Evidence quality: evidence that would not stand up, whatever the case data says.

Six rules, each a :class:`~.model.Finding` of severity ``evidence`` on the provision concerned,
for answered provisions only (a provision with a status; drafts in progress are left alone):

========================================  ===================================================================
``evidence-vague``                        an evidence item that says nothing: a stock phrase ("n/a", "yes",
                                          "see policy", "as above" ...) whatever it cites, or at most
                                          ``vague_evidence_words`` words (default 4) with no reference
``evidence-boilerplate``                  the same evidence text, or the same commentary, on at least
                                          ``boilerplate_provisions`` provisions (default 4), compared as
                                          :func:`boilerplate_key` normalises it
``evidence-without-document``             a "Yes" or "Partial" whose evidence items have no reference at all
``evidence-not-in-register``              a reference that is neither a register id nor an http(s) link
``evidence-changed-since-signoff``        a cited document whose SHA-256 is not the one the latest signature
                                          that recorded documents recorded (approved, else reviewed, else
                                          prepared)
``evidence-file-missing``                 a cited document whose file is missing, altered or not an ordinary
                                          file inside the evidence folder
========================================  ===================================================================

Evidence and commentary are the landlord's own words (never a resident's), so messages quote
them, shortened to about 80 characters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from ..assessment.actions import format_date
from ..assessment.answers import Answer, SignOff, Status
from ..config.finding_settings import FindingSettings
from ..evidence.register import is_web_link
from .model import Finding, FindingCode, Severity

if TYPE_CHECKING:
    from ..assessment.answers import Assessment
    from ..code.catalogue import Catalogue
    from ..evidence.register import EvidenceRegister

#: Evidence that says nothing whatever it cites, compared as words (case and punctuation aside).
VAGUE_PHRASES = (
    "n/a", "na", "yes", "no", "none", "nil", "tbc", "tbd", "to follow", "various", "policy", "see policy",
    "as per policy", "in policy", "see above", "as above", "see below", "as below", "in place", "done", "ok",
    "compliant", "complies", "evidence available", "available on request",
)
#: How long a quoted text may be in a message.
QUOTE_LENGTH = 80

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


_VAGUE = frozenset(_words(phrase) for phrase in VAGUE_PHRASES)

# -- boilerplate: what counts as the same text ------------------------------------------------------

#: Words that introduce a numbered part of a document ("Section 3", "para 4.2", "Appendix B" is not numbered).
_REF_WORD = (r"(?:sections?|sects?\.?|secs?\.?|ss?\.|§+|paragraphs?|paras?\.?|clauses?|parts?|pages?|pp?\.|"
             r"appendix|appendices|annex(?:es)?|chapters?|items?|points?)")
_NUMBER = r"\d+(?:\.\d+)*[a-z]?"
_REFERENCE = re.compile(rf"(?<![\w§]){_REF_WORD}\s*{_NUMBER}(?:\s*(?:,|&|and|to|/|-|–|—)\s*{_NUMBER}(?![\w.]))*(?![\w])")
#: A short heading after a numbered reference ("Section 3 – What is a complaint"): up to six words
#: after a dash or colon, ending the text or the sentence, or before the next reference.
_HEADING = re.compile(r"§\s*[-–—:]\s*(?:[^\s§.;()]+\s*){1,6}?(?=(?:,\s*)?(?:(?:and|&)\s+)?§|[.;(]|$)")
_REFERENCE_LIST = re.compile(r"§(?:\s*(?:,|and|&)\s*§)+")
_TRAILING_NUMBERS = re.compile(r"(?:\s+\d+)+$")
_PUNCTUATION = re.compile(r"[^\w§]+|_")


def boilerplate_key(text: str) -> str:
    """``text`` as boilerplate is compared: what stays the same when a line is pasted across provisions.

    Case, accents' forms, punctuation and spacing are ignored; a **numbered reference** to part
    of a document ("Section 3", "Sections 6 and 7", "para 4.2", "page 12") becomes one mark,
    with a short heading after it ("Section 3 – What is a complaint") and a list of such
    references ("Section 3 ... and Section 4 ...") taken as one; and **numbers ending the text**
    are dropped ("Complaints policy 3.2"). So "Covered in Complaints Policy Section 3 – What is a
    complaint" and "Covered in Complaints Policy Section 12 – Learning from complaints" are the
    same line: the same document cited by section, not evidence of how each provision is met.
    Numbers elsewhere stay ("Stage 1 report" and "Stage 2 report" differ), as do longer words after
    a reference (what was found, not a heading). An empty key is never boilerplate.
    """
    value = unicodedata.normalize("NFKC", text).casefold()
    value = _REFERENCE.sub("§", value)
    value = _HEADING.sub("§", value)
    value = _REFERENCE_LIST.sub("§", value)
    value = " ".join(_PUNCTUATION.sub(" ", value).split())
    return _TRAILING_NUMBERS.sub("", value).strip()


def _quote(text: str, limit: int = QUOTE_LENGTH) -> str:
    flat = " ".join(text.split())
    return f"‘{flat if len(flat) <= limit else flat[:limit - 1].rstrip() + '…'}’"


def _answered(catalogue: Catalogue, assessment: Assessment) -> list[tuple[str, Answer]]:
    """The catalogue's provisions that have a status, in its order, with their answers."""
    found = []
    for provision in catalogue.provisions:
        answer = assessment.answers.get(provision.id)
        if answer is not None and answer.status is not None:
            found.append((provision.id, answer))
    return found


def _finding(provision: str, code: FindingCode, message: str, **figures: int | float | str | None) -> Finding:
    return Finding(provision=provision, severity=Severity.EVIDENCE, code=code, message=message, figures=figures)


# -- the rules ---------------------------------------------------------------------------------------

def is_vague(description: str, reference: str | None, words: int) -> bool:
    """Whether an evidence item says nothing: a stock phrase, or ``words`` words or fewer with no reference."""
    if _words(description) in _VAGUE:
        return True
    count = sum(1 for token in description.split() if _WORD.search(token))  # "n/a" is one word
    return not (reference or "").strip() and count <= words


def _vague(provision: str, answer: Answer, words: int) -> list[Finding]:
    vague = [item.description for item in answer.evidence if is_vague(item.description, item.reference, words)]
    if not vague:
        return []
    quoted = "; ".join(_quote(text, 40) for text in vague[:3]) + ("; …" if len(vague) > 3 else "")
    total = len(answer.evidence)
    which = ("The evidence says" if total == 1 else
             f"{len(vague)} of {total} evidence items {'says' if len(vague) == 1 else 'say'}")
    return [_finding(provision, FindingCode.EVIDENCE_VAGUE,
                     f"{which} too little to show the provision is met ({quoted}): say what the evidence is, "
                     "where it is and what it shows, citing a document in the register.",
                     items=len(vague), evidence_items=total)]


def _boilerplate(answered: list[tuple[str, Answer]], least: int) -> list[Finding]:
    found: list[Finding] = []
    for field in ("evidence", "commentary"):
        carriers: dict[str, dict[str, str]] = {}  # key -> provision -> its own text
        for provision, answer in answered:
            texts = ([item.description for item in answer.evidence] if field == "evidence"
                     else [answer.commentary] if answer.commentary.strip() else [])
            for text in texts:
                key = boilerplate_key(text)
                if key:
                    carriers.setdefault(key, {}).setdefault(provision, text)
        for provisions in carriers.values():
            if len(provisions) < least:
                continue
            for provision, text in provisions.items():
                what = "evidence" if field == "evidence" else "commentary"
                found.append(_finding(
                    provision, FindingCode.EVIDENCE_BOILERPLATE,
                    f"The same {what} appears on {len(provisions)} provisions ({_quote(text)}, compared without case, "
                    f"punctuation or section numbers): {what} pasted across provisions does not show how each one "
                    "is met; say what shows this provision is.",
                    provisions=len(provisions), field=field))
    return found


def _without_document(provision: str, answer: Answer) -> list[Finding]:
    if answer.status not in (Status.YES, Status.PARTIAL) or not answer.evidence:
        return []
    if any((item.reference or "").strip() for item in answer.evidence):
        return []
    count = len(answer.evidence)
    items = "its evidence item cites none" if count == 1 else f"none of its {count} evidence items cites one"
    return [_finding(provision, FindingCode.EVIDENCE_WITHOUT_DOCUMENT,
                     f"‘{answer.status.value}’ with no document: {items}. Give the evidence a reference: "
                     "a document in the evidence register or a web link.",
                     evidence_items=count)]


def _not_in_register(provision: str, answer: Answer, register: EvidenceRegister | None) -> list[Finding]:
    """One finding for a provision whose evidence gives references that are neither a register
    document nor a web link, naming them (the landlord's own references, never a resident's data)."""
    missing: list[str] = []
    for item in answer.evidence:
        reference = (item.reference or "").strip()
        if not reference or reference in missing:
            continue
        if (register is not None and register.resolve(reference) is not None) or is_web_link(reference):
            continue
        missing.append(reference)
    if not missing:
        return []
    quoted = [_quote(reference, 60) for reference in missing[:3]]
    if len(missing) > 3:
        named = f"{', '.join(quoted)} and {len(missing) - 3} more"
    else:
        named = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    which, verb, link = (("The reference", "is not a document", "a web link") if len(missing) == 1 else
                         ("The references", "are not documents", "web links"))
    return [_finding(
        provision, FindingCode.EVIDENCE_NOT_IN_REGISTER,
        f"{which} {named} {verb} in the evidence register, nor {link}: add each document to the "
        "register under its id (a reference may add the place within it after a space), or correct the reference.",
        references=len(missing), named="; ".join(missing))]  # a response answers these references, no others


def _cited(answer: Answer, register: EvidenceRegister) -> list[str]:
    """The register documents an answer cites, each once, in the order cited."""
    ids: list[str] = []
    for item in answer.evidence:
        document = register.resolve(item.reference)
        if document is not None and document.id not in ids:
            ids.append(document.id)
    return ids


def latest_recorded_documents(assessment: Assessment) -> tuple[str | None, SignOff | None]:
    """The latest signature that recorded documents, and its role: the approval if it recorded
    any, else the review, else the preparer's sign-off; ``(None, None)`` when none did."""
    for role in ("approved", "reviewed", "prepared"):
        signature: SignOff | None = getattr(assessment.signoff, role)
        if signature is not None and signature.documents:
            return role, signature
    return None, None


SIGNATURE_WORDS = {"approved": "the approval", "reviewed": "the review", "prepared": "the preparer's sign-off"}


def evidence_findings(catalogue: Catalogue, assessment: Assessment, register: EvidenceRegister | None,
                      settings: FindingSettings | None = None) -> list[Finding]:
    """Every evidence-quality finding of the assessment, in the catalogue's order of provisions.

    ``register`` is ``None`` when the landlord keeps no register: every reference that is not a
    web link is then one not in the register, and no file is checked.
    """
    rules = settings or FindingSettings()
    answered = _answered(catalogue, assessment)
    found: list[Finding] = []
    for provision, answer in answered:
        found += _vague(provision, answer, rules.vague_evidence_words)
        found += _without_document(provision, answer)
        found += _not_in_register(provision, answer, register)
    found += _boilerplate(answered, rules.boilerplate_provisions)
    if register is not None:
        found += _register_findings(answered, assessment, register)
    order = {provision: i for i, (provision, _) in enumerate(answered)}
    return sorted(found, key=lambda f: order[f.provision])


def _register_findings(answered: list[tuple[str, Answer]], assessment: Assessment,
                       register: EvidenceRegister) -> list[Finding]:
    """Changed since the latest signature that recorded documents; missing or altered files."""
    cited = {provision: _cited(answer, register) for provision, answer in answered}
    problems = {p.document: p for p in register.verify({i for ids in cited.values() for i in ids})}
    role, signature = latest_recorded_documents(assessment)
    found: list[Finding] = []
    for provision, ids in cited.items():
        for document_id in ids:
            document = register.documents[document_id]
            if signature is not None and document_id in signature.documents \
                    and signature.documents[document_id] != document.sha256:
                when = f"{SIGNATURE_WORDS.get(role or '', 'the sign-off')} of {format_date(signature.date)}"
                found.append(_finding(
                    provision, FindingCode.EVIDENCE_CHANGED_SINCE_SIGNOFF,
                    f"The document {document.label} has changed since {when}: its SHA-256 is not the one recorded "
                    "then. Check that this answer still stands on the new version; the next sign-off records it.",
                    document=document_id, signature=role))
            problem = problems.get(document_id)
            if problem is not None:
                found.append(_finding(provision, FindingCode.EVIDENCE_FILE_MISSING,
                                      f"Cited evidence is not as registered: {problem.message}.",
                                      document=document_id, problem=problem.kind))
    return found


__all__ = ["QUOTE_LENGTH", "VAGUE_PHRASES", "boilerplate_key", "evidence_findings", "is_vague",
           "latest_recorded_documents"]
