"""Tables for consultatie (wijkteam asks an aanbieder for expertise) and voorkeuren (an inwoner tells
the wijkteam of their gemeente which aanbieder they would like)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from keuzehulp import clock

CONSULTATIE_STATUSES = ("nieuw", "geaccepteerd", "afgewezen", "afgerond")


class Consultatie(SQLModel, table=True):
    """A request from the gemeentelijke toegang to an aanbieder; anonymous about the inwoner."""

    id: int | None = Field(default=None, primary_key=True)
    gemeente_id: int = Field(foreign_key="gemeente.id", index=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    aangevraagd_door: int = Field(foreign_key="gebruiker.id")
    vraag: str
    leeftijdsgroep: str
    product: str | None = None  # the considered help, in the region model's codes
    variant: str | None = None
    geprobeerd: str = ""
    functieniveau: str
    urgentie: str = "normaal"
    bereikbaar: str
    status: str = Field(default="nieuw", index=True)
    contactpersoon: str = ""
    geplande_datum: date | None = None
    reden_afwijzing: str = ""
    terugkoppeling: str = ""
    created_at: datetime = Field(default_factory=clock.now)
    beantwoord_op: datetime | None = None
    afgerond_op: datetime | None = None
    bijgewerkt_op: datetime = Field(default_factory=clock.now)
    herinnerd_op: datetime | None = None
    voorkeur_id: int | None = Field(default=None, foreign_key="voorkeur.id")
    geanonimiseerd_op: datetime | None = None


class ConsultatieBericht(SQLModel, table=True):
    """A message in the thread of one consultatie."""

    id: int | None = Field(default=None, primary_key=True)
    consultatie_id: int = Field(foreign_key="consultatie.id", index=True)
    gebruiker_id: int = Field(foreign_key="gebruiker.id")
    wie: str
    tekst: str
    created_at: datetime = Field(default_factory=clock.now)


class Gelezen(SQLModel, table=True):
    """When a user last opened a consultatie or voorkeur (for unread counts)."""

    soort: str = Field(primary_key=True, max_length=12)  # "consultatie" or "voorkeur"
    object_id: int = Field(primary_key=True)
    gebruiker_id: int = Field(foreign_key="gebruiker.id", primary_key=True)
    gelezen_op: datetime = Field(default_factory=clock.now)


class Voorkeur(SQLModel, table=True):
    """An inwoner's wish for an aanbieder, sent to the wijkteam of their gemeente (never to the aanbieder)."""

    id: int | None = Field(default=None, primary_key=True)
    referentie: str = Field(unique=True, max_length=12)
    gemeente_id: int = Field(foreign_key="gemeente.id", index=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id")
    naam: str
    telefoon: str = ""
    email: str = ""
    toelichting: str = ""
    toestemming_op: datetime
    status: str = Field(default="nieuw", index=True)
    created_at: datetime = Field(default_factory=clock.now)
    afgehandeld_op: datetime | None = None
    geanonimiseerd_op: datetime | None = None
