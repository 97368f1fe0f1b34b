"""A Jupyter notebook from a Python file of cells, so that the notebook and the script cannot drift apart.

    python scripts/notebook.py [scripts/core_tour.py] [--check]

The source marks its cells the way Jupytext's "percent" format and most editors do: a line ``# %%`` starts
a code cell, ``# %% [markdown]`` a Markdown cell whose lines are comments (``# `` is taken off). The
notebook is written beside it with the same name (``.ipynb``), nbformat 4, no outputs. ``--check`` writes
nothing and exits 1 when the notebook on disk is not what the source gives (the tests run it).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scripts" / "core_tour.py"


def cells(source: str) -> list[tuple[str, str]]:
    """(kind, text) of every cell, kind "code" or "markdown"; text without the marker line and without
    blank lines at either end.

        >>> cells("# %% [markdown]\\n# # Title\\n#\\n# Text\\n\\n# %%\\nx = 1\\n")
        [('markdown', '# Title\\n\\nText'), ('code', 'x = 1')]
    """
    out: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        if line.startswith("# %%"):
            out.append(("markdown" if "[markdown]" in line else "code", []))
        elif out:
            kind, lines = out[-1]
            if kind == "markdown":
                line = line[2:] if line.startswith("# ") else line.lstrip("#")
            lines.append(line)
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in out]


def notebook(source: str) -> dict:
    """The nbformat 4 notebook of ``source``'s cells (no outputs, no execution counts)."""
    def cell(kind: str, text: str) -> dict:
        lines = text.split("\n")
        body = {"cell_type": kind, "metadata": {}, "source": [f"{s}\n" for s in lines[:-1]] + lines[-1:]}
        return {**body, "execution_count": None, "outputs": []} if kind == "code" else body

    return {
        "cells": [cell(kind, text) for kind, text in cells(source)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 4,
    }


def render(source: str) -> str:
    return json.dumps(notebook(source), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--check", action="store_true", help="exit 1 if the notebook differs from its source")
    args = ap.parse_args()
    target = args.source.with_suffix(".ipynb")
    text = render(args.source.read_text(encoding="utf-8"))
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print(f"{target}: {'up to date' if same else 'differs from its source: run python scripts/notebook.py'}")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
