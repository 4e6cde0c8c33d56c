"""The workbook the notebook calls: one object per landlord and period, and its interactive forms.

``facade`` loads a landlord's inputs once and hands each notebook cell one display object;
``views`` turns the loaded data into the report's HTML parts; ``record`` builds the run record
(figures and provenance) the batch writes to ``metrics.json``; ``interactive`` and
``widgets`` are the ipywidgets forms, progress and sign-off an auditor edits in JupyterLab
(answers live in the store, never in widget state), every widget built with the shared
layouts and styles of ``look`` (which also hides and shows a widget); ``notebook_errors``
shows user-fixable errors in one line.
"""

from .facade import Workbook, open_workbook

__all__ = ["Workbook", "open_workbook"]
