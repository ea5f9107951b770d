"""What wijkteams see on profiles and comparisons: the budget calculator (uurtarief x uren x weken,
or etmaaltarief x dagen), and whether consultatie can be asked (a contract in their gemeenten).

The products are the aanbieder's contract lines in the wijkteam's gemeenten, in the codes of their
region's model, so a product carries its perceel and gets the tarief of that perceel (jeugd and Wmo
differ), per the eenheid the model gives it; a gemeente's own tarief goes before the region's."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from keuzehulp import clock
from keuzehulp.domain.regio import regio_of
from keuzehulp.domain.taxonomy import labels
from keuzehulp.queries.profiles import Profile
from keuzehulp.services.accounts import gemeente_ids
from keuzehulp.services.tarieven import budget, contract_key, current_tarieven, euros, product_of
from keuzehulp.web.kit.sessions import viewer


async def wijkteam_context(request: Request, profile: Profile) -> dict:
    """For a signed-in wijkteam user: the budget calculator, and the consultatie button when the
    aanbieder has a contract in one of the wijkteam's gemeenten."""
    user = await viewer(request)
    if user is None or user.rol != "wijkteam":
        return {"budget": None, "wijkteam": False, "consultatie": False}
    own = await run_in_threadpool(_gemeente_ids_of, request, user)
    budget = await run_in_threadpool(_calculator, request, profile, own)
    return {"budget": budget, "wijkteam": True, "consultatie": bool(own & profile.gemeente_ids)}


async def askable_slugs(request: Request, profiles: list[Profile]) -> set[str]:
    """The aanbieders a signed-in wijkteam user may ask for consultatie: those with a current
    contract in one of the user's gemeenten. Empty for everyone else."""
    user = await viewer(request)
    if user is None or user.rol != "wijkteam":
        return set()
    own = await run_in_threadpool(_gemeente_ids_of, request, user)
    return {p.aanbieder.slug for p in profiles if own & p.gemeente_ids}


def _gemeente_ids_of(request: Request, user) -> set[int]:
    with Session(request.app.state.site.engine) as db:
        return set(gemeente_ids(db, user))


def _number(text: str | None, upper: float) -> float | None:
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return value if 0 < value <= upper else None


def _calculator(request: Request, profile: Profile, own: set[int]) -> dict:
    with Session(request.app.state.site.engine) as db:
        tarieven = current_tarieven(db, clock.today())
    names = labels()
    options = {}  # key -> (text, product, gemeente)
    for contract, gemeente in profile.contracten:
        if gemeente.id not in own or contract.product is None:
            continue
        soort, _, code = contract_key(contract.perceel, contract.product, contract.variant)
        product = product_of(soort, contract.perceel, code, regio_of(gemeente.cbs_code) or "")
        if product is None:
            continue
        key, text = f"{soort}-{contract.perceel}-{code}", product.naam
        if soort == "ob":  # a code such as OB1: its name in brackets
            text += f" ({names['producten'][contract.product]['naam'].lower()})"
        if product.per_gemeente:  # a price per gemeente: one choice per gemeente
            key, text = f"{key}-{gemeente.cbs_code}", f"{text} in {gemeente.naam}"
        options.setdefault(key, (f"{text}, per {product.eenheid}", product, gemeente.cbs_code))
    for dakje, gemeente in profile.dakjes:
        product = product_of("dakje", None, dakje.dakje, regio_of(gemeente.cbs_code) or "")
        if gemeente.id in own and product is not None:
            text = f"{names['dakjes'][dakje.dakje]['naam']}, per {product.eenheid}"
            options.setdefault(f"dakje-{dakje.dakje}", (text, product, gemeente.cbs_code))
    prices = {key: tarieven.get((p.soort, p.perceel, p.code), cbs) for key, (_, p, cbs) in options.items()}
    choices = [(key, text, prices[key]) for key, (text, _, _) in sorted(options.items())]
    params = request.query_params
    chosen = params.get("budget_code", "")
    result = error = None
    if chosen:
        if chosen not in options:
            error = "Kies een product uit de lijst."
        else:
            eenheid, tarief = options[chosen][1].eenheid, prices[chosen]
            uren, weken, dagen = (_number(params.get(k), 10000) for k in ("uren", "weken", "dagen"))
            if tarief is None:
                error = "Voor dit product is nog geen tarief vastgesteld."
            elif eenheid == "uur" and (uren is None or weken is None):
                error = "Vul het aantal uren per week en het aantal weken in (getallen boven 0)."
            elif eenheid != "uur" and dagen is None:
                error = "Vul het aantal dagen in (een getal boven 0)."
            else:
                result = euros(budget(tarief, eenheid, uren or 0, weken or 0, dagen or 0))
    return {
        "choices": [(key, text, euros(cents) if cents else "geen tarief") for key, text, cents in choices],
        "chosen": chosen,
        "params": {k: params.get(k, "") for k in ("uren", "weken", "dagen")},
        "result": result,
        "error": error,
    }
