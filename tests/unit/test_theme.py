"""The theme from design tokens (docs/theme.md): Twente's tokens pass, broken or unreadable ones are
refused, and site.css uses no colour that a theme does not define."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from keuzehulp.config import PROJECT_ROOT
from keuzehulp.web.kit.theme import COLOURS, THEMES_DIR, Theme, contrast

SITE_CSS = PROJECT_ROOT / "static" / "css" / "site.css"


def test_twente_heeft_elke_kleur_en_genoeg_contrast():
    theme = Theme.load("twente")
    assert theme.logo_tekst == "Keuzehulp"
    assert set(theme.ondertitel) == {"nl", "en"}
    assert theme.css.count("--") == len(COLOURS)  # one custom property per colour
    assert f"--primair:{theme.colours['primair']};" in theme.css


def test_elke_regio_met_een_eigen_look_heeft_elke_kleur_en_genoeg_contrast():
    folders = sorted(path.parent.name for path in THEMES_DIR.glob("*/tokens.json"))
    assert {"twente", "nijmegen"} <= set(folders)
    for folder in folders:
        theme = Theme.load(folder)  # refuses too little contrast
        assert theme.css.count("--") == len(COLOURS)
    assert Theme.load("nijmegen").ondertitel["nl"] == "jeugdhulp en Wmo in Regio Nijmegen"


def test_contrast_volgens_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def copy_twente(tmp_path, change) -> None:
    shutil.copytree(THEMES_DIR / "twente", tmp_path / "test")
    path = tmp_path / "test" / "tokens.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["kleur"]["primair"].update({"$value": "#7fb2d0"}), "too little contrast"),
        (lambda d: d["kleur"]["op-primair"].update({"$value": "#8a8a8a"}), "op-primair on primair"),
        (lambda d: d["kleur"].pop("fout"), "missing ['fout']"),
        (lambda d: d["kleur"].update({"roze": {"$value": "#ff00ff"}}), "unknown ['roze']"),
        (lambda d: d["kleur"]["vlak"].update({"$value": "lightgrey"}), "#rrggbb"),
        (lambda d: d["logo"]["ondertitel"].pop("en"), "ondertitel"),
    ],
)
def test_een_thema_dat_niet_deugt_wordt_geweigerd(tmp_path, change, message):
    copy_twente(tmp_path, change)
    with pytest.raises(ValueError, match=re.escape(message)):
        Theme.load("test", tmp_path)


def test_site_css_gebruikt_alleen_kleuren_uit_het_thema():
    css = SITE_CSS.read_text()
    used = set(re.findall(r"var\(--([a-z-]+)\)", css))
    own = set(re.findall(r"^\s*--([a-z-]+):", css, re.M))  # sizes that site.css defines itself
    assert used - own == set(COLOURS)  # every colour is used, and none is missing from the theme
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", css)  # no colour outside the tokens


def test_de_stijl_blijft_klein():
    """The search page is over its 100 KB aim already (docs/theme.md): the look may not add much to
    it (the walk's fixes added skip links, scroll shadows, print and the chart's legend)."""
    assert len(SITE_CSS.read_bytes()) <= 23_000
    assert len(Theme.load("twente").css) <= 600
