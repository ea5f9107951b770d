"""The contract register: plan it against the running lines, then apply it in one transaction.

The file is the complete register of every gemeente that appears in it: lines of those gemeenten
that are in the database but not in the file end the day before the import (lines that had not
started yet are removed); gemeenten that do not appear in the file are left alone. A row is a
contract line (perceel with a product and its variant, such as Twente's OB and niveau, or a perceel
without them such as dyslexie), a dakje line (dakje filled, product and variant empty) or a
maatregelhulp line, each checked against the inkoopmodel of its gemeente's region. Unknown KvK
numbers become new aanbieders (tussentijds toetreden) with an empty profile; with an e-mail column
their contact gets an invitation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.inkoopmodel import Inkoopmodel, match_code
from keuzehulp.domain.regio import model_for, regio_naam, regio_of
from keuzehulp.domain.taxonomy import slugify
from keuzehulp.domain.twents_model import overlaps
from keuzehulp.domain.validation import normalise_kvk
from keuzehulp.models import Aanbieder, Contract, DakjeScope, Gemeente, Maatregelhulp
from keuzehulp.search.filters import product_label
from keuzehulp.services import kenmerken
from keuzehulp.services.audit import Actor, record
from keuzehulp.services.importeren.files import cbs_code, read_date
from keuzehulp.services.importeren.plan import GemeentePlan, Plan, check_columns, record_import
from keuzehulp.services.kenmerken import Kenmerken


@dataclass(frozen=True)
class _RegisterLine:
    line: int
    kvk: str
    naam: str
    gemeente: str
    perceel: str
    product: str | None
    variant: str | None
    dakje: str | None
    maatregel: str | None
    vanaf: date
    tot: date | None
    email: str
    kenmerken: Kenmerken

    @property
    def key(self) -> tuple:
        if self.dakje:
            return ("dakje", self.kvk, self.gemeente, self.dakje, self.vanaf)
        if self.maatregel:
            return ("maatregel", self.kvk, self.gemeente, self.maatregel, self.vanaf)
        return ("contract", self.kvk, self.gemeente, self.perceel, self.product, self.variant, self.vanaf)


def _parse_register_row(line: int, row: dict[str, str], gemeenten: dict[str, str]) -> _RegisterLine:
    """One row, checked against the inkoopmodel of its gemeente's region (`gemeenten`: CBS code ->
    name, of the gemeenten in the database)."""
    kvk = normalise_kvk(row.get("kvk", ""))
    gemeente = cbs_code(row.get("gemeente", ""))
    if gemeente not in gemeenten:
        raise RuleViolation(
            f"Gemeente '{row.get('gemeente', '')}' is geen CBS-code van een gemeente in de regio"
            " (zoals GM0153)."
        )
    model, waar = model_for(gemeente), _where(gemeente, gemeenten)
    perceel = row.get("perceel", "").strip().lower()
    dakje = row.get("dakje", "").strip().upper() or None
    maatregel = row.get("maatregelhulp", "").strip().lower() or None
    if perceel and perceel not in model.percelen or not (perceel or dakje or maatregel):
        model.check_contract(perceel, None, None)  # the model's message for an unknown perceel
    product, variant = _product(model, row.get("ob", "")), _variant(model, row.get("niveau", ""))
    if maatregel:
        _check_module(model, "maatregel", maatregel, waar, "maatregelhulp")
        if product is not None or variant or dakje:
            raise RuleViolation(
                "Een regel met maatregelhulp heeft geen OB, niveau of dakje. Zet die op een eigen regel."
            )
    elif dakje:
        _check_module(model, "verblijf", dakje, waar, "dakjes")
        if perceel and perceel not in model.modules[dakje].percelen:
            raise RuleViolation(
                f"Dakje {dakje} hoort bij {' of '.join(model.modules[dakje].percelen)}, niet bij {perceel}."
                " Laat het perceel leeg of verbeter het."
            )
        if product is not None or variant:
            raise RuleViolation(
                "Een regel met een dakje heeft geen OB en geen niveau. Zet het dakje op een eigen regel."
            )
    else:
        model.check_contract(perceel, product, variant)
    vanaf = read_date(row.get("geldig_vanaf", ""), "Geldig vanaf")
    if vanaf is None:
        raise RuleViolation("Geldig vanaf is leeg. Elke regel heeft een begindatum.")
    tot = read_date(row.get("geldig_tot", ""), "Geldig tot")
    if tot is not None and tot < vanaf:
        raise RuleViolation("Geldig tot ligt voor geldig vanaf.")
    email = row.get("email", "").strip().lower()
    if email and "@" not in email:
        raise RuleViolation(f"E-mailadres '{email}' klopt niet.")
    said = kenmerken.parse_row(row)
    _check_kenmerken_in_model(model, said, waar)
    return _RegisterLine(
        line,
        kvk,
        row.get("naam", "").strip(),
        gemeente,
        perceel,
        product,
        variant,
        dakje,
        maatregel,
        vanaf,
        tot,
        email,
        said,
    )


def _where(gemeente: str, gemeenten: dict[str, str]) -> str:
    """'Nijmegen hoort bij Regio Nijmegen': the gemeente and its region, for messages."""
    slug = regio_of(gemeente)
    return f"{gemeenten[gemeente]} hoort bij {regio_naam(slug)}" if slug else gemeenten[gemeente]


def _product(model: Inkoopmodel, text: str) -> str | None:
    """The model's product code a cell means ('OB2', 'ob2' and '2' are Twente's '2'); an unknown
    value as typed, so the model's check names it."""
    prefix = model.terms["model"]["product"].get("afkorting", "").lower()
    return match_code(text, tuple(model.producten), (prefix,) if prefix else ()) or text.strip() or None


