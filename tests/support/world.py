"""Test data sets: a migrated database with taxonomy (and optionally demo aanbieders) plus an index."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from keuzehulp import clock
from keuzehulp.config import Settings
from keuzehulp.db import make_engine, session_scope, upgrade
from keuzehulp.domain.taxonomy import Taxonomy, load_taxonomy
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.demo import load_demo

_names = itertools.count()


@dataclass
class World:
    """A database and its search index, ready to query."""

    url: str
    engine: Engine
    index_dir: Path
    index: SearchIndex
    taxonomy: Taxonomy
    search: SearchEngine

    def settings(self, **overrides) -> Settings:
        values = {
            "database_url": self.url,
            "index_dir": self.index_dir,
            "index_poll_seconds": 0,
            "mail_send_seconds": 0,
            # The API limit is counted per database, and test apps on one database all come from
            # "testclient": tests of the limit set it themselves.
            "api_rate_limit": 0,
        }
        values |= overrides
        return Settings(**values)


class DatabaseFactory:
    """Fresh databases per test from a migrated template with taxonomy, for one backend."""

    def __init__(self, backend: str, workdir: Path, postgres=None):
        self.backend = backend
        self.workdir = workdir
        self.postgres = postgres
        self._template: str | None = None

    def _prepare_template(self) -> None:
        if self.backend == "sqlite":
            path = self.workdir / "template.db"
            url = f"sqlite:///{path}"
        else:
            url = self.postgres.create_database("kh_template")
        upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            load_taxonomy(session)
        engine.dispose()
        self._template = str(path) if self.backend == "sqlite" else "kh_template"

    def blank_url(self) -> str:
        """A new database without any schema, for testing migrations."""
        name = f"kh_{next(_names)}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / name}.db"
        return self.postgres.create_database(name)

    def new_url(self) -> str:
        """A new database with schema and taxonomy, no aanbieders."""
        if self._template is None:
            self._prepare_template()
        name = f"kh_{next(_names)}"
        if self.backend == "sqlite":
            path = self.workdir / f"{name}.db"
            shutil.copyfile(self._template, path)
            return f"sqlite:///{path}"
        return self.postgres.create_database(name, template=self._template)


def build_world(
    url: str, index_dir: Path, aanbieders: int = 0, seed: int = 7, regios: tuple[str, ...] = ()
) -> World:
    """Load demo aanbieders into the database at url (with these regions besides Twente) and build
    the index."""
    engine = make_engine(url)
    if regios:
        with session_scope(engine) as session:
            load_taxonomy(session, regios)
    if aanbieders:
        with session_scope(engine) as session:
            load_demo(session, aanbieders, seed, reference_date=clock.today())
    index = SearchIndex(index_dir, engine)
    index.rebuild()
    taxonomy = Taxonomy.load(engine)
    return World(url, engine, index_dir, index, taxonomy, SearchEngine(taxonomy))


def two_region_world(url: str, index_dir: Path, aanbieders: list) -> World:
    """Twente and Regio Nijmegen with these aanbieders only, the demo accounts (Twente) and a
    beheerder of Regio Nijmegen (beheer@nijmegen.example)."""
    from keuzehulp.services.aanbieders import create_aanbieders
    from keuzehulp.services.demo_accounts import ensure_demo_accounts
    from tests.support.accounts import add_user

    world = build_world(url, index_dir, regios=("twente", "nijmegen"))
    with session_scope(world.engine) as session:
        create_aanbieders(session, aanbieders)
        ensure_demo_accounts(session, clock.today())
    world.index.rebuild()
    add_user(world, "beheer@nijmegen.example", "beheerder", regio="nijmegen")
    return world
