"""The site's name comes from the served region's folder, not from the code."""

from __future__ import annotations

from urllib.parse import unquote

import yaml

from keuzehulp.domain import regio
from keuzehulp.domain.inkoopmodel import REGIO_DIR
from keuzehulp.services.login import totp_uri


def test_de_naam_van_de_site_komt_uit_regio_yaml():
    data = yaml.safe_load((REGIO_DIR / regio.SERVED / "regio.yaml").read_text(encoding="utf-8"))
    assert regio.site_name() == f"Keuzehulp {data['regio']['naam']}" == "Keuzehulp Twente"


def test_de_authenticator_app_noemt_de_regio(monkeypatch):
    monkeypatch.setattr(regio, "regio_naam", lambda: "Fictief")
    uri = totp_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "iemand@example.nl")
    assert "issuer=Keuzehulp Fictief" in unquote(uri)
