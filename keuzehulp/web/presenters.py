"""Turn stored search data into short phrases for result cards, in the request's language."""

from __future__ import annotations

from collections import defaultdict

from keuzehulp.i18n import N_, gettext, ngettext
from keuzehulp.search.filters import SearchRequest

PERCEEL_NAMEN = {"jeugd": N_("Jeugd"), "wmo": N_("Wmo"), "dyslexie": N_("Dyslexie (EED)")}


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
    """Lines like 'Jeugd: OB2 niveau A, B' for the matching contracts, per perceel and OB."""
    lines = matching_contracts(data, request)
    if not lines:
        return []
    gemeenten = sorted({line["gemeente"] for line in lines})
    grouped: dict[tuple, set] = defaultdict(set)
    for line in lines:
        grouped[(line["perceel"], line["ob"])].add(line["niveau"])
    parts = []
    for (perceel, ob), niveaus in sorted(grouped.items(), key=lambda i: (i[0][0], i[0][1] or 0)):
        naam = gettext(PERCEEL_NAMEN[perceel])
        if ob is None:
            parts.append(naam)
        else:
            scope = gettext("%(perceel)s: OB%(ob)s niveau %(niveaus)s")
            parts.append(scope % {"perceel": naam, "ob": ob, "niveaus": ", ".join(sorted(niveaus))})
    if request.gemeente:
        where = gemeente_namen.get(request.gemeente, request.gemeente)
    elif len(gemeenten) == 1:
        where = gemeente_namen.get(gemeenten[0], gemeenten[0])
    else:
        where = ngettext("%(num)s gemeente", "%(num)s gemeenten", len(gemeenten)) % {"num": len(gemeenten)}
    return [gettext("Gecontracteerd in %(waar)s") % {"waar": where}] + parts


def letter_code_notice(search: SearchRequest) -> str | None:
    """What was read from a letter code in the typed text ('OB2B'), in plain words."""
    if "ob" in search.from_text and "niveau" in search.from_text:
        return gettext("We zoeken op ondersteuningsbehoefte %(ob)s, niveau %(niveau)s.") % {
            "ob": search.ob,
            "niveau": search.niveau,
        }
    if "ob" in search.from_text:
        return gettext("We zoeken op ondersteuningsbehoefte %(ob)s.") % {"ob": search.ob}
    if "niveau" in search.from_text:
        return gettext("We zoeken op niveau %(niveau)s.") % {"niveau": search.niveau}
    return None


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
