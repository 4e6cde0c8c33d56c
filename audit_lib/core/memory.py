"""Large buffers in ordinary memory pages while a case log loads and its figures are worked out
(:func:`ordinary_pages`).

Loading a log of 1,000,000 rows touches some 600 MB of freshly allocated memory, and the
statistics allocate many arrays of a few megabytes each as they pass over every case. Two libraries
ask the kernel for transparent huge pages for their large buffers: Arrow's default allocator
(mimalloc) and numpy, which advises huge pages (``madvise``) for every array of 4 MB or more. On
a machine whose kernel provides huge pages only on such advice and compacts memory to find them
(``/sys/kernel/mm/transparent_hugepage/defrag`` set to ``madvise``, as on this project's
machines), the time to provide them varies from nothing to several times the load itself between
identical loads. With ordinary pages a load costs the same every time; the buffers are as fast to
use afterwards.

Both switches are process-wide; loads running at once in threads share them (counted), and what
was there before comes back when the last one ends. Nothing else changes: a buffer keeps the
allocator it came from, and numpy only withholds its advice from memory it takes while the switch
is off (memory it advised before keeps the advice when it is used again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_users = 0
_arrow_pool_before: Any = None
_numpy_advice_before: bool | None = None


def numpy_huge_page_switch() -> Callable[[bool], bool] | None:
    """numpy's run-time switch for advising huge pages (it returns the setting it replaces), or
    ``None`` where this numpy has none. numpy reads ``NUMPY_MADVISE_HUGEPAGE`` once at import; the
    same setting is changed afterwards by ``numpy._core.multiarray._set_madvise_hugepage``
    (numpy >= 1.19; ``numpy.core.multiarray`` before 2.0)."""
    import numpy as np

    for module in ("_core", "core"):
        switch = getattr(getattr(getattr(np, module, None), "multiarray", None), "_set_madvise_hugepage", None)
        if callable(switch):
            return switch
    return None


@contextmanager
def ordinary_pages() -> Iterator[None]:
    """Arrow allocates with the C library's allocator (its system pool) and numpy advises no huge
    pages, for as long as the block runs; see the module docstring."""
    import pyarrow as pa

    global _users, _arrow_pool_before, _numpy_advice_before
    with _lock:
        if _users == 0:
            pool = pa.default_memory_pool()
            pa.set_memory_pool(pa.system_memory_pool())
            try:
                switch = numpy_huge_page_switch()
                _numpy_advice_before = switch(False) if switch is not None else None
            except BaseException:
                pa.set_memory_pool(pool)  # nothing left switched by a block that never ran
                raise
            _arrow_pool_before = pool
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                pa.set_memory_pool(_arrow_pool_before)
                _arrow_pool_before = None
                if _numpy_advice_before is not None:
                    switch = numpy_huge_page_switch()
                    if switch is not None:
                        switch(_numpy_advice_before)
                _numpy_advice_before = None
