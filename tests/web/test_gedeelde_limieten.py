"""Limits hold for the whole site, not per process: counts live in the database, which every worker
of every host shares. Two apps on one database stand for two processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from keuzehulp.models import LoginPoging, RateCount
from keuzehulp.services import ratelimit
from keuzehulp.web.app import create_app
from keuzehulp.web.public.voorkeur import VOORKEUR_LIMIT
from tests.support.accounts import post_form
from tests.web.test_consultatie import VOORKEUR, _target


def test_van_veel_gelijktijdige_verzoeken_gaan_er_precies_zoveel_door_als_de_limiet(small_world):
    with ThreadPoolExecutor(8) as pool:
        waits = list(pool.map(lambda _: ratelimit.take(small_world.engine, "k", 5, 60, 1000.0), range(24)))
    assert waits.count(0) == 5 and all(1 <= wait <= 60 for wait in waits if wait)
    with Session(small_world.engine) as db:
        assert db.exec(select(RateCount.hits).where(RateCount.bucket_key == "k")).one() == 5  # refusals


def test_het_venster_schuift(small_world):
    """The previous minute counts for the part of it that still lies within the last 60 s."""
    engine = small_world.engine
    assert [ratelimit.take(engine, "k", 4, 60, 1010.0) for _ in range(5)] == [0, 0, 0, 0, 10]
    assert ratelimit.take(engine, "k", 4, 60, 1021.0) > 0  # 4 * 59/60 + 1 > 4
    assert ratelimit.take(engine, "k", 4, 60, 1036.0) == 0  # 4 * 44/60 + 1 <= 4
    assert ratelimit.take(engine, "k", 4, 60, 1200.0) == 0
    assert ratelimit.forget_old(engine, now=1020.0 + ratelimit.KEEP_SECONDS) == 1


def test_de_api_limiet_geldt_voor_alle_processen_samen(small_world):
    first = TestClient(create_app(small_world.settings(api_rate_limit=3), engine=small_world.engine))
    second = TestClient(create_app(small_world.settings(api_rate_limit=3), engine=small_world.engine))
    statuses = [client.get("/api/v1/aanbieders").status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


def test_de_voorkeurlimiet_geldt_voor_alle_processen_en_schrijft_geen_inlogpogingen(small_world):
    aanbieder = _target(small_world)
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    clients = [TestClient(create_app(small_world.settings(), engine=small_world.engine)) for _ in range(2)]
    sent = [post_form(clients[n % 2], page, VOORKEUR, token_page=page) for n in range(VOORKEUR_LIMIT + 1)]
    statuses = [response.status_code for response in sent]
    assert statuses == [200] * VOORKEUR_LIMIT + [400]
    refused = post_form(clients[0], page, VOORKEUR, token_page=page)
    assert "al een paar keer een voorkeur doorgegeven" in refused.text
    with Session(small_world.engine) as db:
        assert db.exec(select(func.count()).select_from(LoginPoging)).one() == 0


def test_zonder_database_gaat_een_api_verzoek_door(tmp_path):
    """Searches are answered from the index; a database that cannot count does not stop them."""
    from sqlalchemy import create_engine

    from keuzehulp.web.api.policy import RateLimiter

    gone = create_engine(f"sqlite:///{tmp_path}/ontbreekt/keuzehulp.db")
    assert RateLimiter(gone, 1).retry_after("198.51.100.1") == 0
