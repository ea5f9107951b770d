"""The guided questions: places, everyday words, answers as a search, no dead ends."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.datastructures import QueryParams

from keuzehulp.search.filters import SearchRequest
from keuzehulp.search.relax import relaxations
from keuzehulp.services import guided_questions as kh


@pytest.mark.parametrize(
    ("typed", "gemeente"),
    [
        ("Delden", "Hof van Twente"),
        ("goor", "Hof van Twente"),
        ("Vriezenveen", "Twenterand"),
        ("DEN HAM", "Twenterand"),
        ("Enschede", "Enschede"),
        ("hof van twente", "Hof van Twente"),
        ("GM0153", "Enschede"),
        ("Glanerbrug", "Enschede"),
    ],
)
def test_woonplaats_hoort_bij_een_gemeente(empty_world, typed, gemeente):
    assert kh.find_place(typed, empty_world.taxonomy).naam == gemeente


def test_onbekende_woonplaats(empty_world):
    assert kh.find_place("Atlantis", empty_world.taxonomy) is None
    answers, errors = kh.parse_antwoorden(QueryParams("woonplaats=Atlantis"), empty_world.taxonomy)
    assert "Atlantis" in errors["woonplaats"] and answers.woonplaats == ""


@pytest.mark.parametrize(
    ("text", "slugs"),
    [
        ("prikkelgevoelig", {"autisme"}),
        ("ASS en angst", {"autisme", "angst"}),
        ("hij is erg druk", {"adhd"}),
        ("schulden", {"schulden"}),
        ("huiselijk geweld", {"huiselijk-geweld"}),
        ("iets anders", set()),
    ],
)
def test_gewone_woorden_worden_specialisaties(empty_world, text, slugs):
    assert {s.slug for s in kh.match_specialisaties(text, empty_world.taxonomy)} == slugs


def test_antwoorden_worden_een_zoekopdracht(empty_world):
    params = QueryParams(
        "woonplaats=Delden&voor_wie=kind&besluit=ja&ob=3&niveau=B&verblijf=logeren"
        "&onderwerp=prikkelgevoelig&taal=tr&wens=kort&wens=dichtbij&klaar=ja"
    )
    answers, errors = kh.parse_antwoorden(params, empty_world.taxonomy)
    assert errors == {}
    assert answers.first_open_step() == kh.OVERZICHT
    uitkomst = kh.to_search(answers, empty_world.taxonomy)
    assert uitkomst.request == SearchRequest(
        gemeente="GM1735",
        perceel="jeugd",
        ob="3",
        niveau="B",
        dakje="1",
        specialisatie=("autisme",),
        taal="tr",
        max_wachttijd=4,
        woonplaats="delden",
        sort="afstand",
    )
    assert uitkomst.notes == ["Delden hoort bij de gemeente Hof van Twente."]


def test_overgeslagen_vragen_filteren_niet(empty_world):
    params = QueryParams(
        "woonplaats=onbekend&voor_wie=onbekend&besluit=onbekend&hulp=onbekend&verblijf=onbekend&klaar=ja"
    )
    answers, _ = kh.parse_antwoorden(params, empty_world.taxonomy)
    assert answers.first_open_step() == kh.OVERZICHT
    assert kh.to_search(answers, empty_world.taxonomy).request == SearchRequest()


def test_hulpvraag_zonder_besluit_en_volwassene(empty_world):
    answers, _ = kh.parse_antwoorden(
        QueryParams("woonplaats=Almelo&voor_wie=oudere&besluit=nee&hulp=overzicht"), empty_world.taxonomy
    )
    request = kh.to_search(answers, empty_world.taxonomy).request
    assert (request.perceel, request.doelgroep, request.ob) == ("wmo", "ouderen", "2")
    assert answers.first_open_step() == 4


def test_niveau_dat_niet_bij_de_ob_past_geeft_een_melding(empty_world):
    _, errors = kh.parse_antwoorden(QueryParams("besluit=ja&ob=3&niveau=D"), empty_world.taxonomy)
    assert "Niveau D hoort niet bij OB3" in errors["niveau"]


def test_stappen_in_volgorde(empty_world):
    def step(query: str) -> int:
        return kh.parse_antwoorden(QueryParams(query), empty_world.taxonomy)[0].first_open_step()

    assert step("") == 1
    assert step("woonplaats=Borne") == 2
    assert step("woonplaats=Borne&voor_wie=kind") == 3
    assert step("woonplaats=Borne&voor_wie=kind&besluit=ja") == 3  # still needs the OB from the letter
    assert step("woonplaats=Borne&voor_wie=kind&besluit=ja&ob=onbekend&niveau=onbekend") == 4
    assert step("woonplaats=Borne&voor_wie=kind&besluit=onbekend") == 3  # no letter known: what help?
    assert step("woonplaats=Borne&voor_wie=kind&besluit=onbekend&hulp=onbekend&verblijf=nee") == 5


def test_geen_resultaat_geeft_een_versoepeling_met_resultaten(demo_world):
    snapshot = demo_world.index.snapshot()
    impossible = SearchRequest(gemeente="GM0153", ob="4", niveau="E", dakje="3", taal="so", max_wachttijd=0)
    assert demo_world.search.count(snapshot, impossible) == 0
    options = relaxations(demo_world.search, snapshot, impossible)
    assert options
    for option in options:
        assert option.count == demo_world.search.count(snapshot, option.request) > 0
        assert option.request.gemeente == "GM0153"  # where someone lives is never relaxed


def test_een_enkele_versoepeling_met_het_juiste_aantal(demo_world):
    snapshot = demo_world.index.snapshot()
    base = SearchRequest(gemeente="GM0153", ob="2")
    taal = next(
        t.slug
        for t in demo_world.taxonomy.talen
        if demo_world.search.count(snapshot, replace(base, taal=t.slug)) == 0
    )
    [option] = relaxations(demo_world.search, snapshot, replace(base, taal=taal))
    assert option.label == "in elke taal"
    assert option.count == demo_world.search.count(snapshot, base)
