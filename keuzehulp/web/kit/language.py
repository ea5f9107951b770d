"""The language of each request: `?lang=en|nl` switches (and is remembered in a cookie), else the cookie.

The switch is a link to the same page with `lang=` added, so the page and its filters stay.
The pages for professionals (signing in, the work areas of wijkteams, aanbieders and beheerders,
registering as an aanbieder) are in Dutch only: they work with the Dutch terms of contracts and letters.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import QueryParams
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keuzehulp.i18n import DEFAULT_LANGUAGE, LANGUAGES, reset_language, set_language

LANGUAGE_COOKIE = "kh_taal"
LANGUAGE_PARAM = "lang"  # not "taal": that filters aanbieders by the language they speak
DUTCH_ONLY = (  # path prefixes of the pages for professionals
    "/inloggen",
    "/uitloggen",
    "/wachtwoord/",
    "/aanmelden",
    "/aanbieder/",
    "/beheer",
    "/wijkteam",
    "/consultaties/",
)


def dutch_only(path: str) -> bool:
    """Whether a page is for professionals only, and so in Dutch only."""
    return path.startswith(DUTCH_ONLY)


def _asked(scope: Scope) -> str | None:
    """The language asked for with `?lang=`, if any (the query is parsed only when it has one)."""
    query = scope.get("query_string", b"")
    if b"lang=" not in query:
        return None
    value = QueryParams(query.decode("latin-1")).get(LANGUAGE_PARAM)
    return value if value in LANGUAGES else None


def _remembered(scope: Scope) -> str | None:
    """The language in the `kh_taal` cookie, if any."""
    for name, value in scope.get("headers", []):
        if name == b"cookie" and LANGUAGE_COOKIE.encode() in value:
            return cookie_parser(value.decode("latin-1")).get(LANGUAGE_COOKIE)
    return None


def request_language(scope: Scope) -> str:
    """The language of a request: `?lang=`, else the cookie, else Dutch; pages for professionals are Dutch."""
    language = _asked(scope) or _remembered(scope)
    if language not in LANGUAGES or dutch_only(scope["path"]):
        return DEFAULT_LANGUAGE
    return language


class LanguageMiddleware:
    """Sets the request's language and remembers a switch in a cookie for a year."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = _asked(scope)
        language = request_language(scope)
        token = set_language(language)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", language.encode()))
                if chosen:
                    cookie = f"{LANGUAGE_COOKIE}={chosen}; Max-Age=31536000; Path=/; SameSite=Lax; HttpOnly"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            reset_language(token)


def switch_url(path: str, query: str, language: str) -> str:
    """The same page and filters in another language."""
    items = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != LANGUAGE_PARAM]
    items.append((LANGUAGE_PARAM, language))
    return f"{path}?{urlencode(items)}"
