"""Regional tarieven: one price per perceel x OB x niveau (per hour) and per dakje (per etmaal), with
validity dates. Jeugd and Wmo have their own price for OB1 and OB2; a dakje has one for both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, or_, select

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.taxonomy import labels
from keuzehulp.domain.twents_model import (
    DAKJES,
    NIVEAUS_PER_OB,
    OBS_PER_PERCEEL,
    check_contract,
)
from keuzehulp.models import Tarief
from keuzehulp.services.audit import Actor, record

OB_CODES = tuple(f"{ob}{niveau}" for ob, niveaus in NIVEAUS_PER_OB.items() for niveau in niveaus)
OB_PERCELEN = tuple(perceel for perceel, obs in OBS_PER_PERCEEL.items() if obs)  # jeugd, wmo
EENHEID = {"ob": "uur", "dakje": "etmaal"}


def parse_euros(text: str) -> int:
    """'87,50' or '87.50' or '€ 87' -> cents; RuleViolation in Dutch otherwise."""
    cleaned = text.replace("€", "").replace(" ", "")
    if "," in cleaned:  # Dutch notation: 1.234,50
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise RuleViolation(f"'{text}' is geen bedrag. Schrijf het zo: 87,50") from None
    if amount <= 0 or amount > 100000 or amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation("Een tarief is een bedrag boven 0 met hoogstens 2 cijfers achter de komma.")
    return int(amount * 100)


def euros(cents: int) -> str:
    """Cents as '€ 1.234,50'."""
    whole, rest = divmod(abs(cents), 100)
    return f"€ {whole:,}".replace(",", ".") + f",{rest:02d}"


def product_name(soort: str, perceel: str | None, code: str) -> str:
    """'Jeugd OB1 niveau A' or 'Dakje 1'."""
    if soort == "ob":
        return f"{labels()['percelen'][perceel]['naam']} OB{code[0]} niveau {code[1]}"
    return f"Dakje {code}"


def check_product(soort: str, perceel: str | None, code: str) -> None:
    """Raise RuleViolation (with the form field) unless this is a product with a tarief: a perceel
    (jeugd or wmo) x OB x niveau that exists, or a dakje without a perceel."""
    if soort == "dakje" and code in DAKJES:
        if perceel:
            raise RuleViolation(
                "Een dakje heeft één tarief, voor jeugd en Wmo samen. Kies bij een dakje geen perceel.",
                field="perceel",
            )
        return
    if soort != "ob" or code not in OB_CODES:
        raise RuleViolation(
            f"'{code}' is geen bestaande combinatie. Kies een OB met niveau of een dakje.", field="code"
        )
    if perceel not in OB_PERCELEN:
        raise RuleViolation("Kies bij een OB het perceel: jeugd of Wmo.", field="perceel")
    try:
        check_contract(perceel, code[0], code[1])
    except RuleViolation as problem:  # OB3 or OB4 for Wmo
        others = " of ".join(f"OB{ob}" for ob in OBS_PER_PERCEEL[perceel])
        raise RuleViolation(f"{problem} Kies jeugd, of kies {others}.", field="perceel") from None


def add_tarief(
    session: Session,
    actor: Actor,
    soort: str,
    perceel: str | None,
    code: str,
    bedrag_centen: int,
    vanaf: date,
    tot: date | None,
) -> Tarief:
    """Store a tarief; refuses unknown products and periods that overlap another tarief for the same one."""
    perceel = perceel or None
    check_product(soort, perceel, code)
    if tot is not None and tot < vanaf:
        raise RuleViolation("De einddatum ligt voor de begindatum.", field="tot")
    overlap = session.exec(
        select(Tarief).where(
            Tarief.soort == soort,
            Tarief.perceel.is_not_distinct_from(perceel),
            Tarief.code == code,
            or_(Tarief.geldig_tot.is_(None), Tarief.geldig_tot >= vanaf),
            *([Tarief.geldig_vanaf <= tot] if tot else []),
        )
    ).first()
    if overlap is not None:
        raise RuleViolation(
            f"Er is al een tarief voor {product_name(soort, perceel, code)} vanaf "
            f"{overlap.geldig_vanaf:%d-%m-%Y}. Zet eerst een einddatum op dat tarief.",
            field="code",
        )
    tarief = Tarief(
        soort=soort,
        perceel=perceel,
        code=code,
        bedrag_centen=bedrag_centen,
        geldig_vanaf=vanaf,
        geldig_tot=tot,
    )
    session.add(tarief)
    session.flush()
    record(
        session,
        actor,
        "tarief toegevoegd",
        "tarief",
        tarief.id,
        na={
            "soort": soort,
            "perceel": perceel,
            "code": code,
            "bedrag_centen": bedrag_centen,
            "vanaf": vanaf.isoformat(),
            "tot": tot.isoformat() if tot else None,
        },
    )
    return tarief


def end_tarief(session: Session, actor: Actor, tarief_id: int, tot: date) -> Tarief:
    """Give a running tarief an end date."""
    tarief = session.get(Tarief, tarief_id)
    if tarief is None:
        raise RuleViolation("Dit tarief bestaat niet.")
    if tot < tarief.geldig_vanaf:
        raise RuleViolation("De einddatum ligt voor de begindatum.")
    before = tarief.geldig_tot
    tarief.geldig_tot = tot
    session.add(tarief)
    record(
        session,
        actor,
        "tarief beëindigd",
        "tarief",
        tarief.id,
        voor={"tot": before.isoformat() if before else None},
        na={"tot": tot.isoformat()},
    )
    return tarief


def current_tarieven(session: Session, day: date) -> dict[tuple[str, str | None, str], int]:
    """(soort, perceel, code) -> cents, for the tarieven valid on a day (perceel None for a dakje)."""
    rows = session.exec(
        select(Tarief).where(
            Tarief.geldig_vanaf <= day, or_(Tarief.geldig_tot.is_(None), Tarief.geldig_tot >= day)
        )
    )
    return {(t.soort, t.perceel, t.code): t.bedrag_centen for t in rows}


def budget(
    bedrag_centen: int, soort: str, uren_per_week: float = 0, weken: float = 0, dagen: float = 0
) -> int:
    """The budget in cents: uurtarief x uren per week x weken, or etmaaltarief x dagen."""
    if soort == "ob":
        return round(bedrag_centen * uren_per_week * weken)
    return round(bedrag_centen * dagen)
