"""Two app hosts on one PostgreSQL, each with its own index folder and two uvicorn workers: edits
travel between hosts within a second, concurrent writes leave both indexes equal to the SQL
reference and the change feed complete, a new host builds its index while the others serve, and a
host killed mid-write loses nothing committed."""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.domain.changelog import last_seq
from keuzehulp.models import Aanbieder, AanbiederVersie, ChangeLog, Gebruiker
from keuzehulp.search.filters import SearchRequest
from keuzehulp.services.aanbieders import set_status
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.importeren.batches import plan_file
from keuzehulp.services.importeren.contracten import apply_contracts
from keuzehulp.serving import start_server, stop_server
from tests.support.accounts import DEMO, PASSWORD, add_user, login, login_as, post_form
from tests.support.sql_reference import sql_slugs
from tests.support.world import build_world
from tests.web.test_aanbieder_profiel import _submit

pytestmark = pytest.mark.postgres

EDITS = 50
REFERENCE = {  # API parameters and the same search for the SQL reference
    "": SearchRequest(),
    "perceel=jeugd&ob=2": SearchRequest(perceel="jeugd", ob="2"),
    "perceel=wmo": SearchRequest(perceel="wmo"),
}


class Host:
    """One app host: `uvicorn --workers 2` on a free 127.0.0.1 port with its own index folder."""

    def __init__(self, world, index_dir: Path):
        self.world, self.index_dir = world, index_dir
        self.process = None
        self.base = ""

    def start(self) -> None:
        env = {
            "KEUZEHULP_DATABASE_URL": self.world.url,
            "KEUZEHULP_INDEX_DIR": str(self.index_dir),
            "KEUZEHULP_MAIL_SEND_SECONDS": "0",
            "KEUZEHULP_API_RATE_LIMIT": "0",
            "KEUZEHULP_TODAY": clock.today().isoformat(),
        }
        self.process, port = start_server("keuzehulp.web.asgi:app", env, timeout=60, workers=2)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not self._ready():
            assert time.monotonic() < deadline, "host wordt niet klaar"
            time.sleep(0.1)

    def _ready(self) -> bool:
        try:
            return httpx2.get(f"{self.base}/readyz", timeout=2).status_code == 200
        except httpx2.HTTPError:
            return False

    def client(self) -> httpx2.Client:
        return httpx2.Client(base_url=self.base, timeout=30)  # a shared 2-core machine can be slow

    def slugs(self, query: str = "", q: str = "") -> set[str]:
        params = dict(item.split("=") for item in query.split("&") if item) | {"per_page": "100"}
        if q:
            params["q"] = q
        body = httpx2.get(f"{self.base}/api/v1/aanbieders", params=params, timeout=30).json()
        assert body["pages"] <= 1
        return {result["slug"] for result in body["results"]}

    def kill(self) -> None:
        """SIGKILL the workers and their supervisor: no shutdown, no flush."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for pid in [*map(int, children), self.process.pid]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_server(self.process)


@pytest.fixture(scope="module")
def site(backend, request, tmp_path_factory):
    if backend != "postgresql":
        pytest.skip("several hosts share one PostgreSQL; SQLite is for one host")
    factory = request.getfixturevalue("database_factory")
    root = tmp_path_factory.mktemp("twee-hosts")
    world = build_world(factory.new_url(), root / "reference-index", aanbieders=80, seed=11)
    hosts = {name: Host(world, root / f"index-{name}") for name in ("a", "b")}
    with ThreadPoolExecutor(2) as pool:  # each starts with an empty index folder and builds its own
        list(pool.map(Host.start, hosts.values()))
    yield world, hosts
    for host in hosts.values():
        if host.process.poll() is None:
            host.stop()
    world.engine.dispose()


def _own_aanbieder(world, email: str) -> Aanbieder:
    with Session(world.engine) as db:
        aanbieder_id = db.exec(select(Gebruiker.aanbieder_id).where(Gebruiker.email == email)).one()
        return db.get(Aanbieder, aanbieder_id)


def _edit(client, aanbieder: Aanbieder, word: str) -> None:
    """Save the profile with a new last word in the beschrijving, as the aanbieder would: when a
    contract import changed the aanbieder between loading and saving (409), load it again and save."""
    changes = {"beschrijving": f"{aanbieder.beschrijving} {word}", "telefoon": "053 123 45 67"}
    for _attempt in range(3):
        response = _submit(client, changes)  # (a demo telefoon may not pass today's check)
        if response.status_code != 409:
            break
    assert response.status_code == 303, response.text[:300]


def _word(prefix: str, n: int) -> str:
    """A word no aanbieder has, one per n (consonants apart: the stemmer leaves them alone)."""
    return prefix + "x".join("bcdfghjklm"[int(digit)] for digit in f"{n:04d}")


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _matches_reference(world, host: Host) -> bool:
    with Session(world.engine) as db:
        expected = {query: sql_slugs(db, r, clock.today()) for query, r in REFERENCE.items()}
    return all(host.slugs(query) == slugs for query, slugs in expected.items())


def test_een_wijziging_op_host_a_is_binnen_een_seconde_te_vinden_op_host_b(site):
    world, hosts = site
    aanbieder = _own_aanbieder(world, DEMO["aanbieder"].email)
    delays = []
    with hosts["a"].client() as editor:
        login_as(editor, "aanbieder")
        for n in range(EDITS):
            word = _word("reisproef", n)
            _edit(editor, aanbieder, word)
            saved = time.monotonic()
            assert _wait_for(lambda word=word: aanbieder.slug in hosts["b"].slugs(q=word), 10), word
            delays.append(time.monotonic() - saved)
    median, worst = statistics.median(delays), max(delays)
    print(f"\npropagation A -> B over {EDITS} edits: median {median:.3f} s, max {worst:.3f} s")
    assert median < 1.0 and worst < 3.0


def test_200_gelijktijdige_schrijfacties_over_beide_hosts_laten_niets_achter(site):
    """160 profile edits by 8 aanbieders, 40 suspensions and reactivations by beheerders and a
    contract register import, spread over both hosts, while a transaction that wrote its changes
    first stays open and commits last; a harvester follows the change feed on host B throughout."""
    world, hosts = site
    with Session(world.engine) as db:
        start = last_seq(db)
        taken = set(db.exec(select(Gebruiker.aanbieder_id).where(Gebruiker.aanbieder_id.is_not(None))))
        actief = [a for a in db.exec(select(Aanbieder).order_by(Aanbieder.id)) if a.status == "actief"]
    free = [a for a in actief if a.id not in taken]
    editors, suspended, held = free[:8], free[8:28], free[28:31]
    for n, aanbieder in enumerate(editors):
        add_user(world, f"schrijver{n}@example.nl", "aanbieder", aanbieder_id=aanbieder.id)

    harvested: list[int] = []
    done = threading.Event()

    def harvest():
        tot = start
        while True:
            finished = done.is_set()
            body = httpx2.get(
                f"{hosts['b'].base}/api/v1/wijzigingen", params={"sinds": tot}, timeout=30
            ).json()
            harvested.extend(change["seq"] for change in body["wijzigingen"])
            tot = body["tot"]
            if finished and not body["meer"]:
                return
            time.sleep(0.05)

    def profile_edits(n: int) -> int:
        host = hosts["ab"[n % 2]]
        with host.client() as client:
            assert login(client, f"schrijver{n}@example.nl", PASSWORD).status_code == 303
            for m in range(20):
                _edit(client, editors[n], _word("drukproef", n * 100 + m))
        return 20

    def status_changes(n: int) -> int:
        host = hosts["ab"[n]]
        with host.client() as client:
            login_as(client, "beheerder")
            for aanbieder in suspended[n::2]:
                for status in ("opgeschort", "actief"):
                    page = f"/beheer/aanbieders/{aanbieder.slug}"
                    form = {"status": status, "reden": "test van twee hosts"}
                    response = post_form(client, f"{page}/status", form, token_page=page)
                    assert response.status_code == 303, response.text[:300]
        return len(suspended[n::2]) * 2

    def register_import() -> int:
        sample = (PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv").read_bytes()
        with Session(world.engine) as db:
            plan = plan_file(db, "contracten", "register.csv", sample, clock.today())
            apply_contracts(db, plan, SYSTEM, hosts["a"].base)
            db.commit()
        return 0

    harvester = threading.Thread(target=harvest)
    harvester.start()
    started = time.monotonic()
    try:
        with Session(world.engine) as slow:  # writes first, commits last (like a long import)
            for aanbieder in held:
                set_status(slow, aanbieder.slug, "opgeschort")
            slow.flush()
            with ThreadPoolExecutor(11) as pool:
                futures = [pool.submit(profile_edits, n) for n in range(8)]
                futures += [pool.submit(status_changes, n) for n in range(2)]
                futures.append(pool.submit(register_import))
                writes = sum(future.result() for future in futures)
            slow.commit()
    finally:
        done.set()  # every write has committed: the harvester reads to the end and stops
    elapsed = time.monotonic() - started
    assert writes == 200
    print(f"\n{writes} saves over two hosts and an import while one transaction was open: {elapsed:.1f} s")

    with Session(world.engine) as db:
        rows = list(db.exec(select(ChangeLog).where(ChangeLog.seq > start).order_by(ChangeLog.seq)))
        imported = set(db.exec(select(Aanbieder.slug).where(Aanbieder.naam.startswith("Voorbeeld"))))
    expected = [row.seq for row in rows]
    assert expected == list(range(start + 1, start + len(expected) + 1))  # no gaps
    redenen = Counter(row.reden for row in rows)
    assert redenen["profiel"] == 160 and redenen["status opgeschort"] == 20 + len(held)
    assert redenen["status actief"] == 20 and redenen["contractregister"] >= len(imported) > 0
    assert [row.aanbieder_id for row in rows[-len(held) :]] == [a.id for a in held]  # committed last
    harvester.join(timeout=30)
    assert harvested == expected  # every change, once, in order
    for host in hosts.values():
        assert _wait_for(lambda host=host: _matches_reference(world, host), 10), host.base
        for n, aanbieder in enumerate(editors):
            assert host.slugs(q=_word("drukproef", n * 100 + 19)) == {aanbieder.slug}
        assert imported <= host.slugs() and not {a.slug for a in held} & host.slugs()


def test_een_nieuwe_host_met_een_lege_indexmap_bouwt_die_terwijl_de_andere_blijven_werken(site, tmp_path):
    world, hosts = site
    served = []
    stop = threading.Event()

    def keep_asking():
        while not stop.is_set():
            served.append(httpx2.get(f"{hosts['a'].base}/api/v1/aanbieders", timeout=30).status_code)
            time.sleep(0.05)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    new = Host(world, tmp_path / "index-c")
    try:
        new.start()
        stop.set()
        asker.join()
        assert served and set(served) == {200}
        assert _matches_reference(world, new)
        assert new.slugs(q=_word("reisproef", EDITS - 1)) == {
            _own_aanbieder(world, DEMO["aanbieder"].email).slug
        }
    finally:
        stop.set()
        new.stop()


def test_een_host_die_midden_in_het_schrijven_wordt_gedood_verliest_niets_wat_vastgelegd_is(site):
    world, hosts = site
    aanbieder = _own_aanbieder(world, DEMO["aanbieder"].email)
    with Session(world.engine) as db:
        versions_before = len(
            db.exec(select(AanbiederVersie).where(AanbiederVersie.aanbieder_id == aanbieder.id)).all()
        )
    acknowledged: list[str] = []

    def keep_editing():
        with hosts["a"].client() as client:
            login_as(client, "aanbieder")
            for n in range(1000):
                word = _word("valproef", n)
                try:
                    _edit(client, aanbieder, word)
                except (httpx2.HTTPError, AssertionError):
                    return
                acknowledged.append(word)

    editor = threading.Thread(target=keep_editing)
    editor.start()
    assert _wait_for(lambda: len(acknowledged) >= 5, 30)
    hosts["a"].kill()
    editor.join(timeout=30)
    with Session(world.engine) as db:
        versions = len(
            db.exec(select(AanbiederVersie).where(AanbiederVersie.aanbieder_id == aanbieder.id)).all()
        )
        beschrijving = db.get(Aanbieder, aanbieder.id).beschrijving
    # every acknowledged save is kept; at most the one in flight was committed without an answer
    assert len(acknowledged) <= versions - versions_before <= len(acknowledged) + 1
    last = beschrijving.split()[-1]
    assert last in (acknowledged[-1], _word("valproef", len(acknowledged)))
    assert _wait_for(lambda: hosts["b"].slugs(q=last) == {aanbieder.slug}, 5)
    hosts["a"].start()  # back with the index folder it had when it was killed
    assert hosts["a"].slugs(q=last) == {aanbieder.slug}
    assert _matches_reference(world, hosts["a"])
