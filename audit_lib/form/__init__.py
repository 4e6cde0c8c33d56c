"""The Ombudsman's self-assessment form, in and out: import a landlord's existing self-assessment
from Word, Excel, CSV or a published page, and export the answers as the form landlords publish.

Reading: a reader per format (:mod:`.word`, :mod:`.spreadsheet`, :mod:`.page`) finds the form's
rows (:mod:`.rows`, :mod:`.columns`); :mod:`.interpret` reads the cells' texts (statuses as people
write them, evidence items, actions); :mod:`.match` matches rows to the Code's provisions and
confirms the version; :mod:`.importer` puts the result into the answer store.

Writing: :mod:`.filled` lays the answers out on the form once; :mod:`.word`,
:mod:`.spreadsheet` and :mod:`.summary` write it; :mod:`.exporter` chooses the format and stamps
the file with the product version and the answers' SHA-256.
"""
