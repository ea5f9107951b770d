"""Wachttijd and plek per kind of help: which figure answers a search, when it is fresh, what an
instroomstop covers, and each region's settings (regio.yaml `beschikbaarheid`).

A kind of help is a `hulp` key: 'jeugd/3' (perceel and product of the region model), 'dyslexie' (a
perceel without products) or 'dakje/2'. An aanbieder states a figure per key, for every gemeente
(gemeente None) and, where it differs, for one gemeente; the gemeente's own figure wins. The search,
the profile, the cards, the API and the zorglandschap all ask `availability` here.

Rules: unknown is never zero; a figure older than the region's `vers_weken` is shown as "mogelijk
verouderd" and counts for no filter; a free place means help can start now (0 weeks); a running
instroomstop means no new cliënten, whatever the figure says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from keuzehulp.domain.regio import SERVED, model_of, regio_data, regio_of

DAKJE = "dakje"
ALL = "*"  # an instroomstop for every kind of help
MAX_WEKEN = 104
MAX_PLEKKEN = 999
START_BINNEN = (1, 2, 4, 6, 8, 12)  # "kan binnen N weken starten": the choices, and the groups of the sort


def hulp_key(perceel: str, product: str | None) -> str:
    """The key of a product line: 'jeugd/3'; a perceel without products is its own key."""
    return f"{perceel}/{product}" if product else perceel


def dakje_key(dakje: str) -> str:
    """The key of a dakje: 'dakje/2'."""
    return f"{DAKJE}/{dakje}"


def dakje_of(hulp: str) -> str | None:
    """The dakje a key names, or None for a product key."""
    kind, _, code = hulp.partition("/")
    return code if kind == DAKJE else None


def hulp_naam(hulp: str, regio: str) -> str:
    """How a region's model names a kind of help: 'Jeugd OB3', 'Wmo Begeleiding' (a model without
    product codes), 'Dyslexie (EED)', 'Dakje 2'; the key itself for one the model does not know."""
    dakje = dakje_of(hulp)
    if dakje is not None:
        return f"Dakje {dakje}"
    terms = model_of(regio).terms
    perceel, _, product = hulp.partition("/")
    if perceel not in terms["percelen"] or (product and product not in terms["producten"]):
        return hulp
    naam = terms["percelen"][perceel]["naam"]
    if not product:
        return naam
    afkorting = terms["model"]["product"].get("afkorting")
    return f"{naam} {afkorting}{product}" if afkorting else f"{naam} {terms['producten'][product]['naam']}"


def kinds_of_help(regio: str) -> list[tuple[str, str]]:
    """Every kind of help of a region's model with its name: perceel x product (a perceel without
    products is one), then the dakjes where the model buys wonen en verblijf."""
    model = model_of(regio)
    keys = [
        hulp_key(perceel.code, product)
        for perceel in model.percelen.values()
        for product in (perceel.producten or (None,))
    ]
    if model.has("verblijf"):
        keys += [dakje_key(dakje) for dakje in model.group("verblijf").modules]
    return [(key, hulp_naam(key, regio)) for key in keys]


@dataclass(frozen=True)
class Figure:
    """One stated figure: weeks until the first contact and until the start, free places (dakjes)."""

    hulp: str
    gemeente: str | None  # CBS code; None: every gemeente
    weken_contact: int | None
    weken_start: int | None
    plekken: int | None
    bevestigd_op: date

    def stated(self) -> dict:
        """What was stated, as plain data (audit rows, the API)."""
        return {
            "hulp": self.hulp,
            "gemeente": self.gemeente,
            "weken_contact": self.weken_contact,
            "weken_start": self.weken_start,
            "plekken": self.plekken,
        }

    @property
    def start(self) -> int | None:
        """Weeks until help can start: 0 with a free place, None when not known."""
        if self.plekken:
            return 0
        return self.weken_start


@dataclass(frozen=True)
class Stop:
    """An instroomstop: no new cliënten for a kind of help (or ALL) in a gemeente (or all) from
    `vanaf` through `tot` (None: until lifted)."""

    hulp: str
    gemeente: str | None
    reden: str
    vanaf: date
    tot: date | None

    def active(self, today: date) -> bool:
        return self.vanaf <= today and (self.tot is None or today <= self.tot)

    def covers(self, hulp: str, gemeente: str | None) -> bool:
        return self.hulp in (ALL, hulp) and (self.gemeente is None or self.gemeente == gemeente)


@dataclass(frozen=True)
class Settings:
    """A region's settings: days a confirmed figure stays fresh, and the wachttijd norm (weeks until
    the start) per kind of help, the most specific key first ('jeugd/3', 'jeugd', 'standaard')."""

    vers_weken: int
    norm_weken: dict[str, int]

    def norm(self, hulp: str) -> int:
        kind = hulp.partition("/")[0]
        for key in (hulp, kind, "standaard"):
            if key in self.norm_weken:
                return self.norm_weken[key]
        return 6

    def fresh(self, bevestigd_op: date, today: date) -> bool:
        return today - bevestigd_op <= timedelta(weeks=self.vers_weken)

    def stale_on(self, bevestigd_op: date) -> date:
        """The first day a figure confirmed on `bevestigd_op` is 'mogelijk verouderd'."""
        return bevestigd_op + timedelta(weeks=self.vers_weken, days=1)


@cache
def settings_of(regio: str) -> Settings:
    """A region's settings (6 weeks fresh and a norm of 6 weeks when its file names none)."""
    data = regio_data(regio).get("beschikbaarheid") or {}
    return Settings(
        int(data.get("vers_weken", 6)), {k: int(v) for k, v in (data.get("norm_weken") or {}).items()}
    )


