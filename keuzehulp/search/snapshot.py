"""A read-only view of one index generation, with caches for fast exact filtering.

Filters and facets are computed on numpy boolean masks over document numbers. A mask is built
from per-segment posting arrays (see segments.py, shared across generations) and kept for the
rest of this generation, so a query costs a few array operations.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from keuzehulp.search.cache import ByteBoundedCache, CacheCounter
from keuzehulp.search.errors import IndexUnavailable
from keuzehulp.search.segments import (
    SegmentCache,
    read_column,
    read_coords,
    read_names,
    read_posting_ids,
    segment_id,
)
from keuzehulp.search.tokens import ANY, patterns_of
from keuzehulp.search.vocabulary import WordList, read_specialisatie_terms, read_words

EARTH_RADIUS_KM = 6371.0
FREE_TEXT_FIELDS = frozenset({"naam", "plaatsen", "beschrijving"})
SPECIALISATIE_TEXT = "specialisatie_text"  # not indexed: derived from the specialisatie masks
MB = 1024 * 1024
TEXT_MASK_BYTES = 12 * MB
# What searches leave behind, one LRU per kind, each bounded in bytes (never cleared whole):
CACHE_BUDGETS = {
    "text": 8 * MB,  # matches and scores of typed text
    "masks": 12 * MB,  # derived filter masks (scope and availability patterns, wachttijd groups)
    "matches": 24 * MB,  # result sets with facet counts, whatever the order or page
    "order": 28 * MB,  # whole-index orders (per sort and order variant), orders of text searches
    "page": 12 * MB,  # rendered pages without their result cards
    "card-body": 12 * MB,  # rendered result cards, per document and language
    "card": 12 * MB,  # result cards with their contract lines and distance for a search
    "wachttijd": 2 * MB,  # a card's wachttijd line, per language and matching figure
    "results": 8 * MB,  # the cards of a page of results, per search and order variant
    "stored": 4 * MB,  # stored display data of documents
}
TEXT_MASKS = "text-masks"
# Hits and misses per kind over every generation of this process (read by /metrics):
CACHE_COUNTERS = {kind: CacheCounter() for kind in [*CACHE_BUDGETS, TEXT_MASKS]}


class Snapshot:
    """One searcher plus the masks and columns derived from it."""

    def __init__(self, searcher: Searcher, segments: SegmentCache | None = None, folder: Path | None = None):
        self.searcher = searcher
        self.folder = folder  # the generation's folder, with its word list
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.segments = segments if segments is not None else SegmentCache()
        self._leaves = [
            (leaf, offset, segment_id(leaf))
            for leaf, offset in self.reader.leaf_readers()
            if leaf.doc_count_all()
        ]
        self.segments.retain({segid for _, _, segid in self._leaves})
        self._lock = threading.Lock()
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._distances: dict[tuple[float, float], np.ndarray] = {}
        self._pattern_index: dict[str, list[str]] | None = None
        self._word_list: WordList | None = None
        self._specialisatie_terms: dict[str, list[str]] | None = None
        self._caches = {
            kind: ByteBoundedCache(budget, CACHE_COUNTERS[kind]) for kind, budget in CACHE_BUDGETS.items()
        }
        self._text_masks = ByteBoundedCache(TEXT_MASK_BYTES, CACHE_COUNTERS[TEXT_MASKS])
        live = np.zeros(self.size, dtype=bool)
        for leaf, offset, _ in self._leaves:
            ids = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
            live[ids + offset] = True
        live.flags.writeable = False
        self.live = live

    def verify(self) -> None:
        """Read a little of everything, so a broken index fails here and not mid-request."""
        self.reader.doc_count()
        for docnum in range(min(self.size, 3)):
            if self.live[docnum]:
                self.stored(docnum)
        self.scope_mask("*:*:*:*")

    def warm(self) -> None:
        """Read what nearly every search needs, so the first visitors do not wait for it."""
        self.column("aid")
        self.column("doelen")  # an index built before this column existed fails here and is rebuilt
        self.naam_rank()
        for leaf, _, segid in self._leaves:
            self.segments.get((segid, "coords"), read_coords, leaf)
        for pattern in self._patterns():  # without a gemeente, or a gemeente alone: most searches
            # availability patterns have a fixed first part ('S4:', 'P:'): warmed for any gemeente only
            if pattern.startswith(f"{ANY}:") or pattern.count(ANY) == (4 if pattern[0] in "SP" else 3):
                self.scope_mask(pattern)

    def term_mask(self, field: str, term: str) -> np.ndarray:
        """Live documents that have `term` in `field`.

        Filter terms (scope, specialisatie, ...) are few and kept for the generation; words of
        free text are countless, so their masks live in a bounded cache and are read from the
        segments without keeping the postings."""
        if field == SPECIALISATIE_TEXT:
            return self._text_masks.get((field, term), lambda: self._specialisatie_text_mask(term))
        if field in FREE_TEXT_FIELDS:
            return self._text_masks.get((field, term), lambda: self._read_mask(field, term, keep=False))
        key = (field, term)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._read_mask(field, term, keep=True)
            with self._lock:
                self._masks[key] = mask
        return mask

    def _specialisatie_text_mask(self, term: str) -> np.ndarray:
        """Documents with a specialisatie whose words have `term` (see vocabulary.py)."""
        if self._specialisatie_terms is None:
            self._specialisatie_terms = read_specialisatie_terms(self.folder)
        mask = np.zeros(self.size, dtype=bool)
        for slug in self._specialisatie_terms.get(term, ()):
            mask |= self.term_mask("specialisatie", slug)
        mask.flags.writeable = False
        return mask

    def scope_mask(self, pattern: str) -> np.ndarray:
        """Live documents with a scope token that answers `pattern` ('*' parts match any value):
        the union of the specific tokens' masks, kept in a bounded cache (there are thousands of
        patterns, and a union is quick to make again)."""
        if ANY not in pattern.split(":"):
            return self.term_mask("scope", pattern)

        def union() -> np.ndarray:
            mask = np.zeros(self.size, dtype=bool)
            for token in self._patterns().get(pattern, ()):
                mask |= self.term_mask("scope", token)
            mask.flags.writeable = False
            return mask

        return self._caches["masks"].get(("scope-pattern", pattern), union)

    def _scope_tokens(self) -> list[str]:
        """Every specific scope token in this generation."""
        return list(self.reader.field_terms("scope")) if self._leaves else []

    def _patterns(self) -> dict[str, list[str]]:
        """Each pattern that some specific scope token of this generation answers, with those tokens."""
        if self._pattern_index is None:
            patterns: dict[str, list[str]] = {}
            for token in self._scope_tokens():
                for pattern in patterns_of(token):
                    patterns.setdefault(pattern, []).append(token)
            self._pattern_index = patterns
        return self._pattern_index

    def _read_mask(self, field: str, term: str, keep: bool) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        for leaf, offset, segid in self._leaves:
            if keep:
                ids = self.segments.get((segid, "postings", field, term), read_posting_ids, leaf, field, term)
            else:
                ids = read_posting_ids(leaf, field, term)
            mask[ids + offset] = True
        mask &= self.live
        mask.flags.writeable = False
        return mask

    def column(self, name: str) -> np.ndarray:
        """A numeric column as an array over document numbers."""
        array = self._columns.get(name)
        if array is None:
            parts = [
                self.segments.get((segid, "column", name), read_column, leaf, name)
                for leaf, _, segid in self._leaves
            ]
            array = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            array.flags.writeable = False
            with self._lock:
                self._columns[name] = array
        return array

    def naam_rank(self) -> np.ndarray:
        """Each document's position in alphabetical order of naam."""
        rank = self._columns.get("naam_rank")
        if rank is None:
            names = []
            for leaf, _, segid in self._leaves:
                names += self.segments.get((segid, "names"), read_names, leaf)
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
            distances = np.full(self.size, np.inf)
            for leaf, offset, segid in self._leaves:
                docs, lats, lons = self.segments.get((segid, "coords"), read_coords, leaf)
                if docs.size:
                    np.minimum.at(distances, docs + offset, haversine_km(lat, lon, lats, lons))
            distances.flags.writeable = False
            with self._lock:
                self._distances[key] = distances
        return distances

    def word_list(self) -> WordList:
        """The generation's words for suggestions, read on first use."""
        if self._word_list is None:
            self._word_list = WordList(read_words(self.folder) if self.folder else Counter())
        return self._word_list

    def has(self, kind: str, key) -> bool:
        """Whether memo(kind, key) would answer from the cache (a lookup, nothing computed)."""
        return self.cached(kind, key) is not None

    def cached(self, kind: str, key):
        """What memo(kind, key) would answer from the cache, or None."""
        return self._caches[kind].peek(key)

    def memo(self, kind: str, key, compute):
        """A value computed once per generation while it stays in the bounded cache of its kind
        (see CACHE_BUDGETS)."""
        return self._caches[kind].get(key, compute)

    def caches(self) -> dict[str, ByteBoundedCache]:
        """The bounded caches of this generation by kind (for /metrics)."""
        return self._caches | {TEXT_MASKS: self._text_masks}

    def stored(self, docnum: int) -> dict:
        """The stored display data of one document (the most used kept, within a budget)."""
        return self._caches["stored"].get(docnum, lambda: self._read_stored(docnum))

    def _read_stored(self, docnum: int) -> dict:
        # Read while a page is rendered, outside the engine's guard: a damaged segment must still
        # become IndexUnavailable (a 503, and the index is rebuilt), never a 500.
        try:
            return self.reader.stored_fields(docnum)
        except Exception as error:
            raise IndexUnavailable(f"{type(error).__name__}: {error}") from error


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distance in km from one point to many."""
    phi1, phi2 = math.radians(lat), np.radians(lats)
    dphi = phi2 - phi1
    dlambda = np.radians(lons) - math.radians(lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))
