"""Which provision each row of a read form answers, and which version of the Code the form is.

Rows are matched to provisions **by number** (``5.1`` is the 2024 Code's ``2024:5.1``); the
requirement text printed beside each number is compared with the catalogue's wording to confirm
the version, or to detect the wrong one: a 2022 form imported as 2024 is refused, naming the
version it looks like (:func:`check_version`). A row whose wording differs from its provision's
although the version is right (a copy-and-paste slip, text spilling from the next row) is
matched by its number and listed in :attr:`MatchedForm.wording_differs`.

A questionnaire printed without numbers (the 2020 Code's questions, seed 000) is matched by
wording: a paragraph that reads as one of the Code's questions starts that question's answer,
the paragraphs after it (until the next question or section heading) are the answer.

Wording is compared as word pairs (:func:`likeness`): the share of the shorter text's pairs of
consecutive words that the other text has, so a cut-off or run-on requirement still matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from ..assessment.answers import Answer
from ..code.catalogue import Catalogue, Provision, load_catalogue
from ..code.versions import versions
from ..errors import FormError
from .interpret import answer_from_row, read_status
from .rows import BULLET, FormRow, ReadForm, Unread, shortened

#: A row's wording matches its provision's from this likeness on.
SAME_WORDING = 0.5
#: A paragraph of an unnumbered questionnaire is a question from this likeness on.
IS_QUESTION = 0.8
#: A form is taken to be another version's when that version's wording fits its rows better by
#: at least this much (on the mean likeness of the rows that print wording).
OTHER_VERSION_MARGIN = 0.15

#: How a questionnaire's answer paragraphs mark a list item (its evidence).
_BULLETS = (BULLET.strip(), "·", "-", "*", "▪")

#: A provision number as forms print it: "1.2", "1.2.", "5.10", "1,2" (a decimal comma, as
#: spreadsheets in some locales save it), after a word such as "Section" or "Provision".
_NUMBER = re.compile(r"^\s*(?:(?:code\s+)?(?:section|provision|paragraph|para|clause|ref)\.?\s*)?"
                     r"(\d{1,2})\s*[.,]\s*(\d{1,2})\s*\.?\s*$", re.IGNORECASE)


def normalised_words(text: str) -> list[str]:
    """``text``'s words, lower case, accents and punctuation aside (quotes and dashes unified)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", text)


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return set(pairwise(words)) if len(words) > 1 else {(w, "") for w in words}


@cache
def _provision_pairs(code: str, number: str) -> frozenset[tuple[str, str]]:
    return frozenset(_pairs(normalised_words(load_catalogue(code).provision(number).text)))


def likeness(text: str, other: str) -> float:
    """How far two wordings are the same text: the share of the shorter one's word pairs that
    the longer one has (0 to 1)."""
    return _pair_likeness(_pairs(normalised_words(text)), _pairs(normalised_words(other)))


def _pair_likeness(mine: set[tuple[str, str]] | frozenset[tuple[str, str]],
                   theirs: set[tuple[str, str]] | frozenset[tuple[str, str]]) -> float:
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / min(len(mine), len(theirs))


def provision_number(printed: str | None) -> str | None:
    """A provision number as printed (``"1.2"``, ``" 5.10 "``, ``"1.02"``) in the catalogue's
    form (``"1.2"``, ``"5.10"``), or ``None`` when it is not one."""
    if printed is None:
        return None
    match = _NUMBER.match(printed)
    return f"{int(match.group(1))}.{int(match.group(2))}" if match else None


def _row_likeness(row: FormRow, number: str, code: str) -> float | None:
    """How well ``row``'s wording fits provision ``number`` of ``code`` (``None`` when the row
    prints no wording to compare; 0 when the Code has no such provision)."""
    if len(normalised_words(row.requirement)) < 4:
        return None
    if number not in {p.number for p in load_catalogue(code).provisions}:
        return 0.0  # no such provision in that version
    theirs = _provision_pairs(code, number)
    return _pair_likeness(_pairs(normalised_words(row.requirement)), theirs)


