"""What an index generation keeps in files beside its Whoosh segments instead of indexing it
for every aanbieder (each indexed word costs a posting per aanbieder at every build):

- the words of each specialisatie (naam, B1 label, synonyms): they are the same for every
  aanbieder that has the specialisatie, so the aanbieders a word finds there are the union of
  those specialisaties' aanbieders, exactly as if the words were indexed with each of them;
- every unstemmed word of the texts with the number of documents it occurs in, for
  "Bedoelde u ...?" suggestions.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from sqlmodel import Session, select
from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton
from whoosh.spelling import ListCorrector

from keuzehulp.models import Specialisatie
from keuzehulp.search.schema import dutch_analyzer

WORDS_FILE = "spelling.tsv"
SPECIALISATIE_FILE = "specialisatie_woorden.json"
TEXT_FIELDS = ("naam", "plaatsen", "beschrijving")  # indexed per aanbieder
_RAW_WORD = re.compile(r"\w+", re.UNICODE)
_ANALYZER = dutch_analyzer(stem=False)


def raw_words(document: dict) -> set[str]:
    """The lowercased words of a document's texts (cheap; normalised later, once per word)."""
    return {word for name in TEXT_FIELDS for word in _RAW_WORD.findall(document[name].lower())}


def normalised(raw: Counter) -> Counter:
    """Counts per word as the index analyses it (accents folded), from counts per raw word."""
    counts: Counter = Counter()
    for word, count in raw.items():
        for token in _ANALYZER(word):
            counts[token.text] += count
    return counts


def specialisatie_words(specialisatie: Specialisatie) -> list[str]:
    """The words a specialisatie is found by."""
    return [specialisatie.naam, specialisatie.label_b1, *specialisatie.synoniemen]


def write_specialisatie_terms(folder: Path, session: Session) -> Counter:
    """Store each index term of the specialisaties' words with the specialisaties that have it;
    returns their unstemmed words (for suggestions)."""
    stem = dutch_analyzer()
    terms: dict[str, set[str]] = {}
    raw: Counter = Counter()
    for specialisatie in session.exec(select(Specialisatie)):
        for text in specialisatie_words(specialisatie):
            raw.update(_RAW_WORD.findall(text.lower()))
            for token in stem(text):
                terms.setdefault(token.text, set()).add(specialisatie.slug)
    tmp = folder / f"{SPECIALISATIE_FILE}.tmp"
    tmp.write_text(
        json.dumps({term: sorted(slugs) for term, slugs in sorted(terms.items())}), encoding="utf-8"
    )
    os.replace(tmp, folder / SPECIALISATIE_FILE)
    return normalised(raw)


def read_specialisatie_terms(folder: Path | None) -> dict[str, list[str]]:
    """Index term -> slugs of the specialisaties whose words have it (empty without the file)."""
    try:
        return json.loads((folder / SPECIALISATIE_FILE).read_text(encoding="utf-8")) if folder else {}
    except (OSError, ValueError):
        return {}


def read_words(folder: Path) -> Counter:
    """The word counts kept beside an index generation (none when it has no list)."""
    try:
        lines = (folder / WORDS_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return Counter()
    counts: Counter = Counter()
    for line in lines:
        word, _, count = line.partition("\t")
        counts[word] = int(count or 1)
    return counts


def write_words(folder: Path, counts: Counter) -> None:
    """Replace the word list of a generation atomically."""
    tmp = folder / f"{WORDS_FILE}.tmp"
    tmp.write_text("".join(f"{word}\t{counts[word]}\n" for word in sorted(counts)), encoding="utf-8")
    os.replace(tmp, folder / WORDS_FILE)


def add_words(folder: Path, documents: Iterable[dict]) -> None:
    """Add the words of changed documents to a generation's list (words of removed texts stay:
    a suggestion is only shown when it finds something)."""
    raw: Counter = Counter()
    for document in documents:
        raw.update(raw_words(document))
    counts = read_words(folder)
    new = normalised(raw)
    if any(word not in counts for word in new):
        write_words(folder, counts + new)


class WordList:
    """Suggestions from a word list: closest by edit distance, then the most common."""

    def __init__(self, counts: Counter):
        self.counts = counts
        self.words = sorted(counts)

    def suggest(self, word: str, limit: int, maxdist: int) -> list[str]:
        """Up to `limit` known words within `maxdist` edits of `word` (not the word itself)."""
        found: dict[str, int] = {}
        for distance in range(1, maxdist + 1):
            dfa = levenshtein_automaton(word, distance, 0).to_dfa()
            for match in find_all_matches(dfa, ListCorrector.Skipper(self.words)):
                found.setdefault(match, distance)
        found.pop(word, None)
        return sorted(found, key=lambda w: (found[w], -self.counts[w], w))[:limit]
