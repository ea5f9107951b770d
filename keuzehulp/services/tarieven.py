"""Tarieven: the price of a product of a region's inkoopmodel for a period, per the product's
eenheid in the model file (`eenheid` of a product, or of the verblijf module group).

What can be priced comes from the models of the regions served: each perceel x product (x variant)
and each dakje (a verblijf module, one price for every perceel). Twente: perceel x OB x niveau per
uur (jeugd and Wmo have their own price for OB1 and OB2), a dakje per etmaal. Regio Nijmegen:
perceel x product per uur or dag. Where a perceel is bought per gemeente (`inkoop: per-gemeente`
in the model, Regio Nijmegen's Wmo) a tarief may name one gemeente; it then goes before the
region's tarief for that gemeente."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from sqlmodel import Session, or_, select

from keuzehulp.domain.beschikbaarheid import dakje_key, hulp_key, hulp_naam
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.inkoopmodel import or_list
from keuzehulp.domain.regio import REGIOS, SERVED, model_of, regio_data, regio_naam, regio_of
from keuzehulp.models import Tarief
from keuzehulp.services.audit import Actor, record

Key = tuple[str, str | None, str]  # (soort, perceel, code) within one region


@dataclass(frozen=True)
class Product:
    """Something of a region's model a beheerder can give a tarief."""

    regio: str
    soort: str  # "ob": product with a variant (code: both, '1A'); "product": one without; "dakje"
    perceel: str | None
    code: str
    naam: str  # 'Jeugd OB1 niveau A', 'Wmo Begeleiding', 'Dakje 1'
    eenheid: str  # uur, dag, dagdeel, etmaal
    per_gemeente: bool  # its perceel is bought per gemeente: a tarief may name one


@cache
def products(regio: str) -> dict[Key, Product]:
    """What can be priced in a region, from its model, in the model's order (nothing for a region
    there is no folder of)."""
    if regio not in REGIOS:
        return {}
    model = model_of(regio)
    terms = model.terms
    found: dict[Key, Product] = {}
    for perceel, item in model.percelen.items():
        per_gemeente = terms["percelen"][perceel].get("inkoop") == "per-gemeente"
        for product in item.producten:
            eenheid = terms["producten"][product].get("eenheid", "uur")
            for variant in model.producten[product] or (None,):
                soort, _, code = key = contract_key(perceel, product, variant)
                naam = _name(regio, perceel, product, variant)
                found[key] = Product(regio, soort, perceel, code, naam, eenheid, per_gemeente)
    if model.has("verblijf"):
        group = model.group("verblijf")
        eenheid = terms["modules"][group.code].get("eenheid", "etmaal")
        for module in group.modules:
            found[("dakje", None, module)] = Product(
                regio, "dakje", None, module, hulp_naam(dakje_key(module), regio), eenheid, False
            )
    return found


def contract_key(perceel: str, product: str, variant: str | None) -> Key:
    """The tarief of a contract line: ('ob', 'jeugd', '1A') with a variant, ('product', 'wmo',
    'wmo-begeleiding') without."""
    return ("ob", perceel, f"{product}{variant}") if variant else ("product", perceel, product)


def _name(regio: str, perceel: str, product: str, variant: str | None) -> str:
    """'Jeugd OB1 niveau A' where the model has a letter code for its products, else
    'Wmo Begeleiding' (the perceel and the product's name)."""
    naam = hulp_naam(hulp_key(perceel, product), regio)
    return f"{naam} {model_of(regio).terms['model']['variant']['enkelvoud']} {variant}" if variant else naam


def product_of(soort: str, perceel: str | None, code: str, regio: str = SERVED) -> Product | None:
    return products(regio).get((soort, perceel or None, code))


def product_name(soort: str, perceel: str | None, code: str, regio: str = SERVED) -> str:
    """'Jeugd OB1 niveau A', 'Wmo Begeleiding' or 'Dakje 1'; the code itself for one the model
    does not have (any more)."""
    product = product_of(soort, perceel, code, regio)
    return product.naam if product else f"{perceel or ''} {code}".strip()