@dataclass(frozen=True)
class VersionFit:
    """How well each version's wording fits a form's rows: version -> mean likeness, over the
    ``rows`` that print wording beside a number."""

    scores: dict[str, float]
    rows: int

    @property
    def best(self) -> str | None:
        return max(self.scores, key=lambda v: self.scores[v]) if self.scores and self.rows else None


def version_fit(form: ReadForm, codes: tuple[str, ...] | None = None) -> VersionFit:
    """How well each version of the Code fits ``form``'s numbered rows (or, for a questionnaire
    without numbers, how many of each version's questions its paragraphs print)."""
    codes = codes or tuple(versions())
    numbered = [(n, row) for row in form.rows if (n := provision_number(row.number))]
    if not numbered:
        return _questionnaire_fit(form, codes)
    scores: dict[str, float] = {}
    counted = 0
    for code in codes:
        fits = [fit for n, row in numbered if (fit := _row_likeness(row, n, code)) is not None]
        counted = max(counted, len(fits))
        scores[code] = sum(fits) / len(fits) if fits else 0.0
    return VersionFit(scores, counted)


def _questionnaire_fit(form: ReadForm, codes: tuple[str, ...]) -> VersionFit:
    scores: dict[str, float] = {}
    for code in codes:
        catalogue = load_catalogue(code)
        found = {p.number for row in form.rows if (p := _question(row.requirement, catalogue)) is not None}
        scores[code] = len(found) / len(catalogue.provisions)
    return VersionFit(scores, sum(1 for row in form.rows if row.requirement.strip()))


def check_version(form: ReadForm, catalogue: Catalogue, *, version_given: bool = False) -> VersionFit:
    """The fit of every version to ``form``, after checking that ``form`` is ``catalogue``'s
    version (:class:`FormError` otherwise, saying which version it looks like and how to import it).

    The file's wording decides; a file that states its version (the CSV export's ``code_version``)
    must state ``catalogue``'s. A file that prints no wording beside its numbers and states no
    version cannot be checked: it is imported only when the user named the version
    (``version_given``: ``--code``), since only 3 of the 72 numbers have the same requirement in
    the 2022 and 2024 Codes.
    """
    if form.stated_code is not None and form.stated_code != catalogue.code:
        raise FormError(
            f"this file says it is a self-assessment against the {form.stated_code} Code (its code_version column), "
            f"not the {catalogue.code} Code: import it into a period assessed against the {form.stated_code} Code",
            path=form.source)
    fit = version_fit(form)
    if fit.rows == 0 and form.rows and form.stated_code is None and not version_given:
        raise FormError(
            "this file prints no requirement wording beside its provision numbers, so which Code it is against "
            f"cannot be checked (provision 5.1 of the 2022 Code is not 5.1 of the 2024 Code): if it is against the "
            f"{catalogue.code} Code, say so with --code {catalogue.code}", path=form.source)
    best = fit.best
    if best is None or best == catalogue.code:
        return fit
    mine, theirs = fit.scores.get(catalogue.code, 0.0), fit.scores[best]
    if theirs >= SAME_WORDING and theirs - mine >= OTHER_VERSION_MARGIN:
        raise FormError(
            f"this looks like a self-assessment against the {best} Code, not the {catalogue.code} Code: the "
            f"wording of its rows matches the {best} Code's provisions {theirs:.0%} and the {catalogue.code} "
            f"Code's {mine:.0%}; import it with --code {best} (into a period assessed against the {best} "
            "Code), or check that it is the file you meant",
            path=form.source,
        )
    return fit


@dataclass
class MatchedForm:
    """A read form's rows as answers to one version's provisions."""

    code: str
    #: Provision id -> the answer the file gives (provisions whose row gives nothing are absent).
    answers: dict[str, Answer] = field(default_factory=dict)
    #: Provision id -> where its row is in the file, for every provision the file holds.
    held: dict[str, str] = field(default_factory=dict)
    unread: list[Unread] = field(default_factory=list)
    #: Provisions matched by number whose printed wording is not the Code's (id, where).
    wording_differs: list[tuple[str, str]] = field(default_factory=list)
    fit: VersionFit | None = None


