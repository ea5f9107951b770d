"""Regional tarieven: one price per OB/niveau (per hour) and per dakje (per etmaal), with validity dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, or_, select

from keuzehulp.models import Tarief
from keuzehulp.models.twents_model import DAKJES, NIVEAUS_PER_OB, RuleViolation
from keuzehulp.services.audit import Actor, record

OB_CODES = tuple(f"{ob}{niveau}" for ob, niveaus in NIVEAUS_PER_OB.items() for niveau in niveaus)
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


def add_tarief(
    session: Session, actor: Actor, soort: str, code: str, bedrag_centen: int, vanaf: date, tot: date | None
) -> Tarief:
    """Store a tarief; refuses unknown codes and periods that overlap another tarief for the same code."""
    allowed = OB_CODES if soort == "ob" else DAKJES if soort == "dakje" else ()
    if code not in allowed:
        raise RuleViolation(f"'{code}' is geen bestaande combinatie. Kies een OB met niveau of een dakje.")
    if tot is not None and tot < vanaf:
        raise RuleViolation("De einddatum ligt voor de begindatum.")
    overlap = session.exec(
        select(Tarief).where(
            Tarief.soort == soort,
            Tarief.code == code,
            or_(Tarief.geldig_tot.is_(None), Tarief.geldig_tot >= vanaf),
            *([Tarief.geldig_vanaf <= tot] if tot else []),
        )
    ).first()
    if overlap is not None:
        raise RuleViolation(
            f"Er is al een tarief voor {code} vanaf {overlap.geldig_vanaf:%d-%m-%Y}. "
            "Zet eerst een einddatum op dat tarief."
        )
    tarief = Tarief(soort=soort, code=code, bedrag_centen=bedrag_centen, geldig_vanaf=vanaf, geldig_tot=tot)
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


def current_tarieven(session: Session, day: date) -> dict[tuple[str, str], int]:
    """(soort, code) -> cents, for the tarieven valid on a day."""
    rows = session.exec(
        select(Tarief).where(
            Tarief.geldig_vanaf <= day, or_(Tarief.geldig_tot.is_(None), Tarief.geldig_tot >= day)
        )
    )
    return {(t.soort, t.code): t.bedrag_centen for t in rows}


def budget(
    bedrag_centen: int, soort: str, uren_per_week: float = 0, weken: float = 0, dagen: float = 0
) -> int:
    """The budget in cents: uurtarief x uren per week x weken, or etmaaltarief x dagen."""
    if soort == "ob":
        return round(bedrag_centen * uren_per_week * weken)
    return round(bedrag_centen * dagen)
