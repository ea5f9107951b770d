"""The Twents model under the names the code has used for it: Twente's inkoopmodel
(seed/regio/twente/inkoopmodel.yaml), read and checked by domain/inkoopmodel.py. Its constants
and checks stay until every caller reads the region's model itself (issue 18)."""

from __future__ import annotations

from datetime import date
from functools import cache

from keuzehulp.domain.regio import model_of

MODEL = model_of("twente")

PERCELEN = tuple(MODEL.percelen)
OBS = tuple(MODEL.producten)  # product codes as text: '1' is OB1
NIVEAUS = MODEL.varianten
NIVEAUS_PER_OB = MODEL.producten
OBS_PER_PERCEEL = {code: perceel.producten for code, perceel in MODEL.percelen.items()}
PERCEEL_OBS = tuple((perceel, ob) for perceel, obs in OBS_PER_PERCEEL.items() for ob in obs)
OB_SCOPES = tuple((perceel, ob, niveau) for perceel, ob in PERCEEL_OBS for niveau in NIVEAUS_PER_OB[ob])
DAKJES = MODEL.group("verblijf").modules
DAKJE_PERCELEN = {dakje: MODEL.modules[dakje].percelen for dakje in DAKJES}
PROTECTED_DAKJES = tuple(dakje for dakje in DAKJES if MODEL.modules[dakje].beschermd)
FUNCTIENIVEAUS = tuple(MODEL.terms["modules"][MODEL.group("advies").code]["functieniveaus"])
DIAGNOSTIEK = MODEL.group("diagnostiek").modules
WERKVORMEN = tuple(MODEL.terms["werkvormen"])
MAATREGELHULP = MODEL.group("maatregel").modules
STATUSES = ("actief", "opgeschort", "beeindigd")
STATUS_NAMEN = {"actief": "actief", "opgeschort": "opgeschort", "beeindigd": "beëindigd"}  # for people


def check_contract(perceel: str, ob: str | None, niveau: str | None) -> None:
    """Raise RuleViolation when one contract line breaks the model's rules."""
    MODEL.check_contract(perceel, ob, niveau)


def check_contract_set(lines: list[tuple[str, str | None, str | None]]) -> None:
    """Rules across all of one aanbieder's contract lines (an aanbieder with niveau E delivers no
    A, B or C at all)."""
    MODEL.check_contract_set({niveau for _, _, niveau in lines})


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two validity periods share at least one day (None: open-ended)."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)


@cache  # asked for every facet count of a search
def dakjes_for(perceel: str | None) -> tuple[str, ...]:
    """The dakjes that belong to a perceel (all of them without one)."""
    return MODEL.modules_for("verblijf", perceel)


def check_dakje(dakje: str, ob_percelen: set[str]) -> None:
    """Dakje 1-3 needs an OB contract of a perceel the dakje belongs to, in the same gemeente for
    the same days (`ob_percelen`: the percelen of those OB contracts); pleegzorg and gezinshuis
    may stand alone."""
    MODEL.check_module("verblijf", dakje, ob_percelen)


def spoedhulp_for(perceel: str | None) -> bool:
    """Whether ambulante spoedhulp belongs to a perceel (or to a search without one)."""
    return MODEL.kenmerk_for("ambulante_spoedhulp", perceel)


def check_maatregelhulp(soort: str) -> None:
    """Raise RuleViolation for an unknown kind of maatregelhulp."""
    MODEL.check_module("maatregel", soort, set())


def check_spoedhulp(ambulante_spoedhulp: bool, coordinatiepunt: bool, percelen: set[str]) -> None:
    """Ambulante spoedhulp is part of OB Jeugd, and who offers it is connected to the regional
    coördinatiepunt triage en spoedhulp."""
    if ambulante_spoedhulp:
        MODEL.check_kenmerk("ambulante_spoedhulp", percelen, coordinatiepunt)
