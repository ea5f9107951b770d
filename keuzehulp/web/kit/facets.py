"""Search facets as HTML: one fieldset per filter, each option with the number of results that
choosing it gives; options that give none are disabled.

Written in Python rather than as template macros: a search page has some eighty options, and
rendering them is most of the cost of every search nobody made before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlencode

from markupsafe import Markup, escape

from keuzehulp.i18n import gettext, ngettext
from keuzehulp.search.engine import FacetOption
from keuzehulp.search.filters import FILTERS, Filter, to_params
from keuzehulp.web.kit.presenters import term_labels


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


def _radio(name: str, legend: str, options: list[FacetOption], all_label: str, labels: dict, uitleg) -> str:
    checked = "" if any(o.selected for o in options) else " checked"
    field = escape(name)
    parts = [
        f'<fieldset class="facet" id="veld-{field}">\n<legend>{escape(legend)}</legend>\n',
        f'<div class="option"><input type="radio" id="{field}-alle" name="{field}" value=""{checked}>'
        f'<label for="{field}-alle">{escape(all_label)}</label></div>\n',
    ]
    parts += [_option("radio", name, o, labels[o.value]) for o in options]
    parts.append(f"{escape(uitleg)}</fieldset>\n")
    return "".join(parts)


def _checkboxes(name: str, legend: str, options: list[FacetOption], labels: dict) -> str:
    parts = [f'<fieldset class="facet" id="veld-{escape(name)}">\n<legend>{escape(legend)}</legend>\n']
    parts += [_option("checkbox", name, o, labels[o.value]) for o in options]
    parts.append("</fieldset>\n")
    return "".join(parts)


def option_labels(spec: Filter, options: Iterable[FacetOption]) -> dict[str, str]:
    """The shown label of each option of a filter, in the current language."""
    if spec.labels:
        own = term_labels(spec.labels)
        return {o.value: own.get(o.value) or gettext(o.label) for o in options}
    if spec.kind == "wachttijd":
        return {o.value: _weeks(int(o.value)) for o in options}
    return {o.value: gettext(o.label) for o in options}


def _weeks(weeks: int) -> str:
    return ngettext("Binnen %(num)s week", "Binnen %(num)s weken", weeks) % {"num": weeks}


def facet_fieldset(spec: Filter, options: Iterable[FacetOption], uitleg: Markup | str = "") -> Markup:
    """A filter's fieldset: a choice of one (with its "all" option) or checkboxes; none for a
    filter without options (one the gemeente's region model does not have)."""
    options = list(options)
    if not options:
        return Markup("")
    labels = option_labels(spec, options)
    legend = gettext(spec.legend)
    if spec.all_label:
        return Markup(_radio(spec.param, legend, options, gettext(spec.all_label), labels, uitleg))
    return Markup(_checkboxes(spec.param, legend, options, labels))


def chosen_filters(search, facets: dict, base: str, taxonomy) -> list[tuple[str, str]]:
    """Every chosen filter of a search as (label, URL of the same search without it), in the form's
    order: shown above the results, each removable with a plain link. Depends only on the search and
    the language, so it belongs in the shared rendering."""
    gemeente = taxonomy.gemeente(search.gemeente) if search.gemeente else None
    readable = replace(search, gemeente=gemeente.slug) if gemeente else search  # as the form sends it
    # The search's parameters (first page) are encoded once; a link leaves out one of them.
    pieces = [(name, value, urlencode([(name, value)])) for name, value in to_params(readable, pagina=1)]

    def without(param: str, value: str | None = None) -> str:
        kept = "&".join(p for name, v, p in pieces if name != param or (value is not None and v != value))
        return f"{base}?{kept}" if kept else base

    def label(spec: Filter, value) -> str:
        options = [o for o in facets.get(spec.param, ()) if o.value == str(value)]
        options = options or [FacetOption(str(value), spec.chip or str(value), 0, True)]
        return option_labels(spec, options)[str(value)]

    chosen: list[tuple[str, str]] = []
    for spec in FILTERS:
        if not spec.is_set(search):
            continue
        value = getattr(search, spec.field)
        if spec.param == "q":
            chosen.append((gettext("Zoekwoorden: %(woorden)s") % {"woorden": value}, without(spec.param)))
        elif spec.param == "gemeente":
            chosen.append((gemeente.naam if gemeente else value, without(spec.param)))
        elif spec.many:
            for one in value:
                chosen.append((label(spec, one), without(spec.param, spec.write(one))))
        else:
            chosen.append((label(spec, "ja" if value is True else value), without(spec.param)))
    return chosen
