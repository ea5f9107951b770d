"""Geboekte resultaten: outcome figures shown honestly.

Figures with fewer than MIN_N cliënten are not shown (unreliable and possibly identifying). Each
shown figure has its n, period, a 95% Wilson interval and the regional median of aanbieders with
the same perceel and ondersteuningsbehoefte (jeugd OB1 and Wmo OB1 are different markets), with one
plain sentence that never claims more than the interval.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from math import sqrt

from sqlmodel import Session, select

from keuzehulp.i18n import N_, gettext
from keuzehulp.models import Contract, Resultaat
from keuzehulp.models.periods import current

MIN_N = 10
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Indicator:
    code: str
    naam: str
    zin: str  # "{tens} van de 10 cliënten ..." (several)
    zin_een: str  # "1 van de 10 cliënten ..." (one)
    higher_is_better: bool


INDICATOREN = {  # names and sentence parts are translated where they are shown
    "uitval": Indicator(
        "uitval",
        N_("Gestopt voor het einde"),
        N_("stopten voordat de hulp klaar was"),
        N_("stopte voordat de hulp klaar was"),
        False,
    ),
    "tevredenheid": Indicator(
        "tevredenheid",
        N_("Tevreden over de hulp"),
        N_("waren tevreden over wat de hulp opleverde"),
        N_("was tevreden over wat de hulp opleverde"),
        True,
    ),
    "3.1": Indicator(
        "3.1",
        N_("Verder zonder hulp"),
        N_("konden na afloop verder zonder hulp"),
        N_("kon na afloop verder zonder hulp"),
        True,
    ),
    "3.2": Indicator(
        "3.2",
        N_("Geen nieuwe hulp nodig"),
        N_("hadden daarna geen nieuwe jeugdhulp nodig"),
        N_("had daarna geen nieuwe jeugdhulp nodig"),
        True,
    ),
    "3.3": Indicator(
        "3.3",
        N_("Minder problemen"),
        N_("hadden minder problemen of konden meer zelf"),
        N_("had minder problemen of kon meer zelf"),
        True,
    ),
    "3.4": Indicator(
        "3.4",
        N_("Doelen gehaald"),
        N_("bereikten de afgesproken doelen"),
        N_("bereikte de afgesproken doelen"),
        True,
    ),
}


# Doelrealisatie (3.1-3.4) is the national outcome set for jeugdhulp that 003 adopts: these are not
# imported, shown or compared for an aanbieder without a jeugd contract.
JEUGD_INDICATOREN = ("3.1", "3.2", "3.3", "3.4")


def wilson(teller: int, noemer: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    p = teller / noemer
    spread = z * sqrt(p * (1 - p) / noemer + z * z / (4 * noemer * noemer))
    centre = p + z * z / (2 * noemer)
    return max(0.0, (centre - spread) / (1 + z * z / noemer)), min(
        1.0, (centre + spread) / (1 + z * z / noemer)
    )


@dataclass(frozen=True)
class Figure:
    """One indicator of one aanbieder for one period, ready to show (or to withhold)."""

    indicator: Indicator
    periode: str
    teller: int
    noemer: int
    bron: str
    benchmark: float | None
    benchmark_scope: tuple[str, int] | None  # (perceel, OB) of the aanbieders in the benchmark

    @property
    def shown(self) -> bool:
        """Whether there are enough cliënten to show the figure."""
        return self.noemer >= MIN_N

    @property
    def rate(self) -> float:
        return self.teller / self.noemer

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.teller, self.noemer)

    @property
    def comparison(self) -> str:
        """'ongeveer gelijk', 'beter' or 'minder goed', judged on the interval, not the raw rate."""
        if self.benchmark is None:
            return "onbekend"
        low, high = self.interval
        if low <= self.benchmark <= high:
            return "ongeveer gelijk"
        above = low > self.benchmark
        return "beter" if above == self.indicator.higher_is_better else "minder goed"

    @property
    def sentence(self) -> str:
        """One B1 sentence about the figure, in the request's language."""
        if not self.shown:
            return gettext("Te weinig gegevens om iets te zeggen (minder dan %(min)s cliënten).") % {
                "min": MIN_N
            }
        tens = round(self.rate * 10)
        text = gettext("%(tens)s van de 10 cliënten %(wat)s.") % {
            "tens": tens,
            "wat": gettext(self.indicator.zin_een if tens == 1 else self.indicator.zin),  # the verb agrees
        }
        comparisons = {
            "ongeveer gelijk": gettext("Dat is ongeveer gelijk aan andere aanbieders."),
            "beter": gettext("Dat is beter dan het midden van andere aanbieders."),
            "minder goed": gettext("Dat is minder goed dan het midden van andere aanbieders."),
        }
        return f"{text} {comparisons[self.comparison]}" if self.comparison in comparisons else text


