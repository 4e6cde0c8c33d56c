"""The group roll-up: subsidiaries side by side, from their ``metrics.json`` and answer files.

``members`` loads each subsidiary as the roll-up sees it; ``rules`` pools the group's figures
and says why a subsidiary is behind; ``summary`` is the façade the group notebook calls,
returning the HTML views.
"""

from .summary import GroupSummary, open_group_summary

__all__ = ["GroupSummary", "open_group_summary"]
