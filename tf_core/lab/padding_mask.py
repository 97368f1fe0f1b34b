"""Lesson `padding-mask`: how a batch holds sentences of different lengths, and how padding is masked.

A batch is one rectangular tensor (B, T): every sentence shorter than T is filled up with a pad
token. The pad tokens are real inputs to the model: they have an embedding, a position, a query, a
key and a value, and without a mask every real token would attend to them. The padding mask removes
the pad *keys* from every softmax row:

    scores_ij = q_i . k_j / sqrt(d_h)       for every query i and key j of the padded sequence
    scores_ij = -inf   where key j is padding           (mask False: "may not attend")
    weights_i = softmax_j(scores_ij)         exp(-inf) = 0: the pads get exactly zero weight, and the
                                             real keys' weights are those of the unpadded sentence

Convention, stated because the notes use the opposite one: this app (like PyTorch's
``scaled_dot_product_attention``) uses a boolean mask where ``True`` = "may attend" and fills the
other scores with -inf (:mod:`tf_core.masks`). The interview notes use ``True`` = "masked" and fill
with -1e9, as ``nn.MultiheadAttention``'s boolean ``key_padding_mask`` does (``True`` = ignore).

The (B, T) padding mask becomes a (B, T, T) key mask by broadcasting over the queries: query i of
sentence b may attend to key j when key j is a real token, whatever i is. Pad *queries* are not
masked: their outputs are computed and thrown away (mean pooling and the loss skip them). Masking
the queries too would leave those rows with no key at all, the fully masked row: softmax over a row
of -inf is 0/0 = NaN, a -1e9 fill gives a uniform row over the pads instead (not zeros), and the
core returns zeros (:mod:`tf_core.attention`). :func:`fully_masked_row` computes all of them live.

This module measures, on a real pretrained encoder (MiniLM for English, e5 for Chinese):
  the learner's sentences as one padded batch, with ``extra_pad`` more pad tokens after the longest;
  one sentence's attention map at (layer, head) with the mask and without it (pads attended);
  the weight mass that sentence's real tokens put on padding without the mask;
  every real token's final hidden state in the batch against the sentence run alone: equal up to
  float rounding with the mask, different without it.

Subtle, measured: with the mask, real tokens' outputs equal the unbatched run exactly for some batch
shapes and differ by up to ~2e-6 for others (float32, CPU). The masked keys contribute nothing
(exp(-inf) is exactly 0 and adding 0.0 is exact), but the sums over keys (the softmax denominator,
weights x values) then run over T keys instead of n, and the kernels split a sum of another length
into other SIMD lanes and blocks: float32 rounds differently in the last bit, and six or twelve
layers carry that to ~1e-6. Without the mask the change is of order 1.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.device import to_numpy
from tf_core.attention import scaled_dot_product_attention
from tf_core.device import DeviceInfo, describe
from tf_core.masks import padding_mask
from tf_core.models.text_encoder import TextEncoder, Tokens

# The notes' "large negative number": exp(-1e9 - max) underflows to 0 in float32 and float64, so a
# row with at least one real key gets the same weights as with -inf.
NEG_1E9 = -1e9
# Pad keys shown in the fully-masked-row demonstration (the last ones of the row).
DEMO_KEYS = 8
# "Equal up to rounding" means within torch.testing.assert_close's default (rtol, atol) for the dtype.
ROUNDING_TOL = {torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5), torch.float32: (1.3e-6, 1e-5),
                torch.float64: (1e-7, 1e-7)}


def outcome(values) -> str:
    """What a row of weights (or outputs) came to, as a word a page translates: "nan" (all NaN),
    "zeros" (all exactly 0), "uniform" (all equal, not 0) or "other".

    >>> [outcome(v) for v in ([float("nan")] * 2, [0.0, 0.0], [0.25] * 4, [0.5, 0.0])]
    ['nan', 'zeros', 'uniform', 'other']
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size and np.isnan(v).all():
        return "nan"
    if not v.size or (v == 0).all():
        return "zeros"
    return "uniform" if (v == v[0]).all() else "other"


