"""Voorkeuren: an inwoner tells the wijkteam of their gemeente which aanbieder they would like.

It goes to that gemeente's wijkteam, never to the aanbieder (no acquisition before the toeleider
is involved). Personal data is kept minimal and removed after the retention period.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.validation import valid_phone
from keuzehulp.i18n import gettext
from keuzehulp.models import Aanbieder, Consultatie, ConsultatieBericht, Gebruiker, Gemeente, Voorkeur
from keuzehulp.services.accounts import gemeente_ids, normalise_email, works_for
from keuzehulp.services.audit import SYSTEM, Actor, record
from keuzehulp.services.consultatie import contains_bsn, contracted_gemeenten, wijkteam_recipients
from keuzehulp.services.mail import queue_mail

MAX_TOELICHTING = 1000
REMOVED = "[verwijderd na de bewaartermijn]"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read out on the phone


FIELDS = ("naam", "telefoon", "email", "gemeente", "toelichting")


def check_voorkeur(typed: dict, gemeenten: dict[str, Gemeente]) -> tuple[dict, dict[str, str]]:
    """The typed voorkeur (FIELDS as text, `toestemming` True or False) and its errors by field, in
    the request's language."""
    values = {name: str(typed.get(name, "")).strip() for name in FIELDS}
    values["toestemming"] = bool(typed.get("toestemming"))
    errors = {}
    if not values["naam"]:
        errors["naam"] = gettext("Vul uw naam in. Dan weet het wijkteam wie u bent.")
    elif len(values["naam"]) > 100:
        errors["naam"] = gettext("Uw naam is te lang. Gebruik hoogstens 100 tekens.")
    if not values["telefoon"] and not values["email"]:
        errors["telefoon"] = gettext(
            "Vul uw telefoonnummer of e-mailadres in. Dan kan het wijkteam u bereiken."
        )
    if values["telefoon"] and not valid_phone(values["telefoon"]):
        errors["telefoon"] = gettext("Een telefoonnummer heeft 10 cijfers, bijvoorbeeld 06 12345678.")
    if values["email"]:
        try:
            values["email"] = normalise_email(values["email"])
        except RuleViolation as problem:
            errors["email"] = str(problem)
    if values["gemeente"] not in gemeenten:
        errors["gemeente"] = gettext("Kies de gemeente waar u woont.")
    if len(values["toelichting"]) > MAX_TOELICHTING:
        errors["toelichting"] = gettext("Uw uitleg is te lang. Gebruik hoogstens %(max)s tekens.") % {
            "max": MAX_TOELICHTING
        }
    elif contains_bsn(values["toelichting"]):
        errors["toelichting"] = gettext(
            "Zet uw burgerservicenummer (BSN) hier niet in. Het wijkteam vraagt het zelf als het nodig is."
        )
    if not values["toestemming"]:
        errors["toestemming"] = gettext(
            "Geef toestemming om uw gegevens naar het wijkteam te sturen. "
            "Anders kunnen wij ze niet doorgeven."
        )
    return values, errors


def new_reference(session: Session) -> str:
    """A short unique reference code like 'KH-7F3K2Q'."""
    while True:
        code = "KH-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if session.exec(select(Voorkeur.id).where(Voorkeur.referentie == code)).first() is None:
            return code


def submit(
    session: Session, values: dict, aanbieder: Aanbieder, gemeente: Gemeente, public_url: str
) -> Voorkeur:
    """Store a checked voorkeur, tell the gemeente's wijkteam and confirm to the inwoner."""
    voorkeur = Voorkeur(
        referentie=new_reference(session),
        gemeente_id=gemeente.id,
        aanbieder_id=aanbieder.id,
        naam=values["naam"],
        telefoon=values["telefoon"],
        email=values["email"],
        toelichting=values["toelichting"],
        toestemming_op=clock.now(),
    )
    session.add(voorkeur)
    session.flush()
    contracted = is_contracted(session, voorkeur, clock.today())
    warning = "" if contracted else f"Let op: deze aanbieder heeft nu geen contract in {gemeente.naam}.\n"
    for address in wijkteam_recipients(session, gemeente.id):
        queue_mail(
            session,
            address,
            f"Nieuwe voorkeur van een inwoner ({voorkeur.referentie})",
            f"Hallo,\n\nEen inwoner van {gemeente.naam} heeft een voorkeur voor een aanbieder doorgegeven.\n"
            f"{warning}Log in om het te lezen:\n{public_url.rstrip('/')}/wijkteam/voorkeuren/{voorkeur.id}\n",
        )
    if voorkeur.email:
        queue_mail(
            session,
            voorkeur.email,
            gettext("Uw voorkeur is doorgegeven (%(referentie)s)") % {"referentie": voorkeur.referentie},
            gettext(
                "Hallo %(naam)s,\n\nWe hebben uw voorkeur voor %(aanbieder)s doorgegeven aan "
                "%(wijkteam)s. Niet aan de aanbieder zelf.\n\n"
                "Uw referentie is %(referentie)s.\n"
                "Het wijkteam neemt contact met u op. Dan bespreekt u samen welke hulp past.\n"
            )
            % {
                "naam": voorkeur.naam,
                "aanbieder": aanbieder.naam,
                "wijkteam": gemeente.toegang_naam,
                "referentie": voorkeur.referentie,
            }
            + ("" if contracted else "\n" + not_contracted_text(aanbieder.naam, gemeente.naam) + "\n"),
        )
    return voorkeur


