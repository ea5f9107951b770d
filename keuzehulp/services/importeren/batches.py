"""An uploaded file as an import batch: its dry run kept for the plan page, and applying it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from keuzehulp import clock
from keuzehulp.models import Gebruiker, ImportBatch
from keuzehulp.services.audit import Actor
from keuzehulp.services.importeren.contracten import apply_contracts, plan_contracts
from keuzehulp.services.importeren.files import ImportFileError, read_rows
from keuzehulp.services.importeren.plan import Plan
from keuzehulp.services.importeren.resultaten import apply_resultaten, plan_resultaten


def plan_file(
    session: Session, soort: str, filename: str, content: bytes, today: date, regio_id: int | None = None
) -> Plan:
    """Read a file and plan its import; unreadable files give a plan with one error. A contract
    register of a region touches that region's gemeenten only; outcomes belong to an aanbieder."""
    try:
        columns, rows = read_rows(filename, content)
    except ImportFileError as problem:
        plan = Plan(soort)
        plan.errors.append((0, str(problem)))
        return plan
    if soort == "contracten":
        return plan_contracts(session, columns, rows, today, regio_id)
    return plan_resultaten(session, columns, rows)


def upload(
    session: Session, soort: str, filename: str, content: bytes, user: Gebruiker, today: date
) -> ImportBatch:
    """Keep an uploaded file with the summary of its dry run, made once for the plan page; the batch
    belongs to the uploader's region."""
    batch = ImportBatch(
        soort=soort,
        bestandsnaam=filename[:200],
        inhoud=content,
        gebruiker_id=user.id,
        regio_id=user.regio_id,
    )
    batch.overzicht = plan_file(session, soort, batch.bestandsnaam, content, today, batch.regio_id).summary()
    session.add(batch)
    session.flush()
    return batch


def stored_summary(session: Session, batch: ImportBatch, today: date) -> dict:
    """The batch's dry-run summary; made now for a file uploaded before summaries were kept."""
    if batch.overzicht is None:
        batch.overzicht = batch_plan(session, batch, today).summary()
        session.add(batch)
    return batch.overzicht


def batch_plan(session: Session, batch: ImportBatch, today: date) -> Plan:
    """The batch's file planned against the database now, for its region."""
    return plan_file(session, batch.soort, batch.bestandsnaam, batch.inhoud, today, batch.regio_id)


def apply_batch(session: Session, batch: ImportBatch, plan: Plan, actor: Actor, public_url: str) -> dict:
    """Apply a checked plan of this batch and mark the batch applied; returns the counts."""
    if batch.soort == "contracten":
        counts = apply_contracts(session, plan, actor, public_url)
    else:
        counts = apply_resultaten(session, plan, actor)
    batch.toegepast_op = clock.now()
    session.add(batch)
    return counts
