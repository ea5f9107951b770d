"""Name suggestions while typing: aanbieders whose name holds the typed words, the last one as a prefix."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from keuzehulp.search.schema import dutch_analyzer
from keuzehulp.search.snapshot import Snapshot

SUGGESTION_LIMIT = 8


def name_suggestions(snapshot: Snapshot, typed: str, limit: int = SUGGESTION_LIMIT) -> list:
    """The stored data of at most `limit` live aanbieders, in alphabetical order of name; none until
    the last typed word has two characters."""
    words = [token.text for token in dutch_analyzer(stem=False)(typed)]
    if not words or len(words[-1]) < 2:
        return []
    stem = dutch_analyzer()
    complete = [wq.Term("naam", token.text) for token in stem(" ".join(words[:-1]))]
    last = words[-1]
    stems = {token.text for token in stem(last)} | {last}
    query = wq.And([*complete, wq.Or([wq.Prefix("naam", prefix) for prefix in sorted(stems)])])
    docnums = np.fromiter(snapshot.searcher.docs_for_query(query), dtype=np.int64)
    docnums = docnums[snapshot.live[docnums]]
    first = docnums[np.argsort(snapshot.naam_rank()[docnums])[:limit]]
    return [snapshot.stored(int(docnum))["data"] for docnum in first]
