"""The on-disk Whoosh index: build, open (rebuilding when missing or broken), follow the change log.

Layout of the index folder: one sub-folder per full build (`gen-<time>`), a `current` file that
names the live one (swapped atomically, so readers never see a half-built index). Each generation
keeps its own `state.json` (the last change-log sequence applied to it and the date its scope was
computed for), so a sync on an old generation can never move the position of a newer one.
`build.lock` is held by the one process that opens or builds a generation at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, or_
from sqlmodel import Session, select
from whoosh import index as whoosh_index

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import settings_of
from keuzehulp.domain.changelog import changes_after, first_change_time_after, last_seq
from keuzehulp.domain.regio import REGIOS
from keuzehulp.models import Aanbieder, Beschikbaarheid, Instroomstop
from keuzehulp.models.periods import CONTRACT_MODELS, public
from keuzehulp.search.build import write_generation
from keuzehulp.search.documents import iter_documents
from keuzehulp.search.schema import build_schema
from keuzehulp.search.segments import SegmentCache
from keuzehulp.search.snapshot import Snapshot
from keuzehulp.search.vocabulary import add_words, write_specialisatie_terms, write_words

log = logging.getLogger(__name__)


class SearchIndex:
    """One process's handle on the index folder; thread-safe for one writer and many readers."""

    def __init__(self, index_dir: Path, engine: Engine, today: Callable[[], date] = clock.today):
        self.index_dir = Path(index_dir)
        self.engine = engine
        self.today = today
        self._write_lock = threading.Lock()
        self._index: whoosh_index.Index | None = None
        self._snapshot: Snapshot | None = None
        self._snapshot_seq = 0  # the change-log position the open snapshot includes
        self._opened_at = clock.now()
        self._segments = SegmentCache()
        self.broken = False  # set when reading failed; the sync loop heals it

    # -- state ------------------------------------------------------------------------------

    def _open_folder(self) -> Path | None:
        return Path(self._index.storage.folder) if self._index is not None else None

    def state(self) -> dict:
        """The last applied change-log sequence and the scope date of the generation this process has
        open."""
        folder = self._open_folder()
        return _read_state(folder) if folder else {"last_seq": 0, "scope_date": None}

    def _write_state(self, folder: Path, last: int, scope_date: date) -> None:
        tmp = folder / "state.json.tmp"
        tmp.write_text(json.dumps({"last_seq": last, "scope_date": scope_date.isoformat()}))
        os.replace(tmp, folder / STATE_FILE)

    def data_version(self) -> str:
        """Changes whenever the indexed data changes (for ETags)."""
        state = self.state()
        return f"{state['last_seq']}-{state.get('scope_date')}"

    def _current_dir(self) -> Path | None:
        try:
            name = (self.index_dir / "current").read_text().strip()
        except OSError:
            return None
        return self.index_dir / name if name else None

    # -- open and build -----------------------------------------------------------------------

    def open(self) -> bool:
        """Open the live index, rebuilding it from the database when missing or broken, and apply the
        changes it has not seen yet (a host back after a crash is behind).

        Returns True when a rebuild was needed.
        """
        self._opened_at = clock.now()
        rebuilt = False
        with self._build_lock():  # the workers of a host start together: one builds, the others wait
            with self._write_lock:
                try:
                    self._open_existing()
                except Exception as error:  # any failure to read the index means: rebuild it
                    log.warning(
                        "Zoekindex ontbreekt of is beschadigd (%s); opnieuw opbouwen.", type(error).__name__
                    )
                    rebuilt = True
            if rebuilt:
                self._rebuild()
        self.sync(wait=START_WAIT_SECONDS)
        self.refresh()  # when another worker applied the changes first, see its commit
        return rebuilt

    @contextlib.contextmanager
    def _build_lock(self):
        """Held by one process at a time (per index folder) while it opens or builds a generation."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / "build.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _open_existing(self) -> None:
        folder = self._current_dir()
        if folder is None or not whoosh_index.exists_in(folder):
            raise whoosh_index.EmptyIndexError("no current index")
        ix = whoosh_index.open_dir(folder)
        if set(ix.schema.names()) != set(build_schema().names()):
            raise whoosh_index.IndexError("index built with other fields")
        if not (folder / STATE_FILE).exists():
            raise whoosh_index.IndexError("generation without its own state (an older layout)")
        seq = _read_state(folder)["last_seq"]  # read before the searcher opens: it sees at least this
        with Session(self.engine) as session:
            if seq > last_seq(session):
                raise whoosh_index.IndexError("index is ahead of the database (database replaced)")
            write_specialisatie_terms(folder, session)  # the taxonomy is read at start-up too
        snapshot = Snapshot(ix.searcher(), self._segments, folder)
        snapshot.verify()
        snapshot.warm()
        self._index, self._snapshot, self._snapshot_seq = ix, snapshot, seq

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Build a fresh index from the database and make it live; returns the document count."""
        with self._build_lock():
            count = self._rebuild(progress)
        self.sync()
        return count

    def _rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        with self._write_lock:
            folder = self.index_dir / f"gen-{time.time_ns()}"
            folder.mkdir()
            try:
                ix = whoosh_index.create_in(folder, build_schema())
                today = self.today()
                with Session(self.engine) as session:
                    seq = last_seq(session)  # read first: changes during the build are applied after
                    ids = list(session.exec(select(Aanbieder.id).where(public(today)).order_by(Aanbieder.id)))
                if progress:
                    progress(0, len(ids))
                words = write_generation(folder, self.engine, today, ids)
                with Session(self.engine) as session:
                    write_words(folder, words + write_specialisatie_terms(folder, session))
                count = ix.doc_count()
            except BaseException:  # e.g. the database went away: leave no half-built generation
                shutil.rmtree(folder, ignore_errors=True)
                raise
            if progress:
                progress(count, count)
            self._write_state(folder, seq, today)
            tmp = self.index_dir / "current.tmp"
            tmp.write_text(folder.name)
            os.replace(tmp, self.index_dir / "current")
            self._index = ix
            self._take_snapshot()
            self._snapshot.warm()
            for stale in self.index_dir.glob("gen-*"):
                if stale != folder:
                    shutil.rmtree(stale, ignore_errors=True)
        return count

    # -- follow the change log ----------------------------------------------------------------

    def sync(self, wait: float = 2.0) -> int:
        """Apply change-log rows newer than the index (and a new day's scope); returns rows applied.
        Waits up to `wait` seconds for another process that is writing the index."""
        if self._index is None:
            return 0
        if not self._write_lock.acquire(blocking=False):
            return 0  # another thread is writing; it will pick these changes up
        try:
            current = self._current_dir()
            if current is not None and current != self._open_folder():
                self._open_existing()  # another process built a new generation: follow that one
            folder, today = self._open_folder(), self.today()
            with Session(self.engine) as session:
                if not changes_after(session, self.state()["last_seq"], limit=1) and not self._new_day(today):
                    return 0
                try:
                    writer = self._index.writer(timeout=wait)
                except whoosh_index.LockError:
                    return 0  # another process is writing this index
                state = self.state()  # read under the writer's lock: another process may have moved it
                changes = changes_after(session, state["last_seq"])
                ids = {change.aanbieder_id for change in changes}
                scope_date = date.fromisoformat(state["scope_date"]) if state.get("scope_date") else today
                if scope_date != today:
                    ids |= _scope_changed_between(session, scope_date, today)
                if not ids:
                    writer.cancel()
                    self._write_state(folder, state["last_seq"], today)
                    return 0
                for aanbieder_id in ids:
                    writer.delete_by_term("id", str(aanbieder_id))
                documents = list(iter_documents(session, today, ids))
                for document in documents:
                    writer.add_document(**document)
                add_words(folder, documents)  # under the writer's lock
                writer.commit()
                newest = changes[-1].seq if changes else state["last_seq"]
                self._write_state(folder, newest, today)
            self._take_snapshot()
            return len(changes)
        finally:
            self._write_lock.release()

    def _new_day(self, today: date) -> bool:
        return self.state().get("scope_date") != today.isoformat()

    def refresh(self) -> None:
        """Pick up a commit or a full rebuild that another process made."""
        snapshot = self._snapshot
        if snapshot is None:
            return
        folder = self._current_dir()
        if folder is not None and self._index is not None and Path(self._index.storage.folder) != folder:
            with self._write_lock:
                self._open_existing()
        elif not snapshot.searcher.up_to_date():
            # A fresh searcher, not searcher.refresh(): Whoosh's reuse keeps a reused segment's old
            # deletions (and segments merged away), so another process's suspension stayed visible.
            self._take_snapshot()

    def _take_snapshot(self) -> None:
        seq = self.state()["last_seq"]  # read before the searcher opens: it sees at least this
        self._snapshot = Snapshot(self._index.searcher(), self._segments, self._open_folder())
        self._snapshot_seq = seq

    def snapshot(self) -> Snapshot:
        """The current read-only view with its caches."""
        if self._snapshot is None:
            self.open()
        return self._snapshot

    def is_ready(self) -> bool:
        """Whether a whole index is open and the snapshot searches see every change made before this
        process opened it and every change older than a few seconds."""
        if self._snapshot is None or self.broken:
            return False
        with Session(self.engine) as session:
            pending = first_change_time_after(session, self._snapshot_seq)
        return pending is None or pending > max(self._opened_at, clock.now() - CATCH_UP_SECONDS)

    # -- healing ------------------------------------------------------------------------------

    def report_broken(self) -> None:
        """Reading the index failed: the next round of the sync loop rebuilds it."""
        self.broken = True

    def check(self) -> bool:
        """Whether the live index on disk is whole: its folder is there and a fresh reader (no
        caches) reads a little of every part. A deleted or overwritten index fails here."""
        folder = self._current_dir()
        if folder is None or not folder.is_dir() or self._index is None:
            return False
        try:
            with whoosh_index.open_dir(folder).searcher() as searcher:
                Snapshot(searcher, SegmentCache()).verify()
        except Exception:
            return False
        return True

    def heal(self) -> bool:
        """Rebuild from the database when the index is not whole; True when it did. Until the new
        index is live, searches use the old snapshot where it still reads. When the files are
        whole after a failed read, the index is opened afresh instead."""
        if self.check():
            if self.broken:
                with self._write_lock:
                    self._open_existing()
                self.broken = False
            return False
        self.broken = True
        log.warning("Zoekindex is niet heel; opnieuw opbouwen uit de database.")
        self.rebuild()
        self.broken = False
        return True


