"""Configuration: the group registry (``inputs/landlords.yaml``) and each landlord's ``landlord.yaml``.

Validated with pydantic; errors name the file and the field, and say what was expected.
"""

from .landlords import (
           CaseLogSettings,
           Landlord,
           LandlordConfig,
           LandlordEntry,
           LocalTargets,
           Registry,
           load_landlord,
           load_registry,
)

__all__ = ["CaseLogSettings", "Landlord", "LandlordConfig", "LandlordEntry", "LocalTargets", "Registry",
           "load_landlord", "load_registry"]
