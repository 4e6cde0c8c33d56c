"""Reports: HTML parts, charts, provenance and the nbconvert export of executed notebooks.

``render`` renders the package's Jinja2 parts (``html/``) with autoescape and the number
filters; ``charts`` draws inline SVG charts; ``provenance`` records what made an output;
``export`` turns an executed notebook into a self-contained HTML report with the nbconvert
template directory in ``templates/report/`` (extends ``lab``, named blocks only).
"""

from .render import HTMLFragment, render

__all__ = ["HTMLFragment", "render"]
