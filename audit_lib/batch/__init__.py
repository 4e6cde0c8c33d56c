"""The batch: every landlord's workbook executed with papermill in parallel, then the group roll-up.

``run`` selects the landlords and drives the pool (``pools``: local processes or Dask);
``worker`` executes one notebook, writes its metrics and exports its report; ``engine`` is the
papermill engine and nbclient client of batch runs, built on their public extension points;
``jupyter_private`` holds the one use of a private name and the check that it still exists;
``runrecord`` is ``outputs/<period>/run.json``. Only the workers load papermill and nbconvert.
"""

from .run import BatchOptions, BatchResult, run_batch

__all__ = ["BatchOptions", "BatchResult", "run_batch"]
