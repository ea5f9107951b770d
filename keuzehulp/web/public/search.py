"""The start page and search: results with facets, name suggestions while typing."""

from __future__ import annotations

import secrets
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.twents_model import spoedhulp_for
from keuzehulp.i18n import current_language, other_language
from keuzehulp.search.documents import availability_data
from keuzehulp.search.engine import visitor_seed
from keuzehulp.search.filters import (
    MAX_QUERY_LENGTH,
    SORTS,
    InvalidSearch,
    SearchRequest,
    parse_search,
    to_params,
)
from keuzehulp.search.relax import relaxations
from keuzehulp.search.suggest import name_suggestions
from keuzehulp.web.kit.beschikbaarheid import matching_availability
from keuzehulp.web.kit.cookies import set_token_cookie
from keuzehulp.web.kit.language import switch_url
from keuzehulp.web.kit.presenters import contract_summary, distance_text, origin_name, search_notices
from keuzehulp.web.kit.render import RenderedTemplateResponse, render
from keuzehulp.web.kit.searchwork import run_search_work
from keuzehulp.web.kit.shortlist import read_shortlist
from keuzehulp.web.kit.templating import search_url
from keuzehulp.web.kit.visitor import (
    MARKERS,
    marker_context,
    slot_values,
    split_at_markers,
    visitor,
    with_slots,
)


def _site(request: Request):
    return request.app.state.site


ORDER_COOKIE = "kh_volgorde"


async def home(request: Request):
    """Start page: search box, gemeente choice, entry to the keuzehulp."""
    return render(request, "pages/home.html", {})


def _order_token(request: Request) -> tuple[str, bool]:
    token = request.cookies.get(ORDER_COOKIE, "")
    if len(token) == 32 and token.isalnum():
        return token, False
    return secrets.token_hex(16), True


async def zoeken(request: Request):
    """Search results with facets; the results fragment alone for htmx requests.

    What does not depend on the visitor is rendered once per index generation and language: the
    page without its result cards per search, kind (page or fragment) and role of a signed-in user
    (whose account bar is filled in like the CSRF token, per visitor), the cards of a page of
    results per search and order variant, and each card per aanbieder, scope of the search and
    distance. A visitor's page then costs a join, answered on the event loop, like one that needs a
    slice of a cached order; anything that must be computed runs in a search thread, so a slow
    search never holds up other requests (health checks included).
    """
    site = _site(request)
    query = request.scope["query_string"].decode("utf-8", "replace")
    fragment = request.headers.get("hx-request") == "true"
    clean = _without_empty(request.url.path, query)
    if clean and not fragment:
        return RedirectResponse(clean, status_code=302)
    search, errors = _parse_query(query, current_language(), site.taxonomy)
    snapshot = site.index.snapshot()
    token, new_token = _order_token(request)
    seed = visitor_seed(token, clock.today())
    page = _SearchPage(request, search, errors, snapshot, seed, fragment)
    if page.is_quick():
        response = page.response()
    else:
        response = await run_search_work(page.response)
    if clean:  # htmx sends the whole filter form: the address bar gets the clean URL
        response.headers["HX-Push-Url"] = clean
    if new_token:
        set_token_cookie(response, ORDER_COOKIE, token, max_age=86400)
    return response


@lru_cache(maxsize=4096)
def _without_empty(path: str, query: str) -> str | None:
    """The search URL without its empty parameters (`ob=&sort=`, as a GET form sends them), or None
    when it has none."""
    params = QueryParams(query).multi_items()
    if all(value != "" for _, value in params):
        return None
    kept = urlencode([(name, value) for name, value in params if value != ""])
    return f"{path}?{kept}" if kept else path


