"""tf_core.models.weights: a model built on the meta device skips initialisation (and with it the
first import of torch._dynamo, ~2.6 s of a cold process) and still loads every weight exactly."""
import platform
import subprocess
import sys
from pathlib import Path

import torch
from torch import nn

from tf_core.models.weights import _SkipInit, build_on_meta, release_free_memory

ROOT = Path(__file__).resolve().parents[2]


def test_a_built_model_holds_the_given_weights_exactly():
    make = lambda: nn.Sequential(nn.Embedding(7, 4), nn.LayerNorm(4), nn.Linear(4, 3))  # noqa: E731
    state = {k: torch.randn_like(v, device="cpu") for k, v in make().state_dict().items()}
    model = build_on_meta(make, state)
    assert not model.training
    for name, tensor in model.state_dict().items():
        assert not tensor.is_meta and torch.equal(tensor, state[name]), name


def test_initialisation_is_skipped_on_meta_tensors_only():
    real = torch.zeros(3)
    with _SkipInit():
        nn.init.normal_(real)  # a real tensor is initialised as usual
        meta = nn.init.normal_(torch.empty(3, device="meta"))
    assert real.abs().sum() > 0 and meta.is_meta


def test_loading_a_model_does_not_import_dynamo():
    code = ("import sys, torch; from tf_core.models import checkpoints; checkpoints.load_position_lm('relative'); "
            "print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_releasing_free_memory_keeps_live_tensors():
    """glibc's malloc_trim where the C library is glibc (Linux here); elsewhere nothing is done."""
    keep = torch.arange(1_000_000, dtype=torch.float32)
    garbage = [torch.ones(100_000) for _ in range(50)]  # freed below: holes in the heap
    del garbage
    assert release_free_memory() is (platform.libc_ver()[0] == "glibc")
    assert torch.equal(keep, torch.arange(1_000_000, dtype=torch.float32))
