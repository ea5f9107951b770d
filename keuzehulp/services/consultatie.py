"""Consultatie: the gemeentelijke toegang asks an aanbieder for expertise, the aanbieder answers.

Rules (DOMAIN.md): only wijkteams request; the request is anonymous about the inwoner (no names,
no BSN); the aanbieder accepts (with contact person and date) or rejects (with a reason) and always
reports back when it completes. Transitions are checked and atomic: of two people accepting the
same request at once, one wins and the other gets a clear message. Everything is audited, and
everyone who must act next gets an e-mail (without personal data; they read it after signing in).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.twents_model import DAKJE_PERCELEN, NIVEAUS_PER_OB
from keuzehulp.domain.validation import whole_number
from keuzehulp.models import (
    Aanbieder,
    Consultatie,
    ConsultatieBericht,
    Contract,
    DakjeScope,
    Gebruiker,
    GebruikerGemeente,
    Gelezen,
    Gemeente,
    Maatregelhulp,
)
from keuzehulp.models.consultatie import CONSULTATIE_STATUSES
from keuzehulp.models.periods import CONTRACT_MODELS, current
from keuzehulp.queries.regio_scope import gemeente_ids as regio_gemeente_ids
from keuzehulp.services.accounts import gemeente_ids, regio_of_gemeente, works_for
from keuzehulp.services.audit import Actor, record
from keuzehulp.services.mail import queue_mail

LEEFTIJDSGROEPEN = {
    "0-4": "0 tot 4 jaar",
    "4-12": "4 tot 12 jaar",
    "12-18": "12 tot 18 jaar",
    "18-23": "18 tot 23 jaar",
    "23+": "23 jaar of ouder",
}
URGENTIES = {"normaal": "Normaal", "hoog": "Met spoed (binnen een paar dagen)"}
AANBIEDER_KIEST = "aanbieder kiest"  # functieniveau left to the aanbieder: consultatie is always offered
ANSWER_WORKDAYS = 5
MAX_TEXT = 2000
_NINE_DIGITS = re.compile(r"(?<![0-9])([0-9][ .]?){8}[0-9](?![0-9])")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_PHONE = re.compile(r"(?<![0-9])(\+31|0)[ -]?[1-9]([ -]?[0-9]){8}(?![0-9])")


# --- privacy checks -------------------------------------------------------------------------------


def is_bsn(digits: str) -> bool:
    """The BSN eleven-test (elfproef) on a 9-digit string."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def contains_bsn(text: str) -> bool:
    """Whether free text contains a number that passes the BSN eleven-test."""
    return any(is_bsn(re.sub(r"[ .]", "", m.group(0))) for m in _NINE_DIGITS.finditer(text))


def contact_warning(text: str) -> bool:
    """Whether free text seems to contain an e-mail address or a phone number."""
    return bool(_EMAIL.search(text) or _PHONE.search(text))


BSN_ERROR = "Er staat een burgerservicenummer (BSN) in de tekst. Haal het weg: een consultatie is anoniem."
CONTACT_WARNING = (
    "Er lijkt een e-mailadres of telefoonnummer in de tekst te staan. Gaat het om de inwoner? Haal het "
    "dan weg. Gaat het om uzelf? Vink dan aan dat u het zeker weet."
)


# --- werkdagen and overdue ------------------------------------------------------------------------


