"""The Twents model as code: percelen, ondersteuningsbehoeften, niveaus, dakjes and their rules.

Labels and descriptions live in seed/twents_model.yaml; this module holds only what the rules need.
"""

from __future__ import annotations

from datetime import date

from keuzehulp.domain.errors import RuleViolation

PERCELEN = ("jeugd", "wmo", "dyslexie")
OBS = (1, 2, 3, 4)
NIVEAUS = ("A", "B", "C", "D", "E")
NIVEAUS_PER_OB = {
    1: ("A", "B", "C", "D"),
    2: ("A", "B", "C", "D"),
    3: ("A", "B", "C"),
    4: ("A", "B", "C", "E"),
}
# OB1 and OB2 exist for jeugd and Wmo, OB3 and OB4 for jeugd only; dyslexie (EED) has no OB.
OBS_PER_PERCEEL = {"jeugd": (1, 2, 3, 4), "wmo": (1, 2), "dyslexie": ()}
PERCEEL_OBS = tuple((perceel, ob) for perceel, obs in OBS_PER_PERCEEL.items() for ob in obs)
OB_SCOPES = tuple((perceel, ob, niveau) for perceel, ob in PERCEEL_OBS for niveau in NIVEAUS_PER_OB[ob])
DAKJES = ("0-A", "0-B", "1", "2", "3")
# The percelen a dakje belongs to: pleegzorg and gezinshuis are jeugdhulp; 003 names dakje 1 and 2
# for jeugd and Wmo and is silent on dakje 3, which is taken as both.
DAKJE_PERCELEN = {
    "0-A": ("jeugd",),
    "0-B": ("jeugd",),
    "1": ("jeugd", "wmo"),
    "2": ("jeugd", "wmo"),
    "3": ("jeugd", "wmo"),
}
# Dakjes whose woonlocaties are never shown with an address (pleegzorg, gezinshuis, groups).
PROTECTED_DAKJES = ("0-A", "0-B", "2", "3")
FUNCTIENIVEAUS = ("MBO", "HBO", "WO", "WO++")
DIAGNOSTIEK = ("enkelvoudig", "integraal")
WERKVORMEN = ("individueel", "gezin", "groep", "online")
STATUSES = ("actief", "opgeschort", "beeindigd")
STATUS_NAMEN = {"actief": "actief", "opgeschort": "opgeschort", "beeindigd": "beëindigd"}  # for people
MAATREGELHULP = (
    "ots-kort",
    "ots-lang",
    "voogdij",
    "jeugdreclassering",
    "itb-harde-kern",
    "itb-criem",
    "stp",
    "gbm-advies",
    "gbm-begeleiding",
    "jeugdzorgplus",
)


def check_contract(perceel: str, ob: int | None, niveau: str | None) -> None:
    """Raise RuleViolation when one contract line breaks the model's rules."""
    if perceel not in PERCELEN:
        raise RuleViolation(f"Onbekend perceel '{perceel}'. Kies uit: {', '.join(PERCELEN)}.")
    if perceel == "dyslexie":
        if ob is not None or niveau is not None:
            raise RuleViolation("Een dyslexie-contract (EED) heeft geen ondersteuningsbehoefte of niveau.")
        return
    if ob not in OBS:
        raise RuleViolation(f"Ondersteuningsbehoefte moet 1, 2, 3 of 4 zijn, niet '{ob}'.")
    if ob not in OBS_PER_PERCEEL[perceel]:
        written = "Wmo" if perceel == "wmo" else perceel
        raise RuleViolation(f"Ondersteuningsbehoefte {ob} bestaat alleen voor jeugd, niet voor {written}.")
    if niveau not in NIVEAUS_PER_OB[ob]:
        allowed = ", ".join(NIVEAUS_PER_OB[ob])
        raise RuleViolation(f"Niveau '{niveau}' past niet bij ondersteuningsbehoefte {ob} (wel: {allowed}).")


def check_contract_set(lines: list[tuple[str, int | None, str | None]]) -> None:
    """Rules across all of one aanbieder's contract lines: an aanbieder contracted for niveau E
    (medicatiecontrole by medisch specialisten in ziekenhuizen) delivers no A, B or C at all."""
    niveaus = {niveau for _, _, niveau in lines}
    if "E" in niveaus and niveaus & {"A", "B", "C"}:
        raise RuleViolation(
            "Een aanbieder met niveau E (medicatiecontrole door een medisch specialist) levert "
            "geen niveau A, B of C, ook niet bij een andere ondersteuningsbehoefte."
        )


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two validity periods share at least one day (None: open-ended)."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)


def dakjes_for(perceel: str | None) -> tuple[str, ...]:
    """The dakjes that belong to a perceel (all of them without one)."""
    return tuple(d for d in DAKJES if perceel is None or perceel in DAKJE_PERCELEN[d])


def check_dakje(dakje: str, ob_percelen: set[str]) -> None:
    """Dakje 1-3 needs an OB contract of a perceel the dakje belongs to, in the same gemeente for
    the same days (`ob_percelen`: the percelen of those OB contracts); pleegzorg and gezinshuis
    may stand alone."""
    if dakje not in DAKJES:
        raise RuleViolation(f"Onbekend dakje '{dakje}'. Kies uit: {', '.join(DAKJES)}.")
    if dakje in ("1", "2", "3") and not ob_percelen & set(DAKJE_PERCELEN[dakje]):
        raise RuleViolation(
            f"Dakje {dakje} kan alleen bij een contract voor een ondersteuningsbehoefte (jeugd of Wmo)"
            " in dezelfde gemeente, in dezelfde periode."
        )


def spoedhulp_for(perceel: str | None) -> bool:
    """Whether ambulante spoedhulp belongs to a perceel (or to a search without one): it is part
    of OB jeugd."""
    return perceel in (None, "jeugd")


def check_maatregelhulp(soort: str) -> None:
    """Raise RuleViolation for an unknown kind of maatregelhulp."""
    if soort not in MAATREGELHULP:
        raise RuleViolation(f"Onbekende maatregelhulp '{soort}'. Kies uit: {', '.join(MAATREGELHULP)}.")


def check_spoedhulp(ambulante_spoedhulp: bool, coordinatiepunt: bool, percelen: set[str]) -> None:
    """Ambulante spoedhulp is part of OB Jeugd, and who offers it is connected to the regional
    coördinatiepunt triage en spoedhulp."""
    if not ambulante_spoedhulp:
        return
    if "jeugd" not in percelen:
        raise RuleViolation("Ambulante spoedhulp hoort bij jeugdhulp: er is geen contract voor jeugd.")
    if not coordinatiepunt:
        raise RuleViolation(
            "Wie ambulante spoedhulp biedt, is aangesloten op het coördinatiepunt triage en spoedhulp."
            " Leg dat ook vast, of zet ambulante spoedhulp uit."
        )
