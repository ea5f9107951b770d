"""The index answers exactly what the database answers, for any combination of filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from keuzehulp.models.twents_model import DAKJES, NIVEAUS, OBS, PERCELEN
from keuzehulp.search.filters import WACHTTIJD_OPTIONS, SearchRequest
from tests.support.sql_reference import facet_request, sql_count, sql_slugs

GEMEENTEN = [
    "GM0141",
    "GM0147",
    "GM1774",
    "GM0153",
    "GM0158",
    "GM0163",
    "GM0164",
    "GM1735",
    "GM0168",
    "GM0173",
    "GM1742",
    "GM0183",
    "GM1700",
    "GM0189",
]
SPECIALISATIES = ["autisme", "adhd", "lvb", "angst", "trauma", "gedrag", "opvoeding", "dyslexie", "schulden"]
ALL = 100_000


def maybe(values):
    return st.one_of(st.none(), st.sampled_from(values))


requests = st.builds(
    SearchRequest,
    gemeente=maybe(GEMEENTEN),
    perceel=maybe(PERCELEN),
    ob=maybe(OBS),
    niveau=maybe(NIVEAUS),
    dakje=maybe(DAKJES),
    specialisatie=st.lists(st.sampled_from(SPECIALISATIES), max_size=2, unique=True).map(
        lambda s: tuple(sorted(s))
    ),
    doelgroep=maybe(["kinderen", "jongeren", "volwassenen", "ouderen", "ouders-gezinnen"]),
    taal=maybe(["nl", "en", "tr", "twents", "ar"]),
    spoedhulp=st.booleans(),
    met_resultaten=st.booleans(),
    max_wachttijd=maybe(list(WACHTTIJD_OPTIONS) + [0, 26]),
    per_page=st.just(ALL),
)
common = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def index_slugs(world, request: SearchRequest) -> set[str]:
    result = world.search.search(world.index.snapshot(), request, seed=1)
    assert len(result.hits) == result.total
    return {hit.data["slug"] for hit in result.hits}


@common
@given(request=requests)
def test_index_en_database_geven_dezelfde_aanbieders(demo_world, request):
    with Session(demo_world.engine) as session:
        expected = sql_slugs(session, request, date.today())
    assert index_slugs(demo_world, request) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests)
def test_elke_facetteling_is_het_aantal_resultaten_na_klikken(demo_world, request):
    result = demo_world.search.search(demo_world.index.snapshot(), replace(request, per_page=20), seed=1)
    with Session(demo_world.engine) as session:
        for facet, options in result.facets.items():
            for option in options:
                clicked = facet_request(request, facet, option.value, demo_world.taxonomy)
                assert option.count == sql_count(session, clicked, date.today()), (facet, option.value)


def test_de_steekproef_is_niet_triviaal(demo_world):
    """Guards the property tests: the data set has hits and misses for typical filters."""
    with Session(demo_world.engine) as session:
        everything = sql_count(session, SearchRequest(), date.today())
        enschede_ob2_b = sql_count(session, SearchRequest(gemeente="GM0153", ob=2, niveau="B"), date.today())
        dakje_3 = sql_count(session, SearchRequest(dakje="3"), date.today())
    assert everything > 250
    assert 5 < enschede_ob2_b < everything
    assert 0 < dakje_3 < 60
