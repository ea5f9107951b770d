"""The regions as data, each a folder `seed/regio/<naam>/` (docs/regio.md): their gemeenten and
inkoopmodel. A gemeente's CBS code names its region, and so the model its contracts, filters and
texts follow. Which regions an installation serves is the set loaded into its database
(`KEUZEHULP_REGIOS`, see domain/taxonomy.load_taxonomy)."""

from __future__ import annotations

from functools import cache

import yaml

from keuzehulp.config import REGIO_DIR
from keuzehulp.domain.inkoopmodel import Inkoopmodel, load_model

REGIOS = tuple(sorted(p.name for p in REGIO_DIR.iterdir() if (p / "regio.yaml").is_file()))
SERVED = "twente"  # the region whose name the site carries in e-mails and the authenticator app


@cache
def regio_data(slug: str) -> dict:
    """A region's regio.yaml."""
    return yaml.safe_load((REGIO_DIR / slug / "regio.yaml").read_text(encoding="utf-8"))


@cache
def model_of(slug: str) -> Inkoopmodel:
    """A region's inkoopmodel."""
    return load_model(REGIO_DIR / slug / "inkoopmodel.yaml")


@cache
def _regio_per_gemeente() -> dict[str, str]:
    return {g["cbs_code"]: slug for slug in REGIOS for g in regio_data(slug)["gemeenten"]}


def regio_of(cbs_code: str) -> str | None:
    """The slug of the region a gemeente (CBS code) belongs to; None for one no region names."""
    return _regio_per_gemeente().get(cbs_code)


def model_for(cbs_code: str) -> Inkoopmodel:
    """The inkoopmodel a gemeente's contracts follow (Twente's for a gemeente no region names,
    which the checks then refuse as unknown)."""
    return model_of(regio_of(cbs_code) or SERVED)


def regio_naam(slug: str = SERVED) -> str:
    """A region's name as people say it: 'Twente'."""
    return regio_data(slug)["regio"]["naam"]


def site_name(slug: str | None = None) -> str:
    """The site's name with a region: 'Keuzehulp Regio Nijmegen' for someone of that region,
    'Keuzehulp Twente' for the installation."""
    return f"Keuzehulp {regio_naam(slug or SERVED)}"
