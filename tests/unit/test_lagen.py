"""Dependencies point one way: web -> services -> queries -> search -> domain -> models -> the base
modules. A module may import its own layer and the layers below it, never one above. Handlers hold
no SQL: they read through `queries/` and write through `services/` (and commit the request's one
transaction)."""

from __future__ import annotations

import ast
from pathlib import Path

import keuzehulp

PACKAGE = Path(keuzehulp.__file__).parent
LAYERS = {  # top-level module or package -> its height; higher layers may import lower ones
    "clock": 0,
    "i18n": 0,
    "config": 0,
    "db": 0,
    "serving": 0,
    "temp_postgres": 0,
    "models": 1,
    "domain": 2,
    "search": 3,
    "queries": 4,
    "services": 5,
    "web": 6,
    "cli": 7,
    "bench": 7,
    "bench_hosts": 7,
    "i18n_extract": 7,
    "migrations": 7,
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "keuzehulp")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("keuzehulp.")}


def upward_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts)
        own = _layer(module)
        if own == "__init__":
            continue
        for imported in _imports(path):
            other = _layer(imported)
            if other != own and LAYERS[other] > LAYERS[own]:
                found.append(f"{module} -> {imported}")
    return found


SQL_NAMES = {"select", "update", "delete", "insert", "func", "text", "or_", "and_"}
STATEMENT_CALLS = {"exec", "execute", "exec_driver_sql"}


def sql_in_web(package: Path = PACKAGE) -> list[str]:
    """Places under web/ that build SQL or run a statement themselves."""
    found = []
    for path in sorted((package / "web").rglob("*.py")):
        name = path.relative_to(package.parent).with_suffix("").as_posix().replace("/", ".")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "sqlmodel",
                "sqlalchemy",
            ):
                found += [f"{name}:{node.lineno} {a.name}" for a in node.names if a.name in SQL_NAMES]
            elif isinstance(node, ast.Attribute) and node.attr in STATEMENT_CALLS:
                found.append(f"{name}:{node.lineno} .{node.attr}()")
    return found


WEB_AUDIENCES = {"public", "api", "ops", "account", "wijkteam", "aanbieder", "beheer"}
WEB_PARTS = {"kit": 0, "shared": 1, **{name: 2 for name in WEB_AUDIENCES}}  # the rest of web/ wires it


def _web_part(module: str) -> str | None:
    """'kit', 'shared', an audience, or None (the app factory, error pages, background loops)."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "web" and parts[2] in WEB_PARTS else None


def _crosses(own: str, imported: str) -> bool:
    if not imported.startswith("keuzehulp.web."):
        return False
    other = _web_part(imported)
    if other is None:  # the wiring above every part
        return True
    return other != own and WEB_PARTS[other] >= WEB_PARTS[own]


def crossings_in_web(package: Path = PACKAGE) -> list[str]:
    """Imports inside web/ that go up (kit -> shared -> audiences) or from one audience to another."""
    found = []
    for path in sorted((package / "web").rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        own = _web_part(module)
        if own is None:
            continue
        found += [f"{module} -> {imported}" for imported in sorted(_imports(path)) if _crosses(own, imported)]
    return found


def test_elke_module_hoort_bij_een_laag():
    tops = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()}
    tops -= {"__init__", "__pycache__", "locale"}
    assert tops <= set(LAYERS), f"modules zonder laag: {sorted(tops - set(LAYERS))}"


def test_geen_module_importeert_een_laag_hoger():
    assert upward_imports() == []


def test_de_controle_ziet_een_import_naar_boven(tmp_path, monkeypatch):
    """The check itself can fail: a module in search importing services is reported."""
    (tmp_path / "keuzehulp" / "search").mkdir(parents=True)
    (tmp_path / "keuzehulp" / "search" / "fout.py").write_text("from keuzehulp.services import demo\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "keuzehulp")
    assert upward_imports() == ["keuzehulp.search.fout -> keuzehulp.services"]


def test_handlers_bevatten_geen_sql():
    assert sql_in_web() == []


def test_de_controle_ziet_sql_in_een_handler(tmp_path):
    """The check itself can fail: a select() and a session.exec() in web/ are both reported."""
    (tmp_path / "keuzehulp" / "web").mkdir(parents=True)
    code = "from sqlmodel import select\n\ndef page(db):\n    return db.exec(select(1)).one()\n"
    (tmp_path / "keuzehulp" / "web" / "fout.py").write_text(code)
    assert sql_in_web(tmp_path / "keuzehulp") == [
        "keuzehulp.web.fout:1 select",
        "keuzehulp.web.fout:4 .exec()",
    ]


def test_web_is_per_publiek_en_de_gedeelde_delen_kennen_geen_publiek():
    assert crossings_in_web() == []


def test_de_controle_ziet_een_publiek_dat_een_ander_importeert(tmp_path):
    for part in ("beheer", "kit"):
        (tmp_path / "keuzehulp" / "web" / part).mkdir(parents=True)
    (tmp_path / "keuzehulp" / "web" / "beheer" / "fout.py").write_text(
        "from keuzehulp.web.aanbieder import x\n"
    )
    (tmp_path / "keuzehulp" / "web" / "kit" / "ook.py").write_text("from keuzehulp.web.shared.y import z\n")
    assert crossings_in_web(tmp_path / "keuzehulp") == [
        "keuzehulp.web.beheer.fout -> keuzehulp.web.aanbieder",
        "keuzehulp.web.kit.ook -> keuzehulp.web.shared.y",
    ]