def settings_for(gemeente: str | None) -> Settings:
    """The settings of a gemeente's region (the installation's region without a gemeente)."""
    return settings_of((gemeente and regio_of(gemeente)) or SERVED)


def matching(figures: Iterable[Figure], hulp: str, gemeente: str | None) -> Figure | None:
    """The figure for a kind of help in a gemeente: the gemeente's own, else the one for all."""
    general = None
    for figure in figures:
        if figure.hulp != hulp:
            continue
        if figure.gemeente is not None and figure.gemeente == gemeente:
            return figure
        if figure.gemeente is None:
            general = figure
    return general


def stop_for(stops: Iterable[Stop], hulp: str, gemeente: str | None, today: date) -> Stop | None:
    """The running instroomstop that covers a kind of help in a gemeente, if any."""
    return next((s for s in stops if s.active(today) and s.covers(hulp, gemeente)), None)


@dataclass(frozen=True)
class Availability:
    """What one line (a kind of help in a gemeente) shows: its figure, whether that is stale, and a
    running instroomstop."""

    figure: Figure | None
    verouderd: bool
    stop: Stop | None

    @property
    def start(self) -> int | None:
        """Weeks until the start as the filters count it: None when unknown, stale or stopped."""
        if self.figure is None or self.verouderd or self.stop is not None:
            return None
        return self.figure.start

    @property
    def plek(self) -> bool:
        """A free place now, as "nu een plek" counts it."""
        return self.start == 0 and bool(self.figure and self.figure.plekken)


def availability(
    figures: Iterable[Figure], stops: Iterable[Stop], hulp: str, gemeente: str | None, today: date
) -> Availability:
    """The availability of a kind of help in a gemeente on a day."""
    figure = matching(figures, hulp, gemeente)
    verouderd = figure is not None and not settings_for(gemeente).fresh(figure.bevestigd_op, today)
    return Availability(figure, verouderd, stop_for(stops, hulp, gemeente, today))


def check_figure(weken_contact: int | None, weken_start: int | None, plekken: int | None) -> list[str]:
    """Dutch messages for a figure the rules refuse (empty when it is fine): out of range, the first
    contact after the start, or neither the start nor free places given."""
    problems = []
    for value, what in ((weken_contact, "het eerste contact"), (weken_start, "de start")):
        if value is not None and not 0 <= value <= MAX_WEKEN:
            problems.append(f"De weken tot {what} zijn een heel aantal van 0 tot {MAX_WEKEN}.")
    if weken_contact is not None and weken_start is not None and weken_contact > weken_start:
        problems.append("Het eerste contact kan niet later zijn dan de start van de hulp.")
    if plekken is not None and not 0 <= plekken <= MAX_PLEKKEN:
        problems.append(f"Het aantal vrije plekken is een heel aantal van 0 tot {MAX_PLEKKEN}.")
    if weken_start is None and plekken is None:
        problems.append("Vul de weken tot de start in, of het aantal vrije plekken.")
    return problems


def soonest(
    figures: Iterable[Figure], stops: Iterable[Stop], lines: Iterable[tuple[str, str]], today: date
) -> tuple[str, str, Availability] | None:
    """Of the lines (hulp, gemeente) a search matches, the one a result shows: the soonest start
    that counts, else one with a figure that does not count (stale) or a stop; None without either."""
    best = None
    for hulp, gemeente in lines:
        found = availability(figures, stops, hulp, gemeente, today)
        if found.figure is None and found.stop is None:
            continue
        key = (found.start is None, found.start or 0, hulp, gemeente)
        if best is None or key < best[0]:
            best = (key, hulp, gemeente, found)
    return best[1:] if best else None
