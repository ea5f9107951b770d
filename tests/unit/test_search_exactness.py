"""The index answers exactly what the database answers: for any combination of filters, for the
text, order, pages and woonplaats people type, and after random writes and a change of day."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.beschikbaarheid import ALL as ALL_HULP
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.twents_model import DAKJES, NIVEAUS, OBS, PERCELEN
from keuzehulp.models import Aanbieder, AanbiederSpecialisatie, Contract, Instroomstop, Specialisatie
from keuzehulp.queries import beschikbaarheid as queries_b
from keuzehulp.search.documents import iter_documents
from keuzehulp.search.filters import FILTERS, SORTS, WACHTTIJD_OPTIONS, SearchRequest, codes
from keuzehulp.search.schema import dutch_analyzer
from keuzehulp.services import beschikbaarheid
from keuzehulp.services.aanbieders import set_status
from keuzehulp.services.audit import SYSTEM
from tests.support.sql_reference import CLAUSES, facet_request, sql_count, sql_slugs

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
ALL = 100_000


def maybe(values):
    return st.one_of(st.none(), st.sampled_from(values))


VALUES = {  # request values of the filters that are not lists of taxonomy terms
    "gemeente": GEMEENTEN,
    "perceel": PERCELEN,
    "ob": OBS,
    "niveau": NIVEAUS,
    "dakje": DAKJES,
    "max_wachttijd": list(WACHTTIJD_OPTIONS),
}


def requests_for(taxonomy) -> st.SearchStrategy[SearchRequest]:
    """Any combination of the declared filters (text apart), every result on one page; with several
    regions loaded, their gemeenten and every model's codes."""
    values = {}
    for spec in FILTERS:
        if spec.kind == "text":
            continue
        if spec.type is bool:
            values[spec.field] = st.booleans()
        elif spec.many:
            terms = [value for value, _ in spec.options(taxonomy)]
            values[spec.field] = st.lists(st.sampled_from(terms), max_size=2, unique=True).map(
                lambda chosen: tuple(sorted(chosen))
            )
        elif spec.param == "gemeente":
            values[spec.field] = maybe([g.cbs_code for g in taxonomy.gemeenten])
        elif spec.param in ("perceel", "ob", "niveau", "dakje"):
            values[spec.field] = maybe(codes(taxonomy.models, spec.param))
        else:
            choices = VALUES.get(spec.param) or [value for value, _ in spec.options(taxonomy)]
            values[spec.field] = maybe(choices)
    return st.builds(SearchRequest, per_page=st.just(ALL), **values)


common = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def index_slugs(world, request: SearchRequest) -> set[str]:
    result = world.search.search(world.index.snapshot(), request, seed=1)
    assert len(result.hits) == result.total
    return {hit.data["slug"] for hit in result.hits}


def test_elk_filter_heeft_een_sql_referentie():
    assert set(CLAUSES) == {spec.param for spec in FILTERS if spec.kind != "text"}


@common
@given(data=st.data())
def test_index_en_database_geven_dezelfde_aanbieders(demo_world, data):
    request = data.draw(requests_for(demo_world.taxonomy))
    with Session(demo_world.engine) as session:
        expected = sql_slugs(session, request, clock.today())
    assert index_slugs(demo_world, request) == expected


@common
@given(data=st.data())
def test_met_twee_regios_geven_index_en_database_dezelfde_aanbieders(regions_world, data):
    """The same over Twente's and Regio Nijmegen's models together: Nijmegen's products, Twente's
    niveaus and dakjes, gemeenten of both (a combination no region has finds nothing in both)."""
    request = data.draw(requests_for(regions_world.taxonomy))
    with Session(regions_world.engine) as session:
        expected = sql_slugs(session, request, clock.today())
    assert index_slugs(regions_world, request) == expected


def test_de_steekproef_met_twee_regios_is_niet_triviaal(regions_world):
    with Session(regions_world.engine) as session:
        nijmegen = sql_count(session, SearchRequest(gemeente="GM0268"), clock.today())
        ggz = sql_count(session, SearchRequest(gemeente="GM0268", ob="jeugd-ggz"), clock.today())
        enschede = sql_count(session, SearchRequest(gemeente="GM0153", ob="2"), clock.today())
    assert nijmegen > 10 and 0 < ggz < nijmegen and enschede > 10


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_elke_facetteling_is_het_aantal_resultaten_na_klikken(demo_world, data):
    request = data.draw(requests_for(demo_world.taxonomy))
    result = demo_world.search.search(demo_world.index.snapshot(), replace(request, per_page=20), seed=1)
    with Session(demo_world.engine) as session:
        for facet, options in result.facets.items():
            for option in options:
                clicked = facet_request(request, facet, option.value, demo_world.taxonomy)
                assert option.count == sql_count(session, clicked, clock.today()), (facet, option.value)


