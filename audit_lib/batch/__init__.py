"""The batch: every landlord's workbook executed with papermill in parallel, then the group roll-up.

``run`` selects the landlords, builds their jobs and the group's, drives a pool and writes the
end-of-run table; ``pools`` are where jobs run (local worker processes or a Dask cluster);
``progress`` is the one progress bar; ``worker`` holds the job and result types and executes,
records and exports one notebook; ``engine`` is the papermill engine and nbclient client of
batch runs, built on their public extension points, with the kernel start retries;
``jupyter_private`` holds the private names of Jupyter's libraries the engine still needs, why,
and the check that they exist; ``runrecord`` is ``outputs/<period>/run.json``. Only the workers
load papermill and nbconvert.
"""

from .run import BatchOptions, BatchResult, run_batch

__all__ = ["BatchOptions", "BatchResult", "run_batch"]
