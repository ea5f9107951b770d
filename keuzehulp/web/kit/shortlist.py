"""The shortlist ('vergelijken'): up to four aanbieders, kept in a cookie, no account needed."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import QueryParams
from starlette.requests import Request

SHORTLIST_COOKIE = "kh_vergelijk"
CONTEXT_COOKIE = "kh_vergelijk_voor"
CONTEXT_PARAMS = ("gemeente", "woonplaats", "perceel", "ob", "niveau", "dakje")
MAX_SHORTLIST = 4
_SLUG = re.compile(r"^[a-z0-9-]{1,120}$")


def read_shortlist(request: Request) -> list[str]:
    """The slugs in the visitor's shortlist (well-formed, unique, at most four)."""
    raw = request.cookies.get(SHORTLIST_COOKIE, "")
    slugs: list[str] = []
    for slug in raw.split("."):
        if _SLUG.match(slug) and slug not in slugs:
            slugs.append(slug)
    return slugs[:MAX_SHORTLIST]


def write_shortlist(response, slugs: list[str]) -> None:
    """Store the shortlist for 30 days (or remove the cookie when empty)."""
    if slugs:
        response.set_cookie(
            SHORTLIST_COOKIE, ".".join(slugs), max_age=30 * 86400, httponly=True, samesite="lax"
        )
    else:
        response.delete_cookie(SHORTLIST_COOKIE)


def is_slug(value: str) -> bool:
    """Whether a value looks like an aanbieder slug."""
    return bool(_SLUG.match(value))


def search_context(url: str) -> QueryParams:
    """The parts of a search URL that the comparison should use (gemeente, woonplaats, help asked for)."""
    params = QueryParams(urlsplit(url).query)
    return QueryParams([(k, v) for k, v in params.multi_items() if k in CONTEXT_PARAMS and len(v) <= 60])


def comparison_context(request: Request) -> QueryParams:
    """The URL's own search context, or else the one remembered from the search the visitor came from."""
    own = search_context(f"?{request.url.query}")
    if own:
        return own
    return search_context("?" + request.cookies.get(CONTEXT_COOKIE, "")[:500])


def remember_context(response, url: str) -> None:
    """Remember the search context of the page where an aanbieder was added (or forget it)."""
    context = search_context(url)
    if context:
        response.set_cookie(
            CONTEXT_COOKIE,
            urlencode(context.multi_items()),
            max_age=30 * 86400,
            httponly=True,
            samesite="lax",
        )
