"""Request input read safely: one size limit per kind of body, one way to read a form, and
control characters (NUL among them) removed from every typed value, address and query string."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from keuzehulp.i18n import N_, gettext

MAX_FORM_BYTES = 1024 * 1024  # a typed form (or any other body)
MAX_UPLOAD_BYTES = 6 * 1024 * 1024  # a form with a file: imports take up to 5 MB
FORM_LIMITS = {"max_files": 2, "max_fields": 1000, "max_part_size": 256 * 1024}
UNREADABLE_FORM = N_(
    "We konden dit formulier niet lezen. Het is te groot of niet goed verstuurd. "
    "Ga terug en probeer het nog eens."
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RAW_CONTROL = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])|[\x00-\x1f\x7f]")  # in a raw query string


def body_limit(content_type: str) -> int:
    """The most bytes a request body of this content type may have."""
    return MAX_UPLOAD_BYTES if content_type.startswith("multipart/form-data") else MAX_FORM_BYTES


def clean_text(value: str) -> str:
    """The text without control characters (tabs and line breaks stay)."""
    return _CONTROL.sub("", value)


def typed_values(form, names: tuple[str, ...], checkboxes: tuple[str, ...] = ()) -> dict:
    """What services check: the named fields as text ('' when absent or a file), the named
    checkboxes as True or False."""
    typed = {name: value if isinstance(value := form.get(name, ""), str) else "" for name in names}
    return typed | {name: bool(form.get(name)) for name in checkboxes}


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it grows past `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class UnreadableForm(Exception):
    """A body that is not a form we can read (malformed, too many fields, a field too large)."""


async def parse_form(request: Request) -> FormData:
    """The form within FORM_LIMITS with control characters removed, or UnreadableForm."""
    try:
        form = await request.form(**FORM_LIMITS)
    except (MultiPartException, HTTPException, ValueError, KeyError) as error:
        raise UnreadableForm(str(error)) from None
    return FormData(
        [
            (clean_text(key), clean_text(value) if isinstance(value, str) else value)
            for key, value in form.multi_items()
        ]
    )


async def read_form(request: Request) -> FormData:
    """The request's form for a handler; a form we cannot read is a 400 with a Dutch message."""
    try:
        form = await parse_form(request)
    except UnreadableForm:
        raise HTTPException(400, gettext(UNREADABLE_FORM)) from None
    request.state.form = form  # for a "Probeer opnieuw" form if the database refuses (unavailable.py)
    return form


class ControlCharacterMiddleware:
    """Removes control characters from the query string and replaces them in the path before any
    handler sees them, so no database is ever asked about a NUL byte (PostgreSQL refuses them)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if _CONTROL.search(path):  # no page has such a name: make it one that is simply not found
                path = _CONTROL.sub("\ufffd", path)
                scope = {**scope, "path": path, "raw_path": quote(path).encode()}
            query = scope.get("query_string", b"")
            if _RAW_CONTROL.search(query):
                pairs = parse_qsl(
                    query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
                )
                cleaned = urlencode([(clean_text(k), clean_text(v)) for k, v in pairs])
                scope = {**scope, "query_string": cleaned.encode()}
        await self.app(scope, receive, send)
