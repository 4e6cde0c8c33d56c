"""The Complaint Handling Code itself, as data keyed by Code version and provision id.

``data/code_<version>.yaml`` holds each version's sections and provisions (wording exactly as
published) and its knowledge: the timescales of each stage with the provisions that set them
(``timescales:``), and which case figures bear on which provision (``figures:``). ``catalogue``
loads and validates a data file (errors name the file); ``timescales`` gives each complaint
stage as a :class:`Stage` (its case-log columns and limits in working days). A new Code
version is a new data file here.
"""

from .catalogue import DEFAULT_CODE, Catalogue, Provision, Section, load_catalogue
from .timescales import Stage, stages

__all__ = ["DEFAULT_CODE", "Catalogue", "Provision", "Section", "Stage", "load_catalogue", "stages"]