def tarief_name(tarief: Tarief) -> str:
    """A tarief's product with its region, and its gemeente when it has one:
    'Regio Nijmegen: Wmo Begeleiding, Wijchen'."""
    naam = (
        f"{regio_naam(tarief.regio)}: {product_name(tarief.soort, tarief.perceel, tarief.code, tarief.regio)}"
    )
    return f"{naam}, {gemeente_naam(tarief.gemeente)}" if tarief.gemeente else naam


def eenheid(tarief: Tarief) -> str:
    """What the tarief is per: 'uur', 'dag', 'etmaal'."""
    product = product_of(tarief.soort, tarief.perceel, tarief.code, tarief.regio)
    return product.eenheid if product else "uur"


def choice_value(product: Product) -> str:
    """A product's value in the form: 'ob:1A' in the served region, 'nijmegen:product:jeugd-ggz' elsewhere."""
    value = f"{product.soort}:{product.code}"
    return value if product.regio == SERVED else f"{product.regio}:{value}"


def read_choice(value: str) -> tuple[str, str, str]:
    """(regio, soort, code) of a form value made by choice_value."""
    parts = value.split(":")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (SERVED, *value.partition(":")[::2])


def choices(regios: list[str]) -> list[tuple[str, str]]:
    """The product options of the form, one per product of these regions (a product of two
    percelen once: the perceel is chosen apart), with the region's name when there are several."""
    found: dict[str, str] = {}
    for regio in regios:
        model, prefix = model_of(regio), f"{regio_naam(regio)}: " if len(regios) > 1 else ""
        for product in products(regio).values():
            if product.soort == "product":
                percelen = (p.in_tekst for p in model.percelen.values() if product.code in p.producten)
                naam = f"{model.terms['producten'][product.code]['naam']} ({or_list(percelen)})"
            else:  # 'OB1 niveau A', 'Dakje 1': the name without its perceel
                perceel_naam = model.terms["percelen"].get(product.perceel, {}).get("naam")
                naam = product.naam.removeprefix(f"{perceel_naam} ")
            found.setdefault(choice_value(product), f"{prefix}{naam} (per {product.eenheid})")
    return list(found.items())


def gemeente_choices(regios: list[str]) -> list[tuple[str, str]]:
    """The gemeenten a tarief may name: those of regions that buy a perceel per gemeente."""
    return [
        (g["cbs_code"], f"{g['naam']} ({regio_naam(regio)})")
        for regio in regios
        if any(p.per_gemeente for p in products(regio).values())
        for g in sorted(regio_data(regio)["gemeenten"], key=lambda g: g["naam"])
    ]


def gemeente_naam(cbs: str) -> str:
    if regio_of(cbs) is None:
        return cbs
    return next((g["naam"] for g in regio_data(regio_of(cbs))["gemeenten"] if g["cbs_code"] == cbs), cbs)


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


def check_product(regio: str, soort: str, perceel: str | None, code: str, gemeente: str | None) -> Product:
    """The product a tarief is for, or RuleViolation (with the form field): a perceel x product (x
    variant) of the region's model, or a dakje without a perceel; a gemeente only of that region
    and where the perceel is bought per gemeente."""
    offered = products(regio)
    if soort == "dakje" and ("dakje", None, code) in offered:
        if perceel:
            raise RuleViolation(
                "Een dakje heeft één tarief, voor jeugd en Wmo samen. Kies bij een dakje geen perceel.",
                field="perceel",
            )
        return _in_gemeente(offered[("dakje", None, code)], gemeente)
    percelen = [key[1] for key in offered if key[0] == soort and key[2] == code]
    if not percelen:
        raise RuleViolation(
            f"'{code}' is geen bestaande combinatie. Kies een product uit de lijst.", field="code"
        )
    if not perceel and len(percelen) == 1:
        perceel = percelen[0]  # the product has one perceel: choosing it again is not needed
    if perceel not in percelen:
        names = or_list(model_of(regio).percelen[p].in_tekst for p in percelen)
        if not perceel:
            ob = "een OB" if soort == "ob" else "dit product"
            raise RuleViolation(f"Kies bij {ob} het perceel: {names}.", field="perceel")
        product = code[: -len(_variant_of(regio, code))] if soort == "ob" else code
        try:  # the model's own message: OB3 or OB4 for Wmo
            model_of(regio).check_contract(perceel, product, code[len(product) :] or None)
        except RuleViolation as problem:
            raise RuleViolation(f"{problem} Kies {names}.", field="perceel") from None
        raise RuleViolation(f"Kies bij dit product het perceel {names}.", field="perceel")
    return _in_gemeente(offered[(soort, perceel, code)], gemeente)


