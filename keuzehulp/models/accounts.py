"""Tables for signed-in work: users, sessions, one-time tokens, login attempts, outbox, audit,
profile versions, tarieven, applications from new aanbieders and import batches."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from keuzehulp import clock

ROLLEN = ("beheerder", "wijkteam", "aanbieder")


class Gebruiker(SQLModel, table=True):
    """A person who signs in: a beheerder, a wijkteam member (per gemeente) or an aanbieder's staff.

    Beheerders and wijkteams belong to one region (`regio_id`); aanbieder staff to none, since an
    aanbieder may have contracts in several regions."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    naam: str = ""
    rol: str
    regio_id: int | None = Field(default=None, foreign_key="regio.id", index=True)
    aanbieder_id: int | None = Field(default=None, foreign_key="aanbieder.id", index=True)
    actief: bool = True
    password_hash: str | None = None
    totp_secret: str | None = None
    totp_laatste_stap: int | None = None  # time step of the last accepted code: it is not accepted twice
    created_at: datetime = Field(default_factory=clock.now)
    laatst_ingelogd: datetime | None = None


class GebruikerGemeente(SQLModel, table=True):
    """The gemeenten a wijkteam user works for."""

    gebruiker_id: int = Field(foreign_key="gebruiker.id", primary_key=True)
    gemeente_id: int = Field(foreign_key="gemeente.id", primary_key=True)


class Sessie(SQLModel, table=True):
    """A signed-in browser; the cookie holds a random token, the table only its hash."""

    id: str = Field(primary_key=True, max_length=64)
    gebruiker_id: int = Field(foreign_key="gebruiker.id", index=True)
    tweede_stap_gedaan: bool = False
    created_at: datetime = Field(default_factory=clock.now)
    last_seen: datetime = Field(default_factory=clock.now)


class EenmaligeToken(SQLModel, table=True):
    """A single-use link (invitation or password reset); stored as a hash, with an expiry."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    gebruiker_id: int = Field(foreign_key="gebruiker.id", index=True)
    doel: str
    verloopt_op: datetime
    gebruikt_op: datetime | None = None


class LoginPoging(SQLModel, table=True):
    """A failed sign-in, per hashed account and per hashed address, for throttling."""

    id: int | None = Field(default=None, primary_key=True)
    sleutel: str = Field(index=True, max_length=80)
    at: datetime = Field(default_factory=clock.now, index=True)


class UitgaandBericht(SQLModel, table=True):
    """The outbox: every e-mail is written here first and sent (or retried) by the sender."""

    id: int | None = Field(default=None, primary_key=True)
    aan: str
    onderwerp: str
    tekst: str
    created_at: datetime = Field(default_factory=clock.now)
    verzonden_op: datetime | None = Field(default=None, index=True)
    pogingen: int = 0
    volgende_poging: datetime = Field(default_factory=clock.now)
    laatste_fout: str = ""


class AuditRegel(SQLModel, table=True):
    """Who did what, when, to which object, with the values before and after.

    `regio_id` is the region the action belongs to; None for an action of no region (an aanbieder
    editing its own profile, the system's retention clean-up): docs/accounts.md says who sees which."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=clock.now, index=True)
    gebruiker_id: int | None = Field(default=None, index=True)
    regio_id: int | None = Field(default=None, foreign_key="regio.id", index=True)
    wie: str
    actie: str = Field(index=True)
    object_soort: str
    object_id: str = ""
    omschrijving: str = ""
    voor: dict | None = Field(default=None, sa_column=Column(JSON))
    na: dict | None = Field(default=None, sa_column=Column(JSON))


class AanbiederVersie(SQLModel, table=True):
    """A saved state of an aanbieder's own profile; consecutive versions give the history."""

    __table_args__ = (UniqueConstraint("aanbieder_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    version: int
    created_at: datetime = Field(default_factory=clock.now)
    wie: str
    gegevens: dict = Field(sa_column=Column(JSON, nullable=False))


class Herinnering(SQLModel, table=True):
    """A freshness reminder sent to an aanbieder for one confirmation date (keeps the job idempotent);
    `created_at` is the day the latest one for that date went out (services/jobs.queue_reminders)."""

    aanbieder_id: int = Field(foreign_key="aanbieder.id", primary_key=True)
    bevestigd_op: date = Field(primary_key=True)
    created_at: datetime = Field(default_factory=clock.now)


class Tarief(SQLModel, table=True):
    """The price of a product of a region's model for a period, per the product's eenheid (Twente:
    a perceel x OB x niveau per hour, a dakje per etmaal; services/tarieven.py)."""

    id: int | None = Field(default=None, primary_key=True)
    regio: str = Field(default="twente")  # the slug of the region whose model names the product
    gemeente: str | None = None  # CBS code: a price of one gemeente, where the perceel is bought per gemeente
    soort: str  # "ob" (product with a variant), "product" (without one) or "dakje"
    perceel: str | None = None  # "jeugd" or "wmo" for a product; None for a dakje (one price for both)
    code: str  # "1A".."4E" (product and variant), "jeugd-ggz", or a dakje "1".."3", "0-A", "0-B"
    bedrag_centen: int
    geldig_vanaf: date
    geldig_tot: date | None = None


class Aanmelding(SQLModel, table=True):
    """An application from a new aanbieder; nothing is public until a beheerder accepts it."""

    id: int | None = Field(default=None, primary_key=True)
    naam: str
    kvk: str = Field(max_length=8)
    contactpersoon: str
    email: str
    telefoon: str = ""
    website: str = ""
    toelichting: str = ""
    status: str = Field(default="nieuw", index=True)
    reden: str = ""
    created_at: datetime = Field(default_factory=clock.now)
    beoordeeld_op: datetime | None = None
    aanbieder_id: int | None = Field(default=None, foreign_key="aanbieder.id")


class ImportBatch(SQLModel, table=True):
    """An uploaded import file, kept between the dry run and applying it; of the uploader's region."""

    id: int | None = Field(default=None, primary_key=True)
    soort: str  # "contracten" or "resultaten"
    regio_id: int | None = Field(default=None, foreign_key="regio.id", index=True)
    bestandsnaam: str
    inhoud: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    gebruiker_id: int = Field(foreign_key="gebruiker.id")
    created_at: datetime = Field(default_factory=clock.now)
    toegepast_op: datetime | None = None
    overzicht: dict | None = Field(default=None, sa_column=Column(JSON))  # the dry run's summary
