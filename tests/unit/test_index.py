"""The index follows the database: changes, suspensions, broken or missing index files, a new day."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.twents_model import OBS
from keuzehulp.models import Aanbieder, ChangeLog, Contract
from keuzehulp.search.filters import SearchRequest
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.aanbieders import set_status

EVERYTHING = SearchRequest(per_page=100_000)


def slugs(world, index=None, request=EVERYTHING) -> set[str]:
    index = index or world.index
    return {hit.data["slug"] for hit in world.search.search(index.snapshot(), request, seed=1).hits}


def first_actief(world) -> str:
    with Session(world.engine) as session:
        return session.exec(
            select(Aanbieder.slug).where(Aanbieder.status == "actief").order_by(Aanbieder.id)
        ).first()


def test_opgeschorte_aanbieder_verdwijnt_uit_zoekresultaten(small_world):
    slug = first_actief(small_world)
    assert slug in slugs(small_world)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "opgeschort")
    assert small_world.index.sync() == 1
    assert slug not in slugs(small_world)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "actief")
    small_world.index.sync()
    assert slug in slugs(small_world)


def test_alleen_actieve_aanbieders_staan_in_de_index(small_world):
    with Session(small_world.engine) as session:
        actief = set(session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")))
    assert slugs(small_world) == actief


def test_een_wijziging_bereikt_de_index_binnen_een_seconde_via_het_log(small_world):
    """A second process's index (polling) picks up a write made elsewhere."""
    other = SearchIndex(small_world.index_dir, small_world.engine)
    other.open()
    slug = first_actief(small_world)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "beeindigd")
    started = time.monotonic()
    while slug in slugs(small_world, other):
        assert time.monotonic() - started < 1.0, "wijziging niet binnen een seconde in de index"
        other.refresh()
        other.sync()
        time.sleep(0.05)


def test_een_host_die_terugkomt_past_bij_het_openen_toe_wat_hij_miste(small_world):
    """A host back after a crash opens its old index folder: before it serves, it applies what was
    committed while it was away."""
    slug = first_actief(small_world)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "beeindigd")  # committed; no index has applied it
    back = SearchIndex(small_world.index_dir, small_world.engine)
    assert back.open() is False  # the old folder, not a rebuild
    assert slug not in slugs(small_world, back)
    assert back.is_ready()


def test_klaar_gaat_over_wat_dit_proces_ziet_niet_over_de_map(small_world):
    """Another worker applied a change to the shared folder; this worker's view is still older, so
    it is not ready until it has refreshed (once the change is older than the grace period)."""
    worker = small_world.index
    slug = first_actief(small_world)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "beeindigd")
    with session_scope(small_world.engine) as session:
        newest = session.exec(select(ChangeLog).order_by(ChangeLog.seq.desc())).first()
        newest.created_at = clock.now() - timedelta(seconds=30)
    other = SearchIndex(small_world.index_dir, small_world.engine)
    other.open()  # applies the change to the shared folder
    assert slug in slugs(small_world, worker)
    assert not worker.is_ready()
    worker.refresh()
    assert slug not in slugs(small_world, worker)
    assert worker.is_ready()


# Whoosh leaves the broken file's handle for the garbage collector; that warning is not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_kapotte_index_wordt_bij_openen_opnieuw_opgebouwd(small_world):
    expected = slugs(small_world)
    current = small_world.index_dir / (small_world.index_dir / "current").read_text()
    for path in current.iterdir():
        if path.suffix in (".seg", ".toc", ".trm", ".pst") or path.name.startswith("_MAIN"):
            path.write_bytes(b"kapot")
    fresh = SearchIndex(small_world.index_dir, small_world.engine)
    assert fresh.open() is True
    assert slugs(small_world, fresh) == expected


def test_ontbrekende_index_wordt_opgebouwd(small_world):
    expected = slugs(small_world)
    shutil.rmtree(small_world.index_dir)
    fresh = SearchIndex(small_world.index_dir, small_world.engine)
    assert fresh.open() is True
    assert slugs(small_world, fresh) == expected


