"""Compare 2-4 aanbieders side by side (/vergelijken) and keep the shortlist (/vergelijken/lijst)."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.resultaten import figures_for
from keuzehulp.i18n import gettext, ngettext, seed_text
from keuzehulp.queries.profiles import load_profiles, public_names
from keuzehulp.search.filters import SearchRequest
from keuzehulp.search.snapshot import haversine_km
from keuzehulp.web.kit.beschikbaarheid import profile_availability
from keuzehulp.web.kit.forms import read_form
from keuzehulp.web.kit.links import absolute_url
from keuzehulp.web.kit.presenters import contract_matches, distance_text, scope_line, term_labels
from keuzehulp.web.kit.render import render
from keuzehulp.web.kit.sessions import viewer
from keuzehulp.web.kit.shortlist import (
    MAX_SHORTLIST,
    comparison_context,
    is_slug,
    read_shortlist,
    remember_context,
    write_shortlist,
)
from keuzehulp.web.kit.templating import periode
from keuzehulp.web.kit.visitor import flash, message_html, visitor
from keuzehulp.web.public.budget import askable_slugs
from keuzehulp.web.public.search import parse_leniently


def _active_names(engine, slugs: list[str]) -> dict[str, str]:
    with Session(engine) as session:
        return public_names(session, slugs, clock.today())


async def vergelijken(request: Request):
    """The aligned comparison of the aanbieders in the URL (?a=...), or else the shortlist.

    A URL with other aanbieders than the visitor's shortlist is a shared comparison: "Haal weg" then
    links to the same comparison without that one, and the visitor may keep it as their own."""
    site = request.app.state.site
    own = read_shortlist(request)
    requested = request.query_params.getlist("a") or own
    messages = []
    slugs: list[str] = []
    for slug in requested:
        if slug in slugs:
            messages.append(gettext("U noemde een aanbieder twee keer; we tonen die één keer."))
        elif is_slug(slug):
            slugs.append(slug)
    if len(slugs) > MAX_SHORTLIST:
        messages.append(
            gettext("U kunt hooguit %(max)s aanbieders vergelijken. We tonen de eerste %(max)s.")
            % {"max": MAX_SHORTLIST}
        )
        slugs = slugs[:MAX_SHORTLIST]
    where = comparison_context(request)
    search, _ = parse_leniently(where, site.taxonomy)

    found = await run_in_threadpool(load_profiles, site.engine, slugs)
    profiles = [p for p in found if p is not None and p.is_public]
    unavailable = [p.aanbieder.naam for p in found if p is not None and not p.is_public]
    unknown = [slug for slug, p in zip(slugs, found, strict=True) if p is None]
    if unavailable:
        messages.append(
            ngettext(
                "Deze aanbieder is nu niet beschikbaar: %(namen)s.",
                "Deze aanbieders zijn nu niet beschikbaar: %(namen)s.",
                len(unavailable),
            )
            % {"namen": ", ".join(unavailable)}
        )
    if unknown:
        messages.append(
            ngettext(
                "Dit adres van een aanbieder kennen we niet: %(slugs)s.",
                "Deze adressen van aanbieders kennen we niet: %(slugs)s.",
                len(unknown),
            )
            % {"slugs": ", ".join(unknown)}
        )
    figures = await run_in_threadpool(_doelen_gehaald, site.engine, [p.aanbieder.id for p in profiles])
    # `sort` as on /zoeken; `sorteer` is what links made before 2026-12 say
    asked = request.query_params.get("sort") or request.query_params.get("sorteer")
    by_outcome = asked == "resultaat"
    if by_outcome:  # surest 'doelen gehaald' first: the interval's lower bound, never the raw rate
        pairs = sorted(zip(profiles, figures, strict=True), key=lambda pair: -_lower_bound(pair[1]))
        profiles, figures = [p for p, _ in pairs], [f for _, f in pairs]
    availability_line = site.templates.get_template("components/beschikbaarheid.html").module.regel
    rows = comparison_rows(profiles, search, site.taxonomy, availability_line)
    if any(figures):
        cells = [_describe(f) for f in figures]
        rows.append({"label": gettext("Doelen gehaald"), "cells": cells, "differs": len(set(cells)) > 1})
    shown = [p.aanbieder.slug for p in profiles]
    share_query = _comparison_query(shown, where)
    shared = bool(shown) and set(shown) != set(own)
    context = {
        "profiles": profiles,
        "rows": rows,
        "messages": list(dict.fromkeys(messages)),
        "search": search,
        "share_query": share_query,
        "share_url": absolute_url(request, "vergelijken") + "?" + share_query,
        "shared": shared,
        "own_count": len(own),
        "without": {
            slug: _comparison_query([s for s in shown if s != slug], where, by_outcome) for slug in shown
        },
        "gemeente": _gemeente_of(search, site.taxonomy),
        "wijkteam": getattr(await viewer(request), "rol", None) == "wijkteam",
        "askable": await askable_slugs(request, profiles),
        "by_outcome": by_outcome,
        "vandaag": clock.today(),
    }
    return render(request, "pages/vergelijken.html", context)


def _comparison_query(slugs: list[str], where, by_outcome: bool = False) -> str:
    """The query string of a comparison of these aanbieders in this search context."""
    sort = [("sort", "resultaat")] if by_outcome else []
    return urlencode([("a", slug) for slug in slugs] + where.multi_items() + sort)


def _gemeente_of(search: SearchRequest, taxonomy):
    """The gemeente of the search the comparison belongs to (or of its woonplaats), or None."""
    if search.gemeente and (gemeente := taxonomy.gemeente(search.gemeente)):
        return gemeente
    if search.woonplaats and (kern := taxonomy.kern(search.woonplaats)):
        return taxonomy.gemeente_by_id(kern.gemeente_id)
    return None


def _doelen_gehaald(engine, ids: list[int]) -> list:
    """The newest 'doelen gehaald' (3.4) figure of each aanbieder, or None."""
    with Session(engine) as session:
        return [
            next((f for f in figures_for(session, aid, clock.today()) if f.indicator.code == "3.4"), None)
            for aid in ids
        ]


def _lower_bound(figure) -> float:
    return figure.interval[0] if figure is not None and figure.shown else -1.0


def _describe(figure) -> str:
    if figure is None:
        return gettext("Geen resultaten")
    if not figure.shown:
        return gettext("Te weinig gegevens (%(periode)s)") % {"periode": periode(figure.periode)}
    low, high = figure.interval
    return gettext("%(rate)s van %(noemer)s cliënten, %(periode)s (waarschijnlijk %(low)s-%(high)s)") % {
        "rate": f"{figure.rate:.0%}",
        "noemer": figure.noemer,
        "periode": periode(figure.periode),
        "low": f"{low:.0%}",
        "high": f"{high:.0%}",
    }


def yes_no(value: bool) -> str:
    """'Ja' or 'Nee' in the current language."""
    return gettext("Ja") if value else gettext("Nee")


def listed(items, empty: str = "") -> str:
    """Items joined by commas, or `empty` (else 'Geen') when there are none."""
    return ", ".join(items) or empty or gettext("Geen")


def comparison_rows(profiles, search: SearchRequest, taxonomy, availability_line) -> list[dict]:
    """One row per aspect, one cell per aanbieder; `differs` marks rows with different values.
    `availability_line` renders the wachttijd that matches the search (the `regel` macro)."""
    gemeente = taxonomy.gemeente(search.gemeente) if search.gemeente else None
    origin = taxonomy.distance_origin(search.woonplaats, search.gemeente)
    today = clock.today()

    def contracted(p) -> str:
        if not any((search.gemeente, search.perceel, search.ob, search.niveau)):
            count = len({g.cbs_code for _, g in p.contracten})
            return ngettext("In %(num)s gemeente", "In %(num)s gemeenten", count) % {"num": count}
        found = any(
            contract_matches(search, g.cbs_code, c.perceel, c.product, c.variant) for c, g in p.contracten
        )
        return yes_no(found)

    def distance(p) -> str:
        public = [v for v in p.public_vestigingen if "lat" in v]
        if origin is None or not public:
            return gettext("Onbekend")
        km = min(float(haversine_km(origin.lat, origin.lon, v["lat"], v["lon"])) for v in public)
        return distance_text(km, origin)

    def wachttijd(p) -> str:
        return Markup(str(availability_line(profile_availability(p, search, today))).strip())

    def dakjes(p) -> str:
        names = term_labels("dakje")
        return listed(names[d] for d in sorted({d.dakje for d, _ in p.dakjes}))

    criteria = []
    if any((search.gemeente, search.perceel, search.ob, search.niveau)):
        scope = scope_line(search.perceel, search.ob, [search.niveau] if search.niveau else [])
        parts = [gemeente.naam if gemeente else "", scope]
        label = gettext("Contract voor %(wat)s") % {"wat": ", ".join(x for x in parts if x)}
        criteria.append((label, contracted))
    else:
        criteria.append((gettext("Contracten"), contracted))
    unknown = gettext("Niet opgegeven")

    def seed_names(items, attribute: str = "naam") -> str:
        return listed((seed_text(getattr(item, attribute)) for item in items), unknown)

    criteria += [
        (gettext("Wonen en verblijf"), dakjes),
        (gettext("Specialisaties"), lambda p: seed_names(p.specialisaties, "label_b1")),
        (gettext("Voor wie"), lambda p: seed_names(p.doelgroepen)),
        (gettext("Talen"), lambda p: seed_names(p.talen)),
        (gettext("Wachttijd"), wachttijd),
        (
            gettext("Snel hulp thuis bij een crisis (ambulante spoedhulp)"),
            lambda p: yes_no(p.aanbieder.ambulante_spoedhulp),
        ),
        (gettext("Afstand"), distance),
        (gettext("Vestigingen"), lambda p: listed(sorted({v["plaats"] for v in p.public_vestigingen}))),
        (gettext("Telefoon"), lambda p: p.aanbieder.telefoon or unknown),
        (gettext("Website"), lambda p: p.aanbieder.website.replace("https://", "") or unknown),
    ]
    rows = []
    for label, value in criteria:
        cells = [value(p) for p in profiles]
        rows.append({"label": label, "cells": cells, "differs": len(set(cells)) > 1})
    rows[-1]["address"] = True  # the website: may break after its dots, not a word
    return rows


async def lijst(request: Request):
    """Add to, remove from or empty the shortlist; back to where the visitor was."""
    site = request.app.state.site
    form = await read_form(request)
    slug, actie = str(form.get("slug", "")), str(form.get("actie", ""))
    terug = str(form.get("terug", "/"))
    if not terug.startswith("/") or terug.startswith("//"):
        terug = "/"
    slugs = read_shortlist(request)
    added = False
    names = await run_in_threadpool(_active_names, site.engine, [slug]) if is_slug(slug) else {}
    naam = names.get(slug, "")
    if actie == "leegmaken":
        slugs, message = [], gettext("Uw vergelijking is leeg.")
    elif actie == "bewaren":  # a shared comparison becomes the visitor's own
        shared = [s for s in dict.fromkeys(form.getlist("a")) if is_slug(s)][:MAX_SHORTLIST]
        active = await run_in_threadpool(_active_names, site.engine, shared)
        slugs = [s for s in shared if s in active]
        message = gettext("Deze vergelijking is nu uw eigen vergelijking.")
        added = bool(slugs)
    elif slug not in names:
        message = gettext("Deze aanbieder kennen we niet of is nu niet beschikbaar.")
    elif actie == "verwijderen":
        slugs = [s for s in slugs if s != slug]
        message = gettext("%(naam)s is uit uw vergelijking gehaald.") % {"naam": naam}
    elif slug in slugs:
        message = gettext("%(naam)s staat al in uw vergelijking.") % {"naam": naam}
    elif len(slugs) >= MAX_SHORTLIST:
        message = gettext("U kunt hooguit %(max)s aanbieders vergelijken. Haal er eerst een weg.") % {
            "max": MAX_SHORTLIST
        }
    else:
        slugs.append(slug)
        message = gettext("%(naam)s staat nu in uw vergelijking (%(aantal)s van %(max)s).") % {
            "naam": naam,
            "aantal": len(slugs),
            "max": MAX_SHORTLIST,
        }
        added = True
    in_lijst = slug in slugs
    if request.headers.get("hx-request") == "true":
        answer = {
            "slug": slug,
            "naam": naam,
            "terug": terug,
            "in_lijst": in_lijst,
            "aantal": len(slugs),
            "message": message,
            "message_html": message_html,
        }
        response = render(request, "partials/vergelijk_antwoord.html", answer)
    else:
        response = RedirectResponse(terug, status_code=303)
        flash(response, message, vergelijking=in_lijst, bij=slug if slug in names else "")
        visitor(request).finish(response)  # render() does this for the htmx answer
    write_shortlist(response, slugs)
    if added:
        remember_context(response, terug)
    return response


routes = [
    Route("/vergelijken", vergelijken, name="vergelijken"),
    Route("/vergelijken/lijst", lijst, methods=["POST"], name="vergelijk_lijst"),
]
