"""Assessment answers: the model of a self-assessment, its file, the store and the rules on it.

``answers`` is the model (status, evidence, commentary, actions, sign-off) and its plain YAML
file; ``store`` saves every change at once with a lock, an append-only history and conflict
detection; ``signoff`` and ``carry_forward`` are the rules for signing, reopening and starting
from last year; ``checks`` raises review flags; ``actions`` and ``progress`` summarise.
"""

from .answers import Action, Answer, Assessment, Evidence, Status, load_assessment, save_assessment
from .store import AnswerStore, Conflict, Saved, open_store

__all__ = ["Action", "Answer", "AnswerStore", "Assessment", "Conflict", "Evidence", "Saved", "Status",
           "load_assessment", "open_store", "save_assessment"]
