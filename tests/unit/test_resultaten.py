"""Outcome figures: suppression below 10, Wilson intervals, regional medians, honest sentences."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.resultaten import INDICATOREN, Figure, benchmarks, figures_for, wilson
from keuzehulp.services.aanbieders import AanbiederData, ContractLine, ResultaatData, create_aanbieders

START = date(2025, 1, 1)


def test_wilson_interval_bekende_waarden():
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    low, high = wilson(45, 50)
    assert (round(low, 4), round(high, 4)) == (0.7864, 0.9565)


def figure(code: str, teller: int, noemer: int, benchmark: float | None) -> Figure:
    return Figure(INDICATOREN[code], "2026", teller, noemer, "test", benchmark, ("jeugd", "2"))


def test_onder_de_10_clienten_geen_cijfer():
    assert not figure("3.4", 8, 9, 0.5).shown
    assert figure("3.4", 8, 9, 0.5).sentence.startswith("Te weinig gegevens om iets te zeggen")
    assert figure("3.4", 8, 10, 0.5).shown


@pytest.mark.parametrize(
    ("code", "teller", "noemer", "benchmark", "expected"),
    [
        ("3.4", 8, 10, 0.70, "ongeveer gelijk"),  # 0.70 lies inside 0.49-0.94
        ("3.4", 45, 50, 0.60, "beter"),  # interval 0.79-0.96 above the median
        ("3.4", 20, 50, 0.70, "minder goed"),
        ("uitval", 2, 50, 0.30, "beter"),  # less drop-out than the median is better
        ("uitval", 30, 50, 0.20, "minder goed"),
        ("3.4", 8, 10, None, "onbekend"),
    ],
)
def test_vergelijking_op_het_interval_niet_op_het_percentage(code, teller, noemer, benchmark, expected):
    assert figure(code, teller, noemer, benchmark).comparison == expected


def test_zin_in_eenvoudig_nederlands():
    assert figure("3.4", 8, 10, 0.75).sentence == (
        "8 van de 10 cliënten bereikten de afgesproken doelen. Dat is ongeveer gelijk aan andere aanbieders."
    )


def test_een_van_de_10_in_het_enkelvoud():
    assert figure("uitval", 1, 10, None).sentence == "1 van de 10 cliënten stopte voordat de hulp klaar was."
    one = "1 van de 10 cliënten had minder problemen of kon meer zelf."
    assert figure("3.3", 1, 10, None).sentence == one
    assert figure("uitval", 2, 10, None).sentence == "2 van de 10 cliënten stopten voordat de hulp klaar was."


def test_zin_in_het_engels():
    from keuzehulp.i18n import reset_language, set_language

    token = set_language("en")
    try:
        sentence = figure("uitval", 30, 50, 0.20).sentence
    finally:
        reset_language(token)
    assert sentence == (
        "6 in 10 clients stopped before the help was finished. "
        "That is less good than the middle of other providers."
    )


def make(slug: str, ob: str, teller: int, noemer: int, perceel: str = "jeugd") -> AanbiederData:
    """An aanbieder with one figure: doelen gehaald (3.4) for jeugd, tevredenheid for Wmo (3.x is jeugd)."""
    indicator = "3.4" if perceel == "jeugd" else "tevredenheid"
    return AanbiederData(
        slug=slug,
        naam=slug.title(),
        kvk="12345678",
        contracten=[ContractLine("GM0153", perceel, ob, "A", START)],
        resultaten=[ResultaatData("2026", indicator, teller, noemer, "test")],
    )


def test_regionale_mediaan_over_aanbieders_met_hetzelfde_perceel_en_ob_en_genoeg_clienten(empty_world):
    with session_scope(empty_world.engine) as session:
        ids = create_aanbieders(
            session,
            [
                make("a", "2", 5, 10),  # 0.50
                make("b", "2", 6, 10),  # 0.60
                make("c", "2", 9, 10),  # 0.90
                make("d", "2", 1, 9),  # too few: not in the median
                make("e", "3", 10, 10),  # other OB: not in the median
                make("f", "2", 1, 10, perceel="wmo"),  # Wmo OB2: another market, its own median
                make("g", "2", 3, 10, perceel="wmo"),
            ],
        )
    with Session(empty_world.engine) as session:
        assert benchmarks(session, "jeugd", "2", clock.today()) == {("2026", "3.4"): pytest.approx(0.60)}
        assert benchmarks(session, "wmo", "2", clock.today()) == {
            ("2026", "tevredenheid"): pytest.approx(0.20)
        }
        [shown] = figures_for(session, ids[0], clock.today())
        [hidden] = figures_for(session, ids[3], clock.today())
        [wmo] = figures_for(session, ids[5], clock.today())
    assert shown.benchmark == pytest.approx(0.60) and shown.benchmark_scope == ("jeugd", "2")
    assert wmo.benchmark == pytest.approx(0.20) and wmo.benchmark_scope == ("wmo", "2")
    assert not hidden.shown


def test_sorteerwaarde_is_de_ondergrens_niet_het_percentage():
    from keuzehulp.domain.resultaten import sortable_lower_bound

    small_perfect = sortable_lower_bound([("2026-H1", "3.4", 10, 10)])
    large_good = sortable_lower_bound([("2026-H1", "3.4", 216, 240)])
    assert small_perfect == (7225, True)  # 10/10 -> lower bound 0.7225
    assert large_good[0] > small_perfect[0]  # 90% of 240 is surer than 100% of 10
    assert sortable_lower_bound([("2026-H1", "3.4", 9, 9)]) == (-1, False)  # n < 10 is never used
    assert sortable_lower_bound([("2025", "3.4", 8, 10), ("2026-H1", "3.4", 5, 10)])[0] == round(
        wilson(5, 10)[0] * 10000
    )  # the newest period counts
    assert sortable_lower_bound([("2026-H1", "uitval", 2, 40)]) == (-1, True)  # figures, but no 3.4


def test_zoeken_op_resultaat_volgt_de_ondergrens_en_alleen_met_resultaten_klopt(demo_world):
    from dataclasses import replace

    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder, Resultaat
    from keuzehulp.search.filters import SearchRequest

    request = replace(SearchRequest(), sort="resultaat", per_page=1000)
    result = demo_world.search.search(demo_world.index.snapshot(), request, seed=5)
    with Session(demo_world.engine) as session:
        rows = session.exec(
            select(Aanbieder.slug, Resultaat).join(Resultaat, Resultaat.aanbieder_id == Aanbieder.id)
        )
        per_slug: dict[str, list] = {}
        for slug, r in rows:
            per_slug.setdefault(slug, []).append((r.periode, r.indicator, r.teller, r.noemer))
    bounds = [_expected_bound(per_slug.get(hit.data["slug"], [])) for hit in result.hits]
    assert bounds == sorted(bounds, reverse=True) and bounds[0] > 0 and -1 in bounds
    with_figures = replace(request, met_resultaten=True)
    filtered = demo_world.search.search(demo_world.index.snapshot(), with_figures, seed=5)
    expected = {slug for slug, rows in per_slug.items() if any(n >= 10 for _, _, _, n in rows)}
    active = {hit.data["slug"] for hit in result.hits}
    assert {hit.data["slug"] for hit in filtered.hits} == expected & active


def _expected_bound(rows) -> int:
    """The test's own oracle: the textbook 95% Wilson lower bound (x 10000) of the newest
    'doelen gehaald' (3.4) figure with n >= 10, or -1."""
    doelen = [(periode, k, n) for periode, indicator, k, n in rows if indicator == "3.4" and n >= 10]
    if not doelen:
        return -1
    _, k, n = max(doelen)
    z, p = 1.959963984540054, k / n
    low = (p + z * z / (2 * n) - z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5) / (1 + z * z / n)
    return round(low * 10000)


def test_doelrealisatie_is_jeugd_en_wordt_alleen_binnen_jeugd_vergeleken(empty_world):
    wmo_only = AanbiederData(
        slug="wmo",
        naam="Wmo",
        kvk="12345679",
        contracten=[ContractLine("GM0153", "wmo", "2", "A", START)],
        resultaten=[ResultaatData("2026", "3.4", 9, 10, "test"), ResultaatData("2026", "uitval", 1, 10)],
    )
    with session_scope(empty_world.engine) as session:
        ids = create_aanbieders(session, [make("a", "2", 5, 10), make("b", "2", 7, 10), wmo_only])
    with Session(empty_world.engine) as session:
        # the Wmo aanbieder's 3.4 is not in the jeugd median, and not shown for it
        assert benchmarks(session, "jeugd", "2", clock.today()) == {("2026", "3.4"): pytest.approx(0.60)}
        shown = figures_for(session, ids[2], clock.today())
    assert [f.indicator.code for f in shown] == ["uitval"] and shown[0].benchmark_scope == ("wmo", "2")
