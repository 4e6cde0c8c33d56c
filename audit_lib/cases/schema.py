"""The canonical case log: its columns, their vocabularies and limits, and the reason codes of problems.

Plain data only (no pandas), so configuration and the benchmarks can import it cheaply. A
housing system's export is mapped onto :data:`CANONICAL_COLUMNS` (all required) and any of
:data:`OPTIONAL_COLUMNS`; everything else is dropped on load. Each problem validation finds in
a row is listed in the exclusions table (:data:`EXCLUSION_COLUMNS`) with a :class:`Reason`: a
stable code for tests, reports and tools, beside the prose for people.
"""

from __future__ import annotations

from enum import StrEnum

CANONICAL_COLUMNS = (
    "case_id",
    "received",
    "stage1_acknowledged",
    "stage1_responded",
    "stage1_extension_days",
    "stage2_requested",
    "stage2_acknowledged",
    "stage2_responded",
    "stage2_extension_days",
    "stage1_outcome",
    "stage2_outcome",
    "category",
    "refused_reason",
    "ombudsman_outcome",
    "compensation",
)
OPTIONAL_COLUMNS = (
    "channel",
    "vulnerability",
    "reasonable_adjustment",
    "stage1_handler",
    "stage2_handler",
    "complaint_failure_order",
    "stage1_extension_good_reason",
    "stage2_extension_good_reason",
    "remedy",
    "stage1_logged",
)

DATE_COLUMNS = (
    "received",
    "stage1_acknowledged",
    "stage1_responded",
    "stage2_requested",
    "stage2_acknowledged",
    "stage2_responded",
)
#: Optional date columns, read and checked as the date columns are where the case log has them.
#: ``stage1_logged`` is the day the complaint was logged at stage 1: the 2020 and 2022 Codes count
#: the stage 1 response from it ("within 10 working days of the complaint being logged").
OPTIONAL_DATE_COLUMNS = ("stage1_logged",)
EXTENSION_COLUMNS = ("stage1_extension_days", "stage2_extension_days")
#: Whether the case records a good reason for an extension beyond the Code's limit (Code 6.4, 6.15).
GOOD_REASON_COLUMNS = ("stage1_extension_good_reason", "stage2_extension_good_reason")
#: Cell words read as "yes" and as "no" in a good-reason column (after trimming and lower-casing).
YES_WORDS = ("yes", "y", "true", "1")
NO_WORDS = ("no", "n", "false", "0")
#: Free-text columns kept only as whether something is recorded: ``"yes"``, or ``""`` when the cell
#: is blank or says nothing was (:data:`NOTHING_RECORDED_WORDS`). ``remedy`` is what was done to put
#: a complaint right (Code 7.1); its words may describe a resident's circumstances, so they are
#: replaced on load, before anything else reads the column, and never reach a figure, a message or
#: the data-quality appendix.
PRESENCE_COLUMNS = ("remedy",)
#: Cell words of a presence column that mean nothing was recorded (after trimming and lower-casing).
NOTHING_RECORDED_WORDS = ("no", "n", "none", "nil", "n/a", "na", "-", "false", "0")
OUTCOME_COLUMNS = ("stage1_outcome", "stage2_outcome")
#: Stage 1 and stage 2 outcomes, as stored (lower case).
OUTCOMES = ("upheld", "partly upheld", "not upheld", "withdrawn")
#: Other spellings of an outcome, read as the stored one (a landlord maps its own words in
#: ``case_log.outcomes``).
OUTCOME_SYNONYMS = {"partially upheld": "partly upheld", "part upheld": "partly upheld"}
#: How a responded complaint with no outcome recorded (blank, or a word not mapped) is counted.
NOT_RECORDED = "not recorded"
#: The Ombudsman's determinations, worst first, as stored (lower case).
OMBUDSMAN_OUTCOMES = (
    "severe maladministration", "maladministration", "service failure", "reasonable redress",
    "no maladministration", "outside jurisdiction", "withdrawn",
)
#: An extension longer than this many working days is taken as a data error, not a choice.
MAX_EXTENSION_DAYS = 120


