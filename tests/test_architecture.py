"""The package's layers and the direction of imports between them (CONTRIBUTING.md, "Architecture").

    core      laws, allocation, compute, pass@k, validation, errors       imports nothing else
    fitting   power laws, isoFLOP, Approach 3 + engines, bootstrap, tests  core
    data      registry and loaders                                         core
    analyses  the research results the chapters present                    core, fitting, data
    book      formatting and glue, charts, figures, chapter runner        core, fitting, data, analyses
    cli       the command line (scalinglaws ...)                           everything

Every import of a ``scalinglaws`` module, at module level or inside a function, is checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scalinglaws

PKG = Path(scalinglaws.__file__).resolve().parent
ALLOWED = {
    "core": {"core"},
    "fitting": {"core", "fitting"},
    "data": {"core", "data"},
    "analyses": {"core", "fitting", "data", "analyses"},
    "book": {"core", "fitting", "data", "analyses", "book"},
    "cli": {"core", "fitting", "data", "analyses", "book", "cli"},
}
TOP_LEVEL = {"__init__", "__main__", "cli"}


def _layer(module: str) -> str:
    """Layer of a dotted module name below ``scalinglaws``."""
    parts = module.split(".")
    assert parts[0] == "scalinglaws", module
    if len(parts) == 1:
        return "top"
    return "cli" if parts[1] in ("cli", "__main__") else parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every scalinglaws import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("scalinglaws")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if not name.startswith("scalinglaws"):
                continue
            if name == "scalinglaws":  # from scalinglaws import x: x is a sub-package or module
                out += [(node.lineno, f"scalinglaws.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, name))
    return out


MODULES = sorted(PKG.rglob("*.py"))


def test_layers_are_sub_packages():
    top = {p.stem for p in PKG.glob("*.py")}
    assert top == TOP_LEVEL, f"modules outside the layers: {sorted(top - TOP_LEVEL)}"
    for layer in ALLOWED:
        if layer != "cli":
            assert (PKG / layer / "__init__.py").is_file(), f"missing layer package {layer}/"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_point_down(path):
    own = _layer(_module_name(path))
    if own == "top":  # scalinglaws/__init__.py: the version and the package docstring only
        assert not _imports(path), "the package's __init__ must not import its layers"
        return
    bad = [
        f"line {line}: {name} (layer {_layer(name)})"
        for line, name in _imports(path)
        if _layer(name) not in ALLOWED[own]
    ]
    assert not bad, f"{own} module imports a higher layer:\n" + "\n".join(bad)


def test_the_checker_catches_an_upward_import(tmp_path, monkeypatch):
    """The rule itself can fail: a core module importing the book layer is reported."""
    fake = PKG / "core" / "laws.py"
    text = "from scalinglaws.book import charts\nfrom ..analyses import slowdown\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: text)
    names = [n for _, n in _imports(fake)]
    assert names == ["scalinglaws.book", "scalinglaws.analyses"]
    assert {_layer(n) for n in names} - ALLOWED["core"] == {"book", "analyses"}
