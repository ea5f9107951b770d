"""The site's theme from design tokens in data: `seed/regio/<naam>/tokens.json` (docs/theme.md).

The colours become CSS custom properties in a small stylesheet served at `/thema.css` (a file, as
the CSP allows no inline styles); the name and logo text go to the header. A theme whose colours
would fail WCAG 2.1 AA contrast is refused at start-up, so no region can ship an unreadable site.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp import i18n
from keuzehulp.config import PROJECT_ROOT

THEMES_DIR = PROJECT_ROOT / "seed" / "regio"
HEX = re.compile(r"#[0-9a-fA-F]{6}")

# Every colour site.css uses: a theme must define each one (and no others, so none is dead).
COLOURS = (
    "tekst",
    "tekst-zacht",
    "achtergrond",
    "vlak",
    "rand",
    "primair",
    "primair-donker",
    "op-primair",
    "accent",
    "focus",
    "focus-rand",
    "fout",
    "fout-vlak",
    "succes",
    "succes-vlak",
    "let-op",
    "let-op-rand",
    "verschil",
)
TEXT = 4.5  # WCAG 1.4.3, normal text
SHAPE = 3.0  # WCAG 1.4.11, focus rings and other non-text parts
# (foreground, background, minimum ratio): every pair the site's CSS puts together.
PAIRS = (
    *(("tekst", ground, TEXT) for ground in ("achtergrond", "vlak", "let-op", "fout-vlak", "succes-vlak")),
    ("tekst", "verschil", TEXT),
    ("tekst-zacht", "achtergrond", TEXT),  # also the border of every form field (needs 3.0)
    ("tekst-zacht", "vlak", TEXT),
    ("primair", "achtergrond", TEXT),
    ("primair", "vlak", TEXT),
    ("primair-donker", "achtergrond", TEXT),
    ("primair-donker", "vlak", TEXT),
    ("op-primair", "primair", TEXT),
    ("op-primair", "primair-donker", TEXT),
    ("fout", "achtergrond", TEXT),
    ("succes", "achtergrond", SHAPE),
    ("let-op-rand", "achtergrond", SHAPE),
    ("accent", "achtergrond", SHAPE),
    ("focus-rand", "achtergrond", SHAPE),
    ("focus", "primair-donker", SHAPE),
)


def luminance(colour: str) -> float:
    """Relative luminance of '#rrggbb' (WCAG 2.1)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Theme:
    """Name, area, logo text (per language) and colours of a region's or gemeente's site."""

    naam: str
    gebied: str
    logo_tekst: str
    ondertitel: dict[str, str]
    colours: dict[str, str]

    @classmethod
    def load(cls, name: str, directory: Path = THEMES_DIR) -> Theme:
        """Read and check `<directory>/<name>/tokens.json`; ValueError says what is wrong."""
        path = directory / name / "tokens.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        colours = {key: token["$value"] for key, token in data["kleur"].items()}
        if set(colours) != set(COLOURS):
            missing, extra = sorted(set(COLOURS) - set(colours)), sorted(set(colours) - set(COLOURS))
            raise ValueError(f"{path}: kleur needs exactly {COLOURS}; missing {missing}, unknown {extra}")
        if bad := [key for key, value in colours.items() if not HEX.fullmatch(value)]:
            raise ValueError(f"{path}: colours must be #rrggbb: {bad}")
        weak = [
            f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f} < {minimum}"
            for fg, bg, minimum in PAIRS
            if contrast(colours[fg], colours[bg]) < minimum
        ]
        if weak:
            raise ValueError(f"{path}: too little contrast (WCAG 2.1 AA): {'; '.join(weak)}")
        ondertitel = data["logo"]["ondertitel"]
        if set(ondertitel) != set(i18n.LANGUAGES):
            raise ValueError(f"{path}: logo.ondertitel needs a text in each of {i18n.LANGUAGES}")
        return cls(data["naam"], data["gebied"], data["logo"]["tekst"], dict(ondertitel), colours)

    @cached_property
    def css(self) -> str:
        """The stylesheet: one custom property per colour."""
        lines = "".join(f"--{key}:{self.colours[key]};" for key in COLOURS)
        return f"/* Generated from the theme's tokens.json (docs/theme.md). */\n:root{{{lines}}}\n"

    @cached_property
    def version(self) -> str:
        """Changes whenever the stylesheet does: the link carries it, so browsers may cache for long."""
        return hashlib.sha256(self.css.encode()).hexdigest()[:12]

    def tagline(self) -> str:
        """The logo's second line in the current language."""
        return self.ondertitel[i18n.current_language()]


async def theme_css(request: Request) -> Response:
    theme: Theme = request.app.state.site.theme
    current = request.query_params.get("v") == theme.version
    cache = "public, max-age=31536000, immutable" if current else "no-cache"
    return Response(theme.css, media_type="text/css", headers={"cache-control": cache})


routes = [Route("/thema.css", theme_css, name="thema")]