def _variant(model: Inkoopmodel, text: str) -> str | None:
    return match_code(text, model.varianten) or text.strip().upper() or None


def _check_module(model: Inkoopmodel, soort: str, code: str, waar: str, meervoud: str) -> None:
    """A dakje or maatregelhulp must be one of the model's modules of that kind (what it needs
    besides is checked over all lines, in `_check_sets`)."""
    if not model.has(soort):
        raise RuleViolation(f"{waar}; daar bestaan geen {meervoud}. Laat de kolom {_COLUMN[soort]} leeg.")
    model.check_module(soort, code, set(model.percelen))


_COLUMN = {"verblijf": "dakje", "maatregel": "maatregelhulp"}


def _check_kenmerken_in_model(model: Inkoopmodel, said: Kenmerken, waar: str) -> None:
    """Ambulante spoedhulp, the coördinatiepunt and diagnostiek only where the model has them."""
    spoedhulp = model.kenmerk_for("ambulante_spoedhulp", None)
    if said.ambulante_spoedhulp and not spoedhulp:
        raise RuleViolation(f"{waar}; daar bestaat geen ambulante spoedhulp. Laat die kolom leeg.")
    if said.coordinatiepunt and not spoedhulp:
        raise RuleViolation(f"{waar}; daar bestaat geen coördinatiepunt. Laat die kolom leeg.")
    if said.diagnostiek and not model.has("diagnostiek"):
        raise RuleViolation(f"{waar}; daar is diagnostiek geen apart contract. Laat die kolom leeg.")


