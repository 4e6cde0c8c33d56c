"""Configuration: the group registry (``inputs/landlords.yaml``) and each landlord's ``landlord.yaml``.

Validated with pydantic; errors name the file and the field, and say what was expected. The
case-log part of a landlord's configuration is :class:`audit_lib.cases.settings.CaseLogSettings`,
owned by the case-log stage that reads by it.
"""

from .landlords import Landlord, LandlordConfig, LandlordEntry, LocalTargets, Registry, load_landlord, load_registry

__all__ = ["Landlord", "LandlordConfig", "LandlordEntry", "LocalTargets", "Registry", "load_landlord", "load_registry"]
