"""A read-only view of one index generation, with per-generation caches for fast exact filtering.

Filters and facets are computed on numpy boolean masks over document numbers: a term's mask is
read once from the postings and reused by every query on this generation. The first query after
a change pays for the masks it needs; the rest are array operations.
"""

from __future__ import annotations

import math
import struct
import threading

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

EARTH_RADIUS_KM = 6371.0


class Snapshot:
    """One searcher plus the masks and columns derived from it."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self._leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers() if leaf.doc_count_all()]
        self._lock = threading.Lock()
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._distances: dict[tuple[float, float], np.ndarray] = {}
        self._stored: dict[int, dict] = {}
        self._memo: dict = {}
        live = np.zeros(self.size, dtype=bool)
        for leaf, offset in self._leaves:
            ids = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
            live[ids + offset] = True
        live.flags.writeable = False
        self.live = live

    @property
    def generation(self) -> int:
        """Identifies this view of the index, for cache keys."""
        return id(self)

    def verify(self) -> None:
        """Read a little of everything, so a broken index fails here and not mid-request."""
        self.reader.doc_count()
        for docnum in range(min(self.size, 3)):
            if self.live[docnum]:
                self.stored(docnum)
        self.term_mask("scope", "*:*:*:*")

    def term_mask(self, field: str, term: str) -> np.ndarray:
        """Live documents that have `term` in `field`."""
        key = (field, term)
        mask = self._masks.get(key)
        if mask is None:
            mask = np.zeros(self.size, dtype=bool)
            for leaf, offset in self._leaves:
                try:
                    ids = leaf.postings(field, term).all_ids()
                except TermNotFound:
                    continue
                mask[np.fromiter(ids, dtype=np.int64) + offset] = True
            mask &= self.live
            mask.flags.writeable = False
            with self._lock:
                self._masks[key] = mask
        return mask

    def column(self, name: str, dtype=np.int64) -> np.ndarray:
        """A numeric column as an array over document numbers."""
        array = self._columns.get(name)
        if array is None:
            parts = [
                np.fromiter(leaf.column_reader(name), dtype=dtype, count=leaf.doc_count_all())
                for leaf, _ in self._leaves
            ]
            array = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
            array.flags.writeable = False
            with self._lock:
                self._columns[name] = array
        return array

    def naam_rank(self) -> np.ndarray:
        """Each document's position in alphabetical order of naam."""
        rank = self._columns.get("naam_rank")
        if rank is None:
            names = [value for leaf, _ in self._leaves for value in leaf.column_reader("naam_sort")]
            order = sorted(range(len(names)), key=names.__getitem__)
            rank = np.empty(len(names), dtype=np.int64)
            rank[order] = np.arange(len(names))
            rank.flags.writeable = False
            with self._lock:
                self._columns["naam_rank"] = rank
        return rank

    def distance_from(self, lat: float, lon: float) -> np.ndarray:
        """Km from a point to each document's nearest public vestiging (inf when it has none)."""
        key = (round(lat, 4), round(lon, 4))
        distances = self._distances.get(key)
        if distances is None:
            docs, lats, lons = [], [], []
            docnum = 0
            for leaf, _ in self._leaves:
                for packed in leaf.column_reader("coords"):
                    values = struct.unpack(f"<{len(packed) // 4}f", packed) if packed else ()
                    for i in range(0, len(values), 2):
                        docs.append(docnum)
                        lats.append(values[i])
                        lons.append(values[i + 1])
                    docnum += 1
            distances = np.full(self.size, np.inf)
            if docs:
                km = haversine_km(lat, lon, np.array(lats), np.array(lons))
                np.minimum.at(distances, np.array(docs), km)
            distances.flags.writeable = False
            with self._lock:
                self._distances[key] = distances
        return distances

    def memo(self, key, compute, limit: int = 1024):
        """A value computed once per generation (text matches, whole search results)."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        value = compute()
        with self._lock:
            if len(self._memo) >= limit:
                self._memo.clear()
            self._memo[key] = value
        return value

    def stored(self, docnum: int) -> dict:
        """The stored display data of one document."""
        data = self._stored.get(docnum)
        if data is None:
            data = self.reader.stored_fields(docnum)
            with self._lock:
                self._stored[docnum] = data
        return data


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distance in km from one point to many."""
    phi1, phi2 = math.radians(lat), np.radians(lats)
    dphi = phi2 - phi1
    dlambda = np.radians(lons) - math.radians(lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))