def plan_contracts(
    session: Session,
    columns: list[str],
    rows: list[tuple[int, dict]],
    today: date,
    regio_id: int | None = None,
) -> Plan:
    """The dry run of a contract register file against the database. With a region, a row of a
    gemeente of another region is an error, so no line of another region changes (its lines still
    count for the kenmerken an aanbieder may have)."""
    plan = Plan("contracten", rows=len(rows))
    gemeenten = {g.cbs_code: g for g in session.exec(select(Gemeente))}
    if not check_columns(plan, columns, rows, _required_columns(rows), _ALSO_CALLED):
        return plan
    names = {code: g.naam for code, g in gemeenten.items() if regio_id is None or g.regio_id == regio_id}
    lines: dict[tuple, _RegisterLine] = {}
    for number, row in rows:
        try:
            parsed = _parse_register_row(number, row, names)
        except RuleViolation as problem:
            plan.errors.append((number, str(problem)))
            continue
        if parsed.key in lines:
            plan.errors.append(
                (number, f"Deze regel staat al in het bestand op regel {lines[parsed.key].line}.")
            )
            continue
        lines[parsed.key] = parsed
    _check_sets(lines.values(), today, plan)

    aanbieders = {}
    for aanbieder in session.exec(select(Aanbieder).order_by(Aanbieder.id)):
        aanbieders.setdefault(aanbieder.kvk, aanbieder)
    new_kvks = set()
    for line in lines.values():
        if line.kvk in aanbieders or line.kvk in new_kvks:
            continue
        if not line.naam:
            plan.errors.append((line.line, "Deze KvK is nieuw; vul de naam van de aanbieder in."))
            continue
        new_kvks.add(line.kvk)
        plan.new_aanbieders.append(f"{line.naam} (KvK {line.kvk})")
    existing = _existing_lines(session, {g.id: g for g in gemeenten.values()})
    covered = {line.gemeente for line in lines.values()}
    percelen = _percelen_after(lines.values(), existing, covered, today)
    _plan_kenmerken(_stated_kenmerken(lines.values(), plan), aanbieders, percelen, plan)
    if plan.errors:
        plan.errors.sort()
        return plan

    yesterday = today - timedelta(days=1)
    plan.gemeenten = {code: GemeentePlan(gemeenten[code].naam) for code in sorted(covered)}
    for key, line in lines.items():
        label, counts = _label(line, gemeenten[line.gemeente].naam), plan.gemeenten[line.gemeente]
        if key not in existing:
            plan.added.append(label)
            plan._actions.append(("add", line))
            counts.added += 1
        elif existing[key][1].geldig_tot != line.tot:
            plan.changed.append(f"{label}: einddatum {_d(existing[key][1].geldig_tot)} wordt {_d(line.tot)}")
            plan._actions.append(("set_end", existing[key][1], line.tot))
            counts.changed += 1
        else:
            plan.unchanged += 1
    for key, (label, row) in existing.items():
        running = row.geldig_tot is None or row.geldig_tot > yesterday
        if key[2] not in covered or not running:
            continue
        plan.gemeenten[key[2]].running += 1
        if key not in lines:
            plan.ended.append(label)
            plan._actions.append(("end", row, yesterday))
            plan.gemeenten[key[2]].ended += 1
    return plan


def _required_columns(rows: list[tuple[int, dict]]) -> tuple[str, ...]:
    """The columns every register needs (`ob` may be called `product`), and `niveau` (or `variant`)
    unless every row names a gemeente whose model has no variants (Regio Nijmegen)."""
    required = ("kvk", "naam", "gemeente", "perceel", "ob", "niveau", "geldig_vanaf")
    cbs = {cbs_code(row.get("gemeente", "")) for _, row in rows}
    if cbs and all(regio_of(code) and not model_for(code).varianten for code in cbs):
        return tuple(name for name in required if name != "niveau")
    return required


_ALSO_CALLED = {"ob": "product", "niveau": "variant"}


def _stated_kenmerken(lines, plan: Plan) -> dict[str, tuple[_RegisterLine, Kenmerken]]:
    """Per KvK: its first line and the kenmerken its rows state together (a contradiction is a bad row)."""
    stated: dict[str, tuple[_RegisterLine, Kenmerken]] = {}
    for line in lines:
        if line.kenmerken == Kenmerken():
            continue
        first, so_far = stated.get(line.kvk, (line, Kenmerken()))
        try:
            stated[line.kvk] = (first, kenmerken.combine(so_far, line.kenmerken))
        except RuleViolation as problem:
            plan.errors.append((line.line, str(problem)))
    return stated


def _percelen_after(lines, existing: dict, covered: set[str], today: date) -> dict[str, set[str]]:
    """Per KvK: the percelen of the contract lines running (or to come) once the file is applied."""
    percelen: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        if not (line.dakje or line.maatregel) and (line.tot is None or line.tot >= today):
            percelen[line.kvk].add(line.perceel)
    for key, (_, row) in existing.items():
        if (
            key[0] == "contract"
            and key[2] not in covered
            and (row.geldig_tot is None or row.geldig_tot >= today)
        ):
            percelen[key[1]].add(row.perceel)
    return percelen


def _plan_kenmerken(stated: dict, aanbieders: dict[str, Aanbieder], percelen: dict, plan: Plan) -> None:
    """What the register changes in the kenmerken of each aanbieder, checked against its contracts."""
    for kvk, (first, said) in stated.items():
        aanbieder = aanbieders.get(kvk)
        before = Kenmerken.of(aanbieder) if aanbieder else Kenmerken(False, False, ())
        after = said.over(before)
        try:
            kenmerken.check(after, percelen[kvk])
        except RuleViolation as problem:
            plan.errors.append((first.line, f"{problem} (KvK {kvk})"))
            continue
        if after != before:
            naam = aanbieder.naam if aanbieder else first.naam
            plan.changed.append(f"{naam} ({kvk}): {', '.join(after.changes_from(before).describe())}")
            plan._actions.append(("kenmerken", kvk, said))


