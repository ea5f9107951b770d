"""What differs per visitor on a page: the CSRF token, the shortlist counter, a one-time message
and, for a signed-in user, the account bar.

Search pages are rendered once and shared; they carry markers that are replaced by each
visitor's values just before sending, so the cache stays shared and forms stay protected.
Result cards are shared between searches too: their markers for the cards' place on the page and
the search to return to are filled in per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import RedirectResponse

from keuzehulp.i18n import gettext
from keuzehulp.models import Gebruiker
from keuzehulp.web.kit.security import csrf_token, set_csrf_cookie
from keuzehulp.web.kit.shortlist import is_slug, read_shortlist

MESSAGE_COOKIE = "kh_melding"
MESSAGE_LINK_COOKIE = "kh_melding_vergelijking"  # "1:" link to the comparison, ":slug" the card it is about
MARKERS = {  # in angle brackets: escaped text (an aanbieder's description, say) can never contain one
    "csrf": "<kh-csrf-7f3a>",
    "vergelijk_aantal": "<kh-aantal-7f3a>",
    "melding": "<kh-melding-7f3a>",
    "account": "<kh-account-7f3a>",  # the signed-in bar
    "kaarten": "<kh-kaarten-7f3a>",  # where the result cards go
    "terug": "<kh-terug-7f3a>",  # the search a card's form returns to
    "afstand": "<kh-afstand-7f3a>",  # a card's distance
    "contract": "<kh-contract-7f3a>",  # a card's contract lines for the search
    "wachttijd": "<kh-wachttijd-7f3a>",  # a card's wachttijd or plek for the search
}


@dataclass
class Visitor:
    request: Request
    csrf: str
    new_csrf_cookie: str | None
    vergelijk_aantal: int
    melding: str | None
    melding_vergelijking: bool = False
    melding_bij: str | None = None  # the aanbieder whose result card the message belongs to
    user: Gebruiker | None = None

    @property
    def rol(self) -> str | None:
        """The signed-in user's role, or None for an anonymous visitor."""
        return self.user.rol if self.user else None

    def context(self) -> dict:
        """Template variables with this visitor's values."""
        melding = message_html(self.melding)
        if melding and self.melding_vergelijking and self.vergelijk_aantal:
            path = self.request.app.url_path_for("vergelijken")
            text = gettext("Bekijk vergelijking (%(aantal)s)") % {"aantal": self.vergelijk_aantal}
            melding += Markup('<p class="bekijk-vergelijking"><a href="%s">%s</a></p>') % (path, text)
        return {
            "csrf": self.csrf,
            "vergelijk_aantal": self.vergelijk_aantal,
            "melding": melding,
            "account": self.account_bar(),
        }

    def account_bar(self) -> Markup:
        """The signed-in bar (the work area's menu, signing out), or nothing for an anonymous visitor."""
        if self.user is None:
            return Markup("")
        template = self.request.app.state.site.templates.get_template("partials/account_balk.html")
        return Markup(template.render(user=self.user, csrf=self.csrf))

    def personalise(self, pieces: list[bytes], page: dict[str, bytes] | None = None) -> bytes:
        """Join a shared rendering (split at its markers) with this visitor's values and, for
        markers such as 'terug', the page's own."""
        values = {MARKERS[name].encode(): str(value).encode() for name, value in self.context().items()}
        values |= {MARKERS[name].encode(): value for name, value in (page or {}).items()}
        return b"".join(values.get(piece, piece) for piece in pieces)

    def finish(self, response) -> None:
        """Set or clear the cookies this page view changed; a signed-in user's page is never kept
        by a shared cache."""
        set_csrf_cookie(self.request, response, self.new_csrf_cookie)
        if self.user is not None:
            response.headers["Cache-Control"] = "private"
        if self.melding is not None:
            response.delete_cookie(MESSAGE_COOKIE)
        if self.melding_vergelijking:
            response.delete_cookie(MESSAGE_LINK_COOKIE)


_MARKER_PATTERN = re.compile(rb"(<kh-[a-z]+-7f3a>)")  # a literal start: ten times faster than the list


def split_at_markers(body: bytes) -> list[bytes]:
    """A shared rendering cut at its markers, ready for `Visitor.personalise`."""
    return _MARKER_PATTERN.split(body)


def with_slots(html: bytes, *names: str) -> bytes:
    """A shared rendering whose markers `names` become %-format slots, so that filling many joined
    renderings is one `block % slot_values(...)` (a % in the HTML is kept as %%)."""
    html = html.replace(b"%", b"%%")
    for name in names:
        html = html.replace(MARKERS[name].encode(), b"%(" + name.encode() + b")b")
    return html


def slot_values(**values: str) -> dict[bytes, bytes]:
    """The values for the slots of `with_slots`."""
    return {name.encode(): value.encode() for name, value in values.items()}


def marker_context() -> dict:
    """Template variables for a rendering that every visitor shares."""
    return dict(_MARKER_CONTEXT)


_MARKER_CONTEXT = {name: Markup(value) for name, value in MARKERS.items()}


def visitor(request: Request) -> Visitor:
    """The per-visitor values of this request (the user as the guard of a signed-in page or
    ViewerMiddleware found it)."""
    token, new_cookie = csrf_token(request)
    raw = request.cookies.get(MESSAGE_COOKIE)
    link, _, slug = request.cookies.get(MESSAGE_LINK_COOKIE, "").partition(":")
    return Visitor(
        request,
        token,
        new_cookie,
        len(read_shortlist(request)),
        unquote(raw)[:300] if raw else None,
        link == "1",
        slug if is_slug(slug) else None,
        getattr(request.state, "user", None) or getattr(request.state, "viewer", None),
    )


def message_html(text: str | None) -> Markup:
    """The one-time message as an announced status line."""
    if not text:
        return Markup("")
    return Markup('<p class="melding" role="status">') + escape(text) + Markup("</p>")


def see_other(path: str, message: str | None = None) -> RedirectResponse:
    """Redirect after a form (303), with a one-time message for the next page when given."""
    response = RedirectResponse(path, status_code=303)
    if message:
        flash(response, message)
    return response


def see_route(request: Request, name: str, message: str | None = None, **params) -> RedirectResponse:
    """see_other to the route with this name (and path parameters)."""
    return see_other(request.url_for(name, **params).path, message)


def flash(response, text: str, vergelijking: bool = False, bij: str = "") -> None:
    """Show text once on the next page; with `vergelijking`, a link to the comparison below it; with
    `bij` (a slug), on a search page in that aanbieder's result card instead of at the top."""
    response.set_cookie(MESSAGE_COOKIE, quote(text), max_age=60, httponly=True, samesite="lax")
    if vergelijking or bij:
        about = f"{int(vergelijking)}:{bij}"
        response.set_cookie(MESSAGE_LINK_COOKIE, about, max_age=60, httponly=True, samesite="lax")
