"""The zorglandschap dashboard: coverage equals SQL counts, wachttijd median/p90 on fixture data,
the trend from the wachttijd history, CSV and SVG exports, beheerders only; jeugd and Wmo apart."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.models import Gemeente, WachttijdMelding
from keuzehulp.search.filters import SearchRequest
from keuzehulp.services import zorglandschap
from keuzehulp.services.aanbieders import AanbiederData, ContractLine, create_aanbieders
from tests.support.accounts import login_as
from tests.support.sql_reference import sql_count

TODAY = clock.today()


def test_dekking_is_gelijk_aan_de_telling_in_sql(demo_world):
    rows = zorglandschap.coverage(
        demo_world.search, demo_world.index.snapshot(), demo_world.taxonomy.gemeenten
    )
    with Session(demo_world.engine) as session:
        for gemeente, cells in rows:
            for column, cell in zip(zorglandschap.COLUMNS, cells, strict=True):
                request = SearchRequest(gemeente=gemeente.cbs_code, **column.filters)
                assert cell.count == sql_count(session, request, TODAY), (gemeente.naam, column.name)
    assert any(cell.count == 0 for _, cells in rows for cell in cells)
    names = [column.name for column in zorglandschap.COLUMNS]
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
    [(_, cells)] = zorglandschap.coverage(empty_world.search, empty_world.index.snapshot(), [enschede])
    counts = {column.name: cell for column, cell in zip(zorglandschap.COLUMNS, cells, strict=True)}
    assert (counts["Jeugd OB1 A"].count, counts["Wmo OB1 A"].count, counts["Jeugd OB1 B"].count) == (1, 1, 0)
    assert "perceel=wmo&ob=1&niveau=A" in counts["Wmo OB1 A"].url
    with Session(empty_world.engine) as session:
        [(_, figures)] = zorglandschap.wachttijden(session, [enschede], TODAY)
    by_name = {c.name: f for c, f in zip(zorglandschap.WAIT_COLUMNS, figures, strict=True)}
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
        [(gemeente, figures)] = zorglandschap.wachttijden(session, gemeenten, TODAY)
        # Columns: jeugd OB1-OB4, then Wmo OB1 and OB2.
        assert (figures[0].n, figures[0].median, figures[0].p90) == (10, 5.5, 9)
        assert (figures[1].n, figures[1].median, figures[1].p90) == (1, 30, 30)
        assert figures[2].n == 0 and figures[2].median is None
        assert figures[4].n == 0 and (figures[5].n, figures[5].median, figures[5].p90) == (1, 40, 40)
        text = zorglandschap.wachttijden_csv([(gemeente, figures)])
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