def _check_sets(lines, today: date, plan: Plan) -> None:
    """The model's rules over lines that are running or still to come: per aanbieder and model
    (niveau E excludes A, B and C in the Twents model) and per aanbieder x gemeente (a dakje 1-3
    needs a product contract for the same days)."""
    running = [line for line in lines if line.tot is None or line.tot >= today]
    per_aanbieder: dict[tuple[str, Inkoopmodel], list[_RegisterLine]] = defaultdict(list)
    product_lines: dict[tuple[str, str], list[_RegisterLine]] = defaultdict(list)
    for line in running:
        if not (line.dakje or line.maatregel):
            per_aanbieder[(line.kvk, model_for(line.gemeente))].append(line)
        if line.product is not None:
            product_lines[(line.kvk, line.gemeente)].append(line)
    for (kvk, model), group in per_aanbieder.items():
        try:
            model.check_contract_set({c.variant for c in group})
        except RuleViolation as problem:
            plan.errors.append((min(c.line for c in group), f"{problem} (KvK {kvk})"))
    for line in running:
        if not line.dakje:
            continue
        product_percelen = {
            c.perceel
            for c in product_lines[(line.kvk, line.gemeente)]
            if overlaps(c.vanaf, c.tot, line.vanaf, line.tot)
        }
        try:
            model_for(line.gemeente).check_module("verblijf", line.dakje, product_percelen)
        except RuleViolation as problem:
            plan.errors.append((line.line, f"{problem} (KvK {line.kvk}, {line.gemeente})"))


def _existing_lines(session: Session, gemeenten: dict[int, Gemeente]) -> dict[tuple, tuple[str, object]]:
    """Every contract and dakje line in the database by its key in the file, with a readable label."""
    existing = {}
    query = select(Contract, Aanbieder.kvk, Aanbieder.naam).join(
        Aanbieder, Aanbieder.id == Contract.aanbieder_id
    )
    for row, kvk, naam in session.exec(query):
        gemeente = gemeenten[row.gemeente_id]
        key = ("contract", kvk, gemeente.cbs_code, row.perceel, row.product, row.variant, row.geldig_vanaf)
        what = _what(gemeente.cbs_code, row.perceel, row.product, row.variant)
        existing[key] = (_describe(naam, kvk, gemeente.naam, what), row)
    query = select(DakjeScope, Aanbieder.kvk, Aanbieder.naam).join(
        Aanbieder, Aanbieder.id == DakjeScope.aanbieder_id
    )
    for row, kvk, naam in session.exec(query):
        gemeente = gemeenten[row.gemeente_id]
        key = ("dakje", kvk, gemeente.cbs_code, row.dakje, row.geldig_vanaf)
        existing[key] = (_describe(naam, kvk, gemeente.naam, f"dakje {row.dakje}"), row)
    query = select(Maatregelhulp, Aanbieder.kvk, Aanbieder.naam).join(
        Aanbieder, Aanbieder.id == Maatregelhulp.aanbieder_id
    )
    for row, kvk, naam in session.exec(query):
        gemeente = gemeenten[row.gemeente_id]
        key = ("maatregel", kvk, gemeente.cbs_code, row.soort, row.geldig_vanaf)
        existing[key] = (_describe(naam, kvk, gemeente.naam, f"maatregelhulp {row.soort}"), row)
    return existing


def _describe(naam: str, kvk: str, gemeente_naam: str, what: str) -> str:
    return f"{naam} ({kvk}), {gemeente_naam}: {what}"


def _what(gemeente: str, perceel: str, product: str | None, variant: str | None) -> str:
    """'jeugd OB3 niveau B', 'wmo wmo-begeleiding' or 'dyslexie', in the gemeente's model."""
    model = model_for(gemeente)
    what = f"{perceel} {product_label((model,), product)}" if product else perceel
    if variant:
        what += f" {model.terms['model'].get('variant', {}).get('enkelvoud', 'variant')} {variant}"
    return what