def main_scope(
    session: Session, aanbieder_id: int, today: date, perceel: str | None = None
) -> tuple[str, str] | None:
    """The (perceel, ondersteuningsbehoefte) most of the aanbieder's current contract lines are
    for, within one perceel when given."""
    query = select(Contract.perceel, Contract.product).where(
        Contract.aanbieder_id == aanbieder_id, Contract.product.is_not(None), current(Contract, today)
    )
    if perceel is not None:
        query = query.where(Contract.perceel == perceel)
    scopes = Counter((perceel, ob) for perceel, ob in session.exec(query))
    return min(scopes, key=lambda scope: (-scopes[scope], scope[1], scope[0])) if scopes else None


def benchmarks(session: Session, perceel: str, ob: str, today: date) -> dict[tuple[str, str], float]:
    """Median rate per (periode, indicator) over aanbieders with a contract for this perceel and OB,
    counting n >= MIN_N only."""
    with_ob = (
        select(Contract.aanbieder_id)
        .where(Contract.perceel == perceel, Contract.product == ob, current(Contract, today))
        .distinct()
    )
    rates: dict[tuple[str, str], list[float]] = defaultdict(list)
    query = select(Resultaat).where(Resultaat.aanbieder_id.in_(with_ob), Resultaat.noemer >= MIN_N)
    for row in session.exec(query):
        rates[(row.periode, row.indicator)].append(row.teller / row.noemer)
    return {key: statistics.median(values) for key, values in rates.items()}


def figures_for(session: Session, aanbieder_id: int, today: date) -> list[Figure]:
    """All figures of an aanbieder, newest period first, in the order of INDICATOREN. Doelrealisatie
    (3.1-3.4) is shown only with a current jeugd contract, and compared within jeugdhulp."""
    rows = list(session.exec(select(Resultaat).where(Resultaat.aanbieder_id == aanbieder_id)))
    if not rows:
        return []
    scopes = {"all": main_scope(session, aanbieder_id, today)}
    scopes["jeugd"] = main_scope(session, aanbieder_id, today, "jeugd")
    medians = {kind: benchmarks(session, *scope, today) if scope else {} for kind, scope in scopes.items()}
    order = list(INDICATOREN)
    rows.sort(key=lambda r: (_reverse(r.periode), order.index(r.indicator) if r.indicator in order else 99))
    figures = []
    for r in rows:
        kind = "jeugd" if r.indicator in JEUGD_INDICATOREN else "all"
        if r.indicator not in INDICATOREN or r.noemer <= 0 or (kind == "jeugd" and scopes["jeugd"] is None):
            continue
        median = medians[kind].get((r.periode, r.indicator))
        figures.append(
            Figure(INDICATOREN[r.indicator], r.periode, r.teller, r.noemer, r.bron, median, scopes[kind])
        )
    return figures


def _reverse(periode: str) -> tuple:
    return tuple(-ord(c) for c in periode)


SORT_INDICATOR = "3.4"


def sortable_lower_bound(rows) -> tuple[int, bool]:
    """For search: the Wilson lower bound (x 10000) of the newest shown 'doelen gehaald' figure, or -1,
    and whether any figure may be shown. rows: (periode, indicator, teller, noemer)."""
    shown = [r for r in rows if r[1] in INDICATOREN and r[3] >= MIN_N]
    doelen = sorted((r for r in shown if r[1] == SORT_INDICATOR), key=lambda r: _reverse(r[0]))
    if not doelen:
        return -1, bool(shown)
    low, _ = wilson(doelen[0][2], doelen[0][3])
    return round(low * 10000), True
