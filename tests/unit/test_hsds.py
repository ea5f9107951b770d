"""The HSDS 3 export validates against the vendored HSDS schemas, offline, and agrees with the database."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from keuzehulp import clock
from keuzehulp.config import REGIO_DIR
from keuzehulp.domain.inkoopmodel import load_model
from keuzehulp.models import Aanbieder, Vestiging
from keuzehulp.models.periods import public
from keuzehulp.services.hsds import export, hsds_id
from tests.support.hsds_schemas import validator


@pytest.fixture(scope="module")
def bundle(demo_world):
    with Session(demo_world.engine) as session:
        return export(session, demo_world.taxonomy, clock.today())


def test_organisaties_zijn_een_geldig_organization_package(bundle):
    errors = list(validator("organization.json", many=True).iter_errors(bundle["organizations"]))
    assert errors == []


@pytest.mark.parametrize(
    ("part", "schema"),
    [("services", "service.json"), ("taxonomies", "taxonomy.json"), ("taxonomy_terms", "taxonomy_term.json")],
)
def test_elk_object_past_in_het_hsds_schema(bundle, part, schema):
    check = validator(schema)
    problems = [
        f"{item['id']}: {error.message}" for item in bundle[part] for error in check.iter_errors(item)
    ]
    assert problems == []
    assert bundle[part]


def test_locaties_en_organisaties_passen_los_ook(bundle):
    organization, location = validator("organization.json"), validator("location.json")
    for item in bundle["organizations"][:50]:
        assert list(organization.iter_errors(item)) == []
        for loc in item["locations"]:
            assert list(location.iter_errors(loc)) == []


def test_export_klopt_met_de_database(bundle, demo_world):
    with Session(demo_world.engine) as session:
        actief = session.exec(select(func.count()).select_from(Aanbieder).where(public(clock.today()))).one()
        sample = session.exec(select(Aanbieder).where(public(clock.today())).order_by(Aanbieder.id)).first()
    assert len(bundle["organizations"]) == actief
    exported = next(o for o in bundle["organizations"] if o["id"] == hsds_id("organization", sample.id))
    assert (exported["name"], exported["tax_id"], exported["x_keuzehulp_slug"]) == (
        sample.naam,
        sample.kvk,
        sample.slug,
    )
    assert all(s["organization_id"] in {o["id"] for o in bundle["organizations"]} for s in bundle["services"])
    assert exported["contacts"][0]["name"] == "Algemeen contact"
    assert exported["contacts"][0]["phones"][0]["number"] == sample.telefoon


def test_ids_blijven_gelijk_tussen_exports(bundle, demo_world):
    with Session(demo_world.engine) as session:
        again = export(session, demo_world.taxonomy, clock.today())
    assert [o["id"] for o in again["organizations"]] == [o["id"] for o in bundle["organizations"]]
    assert [s["id"] for s in again["services"]] == [s["id"] for s in bundle["services"]]


def test_beschermde_woonlocatie_zonder_adres_of_positie(bundle, demo_world):
    with Session(demo_world.engine) as session:
        protected = session.exec(select(Vestiging).where(Vestiging.beschermde_woonlocatie)).all()
    assert protected
    published = {
        (address["address_1"], address["postal_code"])
        for organization in bundle["organizations"]
        for location in organization["locations"]
        for address in location.get("addresses", [])
    }
    for vestiging in protected:
        assert (vestiging.adres, vestiging.postcode) not in published
    for organization in bundle["organizations"]:
        for location in organization["locations"]:
            if location["name"].startswith("Woonlocatie in"):
                assert "addresses" not in location and "latitude" not in location


def test_kleine_aantallen_worden_niet_uitgegeven(bundle):
    figures = [f for o in bundle["organizations"] for f in o["x_keuzehulp_resultaten"]]
    assert any(f["onderdrukt"] for f in figures)
    assert all(f["teller"] is None and f["noemer"] is None for f in figures if f["onderdrukt"])


def test_de_taxonomie_heet_naar_het_inkoopmodel_van_de_regio(bundle):
    """One taxonomy per region, named after its model file (seed/regio/twente/inkoopmodel.yaml)."""
    model = load_model(REGIO_DIR / "twente" / "inkoopmodel.yaml")
    taxonomy = next(t for t in bundle["taxonomies"] if t["name"] == model.naam == "Twents model")
    assert taxonomy["description"] == model.terms["model"]["beschrijving"] and taxonomy["version"] == "2018"
    own = [t for t in bundle["taxonomy_terms"] if t["taxonomy_id"] == taxonomy["id"]]
    assert {t["code"] for t in own} >= {"perceel:jeugd", "OB4", "dakje:0-A"}


@pytest.fixture(scope="module")
def two_regions(regions_world):
    with Session(regions_world.engine) as session:
        return export(session, regions_world.taxonomy, clock.today())


@pytest.mark.parametrize(
    ("part", "schema"),
    [("services", "service.json"), ("taxonomies", "taxonomy.json"), ("taxonomy_terms", "taxonomy_term.json")],
)
def test_twee_regio_s_passen_in_het_hsds_schema(two_regions, part, schema):
    check = validator(schema)
    problems = [
        f"{item['id']}: {error.message}" for item in two_regions[part] for error in check.iter_errors(item)
    ]
    assert problems == []
    assert list(validator("organization.json", many=True).iter_errors(two_regions["organizations"])) == []


def _terms_of(bundle, taxonomy: dict) -> list[dict]:
    return [t for t in bundle["taxonomy_terms"] if t["taxonomy_id"] == taxonomy["id"]]


def test_elke_regio_heeft_een_taxonomie_naar_haar_inkoopmodel(two_regions):
    named = {t["name"]: t for t in two_regions["taxonomies"]}
    nijmegen = load_model(REGIO_DIR / "nijmegen" / "inkoopmodel.yaml")
    assert {"Twents model", nijmegen.naam, "Specialisaties"} == set(named)
    assert named[nijmegen.naam]["id"] == hsds_id("taxonomy", "regio-nijmegen-blok-b")
    assert named[nijmegen.naam]["description"] == nijmegen.terms["model"]["beschrijving"]
    terms = {
        t["code"]: t for t in two_regions["taxonomy_terms"] if t["taxonomy_id"] == named[nijmegen.naam]["id"]
    }
    assert {"perceel:jeugd", "perceel:wmo", "product:jeugd-ggz", "product:wmo-begeleiding"} <= set(terms)
    assert not any(code.startswith(("OB", "niveau:", "dakje:")) for code in terms)
    assert terms["product:jeugd-ggz"]["name"] == "GGZ"
    assert terms["product:jeugd-ggz"]["parent_id"] == terms["perceel:jeugd"]["id"]
    twente = {
        t["code"] for t in two_regions["taxonomy_terms"] if t["taxonomy_id"] == named["Twents model"]["id"]
    }
    assert {"perceel:jeugd", "OB1", "niveau:E", "dakje:0-A"} <= twente


def test_een_dienst_in_nijmegen_verwijst_naar_begrippen_van_het_nijmeegse_model(two_regions):
    terms = {t["id"]: t for t in two_regions["taxonomy_terms"]}
    nijmegen = hsds_id("taxonomy", "regio-nijmegen-blok-b")
    in_nijmegen = [
        s for s in two_regions["services"] if s["service_areas"][0]["x_keuzehulp_cbs_code"] == "GM0268"
    ]
    assert in_nijmegen
    for service in two_regions["services"]:  # every attribute names a term that exists
        assert all(a["taxonomy_term_id"] in terms for a in service["attributes"]), service["name"]
    for service in in_nijmegen:
        assert "OB" not in service["name"] and "x_keuzehulp_ambulante_spoedhulp" not in service
        assert {terms[a["taxonomy_term_id"]]["taxonomy_id"] for a in service["attributes"]} == {nijmegen}
    ggz = next(s for s in in_nijmegen if s["name"] == "Jeugdhulp: GGZ")
    codes = {terms[a["taxonomy_term_id"]]["code"] for a in ggz["attributes"]}
    assert codes == {"perceel:jeugd", "product:jeugd-ggz"}
    enschede = next(s for s in two_regions["services"] if s["name"].startswith("Jeugd: OB1 "))
    assert "OB1" in {terms[a["taxonomy_term_id"]]["code"] for a in enschede["attributes"]}