def match_form(form: ReadForm, catalogue: Catalogue, *, version_given: bool = False) -> MatchedForm:
    """``form``'s rows as answers to ``catalogue``'s provisions (after :func:`check_version`)."""
    if not form.rows:
        raise FormError("expected the form's rows under its header; found no rows: is this the filled-in form?",
                        path=form.source)
    fit = check_version(form, catalogue, version_given=version_given)
    matched = MatchedForm(code=catalogue.code, unread=list(form.unread), fit=fit)
    # a form whose rows print numbers (even ones not read as provision numbers, which are listed);
    # only a page with no numbers at all is read as the 2020 questionnaire
    numbered = any((row.number or "").strip() for row in form.rows)
    rows = _numbered_rows(form, catalogue, matched) if numbered else _questionnaire_rows(form, catalogue, matched)
    for provision, row in rows:
        answer, unread = answer_from_row(row, provision, literal=form.literal)
        matched.unread.extend(unread)
        matched.held[provision.id] = row.where
        if answer is not None:
            matched.answers[provision.id] = answer
    return matched


def _numbered_rows(form: ReadForm, catalogue: Catalogue,
                   matched: MatchedForm) -> list[tuple[Provision, FormRow]]:
    by_number = {p.number: p for p in catalogue.provisions}
    rows: list[tuple[Provision, FormRow]] = []
    seen: dict[str, str] = {}
    for row in form.rows:
        number = provision_number(row.number)
        if number is None and (either := _EITHER.match(row.number or "")):
            number = _one_of(row, [n for n in either.groups() if n in by_number], catalogue, matched)
            if number is None:
                continue
        if number is None:
            printed = (row.number or "").strip()
            reason = (f"a number that is not a provision's ('{shortened(printed, 20)}'; expected e.g. 1.2)" if printed
                      else "a row without a provision number")
            matched.unread.append(Unread(row.where, reason,
                                         shortened(row.requirement or row.evidence or row.commentary)))
            continue
        provision = by_number.get(number)
        if provision is None:
            matched.unread.append(Unread(row.where, f"no provision {number} in the {catalogue.code} Code",
                                         shortened(row.requirement)))
            continue
        if number in seen:
            matched.unread.append(Unread(row.where, f"provision {number} again (the row at {seen[number]} "
                                                    "is the one imported)", shortened(row.requirement)))
            continue
        seen[number] = row.where
        fits = _row_likeness(row, number, catalogue.code)
        if fits is not None and fits < SAME_WORDING:
            matched.wording_differs.append((provision.id, row.where))
        rows.append((provision, row))
    return rows


#: A number a reader could not tell from another ("5.1 or 5.10": Excel stores both as 5.1).
_EITHER = re.compile(r"^\s*(\d{1,2}\.\d{1,2}) or (\d{1,2}\.\d{1,2})\s*$")


def _one_of(row: FormRow, numbers: list[str], catalogue: Catalogue, matched: MatchedForm) -> str | None:
    """The one of ``numbers`` (provisions of ``catalogue``) that ``row`` is: the only one the Code
    has, else the one whose wording the row prints; ``None`` (listed) when neither tells."""
    if len(numbers) == 1:
        return numbers[0]
    fits = {number: _row_likeness(row, number, catalogue.code) or 0.0 for number in numbers}
    best = max(fits, key=lambda number: fits[number]) if fits else None
    if best is not None and fits[best] >= SAME_WORDING and all(fits[n] < fits[best] for n in fits if n != best):
        others = " or ".join(n for n in numbers if n != best)
        matched.unread.append(Unread(row.where, f"read as {best}: its wording is {best}'s, not {others}'s"))
        return best
    matched.unread.append(Unread(row.where, f"a number that could be {' or '.join(numbers) or row.number} and a "
                                            "wording that does not tell which: not imported",
                                 shortened(row.requirement)))
    return None


