"""The group roll-up: subsidiaries side by side, from their ``metrics.json`` and answer files.

``members`` loads each subsidiary as the roll-up sees it (figures, answers, last run, and what
was read); ``rules`` pools the group's figures once, counts each subsidiary's answers and
actions, and says why it is behind; ``movement`` counts each subsidiary's movement since last
year (through the crosswalk where its Code changed); ``views`` turns them into the summary's HTML parts;
``summary`` is the façade the group notebook calls, one method per cell.
"""

from .summary import GroupSummary, open_group_summary

__all__ = ["GroupSummary", "open_group_summary"]
