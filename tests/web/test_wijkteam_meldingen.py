"""The wijkteam's meldingen page: list, add and remove the member's own subscriptions; other roles
get 403, another member's subscription 404; a refused form comes back with its values."""

from __future__ import annotations

from sqlmodel import Session, select

from keuzehulp.models import Abonnement, Gebruiker
from keuzehulp.services import abonnementen
from tests.support.accounts import DEMO, PASSWORD, add_user, login, login_as, post_form

PAGE = "/wijkteam/meldingen"


def _post(client, data: dict):
    fields = {"gemeente": "GM0153", "hulp": "jeugd/3", "soort": "start", "weken": "4"} | data
    return post_form(client, PAGE, fields, token_page=PAGE)


def _ids(world, email: str) -> list[int]:
    with Session(world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == email)).one()
        return list(db.exec(select(Abonnement.id).where(Abonnement.gebruiker_id == user.id)))


def test_wijkteam_maakt_een_melding_en_verwijdert_hem(small_client, small_world):
    login_as(small_client, "wijkteam")
    start = small_client.get("/wijkteam").text
    assert f'href="{PAGE}"' in start
    page = small_client.get(PAGE)
    assert page.status_code == 200 and "U heeft nog geen meldingen." in page.text
    assert '<option value="dakje/2">Dakje 2</option>' in page.text and ">Jeugd OB3<" in page.text

    saved = _post(small_client, {})
    assert saved.status_code == 303 and saved.headers["location"] == PAGE
    listing = small_client.get(PAGE).text
    assert "Jeugd OB3 in Enschede: kan starten binnen 4 weken" in listing
    assert _post(small_client, {"hulp": "dakje/2", "soort": "plek", "weken": ""}).status_code == 303
    assert "Dakje 2 in Enschede: een vrije plek" in small_client.get(PAGE).text

    [first, second] = _ids(small_world, DEMO["wijkteam"].email)
    gone = post_form(small_client, f"{PAGE}/{first}/verwijderen", token_page=PAGE)
    assert gone.status_code == 303 and _ids(small_world, DEMO["wijkteam"].email) == [second]
    assert "Jeugd OB3 in Enschede" not in small_client.get(PAGE).text


def test_een_geweigerde_melding_komt_terug_met_de_ingevulde_waarden(small_client):
    login_as(small_client, "wijkteam")
    refused = _post(small_client, {"hulp": "jeugd/3", "soort": "plek", "weken": "8"})
    assert refused.status_code == 400
    assert "Een vrije plek kan alleen bij wonen en verblijf" in refused.text
    assert '<option value="jeugd/3" selected>' in refused.text
    assert '<option value="8" selected>' in refused.text
    assert 'value="plek" checked' in refused.text and 'href="#soort"' in refused.text
    other = _post(small_client, {"gemeente": "GM0164", "weken": "5"})  # not its gemeente, no such choice
    assert other.status_code == 400
    assert "Kies een gemeente van uw wijkteam." in other.text and "Kies binnen hoeveel weken" in other.text
    assert "U heeft nog geen meldingen." in other.text


def test_andere_rollen_en_andere_leden_komen_er_niet_bij(small_client, small_world):
    add_user(small_world, "collega@enschede.test", "wijkteam", gemeente="GM0153")
    with Session(small_world.engine) as db:
        collega = db.exec(select(Gebruiker).where(Gebruiker.email == "collega@enschede.test")).one()
        values = {"gemeente": "GM0153", "hulp": "jeugd/2", "soort": "start", "weken": "2"}
        theirs = abonnementen.add(db, collega, values).id
        db.commit()
    for rol in ("beheerder", "aanbieder"):
        small_client.cookies.clear()
        login_as(small_client, rol)
        assert small_client.get(PAGE, follow_redirects=False).status_code == 403
        token_page = "/beheer" if rol == "beheerder" else "/aanbieder/profiel"
        for path in (PAGE, f"{PAGE}/{theirs}/verwijderen"):
            assert post_form(small_client, path, {}, token_page=token_page).status_code == 403, (rol, path)

    small_client.cookies.clear()
    login_as(small_client, "wijkteam")
    assert "U heeft nog geen meldingen." in small_client.get(PAGE).text  # the colleague's is not listed
    refused = post_form(small_client, f"{PAGE}/{theirs}/verwijderen", token_page=PAGE)
    assert refused.status_code == 404 and _ids(small_world, "collega@enschede.test") == [theirs]
    assert post_form(small_client, f"{PAGE}/999999/verwijderen", token_page=PAGE).status_code == 404

    small_client.cookies.clear()
    assert login(small_client, "collega@enschede.test", PASSWORD).status_code == 303
    assert "Jeugd OB2 in Enschede: kan starten binnen 2 weken" in small_client.get(PAGE).text
