"""One installation serves several regions: the gemeente chosen decides the model its search
follows (Twente's OB 1-4 with niveaus and dakjes, Regio Nijmegen's products without them)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from keuzehulp import clock
from keuzehulp.search.filters import SearchRequest
from tests.support.sql_reference import sql_count


def _options(client, facet: str, **params) -> set[str]:
    body = client.get("/api/v1/aanbieders", params=params).json()
    return {option["value"] for option in body["facets"][facet]}


def test_nijmegen_zoekt_op_zijn_eigen_producten_en_enschede_op_het_twents_model(regions_client):
    nijmegen = _options(regions_client, "ob", gemeente="nijmegen")
    assert {"jeugd-ggz", "wmo-begeleiding", "jeugd-kortdurend-verblijf"} <= nijmegen
    assert not nijmegen & {"1", "2", "3", "4"}
    assert _options(regions_client, "ob", gemeente="enschede") == {"1", "2", "3", "4"}
    assert _options(regions_client, "niveau", gemeente="nijmegen") == set()
    assert _options(regions_client, "dakje", gemeente="nijmegen") == set()
    html = regions_client.get("/zoeken", params={"gemeente": "nijmegen"}).text
    assert 'value="jeugd-ggz"' in html and "Hulp bij psychische problemen" in html
    assert 'name="niveau"' not in html and 'name="dakje"' not in html
    assert "OBjeugd" not in html and "OBwmo" not in html  # a code only the Twents model writes so


def test_de_resultaten_in_nijmegen_kloppen_met_de_database(regions_client, regions_world):
    params = {"gemeente": "GM0268", "perceel": "jeugd", "ob": "jeugd-ggz"}
    body = regions_client.get("/api/v1/aanbieders", params=params).json()
    with Session(regions_world.engine) as session:
        expected = sql_count(
            session, SearchRequest(gemeente="GM0268", perceel="jeugd", ob="jeugd-ggz"), clock.today()
        )
    assert body["total"] == expected > 0
    assert all(
        c["ob"] in ("jeugd-ggz", None) or c["gemeente"] != "GM0268"
        for h in body["results"]
        for c in h["contracten"]
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gemeente": "nijmegen", "niveau": "B"}, "In Regio Nijmegen kunt u niet zoeken op &#39;Niveau&#39;"),
        ({"gemeente": "nijmegen", "dakje": "2"}, "In Regio Nijmegen kunt u niet zoeken op"),
        ({"gemeente": "nijmegen", "ob": "2"}, "bestaat niet. Kies wmo-dagbesteding"),
        ({"gemeente": "nijmegen", "perceel": "dyslexie"}, "Kies wmo of jeugd."),
        (
            {"gemeente": "enschede", "ob": "jeugd-ggz"},
            "Ondersteuningsbehoefte &#39;jeugd-ggz&#39; bestaat niet",
        ),
    ],
)
def test_een_filter_dat_de_regio_niet_kent_geeft_400_met_uitleg(regions_client, params, message):
    response = regions_client.get("/zoeken", params=params)
    assert response.status_code == 400
    assert message in response.text
    assert regions_client.get("/api/v1/aanbieders", params=params).status_code == 400


def test_zonder_gemeente_zijn_de_producten_van_beide_regios_te_kiezen(regions_client):
    both = _options(regions_client, "ob")
    assert {"1", "4", "jeugd-ggz"} <= both
    assert regions_client.get("/zoeken", params={"ob": "jeugd-behandeling"}).status_code == 200


def test_de_keuzehulp_in_nijmegen_vraagt_naar_de_producten_van_de_regio(regions_client, regions_world):
    """After a Nijmegen woonplaats the guided questions speak Regio Nijmegen's model: its products
    by their plain names, no niveau, no question about wonen en verblijf, and a search that fits."""
    letter = regions_client.get("/keuzehulp?woonplaats=Wijchen&voor_wie=kind&besluit=ja").text
    assert 'value="jeugd-ggz"' in letter and "GGZ" in letter
    assert 'name="niveau"' not in letter and 'value="2"' not in letter
    words = regions_client.get("/keuzehulp?woonplaats=Wijchen&voor_wie=volwassene&besluit=nee").text
    assert 'value="wmo-begeleiding"' in words and "Hulp om thuis zelfstandig te leven" in words
    assert 'value="jeugd-ggz"' not in words  # jeugdhulp is not for adults
    answers = "woonplaats=Wijchen&voor_wie=kind&besluit=ja&ob=jeugd-ggz&klaar=ja"
    response = regions_client.get(f"/keuzehulp?{answers}")
    assert response.status_code == 200 and "Sociaal Wijkteam Wijchen" in response.text
    link = re.search(r'href="(/zoeken\?[^"]+)"', response.text).group(1).replace("&amp;", "&")
    assert "ob=jeugd-ggz" in link and "gemeente=GM0296" in link and "dakje" not in link
    result = regions_client.get(link)
    assert result.status_code == 200
    with Session(regions_world.engine) as session:
        expected = sql_count(
            session, SearchRequest(gemeente="GM0296", perceel="jeugd", ob="jeugd-ggz"), clock.today()
        )
    assert result.context["result"].total == expected
    wrong = regions_client.get("/keuzehulp?woonplaats=Wijchen&voor_wie=kind&besluit=ja&ob=2")
    assert wrong.status_code == 400 and "Kies de soort hulp zoals die in de brief staat" in wrong.text


def test_de_startpagina_vraagt_eerst_de_gemeente_per_regio(regions_client, demo_client):
    html = regions_client.get("/").text
    assert html.index('name="gemeente"') < html.index('name="q"')
    assert '<optgroup label="Regio Nijmegen">' in html and '<optgroup label="Twente">' in html
    assert html.index('value="wijchen"') > html.index('<optgroup label="Regio Nijmegen">')
    assert "<optgroup" not in demo_client.get("/").text  # one region: a plain list


def test_beuningen_in_losser_en_de_gemeente_beuningen_zijn_twee_plaatsen(regions_world):
    taxonomy = regions_world.taxonomy
    losser, beuningen = taxonomy.gemeente("losser"), taxonomy.gemeente("beuningen")
    assert taxonomy.kern("Beuningen", "GM0168").gemeente_id == losser.id
    assert taxonomy.kern("beuningen", "GM0209").gemeente_id == beuningen.id
    assert taxonomy.distance_origin("beuningen", "GM0168").gemeente_id == losser.id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gemeente=st.sampled_from(["nijmegen", "wijchen", "enschede", "", "GM0296"]),
    values=st.dictionaries(
        st.sampled_from(
            ["perceel", "ob", "niveau", "dakje", "spoedhulp", "functieniveau", "woonplaats", "q"]
        ),
        st.one_of(
            st.sampled_from(["jeugd", "wmo", "dyslexie", "2", "OB2B", "jeugd-ggz", "B", "1", "ja", "HBO"]),
            st.text(max_size=30),
        ),
        max_size=4,
    ),
)
def test_elke_combinatie_van_regio_en_filters_geeft_een_antwoord_en_nooit_een_5xx(
    regions_client, gemeente, values
):
    params = values | ({"gemeente": gemeente} if gemeente else {})
    for path in ("/zoeken", "/api/v1/aanbieders", "/keuzehulp"):
        assert regions_client.get(path, params=params).status_code in (200, 400)
