"""Security middleware: response headers on every response, CSRF on every unsafe method."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keuzehulp.domain.validation import whole_number
from keuzehulp.i18n import N_, gettext
from keuzehulp.web.kit.cookies import set_token_cookie
from keuzehulp.web.kit.forms import UNREADABLE_FORM, UnreadableForm, body_limit, parse_form, read_body
from keuzehulp.web.kit.sessions import SESSION_COOKIE

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]
HSTS = [(b"strict-transport-security", b"max-age=31536000; includeSubDomains")]  # only behind https
CSRF_COOKIE = "kh_csrf"
CSRF_FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class SecurityHeadersMiddleware:
    """Adds CSP (no inline scripts), nosniff, referrer policy and frame denial; HSTS behind https."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = SECURITY_HEADERS + (HSTS if scope.get("scheme") == "https" else [])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in dict(extra)]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CSRF:
    """Signed double-submit tokens: a cookie holds a random value, forms echo its HMAC.

    Once signed in, the HMAC also covers the session, so a cookie and token pair that an
    attacker made for themselves and planted in someone's browser does not work there."""

    def __init__(self, secret: str):
        self._key = hashlib.sha256(b"keuzehulp-csrf:" + secret.encode()).digest()
        self.token_for = lru_cache(maxsize=4096)(self.token_for)  # a returning visitor's token

    @staticmethod
    def new_cookie_value() -> str:
        """A fresh random value for the CSRF cookie."""
        return secrets.token_urlsafe(24)

    def token_for(self, cookie_value: str, session: str | None = None) -> str:
        """The form token that matches a cookie value and session."""
        digest = hmac.new(self._key, _bound(cookie_value, session).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def valid(self, cookie_value: str | None, token: str | None, session: str | None = None) -> bool:
        """Whether a submitted token belongs to the cookie and the session."""
        if not cookie_value or not token:
            return False
        return hmac.compare_digest(
            self.token_for(cookie_value, session).encode(), token.encode("utf-8", "replace")
        )


def _bound(cookie_value: str, session: str | None) -> str:
    """What a token signs: the cookie value, and a digest of the session cookie when signed in."""
    if not session:
        return cookie_value
    return cookie_value + "|" + hashlib.sha256(session.encode()).hexdigest()[:32]


def csrf_token(request) -> tuple[str, str | None]:
    """The form token for this visitor, and a new cookie value to set when they had none."""
    csrf = request.app.state.site.csrf
    value = request.cookies.get(CSRF_COOKIE)
    new_value = None
    if not value or len(value) > 64:
        value = new_value = csrf.new_cookie_value()
    return csrf.token_for(value, request.cookies.get(SESSION_COOKIE)), new_value


def set_csrf_cookie(request, response, new_value: str | None) -> None:
    """Store a new CSRF cookie value on the response (HttpOnly, SameSite=Lax, Secure behind https)."""
    if new_value:
        set_token_cookie(response, CSRF_COOKIE, new_value, secure=request.scope.get("scheme") == "https")


class CSRFMiddleware:
    """Refuses every unsafe request whose token (header X-CSRF-Token or form field) does not match.

    What can be refused without the body is refused before reading it: a body declared larger
    than its limit (413) and a request without a CSRF cookie (403). The body is then read up to
    its limit only, and a form that cannot be read is a 400.
    """

    def __init__(self, app: ASGIApp, csrf: CSRF):
        self.app = app
        self.csrf = csrf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        content_type = request.headers.get("content-type", "")
        limit = body_limit(content_type)
        declared = request.headers.get("content-length")
        if declared is not None and whole_number(declared, 0, limit) is None:
            await _refuse(scope, receive, send, 413, TOO_LARGE)
            return
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie:
            await _refuse(scope, receive, send, 403, EXPIRED_FORM)
            return
        body = await read_body(receive, limit)
        if body is None:
            await _refuse(scope, receive, send, 413, TOO_LARGE)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        token = request.headers.get("x-csrf-token")
        if token is None and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            try:
                form = await parse_form(Request(scope, replay))
            except UnreadableForm:
                await _refuse(scope, receive, send, 400, UNREADABLE_FORM)
                return
            token = form.get(CSRF_FIELD)
            token = token if isinstance(token, str) else None
            await form.close()
            delivered = False
        if not self.csrf.valid(cookie, token, request.cookies.get(SESSION_COOKIE)):
            await _refuse(scope, receive, send, 403, EXPIRED_FORM)
            return
        await self.app(scope, replay, send)


EXPIRED_FORM = N_(
    "Dit formulier is verlopen of niet via deze website verstuurd. "
    "Ga terug, laad de pagina opnieuw en probeer het nog eens."
)
TOO_LARGE = N_("Wat u verstuurt is te groot. Een bestand mag hooguit 5 MB zijn, een formulier hooguit 1 MB.")


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
    """A plain refusal in the visitor's language (this runs inside the language middleware)."""
    response = PlainTextResponse(gettext(text), status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)
