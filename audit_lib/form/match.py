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
from .interpret import answer_from_row
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

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?\s*$")


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


def check_version(form: ReadForm, catalogue: Catalogue) -> VersionFit:
    """The fit of every version to ``form``; :class:`FormError` when another version fits it
    clearly better than ``catalogue``'s (saying which, and how to import it)."""
    fit = version_fit(form)
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


def match_form(form: ReadForm, catalogue: Catalogue) -> MatchedForm:
    """``form``'s rows as answers to ``catalogue``'s provisions (after :func:`check_version`)."""
    fit = check_version(form, catalogue)
    matched = MatchedForm(code=catalogue.code, unread=list(form.unread), fit=fit)
    numbered = any(provision_number(row.number) for row in form.rows)
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
        if number is None:
            matched.unread.append(Unread(row.where, "a row without a provision number",
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
    """An unnumbered questionnaire's paragraphs as rows: each question with the paragraphs under it."""
    titles = _section_titles(catalogue.code)
    current: tuple[Provision, FormRow] | None = None
    rows: list[tuple[Provision, FormRow]] = []
    answer_lines: list[str] = []

    def close() -> None:
        if current is not None:
            provision, row = current
            lines = [line for line in answer_lines if line.strip()]
            first, rest = (lines[0].lstrip("".join(_BULLETS) + " "), lines[1:]) if lines and provision.asks_for_value \
                else ("", lines)
            bullets = [line for line in rest if line.lstrip().startswith(_BULLETS)]
            others = [line for line in rest if not line.lstrip().startswith(_BULLETS)]
            rows.append((provision, FormRow(row.where, provision.number, row.requirement, status=first,
                                            evidence="\n".join(bullets), commentary="\n".join(others))))

    for row in form.rows:
        text = row.requirement.strip()
        if not text:
            continue
        if " ".join(normalised_words(text)) in titles:
            close()
            current, answer_lines = None, []
            continue
        question = _question(text, catalogue)
        if question is not None:
            if current is not None and current[0] is question:  # the question's second paragraph
                continue
            close()
            current, answer_lines = (question, row), []
        elif current is not None:
            if current[0].text.count("\n") and likeness(text, current[0].text) >= IS_QUESTION and not answer_lines:
                continue  # a further line of the question itself (the definition under 1.1)
            answer_lines.append(text)
        elif rows:
            matched.unread.append(Unread(row.where, "text after a section heading, before its first question",
                                         shortened(text)))
    close()
    return rows


__all__ = [
    "IS_QUESTION", "OTHER_VERSION_MARGIN", "SAME_WORDING", "MatchedForm", "VersionFit", "check_version",
    "likeness", "match_form", "normalised_words", "provision_number", "version_fit",
]
