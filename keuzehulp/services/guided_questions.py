"""The guided questions for inwoners: answers from the URL, their meaning as a search.

Every answer lives in the query string, so each step is a plain GET form: bookmarkable, and
back/forward work with or without JavaScript. "onbekend" means "Weet ik niet / sla over" and
never filters.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.domain.regio import model_for
from keuzehulp.domain.taxonomy import Taxonomy, labels
from keuzehulp.domain.twents_model import MODEL
from keuzehulp.i18n import N_, gettext
from keuzehulp.search.filters import SearchRequest

ONBEKEND = "onbekend"
STEPS = ("woonplaats", "voor_wie", "besluit", "verblijf", "wensen")
OVERZICHT = len(STEPS) + 1
STEP_NAMES = {  # the names in the step indicator ("Stap 2 van 5")
    "woonplaats": N_("Woonplaats"),
    "voor_wie": N_("Voor wie"),
    "besluit": N_("Soort hulp"),
    "verblijf": N_("Wonen en verblijf"),
    "wensen": N_("Wensen"),
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""


VOOR_WIE = {
    "kind": Choice("kind", N_("Een kind of jongere tot 18 jaar"), N_("Dan is het jeugdhulp.")),
    "jongvolwassene": Choice(
        "jongvolwassene", N_("Een jongvolwassene van 18 tot 23 jaar"), N_("Soms jeugdhulp, soms Wmo.")
    ),
    "volwassene": Choice("volwassene", N_("Een volwassene"), N_("Dan is het Wmo-ondersteuning.")),
    "oudere": Choice("oudere", N_("Een oudere"), N_("Dan is het Wmo-ondersteuning.")),
}


def _hulpvraag(ob: str, hint: str) -> Choice:
    """A kind of help in everyday words: the short name of its OB (seed/twents_model.yaml)."""
    return Choice(ob, labels()["ondersteuningsbehoeften"][ob]["kort"], hint)


HULPVRAGEN = {
    "dagelijks": _hulpvraag("1", N_("Bijvoorbeeld boodschappen doen of het huishouden.")),
    "overzicht": _hulpvraag("2", N_("Bijvoorbeeld geld, post of afspraken.")),
    "leren": _hulpvraag("3", N_("Bijvoorbeeld omgaan met boosheid. Alleen voor jeugd.")),
    "behandeling": _hulpvraag("4", N_("Door een psycholoog of psychiater. Alleen voor jeugd.")),
}
WENSEN = {
    "dichtbij": Choice(
        "dichtbij", N_("Dicht bij huis"), N_("De dichtstbijzijnde aanbieders staan bovenaan.")
    ),
    "kort": Choice("kort", N_("Korte wachttijd"), N_("Hooguit 4 weken wachten.")),
    "spoed": Choice(
        "spoed",
        N_("Hulp bij spoed"),
        N_("De aanbieder kan snel komen als het thuis misgaat. Alleen voor jeugd."),
    ),
}
VERBLIJF = {
    "nee": Choice("", N_("Nee, iemand blijft thuis wonen")),
    "logeren": Choice(
        "1",
        N_("Ja, een tijdje ergens anders wonen of logeren"),
        N_("Bijvoorbeeld om thuis even rust te geven."),
    ),
    "begeleid": Choice("2", N_("Ja, wonen met begeleiders die er dag en nacht zijn")),
    "beschermd": Choice(
        "3",
        N_("Ja, een beschermde plek (besloten)"),
        N_("Als iemand een gevaar is voor zichzelf of anderen."),
    ),
    "pleegzorg": Choice(
        "0-A",
        N_("Ja, in een pleeggezin"),
        N_("Het wijkteam regelt dit, samen met een centrum voor pleeggezinnen en gezinshuizen."),
    ),
    "gezinshuis": Choice(
        "0-B", N_("Ja, in een gezinshuis"), N_("Ook dit regelt het wijkteam, samen met dat centrum.")
    ),
}


PERCEEL_VOOR = {"kind": "jeugd", "volwassene": "wmo", "oudere": "wmo"}  # jongvolwassenen: either


def model_of(woonplaats: str, taxonomy: Taxonomy) -> Inkoopmodel:
    """The inkoopmodel the answers are read in: that of the woonplaats's gemeente (Twente's until
    the woonplaats is known)."""
    gemeente = find_place(woonplaats, taxonomy) if woonplaats else None
    return model_for(gemeente.cbs_code) if gemeente else MODEL


def _perceel(voor_wie: str, model: Inkoopmodel) -> str | None:
    perceel = PERCEEL_VOOR.get(voor_wie)
    return perceel if perceel in model.percelen else None


def obs_for(voor_wie: str, model: Inkoopmodel = MODEL) -> tuple[str, ...]:
    """The products that exist for who the help is for (Twente: OB3 and OB4 are jeugd only)."""
    perceel = _perceel(voor_wie, model)
    return tuple(model.producten) if perceel is None else model.percelen[perceel].producten


def niveaus_for(voor_wie: str, model: Inkoopmodel = MODEL) -> tuple[str, ...]:
    """The variants of those products (Twente: niveau E only with OB4, jeugd)."""
    obs = obs_for(voor_wie, model)
    return tuple(n for n in model.varianten if any(n in model.producten[ob] for ob in obs))


def hulp_choices(voor_wie: str, model: Inkoopmodel = MODEL) -> dict[str, Choice]:
    """The answers to 'wat voor hulp?' that fit who the help is for: Twente's in everyday words
    with an example, another model's products by their short plain name and B1 text."""
    if model is MODEL:
        return {key: choice for key, choice in HULPVRAGEN.items() if choice.value in obs_for(voor_wie)}
    names = labels()["producten"]
    return {ob: Choice(ob, names[ob]["kort"], names[ob]["b1"]) for ob in obs_for(voor_wie, model)}


