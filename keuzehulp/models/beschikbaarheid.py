"""Wachttijd and plek per kind of help, instroomstops and wijkteam subscriptions (domain rules in
domain/beschikbaarheid.py).

A kind of help is a `hulp` key of the region model: 'jeugd/3' (perceel jeugd, OB3), 'wmo/begeleiding'
(Regio Nijmegen), 'dyslexie' (a perceel without products) or 'dakje/2'. `gemeente_id` None means
"in every gemeente where the aanbieder is contracted for it"; a row for one gemeente overrides it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, func
from sqlmodel import Field, SQLModel

from keuzehulp import clock


class Beschikbaarheid(SQLModel, table=True):
    """An aanbieder's current figure for one kind of help: weeks until the first contact and until
    the start, free places now (dakjes only), and the day it was last confirmed."""

    __table_args__ = (
        Index(
            "uq_beschikbaarheid_hulp",
            "aanbieder_id",
            "hulp",
            func.coalesce("gemeente_id", 0),
            unique=True,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    hulp: str
    gemeente_id: int | None = Field(default=None, foreign_key="gemeente.id")
    weken_contact: int | None = None
    weken_start: int | None = None
    plekken: int | None = None  # free places now; only for a dakje (0: geen plek)
    bevestigd_op: date = Field(index=True)
    gewijzigd_op: datetime = Field(default_factory=clock.now)


class Instroomstop(SQLModel, table=True):
    """A stop on new intake for one kind of help ('*': all), in one gemeente or all, from `vanaf`
    through `tot` (expected end; None: until lifted), set by the aanbieder or a beheerder."""

    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    hulp: str
    gemeente_id: int | None = Field(default=None, foreign_key="gemeente.id")
    reden: str
    vanaf: date
    tot: date | None = None
    opgeheven_op: date | None = None
    door: str  # the e-mail address of who set it, or 'systeem'
    created_at: datetime = Field(default_factory=clock.now)


class Abonnement(SQLModel, table=True):
    """A wijkteam member's wish to hear when an aanbieder for a kind of help in a gemeente has a
    plek (`soort` 'plek') or can start within `weken` ('start')."""

    id: int | None = Field(default=None, primary_key=True)
    gebruiker_id: int = Field(foreign_key="gebruiker.id", index=True)
    gemeente_id: int = Field(foreign_key="gemeente.id")
    hulp: str
    soort: str
    weken: int | None = None
    created_at: datetime = Field(default_factory=clock.now)
