"""Geboekte resultaten: plan an outcome file (every bad row with its line), then store it."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.resultaten import INDICATOREN, JEUGD_INDICATOREN
from keuzehulp.domain.validation import normalise_kvk, whole_number
from keuzehulp.models import Aanbieder, Contract, Resultaat
from keuzehulp.services.audit import Actor
from keuzehulp.services.importeren.plan import Plan, check_columns, record_import

RESULTAAT_COLUMNS = ("kvk", "periode", "indicator", "teller", "noemer", "bron")

_PERIODE = re.compile(r"^20[0-9]{2}(-(H[12]|Q[1-4]))?$")


def plan_resultaten(session: Session, columns: list[str], rows: list[tuple[int, dict]]) -> Plan:
    """The dry run of an outcome file: rows are added or change teller/noemer/bron; nothing ends."""
    plan = Plan("resultaten", rows=len(rows))
    if not check_columns(plan, columns, rows, ("kvk", "periode", "indicator", "teller", "noemer")):
        return plan
    by_kvk = {}
    for aanbieder in session.exec(select(Aanbieder).order_by(Aanbieder.id)):
        by_kvk.setdefault(aanbieder.kvk, aanbieder)
    existing = {(r.aanbieder_id, r.periode, r.indicator): r for r in session.exec(select(Resultaat))}
    jeugd = set(session.exec(select(Contract.aanbieder_id).where(Contract.perceel == "jeugd")))
    seen: dict[tuple, int] = {}
    for number, row in rows:
        try:
            kvk = normalise_kvk(row.get("kvk", ""))
            aanbieder = by_kvk.get(kvk)
            if aanbieder is None:
                raise RuleViolation(f"Er is geen aanbieder met KvK {kvk}.")
            periode, indicator = (
                row.get("periode", "").strip().upper(),
                row.get("indicator", "").strip().lower(),
            )
            if not _PERIODE.match(periode):
                raise RuleViolation(
                    f"Periode '{row.get('periode', '')}' klopt niet. "
                    "Schrijf een jaar (2026) of een halfjaar (2026-H1)."
                )
            if indicator not in INDICATOREN:
                raise RuleViolation(
                    f"Indicator '{row.get('indicator', '')}' bestaat niet. "
                    f"Kies uit: {', '.join(INDICATOREN)}."
                )
            if indicator in JEUGD_INDICATOREN and aanbieder.id not in jeugd:
                raise RuleViolation(
                    f"Indicator {indicator} (doelrealisatie) hoort bij jeugdhulp, en {aanbieder.naam}"
                    " heeft geen contract voor jeugd."
                )
            teller, noemer = whole_number(row.get("teller")), whole_number(row.get("noemer"), 1)
            if teller is None or noemer is None or teller > noemer:
                raise RuleViolation(
                    "Teller en noemer zijn hele getallen, de noemer boven 0 "
                    "en de teller niet groter dan de noemer."
                )
        except RuleViolation as problem:
            plan.errors.append((number, str(problem)))
            continue
        key = (aanbieder.id, periode, indicator)
        if key in seen:
            plan.errors.append((number, f"Deze regel staat al in het bestand op regel {seen[key]}."))
            continue
        seen[key] = number
        values = {"teller": teller, "noemer": noemer, "bron": row.get("bron", "").strip()}
        label = f"{aanbieder.naam} ({kvk}), {periode}, {INDICATOREN[indicator].naam}: {teller} van {noemer}"
        current = existing.get(key)
        if current is None:
            plan.added.append(label)
            plan._actions.append(("add", key, values))
        elif (current.teller, current.noemer, current.bron) != (
            values["teller"],
            values["noemer"],
            values["bron"],
        ):
            plan.changed.append(f"{label} (was {current.teller} van {current.noemer})")
            plan._actions.append(("change", current, values))
        else:
            plan.unchanged += 1
    return plan


def apply_resultaten(session: Session, plan: Plan, actor: Actor) -> dict[str, int]:
    """Carry out an outcome plan in the caller's transaction."""
    if plan.errors:
        raise RuleViolation("Dit bestand heeft fouten. Verbeter het bestand en probeer het opnieuw.")
    touched = set()
    for kind, target, values in plan._actions:
        if kind == "add":
            aanbieder_id, periode, indicator = target
            session.add(Resultaat(aanbieder_id=aanbieder_id, periode=periode, indicator=indicator, **values))
            touched.add(aanbieder_id)
        else:
            for name, value in values.items():
                setattr(target, name, value)
            session.add(target)
            touched.add(target.aanbieder_id)
    for aanbieder_id in sorted(touched):
        record_change(session, aanbieder_id, "resultaten")
    counts = {"toegevoegd": len(plan.added), "gewijzigd": len(plan.changed)}
    record_import(session, actor, "resultaten geïmporteerd", counts)
    return counts
