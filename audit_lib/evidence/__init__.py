"""The evidence register: the documents a landlord's answers cite, by id, and their files.

::

    register.py   Document, EvidenceRegister, load_register: ``inputs/<landlord>/evidence/register.yaml``
                  and the files it keeps in ``evidence/files/`` (stored once, named by their SHA-256);
                  which documents the answers cite, and the hashes a signature records

The findings about the evidence itself (vague, boilerplate, not in the register, changed since
sign-off ...) are :mod:`audit_lib.findings.evidence_quality`'s.
"""
