"""Applications from new aanbieders: submitted publicly, accepted or rejected by a beheerder."""

from __future__ import annotations

from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.regio import site_name
from keuzehulp.domain.taxonomy import slugify
from keuzehulp.domain.validation import (
    PHONE_ERROR,
    WEBSITE_ERROR,
    normalise_kvk,
    normalise_website,
    valid_phone,
    valid_website,
)
from keuzehulp.models import Aanbieder, Aanmelding
from keuzehulp.services.accounts import create_user, invite, normalise_email
from keuzehulp.services.audit import Actor, record
from keuzehulp.services.mail import queue_mail

FIELDS = ("naam", "kvk", "contactpersoon", "email", "telefoon", "website", "toelichting")


def check_application(typed: dict) -> tuple[dict, dict[str, str]]:
    """The typed application (FIELDS as text) and its Dutch errors, keyed by field."""
    values = {name: str(typed.get(name, "")).strip()[:2000] for name in FIELDS}
    errors = {}
    if not values["naam"]:
        errors["naam"] = "Vul de naam van uw organisatie in."
    try:
        values["kvk"] = normalise_kvk(values["kvk"])
    except RuleViolation as problem:
        errors["kvk"] = str(problem)
    if values["telefoon"] and not valid_phone(values["telefoon"]):
        errors["telefoon"] = PHONE_ERROR
    values["website"] = normalise_website(values["website"])
    if values["website"] and not valid_website(values["website"]):
        errors["website"] = WEBSITE_ERROR
    if not values["contactpersoon"]:
        errors["contactpersoon"] = "Vul de naam van de contactpersoon in."
    try:
        values["email"] = normalise_email(values["email"])
    except RuleViolation as problem:
        errors["email"] = str(problem)
    return values, errors


def submit(session: Session, values: dict) -> Aanmelding:
    """Store a checked application (not public) and confirm it to the applicant."""
    application = Aanmelding(**values)
    session.add(application)
    session.flush()
    queue_mail(
        session,
        application.email,
        f"Uw aanmelding bij {site_name()}",
        f"Hallo {application.contactpersoon},\n\nWe hebben de aanmelding van {application.naam} ontvangen. "
        "Het regionale contractbeheer bekijkt uw aanmelding en laat u weten wat de uitkomst is.\n",
    )
    return application


def _open(session: Session, application_id: int) -> Aanmelding:
    application = session.get(Aanmelding, application_id)
    if application is None or application.status != "nieuw":
        raise RuleViolation("Deze aanmelding is er niet of is al beoordeeld.")
    return application


def accept(session: Session, actor: Actor, application_id: int, public_url: str) -> Aanbieder:
    """Accept: create the aanbieder with an empty profile and invite the contact person."""
    application = _open(session, application_id)
    slug = slugify(application.naam) or f"aanbieder-{application.kvk}"
    if session.exec(select(Aanbieder.id).where(Aanbieder.slug == slug)).first() is not None:
        slug = f"{slug}-{application.kvk}"
    aanbieder = Aanbieder(
        slug=slug,
        naam=application.naam,
        kvk=application.kvk,
        email=application.email,
        telefoon=application.telefoon,
        website=application.website,
    )
    session.add(aanbieder)
    session.flush()
    application.status, application.beoordeeld_op, application.aanbieder_id = (
        "geaccepteerd",
        clock.now(),
        aanbieder.id,
    )
    session.add(application)
    user = create_user(
        session, actor, application.email, "aanbieder", application.contactpersoon, aanbieder_slug=slug
    )
    invite(session, user, public_url)
    record(session, actor, "aanmelding geaccepteerd", "aanmelding", application.id, na={"aanbieder": slug})
    return aanbieder


def reject(session: Session, actor: Actor, application_id: int, reden: str) -> Aanmelding:
    """Reject with a reason that is sent to the applicant."""
    if not reden.strip():
        raise RuleViolation("Schrijf waarom de aanmelding is afgewezen. De aanvrager krijgt deze reden.")
    application = _open(session, application_id)
    application.status, application.reden, application.beoordeeld_op = "afgewezen", reden.strip(), clock.now()
    session.add(application)
    queue_mail(
        session,
        application.email,
        f"Uw aanmelding bij {site_name()}",
        f"Hallo {application.contactpersoon},\n\n"
        f"De aanmelding van {application.naam} is afgewezen. De reden:\n\n"
        f"{application.reden}\n\nHeeft u vragen? Neem contact op met het regionale contractbeheer.\n",
    )
    record(
        session, actor, "aanmelding afgewezen", "aanmelding", application.id, na={"reden": application.reden}
    )
    return application