@dataclass(frozen=True)
class RowDemo:
    """One query whose keys are all masked, scored four ways (computed live, float32).

    The row is the last query of the chosen sentence against its last pad keys (at most
    ``DEMO_KEYS``), with the model's real q and k at (layer, head): the situation of a pad query
    when queries are masked too, or of the first positions of a left-padded causal decoder."""

    scores: np.ndarray  # (k,) q . k / sqrt(d_h) before any mask
    neg_inf: np.ndarray  # (k,) softmax with the masked scores set to -inf: NaN (0 / 0)
    neg_1e9: np.ndarray  # (k,) softmax with -1e9 (the notes): uniform 1/k over the pads, not zeros
    finite_min: np.ndarray  # (k,) softmax with torch.finfo(float32).min (Hugging Face's fill): uniform too
    core: np.ndarray  # (k,) tf_core.attention's weights: zeros (a query with nothing to look at)
    core_out_max: float  # max |output| of that row in tf_core.attention: 0
    sdpa_out_max: float  # max |output| of PyTorch's fused SDPA for the same row (0 in PyTorch >= 2.5)
    nan_spreads: bool  # a real query with zero weight on keys whose values are NaN still gets NaN (0 x NaN)
    fill_diff: float  # max |softmax(-1e9 or finfo.min fill) - softmax(-inf fill)| over the real queries: 0 when a
    #                   row has a real key
    from_padding: bool  # False when the sentence has no padding and the row's last keys stand in for pads

    @property
    def table(self) -> tuple[tuple[str, np.ndarray], ...]:
        """The rows of the page's table: (name, (k,) values), scores first, then each way of masking."""
        return tuple((name, getattr(self, name)) for name in ("scores", "neg_inf", "neg_1e9", "finite_min", "core"))

    @property
    def outcomes(self) -> dict[str, tuple[str, float]]:
        """What the row came to with -inf ("neg_inf"), tf_core's weights and output ("core") and PyTorch's
        fused SDPA output ("sdpa"): name -> (:func:`outcome` word, largest |value|). SDPA gives only its
        output's largest |value|: "nan", "zeros" or "other"."""
        core = np.append(self.core, self.core_out_max)
        sdpa = outcome([self.sdpa_out_max])
        return {"neg_inf": (outcome(self.neg_inf), float(np.max(np.abs(self.neg_inf)))),
                "core": (outcome(core), float(np.max(np.abs(core)))),
                "sdpa": ("other" if sdpa == "uniform" else sdpa, abs(self.sdpa_out_max))}


@dataclass(frozen=True)
class PaddingMaskResult:
    model: str  # the encoder's published name
    device: DeviceInfo  # where it ran: the kernels that did the sums (their rounding)
    dtype: str  # the hidden states' dtype ("float32")
    pieces: tuple[tuple[str, ...], ...]  # each sentence's tokens (special tokens included), unpadded
    lengths: np.ndarray  # (B,) int: real tokens per sentence
    n_total: np.ndarray  # (B,) int: tokens before any cut
    truncated: np.ndarray  # (B,) bool: the sentence was cut (characters or tokens)
    pad_piece: str  # the pad token as the tokenizer spells it ("[PAD]", "<pad>")
    pad_id: int
    extra_pad: int  # pad tokens added after the longest sentence
    batch_len: int  # T: the padded length of every row
    mask: np.ndarray  # (B, T) bool, True at real tokens (= keys that may be attended)
    key_mask: np.ndarray  # (B, T, T) bool, [b, i, j] = query i of sentence b may attend key j
    index: int  # the sentence whose maps are shown
    layer: int
    head: int
    weights_masked: np.ndarray  # (T, T) float32 weights of sentence ``index`` at (layer, head), mask on
    weights_unmasked: np.ndarray  # (T, T) the same with every pad key attended
    pad_mass: float  # mean over its real queries of the weight put on pad keys, unmasked, at (layer, head)
    pad_mass_layers: np.ndarray  # (L, H) the same for every head
    diff_masked: np.ndarray  # (B,) max |h_batch - h_alone| over each sentence's real tokens, last layer, masked
    diff_unmasked: np.ndarray  # (B,) the same without the mask
    close_masked: np.ndarray  # (B,) bool: with the mask, within ROUNDING_TOL of the sentence run alone
    row: RowDemo

    @property
    def masked_verdict(self) -> str:
        """With the mask against each sentence alone: "exact" (every difference 0), "rounding" (within
        torch.testing's default tolerance for ``dtype``) or "beyond" (more than rounding)."""
        if not (self.diff_masked > 0).any():
            return "exact"
        return "rounding" if self.close_masked.all() else "beyond"

    @property
    def n_pad(self) -> np.ndarray:
        """(B,) pad tokens in each row."""
        return self.batch_len - self.lengths

    @property
    def pad_fraction(self) -> float:
        """Pad tokens / all B x T tokens of the batch."""
        return float(1.0 - self.mask.mean()) if self.mask.size else 0.0

    def padded_pieces(self, b: int) -> tuple[str, ...]:
        """Sentence ``b``'s tokens followed by its pad tokens: the labels of its T x T map."""
        return self.pieces[b] + (self.pad_piece,) * int(self.batch_len - self.lengths[b])


