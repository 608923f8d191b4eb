"""Author a chapter in MyST Markdown (jupytext format), then convert it to the committed ``.ipynb``.

Usage::

    python tools/md2ipynb.py /tmp/draft.md chapters/04_chinchilla.ipynb
    python tools/execute_notebooks.py chapters/04_chinchilla.ipynb

The draft is a jupytext MyST notebook: code cells are ``{code-cell} ipython3`` blocks, the parameters cell
carries ``:tags: [parameters]``. Only the ``.ipynb`` is committed (an ``X.md`` beside ``X.ipynb`` breaks the
build), so keep drafts outside ``chapters/``. Outputs are then produced by ``execute_notebooks.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: md2ipynb.py DRAFT.md OUT.ipynb", file=sys.stderr)
        return 2
    src, out = Path(argv[0]), Path(argv[1])
    nb = jupytext.read(src, fmt="md:myst")
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
    nbformat.validate(nb)
    out.write_text(nbformat.writes(nb) + "\n")
    print(f"wrote {out} ({len(nb.cells)} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
