"""The Whoosh schema and the Dutch analyzer (lowercase, accent folding, stop words, stemming)."""

from __future__ import annotations

from whoosh import columns, fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map


def dutch_analyzer(stem: bool = True):
    """Tokenize, lowercase, fold accents ('cliënt' -> 'client'), drop stop words, stem."""
    analyzer = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    if stem:
        analyzer = analyzer | StopFilter(lang="nl") | StemFilter(lang="nl")
    return analyzer


def _terms_only(analyzer=None) -> fields.FieldType:
    """A field that records only which documents have a term (no frequencies or positions)."""
    field = fields.IDLIST()
    if analyzer is not None:
        field.analyzer = analyzer
    return field


def build_schema() -> fields.Schema:
    """One document per actieve aanbieder."""
    text = dutch_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        aid=fields.NUMERIC(int, bits=64, sortable=True),
        naam=fields.TEXT(analyzer=text, field_boost=4.0, phrase=False),
        specialisatie_text=fields.TEXT(analyzer=text, field_boost=2.0, phrase=False),
        plaatsen=fields.TEXT(analyzer=text, field_boost=1.5, phrase=False),
        beschrijving=fields.TEXT(analyzer=text, phrase=False),
        # Unstemmed words, only for "Bedoelde u ...?" suggestions.
        spelling=_terms_only(dutch_analyzer(stem=False)),
        scope=_terms_only(),
        specialisatie=_terms_only(),
        doelgroep=_terms_only(),
        taal=_terms_only(),
        wachttijd=fields.NUMERIC(int, bits=32, sortable=True, signed=True),
        # Wilson lower bound x 10000 of 'doelen gehaald' (n >= 10), -1 without; for sort=resultaat.
        doelen=fields.NUMERIC(int, bits=32, sortable=True, signed=True),
        naam_sort=fields.COLUMN(columns.VarBytesColumn()),
        coords=fields.COLUMN(columns.VarBytesColumn()),
        data=fields.STORED(),
    )
