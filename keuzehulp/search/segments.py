"""Per-segment arrays read from the index (postings and columns), shared by every snapshot.

Whoosh segments never change once written, so what is read from one stays valid until the
segment is merged away. A change to one aanbieder adds a small segment: only that segment has
to be read again, not the whole index.
"""

from __future__ import annotations

import functools
import logging
import struct
import threading
from collections.abc import Callable

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

log = logging.getLogger(__name__)
EMPTY = np.zeros(0, dtype=np.int64)
EMPTY.flags.writeable = False


def segment_id(leaf) -> str:
    """A stable name for a leaf reader's segment."""
    segment = leaf.segment()
    return segment.segment_id() if segment is not None else f"leaf-{id(leaf)}"


def read_posting_ids(leaf, field: str, term: str) -> np.ndarray:
    """Document numbers (local to the segment) that contain a term, deleted ones included: a
    segment's postings never change, its deletions do, and the snapshot's live mask takes those out."""
    try:
        matcher = leaf.postings(field, term)
    except TermNotFound:
        return EMPTY
    if isinstance(matcher, FilterMatcher):  # a segment with deletions filters them out id by id
        matcher = matcher.child
    blocks = []
    if uses_block_reads(matcher):
        # Whoosh's own leaf matcher: take each block's id array at once instead of id by id.
        while matcher.is_active():
            matcher._read_ids()
            blocks.append(np.asarray(matcher._ids[matcher._i :], dtype=np.int64))
            matcher._next_block()
        ids = np.concatenate(blocks) if blocks else EMPTY
    else:
        _warn_slow_once()
        ids = np.fromiter(matcher.all_ids(), dtype=np.int64)
    ids.flags.writeable = False
    return ids


def uses_block_reads(matcher) -> bool:
    """Whether a matcher is Whoosh's leaf matcher with the (private) block reads used above; pinned
    by the whoosh3 version in pyproject.toml and checked by a test."""
    return hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block") and hasattr(matcher, "_ids")


@functools.cache
def _warn_slow_once() -> None:
    log.warning("Zoekindex leest postings id voor id (andere Whoosh-versie?): zoeken wordt trager")


def read_column(leaf, name: str, dtype=np.int64) -> np.ndarray:
    """A numeric column of one segment."""
    array = np.fromiter(leaf.column_reader(name), dtype=dtype, count=leaf.doc_count_all())
    array.flags.writeable = False
    return array


def read_names(leaf) -> list[bytes]:
    """The casefolded names of one segment, for alphabetical order."""
    return list(leaf.column_reader("naam_sort"))


def read_coords(leaf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(local docnum, lat, lon) of every public vestiging in one segment."""
    docs, values = [], []
    for docnum, packed in enumerate(leaf.column_reader("coords")):
        if packed:
            pairs = len(packed) // 8
            docs.extend([docnum] * pairs)
            values.extend(struct.unpack(f"<{pairs * 2}f", packed))
    flat = np.asarray(values, dtype=np.float64).reshape(-1, 2)
    return np.asarray(docs, dtype=np.int64), flat[:, 0], flat[:, 1]


class SegmentCache:
    """Arrays per (segment, kind, key); entries of segments that disappear are dropped."""

    def __init__(self):
        self._data: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[..., object], *args):
        """The cached value for key, computing it once as compute(*args)."""
        try:
            return self._data[key]
        except KeyError:
            pass
        value = compute(*args)
        with self._lock:
            self._data[key] = value
        return value

    def retain(self, segment_ids: set[str]) -> None:
        """Forget everything about segments not in segment_ids."""
        with self._lock:
            self._data = {k: v for k, v in self._data.items() if k[0] in segment_ids}