def test_de_steekproef_is_niet_triviaal(demo_world):
    """Guards the property tests: the data set has hits and misses for typical filters."""
    with Session(demo_world.engine) as session:
        everything = sql_count(session, SearchRequest(), clock.today())
        enschede_ob2_b = sql_count(
            session, SearchRequest(gemeente="GM0153", ob="2", niveau="B"), clock.today()
        )
        dakje_3 = sql_count(session, SearchRequest(dakje="3"), clock.today())
        binnen_4 = sql_count(session, SearchRequest(max_wachttijd=4), clock.today())
        enschede_ob3_binnen_4 = sql_count(
            session, SearchRequest(gemeente="GM0153", ob="3", max_wachttijd=4), clock.today()
        )
        plek = sql_count(session, SearchRequest(plek=True), clock.today())
        dakjes = sql_count(session, SearchRequest(dakje="2"), clock.today())
        plek_2 = sql_count(session, SearchRequest(dakje="2", plek=True), clock.today())
    assert everything > 250
    assert 5 < enschede_ob2_b < everything
    assert 0 < dakje_3 < 60
    assert 50 < binnen_4 < everything and 0 < enschede_ob3_binnen_4 < binnen_4
    assert 0 < plek < everything and 0 < plek_2 < dakjes


# -- what users type: text, order, pages and woonplaats --------------------------------------------

TEXT_FIELDS = ("naam", "plaatsen", "beschrijving")
WORDS = ["autisme", "angst", "gezin", "de", "en", "jeugd", "Enschede", "hengelo", "trauma", "zzyzx", "*", "ß"]


def typed_for(taxonomy) -> st.SearchStrategy[SearchRequest]:
    return st.builds(
        replace,
        requests_for(taxonomy),
        q=st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join),
        sort=st.sampled_from(["", *SORTS]),
        woonplaats=maybe(["delden", "goor", "enschede", "vriezenveen"]),
    )


def text_oracle(world) -> dict[str, set[str]]:
    """Each actieve aanbieder's analysed words, read from its documents and its specialisaties'
    words in the database (not from the index)."""
    analyse = dutch_analyzer()
    with Session(world.engine) as session:
        specialisaties = {
            s.slug: " ".join([s.naam, s.label_b1, *s.synoniemen]) for s in session.exec(select(Specialisatie))
        }
        return {
            doc["data"]["slug"]: {
                t.text
                for text in [
                    *(str(doc[f]) for f in TEXT_FIELDS),
                    *map(specialisaties.get, doc["data"]["specialisaties"]),
                ]
                for t in analyse(text)
            }
            for doc in iter_documents(session, clock.today())
        }


def text_matches(words_of: dict[str, set[str]], q: str) -> set[str]:
    """Slugs whose words hold every searchable typed word. A word without index terms (a stop word)
    is ignored; so is a word that no aanbieder has, as long as another word is found somewhere."""
    analyse = dutch_analyzer()
    wanted = [terms for w in re.findall(r"\w+", q) if (terms := {t.text for t in analyse(w)})][:10]
    everything = set().union(*words_of.values())
    found = [terms for terms in wanted if terms & everything]
    if wanted and not found:
        return set()
    return {slug for slug, words in words_of.items() if all(terms & words for terms in found)}


@pytest.fixture(scope="module")
def demo_words(demo_world):
    return text_oracle(demo_world)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_zoektekst_volgorde_en_paginas_kloppen_met_de_database(demo_world, demo_words, data):
    request = data.draw(typed_for(demo_world.taxonomy))
    with Session(demo_world.engine) as session:
        expected = sql_slugs(session, request, clock.today()) & text_matches(demo_words, request.q)
    result = demo_world.search.search(demo_world.index.snapshot(), request, seed=7)
    hits = [hit.data for hit in result.hits]
    assert result.total == len(expected) and {h["slug"] for h in hits} == expected
    if result.sort == "naam":
        keys = [h["naam"].casefold() for h in hits]
        assert keys == sorted(keys) or len(set(keys)) < len(keys)
    if result.sort == "wachttijd":  # groups: within 1, 2, 4 ... 12 weeks, later, unknown
        with Session(demo_world.engine) as session:
            groups = [
                sql_slugs(session, replace(request, max_wachttijd=limit), clock.today())
                for limit in (*WACHTTIJD_OPTIONS, 10_000)
            ]
        ranks = [next((n for n, group in enumerate(groups) if h["slug"] in group), len(groups)) for h in hits]
        assert ranks == sorted(ranks)
    if result.sort == "relevantie":
        scores = [hit.score for hit in result.hits]
        assert scores == sorted(scores, reverse=True)
    if result.sort == "afstand":
        distances = [hit.distance_km for hit in result.hits if hit.distance_km is not None]
        assert distances == sorted(distances)
    pages = [
        demo_world.search.search(demo_world.index.snapshot(), replace(request, per_page=7, pagina=n), seed=7)
        for n in range(1, 4)
    ]
    paged = [hit.data["slug"] for page in pages for hit in page.hits]
    assert paged == [h["slug"] for h in hits][: len(paged)]  # pages are slices of one order


