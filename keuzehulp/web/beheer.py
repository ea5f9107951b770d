"""Regional beheer: aanbieders (suspend, history), users, imports with a dry run, applications,
tarieven and the audit log. Every route is for beheerders only; every change is audited."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.domain.taxonomy import labels
from keuzehulp.domain.twents_model import DIAGNOSTIEK, STATUS_NAMEN, RuleViolation
from keuzehulp.models import (
    Aanbieder,
    Gebruiker,
    ImportBatch,
)
from keuzehulp.models.accounts import ROLLEN
from keuzehulp.queries import beheer as reads
from keuzehulp.queries.audit import search_audit
from keuzehulp.services import aanmeldingen, importeren, kenmerken, tarieven
from keuzehulp.services.aanbieders import change_status, status_change_errors
from keuzehulp.services.accounts import create_user, invite, set_active
from keuzehulp.services.audit import Actor, audit_csv, record
from keuzehulp.services.consultatie import contracted_gemeenten, count_overdue
from keuzehulp.services.kenmerken import Kenmerken
from keuzehulp.web.aanbieder_area import history_page
from keuzehulp.web.audit_view import describe
from keuzehulp.web.auth import page, signed_in
from keuzehulp.web.paging import paging, search_text
from keuzehulp.web.visitor import see_other

MAX_UPLOAD = 5 * 1024 * 1024
SAMPLE_REGISTER = PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv"


def _redirect(request: Request, name: str, message: str | None = None, **params) -> RedirectResponse:
    return see_other(request.url_for(name, **params).path, message)


def _aanbieder(db: Session, slug: str) -> Aanbieder:
    aanbieder = reads.aanbieder_by_slug(db, slug)
    if aanbieder is None:
        raise HTTPException(404, "Deze aanbieder bestaat niet.")
    return aanbieder


@signed_in("beheerder")
def overzicht(request: Request, db: Session, user: Gebruiker, form):
    """Start of beheer: the figures that need attention."""
    context = reads.dashboard(db) | {"te_laat": count_overdue(db)}
    return page(request, "pages/beheer/overzicht.html", context)


@signed_in("beheerder")
def aanbieders(request: Request, db: Session, user: Gebruiker, form):
    """All aanbieders (any status), searchable by name, KvK or e-mail address, 50 per page."""
    q = search_text(request)
    listing = reads.aanbieders(db, q)
    p = paging(request, listing.count())
    rows = listing.page(p.offset, p.size)
    return page(request, "pages/beheer/aanbieders.html", {"rows": rows, "q": q, "p": p})


@signed_in("beheerder")
def aanbieder_detail(request: Request, db: Session, user: Gebruiker, form):
    """One aanbieder: status with reason, its accounts, links to profile and history."""
    return _aanbieder_page(request, db, _aanbieder(db, request.path_params["slug"]))


def _aanbieder_page(request: Request, db: Session, aanbieder: Aanbieder, errors=None, typed=None):
    """The aanbieder's beheer page; after an error the chosen status, reason or kenmerken come back."""
    typed = typed or {}
    context = {
        "aanbieder": aanbieder,
        "users": reads.accounts_of(db, aanbieder.id),
        "errors": errors or {},
        "reden": typed.get("reden", ""),
        "gekozen": typed.get("status", ""),
        "kenmerken": typed.get("kenmerken", Kenmerken.of(aanbieder)),
        "gecontracteerd": bool(contracted_gemeenten(db, aanbieder.id, clock.today())),
        "maatregelhulp": reads.maatregelhulp_of(db, aanbieder.id, clock.today()),
    }
    return page(request, "pages/beheer/aanbieder.html", context, 400 if errors else 200)


@signed_in("beheerder")
def aanbieder_status(request: Request, db: Session, user: Gebruiker, form):
    """Suspend, reactivate or end an aanbieder; gone from search at once."""
    aanbieder = _aanbieder(db, request.path_params["slug"])
    status, reden = str(form.get("status", "")), str(form.get("reden", ""))[:1000]
    if errors := status_change_errors(aanbieder.status, status, reden):
        return _aanbieder_page(request, db, aanbieder, errors, {"status": status, "reden": reden})
    change_status(db, Actor.of(user), aanbieder.slug, status, reden)
    db.commit()
    word = "weer actief" if status == "actief" else STATUS_NAMEN[status]
    return _redirect(request, "beheer_aanbieder", f"{aanbieder.naam} is nu {word}.", slug=aanbieder.slug)


