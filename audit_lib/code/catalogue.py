"""The Complaint Handling Code catalogue, from data files: sections and assessable provisions,
the timescales of each complaint stage, and which case figures bear on which provision.

Provision ids (``2024:6.2``) are the stable keys of everything else in the product; never
derive identity from wording, which differs between versions of the Code. Within a data file
a provision is named by its number (``6.2``), and every number the timescales or the figures
name must be one of the file's provisions.

The product's versions are the files in ``data/``; :func:`add_code_folder` adds a folder of
further versions. A version is read and validated on first use, never at import.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

from ..core.io import describe_validation_error, load_yaml
from ..core.yaml_files import shorten
from ..errors import CatalogueError

DEFAULT_CODE = "2024"


class _CodeData(BaseModel):
    """A part of a Code data file: immutable once loaded, and no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Section(_CodeData):
    number: int
    title: str


class Provision(_CodeData):
    """One assessable provision: its number, where it sits, and its wording as published."""

    code: str
    number: str
    section: int
    subsection: str | None = None
    #: The provision's tier. Older Codes (2022) have must/should tiers; the 2024 Code has
    #: none (the Ombudsman expects compliance with every provision), so ``None``.
    tier: Literal["must", "should"] | None = None
    #: The wording word for word as published, slips included.
    text: str
    #: A remark about the published wording (e.g. a slip kept as published), shown beside it.
    note: str | None = None
    #: Where the wording comes from, when not from the sources the catalogue names.
    source: str | None = None
    #: What the provision asks for: a compliance ``status`` (Yes / Partial / No / N/A; every
    #: 2022 and 2024 provision), a ``figure`` (a 2020 question such as "What proportion of
    #: complaint responses are sent within code timescales?") or a written answer (``text``).
    answer: Literal["status", "figure", "text"] = "status"
    #: What the provision requires of the landlord in plain English for residents (the
    #: residents' summary, :mod:`audit_lib.form.summary`), e.g. "Accept your complaint unless
    #: there is a good reason not to, and tell you why if we do not."
    plain: str | None = None

    @property
    def id(self) -> str:
        """The stable key, e.g. ``2024:6.2``."""
        return f"{self.code}:{self.number}"

    @property
    def asks_for_value(self) -> bool:
        """Whether the provision asks for a figure or a written answer rather than a status."""
        return self.answer != "status"

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))


class TimeLimit(_CodeData):
    """A limit the Code sets in working days, and the provision that sets it."""

    provision: str
    working_days: PositiveInt
    #: How the Code words the limit where that needs saying (e.g. "five days", counted here as
    #: working days), with its source.
    note: str | None = None


#: What a stage's response limit is counted from: its acknowledgement (2024), its logging (the
#: 2020 and 2022 Codes' stage 1: "within 10 working days of the complaint being logged") or the
#: stage's start, the day received or escalated (their stage 2: "of the complaint being escalated").
RespondFrom = Literal["acknowledged", "logged", "start"]