def add_workdays(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after start."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def is_overdue(consultatie: Consultatie, now: datetime) -> bool:
    """Still unanswered after 5 werkdagen."""
    if consultatie.status != "nieuw":
        return False
    return now.date() > add_workdays(consultatie.created_at.date(), ANSWER_WORKDAYS)


# --- the request ----------------------------------------------------------------------------------


REQUEST_FIELDS = (
    "vraag",
    "geprobeerd",
    "bereikbaar",
    "gemeente_id",
    "leeftijdsgroep",
    "obniveau",
    "functieniveau",
    "urgentie",
)
ANSWER_FIELDS = ("contactpersoon", "geplande_datum", "reden", "terugkoppeling")


def check_request(
    typed: dict, aanbieder: Aanbieder, scopes: dict[int, Scope]
) -> tuple[dict, dict[str, str], bool]:
    """The typed request (REQUEST_FIELDS as text, `zeker` True once the contact warning was
    confirmed), Dutch errors by field, and whether contact details need confirming.
    `scopes`: what may be asked in each gemeente the user may ask for (`scope_per_gemeente`)."""
    text = {name: str(typed.get(name, "")).strip() for name in ("vraag", "geprobeerd", "bereikbaar")}
    values = text | {
        "gemeente_id": str(typed.get("gemeente_id", "")),
        "leeftijdsgroep": str(typed.get("leeftijdsgroep", "")),
        "obniveau": str(typed.get("obniveau", "")),
        "functieniveau": str(typed.get("functieniveau", "")),
        "urgentie": str(typed.get("urgentie") or "normaal"),
    }
    errors: dict[str, str] = {}
    if not text["vraag"]:
        errors["vraag"] = "Schrijf uw vraag aan de aanbieder."
    if not text["bereikbaar"]:
        errors["bereikbaar"] = "Schrijf hoe de aanbieder u kan bereiken (uw telefoon of e-mail op het werk)."
    for name, value in text.items():
        if len(value) > MAX_TEXT:
            errors[name] = f"Gebruik hoogstens {MAX_TEXT} tekens."
        elif contains_bsn(value):
            errors[name] = BSN_ERROR
    scope = scopes.get(whole_number(values["gemeente_id"]))
    if scope is None:
        errors["gemeente_id"] = "Kies de gemeente waarvoor u deze vraag stelt."
        scope = combined(scopes.values())
    if values["leeftijdsgroep"] not in LEEFTIJDSGROEPEN:
        errors["leeftijdsgroep"] = "Kies de leeftijd van de inwoner."
    elif values["leeftijdsgroep"] not in scope.leeftijdsgroepen:
        errors["leeftijdsgroep"] = (
            f"{aanbieder.naam} heeft in deze gemeente geen contract voor inwoners van "
            f"{LEEFTIJDSGROEPEN[values['leeftijdsgroep']]}. Kies een leeftijd uit de lijst."
        )
    if values["obniveau"] and values["obniveau"] not in scope.obniveaus:
        errors["obniveau"] = (
            f"{aanbieder.naam} heeft in deze gemeente hiervoor geen contract. "
            "Kies een OB en niveau uit de lijst, of 'Weet ik nog niet'."
        )
    if values["functieniveau"] not in (AANBIEDER_KIEST, *aanbieder.consultatie_functieniveaus):
        errors["functieniveau"] = (
            "Kies een functieniveau dat deze aanbieder heeft, of laat de aanbieder kiezen."
        )
    if values["urgentie"] not in URGENTIES:
        errors["urgentie"] = "Kies hoe snel u antwoord nodig heeft."
    needs_confirmation = any(contact_warning(text[n]) for n in ("vraag", "geprobeerd")) and not typed.get(
        "zeker"
    )
    return values, errors, needs_confirmation


@dataclass(frozen=True)
class Scope:
    """What a wijkteam can ask an aanbieder about in a gemeente: the OB and niveau combinations
    of its current contract lines ('3B') and the age groups of its percelen."""

    obniveaus: frozenset[str]
    leeftijdsgroepen: frozenset[str]

    def options(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The form's choices: (OB and niveau, age groups) as (value, label) pairs."""
        return (
            [(code, label) for code, label in ob_niveau_options().items() if code in self.obniveaus],
            [(group, label) for group, label in LEEFTIJDSGROEPEN.items() if group in self.leeftijdsgroepen],
        )


def combined(scopes) -> Scope:
    """What can be asked in any of these gemeenten."""
    scopes = list(scopes)
    return Scope(
        frozenset(code for s in scopes for code in s.obniveaus),
        frozenset(group for s in scopes for group in s.leeftijdsgroepen),
    )


JEUGD_LEEFTIJDEN = ("0-4", "4-12", "12-18", "18-23")  # jeugdhulp, extended up to 23
WMO_LEEFTIJDEN = ("18-23", "23+")


def scope_per_gemeente(session: Session, aanbieder_id: int, today: date) -> dict[int, Scope]:
    """Per gemeente where the aanbieder has a current contract line: what consultatie can be about.
    Pleegzorg and gezinshuis (dakje 0-A, 0-B) and maatregelhulp are jeugdhulp."""
    codes: dict[int, set[str]] = defaultdict(set)
    percelen: dict[int, set[str]] = defaultdict(set)
    lines = select(Contract.gemeente_id, Contract.perceel, Contract.product, Contract.variant).where(
        Contract.aanbieder_id == aanbieder_id, current(Contract, today)
    )
    for gemeente_id, perceel, ob, niveau in session.exec(lines):
        percelen[gemeente_id].add(perceel)
        if ob is not None:
            codes[gemeente_id].add(f"{ob}{niveau}")
    dakjes = select(DakjeScope.gemeente_id, DakjeScope.dakje).where(
        DakjeScope.aanbieder_id == aanbieder_id, current(DakjeScope, today)
    )
    for gemeente_id, dakje in session.exec(dakjes):
        if len(DAKJE_PERCELEN[dakje]) == 1:  # the others come with an OB contract there, which counts
            percelen[gemeente_id].update(DAKJE_PERCELEN[dakje])
    maatregel = select(Maatregelhulp.gemeente_id).where(
        Maatregelhulp.aanbieder_id == aanbieder_id, current(Maatregelhulp, today)
    )
    for gemeente_id in session.exec(maatregel):
        percelen[gemeente_id].add("jeugd")
    scopes = {}
    for gemeente_id, kinds in percelen.items():
        ages = set(JEUGD_LEEFTIJDEN) if kinds & {"jeugd", "dyslexie"} else set()
        ages |= set(WMO_LEEFTIJDEN) if "wmo" in kinds else set()
        scopes[gemeente_id] = Scope(frozenset(codes[gemeente_id]), frozenset(ages))
    return scopes


def contracted_gemeenten(session: Session, aanbieder_id: int, today: date) -> set[int]:
    """Gemeenten where the aanbieder has a current contract line: consultatie is part of
    every contract (verplichte dienstverlening), so these are where a wijkteam may ask for it."""
    ids: set[int] = set()
    for model in CONTRACT_MODELS:
        query = select(model.gemeente_id).where(model.aanbieder_id == aanbieder_id, current(model, today))
        ids |= set(session.exec(query))
    return ids


def ob_niveau_options() -> dict[str, str]:
    """'1A' -> 'OB1 niveau A' for every valid combination."""
    return {f"{ob}{n}": f"OB{ob} niveau {n}" for ob, niveaus in NIVEAUS_PER_OB.items() for n in niveaus}


def create(
    session: Session, user: Gebruiker, aanbieder: Aanbieder, values: dict, public_url: str, voorkeur_id=None
) -> Consultatie:
    """Store a checked request and tell the aanbieder."""
    obniveau = values["obniveau"]
    consultatie = Consultatie(
        gemeente_id=whole_number(values["gemeente_id"]),
        aanbieder_id=aanbieder.id,
        aangevraagd_door=user.id,
        vraag=values["vraag"],
        leeftijdsgroep=values["leeftijdsgroep"],
        product=obniveau[0] if obniveau else None,
        variant=obniveau[1] if obniveau else None,
        geprobeerd=values["geprobeerd"],
        functieniveau=values["functieniveau"],
        urgentie=values["urgentie"],
        bereikbaar=values["bereikbaar"],
        voorkeur_id=voorkeur_id,
    )
    session.add(consultatie)
    session.flush()
    record(
        session,
        Actor.of(user),
        "consultatie aangevraagd",
        "consultatie",
        consultatie.id,
        na={"aanbieder": aanbieder.slug},
    )
    _notify(
        session,
        aanbieder_recipients(session, aanbieder),
        "Nieuwe vraag om consultatie",
        f"Een wijkteam vraagt {aanbieder.naam} om consultatie. Antwoord binnen {ANSWER_WORKDAYS} werkdagen.",
        f"{public_url.rstrip('/')}/consultaties/{consultatie.id}",
    )
    return consultatie


def aanbieder_recipients(session: Session, aanbieder: Aanbieder) -> list[str]:
    """The active users of an aanbieder, or its general address when it has none."""
    users = session.exec(
        select(Gebruiker.email).where(Gebruiker.aanbieder_id == aanbieder.id, Gebruiker.actief)
    ).all()
    return list(users) or ([aanbieder.email] if aanbieder.email else [])


def wijkteam_recipients(session: Session, gemeente_id: int) -> list[str]:
    """The active wijkteam users of a gemeente."""
    query = (
        select(Gebruiker.email)
        .join(GebruikerGemeente, GebruikerGemeente.gebruiker_id == Gebruiker.id)
        .where(GebruikerGemeente.gemeente_id == gemeente_id, Gebruiker.actief, Gebruiker.rol == "wijkteam")
    )
    return list(session.exec(query))


def _notify(session: Session, recipients: list[str], subject: str, text: str, link: str) -> None:
    for address in recipients:
        queue_mail(
            session,
            address,
            subject,
            f"Hallo,\n\n{text}\n\nLog in om het te lezen en te antwoorden:\n{link}\n",
        )


# --- access ---------------------------------------------------------------------------------------


def may_see(session: Session, user: Gebruiker, consultatie: Consultatie) -> bool:
    """The requesting gemeente's wijkteam, the addressed aanbieder and the beheerders of the gemeente's
    region."""
    if user.rol == "aanbieder":
        return user.aanbieder_id == consultatie.aanbieder_id
    return works_for(session, user, consultatie.gemeente_id)


# --- transitions ----------------------------------------------------------------------------------


class StateConflict(RuleViolation):
    """The request is no longer in the state the action needs (someone else was first)."""


class FormErrors(RuleViolation):
    """Fields of an answer's form that are not filled in right: Dutch messages by field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


FEEDBACK_REQUIRED = "Schrijf de terugkoppeling aan het wijkteam. Die is verplicht bij afronden."
MAX_PLANNED_DAYS = 366  # a consultatie is planned within a year


def check_acceptance(typed: dict, today: date) -> dict:
    """The contact person and planned date of an acceptance (from today up to a year ahead), or
    FormErrors for the fields that are wrong."""
    contact = str(typed.get("contactpersoon", "")).strip()[:200]
    errors = {}
    if not contact:
        errors["contactpersoon"] = "Vul de naam in van de contactpersoon bij uw organisatie."
    try:
        planned = date.fromisoformat(str(typed.get("geplande_datum", "")).strip())
    except ValueError:
        planned = None
        errors["geplande_datum"] = "Vul de datum in waarop u de consultatie plant."
    if planned is not None and planned < today:
        errors["geplande_datum"] = "Deze datum is al voorbij. Kies vandaag of een latere datum."
    elif planned is not None and planned > today + timedelta(days=MAX_PLANNED_DAYS):
        errors["geplande_datum"] = "Deze datum is meer dan een jaar vooruit. Kies een datum binnen een jaar."
    if errors:
        raise FormErrors(errors)
    return {"contactpersoon": contact, "geplande_datum": planned}


TRANSITIONS = {
    "accepteren": ("nieuw", "geaccepteerd"),
    "afwijzen": ("nieuw", "afgewezen"),
    "afronden": ("geaccepteerd", "afgerond"),
}
ALREADY = {
    "geaccepteerd": "Deze vraag is al geaccepteerd",
    "afgewezen": "Deze vraag is al afgewezen",
    "afgerond": "Deze consultatie is al afgerond",
    "nieuw": "Deze vraag is nog niet geaccepteerd",
}


def transition(
    session: Session, user: Gebruiker, consultatie_id: int, action: str, typed: dict, public_url: str
) -> Consultatie:
    """Accept, reject or complete a request (aanbieder only); RuleViolation in Dutch when it cannot."""
    consultatie = session.get(Consultatie, consultatie_id)
    if action not in TRANSITIONS or user.rol != "aanbieder" or consultatie.aanbieder_id != user.aanbieder_id:
        raise RuleViolation("Alleen de aanbieder kan op deze vraag antwoorden.")
    source, target = TRANSITIONS[action]
    now = clock.now()
    values: dict = {"status": target, "bijgewerkt_op": now}
    if action == "accepteren":
        values |= check_acceptance(typed, clock.today()) | {"beantwoord_op": now}
    elif action == "afwijzen":
        reden = str(typed.get("reden", "")).strip()[:MAX_TEXT]
        if not reden:
            raise FormErrors({"reden": "Schrijf waarom u de vraag afwijst. Het wijkteam krijgt deze reden."})
        values |= {"reden_afwijzing": reden, "beantwoord_op": now}
    else:
        feedback = str(typed.get("terugkoppeling", "")).strip()[:MAX_TEXT]
        if not feedback:
            raise FormErrors({"terugkoppeling": FEEDBACK_REQUIRED})
        if contains_bsn(feedback):
            raise FormErrors({"terugkoppeling": BSN_ERROR})
        values |= {"terugkoppeling": feedback, "afgerond_op": now}
    changed = session.execute(
        update(Consultatie)
        .where(Consultatie.id == consultatie_id, Consultatie.status == source)
        .values(**values)
    ).rowcount
    if changed != 1:  # someone else moved it on; the caller rolls back
        current = session.get(Consultatie, consultatie_id)
        session.refresh(current)
        raise StateConflict(f"{ALREADY[current.status]}. Vernieuw de pagina om de laatste stand te zien.")
    session.refresh(consultatie)
    record(
        session,
        Actor.of(user),
        f"consultatie {target}",
        "consultatie",
        consultatie_id,
        voor={"status": source},
        na={k: str(v) for k, v in values.items() if k != "bijgewerkt_op"},
        regio_id=regio_of_gemeente(session, consultatie.gemeente_id),
    )
    requester = session.get(Gebruiker, consultatie.aangevraagd_door)
    aanbieder = session.get(Aanbieder, consultatie.aanbieder_id)
    _notify(
        session,
        [requester.email] if requester.actief else [],
        f"Consultatie {target}",
        f"{aanbieder.naam} heeft uw vraag om consultatie {target}.",
        f"{public_url.rstrip('/')}/consultaties/{consultatie_id}",
    )
    return consultatie


def add_message(
    session: Session, user: Gebruiker, consultatie: Consultatie, text: str, public_url: str
) -> None:
    """Add a message to the thread and tell the other side."""
    text = text.strip()
    if not text:
        raise RuleViolation("Schrijf een bericht.")
    if len(text) > MAX_TEXT:
        raise RuleViolation(f"Gebruik hoogstens {MAX_TEXT} tekens.")
    if contains_bsn(text):
        raise RuleViolation(BSN_ERROR)
    session.add(
        ConsultatieBericht(
            consultatie_id=consultatie.id, gebruiker_id=user.id, wie=user.naam or user.email, tekst=text
        )
    )
    consultatie.bijgewerkt_op = clock.now()
    session.add(consultatie)
    record(
        session,
        Actor.of(user),
        "consultatie bericht",
        "consultatie",
        consultatie.id,
        regio_id=regio_of_gemeente(session, consultatie.gemeente_id),  # also when the aanbieder writes
    )
    if user.rol == "aanbieder":
        requester = session.get(Gebruiker, consultatie.aangevraagd_door)
        recipients = [requester.email] if requester.actief else []
    else:
        recipients = aanbieder_recipients(session, session.get(Aanbieder, consultatie.aanbieder_id))
    _notify(
        session,
        recipients,
        "Nieuw bericht over een consultatie",
        "Er is een nieuw bericht.",
        f"{public_url.rstrip('/')}/consultaties/{consultatie.id}",
    )


def mark_read(session: Session, user: Gebruiker, soort: str, object_id: int) -> None:
    """Remember that the user has seen this request now."""
    row = session.get(Gelezen, (soort, object_id, user.id))
    if row is None:
        row = Gelezen(soort=soort, object_id=object_id, gebruiker_id=user.id)
    row.gelezen_op = clock.now()
    session.add(row)


def read_moments(session: Session, user: Gebruiker, soort: str) -> dict[int, datetime]:
    """object id -> when the user last opened it."""
    rows = session.exec(select(Gelezen).where(Gelezen.gebruiker_id == user.id, Gelezen.soort == soort))
    return {r.object_id: r.gelezen_op for r in rows}


@dataclass(frozen=True)
class Listed:
    consultatie: Consultatie
    aanbieder_naam: str
    gemeente: Gemeente
    ongelezen: bool
    te_laat: bool

    @property
    def spoed(self) -> bool:
        """Asked 'met spoed' and still waiting for an answer."""
        return self.consultatie.urgentie == "hoog" and self.consultatie.status == "nieuw"


def list_for(
    session: Session, user: Gebruiker, status: str = "", now: datetime | None = None
) -> tuple[list[Listed], dict[str, int]]:
    """The requests a user may see (optionally one status), urgent ones waiting for an answer first,
    then newest first, and unread counts per status."""
    now = now or clock.now()
    query = (
        select(Consultatie, Aanbieder.naam, Gemeente)
        .join(Aanbieder, Aanbieder.id == Consultatie.aanbieder_id)
        .join(Gemeente, Gemeente.id == Consultatie.gemeente_id)
    )
    if user.rol == "aanbieder":
        query = query.where(Consultatie.aanbieder_id == user.aanbieder_id)
    elif user.rol == "wijkteam":
        query = query.where(Consultatie.gemeente_id.in_(gemeente_ids(session, user)))
    else:
        query = query.where(Consultatie.gemeente_id.in_(regio_gemeente_ids(user.regio_id)))
    seen = read_moments(session, user, "consultatie")
    items, unread = [], dict.fromkeys(CONSULTATIE_STATUSES, 0)
    for consultatie, naam, gemeente in session.exec(query.order_by(Consultatie.id.desc())):
        new_for_user = consultatie.id not in seen or seen[consultatie.id] < consultatie.bijgewerkt_op
        unread[consultatie.status] += new_for_user
        if not status or consultatie.status == status:
            items.append(Listed(consultatie, naam, gemeente, new_for_user, is_overdue(consultatie, now)))
    return sorted(items, key=lambda item: not item.spoed), unread


def remind_overdue(session: Session, now: datetime, public_url: str) -> int:
    """Remind aanbieders once about each request unanswered after 5 werkdagen (idempotent)."""
    count = 0
    for consultatie in session.exec(
        select(Consultatie).where(Consultatie.status == "nieuw", Consultatie.herinnerd_op.is_(None))
    ):
        if not is_overdue(consultatie, now):
            continue
        aanbieder = session.get(Aanbieder, consultatie.aanbieder_id)
        _notify(
            session,
            aanbieder_recipients(session, aanbieder),
            "Herinnering: vraag om consultatie wacht op antwoord",
            f"Een vraag om consultatie aan {aanbieder.naam} wacht al meer dan {ANSWER_WORKDAYS} werkdagen "
            "op antwoord.",
            f"{public_url.rstrip('/')}/consultaties/{consultatie.id}",
        )
        consultatie.herinnerd_op = now
        session.add(consultatie)
        count += 1
    return count


@dataclass(frozen=True)
class ResponseTimes:
    aanbieder: str
    slug: str
    aantal: int
    mediaan_dagen_tot_antwoord: float | None
    mediaan_dagen_tot_afronden: float | None
    te_laat: int


def response_times(
    session: Session, regio_id: int | None, now: datetime | None = None
) -> list[ResponseTimes]:
    """Per aanbieder with requests from the region's gemeenten: the median days to an answer and to
    completion, and overdue requests."""
    now = now or clock.now()
    per: dict[int, list[Consultatie]] = {}
    for consultatie in session.exec(select(Consultatie).where(_of_regio(regio_id))):
        per.setdefault(consultatie.aanbieder_id, []).append(consultatie)
    named = session.exec(select(Aanbieder.id, Aanbieder.naam, Aanbieder.slug).where(Aanbieder.id.in_(per)))
    names = {aid: (naam, slug) for aid, naam, slug in named}

    def median_days(pairs) -> float | None:
        days = [(end - start).total_seconds() / 86400 for start, end in pairs if end is not None]
        return round(statistics.median(days), 1) if days else None

    rows = [
        ResponseTimes(
            *names[aid],
            len(items),
            median_days((c.created_at, c.beantwoord_op) for c in items),
            median_days((c.created_at, c.afgerond_op) for c in items),
            sum(is_overdue(c, now) for c in items),
        )
        for aid, items in per.items()
    ]
    return sorted(rows, key=lambda r: (-r.te_laat, r.aanbieder))


def count_overdue(session: Session, regio_id: int | None, now: datetime | None = None) -> int:
    """How many requests from the region's gemeenten are unanswered after 5 werkdagen."""
    now = now or clock.now()
    waiting = select(Consultatie).where(Consultatie.status == "nieuw", _of_regio(regio_id))
    return sum(is_overdue(c, now) for c in session.exec(waiting))


def _of_regio(regio_id: int | None):
    """Condition on Consultatie: asked for a gemeente of the region."""
    return Consultatie.gemeente_id.in_(regio_gemeente_ids(regio_id))
