"""The project's own trained models as shipped: assets/models/<name>/ holds model.safetensors
(float32, our parameter names), config.json (the architecture, with its vocabularies, and how it
was trained) and metrics.json. ``python -m tf_core.train gpt|seq2seq`` writes them (tf_core/train.py);
this module reads them back, every tensor name and shape checked. ``python -m tf_core.train positions``
writes assets/models/positions/<kind>/ (the same three files) and positions/validation.txt."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from torch import nn

from tf_core.models.catalog import ModelUnavailable
from tf_core.models.seq2seq import Seq2Seq, Seq2SeqConfig
from tf_core.models.tiny_gpt import GPTConfig, TinyGPT
from tf_core.models.vocab import Vocab
from tf_core.models.weights import build_on_meta

MODELS_DIR = Path(__file__).resolve().parents[2] / "assets" / "models"
GPT_DIR = MODELS_DIR / "tiny-gpt"
SEQ2SEQ_DIR = MODELS_DIR / "seq2seq-numbers"
POSITIONS_DIR = MODELS_DIR / "positions"  # one folder per position kind, and the held-out text beside them
POSITIONS_VALIDATION = "validation.txt"
FILES = ("model.safetensors", "config.json", "metrics.json")


def config_to_json(cfg: GPTConfig | Seq2SeqConfig) -> dict:
    """The config as config.json stores it: vocabularies as lists of tokens."""
    return {f.name: (list(v.tokens) if isinstance(v := getattr(cfg, f.name), Vocab) else v) for f in fields(cfg)}


def config_from_json(cls: type, data: Mapping) -> GPTConfig | Seq2SeqConfig:
    names = {f.name for f in fields(cls)}
    if set(data) != names:
        raise ValueError(f"config fields {sorted(set(data) ^ names)} do not match {cls.__name__}")
    return cls(**{k: (Vocab(tuple(v)) if isinstance(v, list) else v) for k, v in data.items()})


class CheckpointMissing(ModelUnavailable, FileNotFoundError):
    """A shipped checkpoint's files are not there (train it: python -m tf_core.train gpt|seq2seq)."""


@dataclass(frozen=True, eq=False)
class Trained:
    """A shipped model (eval mode, parameters frozen) with its config.json and metrics.json."""

    model: nn.Module
    config: dict = field(repr=False)
    metrics: dict = field(repr=False)
    path: Path = MODELS_DIR


def save(folder: Path | str, model: TinyGPT | Seq2Seq, config: Mapping, metrics: Mapping) -> Path:
    """Write model.safetensors (float32, our parameter names), config.json and metrics.json into ``folder``."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().float().contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return folder


def _load(folder: Path, cls: type, cfg_cls: type, command: str, device) -> Trained:
    from safetensors.torch import load_file

    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise CheckpointMissing(f"{', '.join(missing)} missing in {folder}: train the model with "
                                f"`python -m tf_core.train {command}`")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    cfg = config_from_json(cfg_cls, config["architecture"])
    # every name and every shape asserted against the module's own (tf_core.models.weights)
    model = build_on_meta(lambda: cls(cfg), load_file(str(folder / "model.safetensors"))).to(device)
    model.requires_grad_(False)  # inference only: llama.generate then builds no autograd graph
    return Trained(model=model, config=config, metrics=metrics, path=folder)


def load_gpt(folder: Path | str | None = None, device="cpu") -> Trained:
    """The shipped TinyGPT (assets/models/tiny-gpt) or one trained into ``folder``."""
    return _load(Path(folder or GPT_DIR), TinyGPT, GPTConfig, "gpt", device)


def load_seq2seq(folder: Path | str | None = None, device="cpu") -> Trained:
    """The shipped number translator (assets/models/seq2seq-numbers) or one trained into ``folder``."""
    return _load(Path(folder or SEQ2SEQ_DIR), Seq2Seq, Seq2SeqConfig, "seq2seq", device)


def load_position_lm(kind: str, folder: Path | str | None = None, device="cpu") -> Trained:
    """The shipped length-extrapolation model of one position ``kind`` (assets/models/positions/<kind>),
    or the one in ``folder``/<kind>. Its config.json must say that kind."""
    from tf_core.models.position_lm import KINDS, PositionLM, PositionLMConfig  # only the positions lesson needs it

    if kind not in KINDS:
        raise ValueError(f"unknown position kind {kind!r}; choose one of {KINDS}")
    trained = _load(Path(folder or POSITIONS_DIR) / kind, PositionLM, PositionLMConfig,
                    f"positions --kind {kind}", device)
    if trained.model.cfg.kind != kind:
        raise ValueError(f"{trained.path} holds a {trained.model.cfg.kind!r} model, not {kind!r}")
    return trained


def load_position_validation(folder: Path | str | None = None) -> str:
    """The held-out text the position models were evaluated on (the last 5% of their corpus), as written."""
    path = Path(folder or POSITIONS_DIR) / POSITIONS_VALIDATION
    if not path.is_file():
        raise CheckpointMissing(f"{path} is missing: train the models with `python -m tf_core.train positions --kind all`")
    with path.open(encoding="utf-8", newline="") as f:  # newline="": the characters exactly as written
        return f.read()


def n_parameters(model: nn.Module) -> int:
    """Parameters counted once (the tied output head adds none)."""
    return sum(p.numel() for p in model.parameters())
