"""Deterministic generator of fictional demo aanbieders that obey their region's inkoopmodel: the
Twents model's rules in Twente, the products of its model in any other region loaded.

The same (count, seed, reference date) always gives the same data set. It is used by `make run`,
by the tests and by the benchmark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import yaml
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import dakje_key, hulp_key
from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.domain.regio import SERVED, model_for, regio_of
from keuzehulp.domain.taxonomy import SEED_DIR, slugify
from keuzehulp.domain.twents_model import FUNCTIENIVEAUS, MAATREGELHULP, NIVEAUS_PER_OB
from keuzehulp.models import Gemeente, Kern, SiteMeta, Specialisatie
from keuzehulp.services.aanbieders import (
    AanbiederData,
    CijferData,
    ContractLine,
    DakjeLine,
    MaatregelLine,
    ResultaatData,
    StopData,
    VestigingData,
    create_aanbieders,
)
from keuzehulp.services.demo_accounts import ensure_demo_accounts

CONTRACT_START = date(2025, 1, 1)
CONTRACT_END = date(2028, 12, 31)
DEMO_FLAG = "demo"
# Specialisaties that fit only adults or only children, so generated profiles read plausibly.
ADULT_ONLY = {"dementie", "mantelzorg", "schulden", "dagbesteding"}
CHILD_ONLY = {"jonge-kind", "schoolverzuim", "hoogbegaafdheid", "opvoeding", "scheiding", "hechting"}
INDICATOREN = ("uitval", "tevredenheid", "3.1", "3.2", "3.3", "3.4")
# Twente's area codes with the start of the local number: 10 digits in all, so 053 and 074 numbers
# have seven digits after the code (Enschede 053-4.., Hengelo 074-2..).
AREA_CODES = {"53": "4", "74": "2", "546": "", "548": "", "541": "", "547": ""}


@cache
def _vocabulary() -> dict:
    return yaml.safe_load((SEED_DIR / "demo_vocabulary.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Place:
    gemeente: str
    kern: str
    lat: float
    lon: float


class DemoGenerator:
    """Makes AanbiederData from a seeded random generator and the region's taxonomy."""

    def __init__(self, session: Session, seed: int, reference_date: date):
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = reference_date
        self.vocab = _vocabulary()
        gemeenten = {g.id: g.cbs_code for g in session.exec(select(Gemeente).order_by(Gemeente.id))}
        self.places = [
            _Place(gemeenten[k.gemeente_id], k.naam, k.lat, k.lon)
            for k in session.exec(select(Kern).order_by(Kern.id))
        ]
        self.gemeenten: dict[str | None, list[str]] = {}  # per region, to pick a werkgebied in
        for code in sorted(gemeenten.values()):
            self.gemeenten.setdefault(regio_of(code), []).append(code)
        self.specialisaties = [s.slug for s in session.exec(select(Specialisatie).order_by(Specialisatie.id))]
        self.used_slugs: set[str] = set()

    def generate(self, count: int) -> list[AanbiederData]:
        """Generate count aanbieders."""
        return [self._aanbieder(i) for i in range(count)]

    def _aanbieder(self, index: int) -> AanbiederData:
        rng = self.rng
        groot = rng.random() < 0.18
        kind = rng.choices(
            ["jeugd", "behandeling", "wmo", "verblijf", "dyslexie", "gi"], [34, 14, 34, 10, 5, 3]
        )[0]
        home = rng.choice(self.places)
        twente = regio_of(home.gemeente) == SERVED
        if not twente:  # other models buy no verblijf, dyslexie or maatregelhulp: jeugdhulp instead
            kind = {"behandeling": "behandeling", "wmo": "wmo"}.get(kind, "jeugd")
        werkgebied = self._werkgebied(home.gemeente, groot)
        naam = self._naam(kind, home)
        slug = self._unique_slug(naam)
        specialisaties = self._specialisaties(kind)
        werkvormen = sorted(rng.sample(["individueel", "gezin", "groep", "online"], rng.randint(1, 3)))
        if twente:
            contracten, dakjes = self._scope(kind, werkgebied)
        else:
            contracten, dakjes = self._products(model_for(home.gemeente), kind, werkgebied), []
        percelen = {c.perceel for c in contracten}
        status = rng.choices(["actief", "opgeschort", "beeindigd"], [96, 3, 1])[0]
        wachttijd = (
            None if rng.random() < 0.08 else rng.choice([0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 8, 10, 12, 16, 20, 26])
        )
        data = AanbiederData(
            slug=slug,
            naam=naam,
            kvk=f"{rng.randint(10_000_000, 99_999_999)}",
            agb=f"{rng.randint(10_000_000, 99_999_999)}" if kind in ("behandeling", "dyslexie") else None,
            website=f"https://www.{slug.replace('-', '')[:40]}.example",
            email=f"info@{slug.replace('-', '')[:40]}.example",
            telefoon=self._telefoon(),
            beschrijving=self._beschrijving(naam, groot, home, werkgebied, werkvormen, specialisaties),
            status=status,
            beschikbaarheid=self._cijfers(  # confirmed 0-60 days ago, drawn where it always was
                slug,
                wachttijd,
                None if wachttijd is None else self.today - timedelta(days=rng.randint(0, 120) // 2),
                contracten,
                dakjes,
            ),
            consultatie_functieniveaus=self._functieniveaus(kind) if twente else [],
            diagnostiek=self._diagnostiek(kind) if twente else [],
            ambulante_spoedhulp=(
                spoedhulp := twente
                and "jeugd" in percelen
                and kind in ("jeugd", "behandeling")
                and rng.random() < 0.2
            ),
            coordinatiepunt=spoedhulp,  # spoedhulp needs the coördinatiepunt
            werkvormen=werkvormen,
            specialisaties=specialisaties,
            doelgroepen=self._doelgroepen(percelen),
            talen=self._talen(),
            vestigingen=self._vestigingen(kind, groot, home, werkgebied, dakjes),
            contracten=contracten,
            dakjes=dakjes,
            maatregelhulp=[
                MaatregelLine(g, s, CONTRACT_START, CONTRACT_END) for g in werkgebied for s in MAATREGELHULP
            ]
            if kind == "gi"
            else [],
            resultaten=self._resultaten() if "jeugd" in percelen else [],
        )
        data.instroomstops = self._stops(slug, data.beschikbaarheid)
        return data

    def _telefoon(self) -> str:
        area = self.rng.choice(list(AREA_CODES))
        return f"0{area}-{AREA_CODES[area]}{self.rng.randint(100000, 999999)}"

    def _werkgebied(self, home: str, groot: bool) -> list[str]:
        """The home gemeente and others of its region."""
        region = self.gemeenten[regio_of(home)]
        if groot:
            return sorted(set(self.rng.sample(region, min(len(region), self.rng.randint(8, 14)))) | {home})
        others = self.rng.sample(region, min(len(region), self.rng.randint(0, 3)))
        return sorted(set(others) | {home})

    def _products(self, model: Inkoopmodel, kind: str, werkgebied: list[str]) -> list[ContractLine]:
        """Contract lines for some products of one perceel of a region's model, in every gemeente
        of the werkgebied."""
        perceel = "wmo" if kind == "wmo" else "jeugd"
        if perceel not in model.percelen:
            perceel = next(iter(model.percelen))
        lines = []
        for product in self._some(model.percelen[perceel].producten):
            variants = model.producten[product]
            lines += [(product, v) for v in self._some(variants)] if variants else [(product, None)]
        return [
            ContractLine(g, perceel, product, variant, CONTRACT_START, CONTRACT_END)
            for g in werkgebied
            for product, variant in lines
        ]

    def _naam(self, kind: str, home: _Place) -> str:
        rng, vocab = self.rng, self.vocab
        vorm_kind = {"gi": "algemeen", "dyslexie": "behandeling"}.get(kind, kind)
        vorm = rng.choice(vocab["organisatievormen"][vorm_kind])
        if kind == "dyslexie":
            vorm = rng.choice(["Dyslexiepraktijk", "Lees- en spellingcentrum", "Dyslexiecentrum"])
        if kind == "gi":
            return f"Gecertificeerde Instelling {rng.choice(vocab['kernnamen'])} Jeugdbescherming"
        pattern = rng.random()
        if pattern < 0.4:
            return f"{vorm} {rng.choice(vocab['kernnamen'])}"
        if pattern < 0.65:
            return f"{vorm} {rng.choice(vocab['achternamen'])}"
        if pattern < 0.85:
            return f"{rng.choice(vocab['kernnamen'])} {vorm.lower()} {home.kern}"
        return f"{vorm} {home.kern}"

    def _unique_slug(self, naam: str) -> str:
        base = slugify(naam)
        slug, n = base, 2
        while slug in self.used_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.used_slugs.add(slug)
        return slug

    def _specialisaties(self, kind: str) -> list[str]:
        if kind == "dyslexie":
            return ["dyslexie"]
        unsuited = (
            ADULT_ONLY if kind in ("jeugd", "behandeling", "gi") else CHILD_ONLY if kind == "wmo" else set()
        )
        pool = [s for s in self.specialisaties if s != "dyslexie" and s not in unsuited]
        return sorted(self.rng.sample(pool, self.rng.randint(1, 5)))

    def _scope(self, kind: str, werkgebied: list[str]) -> tuple[list[ContractLine], list[DakjeLine]]:
        rng = self.rng
        lines: list[tuple[str, int | None, str | None]] = []
        if kind == "dyslexie":
            lines.append(("dyslexie", None, None))
        elif kind == "behandeling":
            if rng.random() < 0.15:
                lines.append(("jeugd", "4", "E"))
            else:
                lines += [("jeugd", "4", n) for n in self._some(("A", "B", "C"))]
                if rng.random() < 0.5:
                    lines += [("jeugd", "3", n) for n in self._some(("A", "B", "C"))]
        elif kind in ("jeugd", "gi", "verblijf"):
            for ob in self._some(("1", "2", "3")):
                lines += [("jeugd", ob, n) for n in self._some(NIVEAUS_PER_OB[ob])]
            if kind == "verblijf" and rng.random() < 0.4:
                lines += [("wmo", "2", n) for n in self._some(("A", "B", "C"))]
        if kind == "wmo" or (kind == "jeugd" and rng.random() < 0.25):
            for ob in self._some(("1", "2")):
                lines += [("wmo", ob, n) for n in self._some(NIVEAUS_PER_OB[ob])]
        contracten = []
        for gemeente in werkgebied:
            ended = rng.random() < 0.03
            for perceel, ob, niveau in lines:
                contracten.append(
                    ContractLine(
                        gemeente,
                        perceel,
                        ob,
                        niveau,
                        CONTRACT_START,
                        self.today - timedelta(days=30) if ended else CONTRACT_END,
                    )
                )
        dakjes = []
        if kind == "verblijf":
            soorten = self._some(("0-A", "0-B", "1", "2", "3"))
            dakjes = [DakjeLine(g, d, CONTRACT_START, CONTRACT_END) for g in werkgebied for d in soorten]
        elif kind in ("jeugd", "wmo") and rng.random() < 0.08:
            dakjes = [DakjeLine(g, "1", CONTRACT_START, CONTRACT_END) for g in werkgebied]
        return contracten, dakjes

    def _some(self, options: tuple) -> list:
        return sorted(self.rng.sample(list(options), self.rng.randint(1, len(options))))

    def _functieniveaus(self, kind: str) -> list[str]:
        levels = {"behandeling": ("HBO", "WO", "WO++"), "dyslexie": ("HBO", "WO")}.get(
            kind, FUNCTIENIVEAUS[:3]
        )
        return [lvl for lvl in FUNCTIENIVEAUS if lvl in self._some(levels)]

    def _diagnostiek(self, kind: str) -> list[str]:
        if kind == "behandeling":
            return ["enkelvoudig", "integraal"] if self.rng.random() < 0.5 else ["enkelvoudig"]
        return ["enkelvoudig"] if kind == "dyslexie" else []

    def _doelgroepen(self, percelen: set[str]) -> list[str]:
        options = []
        if percelen & {"jeugd", "dyslexie"}:
            options += [
                "jonge-kinderen",
                "kinderen",
                "jongeren",
                "jongvolwassenen",
                "ouders-gezinnen",
            ]
        if "wmo" in percelen:
            options += ["jongvolwassenen", "volwassenen", "ouderen"]
        return self._some(tuple(sorted(set(options))))

    def _talen(self) -> list[str]:
        extra = ["en", "de", "tr", "ar", "ti", "pl", "uk", "fa", "so", "pap", "twents", "ngt"]
        weights = [40, 15, 8, 7, 3, 4, 4, 3, 2, 1, 12, 1]
        talen = {"nl"}
        for taal, weight in zip(extra, weights, strict=True):
            if self.rng.random() * 100 < weight:
                talen.add(taal)
        return sorted(talen)

    def _vestigingen(self, kind, groot, home, werkgebied, dakjes) -> list[VestigingData]:
        rng = self.rng
        places = [home]
        if groot:
            candidates = [p for p in self.places if p.gemeente in werkgebied and p != home]
            places += rng.sample(candidates, min(len(candidates), rng.randint(1, 5)))
        protected = any(d.dakje in ("0-A", "0-B", "2", "3") for d in dakjes)
        result = [self._vestiging(place, beschermd=False) for place in places]
        if protected:
            place = rng.choice([p for p in self.places if p.gemeente in werkgebied])
            result.append(self._vestiging(place, beschermd=True))
        return result

    def _vestiging(self, place: _Place, beschermd: bool) -> VestigingData:
        rng = self.rng
        low, high = self.vocab["postcodes"].get(place.gemeente, (1000, 9999))  # any, for a new region
        letters = "".join(rng.choice("ABCDEGHJKLMNPRTVWXZ") for _ in range(2))
        return VestigingData(
            naam="Woonlocatie" if beschermd else "",
            adres=f"{rng.choice(self.vocab['straten'])} {rng.randint(1, 240)}",
            postcode=f"{rng.randint(low, high)} {letters}",
            plaats=place.kern,
            gemeente=place.gemeente,
            lat=round(place.lat + rng.uniform(-0.012, 0.012), 5),
            lon=round(place.lon + rng.uniform(-0.018, 0.018), 5),
            rolstoeltoegankelijk=rng.random() < 0.6,
            beschermde_woonlocatie=beschermd,
        )

    def _beschrijving(self, naam, groot, home, werkgebied, werkvormen, specialisaties) -> str:
        rng, vocab = self.rng, self.vocab
        gebied = "heel Twente" if len(werkgebied) >= 12 else f"{len(werkgebied)} gemeenten in Twente"
        if len(werkgebied) == 1:
            gebied = "de eigen gemeente"
        opening = rng.choice(vocab["openingszinnen"]).format(
            naam=naam,
            omvang=rng.choice(vocab["omvang"]["groot" if groot else "klein"]),
            plaats=home.kern,
            werkgebied=gebied,
            aantal=rng.randint(60, 900) if groot else rng.randint(2, 25),
            jaar=rng.randint(1985 if groot else 2004, 2023),
        )
        zinnen = [opening]
        zinnen += [rng.choice(vocab["specialisatiezinnen"][s]) for s in specialisaties[:3]]
        zinnen += [rng.choice(vocab["werkwijzezinnen"][w]) for w in werkvormen[:2]]
        zinnen.append(rng.choice(vocab["afsluitzinnen"]))
        return " ".join(zinnen)

    def _cijfers(
        self, slug: str, wachttijd: int | None, bevestigd_op: date | None, contracten: list, dakjes: list
    ) -> list[CijferData]:
        """Figures per kind of help around the aanbieder's usual wachttijd, a different one in one
        gemeente now and then, and places in its dakjes, from their own generator (the rest stays as
        it was). None without a usual wachttijd: unknown."""
        if wachttijd is None or bevestigd_op is None:
            return []
        rng = random.Random(f"{self.seed}-{slug}")
        gemeenten: dict[str, set[str]] = {}
        for line in contracten:
            gemeenten.setdefault(hulp_key(line.perceel, line.product), set()).add(line.gemeente)
        cijfers = []
        for key in sorted(gemeenten):
            weeks = max(0, wachttijd + rng.choice([-2, -1, 0, 0, 0, 1, 2, 4]))
            contact = min(weeks, rng.choice([0, 1, 1, 2]))
            cijfers.append(
                CijferData(key, None, contact, weeks, None, bevestigd_op, self._historie(rng, weeks))
            )
        if cijfers and len(gemeenten[cijfers[0].hulp]) > 1 and rng.random() < 0.2:
            first = cijfers[0]
            gemeente = rng.choice(sorted(gemeenten[first.hulp]))
            weeks = max(0, first.weken_start + rng.choice([-2, 2, 6]))
            cijfers.append(CijferData(first.hulp, gemeente, None, weeks, None, bevestigd_op))
        for dakje in sorted({line.dakje for line in dakjes}):
            plekken = rng.choice([0, 0, 0, 1, 1, 2, 3])
            start = None if plekken else rng.choice([1, 2, 2, 4, 8, 12])
            cijfers.append(CijferData(dakje_key(dakje), None, None, start, plekken, bevestigd_op))
        return cijfers

    def _stops(self, slug: str, cijfers: list[CijferData]) -> list[StopData]:
        """Now and then an instroomstop on one kind of help, until lifted or until a date."""
        rng = random.Random(f"{self.seed}-{slug}-stop")
        if not cijfers or rng.random() >= 0.04:
            return []
        vanaf = self.today - timedelta(days=rng.randint(0, 30))
        tot = rng.choice([None, self.today + timedelta(days=rng.randint(14, 90))])
        return [StopData(rng.choice(cijfers).hulp, "Alle plekken zijn bezet.", vanaf, tot)]

    def _historie(self, rng: random.Random, weeks: int) -> list[tuple[date, int | None, int | None]]:
        """Earlier confirmations of a figure over the past year."""
        history = []
        for months_back in range(12, 0, -rng.choice([3, 4])):
            weeks = max(0, weeks + rng.choice([-3, -2, -1, 0, 1, 2, 3]))
            history.append((self.today - timedelta(days=30 * months_back + rng.randint(0, 20)), weeks, None))
        return history

    def _resultaten(self) -> list[ResultaatData]:
        rng = self.rng
        results = []
        for periode in ("2025", "2026-H1"):
            noemer = rng.choice([4, 7, 9, 10, 12, 18, 25, 40, 60, 120, 240])
            for indicator in INDICATOREN:
                rate = {"uitval": rng.uniform(0.03, 0.25)}.get(indicator, rng.uniform(0.55, 0.95))
                results.append(
                    ResultaatData(periode, indicator, round(noemer * rate), noemer, "demo-gegevens")
                )
        return results


def load_demo(session: Session, count: int, seed: int, reference_date: date | None = None) -> None:
    """Generate and store demo aanbieders and mark the data set as demo data."""
    generator = DemoGenerator(session, seed, reference_date or clock.today())
    batch = 500
    remaining = count
    while remaining > 0:
        create_aanbieders(session, generator.generate(min(batch, remaining)))
        remaining -= batch
    session.merge(SiteMeta(key=DEMO_FLAG, value=f"{count} aanbieders, seed {seed}"))
    session.flush()
    ensure_demo_accounts(session, reference_date or clock.today())


def is_demo(session: Session) -> bool:
    """Whether demo data is loaded (the site then shows a banner)."""
    return session.get(SiteMeta, DEMO_FLAG) is not None
