"""The guided questions (/keuzehulp): one question per step, then the matching search."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.validation import whole_number
from keuzehulp.i18n import other_language
from keuzehulp.search.relax import relaxations
from keuzehulp.services import guided_questions as kh
from keuzehulp.web.kit.language import switch_url
from keuzehulp.web.kit.render import render


def keuzehulp(request: Request):
    """One question per step; the overview links to the matching search results."""
    site = request.app.state.site
    antwoorden, errors = kh.parse_antwoorden(request.query_params, site.taxonomy)
    step = antwoorden.first_open_step()
    if requested := whole_number(request.query_params.get("stap"), 1, step):
        step = requested
    if errors:
        step = 1 if "woonplaats" in errors else 3
    # step 3 asks "do you have a letter?" and then what is in it or what help; "Vorige vraag" from
    # the second question asks the first again, with its answer kept
    ask_besluit = step == 3 and not errors and request.query_params.get("vraag") == "besluit"
    is_htmx = request.headers.get("hx-request") == "true"
    context = {
        "antwoorden": antwoorden,
        "errors": errors,
        "step": step,
        "ask_besluit": ask_besluit,
        "steps": kh.STEPS,
        "overzicht": kh.OVERZICHT,
        "kh": kh,
        "model": kh.model_of(antwoorden.woonplaats, site.taxonomy),  # the woonplaats's region model
        "query": lambda **changes: urlencode(antwoorden.params(**changes)),
        "typed": request.query_params,
        "language_switch": switch_url(
            "/keuzehulp",
            urlencode(antwoorden.params() + [("stap", str(step))] + [("vraag", "besluit")] * ask_besluit),
            other_language(),
        ),
        "fragment": is_htmx,
    }
    if step == kh.OVERZICHT:
        uitkomst = kh.to_search(antwoorden, site.taxonomy)
        snapshot = site.index.snapshot()
        total = site.search.count(snapshot, uitkomst.request)
        context |= {
            "uitkomst": uitkomst,
            "total": total,
            "relaxations": [] if total else relaxations(site.search, snapshot, uitkomst.request),
        }
    template = "partials/keuzehulp_stap.html" if is_htmx else "pages/keuzehulp.html"
    response = render(request, template, context, status_code=400 if errors else 200)
    response.headers["Vary"] = "HX-Request"
    return response


routes = [
    Route("/keuzehulp", keuzehulp, name="keuzehulp"),
]
