"""Engine and session helpers, and schema migration through Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

SQLITE_BUSY_MS = 10_000  # how long a write waits for SQLite's one writer before it fails (then: 503)
LOCK_WAIT_MS = 10_000  # the same for a row or table lock on PostgreSQL
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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