class Reason(StrEnum):
    """Why a row of a case log cannot be used: one code per kind of problem, stable across releases.

    Each code goes with one prose reason (:data:`audit_lib.cases.validate.REASON_TEXT`). A step
    recorded before the step it follows is named ``<later step>-before-<earlier step>``; a step
    left blank while a later one is recorded is ``missing-<step>``.
    """

    MISSING_CASE_ID = "missing-case-id"
    DUPLICATE_CASE_ID = "duplicate-case-id"
    DUPLICATE_DIFFERS = "duplicate-differs"
    DUPLICATE_RECEIVED_DIFFERS = "duplicate-received-differs"
    DUPLICATE_COPY_UNUSABLE = "duplicate-copy-unusable"
    BAD_DATE = "bad-date"
    MISSING_RECEIVED = "missing-received"
    STAGE1_ACKNOWLEDGED_BEFORE_RECEIVED = "stage1-acknowledged-before-received"
    STAGE1_LOGGED_BEFORE_RECEIVED = "stage1-logged-before-received"
    STAGE1_RESPONDED_BEFORE_STAGE1_ACKNOWLEDGED = "stage1-responded-before-stage1-acknowledged"
    STAGE1_RESPONDED_BEFORE_RECEIVED = "stage1-responded-before-received"
    STAGE2_REQUESTED_BEFORE_STAGE1_RESPONDED = "stage2-requested-before-stage1-responded"
    STAGE2_REQUESTED_BEFORE_RECEIVED = "stage2-requested-before-received"
    STAGE2_ACKNOWLEDGED_BEFORE_STAGE2_REQUESTED = "stage2-acknowledged-before-stage2-requested"
    STAGE2_RESPONDED_BEFORE_STAGE2_ACKNOWLEDGED = "stage2-responded-before-stage2-acknowledged"
    STAGE2_RESPONDED_BEFORE_STAGE2_REQUESTED = "stage2-responded-before-stage2-requested"
    MISSING_STAGE1_ACKNOWLEDGED = "missing-stage1-acknowledged"
    MISSING_STAGE1_RESPONDED = "missing-stage1-responded"
    MISSING_STAGE2_REQUESTED = "missing-stage2-requested"
    MISSING_STAGE2_ACKNOWLEDGED = "missing-stage2-acknowledged"
    BAD_EXTENSION = "bad-extension"
    BAD_GOOD_REASON = "bad-good-reason"
    NEGATIVE_EXTENSION = "negative-extension"
    EXTENSION_TOO_LONG = "extension-too-long"
    UNKNOWN_OUTCOME = "unknown-outcome"
    BAD_AMOUNT = "bad-amount"
    NEGATIVE_AMOUNT = "negative-amount"
    UNKNOWN_OMBUDSMAN_OUTCOME = "unknown-ombudsman-outcome"
    EMPTY_ROW = "empty-row"
    RAGGED_ROW = "ragged-row"
    SHORT_ROW = "short-row"
    FORMULA_NO_VALUE = "formula-no-value"


#: Steps that must not come before another: (later step, earlier step, reason). A step of an
#: optional column (:data:`OPTIONAL_DATE_COLUMNS`) is checked where the case log has the column.
STEP_ORDER = (
    ("stage1_acknowledged", "received", Reason.STAGE1_ACKNOWLEDGED_BEFORE_RECEIVED),
    ("stage1_logged", "received", Reason.STAGE1_LOGGED_BEFORE_RECEIVED),
    ("stage1_responded", "stage1_acknowledged", Reason.STAGE1_RESPONDED_BEFORE_STAGE1_ACKNOWLEDGED),
    ("stage1_responded", "received", Reason.STAGE1_RESPONDED_BEFORE_RECEIVED),
    ("stage2_requested", "stage1_responded", Reason.STAGE2_REQUESTED_BEFORE_STAGE1_RESPONDED),
    ("stage2_requested", "received", Reason.STAGE2_REQUESTED_BEFORE_RECEIVED),
    ("stage2_acknowledged", "stage2_requested", Reason.STAGE2_ACKNOWLEDGED_BEFORE_STAGE2_REQUESTED),
    ("stage2_responded", "stage2_acknowledged", Reason.STAGE2_RESPONDED_BEFORE_STAGE2_ACKNOWLEDGED),
    ("stage2_responded", "stage2_requested", Reason.STAGE2_RESPONDED_BEFORE_STAGE2_REQUESTED),
)
#: Steps that, once recorded, need an earlier one: (step, the step it needs, reason when that is blank).
REQUIRED_EARLIER_STEPS = (
    ("stage1_responded", "stage1_acknowledged", Reason.MISSING_STAGE1_ACKNOWLEDGED),
    ("stage2_requested", "stage1_responded", Reason.MISSING_STAGE1_RESPONDED),
    ("stage2_acknowledged", "stage2_requested", Reason.MISSING_STAGE2_REQUESTED),
    ("stage2_responded", "stage2_acknowledged", Reason.MISSING_STAGE2_ACKNOWLEDGED),
)

#: Problems that leave a row with no complaint in it: the row is excluded whole.
WHOLE_ROW_REASONS = frozenset({
    Reason.MISSING_CASE_ID, Reason.MISSING_RECEIVED, Reason.DUPLICATE_CASE_ID, Reason.DUPLICATE_RECEIVED_DIFFERS,
    Reason.EMPTY_ROW, Reason.RAGGED_ROW,
})
#: Fields that say which complaint a row is: copies of a case reference that differ in one of
#: these cannot be merged into one complaint (every copy is excluded whole).
IDENTITY_FIELDS = ("received", "refused")  # refused: whether ``refused_reason`` is given

#: The exclusions table: one row per problem found (file row, case reference, column, the
#: cell as it may be shown (only what a value of its column can look like, else its kind:
#: :func:`audit_lib.cases.validate.shown_value`), the prose reason and its :class:`Reason` code),
#: whether the row was excluded whole, and otherwise the fields the problem made unknown
#: (space-separated). A ragged or short row is listed by its row and reason only.
EXCLUSION_COLUMNS = ["row", "case_id", "column", "value", "reason", "code", "excluded", "unknown"]
#: The column of the usable cases naming, space-separated, the fields unknown for a complaint.
UNKNOWN_COLUMN = "unknown"
#: At most this many characters of a cell are quoted in an exclusion or an error message.
MAX_VALUE_CHARS = 40
#: Free-text columns whose values are counted in figures: only the landlord's own vocabulary
#: (words it lists, or seen often enough) is shown; any other value is counted as :data:`OTHER`.
VOCABULARY_COLUMNS = ("category", "channel", "refused_reason")
OTHER = "Other"
