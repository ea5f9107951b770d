"""The fast read of postings relies on Whoosh internals: pinned and checked here, so an upgrade that
changes them fails a test instead of making every search silently slower."""

from __future__ import annotations

import numpy as np
from whoosh import fields
from whoosh.filedb.filestore import RamStorage

from keuzehulp.search import segments
from keuzehulp.search.segments import read_posting_ids, uses_block_reads


def _leaf(documents: int):
    ix = RamStorage().create_index(fields.Schema(tag=fields.IDLIST()))
    writer = ix.writer()
    for n in range(documents):
        writer.add_document(tag="alle even" if n % 2 == 0 else "alle")
    writer.commit()
    return ix.searcher().reader()


def test_postings_worden_per_blok_gelezen_en_kloppen():
    leaf = _leaf(1000)  # several blocks of postings
    assert uses_block_reads(leaf.postings("tag", "even"))
    even = read_posting_ids(leaf, "tag", "even")
    assert np.array_equal(even, np.arange(0, 1000, 2))
    assert np.array_equal(read_posting_ids(leaf, "tag", "alle"), np.arange(1000))
    assert read_posting_ids(leaf, "tag", "bestaat-niet").size == 0


def test_een_segment_met_verwijderde_documenten_wordt_ook_per_blok_gelezen(caplog):
    """After an edit the big segment has a deletion: its postings are still read block by block (the
    live mask takes the deleted document out)."""
    ix = RamStorage().create_index(fields.Schema(key=fields.ID(unique=True), tag=fields.IDLIST()))
    writer = ix.writer()
    for n in range(1000):
        writer.add_document(key=str(n), tag="alle")
    writer.commit()
    writer = ix.writer()
    writer.delete_by_term("key", "7")
    writer.commit(merge=False)
    leaf = ix.searcher().reader()
    assert leaf.has_deletions()
    segments._warn_slow_once.cache_clear()
    assert np.array_equal(read_posting_ids(leaf, "tag", "alle"), np.arange(1000))
    assert "trager" not in caplog.text


def test_zonder_bloklezen_dezelfde_uitkomst_met_een_waarschuwing(caplog):
    class PlainLeaf:  # a reader whose matcher lacks the private block reads
        def __init__(self, leaf):
            self.leaf = leaf

        def postings(self, field, term):
            matcher = self.leaf.postings(field, term)
            return type("Plain", (), {"all_ids": matcher.all_ids})()

    segments._warn_slow_once.cache_clear()
    leaf = _leaf(300)
    assert np.array_equal(read_posting_ids(PlainLeaf(leaf), "tag", "even"), np.arange(0, 300, 2))
    assert "trager" in caplog.text
