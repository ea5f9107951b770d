"""Jinja2 set-up: autoescaped templates, gettext, dates, weeks and periods in the request's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context, select_autoescape
from markupsafe import Markup
from starlette.routing import Router
from starlette.templating import Jinja2Templates

from keuzehulp import i18n
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.domain.taxonomy import labels
from keuzehulp.domain.twents_model import STATUS_NAMEN
from keuzehulp.domain.validation import published_link
from keuzehulp.i18n import N_
from keuzehulp.search.filters import FILTERS, to_params
from keuzehulp.web.kit import facets
from keuzehulp.web.kit.beschikbaarheid import hulp_kort, hulp_label, vers_weken
from keuzehulp.web.kit.language import dutch_only, switch_url
from keuzehulp.web.kit.presenters import product_code, scope_line, term_labels

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def datum(value: date | str | None) -> str:
    """'2026-11-23' -> '23 november 2026' (or 'November 23, 2026' in English)."""
    if value is None:
        return i18n.gettext("onbekend")
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "long", locale=i18n.current_language())


def tijdstip(value: datetime | None) -> str:
    """A moment in Dutch local time: '23 november 2026, 14:05'."""
    if value is None:
        return i18n.gettext("onbekend")
    if value.tzinfo is None:  # a naive moment is UTC (as the database stores it), never the server's zone
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(AMSTERDAM)
    return f"{datum(local.date())}, {local:%H:%M}"


def maand(value: date) -> str:
    """A month in words: 'januari 2026' (or 'January 2026' in English)."""
    return format_date(value, "MMMM y", locale=i18n.current_language())


def getal(value: float | int | None, empty: str = "-") -> str:
    """A number as people read it in the request's language: 5.5 -> '5,5' in Dutch."""
    if value is None:
        return empty
    return format_decimal(value, format="#,##0.#", locale=i18n.current_language())


def procent(part: int, whole: int) -> str:
    """A share as a percentage with at most one decimal: (8, 16) -> "50%", (1, 420) -> "0,2%"."""
    return format_percent(part / whole if whole else 0, format="#,##0.#%", locale=i18n.current_language())


def weken(value: int | None) -> str:
    """Wachttijd in plain words."""
    if value is None:
        return i18n.gettext("onbekend")
    if value == 0:
        return i18n.gettext("geen wachttijd")
    return i18n.ngettext("%(num)s week", "%(num)s weken", value) % {"num": value}


PERIOD_PARTS = {
    "H1": N_("eerste helft van %(jaar)s"),
    "H2": N_("tweede helft van %(jaar)s"),
    "Q1": N_("eerste kwartaal van %(jaar)s"),
    "Q2": N_("tweede kwartaal van %(jaar)s"),
    "Q3": N_("derde kwartaal van %(jaar)s"),
    "Q4": N_("vierde kwartaal van %(jaar)s"),
}


def periode(value: str) -> str:
    """A period of outcome figures in words: '2026-H1' -> 'eerste helft van 2026', '2026' stays '2026'."""
    jaar, _, part = value.partition("-")
    return i18n.gettext(PERIOD_PARTS[part]) % {"jaar": jaar} if part in PERIOD_PARTS else value


def in_page_order(errors: dict[str, str], form: str) -> list[tuple[str, str]]:
    """The (field, message) pairs in the order the fields appear in the form's HTML; an error
    without a field in it comes last. The one order of every error summary."""

    def position(item: tuple[str, str]) -> int:
        found = form.find(f'id="{item[0]}"')
        return found if found >= 0 else len(form)

    return sorted(errors.items(), key=position)


@lru_cache(maxsize=8192)
def search_url(base: str, search, **changes) -> str:
    """URL of a search with some parameters changed (remembered: pages link to the same URLs)."""
    query = urlencode(to_params(search, **changes))
    return f"{base}?{query}" if query else base


SORT_LABELS = {
    "willekeurig": N_("Willekeurig"),
    "relevantie": N_("Beste match met zoekwoorden"),
    "wachttijd": N_("Kortste wachttijd"),
    "naam": N_("Naam (A-Z)"),
    "afstand": N_("Dichtstbij"),
    "resultaat": N_("Meeste doelen gehaald"),
}


def path_function(router: Router):
    """A template global `path(name, **params)`: the URL path of a named route, memoised.

    Paths (not absolute URLs) keep rendered fragments independent of the host they were served on.
    """

    @lru_cache(maxsize=4096)
    def cached(name: str, params: tuple) -> str:
        return str(router.url_path_for(name, **dict(params)))

    def path(name: str, **params) -> str:
        return cached(name, tuple(sorted(params.items())))

    return path


class SharedGlobalsTemplate(Template):
    """A template of an environment whose templates have no globals of their own.

    On every `{% from ... import %}` Jinja compares the importer's globals with the imported
    template's, to render the imported one anew when they differ. Here they never differ, so the
    imported template's module is rendered once (the comparison alone cost a twentieth of a page).
    """

    def _get_default_module(self, ctx=None):
        return super()._get_default_module(None)


def make_templates() -> Jinja2Templates:
    """The template renderer with filters and globals."""
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.template_class = SharedGlobalsTemplate
    install_translations(env)
    env.globals["current_language"] = i18n.current_language
    env.globals["other_language"] = i18n.other_language
    env.globals["switch_url"] = switch_url
    env.globals["dutch_only"] = dutch_only
    env.filters["datum"] = datum
    env.filters["weken"] = weken
    env.filters["tijdstip"] = tijdstip
    env.filters["maand"] = maand
    env.filters["getal"] = getal
    env.globals["procent"] = procent
    env.filters["periode"] = periode
    env.filters["link"] = published_link
    env.filters["in_page_order"] = in_page_order
    env.globals["search_url"] = search_url
    env.globals["labels"] = labels()
    env.globals["term_labels"] = term_labels
    env.globals["product_code"] = product_code
    env.globals["scope_line"] = scope_line
    env.globals["hulp_label"] = hulp_label
    env.globals["hulp_kort"] = hulp_kort
    env.globals["vers_weken"] = vers_weken
    env.globals["sort_labels"] = SORT_LABELS
    env.globals["status_namen"] = STATUS_NAMEN
    env.globals["facet_fieldset"] = facets.facet_fieldset
    env.globals["search_filters"] = [spec for spec in FILTERS if spec.legend]  # the form's fieldsets
    env.globals["chosen_filters"] = facets.chosen_filters
    env.globals["static_part"] = static_part_function(env)
    return Jinja2Templates(env=env)


def install_translations(env: Environment) -> None:
    """Jinja's new-style `_()` and `gettext()`, with each message without variables translated
    and escaped once per language (a search page has some seventy)."""
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    translate = env.globals["gettext"]

    @lru_cache(maxsize=4096)
    def plain(message: str, language: str) -> Markup:
        return Markup(i18n.translations(language).gettext(message)) % {}

    @pass_context
    def gettext(context, message: str, **variables):
        if variables or not context.eval_ctx.autoescape:
            return translate(context, message, **variables)
        return plain(message, i18n.current_language())

    env.globals.update(gettext=gettext, _=gettext)


def static_part_function(env: Environment):
    """A template global `static_part(name)`: a template that depends only on the language,
    rendered once per language."""

    @lru_cache(maxsize=64)
    def rendered(name: str, language: str) -> Markup:
        return Markup(env.get_template(name).render())

    def static_part(name: str) -> Markup:
        return rendered(name, i18n.current_language())

    return static_part
