"""A full build of one index generation, in parallel processes for a large data set.

Each process reads its share of the aanbieders from the database, makes their documents and
writes them as its own segment; the parent then commits all segments together, without merging
them. Nothing is handed between processes but ids and the finished segments, so both the
database reads and Whoosh's indexing use every core. This follows what Whoosh's own
multi-process writer does with `multisegment=True` (SegmentWriter without a lock in each
process, `_finalize_segment`, `_commit_toc`), pinned with whoosh3 and covered by a test that
compares a parallel build with a serial one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from keuzehulp.db import make_engine
from keuzehulp.search.documents import iter_documents
from keuzehulp.search.vocabulary import normalised, raw_words

PARALLEL_FROM = 4_000  # fewer documents than this are written in-process (starting processes costs more)
WRITER_MB = 1024  # memory per writer before postings spill to disk (spilling doubles the build)


def write_generation(folder: Path, engine: Engine, today: date, ids: list[int]) -> Counter:
    """Index the public aanbieders `ids` into the new index in `folder`; returns the word counts
    for suggestions."""
    ix = whoosh_index.open_dir(folder)
    url = engine.url.render_as_string(hide_password=False)
    procs = min(os.cpu_count() or 1, 8)
    if procs < 2 or len(ids) < PARALLEL_FROM or ":memory:" in url or url.endswith("sqlite://"):
        writer = ix.writer(limitmb=WRITER_MB)
        with Session(engine) as session:
            words = _add_documents(writer, session, today, ids)
        writer.commit()
        return words
    shares = [ids[k::procs] for k in range(procs)]
    writer = ix.writer()  # holds the index lock while the processes write their segments
    try:
        context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        with ProcessPoolExecutor(procs, mp_context=context) as pool:
            results = list(pool.map(_write_share, [(str(folder), url, today, share) for share in shares]))
    except BaseException:
        writer.cancel()
        raise
    writer._close_segment()
    writer._commit_toc([segment for segment, _ in results if segment is not None])
    writer._finish()
    return sum((words for _, words in results), Counter())


def _write_share(job: tuple[str, str, date, list[int]]):
    """In a build process: one segment with the documents of a share of the aanbieders."""
    folder, url, today, ids = job
    engine = make_engine(url)
    try:
        writer = SegmentWriter(whoosh_index.open_dir(folder), _lk=False, limitmb=WRITER_MB)
        with Session(engine) as session:
            words = _add_documents(writer, session, today, ids)
        segment = writer._finalize_segment() if writer.docnum else None
        if segment is None:
            writer.cancel()
        return segment, words
    finally:
        engine.dispose()


def _add_documents(writer, session: Session, today: date, ids: list[int]) -> Counter:
    raw: Counter = Counter()
    for document in iter_documents(session, today, ids):
        writer.add_document(**document)
        raw.update(raw_words(document))
    return normalised(raw)