@signed_in("beheerder")
def aanbieder_kenmerken(request: Request, db: Session, user: Gebruiker, form):
    """Set ambulante spoedhulp (with the coördinatiepunt) and diagnostiek, as the contract says."""
    aanbieder = _aanbieder(db, request.path_params["slug"])
    chosen = form.getlist("kenmerk")
    said = Kenmerken(
        "ambulante_spoedhulp" in chosen,
        "coordinatiepunt" in chosen,
        tuple(d for d in DIAGNOSTIEK if d in form.getlist("diagnostiek")),
    )
    try:
        kenmerken.check(said, kenmerken.running_percelen(db, aanbieder.id, clock.today()))
    except RuleViolation as problem:
        return _aanbieder_page(request, db, aanbieder, {"kenmerk": str(problem)}, {"kenmerken": said})
    changed = kenmerken.store(db, Actor.of(user), aanbieder, said, "beheer")
    db.commit()
    message = "De kenmerken zijn opgeslagen." if changed else "Er was niets veranderd."
    return _redirect(request, "beheer_aanbieder", message, slug=aanbieder.slug)


@signed_in("beheerder")
def aanbieder_historie(request: Request, db: Session, user: Gebruiker, form):
    """The profile history of one aanbieder."""
    return history_page(request, db, _aanbieder(db, request.path_params["slug"]))


# --- users ----------------------------------------------------------------------------------------


def _users_page(request: Request, db: Session, values: dict, errors: dict, status: int = 200):
    q = search_text(request)
    listing = reads.users(db, q)
    p = paging(request, listing.count())
    users = listing.page(p.offset, p.size)
    context = {
        "users": users,
        "gemeenten_per_user": reads.gemeenten_per_user(db),
        "aanbieder_names": reads.aanbieder_names(db, {u.aanbieder_id for u in users if u.aanbieder_id}),
        "aanbieder_keuzes": reads.aanbieder_choices(db),
        "values": values,
        "errors": errors,
        "rollen": ROLLEN,
        "q": q,
        "p": p,
    }
    return page(request, "pages/beheer/gebruikers.html", context, status)


@signed_in("beheerder")
def gebruikers(request: Request, db: Session, user: Gebruiker, form):
    """Users, and inviting a new one by e-mail."""
    empty = {"email": "", "naam": "", "rol": "wijkteam", "gemeenten": [], "aanbieder": ""}
    if form is None:
        return _users_page(request, db, empty, {})
    values = {
        "email": str(form.get("email", "")).strip()[:200],
        "naam": str(form.get("naam", "")).strip()[:200],
        "rol": str(form.get("rol", "")),
        "gemeenten": form.getlist("gemeenten"),
        "aanbieder": str(form.get("aanbieder", "")).strip()[:200],
    }
    try:
        new_user = create_user(
            db,
            Actor.of(user),
            values["email"],
            values["rol"],
            values["naam"],
            values["gemeenten"],
            values["aanbieder"] or None,
        )
        invite(db, new_user, request.app.state.services.settings.public_url)
    except RuleViolation as problem:
        db.rollback()
        return _users_page(request, db, values, {problem.field or "email": str(problem)}, 400)
    db.commit()
    return _redirect(
        request,
        "beheer_gebruikers",
        f"{new_user.email} is uitgenodigd. De uitnodiging staat klaar om te versturen.",
    )


@signed_in("beheerder")
def gebruiker_actief(request: Request, db: Session, user: Gebruiker, form):
    """Deactivate (signs out everywhere) or reactivate a user."""
    try:
        target = set_active(
            db, Actor.of(user), int(request.path_params["user_id"]), form.get("actief") == "1"
        )
    except RuleViolation as problem:
        return _redirect(request, "beheer_gebruikers", str(problem))
    db.commit()
    return _redirect(
        request, "beheer_gebruikers", f"{target.email} is {'weer actief' if target.actief else 'uitgezet'}."
    )


@signed_in("beheerder")
def gebruiker_uitnodigen(request: Request, db: Session, user: Gebruiker, form):
    """Send a new invitation (the old link stops working), e.g. when the first one expired."""
    target = db.get(Gebruiker, request.path_params["user_id"])
    if target is None or not target.actief:
        return _redirect(request, "beheer_gebruikers", "Dit account bestaat niet of staat uit.")
    invite(db, target, request.app.state.services.settings.public_url)
    record(db, Actor.of(user), "opnieuw uitgenodigd", "gebruiker", target.id)
    db.commit()
    return _redirect(request, "beheer_gebruikers", f"{target.email} krijgt een nieuwe uitnodiging.")