def split_sentences(text: str) -> tuple[tuple[str, ...], bool]:
    """The learner's text, one sentence per line -> (sentences, cut). Blank lines are dropped; more
    than ``limits.PAD_SENTENCES.hi`` lines are cut (``cut`` True). Never empty: no text gives ("",).

    >>> split_sentences("Hello.\\n\\n  A longer sentence.  \\n")
    (('Hello.', 'A longer sentence.'), False)
    >>> split_sentences("")
    (('',), False)
    """
    lines = [line.strip() for line in str(text or "").splitlines()]
    lines = [line for line in lines if line]
    hi = limits.PAD_SENTENCES.hi
    return (tuple(lines[:hi]) or ("",)), len(lines) > hi


def tokenize_all(encoder: TextEncoder, sentences: Sequence[str], max_tokens: int) -> tuple[list[Tokens], list[bool]]:
    """Each sentence cut to ``limits.ENCODER_TEXT_CHARS`` characters, then to ``max_tokens`` tokens
    (limits.ENCODER_TOKEN_CAP). Returns the tokens and, per sentence, whether anything was cut."""
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    toks, cut = [], []
    for s in sentences:
        text = "" if s is None else str(s)
        t = encoder.tokenize(text[: limits.ENCODER_TEXT_CHARS], max_tokens)
        toks.append(t)
        cut.append(len(text) > limits.ENCODER_TEXT_CHARS or t.truncated)
    return toks, cut