class _SearchPage:
    """The search page or fragment for one visitor: the shared page with the cards of its results."""

    def __init__(self, request: Request, search: SearchRequest, errors: dict, snapshot, seed: int, fragment):
        self.request, self.search, self.errors = request, search, errors
        self.snapshot, self.seed = snapshot, seed
        self.services = _site(request)
        self.template = "partials/zoeken_fragment.html" if fragment else "pages/zoeken.html"
        language = current_language()
        self.person = visitor(request)  # a signed-in user's page is kept apart per role (never their bar)
        self.page_key = (self.template, search, language, tuple(errors.items()), self.person.rol)
        self.cards_key = (search, seed, language)
        self._result = None

    def is_quick(self) -> bool:
        """Whether the page needs no more than cached parts and a slice or a short sort of its
        results, so that it may be answered on the event loop."""
        snapshot = self.snapshot
        return snapshot.has("page", self.page_key) and (
            snapshot.has("results", self.cards_key)
            or self.services.search.is_quick(snapshot, self.search, self.seed)
        )

    def result(self):
        """The search's result (only computed when a part must be rendered)."""
        if self._result is None:
            self._result = self.services.search.search(self.snapshot, self.search, self.seed)
        return self._result

    def context(self) -> dict:
        site, search, result = self.services, self.search, self.result()
        origin = site.taxonomy.distance_origin(search.woonplaats, search.gemeente)
        return marker_context() | {
            "search": search,
            "notices": search_notices(search, result),
            "result": result,
            "errors": self.errors,
            "sorts": SORTS,
            "demo": site.demo,
            "taxonomy": site.taxonomy,
            "gemeente": site.taxonomy.gemeente(search.gemeente) if search.gemeente else None,
            "afstand_vanaf": origin_name(origin) if origin else None,
            "rol": self.person.rol,
        }

    def render_page(self) -> list[bytes]:
        site, search, result = self.services, self.search, self.result()
        context = self.context() | {
            "language_switch": language_switch(search, site.taxonomy),
            "relaxations": [] if result.total else relaxations(site.search, self.snapshot, search),
        }
        return split_at_markers(site.templates.get_template(self.template).render(context).encode())

    def render_cards(self) -> bytes:
        card = _card_maker(self.services, self.snapshot, self.search)
        return b"".join([card(hit) for hit in self.result().hits])

    def response(self) -> RenderedTemplateResponse:
        site, snapshot = self.services, self.snapshot
        pieces = snapshot.memo("page", self.page_key, self.render_page)
        cards = snapshot.memo("results", self.cards_key, self.render_cards)
        person = self.person
        terug = _return_to(site.templates.env.globals["path"]("zoeken"), self.search)
        parts = {"kaarten": cards % slot_values(terug=terug, csrf=person.csrf)}
        if shortlist := read_shortlist(self.request):
            parts["kaarten"] = self._mark_chosen(parts["kaarten"], shortlist, terug)
        if person.melding_bij:  # "Vergelijk" without JavaScript: the answer shows in its card
            parts = _message_in_card(parts, person.melding_bij, str(person.context()["melding"]).encode())
        body = person.personalise(pieces, parts)
        status = 400 if self.errors else 200
        response = RenderedTemplateResponse(body, self.template, self.context, status_code=status)
        person.finish(response)
        response.headers["Vary"] = "HX-Request"
        return response

    def _mark_chosen(self, cards: bytes, shortlist: list[str], terug: str) -> bytes:
        """The cards are shared by every visitor and say "Vergelijk": for this visitor, those of the
        aanbieders in its shortlist say "In vergelijking" (pressing it takes one out)."""
        names = {hit.data["slug"]: hit.data["naam"] for hit in self.result().hits}
        knop = self.services.templates.env.get_template("components/vergelijk.html").module.vergelijk_knop
        for slug in shortlist:
            button = cards.find(f'id="vergelijk-{slug}"'.encode())
            if slug not in names or button < 0:
                continue
            start = cards.rindex(b'<div class="vergelijk">', 0, button)
            end = cards.index(b"</div>", cards.index(b"</form>", button)) + len(b"</div>")
            back = Markup(f"{terug}#resultaat-{slug}")  # terug is escaped already
            chosen = knop(slug, names[slug], back, self.person.csrf, in_lijst=True)
            cards = cards[:start] + str(chosen).strip().encode() + cards[end:]
        return cards


def _message_in_card(parts: dict[str, bytes], slug: str, melding: bytes) -> dict[str, bytes]:
    """The one-time message under the "Vergelijk" button of the aanbieder's card, where htmx would
    put it, instead of at the top of the page (unless that card is not on this page)."""
    cards = parts["kaarten"]
    button = cards.find(f'id="vergelijk-{slug}"'.encode())
    if button < 0:
        return parts
    end = cards.index(b"</form>", button) + len(b"</form>")
    return parts | {"kaarten": cards[:end] + melding + cards[end:], "melding": b""}


