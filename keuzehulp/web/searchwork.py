"""Where search work runs: in worker threads, at most SEARCH_THREADS at a time.

Searching and rendering are pure Python and hold the GIL, so more threads than this only take
turns and slow each other down (and the event loop with them); the event loop stays free to answer
cached pages, health checks and everything else while a search is computed.
"""

from __future__ import annotations

from functools import partial

import anyio.to_thread
from anyio import CapacityLimiter

SEARCH_THREADS = 2
_limiter: CapacityLimiter | None = None


async def run_search_work(function, *args):
    """function(*args) in a search thread."""
    global _limiter
    if _limiter is None:  # made on first use, inside the running event loop
        _limiter = CapacityLimiter(SEARCH_THREADS)
    return await anyio.to_thread.run_sync(partial(function, *args), limiter=_limiter)
