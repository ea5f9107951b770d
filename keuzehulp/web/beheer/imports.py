"""Imports of the contract register and of geboekte resultaten, with a dry run first, and their help."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.models import (
    Gebruiker,
    ImportBatch,
)
from keuzehulp.queries import beheer as reads
from keuzehulp.services.audit import Actor
from keuzehulp.services.importeren import batches
from keuzehulp.services.importeren.plan import summarise
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.visitor import see_route

MAX_UPLOAD = 5 * 1024 * 1024


SAMPLE_REGISTERS = {  # the samples by the name they download as
    "contractregister_voorbeeld.csv": PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv",
    "contractregister_voorbeeld_nijmegen.csv": PROJECT_ROOT
    / "seed/regio/nijmegen/contractregister_voorbeeld.csv",
}


def read_upload(upload, suffixes: tuple[str, ...], wrong_kind: str) -> tuple[str, bytes, str | None]:
    """The file name and content of an uploaded file, and a Dutch message when there is none, it is
    larger than MAX_UPLOAD or its name does not end in one of `suffixes` (`wrong_kind`)."""
    if upload is None or isinstance(upload, str) or not upload.filename:
        return "", b"", "Kies een bestand."
    content = upload.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return upload.filename, b"", "Het bestand is groter dan 5 MB."
    if not upload.filename.lower().endswith(suffixes):
        return upload.filename, b"", wrong_kind
    return upload.filename, content, None


@signed_in("beheerder")
def importeren_start(request: Request, db: Session, user: Gebruiker, form):
    """Upload a contract register or outcome file; the next page is the dry run."""
    recent = reads.recent_imports(db, user.regio_id)
    if form is None:
        return page(
            request, "pages/beheer/import.html", {"errors": {}, "recent": recent, "soort": "contracten"}
        )
    soort = str(form.get("soort", ""))
    upload = form.get("bestand")
    errors = {}
    if soort not in ("contracten", "resultaten"):
        errors["soort"] = "Kies wat u wilt importeren."
    filename, content, problem = read_upload(
        upload, (".csv", ".xlsx", ".txt"), "Kies een CSV-bestand (.csv) of een Excel-bestand (.xlsx)."
    )
    if problem:
        errors["bestand"] = problem
    if errors:
        return page(
            request, "pages/beheer/import.html", {"errors": errors, "recent": recent, "soort": soort}, 400
        )
    batch = batches.upload(db, soort, filename, content, user, clock.today())
    db.commit()
    return see_route(request, "beheer_import_plan", batch_id=batch.id)


@signed_in("beheerder")
def help_import(request: Request, db: Session, user: Gebruiker, form):
    """The import formats in Dutch: the columns of the contract register and of the outcome file."""
    return page(request, "pages/beheer/help_import.html", {})


@signed_in("beheerder")
def help_voorbeeld(request: Request, db: Session, user: Gebruiker, form):
    """A sample contract register (three fictional aanbieders, Twente's or Regio Nijmegen's) as a download."""
    name = request.url.path.rsplit("/", 1)[-1]
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    content = SAMPLE_REGISTERS[name].read_bytes()
    return Response(content, media_type="text/csv; charset=utf-8", headers=headers)


def _batch(db: Session, request: Request, user: Gebruiker) -> ImportBatch:
    """The batch in the URL, when it was uploaded in the beheerder's region; 404 otherwise."""
    batch = reads.batch_in(db, int(request.path_params["batch_id"]), user.regio_id)
    if batch is None:
        raise HTTPException(404, "Deze import bestaat niet.")
    return batch


@signed_in("beheerder")
def import_plan(request: Request, db: Session, user: Gebruiker, form):
    """The dry run: counts per gemeente first, then every bad row with its line number and what changes.

    The summary was made once, at upload; the file is read again only to apply it."""
    batch = _batch(db, request, user)
    summary = batches.stored_summary(db, batch, clock.today())
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
    batch = _batch(db, request, user)
    plan = batches.batch_plan(db, batch, clock.today())
    if not plan.can_apply:
        return _plan_page(request, batch, plan.summary(), status=400)
    if plan.large_endings and form.get("bevestig_beeindigen") != "ja":
        error = "Zet een vinkje om te bevestigen dat deze contractregels echt moeten eindigen."
        return _plan_page(request, batch, plan.summary(), error, 400)
    public_url = request.app.state.site.settings.public_url
    counts = batches.apply_batch(db, batch, plan, Actor.of(user), public_url)
    db.commit()
    message = f"Import verwerkt: {summarise(counts)}."
    return see_route(request, "beheer_import_plan", message, batch_id=batch.id)


routes = [
    Route("/beheer/import", importeren_start, methods=["GET", "POST"], name="beheer_import"),
    Route("/beheer/import/{batch_id:id}", import_plan, name="beheer_import_plan"),
    Route("/beheer/hulp/importeren", help_import, name="beheer_help_import"),
    Route("/beheer/hulp/contractregister_voorbeeld.csv", help_voorbeeld, name="beheer_help_voorbeeld"),
    Route(
        "/beheer/hulp/contractregister_voorbeeld_nijmegen.csv",
        help_voorbeeld,
        name="beheer_help_voorbeeld_nijmegen",
    ),
    Route(
        "/beheer/import/{batch_id:id}/toepassen",
        import_toepassen,
        methods=["POST"],
        name="beheer_import_toepassen",
    ),
]
