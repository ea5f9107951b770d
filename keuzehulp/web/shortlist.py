"""The shortlist ('vergelijken'): up to four aanbieders, kept in a cookie, no account needed."""

from __future__ import annotations

import re

from starlette.requests import Request

SHORTLIST_COOKIE = "kh_vergelijk"
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