CATCH_UP_SECONDS = timedelta(seconds=10)
START_WAIT_SECONDS = 30.0  # at start-up, how long to wait for another worker that is writing the index
STATE_FILE = "state.json"


def _read_state(folder: Path) -> dict:
    try:
        return json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {"last_seq": 0, "scope_date": None}


def _scope_changed_between(session: Session, before: date, today: date) -> set[int]:
    """Aanbieders whose contract, dakje or maatregelhulp lines started or ended between two days."""
    ids: set[int] = set()
    for model in CONTRACT_MODELS:
        query = select(model.aanbieder_id).where(
            or_(
                (model.geldig_vanaf > before) & (model.geldig_vanaf <= today),
                (model.geldig_tot >= before) & (model.geldig_tot < today),
            )
        )
        ids |= set(session.exec(query))
    return ids | _availability_changed_between(session, before, today)


def _availability_changed_between(session: Session, before: date, today: date) -> set[int]:
    """Aanbieders with a figure that may have gone stale, or an instroomstop that started or ended,
    between two days (freshness differs per region: the widest window is taken)."""
    weeks = [settings_of(slug).vers_weken for slug in REGIOS]
    stale_from, stale_to = before - timedelta(weeks=max(weeks), days=1), today - timedelta(weeks=min(weeks))
    figures = select(Beschikbaarheid.aanbieder_id).where(
        Beschikbaarheid.bevestigd_op >= stale_from, Beschikbaarheid.bevestigd_op < stale_to
    )
    stops = select(Instroomstop.aanbieder_id).where(
        or_(
            (Instroomstop.vanaf > before) & (Instroomstop.vanaf <= today),
            (Instroomstop.tot >= before) & (Instroomstop.tot < today),
        )
    )
    return set(session.exec(figures)) | set(session.exec(stops))
