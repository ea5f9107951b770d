"""Set-Cookie headers for the tokens this app makes itself, written directly: the values are
URL-safe already, so Starlette's general cookie quoting (slow on every first visit) is not needed."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")


def set_token_cookie(
    response, name: str, value: str, *, max_age: int | None = None, secure: bool = False
) -> None:
    """An HttpOnly, SameSite=Lax cookie for the whole site holding one of our own tokens."""
    if not _TOKEN.fullmatch(value):
        raise ValueError(f"not a token: cookie {name}")
    parts = [f"{name}={value}", "HttpOnly"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts += ["Path=/", "SameSite=lax"]
    if secure:
        parts.append("Secure")
    response.raw_headers.append((b"set-cookie", "; ".join(parts).encode("latin-1")))