@lru_cache(maxsize=4096)
def _return_to(zoeken_path: str, search: SearchRequest) -> str:
    """The search a card's form returns to, escaped for an attribute."""
    return str(escape(search_url(zoeken_path, search)))


def _card_maker(site, snapshot, search: SearchRequest):
    """A function from a hit to its result card, with slots for the page's values (csrf, terug): kept
    whole per document, language, scope of the search and distance. A card's body is rendered once
    per aanbieder and language (and whether spoedhulp may show: not for Wmo)."""
    language = current_language()
    spoed = spoedhulp_for(search.perceel)  # not on a Wmo card
    context = (language, spoed, search.gemeente, search.perceel, search.ob, search.niveau)
    origin = site.taxonomy.distance_origin(search.woonplaats, search.gemeente)
    today = clock.today()

    def card(hit) -> bytes:
        distance = ""
        if hit.distance_km is not None and origin is not None:
            distance = " · " + distance_text(hit.distance_km, origin)
        parsed = snapshot.memo("stored", ("beschikbaarheid", hit.docnum), lambda: availability_data(hit.data))
        found = matching_availability(hit.data, search, today, parsed)
        key = (hit.docnum, context, distance, found)
        return snapshot.memo("card", key, lambda: assemble(hit, distance, found))

    def render_body(hit) -> list[bytes]:
        template_context = marker_context() | {
            "data": hit.data,
            "spoed": spoed,
            "specialisatie_labels": site.taxonomy.specialisatie_labels,
        }
        html = site.templates.get_template("components/resultaat_kaart.html").render(template_context)
        return split_at_markers(html.encode())

    def wachttijd(found) -> bytes:
        line = site.templates.get_template("components/beschikbaarheid.html").module.regel(found)
        return str(line).strip().encode()

    def assemble(hit, distance: str, found) -> bytes:
        lines = contract_summary(hit.data, search, site.taxonomy.gemeente_namen)
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        line = snapshot.memo("wachttijd", (language, found), lambda: wachttijd(found))
        values = {
            MARKERS["contract"].encode(): f'<ul class="contract">{items}</ul>'.encode() if lines else b"",
            MARKERS["afstand"].encode(): str(escape(distance)).encode(),
            MARKERS["wachttijd"].encode(): line,
        }
        body = snapshot.memo("card-body", (hit.docnum, language, spoed), lambda: render_body(hit))
        return with_slots(b"".join([values.get(piece, piece) for piece in body]), "csrf", "terug")

    return card


def language_switch(search: SearchRequest, taxonomy) -> str:
    """The same search in the other language (gemeente by its readable slug)."""
    gemeente = taxonomy.gemeente(search.gemeente) if search.gemeente else None
    params = to_params(replace(search, gemeente=gemeente.slug if gemeente else None))
    return switch_url("/zoeken", urlencode(params), other_language())


@lru_cache(maxsize=4096)
def _parse_query(query: str, language: str, taxonomy) -> tuple[SearchRequest, dict[str, str]]:
    """parse_leniently of a query string, remembered: returning visitors repeat their searches.
    The language is part of the key because the messages are translated."""
    return parse_leniently(QueryParams(query), taxonomy)


def parse_leniently(params, taxonomy) -> tuple[SearchRequest, dict[str, str]]:
    """Parse a search; on bad values, search with the rest and return the Dutch errors too."""
    try:
        return parse_search(params, taxonomy), {}
    except InvalidSearch as error:
        kept = [(k, v) for k, v in params.multi_items() if k not in error.details]
        if "q" in error.details:
            kept.append(("q", params.get("q", "")[:MAX_QUERY_LENGTH]))
        return parse_search(QueryParams(kept), taxonomy), error.details


def suggesties(request: Request):
    """Names of aanbieders that start like the typed text, in alphabetical order (htmx fragment)."""
    site = _site(request)
    typed = request.query_params.get("q", "")[:100]
    names = name_suggestions(site.index.snapshot(), typed)
    return render(request, "partials/suggesties.html", {"names": names})


routes = [
    Route("/", home, name="home"),
    Route("/zoeken", zoeken, name="zoeken"),
    Route("/zoeken/suggesties", suggesties, name="suggesties"),
]
