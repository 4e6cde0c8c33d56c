"""Assessment answers: the model of a self-assessment, its file, the store and the rules on it.

``answers`` is the model (status, evidence, commentary, actions, sign-off, reopenings) and
``answers_file`` its plain YAML file, read with checks and written atomically. ``store`` saves
every change at once and detects conflicting edits field by field, composing ``lock`` (one
writer at a time, and the revision last committed) and ``history`` (an append-only log of every
change). ``signoff`` and ``carry_forward`` are the rules for signing, reopening and starting
from last year. ``checks`` raises review flags on answers; ``actions`` and ``progress`` summarise.
"""

from .answers import Action, Answer, Assessment, Evidence, Reopening, SignOff, Status
from .answers_file import dump_assessment, load_assessment, save_assessment
from .store import AnswerStore, Conflict, Saved, current_user, open_store

__all__ = ["Action", "Answer", "AnswerStore", "Assessment", "Conflict", "Evidence", "Reopening", "Saved", "SignOff",
           "Status", "current_user", "dump_assessment", "load_assessment", "open_store", "save_assessment"]