# --- imports --------------------------------------------------------------------------------------


@signed_in("beheerder")
def importeren_start(request: Request, db: Session, user: Gebruiker, form):
    """Upload a contract register or outcome file; the next page is the dry run."""
    recent = reads.recent_imports(db)
    if form is None:
        return page(
            request, "pages/beheer/import.html", {"errors": {}, "recent": recent, "soort": "contracten"}
        )
    soort = str(form.get("soort", ""))
    upload = form.get("bestand")
    errors = {}
    if soort not in ("contracten", "resultaten"):
        errors["soort"] = "Kies wat u wilt importeren."
    content = b""
    if upload is None or isinstance(upload, str) or not upload.filename:
        errors["bestand"] = "Kies een bestand."
    else:
        content = upload.file.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            errors["bestand"] = "Het bestand is groter dan 5 MB."
        elif not upload.filename.lower().endswith((".csv", ".xlsx", ".txt")):
            errors["bestand"] = "Kies een CSV-bestand (.csv) of een Excel-bestand (.xlsx)."
    if errors:
        return page(
            request, "pages/beheer/import.html", {"errors": errors, "recent": recent, "soort": soort}, 400
        )
    batch = importeren.upload(db, soort, upload.filename, content, user.id, clock.today())
    db.commit()
    return _redirect(request, "beheer_import_plan", batch_id=batch.id)


@signed_in("beheerder")
def help_import(request: Request, db: Session, user: Gebruiker, form):
    """The import formats in Dutch: the columns of the contract register and of the outcome file."""
    return page(request, "pages/beheer/help_import.html", {})


@signed_in("beheerder")
def help_voorbeeld(request: Request, db: Session, user: Gebruiker, form):
    """The sample contract register (three fictional aanbieders) as a download."""
    headers = {"Content-Disposition": 'attachment; filename="contractregister_voorbeeld.csv"'}
    return Response(SAMPLE_REGISTER.read_bytes(), media_type="text/csv; charset=utf-8", headers=headers)


def _batch(db: Session, request: Request) -> ImportBatch:
    batch = db.get(ImportBatch, int(request.path_params["batch_id"]))
    if batch is None:
        raise HTTPException(404, "Deze import bestaat niet.")
    return batch


@signed_in("beheerder")
def import_plan(request: Request, db: Session, user: Gebruiker, form):
    """The dry run: counts per gemeente first, then every bad row with its line number and what changes.

    The summary was made once, at upload; the file is read again only to apply it."""
    batch = _batch(db, request)
    summary = importeren.stored_summary(db, batch, clock.today())
    db.commit()
    return _plan_page(request, batch, summary)


def _plan_page(request: Request, batch: ImportBatch, plan: dict, error: str = "", status: int = 200):
    return page(
        request, "pages/beheer/import_plan.html", {"batch": batch, "plan": plan, "error": error}, status
    )


@signed_in("beheerder")
def import_toepassen(request: Request, db: Session, user: Gebruiker, form):
    """Apply a planned import in one transaction (planned again, so it reflects the current data).

    A plan that ends more than a tenth of a gemeente's running lines needs the confirmation box."""
    batch = _batch(db, request)
    plan = importeren.plan_file(db, batch.soort, batch.bestandsnaam, batch.inhoud, clock.today())
    if not plan.can_apply:
        return _plan_page(request, batch, plan.summary(), status=400)
    if plan.large_endings and form.get("bevestig_beeindigen") != "ja":
        error = "Zet een vinkje om te bevestigen dat deze contractregels echt moeten eindigen."
        return _plan_page(request, batch, plan.summary(), error, 400)
    public_url = request.app.state.services.settings.public_url
    counts = importeren.apply_batch(db, batch, plan, Actor.of(user), public_url)
    db.commit()
    message = f"Import verwerkt: {importeren.summarise(counts)}."
    return _redirect(request, "beheer_import_plan", message, batch_id=batch.id)


# --- applications ---------------------------------------------------------------------------------