def verblijf_choices(voor_wie: str, model: Inkoopmodel = MODEL) -> dict[str, Choice]:
    """The answers to 'ergens anders wonen?' that fit who the help is for: pleegzorg and
    gezinshuis are jeugdhulp, so adults are not offered them; only 'nee' where the model buys no
    wonen en verblijf."""
    fitting = model.modules_for("verblijf", _perceel(voor_wie, model))
    return {key: choice for key, choice in VERBLIJF.items() if not choice.value or choice.value in fitting}


@dataclass(frozen=True)
class Antwoorden:
    """The answers so far; an empty string means 'not asked yet'."""

    woonplaats: str = ""
    voor_wie: str = ""
    besluit: str = ""
    ob: str = ""
    niveau: str = ""
    hulp: str = ""
    verblijf: str = ""
    onderwerp: str = ""
    taal: str = ""
    wensen: tuple[str, ...] = ()
    klaar_wensen: bool = False

    def answered(self, step: str) -> bool:
        """Whether a step has an answer (skipping counts as an answer)."""
        if step == "besluit":
            return (
                bool(self.besluit)
                and (self.besluit != "ja" or bool(self.ob))
                and (self.besluit not in ("nee", ONBEKEND) or bool(self.hulp))  # without a letter: what help?
            )
        if step == "wensen":
            return self.klaar_wensen
        return bool(getattr(self, step))

    def first_open_step(self) -> int:
        """Number of the first unanswered step, or the overview."""
        for number, step in enumerate(STEPS, start=1):
            if not self.answered(step):
                return number
        return OVERZICHT

    def params(self, **changes) -> list[tuple[str, str]]:
        """The answers as query parameters (for hidden fields and links)."""
        items = []
        values = {name: getattr(self, name) for name in self.__dataclass_fields__} | changes
        for name, value in values.items():
            if name == "wensen":
                items += [("wens", w) for w in value]
            elif name == "klaar_wensen":
                if value:
                    items.append(("klaar", "ja"))
            elif value:
                items.append((name, value))
        return items


@dataclass
class Uitkomst:
    """What the answers mean: where, which search, and what was understood."""

    request: SearchRequest
    gemeente: object | None
    specialisaties: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()


