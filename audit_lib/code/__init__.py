"""The Complaint Handling Code itself, as data keyed by Code version and provision id.

``data/code_<version>.yaml`` holds each version's sections and provisions (wording exactly as
published) and its knowledge: the timescales of each stage, and which case figures bear on
which provision. ``catalogue`` loads and validates it; ``timescales`` gives the stages and
their limits in working days. A new Code version is a new data file here.
"""

from .catalogue import DEFAULT_CODE, Catalogue, Provision, Section, load_catalogue

__all__ = ["DEFAULT_CODE", "Catalogue", "Provision", "Section", "load_catalogue"]
