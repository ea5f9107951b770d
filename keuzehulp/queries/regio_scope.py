"""What a beheerder of one region sees of the work of every region: SQL conditions for accounts,
import batches, audit lines and gemeenten.

- Beheerders and wijkteams belong to one region and are seen there only.
- Aanbieder staff belong to no region, since an aanbieder may work in several. Their accounts are
  seen in every region where the aanbieder has or had a contract line (contract, dakje or
  maatregelhulp, any period), and in every region while it has no contract line anywhere yet (an
  accepted aanmelding waiting for its contract).
- An import batch is seen in the region it was uploaded in.
- An audit line of a region is seen there only. A line of no region (an aanbieder editing its own
  profile, the system's retention clean-up) is seen in every region that sees each account the line
  names: the one who acted and, for an action on an account, that account.

A beheerder without a region (which the migration and account creation rule out) sees nothing of
any region."""

from __future__ import annotations

from sqlalchemy import String, and_, cast, false, or_
from sqlmodel import select

from keuzehulp.models import AuditRegel, Gebruiker, Gemeente, ImportBatch
from keuzehulp.models.periods import CONTRACT_MODELS


def _of(column, regio_id: int | None):
    """column = regio_id, never 'column IS NULL' for a missing region."""
    return column == regio_id if regio_id is not None else false()


def gemeente_ids(regio_id: int | None):
    """SELECT of the ids of the region's gemeenten."""
    return select(Gemeente.id).where(_of(Gemeente.regio_id, regio_id))


def aanbieder_seen(aanbieder_id, regio_id: int | None):
    """The aanbieder (an id column or value) has or had a contract line in the region, or none anywhere."""
    in_regio = (
        aanbieder_id.in_(select(m.aanbieder_id).where(m.gemeente_id.in_(gemeente_ids(regio_id))))
        for m in CONTRACT_MODELS
    )
    nowhere = (aanbieder_id.not_in(select(m.aanbieder_id)) for m in CONTRACT_MODELS)
    return or_(*in_regio, and_(*nowhere))


def account_seen(regio_id: int | None):
    """Condition on Gebruiker: the account is seen in the region."""
    return or_(
        and_(Gebruiker.rol != "aanbieder", _of(Gebruiker.regio_id, regio_id)),
        and_(
            Gebruiker.rol == "aanbieder",
            or_(Gebruiker.aanbieder_id.is_(None), aanbieder_seen(Gebruiker.aanbieder_id, regio_id)),
        ),
    )


def batch_seen(regio_id: int | None):
    """Condition on ImportBatch: uploaded in the region."""
    return _of(ImportBatch.regio_id, regio_id)


def audit_seen(regio_id: int | None):
    """Condition on AuditRegel: the line is seen in the region."""
    accounts = select(Gebruiker.id).where(account_seen(regio_id))
    account_ids = select(cast(Gebruiker.id, String)).where(account_seen(regio_id))
    return or_(
        _of(AuditRegel.regio_id, regio_id),
        and_(
            AuditRegel.regio_id.is_(None),
            or_(AuditRegel.gebruiker_id.is_(None), AuditRegel.gebruiker_id.in_(accounts)),
            or_(AuditRegel.object_soort != "gebruiker", AuditRegel.object_id.in_(account_ids)),
        ),
    )
