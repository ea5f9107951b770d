"""Engine and session helpers, the write check of /readyz, and schema migration through Alembic."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

SQLITE_BUSY_MS = 10_000  # how long a write waits for SQLite's one writer before it fails (then: 503)
LOCK_WAIT_MS = 10_000  # the same for a row or table lock on PostgreSQL
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BACKUP_NAME = "keuzehulp.db"


def _ensure_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def make_engine(database_url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys and a busy timeout, its folder is created."""
    _ensure_sqlite_folder(database_url)
    if database_url.startswith("sqlite:///"):
        engine = create_engine(
            database_url, connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # A lock held by another transaction is waited for this long, then the request gets a 503.
    options = f"-c lock_timeout={LOCK_WAIT_MS}"
    return create_engine(database_url, pool_pre_ping=True, connect_args={"options": options})


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(database_url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the schema to the newest migration."""
    _ensure_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), "head")


def _sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def backup_sqlite(database_url: str, folder: Path) -> Path:
    """Copy a SQLite database to folder/keuzehulp.db with SQLite's online backup (a consistent copy
    while the site keeps reading and writing); the old copy is replaced only once the new one is whole."""
    folder.mkdir(parents=True, exist_ok=True)
    target, partial = folder / BACKUP_NAME, folder / f"{BACKUP_NAME}.partial"
    partial.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(_sqlite_path(database_url))) as source,
        closing(sqlite3.connect(partial)) as copy,
    ):
        source.backup(copy)
    os.replace(partial, target)
    return target


def restore_sqlite(database_url: str, folder: Path) -> None:
    """Replace a SQLite database with folder/keuzehulp.db (checked whole first); the site must be stopped."""
    backup = folder / BACKUP_NAME
    if not backup.is_file():
        raise ValueError(f"Geen reservekopie gevonden: {backup} bestaat niet.")
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source:
        try:
            whole = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            whole = False
        if not whole:
            raise ValueError(f"{backup} is beschadigd of geen SQLite-database; er is niets teruggezet.")
        _ensure_sqlite_folder(database_url)
        with closing(sqlite3.connect(_sqlite_path(database_url))) as live:
            source.backup(live)


def accepts_writes(engine: Engine) -> bool:
    """Whether a small write goes through within a second (it is rolled back: nothing is kept)."""
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            try:
                wait = "PRAGMA busy_timeout=1000" if sqlite else "SET LOCAL lock_timeout = '1s'"
                connection.exec_driver_sql(wait)
                connection.execute(
                    text("INSERT INTO sitemeta (key, value) VALUES (:key, '')"),
                    {"key": f"readyz-{secrets.token_hex(4)}"},
                )
            finally:
                connection.rollback()
                if sqlite:  # the connection goes back to the pool with the usual wait
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        return True
    except Exception:
        return False
