"""A thread-safe least-recently-used cache bounded by an estimate of the bytes it holds.

Used for what searches leave behind (text matches, whole results, rendered pages), whose number
grows with every distinct search: a count limit alone would let large entries eat the memory.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np


def size_of(value) -> int:
    """A cheap estimate of the bytes a cached value keeps alive."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 100
    if isinstance(value, bytes | str):
        return len(value) + 50
    if isinstance(value, tuple | list):
        return sum(size_of(item) for item in value) + 60
    if isinstance(value, dict):  # two levels deep: exact enough, and cheap for stored documents
        return sys.getsizeof(value) + sum(_shallow(item) for item in value.values())
    return getattr(value, "cache_size", None) or sys.getsizeof(value)


def _shallow(value) -> int:
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(sys.getsizeof(item) for item in value.values())
    return sys.getsizeof(value)


class CacheCounter:
    """Hits and misses of `get`, shared by the caches of one kind across index generations (for
    /metrics); only ever increased, under the lock of the cache that counts (so, while an old and
    a new generation both serve, a rare increment may be lost: figures, not accounts)."""

    __slots__ = ("hits", "misses")

    def __init__(self):
        self.hits = 0
        self.misses = 0


class ByteBoundedCache:
    """Keeps the most recently used values within `budget` bytes."""

    def __init__(self, budget: int, counter: CacheCounter | None = None):
        self.budget = budget
        self.used = 0
        self.counter = counter or CacheCounter()
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute: Callable[[], object]):
        """The value for key, computed once while it stays cached."""
        entry = self._items.get(key)  # a hit takes no lock: each OrderedDict call is atomic
        if entry is not None:
            try:  # noqa: SIM105 (contextlib.suppress costs more on this hot path)
                self._items.move_to_end(key)
            except KeyError:  # another thread dropped it meanwhile: still a valid value
                pass
            self.counter.hits += 1  # without the lock a race may lose a count: a figure, not an account
            return entry[0]
        value = compute()
        size = size_of(value)
        with self._lock:
            self.counter.misses += 1
            if key not in self._items and size <= self.budget:
                self._items[key] = (value, size)
                self.used += size
                while self.used > self.budget:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self.used -= dropped
        return value

    def peek(self, key):
        """The cached value for key, or None (without computing or refreshing it)."""
        entry = self._items.get(key)
        return entry[0] if entry is not None else None

    def __contains__(self, key) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