def pad_batch(tokens: Sequence[Tokens], pad_id: int, length: int | None = None,
              device: torch.device | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad token sequences to one length: returns ids (B, T) long and mask (B, T) bool
    (True at real tokens). ``length`` defaults to the longest sequence (dynamic padding).

    >>> from tf_core.models.text_encoder import Tokens
    >>> ids, mask = pad_batch([Tokens((5, 6, 7), ("a", "b", "c"), 3, False), Tokens((5, 7), ("a", "c"), 2, False)], 0)
    >>> ids.tolist(), mask.tolist()
    ([[5, 6, 7], [5, 7, 0]], [[True, True, True], [True, True, False]])
    """
    lengths = [len(t) for t in tokens]
    T = max(lengths, default=0) if length is None else int(length)
    if T < max(lengths, default=0):
        raise ValueError(f"length {T} is shorter than a sequence ({max(lengths)} tokens)")
    ids = torch.full((len(tokens), T), pad_id, dtype=torch.long, device=device)  # (B, T)
    for b, t in enumerate(tokens):
        ids[b, : len(t)] = torch.tensor(t.ids, dtype=torch.long, device=device)
    mask = padding_mask(torch.tensor(lengths, dtype=torch.long, device=device), T)[:, 0, 0]  # (B, 1, 1, T) -> (B, T)
    return ids, mask


def fully_masked_row(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> tuple[np.ndarray, ...]:
    """One query ``q`` (Dh,) against keys ``k`` (n, Dh) and values ``v`` (n, Dv), every key masked.

    Returns (scores, neg_inf, neg_1e9, finite_min, core, core_out_max, sdpa_out_max) as in
    :class:`RowDemo`, all computed in q's dtype."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (k @ q) * scale  # (n,)
    allowed = torch.zeros(scores.shape, dtype=torch.bool, device=q.device)  # (n,) all False: no key may be attended
    soft = lambda fill: torch.softmax(scores.masked_fill(~allowed, fill), dim=-1)  # noqa: E731
    neg_inf, neg_1e9, fmin = soft(float("-inf")), soft(NEG_1E9), soft(torch.finfo(scores.dtype).min)
    qh, kh, vh = q.view(1, 1, 1, -1), k.view(1, 1, *k.shape), v.view(1, 1, *v.shape)  # (1, 1, 1, Dh), (1, 1, n, D)
    m4 = allowed.view(1, 1, 1, -1)  # (1, 1, 1, n)
    core = scaled_dot_product_attention(qh, kh, vh, mask=m4)
    sdpa = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=m4)  # (1, 1, 1, Dv)
    rows = (scores, neg_inf, neg_1e9, fmin, core.weights.view(-1))
    return (*(to_numpy(r, np.float32) for r in rows), float(core.output.abs().max()), float(sdpa.abs().max()))


