"""Wijkteam subscriptions: "tell me when an aanbieder for this kind of help in my gemeente has a plek
(dakjes) or can start within N weeks". Adding and removing one, and the e-mail when a change of an
aanbieder's figures or stops makes a subscription come true for that aanbieder.

Kept simple: only the changed aanbieder is evaluated. A subscription comes true for it when none of
its lines matched before the change and one does after (`availability(...).start <= weken`, or
`.plek`); an unchanged confirmation of a figure that already matched sends nothing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_
from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import START_BINNEN, Availability, availability, dakje_of, hulp_naam
from keuzehulp.domain.beschikbaarheid import kinds_of_help as model_kinds
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.regio import SERVED, regio_of, site_name
from keuzehulp.models import Aanbieder, Abonnement, Gebruiker, GebruikerGemeente, Gemeente
from keuzehulp.queries.beschikbaarheid import Line, State
from keuzehulp.queries.consultatie import own_gemeenten
from keuzehulp.services.mail import queue_mail
from keuzehulp.services.meldingen import site_url

SOORTEN = ("start", "plek")
MAX_PER_GEBRUIKER = 50
FIELDS = ("gemeente", "hulp", "soort", "weken")


def kinds_of_help(gemeenten: list[Gemeente]) -> list[tuple[str, str]]:
    """The kinds of help of the models of these gemeenten's regions, each once."""
    found: dict[str, str] = {}
    for regio in dict.fromkeys(regio_of(g.cbs_code) for g in gemeenten):
        if regio:
            found |= {key: naam for key, naam in model_kinds(regio) if key not in found}
    return list(found.items())


def problems(session: Session, user: Gebruiker, values: dict) -> dict[str, str]:
    """Dutch messages per field for a new subscription (empty when it can be added)."""
    errors = {}
    gemeente = next((g for g in own_gemeenten(session, user) if g.cbs_code == values["gemeente"]), None)
    if gemeente is None:
        errors["gemeente"] = "Kies een gemeente van uw wijkteam."
    elif values["hulp"] not in dict(model_kinds(regio_of(gemeente.cbs_code) or SERVED)):
        errors["hulp"] = "Kies een soort hulp uit de lijst."
    if values["soort"] not in SOORTEN:
        errors["soort"] = "Kies waarover u een bericht wilt: een vrije plek of een start binnen een tijd."
    elif values["soort"] == "plek" and "hulp" not in errors and dakje_of(values["hulp"]) is None:
        errors["soort"] = (
            "Een vrije plek kan alleen bij wonen en verblijf (een dakje). Kies bij Soort hulp een dakje,"
            " of kies ‘Kan starten binnen een aantal weken’."
        )
    elif values["soort"] == "start" and values["weken"] not in {str(n) for n in START_BINNEN}:
        errors["weken"] = "Kies binnen hoeveel weken de hulp moet kunnen starten."
    if errors:
        return errors
    mine = list(session.exec(select(Abonnement).where(Abonnement.gebruiker_id == user.id)))
    weken = int(values["weken"]) if values["soort"] == "start" else None
    wanted = (gemeente.id, values["hulp"], values["soort"], weken)
    if any((a.gemeente_id, a.hulp, a.soort, a.weken) == wanted for a in mine):
        errors["hulp"] = "Deze melding heeft u al."
    elif len(mine) >= MAX_PER_GEBRUIKER:
        errors["hulp"] = f"U heeft al {MAX_PER_GEBRUIKER} meldingen. Verwijder er eerst een."
    return errors


def add(session: Session, user: Gebruiker, values: dict) -> Abonnement:
    """Add a subscription from the form's values; RuleViolation (with its field) when refused."""
    if errors := problems(session, user, values):
        field, message = next(iter(errors.items()))
        raise RuleViolation(message, field=field)
    gemeente_id = session.exec(select(Gemeente.id).where(Gemeente.cbs_code == values["gemeente"])).one()
    soort = values["soort"]
    abonnement = Abonnement(
        gebruiker_id=user.id,
        gemeente_id=gemeente_id,
        hulp=values["hulp"],
        soort=soort,
        weken=int(values["weken"]) if soort == "start" else None,
    )
    session.add(abonnement)
    session.flush()
    return abonnement


def remove(session: Session, user: Gebruiker, abonnement_id: int) -> bool:
    """Remove one of the user's own subscriptions; False when it is not theirs or not there."""
    abonnement = session.get(Abonnement, abonnement_id)
    if abonnement is None or abonnement.gebruiker_id != user.id:
        return False
    session.delete(abonnement)
    return True


def describe(abonnement: Abonnement, gemeente: Gemeente) -> str:
    """'Jeugd OB3 in Enschede: kan starten binnen 4 weken', 'Dakje 2 in Hengelo: een vrije plek'."""
    what = hulp_naam(abonnement.hulp, regio_of(gemeente.cbs_code) or SERVED)
    wish = "een vrije plek" if abonnement.soort == "plek" else f"kan starten binnen {abonnement.weken} weken"
    return f"{what} in {gemeente.naam}: {wish}"


def matches(abonnement: Abonnement, found: Availability) -> bool:
    """Whether one line's availability answers the subscription."""
    if abonnement.soort == "plek":
        return found.plek
    return found.start is not None and abonnement.weken is not None and found.start <= abonnement.weken


def notify(
    session: Session,
    aanbieder: Aanbieder,
    lines: list[Line],
    before: State,
    after: State,
    today: date,
    public_url: str | None = None,
) -> int:
    """E-mail each subscriber for whom this change made the aanbieder answer their subscription;
    the number of e-mails queued. Only active aanbieders and active wijkteam members still working
    for the gemeente count."""
    if aanbieder.status != "actief":
        return 0
    cbs = dict(session.exec(select(Gemeente.id, Gemeente.cbs_code)).all())
    served = {(line.hulp, g) for line in lines for g in line.gemeenten}
    hulpen = sorted({line.hulp for line in lines})
    query = (
        select(Abonnement, Gebruiker.email, Gemeente)
        .join(Gebruiker, Gebruiker.id == Abonnement.gebruiker_id)
        .join(Gemeente, Gemeente.id == Abonnement.gemeente_id)
        .join(
            GebruikerGemeente,
            and_(
                GebruikerGemeente.gebruiker_id == Gebruiker.id,
                GebruikerGemeente.gemeente_id == Abonnement.gemeente_id,
            ),
        )
        .where(Gebruiker.actief, Gebruiker.rol == "wijkteam", Abonnement.hulp.in_(hulpen))
        .order_by(Abonnement.id)
    )
    link = f"{site_url(public_url)}/aanbieders/{aanbieder.slug}"
    count = 0
    for abonnement, email, gemeente in session.exec(query):
        line = (abonnement.hulp, cbs[abonnement.gemeente_id])
        if line not in served:
            continue
        was = matches(abonnement, availability(before.figures, before.stops, *line, today))
        now = matches(abonnement, availability(after.figures, after.stops, *line, today))
        if now and not was:
            queue_mail(
                session,
                email,
                f"{aanbieder.naam} past bij uw melding op {site_name(regio_of(gemeente.cbs_code))}",
                f"Hallo,\n\nU wilde een bericht over {describe(abonnement, gemeente)}.\n\n"
                f"{aanbieder.naam} past daar nu bij. Bekijk de aanbieder:\n{link}\n\n"
                "Wilt u deze berichten niet meer? Verwijder de melding op uw pagina Meldingen:\n"
                f"{site_url(public_url)}/wijkteam/meldingen\n",
            )
            count += 1
    return count