def _aanmeldingen_page(request: Request, db: Session, errors: dict, status: int = 200):
    """Applications from new aanbieders, open ones first, searchable by name, KvK or e-mail address."""
    q = search_text(request)
    listing = reads.aanmeldingen(db, q)
    p = paging(request, listing.count(), size=20)
    rows = listing.page(p.offset, p.size)
    context = {"rows": rows, "errors": errors, "q": q, "p": p}
    return page(request, "pages/beheer/aanmeldingen.html", context, status)


@signed_in("beheerder")
def aanmeldingen_lijst(request: Request, db: Session, user: Gebruiker, form):
    """Applications from new aanbieders, open ones first."""
    return _aanmeldingen_page(request, db, {})


@signed_in("beheerder")
def aanmelding_beoordelen(request: Request, db: Session, user: Gebruiker, form):
    """Accept (creates the aanbieder and invites its contact) or reject with a reason."""
    application_id = int(request.path_params["aanmelding_id"])
    try:
        if form.get("besluit") == "accepteren":
            aanbieder = aanmeldingen.accept(
                db, Actor.of(user), application_id, request.app.state.services.settings.public_url
            )
            message = (
                f"{aanbieder.naam} is toegevoegd. De contactpersoon krijgt een uitnodiging. Inwoners zien"
                " de aanbieder pas als het contractregister een contract noemt."
            )
        else:
            aanmeldingen.reject(db, Actor.of(user), application_id, str(form.get("reden", ""))[:2000])
            message = "De aanmelding is afgewezen. De aanvrager krijgt de reden per e-mail."
    except RuleViolation as problem:
        db.rollback()
        return _aanmeldingen_page(request, db, {f"reden-{application_id}": str(problem)}, 400)
    db.commit()
    return _redirect(request, "beheer_aanmeldingen", message)


# --- tarieven -------------------------------------------------------------------------------------


def _blank_tarief() -> dict:
    """The new-tarief form's starting values: it starts today."""
    return {"perceel": "", "code": "", "bedrag": "", "vanaf": clock.today().isoformat(), "tot": ""}


def _tarieven_page(
    request: Request, db: Session, values: dict, errors: dict, status: int = 200, einde: dict | None = None
):
    """The tarieven page; `einde` keeps a refused end date with its message: {id, tot, fout}."""
    rows = reads.tarieven(db)
    q = search_text(request)
    if q:  # by product name: 'jeugd ob1', 'dakje 2'
        rows = [t for t in rows if q.lower() in tarieven.product_name(t.soort, t.perceel, t.code).lower()]
    p = paging(request, len(rows))
    context = {
        "rows": rows[p.offset : p.offset + p.size],
        "q": q,
        "p": p,
        "values": values,
        "errors": errors,
        "einde": einde or {},
        "percelen": [(p, labels()["percelen"][p]["naam"]) for p in tarieven.OB_PERCELEN],
        "codes": [("ob:" + c, f"OB{c[0]} niveau {c[1]} (per uur)") for c in tarieven.OB_CODES]
        + [("dakje:" + d, f"Dakje {d} (per etmaal)") for d in tarieven.DAKJES],
        "product": tarieven.product_name,
        "euros": tarieven.euros,
        "eenheid": tarieven.EENHEID,
    }
    return page(request, "pages/beheer/tarieven.html", context, status)