def _variant_of(regio: str, code: str) -> str:
    """The variant at the end of an 'ob' code ('1A' -> 'A')."""
    return next(v for v in sorted(model_of(regio).varianten, key=len, reverse=True) if code.endswith(v))


def _in_gemeente(product: Product, gemeente: str | None) -> Product:
    if gemeente is None:
        return product
    if regio_of(gemeente) != product.regio:
        raise RuleViolation(
            f"Kies een gemeente van {regio_naam(product.regio)}, of geen gemeente.", field="gemeente"
        )
    if not product.per_gemeente:
        raise RuleViolation(
            f"{product.naam} heeft één tarief voor heel {regio_naam(product.regio)}: dat wordt niet per"
            " gemeente ingekocht. Kies geen gemeente.",
            field="gemeente",
        )
    return product


def add_tarief(
    session: Session,
    actor: Actor,
    soort: str,
    perceel: str | None,
    code: str,
    bedrag_centen: int,
    vanaf: date,
    tot: date | None,
    regio: str = SERVED,
    gemeente: str | None = None,
) -> Tarief:
    """Store a tarief; refuses unknown products and periods that overlap another tarief for the
    same product (in the same region, and the same gemeente or the whole region)."""
    gemeente = gemeente or None
    product = check_product(regio, soort, perceel or None, code, gemeente)
    perceel = product.perceel
    if tot is not None and tot < vanaf:
        raise RuleViolation("De einddatum ligt voor de begindatum.", field="tot")
    overlap = session.exec(
        select(Tarief).where(
            Tarief.regio == regio,
            Tarief.gemeente.is_not_distinct_from(gemeente),
            Tarief.soort == soort,
            Tarief.perceel.is_not_distinct_from(perceel),
            Tarief.code == code,
            or_(Tarief.geldig_tot.is_(None), Tarief.geldig_tot >= vanaf),
            *([Tarief.geldig_vanaf <= tot] if tot else []),
        )
    ).first()
    if overlap is not None:
        where = f"{regio_naam(regio)}, {gemeente_naam(gemeente)}" if gemeente else regio_naam(regio)
        raise RuleViolation(
            f"Er is al een tarief voor {product.naam} ({where}) vanaf "
            f"{overlap.geldig_vanaf:%d-%m-%Y}. Zet eerst een einddatum op dat tarief.",
            field="code",
        )
    tarief = Tarief(
        regio=regio,
        gemeente=gemeente,
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
            "regio": regio,
            "gemeente": gemeente,
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


class Tarieven:
    """The tarieven valid on one day, to look up per product and gemeente."""

    def __init__(self, rows):
        self._cents = {(t.regio, t.gemeente, t.soort, t.perceel, t.code): t.bedrag_centen for t in rows}

    def get(self, key: Key, gemeente: str | None = None) -> int | None:
        """The tarief of a product (soort, perceel, code) in a gemeente's region: the gemeente's own
        where it has one, else the region's; without a gemeente, Twente's (as before regions)."""
        regio = (regio_of(gemeente) if gemeente else None) or SERVED
        found = self._cents.get((regio, gemeente, *key)) if gemeente else None
        return found if found is not None else self._cents.get((regio, None, *key))


def current_tarieven(session: Session, day: date) -> Tarieven:
    """The tarieven valid on a day."""
    rows = session.exec(
        select(Tarief).where(
            Tarief.geldig_vanaf <= day, or_(Tarief.geldig_tot.is_(None), Tarief.geldig_tot >= day)
        )
    )
    return Tarieven(rows)


def budget(
    bedrag_centen: int, eenheid: str, uren_per_week: float = 0, weken: float = 0, dagen: float = 0
) -> int:
    """The budget in cents: uurtarief x uren per week x weken, or the tarief per dag (dagdeel,
    etmaal) x their number."""
    if eenheid == "uur":
        return round(bedrag_centen * uren_per_week * weken)
    return round(bedrag_centen * dagen)
