"""The taxonomy: regions, gemeenten, kernen, specialisaties, doelgroepen, talen and Twents-model labels.

`load_taxonomy` writes the seed files into the database (idempotent); `Taxonomy` is the read-only,
in-memory view that pages, search and the API use for lookups and labels.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml
from sqlalchemy import Engine
from sqlmodel import Session, select

from keuzehulp.config import PROJECT_ROOT, REGIO_DIR
from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.domain.regio import REGIOS, SERVED, model_for, model_of, regio_naam, regio_of
from keuzehulp.domain.twents_model import MODEL
from keuzehulp.models import Doelgroep, Gemeente, Kern, Regio, Specialisatie, Taal

SEED_DIR = PROJECT_ROOT / "seed"


def _read(name: str, seed_dir: Path = SEED_DIR):
    return yaml.safe_load((seed_dir / name).read_text(encoding="utf-8"))


def _upsert(session: Session, model, key: str | tuple[str, ...], values: dict):
    """Insert or update the row whose key column(s) have these values."""
    keys = (key,) if isinstance(key, str) else key
    row = session.exec(select(model).where(*(getattr(model, k) == values[k] for k in keys))).first()
    if row is None:
        row = model(**values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    return row


def load_taxonomy(
    session: Session,
    regios: tuple[str, ...] = (SERVED,),
    seed_dir: Path = SEED_DIR,
    regio_dir: Path = REGIO_DIR,
) -> None:
    """Write the regions (folders under seed/regio/) with their gemeenten and kernen, and the
    specialisaties, doelgroepen and talen, from seed files."""
    for slug in regios:
        _load_regio(session, _read(f"{slug}/regio.yaml", regio_dir))
    for item in _read("specialisaties.yaml", seed_dir):
        _upsert(session, Specialisatie, "slug", item)
    lists = _read("doelgroepen_talen.yaml", seed_dir)
    for item in lists["doelgroepen"]:
        _upsert(session, Doelgroep, "slug", item)
    for item in lists["talen"]:
        _upsert(session, Taal, "slug", item)


def _load_regio(session: Session, regio_data: dict) -> None:
    regio = _upsert(session, Regio, "slug", regio_data["regio"])
    _check_kernen(regio_data)
    for item in regio_data["gemeenten"]:
        kernen = item["kernen"]
        values = {k: v for k, v in item.items() if k != "kernen"} | {"regio_id": regio.id}
        gemeente = _upsert(session, Gemeente, "cbs_code", values)
        for naam, lat, lon in kernen:
            slug = slugify(naam)
            _upsert(
                session,
                Kern,
                ("gemeente_id", "slug"),
                {"slug": slug, "naam": naam, "gemeente_id": gemeente.id, "lat": lat, "lon": lon},
            )


def _check_kernen(regio_data: dict) -> None:
    """Kern names are unique within a region (the country repeats them; one region must not)."""
    seen: set[str] = set()
    for item in regio_data["gemeenten"]:
        for naam, _, _ in item["kernen"]:
            if slugify(naam) in seen:
                raise ValueError(f"Kern {naam} staat twee keer in regio {regio_data['regio']['naam']}.")
            seen.add(slugify(naam))


def slugify(text: str) -> str:
    """Lowercase ASCII slug: 'Hof van Twente' -> 'hof-van-twente'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = []
    for char in ascii_text.lower():
        out.append(char if char.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per app
class Taxonomy:
    """Read-only lookups of the taxonomy, loaded once from the database."""

    gemeenten: tuple[Gemeente, ...]
    kernen: tuple[Kern, ...]
    specialisaties: tuple[Specialisatie, ...]
    doelgroepen: tuple[Doelgroep, ...]
    talen: tuple[Taal, ...]

    @classmethod
    def load(cls, engine: Engine) -> Taxonomy:
        """Read the taxonomy tables."""
        with Session(engine, expire_on_commit=False) as session:
            return cls(
                gemeenten=tuple(session.exec(select(Gemeente).order_by(Gemeente.naam))),
                kernen=tuple(session.exec(select(Kern).order_by(Kern.naam))),
                specialisaties=tuple(session.exec(select(Specialisatie).order_by(Specialisatie.label_b1))),
                doelgroepen=tuple(session.exec(select(Doelgroep).order_by(Doelgroep.id))),
                talen=tuple(session.exec(select(Taal).order_by(Taal.id))),
            )

    def gemeente(self, value: str) -> Gemeente | None:
        """Find a gemeente by slug or CBS code (case-insensitive)."""
        return self._gemeente_keys.get(value.strip().lower())

    @cached_property
    def _gemeente_keys(self) -> dict[str, Gemeente]:
        keys = {g.slug: g for g in self.gemeenten}
        return keys | {g.cbs_code.lower(): g for g in self.gemeenten}

    @cached_property
    def gemeente_namen(self) -> dict[str, str]:
        """Name per CBS code."""
        return {g.cbs_code: g.naam for g in self.gemeenten}

    @cached_property
    def specialisatie_labels(self) -> dict[str, str]:
        """Plain-language label per specialisatie slug."""
        return {s.slug: s.label_b1 for s in self.specialisaties}

    def gemeente_by_id(self, gemeente_id: int) -> Gemeente:
        """The gemeente with this database id."""
        return next(g for g in self.gemeenten if g.id == gemeente_id)

    def kern(self, value: str, gemeente: str | None = None) -> Kern | None:
        """Find a kern (woonplaats) by slug or name; the one in the gemeente (CBS code) when two
        regions have a kern of that name (Beuningen in Losser and gemeente Beuningen)."""
        wanted = slugify(value)
        found = [k for k in self.kernen if k.slug == wanted]
        owner = self.gemeente(gemeente) if gemeente else None
        return next((k for k in found if owner and k.gemeente_id == owner.id), found[0] if found else None)

    def distance_origin(self, woonplaats: str | None, gemeente: str | None) -> Kern | Gemeente | None:
        """Where distances are measured from: the woonplaats, else the centre of the gemeente."""
        if woonplaats and (kern := self.kern(woonplaats, gemeente)):
            return kern
        return self.gemeente(gemeente) if gemeente else None

    @cached_property
    def regios(self) -> tuple[str, ...]:
        """The slugs of the regions loaded, Twente first (only Twente when none is)."""
        slugs = {regio_of(g.cbs_code) for g in self.gemeenten} - {None} or {SERVED}
        return tuple(sorted(slugs, key=lambda slug: (slug != SERVED, slug)))

    @cached_property
    def models(self) -> tuple[Inkoopmodel, ...]:
        """The inkoopmodellen of the regions loaded, Twente's first (only Twente's when none is)."""
        return tuple(model_of(slug) for slug in self.regios)

    def gemeenten_in(self, regio: str) -> tuple[Gemeente, ...]:
        """The loaded gemeenten of one region (slug), by name."""
        return tuple(g for g in self.gemeenten if regio_of(g.cbs_code) == regio)

    def models_for(self, gemeente: str | None) -> tuple[Inkoopmodel, ...]:
        """The model a search in this gemeente (CBS code) follows, or every loaded one without."""
        return (model_for(gemeente),) if gemeente else self.models

    def gemeenten_per_regio(self) -> list[tuple[str, list[Gemeente]]]:
        """The gemeenten grouped by region name, both in alphabetical order."""
        groups: dict[str, list[Gemeente]] = {}
        for g in self.gemeenten:
            groups.setdefault(self.regio_naam(g.cbs_code), []).append(g)
        return sorted(groups.items())

    def regio_slug(self, regio_id: int | None) -> str | None:
        """The slug of the region with this database id (None when no gemeente of it is loaded)."""
        return next((regio_of(g.cbs_code) for g in self.gemeenten if g.regio_id == regio_id), None)

    def regio_naam(self, gemeente: str) -> str:
        """The name of a gemeente's region: 'Regio Nijmegen'."""
        return regio_naam(regio_of(gemeente) or SERVED)

    def specialisatie(self, slug: str) -> Specialisatie | None:
        """The specialisatie with this slug."""
        return next((s for s in self.specialisaties if s.slug == slug), None)


@cache
def labels() -> dict:
    """Names and descriptions (professional and B1) of the Twents-model terms, with the products
    of the other regions' models (a perceel both name keeps Twente's text), by the section names
    pages use: percelen, ondersteuningsbehoeften, niveaus, dakjes, modules, maatregelhulp,
    diagnostiek, functieniveaus, werkvormen."""
    terms = MODEL.terms
    modules = terms["modules"]

    def parts(soort: str) -> dict:
        return modules[MODEL.group(soort).code]["onderdelen"]

    others = [model_of(slug).terms for slug in REGIOS if slug != SERVED]  # their codes where Twente has none

    def merged(section: str) -> dict:
        return {code: item for t in reversed([terms, *others]) for code, item in t[section].items()}

    return {
        "percelen": merged("percelen"),
        "ondersteuningsbehoeften": terms["producten"],
        "producten": merged("producten"),  # every model's products, for labels of any region
        "niveaus": merged("varianten"),
        "dakjes": parts("verblijf"),
        "modules": modules,
        "maatregelhulp": {code: part["naam"] for code, part in parts("maatregel").items()},
        "diagnostiek": {code: part["naam"] for code, part in parts("diagnostiek").items()},
        "functieniveaus": modules[MODEL.group("advies").code]["functieniveaus"],
        "werkvormen": terms["werkvormen"],
    }