@signed_in("beheerder")
def tarieven_beheer(request: Request, db: Session, user: Gebruiker, form):
    """Regional tarieven per perceel x OB x niveau and per dakje, with validity dates."""
    if form is None:
        return _tarieven_page(request, db, _blank_tarief(), {})
    values = {name: str(form.get(name, "")).strip()[:40] for name in _blank_tarief()}
    errors = {}
    soort, _, code = values["code"].partition(":")
    try:
        cents = tarieven.parse_euros(values["bedrag"])
    except RuleViolation as problem:
        errors["bedrag"] = str(problem)
    dates = {}
    for name in ("vanaf", "tot"):
        try:
            dates[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            errors[name] = "Kies een geldige datum."
    if not dates.get("vanaf") and "vanaf" not in errors:
        errors["vanaf"] = "Kies de datum waarop het tarief ingaat."
    if not errors:
        try:
            tarieven.add_tarief(
                db, Actor.of(user), soort, values["perceel"], code, cents, dates["vanaf"], dates["tot"]
            )
        except RuleViolation as problem:
            errors[problem.field or "code"] = str(problem)
    if errors:
        db.rollback()
        return _tarieven_page(request, db, values, errors, 400)
    db.commit()
    return _redirect(request, "beheer_tarieven", "Het tarief is opgeslagen.")


@signed_in("beheerder")
def tarief_einde(request: Request, db: Session, user: Gebruiker, form):
    """Give a tarief an end date; a refused date comes back with its message."""
    tarief_id, typed = int(request.path_params["tarief_id"]), str(form.get("tot", ""))[:40]
    try:
        tarieven.end_tarief(db, Actor.of(user), tarief_id, date.fromisoformat(typed))
    except (ValueError, RuleViolation) as problem:
        db.rollback()
        message = str(problem) if isinstance(problem, RuleViolation) else "Kies een geldige einddatum."
        einde = {"id": tarief_id, "tot": typed, "fout": message}
        return _tarieven_page(request, db, _blank_tarief(), {}, 400, einde)
    db.commit()
    return _redirect(request, "beheer_tarieven", "De einddatum is opgeslagen.")


# --- audit log ------------------------------------------------------------------------------------


@signed_in("beheerder")
def logboek(request: Request, db: Session, user: Gebruiker, form):
    """The audit log, searchable, newest first, in words: people by name and role, changes per field."""
    q = search_text(request)
    listing = search_audit(db, q)
    p = paging(request, listing.count())
    rows = listing.page(p.offset, p.size)
    return page(request, "pages/beheer/logboek.html", {"lines": describe(db, rows), "q": q, "p": p})


@signed_in("beheerder")
def logboek_csv(request: Request, db: Session, user: Gebruiker, form):
    """The (filtered) audit log as CSV."""
    rows = search_audit(db, search_text(request)).page(0, 100_000)
    headers = {"Content-Disposition": 'attachment; filename="logboek.csv"'}
    return Response(audit_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


routes = [
    Route("/beheer", overzicht, name="beheer"),
    Route("/beheer/aanbieders", aanbieders, name="beheer_aanbieders"),
    Route("/beheer/aanbieders/{slug}", aanbieder_detail, name="beheer_aanbieder"),
    Route(
        "/beheer/aanbieders/{slug}/status", aanbieder_status, methods=["POST"], name="beheer_aanbieder_status"
    ),
    Route(
        "/beheer/aanbieders/{slug}/kenmerken",
        aanbieder_kenmerken,
        methods=["POST"],
        name="beheer_aanbieder_kenmerken",
    ),
    Route("/beheer/aanbieders/{slug}/historie", aanbieder_historie, name="beheer_aanbieder_historie"),
    Route("/beheer/gebruikers", gebruikers, methods=["GET", "POST"], name="beheer_gebruikers"),
    Route(
        "/beheer/gebruikers/{user_id:id}/actief",
        gebruiker_actief,
        methods=["POST"],
        name="beheer_gebruiker_actief",
    ),
    Route(
        "/beheer/gebruikers/{user_id:id}/uitnodigen",
        gebruiker_uitnodigen,
        methods=["POST"],
        name="beheer_gebruiker_uitnodigen",
    ),
    Route("/beheer/import", importeren_start, methods=["GET", "POST"], name="beheer_import"),
    Route("/beheer/import/{batch_id:id}", import_plan, name="beheer_import_plan"),
    Route("/beheer/hulp/importeren", help_import, name="beheer_help_import"),
    Route("/beheer/hulp/contractregister_voorbeeld.csv", help_voorbeeld, name="beheer_help_voorbeeld"),
    Route(
        "/beheer/import/{batch_id:id}/toepassen",
        import_toepassen,
        methods=["POST"],
        name="beheer_import_toepassen",
    ),
    Route("/beheer/aanmeldingen", aanmeldingen_lijst, name="beheer_aanmeldingen"),
    Route(
        "/beheer/aanmeldingen/{aanmelding_id:id}",
        aanmelding_beoordelen,
        methods=["POST"],
        name="beheer_aanmelding",
    ),
    Route("/beheer/tarieven", tarieven_beheer, methods=["GET", "POST"], name="beheer_tarieven"),
    Route(
        "/beheer/tarieven/{tarief_id:id}/einde", tarief_einde, methods=["POST"], name="beheer_tarief_einde"
    ),
    Route("/beheer/logboek", logboek, name="beheer_audit"),
    Route("/beheer/logboek.csv", logboek_csv, name="beheer_audit_csv"),
]