class RespondLimit(TimeLimit):
    """The response limit, and the step it is counted from."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    counted_from: RespondFrom = Field("acknowledged", alias="from")


class StageTimescales(_CodeData):
    """One complaint stage's limits: acknowledge, respond, and the longest extension without good
    reason (``None`` where the Code sets no such limit, e.g. the 2022 Code's stage 2 acknowledgement)."""

    stage: PositiveInt
    #: A stage the landlord may choose not to have (the 2020 and 2022 Codes' stage 3).
    optional: bool = False
    acknowledge: TimeLimit | None
    respond: RespondLimit
    extension: TimeLimit | None


class ExclusionWindow(_CodeData):
    """How old an issue may be before a complaint about it may be refused."""

    provision: str
    months: PositiveInt


class Timescales(_CodeData):
    """The ``timescales:`` block of a Code data file."""

    stages: tuple[StageTimescales, ...] = Field(min_length=1)
    #: ``None`` where the Code names no time limit for refusing a complaint about an old issue.
    exclusion_window: ExclusionWindow | None = None

    @property
    def provisions(self) -> tuple[str, ...]:
        """Every provision number the timescales name."""
        limits = [limit for s in self.stages for limit in (s.acknowledge, s.respond, s.extension) if limit]
        window = () if self.exclusion_window is None else (self.exclusion_window.provision,)
        return (*(limit.provision for limit in limits), *window)


#: A figure's name: the key of its sentence in :mod:`audit_lib.stats.provision_figures`, or of a
#: proposed answer in :mod:`audit_lib.stats.proposals`.
FigureName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Catalogue(_CodeData):
    """One version of the Code."""

    code: str
    title: str
    publisher: str
    in_force: str
    #: Where the wording comes from (a provision from elsewhere names its own ``source``).
    sources: tuple[str, ...] = ()
    sections: tuple[Section, ...]
    provisions: tuple[Provision, ...]
    #: The Code's timescales (``None`` for a version whose file does not give them yet).
    timescales: Timescales | None = None
    #: Provision number -> the names of the case figures written beside it, in order.
    figures: dict[str, tuple[FigureName, ...]] = Field(default_factory=dict)
    #: Provision number -> the case figure proposed as the answer to a question asking for a
    #: figure (the 2020 Code's "What proportion of ...?"); the auditor confirms or changes it.
    proposals: dict[str, FigureName] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _stamp_code(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("provisions"), list):
            code = data.get("code")
            data = {**data, "provisions": [{"code": code, **p} if isinstance(p, dict) else p for p in data["provisions"]]}
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> Catalogue:
        numbers = [p.number for p in self.provisions]
        if len(set(numbers)) != len(numbers):
            raise ValueError("provision numbers must be unique")
        known = {s.number for s in self.sections}
        for p in self.provisions:
            if p.section not in known or not p.number.startswith(f"{p.section}."):
                raise ValueError(f"provision {p.number} names section {p.section}, which does not hold it")
        if self.timescales is not None:
            found = [s.stage for s in self.timescales.stages]
            if found != list(range(1, len(found) + 1)):
                raise ValueError(f"timescales: expected stages numbered 1, 2, ... in order, found {found}")
            for number in self.timescales.provisions:
                if number not in numbers:
                    raise ValueError(f"timescales: provision {number!r} is not one of this Code's provisions")
        for number, names in self.figures.items():
            if number not in numbers:
                raise ValueError(f"figures: provision {number!r} is not one of this Code's provisions")
            if not names or len(set(names)) != len(names):
                raise ValueError(f"figures: provision {number} needs a list of distinct figure names, found {list(names)}")
        by_number = {p.number: p for p in self.provisions}
        for number in self.proposals:
            if number not in by_number:
                raise ValueError(f"proposals: provision {number!r} is not one of this Code's provisions")
            if by_number[number].answer == "status":
                raise ValueError(f"proposals: provision {number} asks for a status; a proposal answers a question "
                                 "asking for a figure or a written answer")
        return self

    @property
    def has_tiers(self) -> bool:
        """Whether this Code sorts its provisions into must / should tiers (2022)."""
        return any(p.tier is not None for p in self.provisions)

    def section(self, number: int) -> Section:
        for section in self.sections:
            if section.number == number:
                return section
        raise CatalogueError(f"the {self.code} Code has no section {number}; expected 1 to {len(self.sections)}")

    def provisions_in(self, section: int) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if p.section == section)

    def provision(self, key: str) -> Provision:
        """Look up a provision by id (``2024:6.2``) or by number within this Code (``6.2``)."""
        number = key.split(":", 1)[1] if key.startswith(f"{self.code}:") else key
        for p in self.provisions:
            if p.number == number:
                return p
        raise CatalogueError(f"unknown provision {shorten(key)} in the {self.code} Code; expected an id such as "
                             f"'{self.code}:6.2'")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.provisions)


#: Folders holding Code versions that do not ship with the product, searched after the
#: product's own ``data/`` folder (see :func:`add_code_folder`).
_code_folders: list[Path] = []


def add_code_folder(folder: str | Path) -> None:
    """Also look for Code data files (``code_<version>.yaml``) in ``folder``.

    For a version that does not ship with the product, e.g. a draft of the next Code or a
    test's variant of one. The product's own ``data/`` folder is searched first, so a shipped
    version cannot be replaced; a version is read on first use and then kept for the process,
    so add the folder before its versions are used. Adding a folder twice adds it once.
    """
    folder = Path(folder)
    if folder not in _code_folders:
        _code_folders.append(folder)


def remove_code_folder(folder: str | Path) -> None:
    """Stop looking in a folder given to :func:`add_code_folder` (versions already read stay read)."""
    folder = Path(folder)
    if folder in _code_folders:
        _code_folders.remove(folder)


def code_data_file(name: str) -> Path | None:
    """A file of the Code's data by name (``code_2024.yaml``, ``findings_2024.yaml``): the
    product's own, else the first in a folder given to :func:`add_code_folder`; ``None`` if none."""
    shipped = Path(str(resources.files("audit_lib.code") / "data" / name))
    for path in (shipped, *(folder / name for folder in _code_folders)):
        if path.is_file():
            return path
    return None


def _data_file(code: str) -> Path | None:
    """The data file of a Code version: the product's own, else the first in an added folder."""
    return code_data_file(f"code_{code}.yaml")


def load_catalogue_file(path: Path) -> Catalogue:
    """Load and validate a catalogue data file."""
    raw = load_yaml(path, CatalogueError)
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(describe_validation_error(exc), path=path) from None


def load_catalogue(code: str = DEFAULT_CODE) -> Catalogue:
    """The catalogue of one version of the Code (default 2024): one shipped with the product,
    or one in a folder given to :func:`add_code_folder`.

    Each version's file is read once per process, on first use, however the version is named
    in the call.
    """
    return _load_version(code)


@cache
def _load_version(code: str) -> Catalogue:
    path = _data_file(code)
    if path is None:
        shipped = sorted(p.name[5:-5] for p in Path(str(resources.files("audit_lib.code") / "data")).glob("code_*.yaml"))
        raise CatalogueError(f"no catalogue for Code version {code!r}; expected one of the versions this product "
                             f"ships ({', '.join(shipped)}) or one in a folder added with add_code_folder")
    catalogue = load_catalogue_file(path)
    if catalogue.code != code:
        raise CatalogueError(f"the file names Code version {catalogue.code!r}; {path.name} must give code: {code!r}",
                             path=path)
    return catalogue
