"""Search facets as HTML: one fieldset per filter, each option with the number of results that
choosing it gives; options that give none are disabled.

Written in Python rather than as template macros: a search page has some eighty options, and
rendering them is most of the cost of every search nobody made before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from markupsafe import Markup, escape

from keuzehulp.i18n import gettext, ngettext
from keuzehulp.search.engine import FacetOption
from keuzehulp.web.presenters import term_labels


@lru_cache(maxsize=8192)
def _option_parts(kind: str, name: str, value: str, label: str) -> tuple[str, str]:
    """The fixed parts of an option's HTML, around its flags and its count."""
    ident = escape(f"{name}-{value}")
    head = f'<input type="{kind}" id="{ident}" name="{escape(name)}" value="{escape(value)}"'
    tail = f'><label for="{ident}">{escape(label)} <span class="count">('
    return head, tail


def _option(kind: str, name: str, option: FacetOption, label: str) -> str:
    empty = option.count == 0 and not option.selected
    head, tail = _option_parts(kind, name, option.value, label)
    return (
        f'<div class="option{" leeg" if empty else ""}">{head}'
        f"{' checked' if option.selected else ''}{' disabled' if empty else ''}"
        f"{tail}{option.count})</span></label></div>\n"
    )


def radio_facet(
    name: str,
    legend: str,
    options: Iterable[FacetOption],
    all_label: str,
    option_labels: dict[str, str] | None = None,
    uitleg: Markup | str = "",
) -> Markup:
    """A choice of one option, or 'all' (`all_label`); `option_labels` override the options' own labels."""
    options = list(options)
    labels = option_labels or {}
    checked = "" if any(o.selected for o in options) else " checked"
    field = escape(name)
    parts = [
        f'<fieldset class="facet" id="veld-{field}">\n<legend>{escape(legend)}</legend>\n',
        f'<div class="option"><input type="radio" id="{field}-alle" name="{field}" value=""{checked}>'
        f'<label for="{field}-alle">{escape(all_label)}</label></div>\n',
    ]
    parts += [_option("radio", name, o, labels.get(o.value) or gettext(o.label)) for o in options]
    parts.append(f"{escape(uitleg)}</fieldset>\n")
    return Markup("".join(parts))


def checkbox_facet(name: str, legend: str, options: Iterable[FacetOption]) -> Markup:
    """Any number of options."""
    parts = [f'<fieldset class="facet" id="veld-{escape(name)}">\n<legend>{escape(legend)}</legend>\n']
    parts += [_option("checkbox", name, o, gettext(o.label)) for o in options]
    parts.append("</fieldset>\n")
    return Markup("".join(parts))


def chosen_filters(search, facets: dict, base: str, taxonomy) -> list[tuple[str, str]]:
    """Every chosen filter of a search as (label, URL of the same search without it), in the form's
    order: shown above the results, each removable with a plain link. Depends only on the search and
    the language, so it belongs in the shared rendering."""
    from keuzehulp.web.templating import search_url  # templating imports this module

    def facet_label(name: str, value: str) -> str:
        for option in facets.get(name, ()):
            if option.value == value:
                return gettext(option.label)
        return value

    gemeente = taxonomy.gemeente(search.gemeente) if search.gemeente else None
    readable = replace(search, gemeente=gemeente.slug) if gemeente else search  # as the form sends it

    def without(**changes) -> str:
        return search_url(base, readable, pagina=1, **changes)

    chosen: list[tuple[str, str]] = []
    if search.q:
        chosen.append((gettext("Zoekwoorden: %(woorden)s") % {"woorden": search.q}, without(q="")))
    if search.gemeente:
        chosen.append((gemeente.naam if gemeente else search.gemeente, without(gemeente=None)))
    for name in ("perceel", "ob", "niveau", "dakje"):
        value = getattr(search, name)
        if value is not None:
            label = term_labels(name).get(str(value), str(value))
            chosen.append((label, without(**{name: None})))
    for slug in search.specialisatie:
        rest = tuple(s for s in search.specialisatie if s != slug)
        chosen.append((facet_label("specialisatie", slug), without(specialisatie=rest)))
    for name in ("doelgroep", "taal"):
        if value := getattr(search, name):
            chosen.append((facet_label(name, value), without(**{name: None})))
    if search.spoedhulp:
        label = facet_label("spoedhulp", "ja")
        chosen.append((gettext("Spoedhulp") if label == "ja" else label, without(spoedhulp=False)))
    if search.met_resultaten:
        chosen.append((gettext("Alleen met resultaten"), without(met_resultaten=False)))
    if search.max_wachttijd is not None:
        weeks = search.max_wachttijd
        label = ngettext("Hooguit %(num)s week", "Hooguit %(num)s weken", weeks) % {"num": weeks}
        chosen.append((label, without(max_wachttijd=None)))
    return chosen