def find_place(text: str, taxonomy: Taxonomy):
    """The gemeente for a typed gemeente or woonplaats (Delden -> Hof van Twente), or None."""
    wanted = _fold(text)
    for gemeente in taxonomy.gemeenten:
        if wanted in (_fold(gemeente.naam), gemeente.slug.replace("-", " "), gemeente.cbs_code.lower()):
            return gemeente
    for kern in taxonomy.kernen:
        if wanted == _fold(kern.naam):
            return taxonomy.gemeente_by_id(kern.gemeente_id)
    return None


def suggest_place(text: str, taxonomy: Taxonomy) -> str | None:
    """The gemeente or woonplaats a mistyped or shortened name most likely means (Deldn, Gor), or None."""
    wanted = _fold(text)
    names = {_fold(place.naam): place.naam for place in (*taxonomy.gemeenten, *taxonomy.kernen)}
    if len(wanted) >= 3:
        starting = sorted(folded for folded in names if folded.startswith(wanted))
        if starting:
            return names[starting[0]]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def match_specialisaties(text: str, taxonomy: Taxonomy) -> list:
    """Specialisaties named in everyday words ('prikkelgevoelig', 'ASS', 'schulden')."""
    folded = f" {_fold(text)} "
    found = []
    for spec in taxonomy.specialisaties:
        words = [spec.slug.replace("-", " "), spec.naam, spec.label_b1, *spec.synoniemen]
        if any(f" {_fold(w)} " in folded for w in words if _fold(w)):
            found.append(spec)
    return found


def parse_antwoorden(params, taxonomy: Taxonomy) -> tuple[Antwoorden, dict[str, str]]:
    """Read the answers; unknown values are dropped with a Dutch message for that step."""
    errors: dict[str, str] = {}

    def get(name: str) -> str:
        value = params.get(name, "")
        return value.strip()[:100] if isinstance(value, str) else ""

    woonplaats = get("woonplaats")
    if woonplaats and woonplaats != ONBEKEND and find_place(woonplaats, taxonomy) is None:
        errors["woonplaats"] = gettext(
            "We kennen '%(plaats)s' niet als gemeente of woonplaats in deze regio. "
            "Kies uw gemeente uit de lijst."
        ) % {"plaats": woonplaats}
        if suggestion := suggest_place(woonplaats, taxonomy):
            errors["woonplaats"] += " " + gettext("Bedoelde u %(plaats)s?") % {"plaats": suggestion}
    model = model_of("" if "woonplaats" in errors else woonplaats, taxonomy)
    voor_wie = get("voor_wie")
    if voor_wie and voor_wie not in VOOR_WIE and voor_wie != ONBEKEND:
        voor_wie = ""
    besluit = get("besluit") if get("besluit") in ("ja", "nee", ONBEKEND) else ""
    ob, niveau = get("ob"), get("niveau").upper()
    if besluit == "ja" and (ob or "niveau" in params):
        if ob not in model.producten and ob != ONBEKEND:
            errors["ob"] = gettext("Kies de soort hulp zoals die in de brief staat.")
            ob = ""
        elif ob != ONBEKEND and ob not in obs_for(voor_wie, model):
            errors["ob"] = gettext(
                "OB%(ob)s is alleen hulp voor kinderen en jongeren (jeugdhulp). Kijk nog eens in de brief."
            ) % {"ob": ob}
            ob = ""
        elif niveau and ob != ONBEKEND and niveau != ONBEKEND.upper() and niveau not in model.producten[ob]:
            errors["niveau"] = gettext(
                "Niveau %(niveau)s hoort niet bij OB%(ob)s. Kijk nog eens in de brief."
            ) % {
                "niveau": niveau,
                "ob": ob,
            }
            niveau = ""
    # an answer that does not fit who the help is for (after 'voor wie' changed) is asked again
    hulp = get("hulp") if get("hulp") in (*hulp_choices(voor_wie, model), ONBEKEND) else ""
    verblijf = get("verblijf") if get("verblijf") in (*verblijf_choices(voor_wie, model), ONBEKEND) else ""
    if not model.has("verblijf") and voor_wie:
        verblijf = "nee"  # a region that buys no wonen en verblijf does not ask about it
    taal = get("taal")
    if taal and taal != ONBEKEND and taal not in {t.slug for t in taxonomy.talen}:
        taal = ""
    wensen = tuple(w for w in params.getlist("wens") if w in WENSEN)
    antwoorden = Antwoorden(
        woonplaats="" if "woonplaats" in errors else woonplaats,
        voor_wie=voor_wie,
        besluit=besluit,
        ob="" if "ob" in errors else ob,
        niveau=niveau if niveau != ONBEKEND.upper() else ONBEKEND,
        hulp=hulp,
        verblijf=verblijf,
        onderwerp=get("onderwerp"),
        taal=taal,
        wensen=wensen,
        klaar_wensen=get("klaar") == "ja",
    )
    return antwoorden, errors


