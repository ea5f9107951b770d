"""Rendering a page with what every page needs (demo flag, taxonomy, the visitor's values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse

from keuzehulp.web.kit.visitor import (
    visitor,
)


def _site(request: Request):
    return request.app.state.site


def render(request: Request, template: str, context: dict, status_code: int = 200):
    """A TemplateResponse with what every page needs (demo flag, taxonomy, visitor values)."""
    site = _site(request)
    person = visitor(request)
    base = {"demo": site.demo, "taxonomy": site.taxonomy, "rol": person.rol} | person.context()
    response = site.templates.TemplateResponse(request, template, base | context, status_code=status_code)
    person.finish(response)
    return response


class RenderedTemplateResponse(HTMLResponse):
    """An already rendered page that, like TemplateResponse, tells test clients its template and
    context (the context is made only for them)."""

    def __init__(self, body: bytes, template: str, context: Callable[[], dict], status_code: int = 200):
        super().__init__(body, status_code=status_code)
        self.template_name = template
        self.context = context

    async def __call__(self, scope, receive, send) -> None:
        if "http.response.debug" in scope.get("extensions", {}):
            info = {"template": _Named(self.template_name), "context": self.context()}
            await send({"type": "http.response.debug", "info": info})
        await super().__call__(scope, receive, send)


@dataclass(frozen=True)
class _Named:
    name: str
