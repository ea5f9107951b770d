"""A third region needs no code change: a fictional one, written only as data
(tests/support/regio/voorbeeld/), is loaded, gets demo data and is searched, in a process that
reads its regions from another folder (KEUZEHULP_REGIO_DIR)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from keuzehulp.config import PROJECT_ROOT, REGIO_DIR

FICTIONAL = Path(__file__).resolve().parent.parent / "support" / "regio" / "voorbeeld"

SCRIPT = """
import json, sys
from pathlib import Path
from sqlmodel import Session
from starlette.testclient import TestClient
from keuzehulp import clock
from keuzehulp.db import upgrade
from keuzehulp.search.filters import SearchRequest
from keuzehulp.web.app import create_app
from tests.support.sql_reference import sql_count
from tests.support.world import build_world

work = Path(sys.argv[1])
url = f"sqlite:///{work / 'k.db'}"
upgrade(url)
world = build_world(url, work / "index", aanbieders=40, seed=5, regios=("voorbeeld",))
out = {}
with TestClient(create_app(world.settings(), engine=world.engine)) as client:
    facets = client.get("/api/v1/aanbieders", params={"gemeente": "westerzand"}).json()["facets"]
    out["ob"] = sorted(o["value"] for o in facets["ob"])
    out["niveau"] = sorted(o["value"] for o in facets["niveau"])
    params = {"gemeente": "westerzand", "ob": "gezinscoaching", "niveau": "intensief", "per_page": 100}
    out["found"] = client.get("/api/v1/aanbieders", params=params).json()["total"]
    page = client.get("/zoeken", params={"gemeente": "westerzand", "ob": "gezinscoaching"})
    out["page"] = [page.status_code, "Hulp voor het hele gezin" in page.text]
    out["page"].append("Wijkteam Westerzand" in page.text)
    wrong = client.get("/zoeken", params={"gemeente": "oosterveen", "dakje": "1"})
    out["dakje"] = [wrong.status_code, "In Regio Voorbeeld (fictief) kunt u niet zoeken op" in wrong.text]
    twents = client.get("/api/v1/aanbieders", params={"gemeente": "westerzand", "ob": "2"})
    out["twents_ob"] = twents.status_code
with Session(world.engine) as session:
    request = SearchRequest(gemeente="GM9901", ob="gezinscoaching", niveau="intensief")
    out["expected"] = sql_count(session, request, clock.today())
print(json.dumps(out))
"""


def test_een_verzonnen_derde_regio_is_alleen_data_en_is_te_doorzoeken(tmp_path):
    regio_dir = tmp_path / "regio"
    shutil.copytree(REGIO_DIR, regio_dir)  # Twente's model is the code's first model
    shutil.copytree(FICTIONAL, regio_dir / "voorbeeld")
    env = os.environ | {"KEUZEHULP_REGIO_DIR": str(regio_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["ob"] == ["gezinscoaching", "jeugd-ggz-kort"] and out["niveau"] == ["intensief", "licht"]
    assert out["found"] == out["expected"] > 0
    assert out["page"] == [200, True, True]
    assert out["dakje"] == [400, True]
    assert out["twents_ob"] == 400