def test_index_van_een_andere_database_wordt_vervangen(small_world, empty_world):
    """An index ahead of the database (the database was replaced) is rebuilt, not trusted."""
    shutil.copytree(small_world.index_dir, empty_world.index_dir, dirs_exist_ok=True)
    fresh = SearchIndex(empty_world.index_dir, empty_world.engine)
    assert fresh.open() is True
    assert slugs(empty_world, fresh) == set()


def test_afgelopen_contract_verdwijnt_op_de_volgende_dag(small_world):
    """The index computes contract scope for a date; on a new day ended lines drop out."""
    today = clock.today()
    slug = first_actief(small_world)
    with session_scope(small_world.engine) as session:
        aanbieder = session.exec(select(Aanbieder).where(Aanbieder.slug == slug)).one()
        for contract in session.exec(select(Contract).where(Contract.aanbieder_id == aanbieder.id)):
            contract.geldig_tot = today
            session.add(contract)
    day = {"value": today}
    index = SearchIndex(small_world.index_dir, small_world.engine, today=lambda: day["value"])
    index.rebuild()
    scoped = [SearchRequest(ob=ob, per_page=100_000) for ob in OBS] + [
        SearchRequest(perceel="dyslexie", per_page=100_000)
    ]
    assert any(slug in slugs(small_world, index, r) for r in scoped)
    day["value"] = today + timedelta(days=1)
    index.sync()
    assert not any(slug in slugs(small_world, index, r) for r in scoped)
    assert index.state()["scope_date"] == day["value"].isoformat()


def test_zoekwoorden_laten_geen_onbegrensd_geheugen_achter(small_world, monkeypatch):
    """Free text leaves nothing in the shared segment cache, and its masks stay within a budget."""
    import random
    import string

    from keuzehulp.search import snapshot as snapshot_module

    monkeypatch.setattr(snapshot_module, "TEXT_MASK_BYTES", 20_000)
    small_world.index.rebuild()  # a snapshot made with the small budget
    snapshot = small_world.index.snapshot()
    small_world.search.search(snapshot, SearchRequest(q="warm"), seed=1)  # facet masks: few, kept
    segments_before = len(snapshot.segments._data)
    rng = random.Random(4)
    for _ in range(150):
        words = " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(5))
        small_world.search.search(snapshot, SearchRequest(q=words), seed=1)
    assert len(snapshot.segments._data) == segments_before  # no postings of typed words kept
    assert 0 < snapshot._text_masks.used <= 20_000
    assert all(cache.used <= cache.budget for cache in snapshot._caches.values())
    assert snapshot._caches["matches"].used > 0


def test_een_volgorde_of_pagina_hergebruikt_de_resultaatset(small_world):
    """The result set and its facets are computed once per filter combination: another order,
    page or visitor reuses them, and each order of them is kept per order variant."""
    snapshot = small_world.index.snapshot()
    matches, orders = snapshot._caches["matches"], snapshot._caches["order"]
    first = small_world.search.search(snapshot, SearchRequest(perceel="jeugd", per_page=5), seed=1)
    before = (len(matches), len(orders))
    for change in ({"pagina": 2}, {"sort": "naam"}, {"sort": "wachttijd", "pagina": 3}):
        result = small_world.search.search(
            snapshot, SearchRequest(perceel="jeugd", per_page=5, **change), seed=2
        )
        assert result.total == first.total and result.facets == first.facets
    assert len(matches) == before[0]  # no new result sets
    assert len(orders) == before[1] + 3  # seed 2 (neutral), naam, wachttijd
    again = small_world.search.search(snapshot, SearchRequest(perceel="jeugd", per_page=5), seed=1)
    assert [h.data["slug"] for h in again.hits] == [h.data["slug"] for h in first.hits]


