"""The rules interpreter reads any region's model file: a small fictional model, written only as
data, is checked by the same code as the Twents model."""

from __future__ import annotations

import pytest
import yaml

from keuzehulp.config import REGIO_DIR
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.inkoopmodel import ModelError, load_model, or_list

# Regio Fictief does not exist: a model with products per perceel, one product without variants,
# a module that needs a product and a rule that keeps two variants apart.
FICTIEF = """
model: {code: fictief-model, naam: Fictief model}
percelen:
  wmo: {wet: wmo, producten: [begeleiding, dagbesteding], in_tekst: Wmo}
  jeugd: {wet: jeugdwet, producten: [begeleiding, behandeling], in_tekst: jeugd}
producten:
  begeleiding: {varianten: [individueel, groep]}
  dagbesteding: {varianten: []}
  behandeling: {varianten: [basis, specialistisch]}
varianten: {individueel: {}, groep: {}, basis: {}, specialistisch: {}}
modules:
  verblijf:
    soort: verblijf
    onbekend: "Onbekende woonvorm '{waarde}'. Kies uit: {keuzes}."
    vraagt_product: "{module} kan alleen bij begeleiding of behandeling ({percelen})."
    onderdelen:
      logeren: {percelen: [wmo, jeugd], vraagt_product: true}
      pleeggezin: {percelen: [jeugd], beschermd: true}
regels:
  - sluit_uit: {variant: specialistisch, met: [basis]}
    tekst: "Wie specialistische behandeling levert, levert geen basisbehandeling."
berichten:
  perceel_onbekend: "Onbekend perceel '{waarde}'. Kies uit: {keuzes}."
  zonder_product: "Een contract voor {perceel} noemt geen product."
  product_onbekend: "Product moet {keuzes} zijn, niet '{waarde}'."
  product_niet_in_perceel: "{product} bestaat alleen voor {percelen}, niet voor {perceel}."
  variant_past_niet: "Variant '{waarde}' past niet bij {product} (wel: {keuzes})."
  zonder_variant: "{product} heeft geen varianten."
"""


@pytest.fixture
def fictief(tmp_path):
    path = tmp_path / "inkoopmodel.yaml"
    path.write_text(FICTIEF, encoding="utf-8")
    return load_model(path)


def test_een_ander_model_laat_zijn_eigen_contractregels_toe(fictief):
    fictief.check_contract("wmo", "begeleiding", "groep")
    fictief.check_contract("wmo", "dagbesteding", None)
    fictief.check_contract("jeugd", "behandeling", "specialistisch")


@pytest.mark.parametrize(
    ("perceel", "product", "variant", "message"),
    [
        ("wmo", "behandeling", "basis", "behandeling bestaat alleen voor jeugd, niet voor Wmo."),
        ("wmo", "dagbesteding", "groep", "dagbesteding heeft geen varianten."),
        (
            "jeugd",
            "begeleiding",
            "basis",
            "Variant 'basis' past niet bij begeleiding (wel: individueel, groep).",
        ),
        ("jeugd", "1", "A", "Product moet begeleiding, dagbesteding of behandeling zijn, niet '1'."),
        ("zorg", "begeleiding", None, "Onbekend perceel 'zorg'. Kies uit: wmo of jeugd."),
    ],
)
def test_een_ander_model_weigert_met_zijn_eigen_woorden(fictief, perceel, product, variant, message):
    with pytest.raises(RuleViolation) as refused:
        fictief.check_contract(perceel, product, variant)
    assert str(refused.value) == message


