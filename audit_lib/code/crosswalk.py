"""Crosswalks between versions of the Code, from ``data/crosswalk_<older>_<newer>.yaml``.

For each provision of the older version, the provisions of the newer one that carry its
requirement, the kind of link and a one-line note on what changed; and each provision of the
newer version that no older one leads to (``new``), with a note. Loading checks the file
against both catalogues: every older provision is linked exactly once, every newer provision
is either reached by a link or listed as new (never both), a removed provision leads nowhere,
a split one to several, and a merged one shares its target with another.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..core.io import describe_validation_error, load_yaml
from ..errors import CatalogueError
from .catalogue import Catalogue, code_data_file, load_catalogue

__all__ = ["Crosswalk", "Link", "LinkKind", "load_crosswalk"]


class LinkKind(StrEnum):
    """How an older provision's requirement is carried by the newer version."""

    SAME = "same"  # the same requirement in near-identical words
    REWORDED = "reworded"  # the same requirement in other words
    STRENGTHENED = "strengthened"  # more is required (should -> must, a stricter time, added elements)
    WEAKENED = "weakened"  # less is required
    SPLIT = "split"  # carried by several newer provisions
    MERGED = "merged"  # several older provisions carried by one newer provision
    REMOVED = "removed"  # no newer provision carries it

    @property
    def words(self) -> str:
        """The kind in a sentence: "strengthened", "split over several provisions", ..."""
        return {"same": "the same requirement", "reworded": "reworded", "strengthened": "strengthened",
                "weakened": "weakened", "split": "split over several provisions",
                "merged": "merged with other provisions", "removed": "removed"}[self.value]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Link(_Data):
    """Where one provision of the older version went."""

    source: str = Field(alias="from")
    to: tuple[str, ...]
    kind: LinkKind
    note: str = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Link:
        if (self.kind is LinkKind.REMOVED) != (not self.to):
            raise ValueError(f"link from {self.source}: a removed provision has no 'to', and only a removed one")
        if self.kind is LinkKind.SPLIT and len(self.to) < 2:
            raise ValueError(f"link from {self.source}: a split provision is carried by two or more provisions")
        if len(set(self.to)) != len(self.to):
            raise ValueError(f"link from {self.source}: 'to' names a provision twice")
        return self


class Crosswalk(_Data):
    """The crosswalk from one version of the Code to the next."""

    older: str = Field(alias="from")
    newer: str = Field(alias="to")
    sources: tuple[str, ...] = ()
    links: tuple[Link, ...]
    #: Newer provisions no older provision leads to: number -> what is new.
    new: dict[str, str] = Field(default_factory=dict)

    def check(self, older: Catalogue, newer: Catalogue) -> None:
        """Raise ``ValueError`` unless the crosswalk covers both catalogues exactly."""
        sources = [link.source for link in self.links]
        twice = sorted({n for n in sources if sources.count(n) > 1})
        if twice:
            raise ValueError(f"links: {', '.join(twice)} linked more than once; expected each {self.older} provision once")
        old_numbers = [p.number for p in older.provisions]
        missing = [n for n in old_numbers if n not in sources]
        unknown = [n for n in sources if n not in old_numbers]
        if missing or unknown:
            raise ValueError(f"links: expected every {self.older} provision once; missing {missing or 'none'}, "
                             f"not {self.older} provisions {unknown or 'none'}")
        new_numbers = {p.number for p in newer.provisions}
        reached = {n for link in self.links for n in link.to}
        stray = sorted((reached | set(self.new)) - new_numbers)
        if stray:
            raise ValueError(f"{', '.join(stray)} named as {self.newer} provisions, which the {self.newer} Code has not")
        both = sorted(reached & set(self.new))
        if both:
            raise ValueError(f"new: {', '.join(both)} also reached by a link; a provision is new only when no "
                             f"{self.older} provision leads to it")
        neither = [p.number for p in newer.provisions if p.number not in reached and p.number not in self.new]
        if neither:
            raise ValueError(f"{', '.join(neither)}: expected each {self.newer} provision reached by a link or "
                             "listed under new")
        for link in self.links:
            if link.kind is LinkKind.MERGED:
                shared = [other.source for other in self.links if other is not link and set(other.to) & set(link.to)]
                if not shared:
                    raise ValueError(f"link from {link.source}: merged, but no other provision leads to "
                                     f"{', '.join(link.to)}")

    def link(self, number: str) -> Link:
        """Where an older provision (its number, or id ``2022:5.1``) went."""
        number = number.split(":", 1)[1] if ":" in number else number
        for link in self.links:
            if link.source == number:
                return link
        raise CatalogueError(f"provision {number} is not in the {self.older} Code's crosswalk to {self.newer}")

    def predecessors(self, number: str) -> tuple[Link, ...]:
        """The links of the older provisions that lead to a newer provision (none: it is new)."""
        number = number.split(":", 1)[1] if ":" in number else number
        return tuple(link for link in self.links if number in link.to)

    def is_new(self, number: str) -> bool:
        number = number.split(":", 1)[1] if ":" in number else number
        return number in self.new


def _file(older: str, newer: str) -> Path | None:
    return code_data_file(f"crosswalk_{older}_{newer}.yaml")


def load_crosswalk(older: str, newer: str) -> Crosswalk:
    """The crosswalk from one Code version to the next (``"2022"``, ``"2024"``), checked against
    both catalogues on first use and kept for the process."""
    return _load(older, newer)


@cache
def _load(older: str, newer: str) -> Crosswalk:
    path = _file(older, newer)
    if path is None:
        raise CatalogueError(f"no crosswalk from the {older} Code to the {newer} Code; the product has "
                             "crosswalks between consecutive versions (2020 to 2022, 2022 to 2024)")
    raw = load_yaml(path, CatalogueError)
    try:
        crosswalk = Crosswalk.model_validate(raw)
        if (crosswalk.older, crosswalk.newer) != (older, newer):
            raise ValueError(f"the file is the crosswalk from {crosswalk.older} to {crosswalk.newer}; "
                             f"{path.name} must give from: {older!r} and to: {newer!r}")
        crosswalk.check(load_catalogue(older), load_catalogue(newer))
    except ValidationError as exc:
        raise CatalogueError(describe_validation_error(exc), path=path) from None
    except ValueError as exc:
        raise CatalogueError(str(exc), path=path) from None
    return crosswalk
