"""The aanbieder's wachttijden, plekken and instroomstops: the form keeps what was typed on errors,
uses optimistic locking, confirms all in one click, and what is saved shows on the profile and in
search at once (issue 19)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import update
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder, Beschikbaarheid, Gebruiker, Instroomstop
from keuzehulp.queries.beschikbaarheid import lines
from tests.support.accounts import DEMO, login_as

PAGE = "/aanbieder/wachttijden"


def _own_id(world) -> int:
    with Session(world.engine) as db:
        return db.exec(select(Gebruiker.aanbieder_id).where(Gebruiker.email == DEMO["aanbieder"].email)).one()


def _form(html: str, action: str) -> dict[str, str]:
    """The fields a browser would send from the form posting to `action`."""
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form):
        fields[name] = unescape(body)
    return fields


def _row_of(fields: dict, hulp: str, gemeente: str = "") -> int:
    return next(
        int(key[1:-5])
        for key, value in fields.items()
        if re.fullmatch(r"r\d+-hulp", key) and value == hulp and fields[key[:-4] + "gemeente"] == gemeente
    )


def _product_line(world, aanbieder_id: int):
    with Session(world.engine) as db:
        return next(line for line in lines(db, aanbieder_id, clock.today()) if line.dakje is None)


def _post(client, fields: dict, action: str = PAGE):
    return client.post(action, data=fields, follow_redirects=False)


def test_wachttijd_opslaan_is_direct_te_zien_op_het_profiel_en_in_zoeken(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    line = _product_line(small_world, aanbieder_id)
    login_as(small_client, "aanbieder")
    fields = _form(small_client.get(PAGE).text, PAGE)
    for key in [k for k in fields if k.endswith(("-contact", "-start", "-plekken"))]:
        fields[key] = ""  # every other figure unknown
    row = _row_of(fields, line.hulp)
    fields |= {f"r{row}-contact": "1", f"r{row}-start": "2"}
    response = _post(small_client, fields)
    assert response.status_code == 303, response.text[:3000]
    with Session(small_world.engine) as db:
        stored = db.exec(select(Beschikbaarheid).where(Beschikbaarheid.aanbieder_id == aanbieder_id)).all()
        slug = db.get(Aanbieder, aanbieder_id).slug
    assert [(f.hulp, f.gemeente_id, f.weken_contact, f.weken_start, f.bevestigd_op) for f in stored] == [
        (line.hulp, None, 1, 2, clock.today())
    ]
    assert "<strong>2 weken</strong>" in small_client.get(f"/aanbieders/{slug}").text
    perceel, _, product = line.hulp.partition("/")
    params = {"gemeente": line.gemeenten[0], "perceel": perceel, "ob": product, "max_wachttijd": 2}
    hits = small_client.get("/api/v1/aanbieders", params=params).json()["results"]
    assert slug in [h["slug"] for h in hits]
    assert next(h for h in hits if h["slug"] == slug)["wachttijd_weken"] == 2
    params["max_wachttijd"] = 1
    assert slug not in [
        h["slug"] for h in small_client.get("/api/v1/aanbieders", params=params).json()["results"]
    ]


def test_fouten_staan_bij_het_veld_en_alles_wat_getypt_is_blijft(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    line = _product_line(small_world, aanbieder_id)
    with Session(small_world.engine) as db:
        before = [f.model_dump() for f in db.exec(select(Beschikbaarheid))]
    login_as(small_client, "aanbieder")
    fields = _form(small_client.get(PAGE).text, PAGE)
    row = _row_of(fields, line.hulp)
    fields |= {f"r{row}-contact": "5", f"r{row}-start": "drie"}
    response = _post(small_client, fields)
    assert response.status_code == 400
    assert f'href="#r{row}-start"' in response.text and 'value="drie"' in response.text
    fields[f"r{row}-start"] = "2"  # the first contact after the start
    response = _post(small_client, fields)
    assert response.status_code == 400 and "niet later zijn dan de start" in response.text
    assert 'value="5"' in response.text
    with Session(small_world.engine) as db:
        assert [f.model_dump() for f in db.exec(select(Beschikbaarheid))] == before


def test_een_oud_formulier_overschrijft_niets(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    line = _product_line(small_world, aanbieder_id)
    login_as(small_client, "aanbieder")
    stale = _form(small_client.get(PAGE).text, PAGE)
    row = _row_of(stale, line.hulp)
    assert _post(small_client, stale | {f"r{row}-start": "3"}).status_code == 303
    conflict = _post(small_client, stale | {f"r{row}-start": "9"})
    assert conflict.status_code == 409 and "intussen door iemand anders opgeslagen" in conflict.text
    assert f'id="r{row}-start" name="r{row}-start" type="text" value="9"' in conflict.text
    with Session(small_world.engine) as db:
        general = db.exec(
            select(Beschikbaarheid).where(
                Beschikbaarheid.aanbieder_id == aanbieder_id,
                Beschikbaarheid.hulp == line.hulp,
                Beschikbaarheid.gemeente_id.is_(None),
            )
        ).one()
    assert general.weken_start == 3


def test_een_gemeente_met_een_eigen_wachttijd(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    line = _product_line(small_world, aanbieder_id)
    gemeente = line.gemeenten[-1]
    login_as(small_client, "aanbieder")
    html = small_client.get(PAGE).text
    fields = _form(html, PAGE)
    new = int(fields["rijen"]) - 1  # the empty row at the end
    fields |= {f"r{new}-hulp": line.hulp, f"r{new}-gemeente": gemeente, f"r{new}-start": "11"}
    assert _post(small_client, fields).status_code == 303
    with Session(small_world.engine) as db:
        slug = db.get(Aanbieder, aanbieder_id).slug
    naam = small_world.taxonomy.gemeente_namen[gemeente]
    profile = small_client.get(f"/aanbieders/{slug}").text
    row = re.search(rf"In {re.escape(naam)}:</span>.*?</tr>", profile, re.S)
    assert row and "<strong>11 weken</strong>" in row.group(0)
    fields = _form(small_client.get(PAGE).text, PAGE)
    row = _row_of(fields, line.hulp, gemeente)  # now a row of its own; emptied, it goes again
    fields |= {f"r{row}-contact": "", f"r{row}-start": "", f"r{row}-plekken": ""}
    assert _post(small_client, fields).status_code == 303
    assert f"In {naam}:" not in small_client.get(f"/aanbieders/{slug}").text


def test_alles_klopt_nog_bevestigt_elk_cijfer(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    old = clock.today() - timedelta(weeks=10)
    with Session(small_world.engine) as db:
        db.execute(
            update(Beschikbaarheid)
            .where(Beschikbaarheid.aanbieder_id == aanbieder_id)
            .values(bevestigd_op=old)
        )
        db.commit()
        count = len(
            db.exec(select(Beschikbaarheid).where(Beschikbaarheid.aanbieder_id == aanbieder_id)).all()
        )
        slug = db.get(Aanbieder, aanbieder_id).slug
    assert count > 0
    assert "Mogelijk verouderd" in small_client.get(f"/aanbieders/{slug}").text
    login_as(small_client, "aanbieder")
    fields = _form(small_client.get(PAGE).text, "/aanbieder/wachttijden/bevestigen")
    response = _post(small_client, fields, "/aanbieder/wachttijden/bevestigen")
    assert response.status_code == 303
    assert f"Uw {count} cijfers zijn bevestigd" in small_client.get(PAGE).text
    assert "Mogelijk verouderd" not in small_client.get(f"/aanbieders/{slug}").text
    with Session(small_world.engine) as db:
        dates = set(
            db.exec(select(Beschikbaarheid.bevestigd_op).where(Beschikbaarheid.aanbieder_id == aanbieder_id))
        )
    assert dates == {clock.today()}


def test_instroomstop_aan_en_weer_uit(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    with Session(small_world.engine) as db:
        slug = db.get(Aanbieder, aanbieder_id).slug
    login_as(small_client, "aanbieder")
    fields = _form(small_client.get(PAGE).text, "/aanbieder/instroomstop")
    tot = clock.today() + timedelta(days=30)
    fields |= {"stop-hulp": "*", "stop-reden": "  Alle   plekken zijn vol ", "stop-tot": tot.isoformat()}
    assert _post(small_client, fields, "/aanbieder/instroomstop").status_code == 303
    profile = small_client.get(f"/aanbieders/{slug}").text
    assert "Neemt nu geen nieuwe cliënten aan, tot" in profile and "Alle plekken zijn vol" in profile
    hits = small_client.get("/api/v1/aanbieders", params={"max_wachttijd": 12}).json()["results"]
    assert slug not in [h["slug"] for h in hits]
    with Session(small_world.engine) as db:
        stop = db.exec(select(Instroomstop).where(Instroomstop.aanbieder_id == aanbieder_id)).one()
    assert (stop.reden, stop.tot, stop.door) == ("Alle plekken zijn vol", tot, DEMO["aanbieder"].email)
    action = f"/aanbieder/instroomstop/{stop.id}/opheffen"
    assert _post(small_client, _form(small_client.get(PAGE).text, action), action).status_code == 303
    assert "Neemt nu geen nieuwe cliënten aan" not in small_client.get(f"/aanbieders/{slug}").text


def test_instroomstop_fouten_houden_de_invoer(small_client, small_world):
    with Session(small_world.engine) as db:
        before = len(db.exec(select(Instroomstop)).all())
    login_as(small_client, "aanbieder")
    fields = _form(small_client.get(PAGE).text, "/aanbieder/instroomstop")
    cases = [
        ({"stop-hulp": "*", "stop-reden": "", "stop-tot": ""}, "stop-reden", "waarom"),
        ({"stop-hulp": "*", "stop-reden": "Vol", "stop-tot": "morgen"}, "stop-tot", "Vul een datum in"),
        ({"stop-hulp": "*", "stop-reden": "Vol", "stop-tot": "01-01-2000"}, "stop-tot", "verleden"),
        ({"stop-hulp": "jeugd/geen", "stop-reden": "Vol", "stop-tot": ""}, "stop-hulp", "contract"),
    ]
    for typed, field, words in cases:
        response = _post(small_client, fields | typed, "/aanbieder/instroomstop")
        assert response.status_code == 400, typed
        assert f'href="#{field}"' in response.text and words in response.text
        if typed["stop-reden"]:
            assert f">{typed['stop-reden']}</textarea>" in response.text
    with Session(small_world.engine) as db:
        assert len(db.exec(select(Instroomstop)).all()) == before


def test_een_andere_aanbieder_kan_de_stop_niet_opheffen(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    with Session(small_world.engine) as db:
        other = db.exec(select(Aanbieder.id).where(Aanbieder.id != aanbieder_id)).first()
        stop = Instroomstop(
            aanbieder_id=other, hulp="*", reden="Vol", vanaf=clock.today(), door="x@example.nl"
        )
        db.add(stop)
        db.commit()
        stop_id = stop.id
    login_as(small_client, "aanbieder")
    action = f"/aanbieder/instroomstop/{stop_id}/opheffen"
    fields = _form(small_client.get(PAGE).text, "/aanbieder/wachttijden/bevestigen")
    assert _post(small_client, fields, action).status_code == 303
    with Session(small_world.engine) as db:
        assert db.get(Instroomstop, stop_id).opgeheven_op is None
    assert small_client.get(PAGE, follow_redirects=False).status_code == 200
    login_as(small_client, "wijkteam")
    assert small_client.get(PAGE, follow_redirects=False).status_code == 403


def test_de_rij_voor_een_gemeente_zegt_wat_ontbreekt_en_komt_een_keer_terug(small_client, small_world):
    aanbieder_id = _own_id(small_world)
    line = _product_line(small_world, aanbieder_id)
    login_as(small_client, "aanbieder")
    fields = _form(small_client.get(PAGE).text, PAGE)
    new = int(fields["rijen"]) - 1
    assert fields[f"r{new}-nieuw"] == "1"
    cases = [
        ({f"r{new}-start": "3"}, f"r{new}-hulp", "Kies voor welke soort hulp"),
        ({f"r{new}-hulp": line.hulp, f"r{new}-start": "3"}, f"r{new}-gemeente", "Kies de gemeente"),
    ]
    for typed, field, words in cases:
        response = _post(small_client, fields | typed)
        assert response.status_code == 400
        assert f'href="#{field}"' in response.text and words in response.text
        assert response.text.count("Voeg die gemeente toe") == 1  # the typed row, not one more
        again = _form(response.text, PAGE)
        assert again["rijen"] == fields["rijen"] and again[f"r{new}-start"] == "3"