# -- the incremental path: random writes and a change of day, applied through sync() ---------------


@pytest.mark.parametrize("seed", [1, 2])
def test_na_wijzigingen_en_een_nieuwe_dag_klopt_de_index_nog(small_world, seed):
    """Rounds of random writes, each followed by a later day, applied incrementally through sync()."""
    rng = random.Random(seed)
    index = small_world.index
    day = clock.today()
    for _ in range(4):
        _write(small_world, rng)
        day += timedelta(days=rng.choice([0, 1, 31, 200]))
        index.today = lambda day=day: day
        index.sync()
        with Session(small_world.engine) as session:
            for _ in range(25):
                request = _random_request(rng)
                expected = sql_slugs(session, request, day)
                result = small_world.search.search(index.snapshot(), request, seed=1)
                assert {hit.data["slug"] for hit in result.hits} == expected, (request, day)


def _random_request(rng: random.Random) -> SearchRequest:
    pick = lambda values: rng.choice([None, *values])  # noqa: E731
    return SearchRequest(
        gemeente=pick(GEMEENTEN),
        perceel=pick(PERCELEN),
        ob=pick(OBS),
        niveau=pick(NIVEAUS),
        dakje=pick(DAKJES),
        max_wachttijd=pick([1, 4, 12]),
        plek=rng.random() < 0.2,
        per_page=ALL,
    )


def _new_figures(session, aanbieder: Aanbieder, rng: random.Random) -> None:
    """New figures for some of the aanbieder's kinds of help, confirmed on a day up to 10 weeks ago,
    or an instroomstop set or lifted, through the service (which records the change)."""
    today = clock.today()
    lines = queries_b.lines(session, aanbieder.id, today)
    if not lines:
        return
    state = queries_b.state(session, aanbieder.id)
    if rng.random() < 0.25:
        if state.stops:
            stop = session.exec(select(Instroomstop).where(Instroomstop.aanbieder_id == aanbieder.id)).first()
            beschikbaarheid.lift_stop(session, aanbieder.id, stop.id, SYSTEM, today)
        else:
            hulp = rng.choice([ALL_HULP, *(line.hulp for line in lines)])
            beschikbaarheid.set_stop(session, aanbieder.id, SYSTEM, hulp, None, "vol", None, today)
        return
    entries = []
    for line in rng.sample(lines, rng.randint(0, len(lines))):
        plekken = rng.choice([None, 0, 1, 2]) if line.dakje else None
        start = rng.choice([None, 0, 2, 5, 13]) if plekken is not None else rng.choice([0, 2, 5, 13])
        entries.append(beschikbaarheid.Entry(line.hulp, None, None, start, plekken))
        if rng.random() < 0.3:
            entries.append(beschikbaarheid.Entry(line.hulp, rng.choice(line.gemeenten), None, 1, plekken))
    day = today - timedelta(days=rng.randint(0, 70))
    version = session.get(Aanbieder, aanbieder.id).beschikbaarheid_versie
    beschikbaarheid.save(session, aanbieder.id, version, entries, SYSTEM, day)


def _write(world, rng: random.Random) -> None:
    """A few writes as the services make them (each records its change in the log)."""
    with session_scope(world.engine) as session:
        aanbieders = session.exec(select(Aanbieder).order_by(Aanbieder.id)).all()
        specialisaties = session.exec(select(Specialisatie).order_by(Specialisatie.id)).all()
        for _ in range(rng.randint(1, 6)):
            aanbieder, kind = (
                rng.choice(aanbieders),
                rng.choice(["wachttijd", "status", "einde", "specialisatie"]),
            )
            if kind == "status":
                set_status(
                    session, aanbieder.slug, "actief" if aanbieder.status != "actief" else "opgeschort"
                )
                continue
            if kind == "wachttijd":
                _new_figures(session, aanbieder, rng)
                continue
            if kind == "einde":
                for contract in session.exec(select(Contract).where(Contract.aanbieder_id == aanbieder.id)):
                    contract.geldig_tot = clock.today() + timedelta(days=rng.randint(0, 300))
                    session.add(contract)
            else:
                spec = rng.choice(specialisaties)
                link = session.get(AanbiederSpecialisatie, (aanbieder.id, spec.id))
                if link:
                    session.delete(link)
                else:
                    session.add(AanbiederSpecialisatie(aanbieder_id=aanbieder.id, specialisatie_id=spec.id))
            session.add(aanbieder)
            session.flush()
            record_change(session, aanbieder.id, "test")