def test_een_parallelle_opbouw_geeft_dezelfde_index_als_een_serieele(small_world, tmp_path, monkeypatch):
    """A large data set is built in several processes, one segment each (Whoosh internals, pinned
    with whoosh3): searching it gives the same results, facets and suggestions as a serial build."""
    from keuzehulp.search import build

    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "PARALLEL_FROM", 0)
    parallel = SearchIndex(tmp_path / "parallel", small_world.engine)
    assert parallel.rebuild() == small_world.index.snapshot().live.sum()
    assert len(parallel.snapshot()._leaves) == 2  # one segment per process
    requests = [
        EVERYTHING,
        SearchRequest(q="autisme", per_page=100_000),
        SearchRequest(q="angst gezin", sort="relevantie", per_page=100_000),
        SearchRequest(perceel="jeugd", ob="2", specialisatie=("opvoeding",), per_page=100_000),
    ]
    for request in requests:
        serial = small_world.search.search(small_world.index.snapshot(), request, seed=1)
        result = small_world.search.search(parallel.snapshot(), request, seed=1)
        assert [h.data["slug"] for h in result.hits] == [h.data["slug"] for h in serial.hits]
        assert result.facets == serial.facets
    typo = SearchRequest(q="autisne")
    assert small_world.search.search(parallel.snapshot(), typo, 1).suggestion == "autisme"


def test_een_nieuw_woord_in_een_profiel_komt_in_bedoelde_u(small_world):
    """The word list for suggestions lives beside the generation and follows the change log."""
    from keuzehulp.domain.changelog import record_change

    typo = SearchRequest(q="kwispeltherapeit")
    assert small_world.search.search(small_world.index.snapshot(), typo, 1).suggestion is None
    slug = first_actief(small_world)
    with session_scope(small_world.engine) as session:
        aanbieder = session.exec(select(Aanbieder).where(Aanbieder.slug == slug)).one()
        aanbieder.beschrijving += " Wij bieden ook kwispeltherapeut-sessies met honden."
        record_change(session, aanbieder.id, "test")
    assert small_world.index.sync() == 1
    result = small_world.search.search(small_world.index.snapshot(), typo, 1)
    assert result.suggestion == "kwispeltherapeut" and result.suggestion_total == 1


def test_een_sync_op_een_oude_generatie_verschuift_de_stand_van_de_nieuwe_niet(small_world):
    """This process still has the old generation open when another process (`keuzehulp reindex`)
    makes a new one live; a change then synced here must reach the new generation too."""
    other = SearchIndex(small_world.index_dir, small_world.engine)
    other.rebuild()
    slug = first_actief(small_world)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "opgeschort")
    small_world.index.sync()  # e.g. right after a POST, without refresh() first
    other.refresh()  # what the other process's sync loop does
    other.sync()
    assert slug not in slugs(small_world, other)
    assert slug not in slugs(small_world)
    generations = sorted(small_world.index_dir.glob("gen-*/state.json"))
    assert len(generations) == 1 and not (small_world.index_dir / "state.json").exists()


def test_een_index_zonder_eigen_stand_per_generatie_wordt_opnieuw_opgebouwd(small_world):
    """An index folder of the older layout (one state.json for all generations) is rebuilt."""
    for state in small_world.index_dir.glob("gen-*/state.json"):
        state.rename(small_world.index_dir / "state.json")
    index = SearchIndex(small_world.index_dir, small_world.engine)
    assert index.open() is True
    assert slugs(small_world, index) == slugs(small_world)


def test_een_opschorting_door_een_andere_worker_ziet_deze_worker_na_refresh(small_world):
    """Two workers of one host share the index folder: a suspension one applies is gone from the
    other's searches after its refresh()."""
    worker = SearchIndex(small_world.index_dir, small_world.engine)
    worker.open()
    slug = first_actief(small_world)
    assert slug in slugs(small_world, worker)
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "opgeschort")
    small_world.index.sync()
    worker.refresh()
    assert slug not in slugs(small_world, worker)