def test_regels_en_modules_van_een_ander_model(fictief):
    fictief.check_contract_set({"specialistisch", "individueel"})
    with pytest.raises(RuleViolation, match="geen basisbehandeling"):
        fictief.check_contract_set({"specialistisch", "basis"})
    fictief.check_module("verblijf", "pleeggezin", set())
    fictief.check_module("verblijf", "logeren", {"wmo"})
    with pytest.raises(
        RuleViolation, match=r"^logeren kan alleen bij begeleiding of behandeling \(Wmo of jeugd\)\.$"
    ):
        fictief.check_module("verblijf", "logeren", set())
    with pytest.raises(RuleViolation, match="Onbekende woonvorm 'kamer'"):
        fictief.check_module("verblijf", "kamer", {"wmo"})
    assert fictief.modules_for("verblijf", "wmo") == ("logeren",)
    assert fictief.modules["pleeggezin"].beschermd and not fictief.modules["logeren"].beschermd


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("producten: [begeleiding, dagbesteding]", "producten: [begeleiding, huishouden]"), "huishouden"),
        (("varianten: [individueel, groep]", "varianten: [individueel, duo]"), "variant duo"),
        (("percelen: [wmo, jeugd], vraagt", "percelen: [wmo, zorg], vraagt"), "perceel zorg"),
        (('  zonder_variant: "{product} heeft geen varianten."\n', ""), "zonder_variant"),
        (("model: {code: fictief-model, naam: Fictief model}\n", ""), "onvolledig"),
        (
            ("regels:", "  advies: {soort: advies, onderdelen: {logeren: {}}}\nregels:"),
            "logeren staat in twee",
        ),
    ],
)
def test_een_modelbestand_dat_niet_klopt_wordt_geweigerd_met_de_reden(tmp_path, change, message):
    path = tmp_path / "inkoopmodel.yaml"
    path.write_text(FICTIEF.replace(*change), encoding="utf-8")
    with pytest.raises(ModelError, match=message) as refused:
        load_model(path)
    assert str(path) in str(refused.value)


def test_opsomming_in_het_nederlands():
    assert or_list([1, 2, 3, 4]) == "1, 2, 3 of 4"
    assert or_list(["jeugd"]) == "jeugd"


def test_het_inkoopkader_van_regio_nijmegen_als_data():
    """Regio Nijmegen (seeds/001, blok B): Wmo per gemeente, jeugdhulp regionaal, producten zonder
    varianten; de gemeenten staan in regio.yaml."""
    model = load_model(REGIO_DIR / "nijmegen" / "inkoopmodel.yaml")
    assert model.terms["percelen"]["wmo"]["inkoop"] == "per-gemeente"
    assert model.terms["percelen"]["jeugd"]["inkoop"] == "regionaal"
    assert model.groepen == {} and model.kenmerken == {} and model.uitsluitingen == ()
    model.check_contract("wmo", "wmo-begeleiding", None)
    model.check_contract("wmo", "wmo-specialistische-begeleiding", None)
    model.check_contract("jeugd", "jeugd-ggz", None)
    model.check_contract("jeugd", "jeugd-kortdurend-verblijf", None)
    refused = {
        ("jeugd", "wmo-begeleiding", None): (
            "Product wmo-begeleiding bestaat alleen voor Wmo, niet voor jeugdhulp: "
            "Wmo en jeugdhulp zijn aparte percelen."
        ),
        ("wmo", "jeugd-behandeling", None): (
            "Product jeugd-behandeling bestaat alleen voor jeugdhulp, niet voor Wmo: "
            "Wmo en jeugdhulp zijn aparte percelen."
        ),
        ("wmo", "wmo-dagbesteding", "A"): (
            "Product wmo-dagbesteding heeft geen niveau of variant: het regionaal inkoopkader kent die niet."
        ),
        ("dyslexie", None, None): "Onbekend perceel 'dyslexie'. Kies uit: wmo of jeugd.",
    }
    for (perceel, product, variant), message in refused.items():
        with pytest.raises(RuleViolation) as said:
            model.check_contract(perceel, product, variant)
        assert str(said.value) == message
    with pytest.raises(RuleViolation, match="^Product moet wmo-dagbesteding, .* of jeugd-kortdurend"):
        model.check_contract("jeugd", "begeleiding", None)

    regio = yaml.safe_load((REGIO_DIR / "nijmegen" / "regio.yaml").read_text(encoding="utf-8"))
    assert regio["regio"] == {"slug": "nijmegen", "naam": "Regio Nijmegen"}
    gemeenten = regio["gemeenten"]
    assert {g["naam"] for g in gemeenten} == {
        "Berg en Dal",
        "Beuningen",
        "Druten",
        "Heumen",
        "Nijmegen",
        "Wijchen",
        "Mook en Middelaar",
    }
    codes = [g["cbs_code"] for g in gemeenten]
    assert len(set(codes)) == 7 and all(len(c) == 6 and c.startswith("GM") for c in codes)
    kernen = [kern[0] for g in gemeenten for kern in g["kernen"]]
    assert len(kernen) == len(set(kernen))
