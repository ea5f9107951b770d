"""Run a search on a snapshot: exact filters, facet counts, text relevance and the chosen order.

Every count is computed on the same masks the result set is, so a facet's count is exactly the
number of results that choosing it gives.
"""

from __future__ import annotations

import hashlib
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import numpy as np

from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.domain.twents_model import dakjes_for, spoedhulp_for
from keuzehulp.i18n import N_
from keuzehulp.search.errors import IndexUnavailable
from keuzehulp.search.filters import (
    FILTERS,
    PER_PAGE,
    TERM_FILTERS,
    WACHTTIJD_OPTIONS,
    SearchRequest,
    codes,
    product_label,
)
from keuzehulp.search.schema import dutch_analyzer
from keuzehulp.search.snapshot import Snapshot
from keuzehulp.search.tokens import (
    KNOWN,
    RESULTATEN_TOKEN,
    dakje_token,
    plek_token,
    scope_token,
    spoed_token,
    start_token,
)

# Text fields and their weight in the relevance score.
TEXT_FIELDS = {"naam": 4.0, "specialisatie_text": 2.0, "plaatsen": 1.5, "beschrijving": 1.0}
_ANALYZER = dutch_analyzer()
_WORD = re.compile(r"\w+", re.UNICODE)
ORDER_EXPLANATIONS = {
    "willekeurig": N_(
        "Willekeurige volgorde, zodat geen aanbieder voorrang krijgt. "
        "De volgorde verschilt per bezoeker en verandert elke dag."
    ),
    "relevantie": N_("Op volgorde van hoe goed de aanbieder past bij uw zoekwoorden."),
    "wachttijd": N_(
        "Eerst wie het snelst kan starten met de hulp die u zoekt: binnen 1, 2, 4, 6, 8 of 12 weken, "
        "dan langer. Binnen elke groep een willekeurige volgorde. Aanbieders zonder bekende of "
        "actuele wachttijd, of met een instroomstop, staan achteraan."
    ),
    "naam": N_("Op alfabet (A tot Z)."),
    "afstand": N_("Dichtstbijzijnde vestiging eerst."),
    "resultaat": N_(
        "Eerst de aanbieders waarvan we het zekerst weten dat cliënten hun doelen halen. "
        "We gebruiken de ondergrens van de betrouwbaarheidsmarge, niet het percentage: "
        "zo krijgt een kleine aanbieder met weinig cliënten geen voorsprong door toeval. "
        "Aanbieders zonder (genoeg) resultaten staan achteraan."
    ),
}


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(slots=True)
class Hit:
    docnum: int
    snapshot: Snapshot
    score: float | None = None
    distance_km: float | None = None

    @property
    def data(self) -> dict:
        """The aanbieder's stored display data (read when needed: a cached card does not)."""
        return self.snapshot.stored(self.docnum)["data"]


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetOption]]
    sort: str
    order_explanation: str
    suggestion: str | None = None
    suggestion_total: int = 0
    notices: list[str] = field(default_factory=list)
    left_out_words: tuple[str, ...] = ()  # typed words that no aanbieder has (see _text)

    @property
    def pages(self) -> int:
        """Number of result pages."""
        return max(1, -(-self.total // self.request.per_page))


def scan_page(order: np.ndarray, mask: np.ndarray, count: int, start: int, stop: int) -> np.ndarray:
    """Places start..stop of the `count` documents in `mask`, in `order` (every document of the
    generation). The order is scanned from its start until enough of them are seen, about
    stop / (their share of all documents) steps, so a large result set needs no sort."""
    total = order.size
    end = min(total, 4 * stop * total // max(count, 1) + 64)
    while True:
        found = order[:end][mask[order[:end]]]
        if found.size >= stop or end == total:
            return found[start:stop]
        end = min(total, end * 4)


SCAN_SHARE = 32  # a result set with at least 1/32 of the documents is paged by scanning the order
QUICK_SORT = 2000  # an order of this many documents is sorted while the visitor waits (no thread)


@dataclass
class Matches:
    """What a search's filters and text select, whatever the order or page."""

    docnums: np.ndarray
    facets: dict[str, list[FacetOption]]
    text: tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None
    notices: tuple[str, ...]
    suggestion: str | None = None
    suggestion_total: int = 0

    mask: np.ndarray | None = None  # the result set as a mask, for a large set (see scan_page)

    @property
    def cache_size(self) -> int:
        """An estimate of the bytes this keeps alive in a cache."""
        text = self.text[0].nbytes + self.text[1].nbytes if self.text is not None else 0
        mask = self.mask.nbytes if self.mask is not None else 0
        facets = 300 * sum(len(o) for o in self.facets.values())
        return 2_000 + self.docnums.nbytes + text + mask + facets


@lru_cache(maxsize=8192)
def _filters(request: SearchRequest) -> SearchRequest:
    """The request without what only orders or pages its results: the key of its result set."""
    return replace(request, sort="", pagina=1, per_page=PER_PAGE, from_text=())


def _scope_of(r: SearchRequest) -> tuple:
    """What the sort on wachttijd depends on: the gemeente and the help searched."""
    return (r.gemeente, r.perceel, r.ob, r.niveau, r.dakje)


SCOPE_GROUPS = ("scope", "dakje", "spoedhulp", "max_wachttijd", "plek")  # see SearchEngine._scope_groups
ORDER_VARIANTS = 32
MAX_WORDS = 10  # words of a text search that are looked up: each one costs index reads
TOO_MANY_WORDS = N_(
    "We zoeken op de eerste 10 woorden van uw zoektekst (woorden als 'de' en 'voor' tellen niet mee)."
)
UNSEARCHABLE_TEXT = N_(
    "Uw zoektekst heeft geen woorden waarop we kunnen zoeken (zoals 'de', 'en' of losse tekens). "
    "We tonen alle aanbieders die bij uw keuzes passen. Probeer een ander woord, bijvoorbeeld 'autisme'."
)


def _analyse(word: str) -> list[str]:
    """The index terms of one typed word (none for a stop word)."""
    return [token.text for token in _ANALYZER(word)]


def _searchable(q: str) -> list[tuple[str, list[str]]]:
    """(typed word, its index terms) for the first MAX_WORDS words that have any (stop words are
    skipped first)."""
    analysed = ((word, _analyse(word)) for word in _WORD.findall(q))
    return [(word, tokens) for word, tokens in analysed if tokens][:MAX_WORDS]


def _edits(a: str, b: str) -> int:
    """The fewest single-letter changes (insert, delete, replace, swap two neighbours) that turn
    a into b: 'angts' is one swap from 'angst'."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


@lru_cache(maxsize=4096)  # a returning visitor's seed
def visitor_seed(token: str, day: date) -> int:
    """The neutral-order seed for one visitor on one day.

    Each day every visitor is assigned one of ORDER_VARIANTS shuffles: every aanbieder is still
    equally likely to come first, and a limited number of orders keeps rendered pages cacheable.
    """
    variant = _hash(f"{token}|{day.isoformat()}") % ORDER_VARIANTS
    return _hash(f"{day.isoformat()}|{variant}")


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def shuffle_keys(aids: np.ndarray, seed: int) -> np.ndarray:
    """A seeded pseudo-random key per aanbieder id (splitmix64), for the neutral order."""
    x = aids.astype(np.uint64) ^ np.uint64(seed & 0xFFFFFFFFFFFFFFFF)
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _hits(snapshot: Snapshot, ordered: np.ndarray, text, distances) -> list[Hit]:
    """The shown results with their score and distance (as Python numbers)."""
    scores = text[1][ordered].tolist() if text is not None else [None] * ordered.size
    if distances is None:
        kms = [None] * ordered.size
    else:
        kms = [km if math.isfinite(km) else None for km in distances[ordered].tolist()]
    return [Hit(d, snapshot, score, km) for d, score, km in zip(ordered.tolist(), scores, kms, strict=True)]


@contextmanager
def _index_reads():
    """Any failure to read the index files is IndexUnavailable (the index is then rebuilt)."""
    try:
        yield
    except IndexUnavailable:
        raise
    except Exception as error:
        raise IndexUnavailable(f"{type(error).__name__}: {error}") from error


class SearchEngine:
    """Answers SearchRequests on the snapshots of one index, with the region's taxonomy."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        # plain values of the taxonomy, read on every facet count
        self._gemeenten = [(g.slug, g.naam, g.cbs_code) for g in taxonomy.gemeenten]
        self._term_options = {f.param: f.options(taxonomy) for f in TERM_FILTERS}

    # -- masks ----------------------------------------------------------------------------------

    def _text(self, snapshot: Snapshot, q: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None:
        """Mask and scores of documents matching every word of the text, and the typed words left
        out; None without text.

        A word matches when its stem is in any text field. A word that no aanbieder has at all
        ('zoon', 'twaalf' in a whole sentence) is left out, as long as another word does match,
        so a sentence still finds what its real words say; the page names the words left out.
        The score adds, per matching field, the field's weight times the word's rarity (idf), so
        a match in the naam counts most and rare words more than common ones. Plain and
        explainable; ties go to the neutral order.
        """
        words = _searchable(q)
        if not words:
            return None

        def compute():
            scores = np.zeros(snapshot.size, dtype=np.float64)
            word_masks = []
            for word, tokens in words:
                word_mask = np.zeros(snapshot.size, dtype=bool)
                for field_name, weight in TEXT_FIELDS.items():
                    for token in tokens:
                        term = snapshot.term_mask(field_name, token)
                        frequency = int(np.count_nonzero(term))
                        if frequency:
                            word_mask |= term
                            scores += term * (weight * (1.0 + math.log(snapshot.size / (frequency + 1) + 1)))
                word_masks.append((word, word_mask))
            found = [mask for _, mask in word_masks if mask.any()]
            mask = snapshot.live.copy() if found else np.zeros(snapshot.size, dtype=bool)
            for word_mask in found:
                mask &= word_mask
            left_out = tuple(word for word, word_mask in word_masks if found and not word_mask.any())
            return mask, scores, left_out

        return snapshot.memo("text", tuple((w, tuple(t)) for w, t in words), compute)

    def _groups(self, snapshot: Snapshot, r: SearchRequest) -> dict[str, np.ndarray]:
        """One mask per independent filter group; their AND is the result set."""
        groups: dict[str, np.ndarray] = {"live": snapshot.live}
        text = self._text(snapshot, r.q)
        if text is not None:
            groups["q"] = text[0]
        groups.update(self._scope_groups(snapshot, r))
        for spec in TERM_FILTERS:
            value = getattr(r, spec.field)
            if spec.many:
                for term in value:
                    groups[f"{spec.param}:{term}"] = snapshot.term_mask(spec.param, term)
            elif value:
                groups[spec.param] = snapshot.term_mask(spec.param, value)
        if r.met_resultaten:
            groups["resultaten"] = snapshot.term_mask("scope", RESULTATEN_TOKEN)
        return groups

    @staticmethod
    def _scope_groups(snapshot: Snapshot, r: SearchRequest) -> dict[str, np.ndarray]:
        """The groups that depend on the gemeente and the kind of help (asked apart for their facets):
        contract scope, dakje, spoedhulp, "kan binnen N weken starten" and "nu een plek"."""
        groups = {}
        if any((r.gemeente, r.perceel, r.ob, r.niveau)):
            groups["scope"] = snapshot.scope_mask(scope_token(r.gemeente, r.perceel, r.ob, r.niveau))
        if r.dakje:
            groups["dakje"] = SearchEngine._dakje_mask(snapshot, r.gemeente, r.perceel, r.dakje)
        if r.spoedhulp:
            groups["spoedhulp"] = SearchEngine._spoed_mask(snapshot, r.gemeente, r.perceel)
        if r.max_wachttijd is not None:
            groups["max_wachttijd"] = SearchEngine._start_mask(snapshot, r, r.max_wachttijd)
        if r.plek:
            groups["plek"] = SearchEngine._plek_mask(snapshot, r)
        return groups

    @staticmethod
    def _start_mask(snapshot: Snapshot, r: SearchRequest, limit: int | str) -> np.ndarray:
        """Aanbieders whose figure for the help searched says it can start within `limit` weeks
        (KNOWN: at all): on a contract line that matches the search unless only a dakje is asked,
        and on the dakje when one is (verblijf starts when both can)."""
        masks = []
        if r.perceel or r.ob or r.niveau or not r.dakje:
            line = scope_token(r.gemeente, r.perceel, r.ob, r.niveau)
            masks.append(snapshot.scope_mask(start_token(limit, line)))
        if r.dakje:
            mask = snapshot.scope_mask(start_token(limit, dakje_token(r.gemeente, r.dakje)))
            masks.append(mask if r.dakje in dakjes_for(r.perceel) else np.zeros_like(mask))
        return masks[0] if len(masks) == 1 else masks[0] & masks[1]

    @staticmethod
    def _plek_mask(snapshot: Snapshot, r: SearchRequest) -> np.ndarray:
        """Aanbieders with a free place now in the dakje searched, or in any dakje of the perceel."""
        mask = np.zeros(snapshot.size, dtype=bool)
        for dakje in (r.dakje,) if r.dakje else dakjes_for(r.perceel):
            if dakje in dakjes_for(r.perceel):
                mask = mask | snapshot.scope_mask(plek_token(r.gemeente, dakje))
        return mask

    def _start_ranks(self, snapshot: Snapshot, r: SearchRequest) -> np.ndarray:
        """Per document the group of the sort on wachttijd: the first of START_BINNEN its figure for
        the help searched fits in, then any known start, then unknown, stale or stopped."""

        def compute():
            limits = (*WACHTTIJD_OPTIONS, KNOWN)
            ranks = np.full(snapshot.size, len(limits), dtype=np.int8)
            for rank, limit in reversed(list(enumerate(limits))):
                ranks[self._start_mask(snapshot, r, limit)] = rank
            return ranks

        return snapshot.memo("masks", ("start-ranks", *_scope_of(r)), compute)

    @staticmethod
    def _spoed_mask(snapshot: Snapshot, gemeente: str | None, perceel: str | None) -> np.ndarray:
        """Aanbieders with ambulante spoedhulp in the gemeente; none for Wmo or dyslexie, since
        spoedhulp is part of OB jeugd."""
        mask = snapshot.scope_mask(spoed_token(gemeente))
        return mask if spoedhulp_for(perceel) else np.zeros_like(mask)

    @staticmethod
    def _dakje_mask(snapshot: Snapshot, gemeente: str | None, perceel: str | None, dakje: str) -> np.ndarray:
        """Aanbieders with the dakje in the gemeente; none when it does not belong to the chosen
        perceel (pleegzorg and gezinshuis are jeugdhulp)."""
        mask = snapshot.scope_mask(dakje_token(gemeente, dakje))
        return mask if dakje in dakjes_for(perceel) else np.zeros_like(mask)

    @staticmethod
    def _and(groups: dict[str, np.ndarray], skip: tuple[str, ...] = ()) -> np.ndarray:
        masks = [mask for name, mask in groups.items() if name not in skip]
        result = masks[0].copy()
        for mask in masks[1:]:
            result &= mask
        return result

    # -- public ---------------------------------------------------------------------------------

    def count(self, snapshot: Snapshot, request: SearchRequest) -> int:
        """Only the number of results (for suggestions and relaxations)."""
        with _index_reads():
            return int(np.count_nonzero(self._and(self._groups(snapshot, request))))

    def is_quick(self, snapshot: Snapshot, request: SearchRequest, seed: int) -> bool:
        """Whether search() needs no more than a cached result set and a slice of a cached order
        or a short sort, so that it may run on the event loop."""
        matches = snapshot.cached("matches", _filters(request))
        if matches is None:
            return False
        sort = request.effective_sort
        if matches.mask is None and sort != "relevantie":  # a small set, sorted on each request
            return True
        to_sort = matches.docnums.size if sort == "relevantie" else snapshot.size
        return to_sort <= QUICK_SORT or snapshot.has("order", self._order_key(request, seed, sort))

    def search(self, snapshot: Snapshot, request: SearchRequest, seed: int) -> SearchResult:
        """The page of results, facet counts and notices for a request.

        The result set and its facet counts are computed once per filter combination, whatever
        the order and page. A small result set is sorted when asked; for a large one each order
        is kept over the whole index (per sort, order variant and reference point), so its page
        is a short scan of that order, not a sort. Relevance depends on the text: its order is
        kept per search."""
        filters = _filters(request)
        with _index_reads():
            matches = snapshot.memo("matches", filters, lambda: self._matches(snapshot, request))
            sort, notices = request.effective_sort, list(matches.notices)
            if request.q and matches.text is None and sort == "relevantie":
                sort = "willekeurig"
            point = self._reference_point(request)
            distances = snapshot.distance_from(*point) if point else None
            ranks = self._start_ranks(snapshot, request) if sort == "wachttijd" else None
            if sort == "afstand" and distances is None:
                sort = "willekeurig"
                notices.append(N_("Kies een gemeente of woonplaats om op afstand te sorteren."))
            start = (request.pagina - 1) * request.per_page
            stop = start + request.per_page
            key = self._order_key(request, seed, sort)
            if sort == "relevantie":  # depends on the text: sorted once per search
                ordered = snapshot.memo(
                    "order",
                    key,
                    lambda: self._order(snapshot, matches.docnums, sort, seed, distances, text=matches.text),
                )[start:stop]
            elif matches.mask is None:  # a small set: sorting it costs less than keeping it
                ordered = self._order(snapshot, matches.docnums, sort, seed, distances, ranks)[start:stop]
            else:
                whole = snapshot.memo(
                    "order",
                    key,
                    lambda: self._order(snapshot, None, sort, seed, distances, ranks).astype(np.int32),
                )
                ordered = scan_page(whole, matches.mask, matches.docnums.size, start, stop)
            hits = _hits(snapshot, ordered, matches.text, distances)
        return SearchResult(
            request=request,
            total=int(matches.docnums.size),
            hits=hits,
            facets=matches.facets,
            sort=sort,
            order_explanation=ORDER_EXPLANATIONS[sort],
            suggestion=matches.suggestion,
            suggestion_total=matches.suggestion_total,
            notices=notices,
            left_out_words=matches.text[2] if matches.text is not None else (),
        )

    def _order_key(self, request: SearchRequest, seed: int, sort: str) -> tuple:
        """What an order depends on: the sort and the order variant (not for naam), and also the
        point for distance or the search itself for relevance."""
        if sort == "relevantie":
            return (sort, seed, _filters(request))
        point = self._reference_point(request) if sort == "afstand" else None
        scope = _scope_of(request) if sort == "wachttijd" else None
        return (sort, 0 if sort == "naam" else seed, point, scope)

    def _matches(self, snapshot: Snapshot, r: SearchRequest) -> Matches:
        groups = self._groups(snapshot, r)
        docnums = np.flatnonzero(self._and(groups)).astype(np.int32)  # half the memory of int64
        text = self._text(snapshot, r.q)
        notices = []
        if r.q and text is None:
            notices.append(UNSEARCHABLE_TEXT)
        if len([w for w in _WORD.findall(r.q) if _analyse(w)]) > MAX_WORDS:
            notices.append(TOO_MANY_WORDS)
        matches = Matches(docnums, self._facets(snapshot, r, groups), text, tuple(notices))
        if docnums.size and docnums.size * SCAN_SHARE >= snapshot.size:
            matches.mask = np.zeros(snapshot.size, dtype=bool)
            matches.mask[docnums] = True
        if docnums.size == 0 and text is not None and not text[0].any():
            matches.suggestion, matches.suggestion_total = self._suggest(snapshot, r)
        return matches

    def _reference_point(self, r: SearchRequest) -> tuple[float, float] | None:
        origin = self.taxonomy.distance_origin(r.woonplaats, r.gemeente)
        return (origin.lat, origin.lon) if origin else None

    @staticmethod
    def _order(snapshot, docnums, sort, seed, distances, ranks=None, text=None) -> np.ndarray:
        """docnums (None: every document) in the order of `sort` (wachttijd: by `ranks`, see
        _start_ranks), ties in the neutral order."""
        if docnums is None:
            docnums = np.arange(snapshot.size)
        if docnums.size == 0:
            return docnums
        neutral = shuffle_keys(snapshot.column("aid")[docnums], seed)
        if sort == "relevantie" and text is not None:
            keys = (neutral, -text[1][docnums])
        elif sort == "wachttijd":
            keys = (neutral, ranks[docnums])
        elif sort == "naam":
            keys = (snapshot.naam_rank()[docnums],)
        elif sort == "resultaat":
            doelen = snapshot.column("doelen")[docnums]
            keys = (neutral, -doelen, doelen < 0)
        elif sort == "afstand":
            keys = (neutral, distances[docnums])
        else:
            keys = (neutral,)
        return docnums[np.lexsort(keys)]

    def _facets(self, snapshot: Snapshot, r: SearchRequest, groups) -> dict[str, list[FacetOption]]:
        def count(base: np.ndarray, mask: np.ndarray) -> int:
            return int(np.count_nonzero(base & mask))

        facets: dict[str, list[FacetOption]] = {}

        scope_base = self._and(groups, skip=SCOPE_GROUPS)

        def scope_count(**changes) -> int:
            """The count with the groups of the gemeente and the help asked again with `changes`."""
            mask = scope_base
            for scope_mask in self._scope_groups(snapshot, replace(r, **changes)).values():
                mask = mask & scope_mask
            return int(np.count_nonzero(mask))

        facets["gemeente"] = [
            FacetOption(slug, naam, scope_count(gemeente=code), code == r.gemeente)
            for slug, naam, code in self._gemeenten
        ]

        def scope_option(value, label, selected, **changes):
            return FacetOption(value, label, scope_count(**changes), selected)

        models = self.taxonomy.models_for(r.gemeente)  # the options are the region model's terms
        facets["perceel"] = [scope_option(p, p, p == r.perceel, perceel=p) for p in codes(models, "perceel")]
        facets["ob"] = [
            scope_option(ob, product_label(models, ob), ob == r.ob, ob=ob) for ob in codes(models, "ob")
        ]
        facets["niveau"] = [scope_option(n, n, n == r.niveau, niveau=n) for n in codes(models, "niveau")]
        facets["dakje"] = [
            FacetOption(d, d, scope_count(dakje=d), d == r.dakje)
            for d in codes(models, "dakje")
            if d in dakjes_for(r.perceel) or d == r.dakje
        ]
        everything = self._and(groups)
        for spec in TERM_FILTERS:  # a repeatable filter narrows: count its options on the whole set
            base = everything if spec.many else self._and(groups, skip=(spec.param,))
            chosen = getattr(r, spec.field)
            facets[spec.param] = [
                FacetOption(
                    value,
                    label,
                    count(base, snapshot.term_mask(spec.param, value)),
                    value in chosen if spec.many else value == chosen,
                )
                for value, label in self._term_options[spec.param]
            ]
        facets["spoedhulp"] = []
        if spoedhulp_for(r.perceel) or r.spoedhulp:  # not offered to adults
            base = self._and(groups, skip=("spoedhulp",))
            mask = self._spoed_mask(snapshot, r.gemeente, r.perceel)
            label = N_("Snel hulp thuis bij een crisis (ambulante spoedhulp)")
            facets["spoedhulp"] = [FacetOption("ja", label, count(base, mask), r.spoedhulp)]
        base = self._and(groups, skip=("resultaten",))
        facets["resultaten"] = [
            FacetOption(
                "ja",
                N_("Alleen met resultaten"),
                count(base, snapshot.term_mask("scope", RESULTATEN_TOKEN)),
                r.met_resultaten,
            )
        ]
        facets["max_wachttijd"] = [
            FacetOption(
                str(w),
                f"Binnen {w} {'week' if w == 1 else 'weken'}",
                scope_count(max_wachttijd=w),
                w == r.max_wachttijd,
            )
            for w in WACHTTIJD_OPTIONS
        ]
        facets["plek"] = []
        if dakjes_for(r.perceel) and (not r.dakje or r.dakje in dakjes_for(r.perceel)) or r.plek:
            facets["plek"] = [FacetOption("ja", N_("Nu een vrije plek"), scope_count(plek=True), r.plek)]
        for spec in FILTERS:  # a filter no model of the search has offers nothing to choose
            if spec.in_model and not any(spec.in_model(model) for model in models):
                facets[spec.param] = []
        return facets

    def _suggest(self, snapshot: Snapshot, r: SearchRequest) -> tuple[str | None, int]:
        """'Bedoelde u ...?' for text that matches nothing by itself, with the count it would give."""
        words = [w for w in _WORD.findall(r.q) if _analyse(w)][:MAX_WORDS]  # stop words are not corrected
        corrected = []
        for word in (w.lower() for w in words):
            # Short words get one edit at most ('pgb' is not 'lvb'); the closest option wins.
            maxdist = 1 if len(word) <= 4 else 2
            options = snapshot.word_list().suggest(word, limit=5, maxdist=maxdist)
            useful = sorted(
                (o for o in options if len(o) >= 3 and _analyse(o)),  # never 'en', 'de', ...
                key=lambda option: _edits(word, option),
            )
            corrected.append(useful[0] if useful and len(word) >= 3 else word)
        suggestion = " ".join(corrected)
        if suggestion == " ".join(words).lower():
            return None, 0
        total = self.count(snapshot, replace(r, q=suggestion, pagina=1))
        return (suggestion, total) if total else (None, 0)
