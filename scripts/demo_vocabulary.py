"""The words and weights of the demo case logs, shared by the demo generator and the benchmarks.

``scripts/generate_demo_data.py`` draws the demo group's complaints from these, and
``benchmarks/synthetic.py`` its large synthetic logs, so both look like the same housing
system. The outcomes themselves are the product's vocabulary (:mod:`audit_lib.cases.schema`);
only their weights are the demo's. Each Ombudsman mix stays with its user: the benchmark's
differs on purpose, to exercise every determination.
"""

from __future__ import annotations

from audit_lib.cases.schema import OUTCOMES

#: Complaint categories and their shares.
CATEGORIES = {
    "Repairs": 0.38, "Damp and mould": 0.12, "Communication": 0.10, "Anti-social behaviour": 0.08,
    "Estate services": 0.08, "Rent and service charges": 0.08, "Staff conduct": 0.06,
    "Gas and heating": 0.05, "Lettings": 0.03, "Aids and adaptations": 0.02,
}
#: Why a complaint was not accepted.
REFUSED_REASONS = (
    "Issue occurred more than 12 months ago",
    "Legal proceedings have started",
    "Previously considered under the complaints policy",
)
#: How complaints were made, and their shares.
CHANNELS = {"Telephone": 0.40, "Email": 0.25, "Online form": 0.20, "In person": 0.08, "Letter": 0.07}
#: Stage 1 and stage 2 outcomes and their shares.
STAGE1_OUTCOMES = dict(zip(OUTCOMES, (0.34, 0.24, 0.36, 0.06)))
STAGE2_OUTCOMES = dict(zip(OUTCOMES, (0.25, 0.25, 0.45, 0.05)))
