"""Clear Jupyter Book's execution cache when anything a chapter depends on, other than its own code, changed.

jupyter-cache keys a notebook on its code cells only, so a change in ``src/``, in the data registry or in the
lock file would otherwise be served from a stale cache. The key is the sha256 of those files' contents; when it
differs from the one stored beside the cache, the cache folder and Sphinx's doctrees are removed and the build
re-reads and re-executes everything.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
KEY_FILE = ROOT / "_build" / ".jupyter_cache.key"
# Sphinx re-reads only the sources whose files changed; a chapter whose .ipynb did not change would keep
# its old HTML although the library behind it did. Removing the doctrees makes Sphinx re-read everything.
DOCTREES = ROOT / "_build" / ".doctrees"


def inputs() -> list[Path]:
    files = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "src").rglob("*.c"))
    files += [
        ROOT / "src" / "scalinglaws" / "data" / "registry.yaml",
        ROOT / "requirements.lock",
        ROOT / "pyproject.toml",
    ]
    files += [ROOT / "setup.py"] + sorted((ROOT / "chapters").glob("*.params.yaml"))
    return [f for f in files if f.is_file()]


def key() -> str:
    digest = hashlib.sha256()
    for f in inputs():
        digest.update(str(f.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(f.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def main() -> int:
    new = key()
    old = KEY_FILE.read_text().strip() if KEY_FILE.is_file() else ""
    if new != old:
        cleared = [d for d in (CACHE, DOCTREES) if d.exists()]
        for d in cleared:
            shutil.rmtree(d)
        if cleared:
            print("Library, data registry or lock changed: execution cache and doctrees cleared.")
        KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        KEY_FILE.write_text(new + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
