"""A running app follows the change log by itself: a suspension leaves search within a second."""

from __future__ import annotations

import time

from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp.db import session_scope
from keuzehulp.models import Aanbieder
from keuzehulp.services.aanbieders import set_status
from keuzehulp.web.app import create_app


def test_opschorting_is_binnen_een_seconde_weg_uit_de_zoekresultaten(small_world):
    with Session(small_world.engine) as session:
        aanbieder = session.exec(select(Aanbieder).where(Aanbieder.status == "actief")).first()
    app = create_app(small_world.settings(index_poll_seconds=0.1), engine=small_world.engine)
    with TestClient(app) as client:
        params = {"q": aanbieder.naam}
        assert aanbieder.slug in client.get("/api/v1/aanbieders", params=params).text
        with session_scope(small_world.engine) as session:
            set_status(session, aanbieder.slug, "opgeschort")
        started = time.monotonic()
        while aanbieder.slug in client.get("/api/v1/aanbieders", params=params).text:
            assert time.monotonic() - started < 1.0, "nog zichtbaar na een seconde"
            time.sleep(0.05)
