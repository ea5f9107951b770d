"""The zorglandschap dashboard: coverage equals SQL counts, wachttijd median/p90 from fresh figures
per kind of help, free places, stops and stale or missing figures, the meldingen, the trend from
the history of figures, CSV and SVG exports, beheerders only; jeugd and Wmo apart."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.beschikbaarheid import hulp_key
from keuzehulp.domain.regio import model_of
from keuzehulp.models import Gemeente, WachttijdMelding
from keuzehulp.search.filters import SearchRequest
from keuzehulp.services import zorglandschap
from keuzehulp.services import zorglandschap_wachttijd as wachttijd
from keuzehulp.services.aanbieders import (
    AanbiederData,
    CijferData,
    ContractLine,
    DakjeLine,
    StopData,
    create_aanbieders,
)
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
    """An aanbieder contracted in Enschede for one OB, with a figure for all gemeenten (none when
    `weken` is None)."""
    figures = (
        [CijferData(hulp_key(perceel, ob), None, None, weken, None, bevestigd)] if weken is not None else []
    )
    return AanbiederData(
        slug=slug,
        naam=slug,
        kvk="12345678",
        contracten=[ContractLine("GM0153", perceel, ob, "A", TODAY - timedelta(days=400))],
        beschikbaarheid=figures,
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
        [(_, figures)] = wachttijd.wachttijden(session, TWENTE, [enschede], TODAY)
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
        [(gemeente, figures)] = wachttijd.wachttijden(session, TWENTE, gemeenten, TODAY)
        # Columns: jeugd OB1-OB4, then Wmo OB1 and OB2, dyslexie and the dakjes.
        names = [c.name for c in zorglandschap.wait_columns(TWENTE)]
        assert names[:7] == [
            "Jeugd OB1",
            "Jeugd OB2",
            "Jeugd OB3",
            "Jeugd OB4",
            "Wmo OB1",
            "Wmo OB2",
            "Dyslexie (EED)",
        ]
        assert names[7:] == ["Dakje 0-A", "Dakje 0-B", "Dakje 1", "Dakje 2", "Dakje 3"]
        first = figures[0]
        assert (first.n, first.median, first.p90, first.of) == (10, 5.5, 9, 12)
        assert (first.verouderd, first.onbekend, first.stops, first.plekken) == (1, 1, 0, None)
        assert (figures[1].n, figures[1].median, figures[1].p90) == (1, 30, 30)
        assert figures[2].n == 0 and figures[2].median is None and figures[2].of == 0
        assert figures[4].n == 0 and (figures[5].n, figures[5].median, figures[5].p90) == (1, 40, 40)
        text = wachttijd.wachttijden_csv(TWENTE, [(gemeente, figures)])
        header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert row[:5] == ["Enschede", "GM0153", "10", "5.5", "9"]
        assert header[2:9] == [
            "Jeugd OB1 aantal",
            "Jeugd OB1 mediaan weken",
            "Jeugd OB1 p90 weken",
            "Jeugd OB1 vrije plekken",
            "Jeugd OB1 instroomstops",
            "Jeugd OB1 verouderd",
            "Jeugd OB1 onbekend",
        ]
        assert row[5:9] == ["", "0", "1", "1"]
        wmo2 = header.index("Wmo OB2 aantal")
        assert row[wmo2 : wmo2 + 3] == ["1", "40", "40"]
        assert header[-1] == "Dakje 3 onbekend"


def test_trend_uit_de_historie_van_bevestigingen(empty_world):
    this_month = TODAY.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    item = _aanbieder("a", 4, this_month)
    item.beschikbaarheid[0].historie = [(last_month, 10, None)]
    other = _aanbieder("b", 6, this_month)
    wmo = _aanbieder("wmo", 20, this_month, perceel="wmo")
    with session_scope(empty_world.engine) as session:
        create_aanbieders(session, [item, other, wmo])
    with Session(empty_world.engine) as session:
        assert len(session.exec(select(WachttijdMelding)).all()) == 4
        gemeente = session.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).one()
        points = dict(wachttijd.trend(session, gemeente, "jeugd/1", TODAY))
        wmo_points = dict(wachttijd.trend(session, gemeente, "wmo/1", TODAY))
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
        waits = wachttijd.wachttijden(session, NIJMEGEN, gemeenten, TODAY)
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
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    figure = CijferData(hulp_key(perceel, product), None, None, weken, None, this_month)
    figure.historie = [(last_month, weken + 10, None)]
    return AanbiederData(
        slug=slug,
        naam=slug,
        kvk="12345678",
        contracten=[ContractLine("GM0268", perceel, product, None, TODAY - timedelta(days=400))],
        beschikbaarheid=[figure],
    )


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
        points = wachttijd.trend(session, gemeente, "jeugd/jeugd-ggz", TODAY)
    assert [(f.n, f.median) for _, f in points[-2:]] == [(2, 13), (2, 3)]


def _verblijf_world(world) -> None:
    """'snel' and 'vol' in Enschede (and 'snel' in Hengelo) for jeugd OB1 and dakje 2: fresh figures,
    one per gemeente, free places, a stale figure, a stop and a history row with only places."""
    this_month, stale = TODAY.replace(day=1), TODAY - timedelta(days=60)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    since = TODAY - timedelta(days=400)
    snel = AanbiederData(
        slug="snel",
        naam="snel",
        kvk="12345678",
        contracten=[ContractLine(g, "jeugd", "1", "A", since) for g in ("GM0153", "GM0164")],
        dakjes=[DakjeLine("GM0153", "2", since)],
        beschikbaarheid=[
            CijferData("jeugd/1", None, None, 3, None, this_month),
            CijferData("jeugd/1", "GM0164", None, 9, None, this_month),
            CijferData(
                "dakje/2", "GM0153", None, None, 2, this_month, [(last_month, None, 1), (last_month, None, 0)]
            ),
        ],
    )
    vol = AanbiederData(
        slug="vol",
        naam="vol",
        kvk="12345678",
        contracten=[ContractLine("GM0153", "jeugd", "1", "A", since)],
        dakjes=[DakjeLine("GM0153", "2", since)],
        beschikbaarheid=[
            CijferData("jeugd/1", None, None, 8, None, stale),
            CijferData("dakje/2", None, None, 5, 0, this_month),
        ],
        instroomstops=[
            StopData("jeugd/1", "plafond bereikt", TODAY - timedelta(days=5), TODAY + timedelta(days=30))
        ],
    )
    with session_scope(world.engine) as session:
        create_aanbieders(session, [snel, vol])
        ensure_demo_accounts(session, TODAY)
    world.index.rebuild()


def test_plekken_stops_en_meldingen_per_soort_hulp(empty_world):
    _verblijf_world(empty_world)
    gemeenten = [empty_world.taxonomy.gemeente("GM0153"), empty_world.taxonomy.gemeente("GM0164")]
    names = [c.name for c in zorglandschap.wait_columns(TWENTE)]
    with Session(empty_world.engine) as session:
        lines = wachttijd.line_states(session, gemeenten, TODAY)
        rows = wachttijd.wachttijden(session, TWENTE, gemeenten, TODAY, lines)
        found = wachttijd.meldingen(session, lines)
    (enschede, in_enschede), (hengelo, in_hengelo) = rows
    ob1, dakje2 = in_enschede[names.index("Jeugd OB1")], in_enschede[names.index("Dakje 2")]
    assert (ob1.n, ob1.median, ob1.of, ob1.stops, ob1.verouderd, ob1.onbekend) == (1, 3, 2, 1, 0, 0)
    assert (dakje2.n, dakje2.median, dakje2.p90, dakje2.plekken, dakje2.of) == (2, 2.5, 5, 2, 2)
    assert (in_hengelo[0].n, in_hengelo[0].median, in_hengelo[0].of) == (1, 9, 1)  # Hengelo's own figure
    assert in_hengelo[names.index("Dakje 2")].of == 0
    long = [(found.namen[m.aanbieder_id][0], m.hulp, m.weken, m.norm, m.gemeenten) for m in found.te_lang]
    assert long == [("snel", "jeugd/1", 9, 6, ("Hengelo",)), ("vol", "dakje/2", 5, 2, ("Enschede",))]
    assert [(found.namen[m.aanbieder_id][0], m.stop.reden, m.gemeenten) for m in found.stops] == [
        ("vol", "plafond bereikt", ("Enschede",))
    ]
    with Session(empty_world.engine) as session:
        points = wachttijd.trend(session, enschede, "dakje/2", TODAY)
    this_month = TODAY.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    by_month = {month: (f.n, f.median) for month, f in points}
    assert by_month[this_month] == (2, 2.5) and by_month[last_month] == (1, 0)  # a place is 0 weeks


def test_de_meldingen_op_de_pagina_en_een_trend_van_een_dakje(empty_world):
    _verblijf_world(empty_world)
    with TestClient(create_app(empty_world.settings(), engine=empty_world.engine)) as client:
        login_as(client, "beheerder")
        html = client.get("/beheer/zorglandschap", params={"gemeente": "enschede", "hulp": "dakje-2"}).text
        meldingen = html[html.index('<h2 id="meldingen">') : html.index('<h2 id="trend">')]
        for slug, rest in (
            ("snel", "<td>Jeugd OB1</td><td>Hengelo</td><td>9</td><td>6</td>"),
            ("vol", "<td>Dakje 2</td><td>Enschede</td><td>5</td><td>2</td>"),
        ):
            assert f'<a href="/beheer/aanbieders/{slug}">{slug}</a></th>{rest}' in meldingen
        assert "plafond bereikt" in meldingen and "Alle gemeenten" in meldingen
        assert "2 vrije plekken" in html and "1 met instroomstop" in html
        assert (
            '<option value="dakje-2" selected>Dakje 2</option>' in html
            and "Wachttijd Dakje 2 in Enschede" in html
        )
        svg = client.get(
            "/beheer/zorglandschap/trend.svg", params={"gemeente": "enschede", "hulp": "dakje-2"}
        )
        assert svg.status_code == 200 and "Wachttijd Dakje 2 in Enschede" in svg.text
        waits = client.get("/beheer/zorglandschap/wachttijden.csv").text
        assert "Dakje 2 vrije plekken" in waits.splitlines()[0]
