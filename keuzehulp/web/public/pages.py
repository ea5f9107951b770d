"""Information pages without search: uitleg, over, toegankelijkheid, privacy, and the favicon."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route

from keuzehulp.config import PROJECT_ROOT
from keuzehulp.web.kit.render import render

FAVICON = PROJECT_ROOT / "static" / "favicon.ico"


async def favicon(request: Request):
    """/favicon.ico, which browsers ask for whatever the page links: the vendored icon."""
    headers = {"Cache-Control": "public, max-age=86400"}
    return FileResponse(FAVICON, media_type="image/x-icon", headers=headers)


def static_page(template: str):
    """A handler for a page without data."""

    async def page(request: Request):
        return render(request, template, {})

    return page


async def privacy(request: Request):
    """The privacy statement, with the retention period of the settings."""
    return render(
        request, "pages/privacy.html", {"bewaardagen": request.app.state.site.settings.retention_days}
    )


routes = [
    Route("/favicon.ico", favicon, name="favicon"),
    Route("/uitleg", static_page("pages/uitleg.html"), name="uitleg"),
    Route("/over", static_page("pages/over.html"), name="over"),
    Route("/toegankelijkheid", static_page("pages/toegankelijkheid.html"), name="toegankelijkheid"),
    Route("/privacy", privacy, name="privacy"),
]
