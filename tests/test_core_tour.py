"""The core from a notebook (scripts/core_tour.py and its notebook, scripts/core_tour.ipynb): the script
runs as a teacher would run it, from a fresh process outside the app, and the notebook holds the same
cells (scripts/notebook.py builds it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import notebook  # noqa: E402


def test_the_tour_runs_as_a_script_and_prints_live_figures(tmp_path):
    env = {**os.environ, "TF_CORE_THREADS": "1"}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "core_tour.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "[CLS] the animal didn ' t cross the street because it was too tired . [SEP]" in out
    assert "6 layers of attention, each (1, 12, 16, 16)" in out and "every row sums to 1: True" in out
    assert "refused: dk=4097 is outside the limit [1, 4096]" in out
    line = out.split("largest softmax weight: ")[1].splitlines()[0]  # "0.960 unscaled, 0.163 scaled (uniform: 0.031)"
    unscaled, scaled = (float(x.split()[0]) for x in line.split(" unscaled, "))
    assert unscaled > 0.5 > scaled > 1 / 32  # saturated without the factor, not with it


def test_the_notebook_holds_the_scripts_cells():
    source = (ROOT / "scripts" / "core_tour.py").read_text(encoding="utf-8")
    on_disk = (ROOT / "scripts" / "core_tour.ipynb").read_text(encoding="utf-8")
    assert on_disk == notebook.render(source), "run: python scripts/notebook.py"
    nb = json.loads(on_disk)
    kinds = [c["cell_type"] for c in nb["cells"]]
    assert nb["nbformat"] == 4 and kinds.count("code") >= 5 and kinds[0] == "markdown"
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            compile("".join(c["source"]), "<cell>", "exec")
        assert all(not line.startswith("# %%") for line in c["source"])


def test_cells_split_markdown_and_code():
    text = "# %% [markdown]\n# # T\n#\n# a `b`\n\n# %%\nx = 1\n\ny = 2\n# %%\nprint(x)\n"
    assert notebook.cells(text) == [("markdown", "# T\n\na `b`"), ("code", "x = 1\n\ny = 2"), ("code", "print(x)")]
    assert notebook.notebook(text)["cells"][1]["source"] == ["x = 1\n", "\n", "y = 2"]
