"""The `keuzehulp` command: serve, migrate, seed, reindex, benchmark."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import Session, select

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


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the site with uvicorn."""
    import uvicorn

    uvicorn.run(
        "keuzehulp.web.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_level="info"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations."""
    settings = Settings.from_env()
    upgrade(settings.database_url)
    console.print("Database bijgewerkt.")


@seed_app.command("taxonomy")
def seed_taxonomy() -> None:
    """Load regio, gemeenten, kernen, specialisaties, doelgroepen and talen from seed/."""
    from keuzehulp.services.taxonomy import load_taxonomy

    settings = Settings.from_env()
    with session_scope(make_engine(settings.database_url)) as session:
        load_taxonomy(session)
    console.print("Taxonomie geladen.")


@seed_app.command("demo")
def seed_demo(
    aanbieders: Annotated[int, typer.Option(help="Number of fictional aanbieders.")] = 400,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 1,
    if_empty: Annotated[bool, typer.Option(help="Only when there are no aanbieders yet.")] = False,
) -> None:
    """Load the taxonomy and generate demo aanbieders (fictional, marked as demo data)."""
    from keuzehulp.models import Aanbieder
    from keuzehulp.services.demo import load_demo
    from keuzehulp.services.taxonomy import load_taxonomy

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        has_data = session.exec(select(Aanbieder.id).limit(1)).first() is not None
    if if_empty and has_data:
        console.print("Er staan al aanbieders in de database; niets gedaan.")
        return
    with session_scope(engine) as session:
        load_taxonomy(session)
        load_demo(session, aanbieders, seed)
    console.print(f"{aanbieders} demo-aanbieders aangemaakt (seed {seed}).")


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    from keuzehulp.search.index import SearchIndex

    settings = Settings.from_env()
    index = SearchIndex(settings.index_dir, make_engine(settings.database_url))
    columns = [TextColumn("Zoekindex opbouwen"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("index", total=None)
        count = index.rebuild(lambda done, total: progress.update(task, completed=done, total=total))
    console.print(f"{count} aanbieders in de zoekindex.")


export_app = typer.Typer(help="Open-data exports.")
app.add_typer(export_app, name="export")


@export_app.command("hsds")
def export_hsds(folder: Annotated[str, typer.Argument(help="Folder to write the JSON files to.")]) -> None:
    """Write the directory as HSDS 3.0 JSON (organizations, services, taxonomies, taxonomy_terms)."""
    import json
    from datetime import date
    from pathlib import Path

    from keuzehulp.services.hsds import export
    from keuzehulp.services.taxonomy import Taxonomy

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        bundle = export(session, Taxonomy.load(engine), date.today())
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
    from datetime import date
    from pathlib import Path

    from keuzehulp.services.opendata import directory_csv

    settings = Settings.from_env()
    with Session(make_engine(settings.database_url)) as session:
        Path(file).write_text(directory_csv(session, date.today()), encoding="utf-8")
    console.print(f"Geschreven: {file}")


@app.command()
def bench(
    sizes: Annotated[str, typer.Option(help="Comma-separated numbers of aanbieders.")] = "1000,10000,50000",
    queries: Annotated[int, typer.Option(help="Queries in the in-process mix.")] = 200,
    http_seconds: Annotated[float, typer.Option(help="Seconds of HTTP load per endpoint.")] = 5.0,
    workdir: Annotated[str, typer.Option(help="Folder for the generated databases.")] = "",
) -> None:
    """Measure index build time, search latency and HTTP throughput on generated data."""
    from keuzehulp.bench import run_benchmarks

    run_benchmarks(
        [int(s) for s in sizes.split(",") if s.strip()],
        queries=queries,
        http_seconds=http_seconds,
        workdir=workdir or None,
        console=console,
    )


def main() -> None:  # pragma: no cover - console entry point
    """Entry point."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
