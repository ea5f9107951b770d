"""Dependencies point one way: web -> services -> queries -> search -> domain -> models -> the base
modules. A module may import its own layer and the layers below it, never one above."""

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
