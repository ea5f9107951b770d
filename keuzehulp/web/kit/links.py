"""Absolute addresses of the site's own pages, always from KEUZEHULP_PUBLIC_URL.

Never from the request's Host header: anyone can send any Host, and an API answer that shared
caches keep would then point every reader at the sender's site.
"""

from __future__ import annotations

from starlette.requests import Request


def absolute_url(request: Request, name: str, **params) -> str:
    """The public address of a named route."""
    base = request.app.state.site.settings.public_url.rstrip("/")
    return base + request.app.url_path_for(name, **params)