@torch.inference_mode()
def run(
    encoder: TextEncoder,
    sentences: Sequence[str],
    max_tokens: int = limits.ENCODER_TOKENS,
    extra_pad: int = limits.PAD_EXTRA.default,
    layer: int = 0,
    head: int = 0,
    index: int | None = None,
) -> PaddingMaskResult:
    """``sentences`` as one right-padded batch through ``encoder``, with and without the padding mask.

    sentences: 1 to ``limits.PAD_SENTENCES.hi`` texts; "" and odd characters are fine; each is cut
        to ``limits.ENCODER_TEXT_CHARS`` characters and ``max_tokens`` tokens (``truncated`` says so).
    extra_pad: pad tokens after the longest sentence (``limits.PAD_EXTRA``), so that even the longest
        has padding to ignore.
    layer, head: the attention map shown; index: the sentence shown (default: the shortest).
    Raises ``ValueError`` for a count, layer, head, index or cap outside its range."""
    cfg = encoder.model.cfg
    sentences = list(sentences)
    limits.PAD_SENTENCES.check("number of sentences", len(sentences))
    extra_pad = limits.PAD_EXTRA.check("extra_pad", extra_pad)
    layer = limits.IntRange.indices(cfg.n_layers).check("layer", layer)
    head = limits.IntRange.indices(cfg.n_heads).check("head", head)
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    device = next(encoder.model.parameters()).device

    toks, cut = tokenize_all(encoder, sentences, max_tokens)
    lengths = np.array([len(t) for t in toks])
    index = int(np.argmin(lengths)) if index is None else limits.IntRange.indices(len(toks)).check("index", index)
    T = int(lengths.max()) + extra_pad
    pad_id = cfg.pad_token_id
    ids, mask = pad_batch(toks, pad_id, T, device)  # (B, T), (B, T)

    # Final hidden states: each sentence alone (B = 1, no padding), then the batch with and without
    # the mask. Omitting the mask is the encoder's "attend to everything" switch.
    masked = encoder.model(ids, mask, need_weights=False).last_hidden_state  # (B, T, D)
    unmasked = encoder.model(ids, None, need_weights=False).last_hidden_state  # (B, T, D)
    diff_m, diff_u, close = [], [], []
    rtol, atol = ROUNDING_TOL.get(masked.dtype, ROUNDING_TOL[torch.float32])
    for b, t in enumerate(toks):
        alone = encoder.run(t, need_weights=False).last_hidden_state[0]  # (n, D)
        n = len(t)
        diff_m.append(float((masked[b, :n] - alone).abs().max()))
        diff_u.append(float((unmasked[b, :n] - alone).abs().max()))
        close.append(bool(torch.isclose(masked[b, :n], alone, rtol=rtol, atol=atol).all()))

    # The chosen sentence's maps. Rows of a batch do not interact, so a batch of just that padded row
    # gives its weights as in the full batch (up to float rounding) without holding (B, L, H, T, T).
    row_ids, row_mask = ids[index:index + 1], mask[index:index + 1]  # (1, T)
    out_m = encoder.model(row_ids, row_mask)
    out_u = encoder.model(row_ids, None, trace_layer=layer)
    att_u = torch.stack(out_u.attentions)[:, 0]  # (L, H, T, T)
    n = int(lengths[index])
    pad_mass_layers = att_u[:, :, :n, n:].sum(dim=-1).mean(dim=-1)  # (L, H): real queries' weight on pads

    # The fully masked row, from the model's own q, k, v at (layer, head). Without padding (one
    # sentence, extra_pad 0) the row's last keys (never key 0) stand in for pads.
    tr = out_u.trace
    q_all, k_all, v_all = tr.q[0, head], tr.k[0, head], tr.v[0, head]  # (T, Dh) each
    blocked = torch.arange(n, T, device=device) if T > n else torch.arange(max(1, T - 4), T, device=device)
    keys = blocked[-DEMO_KEYS:]
    demo = fully_masked_row(q_all[T - 1], k_all[keys], v_all[keys])
    # A real query (0) with those keys masked gets zero weight on them; give them NaN values, as a NaN
    # row of the previous layer would. 0 x NaN = NaN, so the NaN still reaches the real token.
    allowed = torch.ones(T, dtype=torch.bool, device=device)
    allowed[blocked] = False
    w0 = scaled_dot_product_attention(q_all[None, :1], k_all[None], v_all[None], mask=allowed).weights[0, 0]  # (T,)
    v_nan = v_all.clone()
    v_nan[blocked] = float("nan")
    nan_spreads = bool(torch.isnan(w0 @ v_nan).any())
    scores = tr.scores[0, head, :n]  # (n, T) real queries, raw scores (no mask on this run)
    keep = row_mask[0]  # (T,)
    exact = torch.softmax(scores.masked_fill(~keep, float("-inf")), -1)  # (n, T)
    fill_diff = max(float((torch.softmax(scores.masked_fill(~keep, fill), -1) - exact).abs().max())
                    for fill in (NEG_1E9, torch.finfo(scores.dtype).min))

    key_mask = mask[:, None, :].expand(-1, T, -1)  # (B, T, T): query i may attend key j iff j is real
    return PaddingMaskResult(
        model=encoder.name,
        device=describe(device),
        dtype=str(masked.dtype).removeprefix("torch."),
        pieces=tuple(t.pieces for t in toks),
        lengths=lengths,
        n_total=np.array([t.n_total for t in toks]),
        truncated=np.array(cut, dtype=bool),
        pad_piece=encoder.tokenizer.id_to_token(pad_id) or str(pad_id),
        pad_id=pad_id,
        extra_pad=extra_pad,
        batch_len=T,
        mask=mask.cpu().numpy(),
        key_mask=key_mask.cpu().numpy(),
        index=index,
        layer=layer,
        head=head,
        weights_masked=to_numpy(out_m.attentions[layer][0, head], np.float32),
        weights_unmasked=to_numpy(att_u[layer, head], np.float32),
        pad_mass=float(pad_mass_layers[layer, head]),
        pad_mass_layers=pad_mass_layers.double().cpu().numpy(),
        diff_masked=np.array(diff_m),
        diff_unmasked=np.array(diff_u),
        close_masked=np.array(close, dtype=bool),
        row=RowDemo(*demo, nan_spreads=nan_spreads, fill_diff=fill_diff, from_padding=T > n),
    )
