"""SQLModel tables: the source of truth. The search index is a projection of these."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from keuzehulp import clock


class Regio(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    naam: str


class Gemeente(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cbs_code: str = Field(unique=True, index=True, max_length=6)
    naam: str
    slug: str = Field(unique=True, index=True)
    regio_id: int = Field(foreign_key="regio.id")
    lat: float
    lon: float
    toegang_naam: str
    toegang_telefoon: str = ""
    toegang_email: str = ""
    toegang_website: str = ""


class Kern(SQLModel, table=True):
    """A woonplaats or village, mapped to its gemeente (Delden -> Hof van Twente). The country repeats
    names (a Beuningen in Losser and the gemeente Beuningen), so a slug is unique per gemeente."""

    __table_args__ = (UniqueConstraint("gemeente_id", "slug", name="uq_kern_gemeente_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True)
    naam: str
    gemeente_id: int = Field(foreign_key="gemeente.id", index=True)
    lat: float
    lon: float


class Specialisatie(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    naam: str
    label_b1: str
    synoniemen: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Doelgroep(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    naam: str


class Taal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    naam: str


class Aanbieder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    naam: str
    kvk: str = Field(max_length=8, index=True)
    agb: str | None = Field(default=None, max_length=8)
    website: str = ""
    email: str = ""
    telefoon: str = ""
    beschrijving: str = ""
    status: str = Field(default="actief", index=True)
    profiel_bevestigd_op: date | None = None
    consultatie_functieniveaus: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    diagnostiek: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ambulante_spoedhulp: bool = False
    coordinatiepunt: bool = False  # connected to the regional coördinatiepunt triage en spoedhulp
    werkvormen: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1
    beschikbaarheid_versie: int = 1  # optimistic locking of the wachttijd and plek form
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)


class AanbiederSpecialisatie(SQLModel, table=True):
    aanbieder_id: int = Field(foreign_key="aanbieder.id", primary_key=True)
    specialisatie_id: int = Field(foreign_key="specialisatie.id", primary_key=True, index=True)


class AanbiederDoelgroep(SQLModel, table=True):
    aanbieder_id: int = Field(foreign_key="aanbieder.id", primary_key=True)
    doelgroep_id: int = Field(foreign_key="doelgroep.id", primary_key=True, index=True)


class AanbiederTaal(SQLModel, table=True):
    aanbieder_id: int = Field(foreign_key="aanbieder.id", primary_key=True)
    taal_id: int = Field(foreign_key="taal.id", primary_key=True, index=True)


class Vestiging(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    naam: str = ""
    adres: str
    postcode: str = Field(max_length=7)
    plaats: str
    gemeente_id: int = Field(foreign_key="gemeente.id")
    lat: float
    lon: float
    rolstoeltoegankelijk: bool = False
    beschermde_woonlocatie: bool = False


class Contract(SQLModel, table=True):
    """One line of the contract register: aanbieder x gemeente x perceel x product x variant, in the
    codes of the gemeente's region model (Twente: product '2' is OB2, variant 'B' niveau B)."""

    __table_args__ = (
        UniqueConstraint("aanbieder_id", "gemeente_id", "perceel", "product", "variant", "geldig_vanaf"),
    )
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    gemeente_id: int = Field(foreign_key="gemeente.id", index=True)
    perceel: str
    product: str | None = None
    variant: str | None = None
    geldig_vanaf: date
    geldig_tot: date | None = None


class DakjeScope(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("aanbieder_id", "gemeente_id", "dakje", "geldig_vanaf"),)
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    gemeente_id: int = Field(foreign_key="gemeente.id", index=True)
    dakje: str = Field(max_length=3)
    geldig_vanaf: date
    geldig_tot: date | None = None


class Maatregelhulp(SQLModel, table=True):
    """Maatregelhulp an aanbieder is contracted for in a gemeente: jeugdbescherming and
    jeugdreclassering (gecertificeerde instellingen) or Jeugdzorgplus (gesloten accommodatie)."""

    __table_args__ = (UniqueConstraint("aanbieder_id", "gemeente_id", "soort", "geldig_vanaf"),)
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    gemeente_id: int = Field(foreign_key="gemeente.id")
    soort: str
    geldig_vanaf: date
    geldig_tot: date | None = None


class Resultaat(SQLModel, table=True):
    """One outcome indicator of one aanbieder for one period (shown by a later issue)."""

    __table_args__ = (UniqueConstraint("aanbieder_id", "periode", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    periode: str
    indicator: str
    teller: int
    noemer: int
    bron: str = ""


class ChangeLog(SQLModel, table=True):
    """Log of changes that affect search, numbered in commit order; the indexer and the change
    feed follow it by seq (handed out by ChangeCounter, see domain/changelog.py)."""

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    aanbieder_id: int = Field(index=True)
    reden: str
    created_at: datetime = Field(default_factory=clock.now)


class ChangeCounter(SQLModel, table=True):
    """One row: the last change-log seq handed out. A writer takes it just before its commit."""

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0


class RateCount(SQLModel, table=True):
    """Requests per throttled key and time window, shared by every process and host."""

    bucket_key: str = Field(primary_key=True, max_length=80)
    window_start: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    hits: int = 0


class SiteMeta(SQLModel, table=True):
    """Small key/value facts about the data set, e.g. that demo data is loaded."""

    key: str = Field(primary_key=True)
    value: str


class WachttijdMelding(SQLModel, table=True):
    """One confirmation of a figure (models/beschikbaarheid.Beschikbaarheid): the history behind the
    trend per month. Rows from before figures per kind of help have no `hulp`."""

    id: int | None = Field(default=None, primary_key=True)
    aanbieder_id: int = Field(foreign_key="aanbieder.id", index=True)
    hulp: str | None = None
    gemeente_id: int | None = Field(default=None, foreign_key="gemeente.id")
    weken: int | None = None  # weeks until the start
    weken_contact: int | None = None
    plekken: int | None = None
    bevestigd_op: date = Field(index=True)
