"""Where search work runs: in a worker thread, at most SEARCH_THREADS at a time per event loop.

Searching and rendering are pure Python and hold the GIL, so more threads than this only take
turns and slow each other down (and the event loop with them); the event loop stays free to answer
cached pages, health checks and everything else while a search is computed.
"""

from __future__ import annotations

import asyncio
from functools import partial
from weakref import WeakKeyDictionary

import anyio.to_thread
from anyio import CapacityLimiter

SEARCH_THREADS = 1  # two took turns at the GIL and did less: 197 new searches/s at 10,000 aanbieders, not 240
_limiters: WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = WeakKeyDictionary()


async def run_search_work(function, *args):
    """function(*args) in a search thread."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:  # one per event loop (a limiter belongs to the loop it was made in)
        limiter = _limiters[loop] = CapacityLimiter(SEARCH_THREADS)
    return await anyio.to_thread.run_sync(partial(function, *args), limiter=limiter)