def _label(line: _RegisterLine, gemeente_naam: str) -> str:
    if line.maatregel:
        what = f"maatregelhulp {line.maatregel}"
    elif line.dakje:
        what = f"dakje {line.dakje}"
    else:
        what = _what(line.gemeente, line.perceel, line.product, line.variant)
    return _describe(line.naam or line.kvk, line.kvk, gemeente_naam, what)


def _d(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "geen"


def apply_contracts(session: Session, plan: Plan, actor: Actor, public_url: str) -> dict[str, int]:
    """Carry out a contract plan in the caller's transaction; returns counts."""
    from keuzehulp.services.accounts import create_user, invite

    if plan.errors:
        raise RuleViolation("Dit bestand heeft fouten. Verbeter het bestand en probeer het opnieuw.")
    gemeente_ids = {g.cbs_code: g.id for g in session.exec(select(Gemeente))}
    by_kvk = {}
    for aanbieder in session.exec(select(Aanbieder).order_by(Aanbieder.id)):
        by_kvk.setdefault(aanbieder.kvk, aanbieder)
    touched: set[int] = set()
    invitations = 0
    for action in sorted(plan._actions, key=lambda a: a[0] == "kenmerken"):  # new aanbieders first
        kind = action[0]
        if kind == "add":
            line = action[1]
            aanbieder = by_kvk.get(line.kvk)
            if aanbieder is None:
                aanbieder = _new_aanbieder(session, line, actor)
                by_kvk[line.kvk] = aanbieder
                if line.email:
                    user = create_user(session, actor, line.email, "aanbieder", aanbieder_slug=aanbieder.slug)
                    invite(session, user, public_url)
                    invitations += 1
            values = {
                "aanbieder_id": aanbieder.id,
                "gemeente_id": gemeente_ids[line.gemeente],
                "geldig_vanaf": line.vanaf,
                "geldig_tot": line.tot,
            }
            if line.dakje:
                session.add(DakjeScope(dakje=line.dakje, **values))
            elif line.maatregel:
                session.add(Maatregelhulp(soort=line.maatregel, **values))
            else:
                session.add(
                    Contract(perceel=line.perceel, product=line.product, variant=line.variant, **values)
                )
            touched.add(aanbieder.id)
        elif kind == "kenmerken":
            aanbieder = by_kvk[action[1]]
            kenmerken.store(session, actor, aanbieder, action[2], "contractregister")
            touched.add(aanbieder.id)
        elif kind == "set_end":
            row, tot = action[1], action[2]
            row.geldig_tot = tot
            session.add(row)
            touched.add(row.aanbieder_id)
        else:  # end: lines not in the register any more
            row, yesterday = action[1], action[2]
            if row.geldig_vanaf > yesterday:
                session.delete(row)
            else:
                row.geldig_tot = yesterday
                session.add(row)
            touched.add(row.aanbieder_id)
    session.flush()
    for aanbieder_id in sorted(touched):
        aanbieder = session.get(Aanbieder, aanbieder_id)
        aanbieder.version += 1
        aanbieder.updated_at = clock.now()
        session.add(aanbieder)
        record_change(session, aanbieder_id, "contractregister")
    counts = {
        "toegevoegd": len(plan.added),
        "gewijzigd": len(plan.changed),
        "beëindigd": len(plan.ended),
        "nieuwe aanbieders": len(plan.new_aanbieders),
        "uitnodigingen": invitations,
    }
    record_import(session, actor, "contractregister geïmporteerd", counts)
    return counts


def _new_aanbieder(session: Session, line: _RegisterLine, actor: Actor) -> Aanbieder:
    slug = base = slugify(line.naam) or f"aanbieder-{line.kvk}"
    if session.exec(select(Aanbieder.id).where(Aanbieder.slug == slug)).first() is not None:
        slug = f"{base}-{line.kvk}"
    aanbieder = Aanbieder(slug=slug, naam=line.naam, kvk=line.kvk)
    session.add(aanbieder)
    session.flush()
    record(
        session,
        actor,
        "aanbieder aangemaakt",
        "aanbieder",
        slug,
        omschrijving="tussentijds toetreden via het contractregister",
        na={"naam": line.naam, "kvk": line.kvk},
    )
    return aanbieder
