"""The annual complaints performance and service improvement report's own records (Code 8.1, 8.2,
9.5, 9.7 c): what the landlord records beyond the case log and the answers, kept like the answers.

::

    records.py       the model and its plain YAML file, ``inputs/<landlord>/annual/<period>.yaml``: the
                     learning log ("You said, we did"), the Ombudsman's findings, orders and publications,
                     "none this year" flags, the governing body's response and the MRC; read strictly
    store.py         RecordsStore: every change by id, saved at once (lock, atomic write, history, conflicts)
    completeness.py  the check against 8.1 (a)-(f), 8.2 and 9.5, and orders past due: gaps with reason codes

The report itself (the annual report notebook, its figures and the workbook's section) builds on these.
"""

from .completeness import Gap, GapCode, completeness, is_complete
from .records import (
    AnnualRecords,
    ConfirmedNone,
    GoverningBodyResponse,
    Improvement,
    MemberResponsible,
    OmbudsmanFinding,
    OmbudsmanOrder,
    OmbudsmanRecord,
    dump_records,
    empty_records,
    load_records,
    records_file,
)
from .store import Added, Conflict, RecordsStore, Saved, open_records_store

__all__ = ["Added", "AnnualRecords", "ConfirmedNone", "Conflict", "Gap", "GapCode", "GoverningBodyResponse",
           "Improvement", "MemberResponsible", "OmbudsmanFinding", "OmbudsmanOrder", "OmbudsmanRecord",
           "RecordsStore", "Saved", "completeness", "dump_records", "empty_records", "is_complete", "load_records",
           "open_records_store", "records_file"]
