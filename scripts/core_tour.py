# %% [markdown]
# # The core without the app: `tf_core` from Python
#
# Everything the app draws is computed by `tf_core`, a package with no Streamlit in it. This tour uses it
# directly: it loads a real pretrained encoder, reads its attention weights, runs one lesson's experiment
# and meets the caps the app enforces. Run it as a script from the project's root,
#
#     .venv/bin/python scripts/core_tour.py
#
# or open `scripts/core_tour.ipynb` in Jupyter (the same cells; `python scripts/notebook.py` rebuilds it
# from this file). It needs the app's install (`bash scripts/install.sh`), nothing more; Jupyter itself is
# yours to install.

# %%
import sys
from pathlib import Path

# the project's root: this file's folder or one above it (a notebook runs in scripts/, a script anywhere)
_here = Path(globals().get("__file__", Path.cwd() / "core_tour.ipynb")).resolve().parent
ROOT = next(p for p in (_here, *_here.parents) if (p / "tf_core").is_dir())
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from tf_core import limits  # noqa: E402
from tf_core.device import describe  # noqa: E402

info = describe()
print(f"computing on {info.type}, {info.threads} torch threads, torch {torch.__version__}")

# %% [markdown]
# ## 1. A real encoder's attention
#
# `tf_core.models.registry.load` returns the pretrained encoder with its own tokenizer (MiniLM here:
# sentence-transformers/all-MiniLM-L6-v2, 6 layers of 12 heads). `run` gives every layer's hidden states
# and attention weights, `(batch, heads, tokens, tokens)`, row i being where token i looks.

# %%
from tf_core.models import registry  # noqa: E402

encoder = registry.load("minilm")
sentence = "The animal didn't cross the street because it was too tired."
tokens = encoder.tokenize(sentence, max_tokens=limits.ENCODER_TOKENS)
out = encoder.run(tokens)
print(len(tokens), "tokens:", " ".join(tokens.pieces))
print(len(out.attentions), "layers of attention, each", tuple(out.attentions[0].shape))

it = tokens.pieces.index("it")
last = out.attentions[-1][0]  # (H, T, T): the last layer
for head in range(3):
    top = torch.topk(last[head, it], k=3)
    looks = ", ".join(f"{tokens.pieces[j]} {w:.2f}" for w, j in zip(top.values.tolist(), top.indices.tolist()))
    print(f"last layer, head {head}: 'it' looks at {looks}")
print("every row sums to 1:", bool(torch.allclose(last.sum(-1), torch.ones(()), atol=1e-5)))

# %% [markdown]
# ## 2. A lesson's experiment: why divide by √d_k
#
# Each lesson's experiment is one function in `tf_core/lab/`, returning a frozen dataclass of NumPy arrays:
# the numbers its page shows. `scaling.run` draws unit-variance q and k, and measures the softmax of
# n scores with and without the 1/√d_k factor at every d_k up to 4096.

# %%
from tf_core.lab import scaling  # noqa: E402

r = scaling.run(dk=512, n=32, seed=0)
print(f"d_k = {r.dk}, n = {r.n}: Var(q·k) sampled {r.at_var_raw:.1f} (theory {r.at_var_theory:.0f}), "
      f"{r.at_var_scaled:.3f} after dividing by √d_k")
print(f"largest softmax weight: {r.at_raw.pmax:.3f} unscaled, {r.at_scaled.pmax:.3f} scaled (uniform: {1 / r.n:.3f})")
for dk, raw, scaled in zip(r.dk_grid[::3], r.pmax_raw[::3], r.pmax_scaled[::3]):
    print(f"  d_k = {int(dk):5d}: largest weight {raw:.3f} unscaled, {scaled:.3f} scaled")

# %% [markdown]
# ## 3. The app's caps hold here too
#
# Every argument is checked against `tf_core/limits/`: a notebook gets the limits the app shows beside
# its controls, and a clear error past them.

# %%
print("d_k is capped at", limits.SCALING_DK.hi, "and n at", limits.SCALING_N.hi)
try:
    scaling.run(dk=limits.SCALING_DK.hi + 1, n=32, seed=0)
except ValueError as exc:
    print("refused:", exc)

# %% [markdown]
# ## 4. Drawing it
#
# In Jupyter an Altair chart shows itself when it is a cell's last value (Altair is part of the app's
# install). Run as a script, the chart is built and not shown.

# %%
import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402

curves = pd.DataFrame({"d_k": list(r.dk_grid) * 2, "largest weight": [*r.pmax_raw, *r.pmax_scaled],
                       "scores": ["q·k"] * len(r.dk_grid) + ["q·k / √d_k"] * len(r.dk_grid)})
chart = alt.Chart(curves).mark_line(point=True).encode(
    x=alt.X("d_k:Q", scale=alt.Scale(type="log", base=2)), y="largest weight:Q", color="scores:N")
chart
