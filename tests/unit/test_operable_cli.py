"""`keuzehulp backup` and `restore` (SQLite's online backup); `serve` refusing unsafe production
settings before it starts, and adding up the metrics of its workers."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from sqlmodel import Session, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from keuzehulp.cli import app as cli
from keuzehulp.db import session_scope
from keuzehulp.domain.changelog import record_change
from keuzehulp.models import Aanbieder
from keuzehulp.web.app import create_app
from tests.support.world import DatabaseFactory, build_world


def test_terugzetten_van_een_reservekopie_geeft_de_oude_zoekresultaten(tmp_path, monkeypatch):
    world = build_world(DatabaseFactory("sqlite", tmp_path).new_url(), tmp_path / "index", aanbieders=12)
    monkeypatch.setenv("KEUZEHULP_DATABASE_URL", world.url)
    monkeypatch.setenv("KEUZEHULP_INDEX_DIR", str(world.index_dir))
    with Session(world.engine) as session:
        aanbieder = session.exec(select(Aanbieder).where(Aanbieder.status == "actief")).first()
    runner = CliRunner()
    made = runner.invoke(cli, ["backup", str(tmp_path / "kopie")])
    assert made.exit_code == 0 and "Reservekopie gemaakt" in made.output
    with session_scope(world.engine) as session:  # a change after the backup
        session.get(Aanbieder, aanbieder.id).naam = "Verdwenen Zorgnaam"
        record_change(session, aanbieder.id, "test")
    world.index.sync()

    restored = runner.invoke(cli, ["restore", str(tmp_path / "kopie")])
    assert restored.exit_code == 0 and "Database teruggezet" in restored.output, restored.output
    app = create_app(world.settings(), engine=world.engine)
    with TestClient(app) as client:
        assert aanbieder.slug in client.get("/api/v1/aanbieders", params={"q": aanbieder.naam}).text
        assert aanbieder.slug not in client.get("/api/v1/aanbieders", params={"q": "Verdwenen"}).text
    world.engine.dispose()


def test_beschadigde_reservekopie_wordt_niet_teruggezet(tmp_path, monkeypatch):
    database = tmp_path / "live.db"
    database.write_bytes(b"")
    (tmp_path / "kopie").mkdir()
    (tmp_path / "kopie" / "keuzehulp.db").write_bytes(b"dit is geen database" * 100)
    monkeypatch.setenv("KEUZEHULP_DATABASE_URL", f"sqlite:///{database}")
    refused = CliRunner().invoke(cli, ["restore", str(tmp_path / "kopie")])
    assert refused.exit_code == 2 and "beschadigd" in refused.output
    assert database.read_bytes() == b""
    missing = CliRunner().invoke(cli, ["restore", str(tmp_path / "leeg")])
    assert missing.exit_code == 2 and "Geen reservekopie" in missing.output


def test_postgresql_verwijst_naar_pg_dump(monkeypatch, tmp_path):
    monkeypatch.setenv("KEUZEHULP_DATABASE_URL", "postgresql+psycopg://kh@127.0.0.1:1/kh")
    refused = CliRunner().invoke(cli, ["backup", str(tmp_path)])
    assert refused.exit_code == 2 and "pg_dump" in refused.output


def test_serve_weigert_onveilige_productie_voor_de_start(monkeypatch, tmp_path):
    monkeypatch.setenv("KEUZEHULP_ENV", "production")
    monkeypatch.setenv("KEUZEHULP_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("KEUZEHULP_PUBLIC_URL", "https://keuzehulp.example")
    monkeypatch.setenv("KEUZEHULP_DATABASE_URL", f"sqlite:///{tmp_path / 'kh.db'}")
    monkeypatch.setattr(
        "uvicorn.run", lambda *args, **kwargs: (_ for _ in ()).throw(AssertionError("started"))
    )
    refused = CliRunner().invoke(cli, ["serve", "--workers", "3"])
    assert refused.exit_code == 2 and "SQLite-database kan niet met 3 workers" in refused.output
    monkeypatch.setenv("KEUZEHULP_PUBLIC_URL", "http://keuzehulp.example")
    refused = CliRunner().invoke(cli, ["serve"])
    assert refused.exit_code == 2 and "KEUZEHULP_PUBLIC_URL moet met https://" in refused.output


def test_serve_met_workers_deelt_een_lege_metrics_map_en_ruimt_die_op(monkeypatch, tmp_path):
    seen = {}

    def run(target, **options):
        folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        seen.update(options, folder=folder, files=sorted(os.listdir(folder)))

    monkeypatch.setattr("uvicorn.run", run)
    monkeypatch.setenv("KEUZEHULP_DATABASE_URL", f"sqlite:///{tmp_path / 'kh.db'}")
    monkeypatch.setenv("KEUZEHULP_PUBLIC_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.setenv("KEUZEHULP_LOG_FORMAT", "text")
    assert CliRunner().invoke(cli, ["serve", "--workers", "2"]).exit_code == 0
    assert seen["workers"] == 2 and seen["files"] == [] and seen["access_log"] is True
    assert not os.path.exists(seen["folder"])  # the temporary folder is gone after serving

    chosen = tmp_path / "metrics"
    chosen.mkdir()
    (chosen / "counter_123.db").write_bytes(b"old run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(chosen))
    assert CliRunner().invoke(cli, ["serve", "--workers", "2"]).exit_code == 0
    assert seen["folder"] == str(chosen) and seen["files"] == [] and chosen.is_dir()


def test_metrics_tellen_de_verzoeken_van_alle_workers_op(tmp_path, monkeypatch):
    """Multiprocess mode: /metrics in one process adds up what two other worker processes counted."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    worker = (
        "from keuzehulp.web.ops.metrics import REQUEST_SECONDS\n"
        "REQUEST_SECONDS.labels('/zoeken', 'GET', '200').observe(0.002)"
    )
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(shared)}
    workers = [subprocess.Popen([sys.executable, "-c", worker], env=env) for _ in range(2)]
    assert [process.wait(timeout=60) for process in workers] == [0, 0]
    world = build_world(DatabaseFactory("sqlite", tmp_path).new_url(), tmp_path / "index")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    with TestClient(create_app(world.settings(), engine=world.engine), client=("127.0.0.1", 1)) as client:
        text = client.get("/metrics").text
    world.engine.dispose()
    counted = re.search(r'_count\{method="GET",route="/zoeken",status="200"\} (\S+)', text)
    assert float(counted.group(1)) == 2  # one request in each worker
    assert "keuzehulp_index_lag_seconds" in text  # the site's figures beside the workers' ones