def not_contracted_text(aanbieder: str, gemeente: str) -> str:
    """What an inwoner reads when the aanbieder has no contract in their gemeente."""
    return gettext(
        "Let op: %(aanbieder)s heeft geen contract met de gemeente %(gemeente)s. Dan kan het wijkteam "
        "de hulp van deze aanbieder meestal niet regelen. Het wijkteam bespreekt met u welke aanbieders "
        "wel kunnen. Soms kan het wel met een persoonsgebonden budget (pgb)."
    ) % {"aanbieder": aanbieder, "gemeente": gemeente}


def is_contracted(session: Session, voorkeur: Voorkeur, today: date) -> bool:
    """Whether the aanbieder has a current contract in the inwoner's gemeente. Without one the
    wijkteam cannot arrange its help as zorg in natura (a pgb may still allow it)."""
    return voorkeur.gemeente_id in contracted_gemeenten(session, voorkeur.aanbieder_id, today)


def may_see(session: Session, user: Gebruiker, voorkeur: Voorkeur) -> bool:
    """Only the wijkteam of the inwoner's gemeente (and the beheerders of its region) see a voorkeur."""
    return works_for(session, user, voorkeur.gemeente_id)


def mark_handled(session: Session, user: Gebruiker, voorkeur: Voorkeur) -> None:
    """The wijkteam has dealt with the voorkeur."""
    if voorkeur.status == "afgehandeld":
        raise RuleViolation("Deze voorkeur is al afgehandeld.")
    voorkeur.status, voorkeur.afgehandeld_op = "afgehandeld", clock.now()
    session.add(voorkeur)
    record(session, Actor.of(user), "voorkeur afgehandeld", "voorkeur", voorkeur.id)


def for_wijkteam(session: Session, user: Gebruiker) -> list[tuple[Voorkeur, str, str]]:
    """The voorkeuren of the user's gemeenten, open ones first: (voorkeur, aanbieder, gemeente)."""
    query = (
        select(Voorkeur, Aanbieder.naam, Gemeente.naam)
        .join(Aanbieder, Aanbieder.id == Voorkeur.aanbieder_id)
        .join(Gemeente, Gemeente.id == Voorkeur.gemeente_id)
        .where(Voorkeur.gemeente_id.in_(gemeente_ids(session, user)))
        .order_by(Voorkeur.status.desc(), Voorkeur.id.desc())
    )
    return list(session.exec(query))


def anonymise_closed(session: Session, now: datetime, days: int) -> tuple[int, int]:
    """Remove personal data of requests closed longer than `days` ago; returns (voorkeuren, consultaties)."""
    limit = now - timedelta(days=days)
    voorkeuren = 0
    for voorkeur in session.exec(
        select(Voorkeur).where(Voorkeur.status == "afgehandeld", Voorkeur.geanonimiseerd_op.is_(None))
    ):
        if voorkeur.afgehandeld_op < limit:
            voorkeur.naam, voorkeur.telefoon, voorkeur.email, voorkeur.toelichting = REMOVED, "", "", ""
            voorkeur.geanonimiseerd_op = now
            session.add(voorkeur)
            voorkeuren += 1
    consultaties = 0
    closed = select(Consultatie).where(
        Consultatie.status.in_(("afgewezen", "afgerond")), Consultatie.geanonimiseerd_op.is_(None)
    )
    for consultatie in session.exec(closed):
        ended = consultatie.afgerond_op or consultatie.beantwoord_op
        if ended is None or ended >= limit:
            continue
        for name in (
            "vraag",
            "geprobeerd",
            "bereikbaar",
            "contactpersoon",
            "terugkoppeling",
            "reden_afwijzing",
        ):
            setattr(consultatie, name, REMOVED if getattr(consultatie, name) else "")
        consultatie.geanonimiseerd_op = now
        session.add(consultatie)
        for message in session.exec(
            select(ConsultatieBericht).where(ConsultatieBericht.consultatie_id == consultatie.id)
        ):
            message.tekst = REMOVED
            session.add(message)
        consultaties += 1
    if voorkeuren or consultaties:
        record(
            session,
            SYSTEM,
            "persoonsgegevens verwijderd",
            "bewaartermijn",
            "",
            na={"voorkeuren": voorkeuren, "consultaties": consultaties},
        )
    return voorkeuren, consultaties
