"""Validity periods of contract, dakje and maatregelhulp lines, and what they make public."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, or_, select

from keuzehulp.models.tables import Aanbieder, Contract, DakjeScope, Maatregelhulp

CONTRACT_MODELS = (Contract, DakjeScope, Maatregelhulp)


def current(model, today: date):
    """SQL condition: a contract, dakje or maatregelhulp line valid on `today`."""
    return (model.geldig_vanaf <= today) & or_(model.geldig_tot.is_(None), model.geldig_tot >= today)


def public(today: date):
    """SQL condition on Aanbieder: shown to inwoners. Only an actief aanbieder with at least one
    current contract line is public; an accepted aanmelding waits for its contract."""
    contracted = or_(
        *(
            exists(select(model.id).where(model.aanbieder_id == Aanbieder.id, current(model, today)))
            for model in CONTRACT_MODELS
        )
    )
    return (Aanbieder.status == "actief") & contracted
