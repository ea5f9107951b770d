"""Meldingen to beheerders when a wait is at risk: a change of figures or stops that puts an
aanbieder's weeks until the start above its region's norm (docs/beschikbaarheid.md), or sets a new
instroomstop. One e-mail per active beheerder of each region where the aanbieder has the line.

Only what becomes true counts: a figure that was above the norm before (confirmed again, or
changed but still above) sends nothing, and neither does a stop that was already there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.lists import format_list
from sqlmodel import Session, select

from keuzehulp.config import Settings
from keuzehulp.domain.beschikbaarheid import ALL, Figure, Stop, hulp_naam, matching, settings_of
from keuzehulp.domain.regio import regio_naam, regio_of
from keuzehulp.models import Aanbieder, Gebruiker, Gemeente, Regio
from keuzehulp.queries.beschikbaarheid import Line, State
from keuzehulp.services.mail import queue_mail


def site_url(public_url: str | None) -> str:
    """The site's address for links in e-mails: the one given, else the environment's setting."""
    return (public_url or Settings.from_env().public_url).rstrip("/")


def _above(figure: Figure | None, norm: int) -> bool:
    return figure is not None and figure.start is not None and figure.start > norm


@dataclass(frozen=True)
class _Risk:
    """One thing to tell a region's beheerders: a figure above the norm in some gemeenten, or a stop."""

    hulp: str
    gemeenten: tuple[str, ...]  # CBS codes, in the order of the line
    weken: int | None = None
    norm: int | None = None
    stop: Stop | None = None


def risks(lines: list[Line], before: State, after: State) -> dict[str, list[_Risk]]:
    """Per region (slug): the figures that went above the norm and the new stops on its lines."""
    found: dict[str, dict[tuple, list[str]]] = {}
    for line in lines:
        for gemeente in line.gemeenten:
            regio = regio_of(gemeente)
            if regio is None:
                continue
            norm = settings_of(regio).norm(line.hulp)
            figure = matching(after.figures, line.hulp, gemeente)
            if _above(figure, norm) and not _above(matching(before.figures, line.hulp, gemeente), norm):
                found.setdefault(regio, {}).setdefault((line.hulp, figure.start, norm), []).append(gemeente)
    per_regio = {
        regio: [_Risk(hulp, tuple(g), weken, norm) for (hulp, weken, norm), g in items.items()]
        for regio, items in found.items()
    }
    for stop in (Counter(after.stops) - Counter(before.stops)).elements():
        covered = {regio_of(g) for line in lines for g in line.gemeenten if stop.covers(line.hulp, g)}
        for regio in sorted(r for r in covered if r):
            gemeenten = (stop.gemeente,) if stop.gemeente else ()
            per_regio.setdefault(regio, []).append(_Risk(stop.hulp, gemeenten, stop=stop))
    return per_regio


def _sentence(risk: _Risk, regio: str, names: dict[str, str]) -> str:
    where = format_list([names.get(g, g) for g in risk.gemeenten], locale="nl") if risk.gemeenten else ""
    if risk.stop is None:
        return (
            f"{hulp_naam(risk.hulp, regio)} in {where}: de hulp kan pas over {risk.weken} weken "
            f"starten. De norm is {risk.norm} weken."
        )
    stop = risk.stop
    what = "alle soorten hulp" if stop.hulp == ALL else hulp_naam(stop.hulp, regio)
    where = where or "alle gemeenten"
    until = (
        f"Verwacht tot en met {format_date(stop.tot, 'long', locale='nl')}."
        if stop.tot
        else "Tot de aanbieder hem opheft."
    )
    return f'Instroomstop voor {what} in {where}: "{stop.reden}". {until}'


def beheerders(session: Session, regio: str) -> list[str]:
    """The e-mail addresses of a region's active beheerders."""
    query = (
        select(Gebruiker.email)
        .join(Regio, Regio.id == Gebruiker.regio_id)
        .where(Gebruiker.rol == "beheerder", Gebruiker.actief, Regio.slug == regio)
        .order_by(Gebruiker.id)
    )
    return list(session.exec(query))


def wait_at_risk(
    session: Session,
    aanbieder: Aanbieder,
    lines: list[Line],
    before: State,
    after: State,
    today: date,
    public_url: str | None = None,
) -> int:
    """Queue the meldingen for one change to the beheerders of each region it concerns; the
    number of e-mails queued."""
    found = risks(lines, before, after)
    if not found:
        return 0
    names = dict(session.exec(select(Gemeente.cbs_code, Gemeente.naam)).all())
    link = f"{site_url(public_url)}/beheer/aanbieders/{aanbieder.slug}"
    count = 0
    for regio, items in sorted(found.items()):
        kinds = {item.stop is None for item in items}
        subject = {
            frozenset({True}): f"Wachttijd boven de norm bij {aanbieder.naam}",
            frozenset({False}): f"Instroomstop bij {aanbieder.naam}",
        }.get(frozenset(kinds), f"Wachttijd boven de norm en instroomstop bij {aanbieder.naam}")
        listed = "\n".join(f"- {_sentence(item, regio, names)}" for item in items)
        body = (
            f"Hallo,\n\nBij {aanbieder.naam} is op {format_date(today, 'long', locale='nl')} iets veranderd "
            f"dat de wachttijd in {regio_naam(regio)} raakt:\n\n{listed}\n\n"
            f"Bekijk de aanbieder:\n{link}\n"
        )
        for address in beheerders(session, regio):
            queue_mail(session, address, subject, body)
            count += 1
    return count