@cache
def _section_titles(code: str) -> frozenset[str]:
    return frozenset(" ".join(normalised_words(s.title)) for s in load_catalogue(code).sections)


def _question(text: str, catalogue: Catalogue) -> Provision | None:
    """The question of ``catalogue`` that the paragraph ``text`` prints, if any."""
    words = normalised_words(text)
    if len(words) < 3:
        return None
    mine = _pairs(words)
    best, score = None, 0.0
    for provision in catalogue.provisions:
        first_line = provision.text.split("\n", 1)[0]
        theirs = _pairs(normalised_words(first_line))
        fit = _pair_likeness(mine, theirs)
        # the paragraph must be the question, not a long answer that quotes a few of its words
        if fit > score and len(mine) <= 2 * len(theirs) + 2:
            best, score = provision, fit
    return best if score >= IS_QUESTION else None


def _questionnaire_rows(form: ReadForm, catalogue: Catalogue,
                        matched: MatchedForm) -> list[tuple[Provision, FormRow]]:
    """An unnumbered questionnaire's paragraphs as rows: each question with the paragraphs under it
    (up to the next question or section heading), in the order printed."""
    titles = _section_titles(catalogue.code)
    questions: list[tuple[Provision, FormRow, list[str]]] = []  # each question, its row, its answer's lines
    seen: dict[str, str] = {}
    answer: list[str] | None = None  # the lines of the answer being read (None: between questions)
    headed = False  # a section heading was printed (text before it is the page's preamble)
    for row in form.rows:
        text = row.requirement.strip()
        if not text:
            continue
        if " ".join(normalised_words(text)) in titles:
            answer, headed = None, True
            continue
        question = _question(text, catalogue)
        current = questions[-1][0] if questions and answer is not None else None
        if question is not None and question is current and not answer:
            continue  # the question's own next paragraph
        if question is not None and question.number in seen:
            matched.unread.append(Unread(row.where, f"question {question.number} again (the one at "
                                                    f"{seen[question.number]} is imported; this one's answer is not)",
                                         shortened(text)))
            answer = []  # its answer is read, and listed, below
            questions.append((question, row, answer))
            continue
        if question is not None:
            seen[question.number] = row.where
            answer = []
            questions.append((question, row, answer))
        elif current is not None and answer is not None:
            if current.text.count("\n") and likeness(text, current.text) >= IS_QUESTION and not answer:
                continue  # a further line of the question itself (the definition under 1.1)
            answer.append(text)
        elif answer is not None:  # under a repeated question
            answer.append(text)
        elif headed or questions:
            matched.unread.append(Unread(row.where, "text after a section heading, before its first question",
                                         shortened(text)))
    rows = []
    for provision, row, lines in questions:
        if seen[provision.number] != row.where:
            if lines:
                matched.unread.append(Unread(row.where, f"the answer under question {provision.number} printed "
                                                        "again (not imported)", shortened(" ".join(lines))))
            continue
        rows.append((provision, _answer_row(provision, row, lines)))
    return rows


def _answer_row(provision: Provision, row: FormRow, lines: list[str]) -> FormRow:
    """A question's row from the paragraphs under it: the first is the value asked for (or the
    status, when it starts with one), bulleted ones the evidence, the others the commentary."""
    first = ""
    if lines and (provision.asks_for_value or read_status(lines[0])[0] is not None):
        first, lines = lines[0].lstrip("".join(_BULLETS) + " "), lines[1:]
    bullets = [line for line in lines if line.lstrip().startswith(_BULLETS)]
    others = [line for line in lines if not line.lstrip().startswith(_BULLETS)]
    return FormRow(row.where, provision.number, row.requirement, status=first, evidence="\n".join(bullets),
                   commentary="\n".join(others))


__all__ = [
    "IS_QUESTION", "OTHER_VERSION_MARGIN", "SAME_WORDING", "MatchedForm", "VersionFit", "check_version",
    "likeness", "match_form", "normalised_words", "provision_number", "version_fit",
]
