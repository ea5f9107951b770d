"""Validity periods of contract and dakje lines."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_


def current(model, today: date):
    """SQL condition: a contract, dakje or maatregelhulp line valid on `today`."""
    return (model.geldig_vanaf <= today) & or_(model.geldig_tot.is_(None), model.geldig_tot >= today)
