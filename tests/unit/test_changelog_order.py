"""The change log's order is the order of commits: a change that commits late is never skipped."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp.domain.changelog import last_seq, record_change
from keuzehulp.models import Aanbieder, ChangeLog
from keuzehulp.search.engine import SearchRequest
from keuzehulp.web.app import create_app


def _actieve(world, count: int) -> list[Aanbieder]:
    with Session(world.engine) as session:
        query = select(Aanbieder).where(Aanbieder.status == "actief").order_by(Aanbieder.id).limit(count)
        return list(session.exec(query))


def _edit(session: Session, aanbieder_id: int, word: str) -> None:
    aanbieder = session.get(Aanbieder, aanbieder_id)
    aanbieder.beschrijving += f" {word}"
    session.add(aanbieder)
    session.flush()
    record_change(session, aanbieder.id, "profiel")
    session.flush()  # everything is written; only the commit is still to come


def _found(world, word: str) -> list[str]:
    result = world.search.search(world.index.snapshot(), SearchRequest(q=word), seed=1)
    return [hit.data["slug"] for hit in result.hits]


@pytest.mark.postgres
def test_een_wijziging_die_later_vastgelegd_wordt_komt_in_index_en_wijzigingenfeed(small_world, backend):
    """A transaction that wrote its change first but commits last (a long import while someone
    saves a profile) still reaches the index and every harvester of the change feed."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second write waits for the first commit")
    first, second = _actieve(small_world, 2)
    client = TestClient(create_app(small_world.settings(), engine=small_world.engine))
    feed = client.get("/api/v1/wijzigingen", params={"sinds": 0}).json()
    while feed["meer"]:
        feed = client.get("/api/v1/wijzigingen", params={"sinds": feed["tot"]}).json()
    harvested = feed["tot"]
    with Session(small_world.engine) as slow:
        _edit(slow, first.id, "langzaamwoord")  # held open
        with Session(small_world.engine) as quick:
            _edit(quick, second.id, "snelwoord")
            quick.commit()
        small_world.index.sync()
        early = client.get("/api/v1/wijzigingen", params={"sinds": harvested}).json()
        slow.commit()
    small_world.index.sync()
    later = client.get("/api/v1/wijzigingen", params={"sinds": early["tot"]}).json()
    assert _found(small_world, "snelwoord") == [second.slug]
    assert _found(small_world, "langzaamwoord") == [first.slug]
    assert [change["aanbieder"] for change in early["wijzigingen"]] == [second.slug]
    assert [change["aanbieder"] for change in later["wijzigingen"]] == [first.slug]


def test_een_teruggedraaide_wijziging_laat_geen_gat_in_de_volgnummers(small_world):
    """Numbers are handed out at commit: a rollback gives them back, and every commit gets the
    next one."""
    first, second = _actieve(small_world, 2)
    with Session(small_world.engine) as session:
        before = last_seq(session)
        _edit(session, first.id, "teruggedraaid")
        session.rollback()
        _edit(session, second.id, "bewaard")
        session.commit()
        rows = session.exec(select(ChangeLog.seq, ChangeLog.aanbieder_id).where(ChangeLog.seq > before))
        assert list(rows) == [(before + 1, second.id)]