def to_search(antwoorden: Antwoorden, taxonomy: Taxonomy) -> Uitkomst:
    """The search that the answers stand for, and what was understood from free text."""
    values: dict = {}
    notes = []
    gemeente = None
    model = model_of(antwoorden.woonplaats if antwoorden.woonplaats != ONBEKEND else "", taxonomy)
    voor_wie = antwoorden.voor_wie
    if antwoorden.woonplaats and antwoorden.woonplaats != ONBEKEND:
        gemeente = find_place(antwoorden.woonplaats, taxonomy)
        if gemeente is not None:
            values["gemeente"] = gemeente.cbs_code
            if _fold(gemeente.naam) != _fold(antwoorden.woonplaats):
                kern = taxonomy.kern(antwoorden.woonplaats, gemeente.cbs_code)
                if kern is not None:
                    values["woonplaats"] = kern.slug
                notes.append(
                    gettext("%(plaats)s hoort bij de gemeente %(gemeente)s.")
                    % {"plaats": antwoorden.woonplaats, "gemeente": gemeente.naam}
                )
    if perceel := PERCEEL_VOOR.get(antwoorden.voor_wie):
        values["perceel"] = perceel
    if antwoorden.voor_wie == "oudere":
        values["doelgroep"] = "ouderen"
    elif antwoorden.voor_wie == "jongvolwassene":
        values["doelgroep"] = "jongvolwassenen"
    if antwoorden.besluit == "ja":
        if antwoorden.ob not in ("", ONBEKEND):
            values["ob"] = antwoorden.ob
        if antwoorden.niveau not in ("", ONBEKEND):
            values["niveau"] = antwoorden.niveau
    elif antwoorden.besluit in ("nee", ONBEKEND) and antwoorden.hulp in (
        choices := hulp_choices(voor_wie, model)
    ):
        values["ob"] = choices[antwoorden.hulp].value
    dakje = VERBLIJF.get(antwoorden.verblijf, Choice("", "")).value
    if dakje in model.modules_for("verblijf", None):
        values["dakje"] = dakje
    specialisaties = match_specialisaties(antwoorden.onderwerp, taxonomy) if antwoorden.onderwerp else []
    if specialisaties:
        values["specialisatie"] = tuple(sorted(s.slug for s in specialisaties))
    elif antwoorden.onderwerp:
        values["q"] = antwoorden.onderwerp
    if antwoorden.taal and antwoorden.taal != ONBEKEND:
        values["taal"] = antwoorden.taal
    if "kort" in antwoorden.wensen:
        values["max_wachttijd"] = 4
    if "spoed" in antwoorden.wensen:
        values["spoedhulp"] = True
    if "dichtbij" in antwoorden.wensen and gemeente is not None:
        values["sort"] = "afstand"
    if "spoed" in antwoorden.wensen and "ambulante_spoedhulp" not in model.kenmerken:
        values.pop("spoedhulp")  # a region that does not buy it as such
    return Uitkomst(SearchRequest(**values), gemeente, specialisaties, notes)
