"""The zorglandschap dashboard: coverage equals SQL counts, wachttijd median/p90 on fixture data,
the trend from the wachttijd history, CSV and SVG exports, beheerders only; jeugd and Wmo apart."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.regio import model_of
from keuzehulp.models import Gemeente, WachttijdMelding
from keuzehulp.search.filters import SearchRequest
from keuzehulp.services import zorglandschap
from keuzehulp.services.aanbieders import AanbiederData, ContractLine, create_aanbieders
from keuzehulp.services.demo_accounts import ensure_demo_accounts
from keuzehulp.web.app import create_app
from tests.support.accounts import PASSWORD, TOTP_SECRET, add_user, login, login_as
from tests.support.sql_reference import sql_count
from tests.support.world import build_world

TODAY = clock.today()
TWENTE = model_of("twente")


def test_dekking_is_gelijk_aan_de_telling_in_sql(demo_world):
    rows = zorglandschap.coverage(
        demo_world.search, demo_world.index.snapshot(), TWENTE, demo_world.taxonomy.gemeenten
    )
    with Session(demo_world.engine) as session:
        for gemeente, cells in rows:
            for column, cell in zip(zorglandschap.columns(TWENTE), cells, strict=True):
                request = SearchRequest(gemeente=gemeente.cbs_code, **column.filters)
                assert cell.count == sql_count(session, request, TODAY), (gemeente.naam, column.name)
    assert any(cell.count == 0 for _, cells in rows for cell in cells)
    names = [column.name for column in zorglandschap.columns(TWENTE)]
    assert {"Jeugd OB1 A", "Wmo OB1 A", "Jeugd OB4 E", "Dyslexie (EED)"} <= set(names)
    assert not any(name.startswith(("Wmo OB3", "Wmo OB4")) for name in names)


def _aanbieder(
    slug: str, weken: int | None, bevestigd: date | None, ob: str = "1", perceel: str = "jeugd"
) -> AanbiederData:
    return AanbiederData(
        slug=slug,
        naam=slug,
        kvk="12345678",
        wachttijd_weken=weken,
        wachttijd_bevestigd_op=bevestigd,
        contracten=[ContractLine("GM0153", perceel, ob, "A", date(2026, 1, 1))],
    )


def test_dekking_telt_jeugd_en_wmo_apart(empty_world):
    fresh = TODAY - timedelta(days=10)
    items = [_aanbieder("jeugd", 2, fresh), _aanbieder("wmo", 9, fresh, perceel="wmo")]
    with session_scope(empty_world.engine) as session:
        create_aanbieders(session, items)
    empty_world.index.rebuild()
    enschede = empty_world.taxonomy.gemeente("GM0153")
    [(_, cells)] = zorglandschap.coverage(
        empty_world.search, empty_world.index.snapshot(), TWENTE, [enschede]
    )
    counts = {column.name: cell for column, cell in zip(zorglandschap.columns(TWENTE), cells, strict=True)}
    assert (counts["Jeugd OB1 A"].count, counts["Wmo OB1 A"].count, counts["Jeugd OB1 B"].count) == (1, 1, 0)
    assert "perceel=wmo&ob=1&niveau=A" in counts["Wmo OB1 A"].url
    with Session(empty_world.engine) as session:
        [(_, figures)] = zorglandschap.wachttijden(session, TWENTE, [enschede], TODAY)
    by_name = {c.name: f for c, f in zip(zorglandschap.wait_columns(TWENTE), figures, strict=True)}
    assert (by_name["Jeugd OB1"].n, by_name["Jeugd OB1"].median) == (1, 2)
    assert (by_name["Wmo OB1"].n, by_name["Wmo OB1"].median) == (1, 9)


def test_wachttijd_mediaan_en_p90_alleen_actueel(empty_world):
    fresh = TODAY - timedelta(days=10)
    weeks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]
    items = [_aanbieder(f"a{i}", w, fresh) for i, w in enumerate(weeks)]
    items.append(_aanbieder("oud", 50, TODAY - timedelta(days=60)))  # stale: left out
    items.append(_aanbieder("onbekend", None, None))
    items.append(_aanbieder("ob2", 30, fresh, ob="2"))
    items.append(_aanbieder("wmo-ob2", 40, fresh, ob="2", perceel="wmo"))
    with session_scope(empty_world.engine) as session:
        create_aanbieders(session, items)
    with Session(empty_world.engine) as session:
        gemeenten = session.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).all()
        [(gemeente, figures)] = zorglandschap.wachttijden(session, TWENTE, gemeenten, TODAY)
        # Columns: jeugd OB1-OB4, then Wmo OB1 and OB2.
        assert (figures[0].n, figures[0].median, figures[0].p90) == (10, 5.5, 9)
        assert (figures[1].n, figures[1].median, figures[1].p90) == (1, 30, 30)
        assert figures[2].n == 0 and figures[2].median is None
        assert figures[4].n == 0 and (figures[5].n, figures[5].median, figures[5].p90) == (1, 40, 40)
        text = zorglandschap.wachttijden_csv(TWENTE, [(gemeente, figures)])
        header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert row[:5] == ["Enschede", "GM0153", "10", "5.5", "9"]
        assert header[-3:] == ["Wmo OB2 aantal", "Wmo OB2 mediaan weken", "Wmo OB2 p90 weken"]
        assert row[-3:] == ["1", "40", "40"]


def test_trend_uit_de_historie_van_bevestigingen(empty_world):
    this_month = TODAY.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    item = _aanbieder("a", 4, this_month)
    item.wachttijd_historie = [(last_month, 10)]
    other = _aanbieder("b", 6, this_month)
    wmo = _aanbieder("wmo", 20, this_month, perceel="wmo")
    with session_scope(empty_world.engine) as session:
        create_aanbieders(session, [item, other, wmo])
    with Session(empty_world.engine) as session:
        assert len(session.exec(select(WachttijdMelding)).all()) == 4
        gemeente = session.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).one()
        points = dict(zorglandschap.trend(session, gemeente, "jeugd", "1", TODAY))
        wmo_points = dict(zorglandschap.trend(session, gemeente, "wmo", "1", TODAY))
    assert len(points) == 12
    assert (points[this_month].n, points[this_month].median) == (2, 5)
    assert (points[last_month].n, points[last_month].median) == (1, 10)
    assert (wmo_points[this_month].n, wmo_points[this_month].median, wmo_points[last_month].n) == (1, 20, 0)
    svg = zorglandschap.trend_svg(list(points.items()), "Wachttijd <OB1>")
    assert svg.startswith("<svg") and "<title" in svg and "&lt;OB1&gt;" in svg and "stroke-dasharray" in svg


def test_dashboard_en_exports_voor_beheerders(small_client, small_world):
    assert small_client.get("/beheer/zorglandschap", follow_redirects=False).status_code == 303
    login_as(small_client, "wijkteam")
    assert small_client.get("/beheer/zorglandschap").status_code == 403
    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    html = small_client.get("/beheer/zorglandschap", params={"gemeente": "hengelo", "hulp": "wmo-2"}).text
    assert "Dekking per gemeente" in html and "Wachttijd Wmo OB2 in Hengelo" in html and "<svg" in html
    assert '<option value="wmo-2" selected>Wmo OB2</option>' in html and 'value="wmo-3"' not in html
    assert '<th scope="colgroup" colspan="15">Jeugd</th>' in html  # 4 + 4 + 3 + 4 niveaus
    assert '<th scope="colgroup" colspan="8">Wmo</th>' in html
    dekking = small_client.get("/beheer/zorglandschap/dekking.csv")
    assert dekking.headers["content-type"].startswith("text/csv")
    header = dekking.text.splitlines()[0].split(";")
    assert header[:3] == ["gemeente", "cbs_code", "Jeugd OB1 A"] and header[-1] == "Spoedhulp"
    assert "Wmo OB2 D" in header and "Dyslexie (EED)" in header
    assert len(dekking.text.splitlines()) == 15  # header + 14 gemeenten
    assert small_client.get("/beheer/zorglandschap/wachttijden.csv").text.startswith(
        "gemeente;cbs_code;Jeugd OB1 aantal"
    )
    svg = small_client.get("/beheer/zorglandschap/trend.svg", params={"gemeente": "almelo", "hulp": "wmo-1"})
    assert (
        svg.headers["content-type"].startswith("image/svg+xml") and "Wachttijd Wmo OB1 in Almelo" in svg.text
    )


NIJMEGEN = model_of("nijmegen")


def test_in_regio_nijmegen_is_de_dekking_per_perceel_en_product_gelijk_aan_sql(regions_world):
    gemeenten = regions_world.taxonomy.gemeenten_in("nijmegen")
    assert [g.naam for g in gemeenten][:2] == ["Berg en Dal", "Beuningen"] and len(gemeenten) == 7
    rows = zorglandschap.coverage(regions_world.search, regions_world.index.snapshot(), NIJMEGEN, gemeenten)
    columns = zorglandschap.columns(NIJMEGEN)
    assert [c.name for c in columns][:2] == ["Wmo Dagbesteding", "Wmo Begeleiding"]
    assert "Jeugdhulp GGZ" in [c.name for c in columns] and len(columns) == 3 + 6
    assert all(set(c.filters) == {"perceel", "ob"} for c in columns)  # no niveau, dakje or spoedhulp
    with Session(regions_world.engine) as session:
        for gemeente, cells in rows:
            for column, cell in zip(columns, cells, strict=True):
                request = SearchRequest(gemeente=gemeente.cbs_code, **column.filters)
                assert cell.count == sql_count(session, request, TODAY), (gemeente.naam, column.name)
        waits = zorglandschap.wachttijden(session, NIJMEGEN, gemeenten, TODAY)
    assert sum(cell.count for _, cells in rows for cell in cells) > 0
    cells_of = {gemeente.slug: cells for gemeente, cells in rows}
    nijmegen = dict(zip((c.name for c in columns), cells_of["nijmegen"], strict=True))
    assert nijmegen["Jeugdhulp GGZ"].url.endswith("gemeente=nijmegen&perceel=jeugd&ob=jeugd-ggz")
    # A wachttijd cell counts the aanbieders contracted for that product: the coverage cell's number.
    contracted = [[figure.of for figure in figures] for _, figures in waits]
    assert contracted == [[cell.count for cell in cells] for _, cells in rows]
    text = zorglandschap.coverage_csv(NIJMEGEN, rows)
    assert text.splitlines()[0].startswith("gemeente;cbs_code;Wmo Dagbesteding;Wmo Begeleiding")


def test_twente_en_nijmegen_hebben_elk_hun_eigen_kolommen(regions_world):
    twente, nijmegen = zorglandschap.columns(TWENTE), zorglandschap.columns(NIJMEGEN)
    assert len(twente) == 15 + 8 + 1 + 5 + 1 and not {c.name for c in twente} & {c.name for c in nijmegen}
    assert regions_world.taxonomy.regios == ("twente", "nijmegen")


def _nijmegen(slug: str, weken: int, product: str = "jeugd-ggz", perceel: str = "jeugd") -> AanbiederData:
    this_month = TODAY.replace(day=1)
    item = AanbiederData(
        slug=slug,
        naam=slug,
        kvk="12345678",
        wachttijd_weken=weken,
        wachttijd_bevestigd_op=this_month,
        contracten=[ContractLine("GM0268", perceel, product, None, date(2026, 1, 1))],
    )
    item.wachttijd_historie = [((this_month - timedelta(days=1)).replace(day=1), weken + 10)]
    return item


@pytest.fixture
def two_regions(database_factory, tmp_path):
    """Twente and Regio Nijmegen with three Nijmegen aanbieders and a beheerder signed in."""
    world = build_world(database_factory.new_url(), tmp_path / "index", regios=("twente", "nijmegen"))
    items = [_nijmegen("a", 2), _nijmegen("b", 4), _nijmegen("wmo", 6, "wmo-begeleiding", "wmo")]
    with session_scope(world.engine) as session:
        create_aanbieders(session, items)
        ensure_demo_accounts(session, TODAY)
    world.index.rebuild()
    add_user(world, "beheer@nijmegen.example", "beheerder", regio="nijmegen")
    with TestClient(create_app(world.settings(), engine=world.engine)) as twente:
        login_as(twente, "beheerder")  # the demo beheerder: Twente
        with TestClient(create_app(world.settings(), engine=world.engine)) as client:
            login(client, "beheer@nijmegen.example", PASSWORD, TOTP_SECRET)
            yield world, twente, client
    world.engine.dispose()


def test_het_zorglandschap_van_regio_nijmegen_volgt_zijn_eigen_model(two_regions):
    """Each beheerder sees its own region's zorglandschap, in its own model, and no other."""
    world, twente, client = two_regions
    html = twente.get("/beheer/zorglandschap", params={"regio": "nijmegen"}).text  # asks in vain
    assert "<h1>Zorglandschap Twente</h1>" in html and '<th scope="colgroup" colspan="15">Jeugd</th>' in html
    assert "Nijmegen</th>" not in html and "?regio=" not in html
    params = {"gemeente": "nijmegen", "hulp": "jeugd-jeugd-ggz"}
    html = client.get("/beheer/zorglandschap", params=params).text
    assert "<h1>Zorglandschap Regio Nijmegen</h1>" in html
    assert '<th scope="colgroup" colspan="6">Jeugdhulp</th>' in html and "Dakje" not in html
    assert '<th scope="col" rowspan="2">Gemeente</th>' in html and "niveau" not in html
    assert "per perceel en product" in html and "Enschede</th>" not in html
    assert 'href="/zoeken?gemeente=nijmegen&amp;perceel=jeugd&amp;ob=jeugd-ggz">2' in html
    assert '<option value="jeugd-jeugd-ggz" selected>Jeugdhulp GGZ</option>' in html
    assert "Wachttijd Jeugdhulp GGZ in Nijmegen" in html and '<span class="cijfer">3 / 4</span>' in html
    dekking = client.get("/beheer/zorglandschap/dekking.csv").text.splitlines()
    assert dekking[0].split(";")[-1] == "Jeugdhulp Kortdurend verblijf" and len(dekking) == 1 + 7
    assert next(line for line in dekking if line.startswith("Nijmegen;")).split(";")[2:5] == ["0", "1", "0"]
    waits = client.get("/beheer/zorglandschap/wachttijden.csv").text
    assert waits.startswith("gemeente;cbs_code;Wmo Dagbesteding aantal")
    params |= {"hulp": "wmo-1"}
    svg = client.get("/beheer/zorglandschap/trend.svg", params=params).text
    assert "Wachttijd Wmo Dagbesteding in Nijmegen" in svg  # an unknown choice: the region's first
    with Session(world.engine) as session:
        gemeente = world.taxonomy.gemeente("nijmegen")
        points = zorglandschap.trend(session, gemeente, "jeugd", "jeugd-ggz", TODAY)
    assert [(f.n, f.median) for _, f in points[-2:]] == [(2, 13), (2, 3)]
