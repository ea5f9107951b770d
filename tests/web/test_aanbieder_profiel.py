"""Aanbieder self-service: edit the profile, keep typed values on errors, optimistic locking,
ownership, history and freshness; the public search follows the change."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder, AanbiederSpecialisatie, Gebruiker, Specialisatie, Vestiging
from keuzehulp.services import profiel
from tests.support.accounts import DEMO, login_as


def _own(world) -> Aanbieder:
    with Session(world.engine) as db:
        aanbieder_id = db.exec(
            select(Gebruiker.aanbieder_id).where(Gebruiker.email == DEMO["aanbieder"].email)
        ).one()
        return db.get(Aanbieder, aanbieder_id)


def _form_fields(html: str) -> list[tuple[str, str]]:
    """The fields a browser would submit from the profile form as shown."""
    form = html[html.index('action="/aanbieder/profiel"') :]
    form = form[: form.index("</form>")]
    fields = []
    for tag in re.findall(r"<(?:input|textarea)[^>]*>(?:[^<]*</textarea>)?", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        if tag.startswith("<textarea"):
            value = re.search(r">([^<]*)</textarea>", tag).group(1)
        else:
            found = re.search(r'value="([^"]*)"', tag)
            value = found.group(1) if found else ""
        fields.append(
            (name.group(1), value.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"'))
        )
    return fields


def _submit(client, changes: dict, html: str | None = None):
    html = html or client.get("/aanbieder/profiel").text
    fields: dict[str, list[str]] = {}
    for key, value in _form_fields(html):
        if key not in changes:
            fields.setdefault(key, []).append(value)
    for key, value in changes.items():
        fields[key] = value if isinstance(value, list) else [value]
    return client.post("/aanbieder/profiel", data=fields, follow_redirects=False)


def test_specialisatie_wijzigen_is_direct_zichtbaar_in_zoeken(small_client, small_world):
    aanbieder = _own(small_world)
    login_as(small_client, "aanbieder")
    with Session(small_world.engine) as db:
        current = set(
            db.exec(
                select(Specialisatie.slug)
                .join(AanbiederSpecialisatie)
                .where(AanbiederSpecialisatie.aanbieder_id == aanbieder.id)
            )
        )
        new_spec = next(s.slug for s in small_world.taxonomy.specialisaties if s.slug not in current)
    response = _submit(small_client, {"specialisatie": sorted(current | {new_spec})})
    assert response.status_code == 303
    assert "opgeslagen" in small_client.get("/aanbieder/profiel").text
    with Session(small_world.engine) as db:
        assert db.get(Aanbieder, aanbieder.id).profiel_bevestigd_op == clock.today()
    hits = small_client.get("/api/v1/aanbieders", params={"specialisatie": new_spec}).json()
    assert aanbieder.slug in [r["slug"] for r in hits["results"]]


def test_fouten_tonen_een_samenvatting_en_houden_alles_wat_getypt_is(small_client, small_world):
    login_as(small_client, "aanbieder")
    response = _submit(
        small_client,
        {
            "telefoon": "drie",
            "beschrijving": "Nieuwe tekst die blijft staan",
            "website": "geen-url",
            "vestiging-0-postcode": "12 AB",
        },
    )
    assert response.status_code == 400
    html = response.text
    assert 'class="error-summary"' in html
    assert 'href="#telefoon"' in html and 'href="#website"' in html and 'href="#vestiging-0-postcode"' in html
    assert "Nieuwe tekst die blijft staan" in html and 'value="drie"' in html and 'value="12 AB"' in html
    with Session(small_world.engine) as db:
        assert db.get(Aanbieder, _own(small_world).id).beschrijving != "Nieuwe tekst die blijft staan"


def test_tweede_opslag_met_oude_versie_krijgt_een_conflict_en_overschrijft_niets(small_client, small_world):
    login_as(small_client, "aanbieder")
    stale_form = small_client.get("/aanbieder/profiel").text
    assert _submit(small_client, {"telefoon": "053 111 11 11"}).status_code == 303
    conflict = _submit(small_client, {"telefoon": "053 222 22 22"}, html=stale_form)
    assert conflict.status_code == 409
    assert "Iemand anders heeft dit profiel intussen opgeslagen" in conflict.text
    assert "053 111 11 11" in conflict.text  # the other change is shown
    assert 'value="053 222 22 22"' in conflict.text  # and the own input kept
    with Session(small_world.engine) as db:
        assert db.get(Aanbieder, _own(small_world).id).telefoon == "053 111 11 11"


def test_vestiging_van_een_andere_aanbieder_kan_niet_worden_gewijzigd(small_client, small_world):
    own = _own(small_world)
    with Session(small_world.engine) as db:
        other = db.exec(select(Vestiging).where(Vestiging.aanbieder_id != own.id)).first()
        other_adres = other.adres
    login_as(small_client, "aanbieder")
    html = small_client.get("/aanbieder/profiel").text
    count = int(re.search(r'name="vestigingen_aantal" value="(\d+)"', html).group(1))
    forged = {
        f"vestiging-{count}-id": str(other.id),
        f"vestiging-{count}-adres": "Gekaapt 1",
        f"vestiging-{count}-postcode": "7511 AB",
        f"vestiging-{count}-plaats": "Enschede",
    }
    assert _submit(small_client, forged, html=html).status_code == 303
    with Session(small_world.engine) as db:
        assert db.get(Vestiging, other.id).adres == other_adres
        assert db.get(Vestiging, other.id).aanbieder_id == other.aanbieder_id
        added = db.exec(select(Vestiging).where(Vestiging.adres == "Gekaapt 1")).one()
        assert added.aanbieder_id == own.id


def test_historie_toont_wie_wat_veranderde(small_client, small_world):
    login_as(small_client, "aanbieder")
    assert _submit(small_client, {"telefoon": "053 333 33 33"}).status_code == 303
    history = small_client.get("/aanbieder/historie").text
    assert "<strong>Telefoon:</strong>" in history and "nu: </span>053 333 33 33</ins>" in history
    assert DEMO["aanbieder"].email in history


def test_contractgegevens_zijn_alleen_te_lezen(small_client):
    login_as(small_client, "aanbieder")
    html = small_client.get("/aanbieder/profiel").text
    assert "Neem contact op met beheer" in html
    assert 'name="ob"' not in html and 'name="gemeente"' not in html


def test_freshness_regel():
    aanbieder = Aanbieder(slug="x", naam="x", kvk="12345678", profiel_bevestigd_op=date(2026, 1, 1))
    assert not profiel.freshness(aanbieder, date(2026, 2, 26)).profiel_verouderd  # 56 days: still fresh
    day_57 = profiel.freshness(aanbieder, date(2026, 2, 27))
    assert day_57.profiel_verouderd and day_57.profiel_op == date(2026, 1, 1)


def _stored(world, aanbieder_id: int) -> dict:
    """Every stored value of an aanbieder, its vestigingen and its links, as plain data."""
    from keuzehulp.models import AanbiederDoelgroep, AanbiederTaal

    with Session(world.engine) as db:
        aanbieder = db.get(Aanbieder, aanbieder_id).model_dump()
        vestigingen = [
            v.model_dump() for v in db.exec(select(Vestiging).where(Vestiging.aanbieder_id == aanbieder_id))
        ]
        links = {
            model.__name__: sorted(
                tuple(sorted(r.model_dump().items()))
                for r in db.exec(select(model).where(model.aanbieder_id == aanbieder_id))
            )
            for model in (AanbiederSpecialisatie, AanbiederDoelgroep, AanbiederTaal)
        }
    confirmed = ("version", "updated_at", "profiel_bevestigd_op")  # saving confirms
    return {
        "aanbieder": {k: v for k, v in aanbieder.items() if k not in confirmed},
        "vestigingen": sorted(vestigingen, key=lambda v: v["id"]),
        **links,
    }


def test_opslaan_zonder_wijzigingen_verandert_niets(small_client, small_world):
    aanbieder = _own(small_world)
    with Session(small_world.engine) as db:  # a vestiging not on its kern's centre, as real data has
        vestiging = db.exec(select(Vestiging).where(Vestiging.aanbieder_id == aanbieder.id)).first()
        vestiging.lat, vestiging.lon = vestiging.lat + 0.00431, vestiging.lon - 0.00217
        db.add(vestiging)
        db.commit()
    before = _stored(small_world, aanbieder.id)
    login_as(small_client, "aanbieder")
    assert _submit(small_client, {}).status_code == 303
    assert _stored(small_world, aanbieder.id) == before


def _summary_links(html: str) -> list[str]:
    summary = html[html.index('class="error-summary"') :]
    return re.findall(r'<li><a href="#([^"]+)"', summary[: summary.index("</div>")])


def test_opgeslagen_fout_telefoonnummer_staat_bij_het_veld_en_er_wordt_niets_opgeslagen(
    small_client, small_world
):
    """Data from before the check (as the demo generator once made): saving says so at the field."""
    with Session(small_world.engine) as db:
        aanbieder = db.get(Aanbieder, _own(small_world).id)
        aanbieder.telefoon = "053-526349"
        aanbieder_id = aanbieder.id
        db.add(aanbieder)
        db.commit()
    login_as(small_client, "aanbieder")
    response = _submit(small_client, {"beschrijving": "Een nieuwe beschrijving"})
    assert response.status_code == 400
    html = response.text
    assert _summary_links(html) == ["telefoon"]
    field = html[html.index('id="telefoon-fout"') :]
    assert "Vul een telefoonnummer in met 10 cijfers" in field[: field.index("</p>")]
    assert 'value="053-526349"' in html and "Een nieuwe beschrijving</textarea>" in html  # both kept
    with Session(small_world.engine) as db:
        assert db.get(Aanbieder, aanbieder_id).beschrijving != "Een nieuwe beschrijving"


def test_foutensamenvatting_volgt_de_volgorde_van_de_pagina(small_client):
    login_as(small_client, "aanbieder")
    response = _submit(
        small_client, {"website": "geen-url", "telefoon": "12", "vestiging-0-postcode": "12 AB"}
    )
    assert _summary_links(response.text) == ["telefoon", "website", "vestiging-0-postcode"]


def test_statusblok_zegt_wat_verouderd_is_wat_bezoekers_zien_en_wat_te_doen(small_client, small_world):
    aanbieder = _own(small_world)
    with Session(small_world.engine) as db:
        aanbieder.profiel_bevestigd_op = clock.today() - timedelta(days=70)
        db.add(aanbieder)
        db.commit()
    login_as(small_client, "aanbieder")
    html = small_client.get("/aanbieder/profiel").text
    box = html[html.index('id="actueel-kop"') : html.index("</section>", html.index('id="actueel-kop"'))]
    assert "meer dan 8 weken geleden" in box and "bij uw profiel: ‘Mogelijk verouderd’" in box
    assert 'href="/aanbieder/wachttijden"' in box  # the figures have their own page
    assert '"mogelijk verouderd"' not in box and 'class="verouderd"' not in box


@pytest.mark.parametrize("names", [("beschrijving", "website"), ("specialisatie", "specialisatie")])
def test_een_bestand_in_plaats_van_tekst_wordt_niet_als_tekst_getoond(small_client, names):
    """A file sent where the form has text or a list choice counts as nothing, never as its repr."""
    login_as(small_client, "aanbieder")
    fields: dict[str, list[str]] = {}
    for key, value in _form_fields(small_client.get("/aanbieder/profiel").text):
        if key not in names:
            fields.setdefault(key, []).append(value)
    files = [(name, (f"{n}.txt", b"geheim", "text/plain")) for n, name in enumerate(names)]
    response = small_client.post("/aanbieder/profiel", data=fields, files=files, follow_redirects=False)
    assert response.status_code in (303, 400)
    assert "UploadFile" not in response.text + small_client.get("/aanbieder/profiel").text
