"""The Whoosh schema and the Dutch analyzer (lowercase, accent folding, stop words, stemming)."""

from __future__ import annotations

from whoosh import columns, fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from keuzehulp.search.filters import TERM_FILTERS


def dutch_analyzer(stem: bool = True):
    """Tokenize, lowercase, fold accents ('cliënt' -> 'client'), drop stop words, stem."""
    analyzer = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    if stem:
        analyzer = analyzer | StopFilter(lang="nl") | StemFilter(lang="nl")
    return analyzer


def _terms_only() -> fields.FieldType:
    """A field that records only which documents have a term (no frequencies or positions)."""
    return fields.IDLIST()


def build_schema() -> fields.Schema:
    """One document per actieve aanbieder."""
    text = dutch_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        aid=fields.COLUMN(columns.NumericColumn("q")),  # numbers are only read as columns
        naam=fields.TEXT(analyzer=text, field_boost=4.0, phrase=False),
        plaatsen=fields.TEXT(analyzer=text, field_boost=1.5, phrase=False),
        beschrijving=fields.TEXT(analyzer=text, phrase=False),
        scope=_terms_only(),
        **{spec.param: _terms_only() for spec in TERM_FILTERS},  # one term field per term filter
        # Wilson lower bound x 10000 of 'doelen gehaald' (n >= 10), -1 without; for sort=resultaat.
        doelen=fields.COLUMN(columns.NumericColumn("i")),
        naam_sort=fields.COLUMN(columns.VarBytesColumn()),
        coords=fields.COLUMN(columns.VarBytesColumn()),
        data=fields.STORED(),
    )
