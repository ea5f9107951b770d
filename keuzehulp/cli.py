"""The `keuzehulp` command: serve, migrate, seed, reindex, back up and restore, benchmark."""

from __future__ import annotations

import os
import shutil
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.config import Settings, documented_settings
from keuzehulp.db import make_engine, session_scope, upgrade

app = typer.Typer(
    help="Keuzehulp: find and compare contracted aanbieders (jeugdhulp and Wmo).\n\n"
    "Settings come from the environment: "
    + "; ".join(f"{name}: {text}" for name, text in documented_settings()),
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database schema.")
seed_app = typer.Typer(help="Taxonomy and demo data.")
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
console = Console()


def _settings() -> Settings:
    """Settings from the environment, with the clock moved when KEUZEHULP_TODAY says so."""
    settings = Settings.from_env()
    settings.apply_clock()
    return settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the site with uvicorn (with demo data: prints the demo accounts first).

    Refuses an unsafe production configuration (KEUZEHULP_ENV=production) before starting."""
    import uvicorn

    # Links in e-mails and the API point at this server unless a public address is set.
    os.environ.setdefault("KEUZEHULP_PUBLIC_URL", f"http://{host}:{port}")
    try:
        settings = Settings.from_env()
        settings.check(workers=workers)
    except ValueError as problem:
        console.print(f"[red]{problem}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    _print_demo_accounts()
    metrics_folder = _share_metrics_between_workers() if workers > 1 else None
    json_logs = settings.log_format == "json"
    if json_logs:
        from keuzehulp.web.kit.log_privacy import use_json_lines

        use_json_lines()
    try:
        uvicorn.run(
            "keuzehulp.web.asgi:app",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=False,  # the app trusts only KEUZEHULP_TRUSTED_PROXIES (see create_app)
            log_level="info",
            access_log=not json_logs,  # JSON lines log each request themselves, without the path
            log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
        )
    finally:
        if metrics_folder is not None:
            shutil.rmtree(metrics_folder, ignore_errors=True)


def _share_metrics_between_workers():
    """Give the workers one empty folder for Prometheus' multiprocess mode, so /metrics adds up every
    worker of this host: PROMETHEUS_MULTIPROC_DIR if set (emptied), else a temporary folder that is
    returned to be removed after serving."""
    import tempfile
    from pathlib import Path

    if chosen := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        folder = Path(chosen)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # left by an earlier run: their gauges would count twice
            stale.unlink()
        return None
    folder = tempfile.mkdtemp(prefix="keuzehulp-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return Path(folder)


def _print_demo_accounts() -> None:

    from sqlalchemy import inspect

    from keuzehulp.services.demo import is_demo
    from keuzehulp.services.demo_accounts import DEMO_TOTP_SECRET, ensure_demo_accounts

    settings = _settings()
    engine = make_engine(settings.database_url)
    if not inspect(engine).has_table("gebruiker"):  # not migrated yet: the app itself will say so
        return
    with session_scope(engine) as session:
        if not is_demo(session):
            return
        accounts = ensure_demo_accounts(session, clock.today())
    console.print("Demo-accounts (alleen met demo-gegevens), inloggen op /inloggen:")
    for account, purpose in accounts:
        line = f"  {account.rol}: {account.email}, wachtwoord {account.password} ({purpose})"
        console.print(line, soft_wrap=True)
    console.print(
        f"Beheerder, tweede stap: TOTP-sleutel {DEMO_TOTP_SECRET} in een authenticator-app, "
        "of `keuzehulp users code beheer@demo.keuzehulp.nl` voor de code van nu.",
        soft_wrap=True,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations."""
    settings = _settings()
    upgrade(settings.database_url)
    console.print("Database bijgewerkt.")


@seed_app.command("taxonomy")
def seed_taxonomy() -> None:
    """Load regio, gemeenten, kernen, specialisaties, doelgroepen and talen from seed/."""
    from keuzehulp.domain.taxonomy import load_taxonomy

    settings = _settings()
    with session_scope(make_engine(settings.database_url)) as session:
        load_taxonomy(session, settings.regio_slugs)
    console.print("Taxonomie geladen.")


@seed_app.command("demo")
def seed_demo(
    aanbieders: Annotated[int, typer.Option(help="Number of fictional aanbieders.")] = 400,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 1,
    if_empty: Annotated[bool, typer.Option(help="Only when there are no aanbieders yet.")] = False,
) -> None:
    """Load the taxonomy and generate demo aanbieders (fictional, marked as demo data)."""

    from keuzehulp.domain.taxonomy import load_taxonomy
    from keuzehulp.models import Aanbieder
    from keuzehulp.services.demo import is_demo, load_demo
    from keuzehulp.services.demo_accounts import ensure_demo_accounts

    settings = _settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        has_data = session.exec(select(Aanbieder.id).limit(1)).first() is not None
    if if_empty and has_data:
        console.print("Er staan al aanbieders in de database; geen nieuwe demo-aanbieders gemaakt.")
        with session_scope(engine) as session:
            if is_demo(session):
                ensure_demo_accounts(session, clock.today())
        return
    with session_scope(engine) as session:
        load_taxonomy(session, settings.regio_slugs)
        load_demo(session, aanbieders, seed)
    console.print(f"{aanbieders} demo-aanbieders aangemaakt (seed {seed}).")


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    from keuzehulp.search.index import SearchIndex

    settings = _settings()
    index = SearchIndex(settings.index_dir, make_engine(settings.database_url))
    columns = [TextColumn("Zoekindex opbouwen"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("index", total=None)
        count = index.rebuild(lambda done, total: progress.update(task, completed=done, total=total))
    console.print(f"{count} aanbieders in de zoekindex.")


@app.command()
def backup(folder: Annotated[str, typer.Argument(help="Folder to write keuzehulp.db to.")]) -> None:
    """Copy the SQLite database to FOLDER/keuzehulp.db while the site runs (SQLite's online backup).

    For PostgreSQL use pg_dump (docs/deploy.md)."""
    from pathlib import Path

    from keuzehulp.db import backup_sqlite

    settings = _settings()
    _sqlite_only(settings, "pg_dump")
    target = backup_sqlite(settings.database_url, Path(folder))
    console.print(f"Reservekopie gemaakt: {target}")


@app.command()
def restore(folder: Annotated[str, typer.Argument(help="Folder with keuzehulp.db from `backup`.")]) -> None:
    """Replace the SQLite database with FOLDER/keuzehulp.db and rebuild the search index.

    Stop the site first. For PostgreSQL use pg_restore, then `keuzehulp reindex` (docs/deploy.md)."""
    from pathlib import Path

    from keuzehulp.db import restore_sqlite
    from keuzehulp.search.index import SearchIndex

    settings = _settings()
    _sqlite_only(settings, "pg_restore")
    try:
        restore_sqlite(settings.database_url, Path(folder))
    except ValueError as problem:
        console.print(f"[red]{problem}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    engine = make_engine(settings.database_url)
    count = SearchIndex(settings.index_dir, engine).rebuild()
    engine.dispose()
    console.print(f"Database teruggezet uit {folder}; {count} aanbieders in de zoekindex.")


def _sqlite_only(settings: Settings, tool: str) -> None:
    if not settings.database_url.startswith("sqlite:///"):
        console.print(
            f"[red]Dit werkt alleen met SQLite. Gebruik voor PostgreSQL {tool} (zie docs/deploy.md).[/red]"
        )
        raise typer.Exit(2)


users_app = typer.Typer(help="Accounts for beheerders, wijkteams and aanbieders.")
app.add_typer(users_app, name="users")


@users_app.command("create")
def users_create(
    rol: Annotated[str, typer.Option(help="beheerder, wijkteam or aanbieder.")],
    email: Annotated[str, typer.Option(help="E-mail address (the login name).")],
    naam: Annotated[str, typer.Option(help="Name of the person.")] = "",
    gemeente: Annotated[list[str], typer.Option(help="CBS code of a gemeente (wijkteam; repeatable).")] = [],  # noqa: B006
    aanbieder: Annotated[str, typer.Option(help="Slug of the aanbieder (aanbieder accounts).")] = "",
    regio: Annotated[
        str,
        typer.Option(
            help="Slug of the region of a beheerder or wijkteam account, e.g. twente. Default: a wijkteam's "
            "is the region of its first gemeente, a beheerder's the first region loaded. Aanbieder "
            "accounts belong to no region."
        ),
    ] = "",
) -> None:
    """Create an account and print a one-time link to set its password (also e-mailed)."""
    from keuzehulp.domain.errors import RuleViolation
    from keuzehulp.services.accounts import account_regio, create_user, invite
    from keuzehulp.services.audit import SYSTEM

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            regio_id = account_regio(session, regio, gemeente).id if rol != "aanbieder" else None
            user = create_user(session, SYSTEM, email, rol, naam, gemeente, aanbieder or None, regio_id)
            link = invite(session, user, settings.public_url)
    except RuleViolation as problem:
        console.print(f"[red]{problem}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(f"Account aangemaakt ({rol}). Eenmalige link om een wachtwoord te kiezen (7 dagen geldig):")
    console.print(link, soft_wrap=True)


@users_app.command("code")
def users_code(email: Annotated[str, typer.Argument(help="E-mail address of a demo beheerder.")]) -> None:
    """Print the current second-step code of a demo account (demo data only)."""
    import pyotp

    from keuzehulp.models import Gebruiker
    from keuzehulp.services.demo import is_demo

    settings = _settings()
    with Session(make_engine(settings.database_url)) as session:
        user = session.exec(select(Gebruiker).where(Gebruiker.email == email.strip().lower())).first()
        if (
            not is_demo(session)
            or user is None
            or not user.totp_secret
            or not user.email.endswith("@demo.keuzehulp.nl")
        ):
            console.print("[red]Alleen voor demo-accounts met demo-gegevens.[/red]")
            raise typer.Exit(2)
        console.print(pyotp.TOTP(user.totp_secret).now())


jobs_app = typer.Typer(help="Scheduled work (call from cron or a timer).")
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("run")
def jobs_run() -> None:
    """Queue freshness and consultatie reminders (idempotent), remove old personal data, send e-mail."""

    from keuzehulp.services.jobs import run_jobs

    settings = _settings()
    report = run_jobs(make_engine(settings.database_url), settings, clock.today())
    console.print(
        f"{report.herinneringen} herinneringen over profielen en {report.consultatie_herinneringen} over "
        f"consultaties klaargezet, {report.geanonimiseerd} afgesloten aanvragen geanonimiseerd, "
        f"{report.verzonden} e-mails verstuurd, "
        f"{report.mislukt} mislukt (die worden later opnieuw geprobeerd)."
    )


export_app = typer.Typer(help="Open-data exports.")
app.add_typer(export_app, name="export")


@export_app.command("hsds")
def export_hsds(folder: Annotated[str, typer.Argument(help="Folder to write the JSON files to.")]) -> None:
    """Write the directory as HSDS 3.0 JSON (organizations, services, taxonomies, taxonomy_terms)."""
    import json
    from pathlib import Path

    from keuzehulp.domain.taxonomy import Taxonomy
    from keuzehulp.services.hsds import export

    settings = _settings()
    engine = make_engine(settings.database_url)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        bundle = export(session, Taxonomy.load(engine), clock.today())
    for name, items in bundle.items():
        (target / f"{name}.json").write_text(
            json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    console.print(
        f"{len(bundle['organizations'])} organisaties en {len(bundle['services'])} services in {target}."
    )


@export_app.command("csv")
def export_csv(file: Annotated[str, typer.Argument(help="CSV file to write.")]) -> None:
    """Write the directory as CSV: one row per aanbieder x gemeente x perceel x OB x niveau."""
    from pathlib import Path

    from keuzehulp.services.opendata import directory_csv

    settings = _settings()
    with Session(make_engine(settings.database_url)) as session:
        Path(file).write_text(directory_csv(session, clock.today()), encoding="utf-8")
    console.print(f"Geschreven: {file}")


@app.command()
def bench(
    sizes: Annotated[str, typer.Option(help="Comma-separated numbers of aanbieders.")] = "1000,10000,50000",
    queries: Annotated[int, typer.Option(help="Queries in the in-process mix.")] = 200,
    http_seconds: Annotated[float, typer.Option(help="Seconds of HTTP load per endpoint.")] = 5.0,
    workdir: Annotated[str, typer.Option(help="Folder for the generated databases.")] = "",
    two_hosts: Annotated[
        int, typer.Option(help="Aanbieders for two hosts on one PostgreSQL (0: skip that part).")
    ] = 1000,
    postgres_url: Annotated[
        str, typer.Option(help="An empty PostgreSQL database for it; default: a throwaway local server.")
    ] = "",
) -> None:
    """Measure index build time, search latency and HTTP throughput on generated data, and two
    hosts on one PostgreSQL (edits found on the other host, throughput together)."""
    from keuzehulp.bench import run_benchmarks

    folder = run_benchmarks(
        [int(s) for s in sizes.split(",") if s.strip()],
        queries=queries,
        http_seconds=http_seconds,
        workdir=workdir or None,
        console=console,
    )
    if two_hosts:
        from keuzehulp.bench_hosts import bench_two_hosts, print_two_hosts

        print_two_hosts(bench_two_hosts(two_hosts, http_seconds, folder, console, postgres_url), console)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
