"""The data-against-answers rules as data: ``code/data/findings_<version>.yaml``, loaded and checked.

Which figures question which answers is the Code's knowledge, so it is kept as data beside the
Code's own file and keyed the same way (a Code version, then provision numbers within it). A
rules file reads::

    code: "2024"
    rules:
      - provisions: ["6.2"]            # provision numbers of this Code version
        check: on_time_rate            # a check of :mod:`.data_rules` (its function's name)
        params: {rate: stage1_ack, what: stage 1 acknowledgements}
        breach: contradicted           # a "Yes" the check finds in breach (the default)
        shortfall: caution             # a "Yes" the check finds short of full (the default)

The thresholds are not here: they are :class:`~.settings.FindingSettings`, which the group and
each landlord may set. A file is read with the strict YAML reader and checked whole when its
version is first used (then kept for the process): an unknown check, parameters the check does
not take, or a provision the Code version does not have is a
:class:`~audit_lib.errors.CatalogueError` naming the file. A Code version with no rules file has
no data rules (its answers are questioned by the evidence rules only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..code.catalogue import Catalogue, code_data_file, load_catalogue
from ..core.io import describe_validation_error
from ..core.yaml_files import load_yaml, shorten
from ..errors import CatalogueError
from .model import Severity

if TYPE_CHECKING:
    from .data_rules import Check

#: How serious a finding of a rule may be (evidence findings are another module's).
DataSeverity = Literal["contradicted", "caution"]


class _RuleData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleEntry(_RuleData):
    """One rule as written in the file (its parameters checked against its check afterwards)."""

    provisions: tuple[str, ...] = Field(min_length=1)
    check: str = Field(min_length=1)
    params: dict[str, object] = Field(default_factory=dict)
    #: The severity of a "Yes" the check finds in breach.
    breach: DataSeverity = "contradicted"
    #: The severity of a "Yes" the check finds short of full compliance, though not in breach.
    shortfall: DataSeverity = "caution"


class RulesFile(_RuleData):
    code: str = Field(min_length=1)
    rules: tuple[RuleEntry, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A checked rule: the provision ids it applies to, its check and that check's parameters."""

    provisions: tuple[str, ...]
    check: Check
    params: BaseModel
    breach: Severity
    shortfall: Severity

    @property
    def check_name(self) -> str:
        return self.check.name


@dataclass(frozen=True)
class RuleSet:
    """The data rules of one Code version (none when the version has no rules file)."""

    code: str
    rules: tuple[Rule, ...]
    path: Path | None = None

    def for_provision(self, provision_id: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if provision_id in rule.provisions)


def rules_file(code: str) -> Path | None:
    """The rules file of a Code version: the product's own, else one beside an added Code folder's
    data file (:func:`~audit_lib.code.catalogue.add_code_folder`)."""
    return code_data_file(f"findings_{code}.yaml")


def load_rules_file(path: Path, catalogue: Catalogue, checks: Mapping[str, Check] | None = None) -> RuleSet:
    """Load and check a rules file against a Code version's catalogue and the known checks
    (:data:`~.data_rules.CHECKS` unless given); any problem is one :class:`CatalogueError` naming the file."""
    if checks is None:
        from .data_rules import CHECKS  # the checks import this module: looked up when a file is read

        checks = CHECKS
    raw = load_yaml(path, CatalogueError)
    if raw is None:
        raise CatalogueError("the file is empty; expected code: and rules:", path=path)
    try:
        data = RulesFile.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(describe_validation_error(exc), path=path) from None
    if data.code != catalogue.code:
        raise CatalogueError(f"the file names Code version {shorten(data.code)}; expected {catalogue.code!r}, the "
                             "version it is read for", path=path)
    numbers = {p.number for p in catalogue.provisions}
    rules = []
    seen: set[tuple[str, str]] = set()
    for position, entry in enumerate(data.rules, 1):
        where = f"rule {position} (check {shorten(entry.check)})"
        check = checks.get(entry.check)
        if check is None:
            raise CatalogueError(f"{where}: unknown check; expected one of {', '.join(sorted(checks))}", path=path)
        for number in entry.provisions:
            if number not in numbers:
                raise CatalogueError(f"{where}: provision {shorten(number)} is not in the {catalogue.code} Code; "
                                     f"expected a provision number such as '6.2'", path=path)
            if (number, entry.check) in seen:
                raise CatalogueError(f"{where}: provision {number} has this check twice; keep one rule per "
                                     "provision and check", path=path)
            seen.add((number, entry.check))
        try:
            params = check.params.model_validate(entry.params)
        except ValidationError as exc:
            raise CatalogueError(f"{where}: params: {describe_validation_error(exc)}", path=path) from None
        quote = getattr(params, "quote", None)
        for number in entry.provisions:
            if quote is not None and quote not in catalogue.provision(number).text:
                raise CatalogueError(f"{where}: the words to quote are not in provision {number}'s text; expected "
                                     "words of the provision as published", path=path)
        rules.append(Rule(provisions=tuple(f"{catalogue.code}:{n}" for n in entry.provisions), check=check,
                          params=params, breach=Severity(entry.breach), shortfall=Severity(entry.shortfall)))
    return RuleSet(code=catalogue.code, rules=tuple(rules), path=path)


def load_rules(code: str) -> RuleSet:
    """The data rules of a Code version, read and checked on first use and kept for the process."""
    return _load_rules(code)


@cache
def _load_rules(code: str) -> RuleSet:
    path = rules_file(code)
    if path is None:
        return RuleSet(code=code, rules=())
    return load_rules_file(path, load_catalogue(code))


__all__ = ["DataSeverity", "Rule", "RuleEntry", "RuleSet", "RulesFile", "load_rules", "load_rules_file", "rules_file"]
