"""The housing group's registry (``inputs/landlords.yaml``) and each landlord's configuration.

Layout of an inputs directory::

    inputs/landlords.yaml              the group and its subsidiaries
    inputs/<landlord>/landlord.yaml    case-log location and column mapping, local targets
    inputs/<landlord>/<case log>       the housing system's export
    inputs/<landlord>/answers/<period>.yaml   the assessment answers
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..cases.settings import CaseLogSettings
from ..core.ids import CODE_VERSION, quoted, validate_landlord_id
from ..core.io import describe_validation_error, load_yaml
from ..core.paths import CONFIG_FILE, REGISTRY_FILE, answers_file, landlord_input_dir
from ..core.periods import Period
from ..errors import AuditError, ConfigError
from .finding_settings import FindingSettings, merged_settings

#: How an extension communicated to the resident counts towards CH02 and the on-time rates.
ExtensionPolicy = Literal["good_reason", "code_limit", "full", "none"]
#: Where the response deadline runs from: the acknowledgement or the day it was due, whichever is
#: earlier (a late acknowledgement buys no time), or the acknowledgement however late.
ResponseDeadline = Literal["from_earlier", "from_acknowledgement"]

#: Counts that feed a published figure (homes, working-day targets, service requests) are whole
#: numbers written as numbers: ``true``, ``"12000"`` or ``12000.0`` are refused, not converted, so a
#: slip in the YAML cannot become a figure (``homes: true`` would otherwise be one home).
PositiveCount = Annotated[int, Field(strict=True, gt=0)]
NonNegativeCount = Annotated[int, Field(strict=True, ge=0)]
#: Names are shown on every report; longer than this is a paste, not a name.
MAX_NAME_LENGTH = 200


def _version(value: str) -> str:
    if not CODE_VERSION.fullmatch(value):
        raise ValueError(f"expected a Code version such as '2024' (letters, digits, '.', '_' or '-', at most "
                         f"32 characters); found {quoted(value)}")
    return value


def _name(value: str) -> str:
    """A name trimmed of surrounding spaces; blank or over-long names are refused."""
    name = " ".join(value.split())
    if not name:
        raise ValueError("expected a name to show on the reports; found a blank one")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"expected a name of at most {MAX_NAME_LENGTH} characters; found {len(name):,}")
    return name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LandlordEntry(_Strict):
    """One subsidiary in the group registry."""

    id: str
    name: Annotated[str, Field(strict=True)]
    #: Homes owned or managed: the denominator of CH01 (complaints per 1,000 homes).
    homes: PositiveCount
    #: The Code version every period of this landlord is assessed against; ``None`` (the default):
    #: the version in force for the period (:func:`audit_lib.code.versions.code_in_force`).
    code: Annotated[str, Field(strict=True)] | None = None
    #: Period id -> the Code version that period was assessed against, where not the one in force
    #: (e.g. ``{"2023-24": "2024"}`` for a landlord that assessed early against the new Code).
    codes: dict[str, Annotated[str, Field(strict=True)]] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return validate_landlord_id(value)

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return _name(value)

    @field_validator("code")
    @classmethod
    def _code_version(cls, value: str | None) -> str | None:
        return None if value is None else _version(value)

    @field_validator("codes")
    @classmethod
    def _period_versions(cls, value: dict[str, str]) -> dict[str, str]:
        for period_id, version in value.items():
            Period.parse(period_id)
            _version(version)
        return value

    def version_named(self, period: Period) -> str:
        """The Code version named for ``period`` (as :meth:`code_for`, without checking the product has it)."""
        from ..code.versions import code_in_force

        return self.codes.get(period.id) or self.code or code_in_force(period)

    def code_for(self, period: Period) -> str:
        """The Code version ``period`` is assessed against: this landlord's override for the period,
        else its ``code`` for every period, else the version in force (``data/versions.yaml``); a
        version the product does not have is :class:`~audit_lib.errors.ConfigError` naming the landlord."""
        from ..code.catalogue import code_data_file

        version = self.version_named(period)
        if code_data_file(f"code_{version}.yaml") is None:  # checked here, so one landlord's slip stops only it
            raise ConfigError(f"landlord {quoted(self.id)} in {REGISTRY_FILE} names Code version {quoted(version)} "
                              f"for {period.id}, which the product does not have; expected one of 2020, 2022, 2024 "
                              "(audit_lib/code/data/versions.yaml)")
        return version


class Group(_Strict):
    name: Annotated[str, Field(strict=True)]
    #: The findings' thresholds for every landlord of the group (a landlord's own win; docs/findings.md).
    findings: FindingSettings | None = None

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return _name(value)


class Registry(_Strict):
    group: Group
    landlords: tuple[LandlordEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Registry:
        seen: set[str] = set()
        for entry in self.landlords:
            if entry.id in seen:
                raise ValueError(f"landlord id {quoted(entry.id)} appears more than once; give each landlord its own id")
            seen.add(entry.id)
        return self

    def get(self, landlord_id: str) -> LandlordEntry:
        validate_landlord_id(landlord_id)
        for entry in self.landlords:
            if entry.id == landlord_id:
                return entry
        ids = [e.id for e in self.landlords]
        known = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
        raise ConfigError(f"unknown landlord {quoted(landlord_id)}; the registry lists: {known}")


class LocalTargets(_Strict):
    """A landlord's own targets, in working days, where stricter than the Code's."""

    stage1_acknowledge: PositiveCount | None = None
    stage1_respond: PositiveCount | None = None
    stage2_acknowledge: PositiveCount | None = None
    stage2_respond: PositiveCount | None = None


class LandlordConfig(_Strict):
    case_log: CaseLogSettings
    local_targets: LocalTargets = LocalTargets()
    #: How an extension communicated to the resident counts towards CH02 and on-time rates:
    #: ``good_reason`` (default) up to the Code's limit (10 / 20 working days), and beyond it only
    #: where the case records a good reason; ``code_limit`` up to the limit whatever the case
    #: records; ``full`` all of it; ``none`` not at all (docs/figures.md).
    extension_policy: ExtensionPolicy = "good_reason"
    #: Where the response deadline runs from: ``from_earlier`` (default) the acknowledgement or the
    #: day it was due, whichever is earlier (a late acknowledgement buys no time);
    #: ``from_acknowledgement`` the acknowledgement however late (the literal reading).
    response_deadline: ResponseDeadline = "from_earlier"
    #: Service requests the landlord counts outside the case log: period id -> Q1..Q4 (and year).
    service_requests: dict[str, dict[Literal["Q1", "Q2", "Q3", "Q4", "year"], NonNegativeCount]] = Field(
        default_factory=dict
    )
    #: The findings' thresholds for this landlord, over the group's (docs/findings.md).
    findings: FindingSettings | None = None

    @field_validator("service_requests")
    @classmethod
    def _period_ids(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        from ..core.periods import Period

        for period_id in value:
            Period.parse(period_id)
        return value


class Landlord(BaseModel):
    """A landlord as the workbook sees it: registry entry, configuration and its folder."""

    model_config = ConfigDict(frozen=True)

    entry: LandlordEntry
    config: LandlordConfig
    folder: Path
    #: The group's findings settings (``group: findings:`` in the registry), kept for :attr:`finding_settings`.
    group_findings: FindingSettings | None = None

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def homes(self) -> int:
        return self.entry.homes

    def code_for(self, period: Period) -> str:
        """The Code version the landlord's ``period`` is assessed against (:meth:`LandlordEntry.code_for`)."""
        return self.entry.code_for(period)

    @property
    def finding_settings(self) -> FindingSettings:
        """The findings' thresholds in force: the landlord's own, else the group's, else the defaults."""
        return merged_settings(self.group_findings, self.config.findings)

    @property
    def case_log_path(self) -> Path:
        return self.folder / self.config.case_log.path

    def answers_path(self, period_id: str) -> Path:
        return answers_file(self.folder, period_id)


def _validated(model: type[BaseModel], raw: object, path: Path) -> BaseModel:
    if raw is None:
        raise ConfigError("the file is empty; expected a YAML mapping", path=path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc), path=path) from None
    except AuditError as exc:  # a nested model that checks itself (e.g. the case-log settings): name the file
        raise ConfigError(exc.message, path=path) from None


def load_registry(inputs: Path) -> Registry:
    """Load ``inputs/landlords.yaml``."""
    path = Path(inputs) / REGISTRY_FILE
    return _validated(Registry, load_yaml(path, ConfigError), path)  # type: ignore[return-value]


def load_landlord(inputs: Path, landlord_id: str) -> Landlord:
    """Load one landlord's registry entry and configuration; the id is validated first."""
    folder = landlord_input_dir(inputs, landlord_id)
    registry = load_registry(inputs)
    entry = registry.get(landlord_id)
    path = folder / CONFIG_FILE
    config = _validated(LandlordConfig, load_yaml(path, ConfigError), path)
    return Landlord(entry=entry, config=config, folder=folder, group_findings=registry.group.findings)
