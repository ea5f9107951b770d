"""Short phrases for inwoners, in the request's language: Twents-model terms in plain words with their
official code in brackets, and the contract lines and notices of a search."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from babel.lists import format_list

from keuzehulp.domain.taxonomy import labels
from keuzehulp.i18n import current_language, gettext, ngettext, seed_text
from keuzehulp.models import Gemeente
from keuzehulp.search.filters import ALL, SearchRequest, product_label


def plain_term(section: str, key, code: str) -> str:
    """A model's term in plain words, its official code in brackets when it has one: 'Rustige
    situatie (niveau A)'."""
    text = seed_text(labels()[section][key]["kort"])
    return f"{text} ({code})" if code else text


def product_code(product: str) -> str:
    """The code letters name a product by ('OB2'); empty for a model that names it only in words."""
    label = product_label(ALL, product)
    return "" if label == product else label


def term_labels(kind: str) -> dict[str, str]:
    """Labels of the Twents-model options (perceel, ob, niveau, dakje) in the current language."""
    terms = labels()
    if kind == "perceel":
        return {key: seed_text(item["label"]) for key, item in terms["percelen"].items()}
    if kind == "ob":
        return {ob: plain_term("producten", ob, product_code(ob)) for ob in terms["producten"]}
    if kind == "niveau":
        return {
            n: plain_term("niveaus", n, gettext("niveau %(niveau)s") % {"niveau": n})
            for n in terms["niveaus"]
        }
    return {d: plain_term("dakjes", d, gettext("dakje %(dakje)s") % {"dakje": d}) for d in terms["dakjes"]}


def scope_line(perceel: str | None, ob: str | None, niveaus: Iterable[str] = ()) -> str:
    """A contract scope in plain words, the official code in brackets, as in the wijkteam's letters:
    'Jeugdhulp: hulp bij dingen van elke dag (OB1, niveau A en C)'. Any part may be missing."""
    return _scope_line(perceel, ob, tuple(sorted(niveaus)), current_language())


@lru_cache(maxsize=1024)  # on every result card
def _scope_line(perceel: str | None, ob: str | None, niveaus: tuple[str, ...], language: str) -> str:
    terms = labels()
    naam = seed_text(terms["percelen"][perceel]["kort"]) if perceel else ""
    hulp = seed_text(terms["producten"][ob]["kort"]) if ob else ""
    hulp = hulp[:1].lower() + hulp[1:]  # it follows a colon or a comma
    codes = [product_code(ob)] if ob and product_code(ob) else []
    if niveaus:
        listed = format_list(list(niveaus), locale=language)
        codes.append(gettext("niveau %(niveaus)s") % {"niveaus": listed})
    text = (
        gettext("%(perceel)s: %(hulp)s") % {"perceel": naam, "hulp": hulp} if naam and hulp else naam or hulp
    )
    code = ", ".join(codes)
    return f"{text} ({code})" if text and code else text or code


def distance_text(km: float, origin) -> str:
    """A distance and where it is measured from: '1 km van Delden', '3 km van Enschede (centrum)'."""
    return gettext("%(km)s km van %(plaats)s") % {"km": f"{km:.0f}", "plaats": origin_name(origin)}


def origin_name(origin) -> str:
    """The woonplaats distances are measured from, or the centre of the gemeente."""
    if isinstance(origin, Gemeente):
        return gettext("%(gemeente)s (centrum)") % {"gemeente": origin.naam}
    return origin.naam


def contract_matches(request: SearchRequest, gemeente: str, perceel: str, ob, niveau) -> bool:
    """Whether one contract line answers the request's gemeente/perceel/OB/niveau filters."""
    return (
        (not request.gemeente or gemeente == request.gemeente)
        and (not request.perceel or perceel == request.perceel)
        and (not request.ob or ob == request.ob)
        and (not request.niveau or niveau == request.niveau)
    )


def matching_contracts(data: dict, request: SearchRequest) -> list[dict]:
    """The stored contract lines that match the request's gemeente/perceel/OB/niveau."""
    return [
        {"gemeente": gemeente, "perceel": perceel, "ob": ob, "niveau": niveau}
        for gemeente, perceel, ob, niveau in data["contracten"]
        if contract_matches(request, gemeente, perceel, ob, niveau)
    ]


def contract_summary(data: dict, request: SearchRequest, gemeente_namen: dict[str, str]) -> list[str]:
    """'Gecontracteerd in ...' and a `scope_line` per perceel and OB of the matching contracts."""
    lines = matching_contracts(data, request)
    if not lines:
        return []
    gemeenten = sorted({line["gemeente"] for line in lines})
    grouped: dict[tuple, set] = defaultdict(set)
    for line in lines:
        niveaus = grouped[(line["perceel"], line["ob"])]
        if line["niveau"]:
            niveaus.add(line["niveau"])
    ordered = sorted(grouped.items(), key=lambda i: (i[0][0], i[0][1] or ""))
    parts = [scope_line(perceel, ob, niveaus) for (perceel, ob), niveaus in ordered]
    if request.gemeente:
        where = gemeente_namen.get(request.gemeente, request.gemeente)
    elif len(gemeenten) == 1:
        where = gemeente_namen.get(gemeenten[0], gemeenten[0])
    else:
        where = ngettext("%(num)s gemeente", "%(num)s gemeenten", len(gemeenten)) % {"num": len(gemeenten)}
    return [gettext("Gecontracteerd in %(waar)s") % {"waar": where}] + parts


def letter_code_notice(search: SearchRequest) -> str | None:
    """What was read from a letter code in the typed text ('OB2B'), in plain words."""
    ob = search.ob if "ob" in search.from_text else None
    niveaus = [search.niveau] if "niveau" in search.from_text else []
    if ob is None and not niveaus:
        return None
    return gettext("We zoeken op: %(wat)s.") % {"wat": scope_line(None, ob, niveaus)}


def left_out_notice(words: tuple[str, ...]) -> str | None:
    """Which typed words were not searched for, because no aanbieder has them."""
    if not words:
        return None
    return ngettext(
        "We zochten niet op het woord %(woorden)s: geen aanbieder gebruikt het.",
        "We zochten niet op de woorden %(woorden)s: geen aanbieder gebruikt ze.",
        len(words),
    ) % {"woorden": ", ".join(f"'{word}'" for word in words)}


def search_notices(search: SearchRequest, result) -> list[str]:
    """Every plain-language note about a search, translated: letter code, left-out words and the
    engine's own notices."""
    notes = [letter_code_notice(search), left_out_notice(result.left_out_words)]
    return [note for note in notes if note] + [gettext(notice) for notice in result.notices]
