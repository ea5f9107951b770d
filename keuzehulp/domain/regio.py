"""The region this installation serves, read from its folder `seed/regio/<naam>/` (docs/regio.md):
its name, for the site's name in e-mails, the authenticator app and messages."""

from __future__ import annotations

from functools import cache

import yaml

from keuzehulp.domain.inkoopmodel import REGIO_DIR

SERVED = "twente"  # one region per installation until several can be served (issue 18)


@cache
def regio_naam() -> str:
    """The served region's name as people say it: 'Twente'."""
    data = yaml.safe_load((REGIO_DIR / SERVED / "regio.yaml").read_text(encoding="utf-8"))
    return data["regio"]["naam"]


def site_name() -> str:
    """The site's name with its region: 'Keuzehulp Twente'."""
    return f"Keuzehulp {regio_naam()}"
