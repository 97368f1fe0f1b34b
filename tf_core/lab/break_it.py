"""Break it: the real models with one design choice removed at a time, and the damage measured.

The switches are tf_core.ablation's ``Ablation`` (one small frozen object per call; the model shared by
every user is never changed). What each costs, on text written for this project and shipped with it
(assets/text/break_it/: a short expository text and a generation prompt per language, 24 zh/en
sentence pairs):

    SmolLM2 (scale, causal, rope, norm_scale, heads_off)
        perplexity    teacher-forced over the whole text in ONE forward without the cache: the mean
                      cross-entropy of token t+1 given tokens 0..t, exponentiated (:func:`score`);
                      nothing is added around the text, so its T tokens make T - 1 predictions
        generation    greedy, ``n_new`` tokens after the prompt (:func:`generate`). Without the causal
                      mask every step runs the whole text again, without the KV cache: a cached step is
                      one new query over past keys, which no mask hides anything from, so the cache
                      would hide the missing mask. Otherwise the cache (the same tokens, faster)
    e5 (positions)    retrieval (:func:`retrieval`): each zh and each en sentence embedded as the app's
                      e5 does (the "query: " prefix, mean over the last hidden states of the real tokens,
                      L2-normalised); accuracy = the share of zh sentences whose nearest en sentence by
                      cosine is their translation, and the same from en to zh. Eight of the 24 pairs are
                      four couples that differ only in word order ("the dog chased the cat" / "the cat
                      chased the dog"): without positions the encoder sees the same bag of tokens.

Measured (float32, CPU), the shipped texts' perplexity intact -> broken, en / zh: no 1/sqrt(d_k) 26.8 ->
1754 / 12.7 -> 250; no RoPE -> 213 / 105; no RMSNorm scale -> 5.1e6 / 2.7e5; layer 0's nine heads off ->
138 / 155. Without the causal mask it FALLS, 26.8 -> 3.8 / 12.7 -> 6.2: teacher-forced, position t can
read token t + 1, the answer it is scored on (the leak the causal-mask lesson explains), while greedy
generation, where token t + 1 does not exist yet, falls apart ("________________________"). A lower
perplexity is no better model here: the page should say so. e5's retrieval, zh -> en / en -> zh accuracy
and mean margin: intact 0.875 / 0.833, 0.050; positions removed 0.833 / 0.833, 0.034; shuffled (seed 0)
0.792 / 0.792, 0.025. Every miss without positions is in a couple (the sixteen other pairs stay found),
shuffled one other pair is lost too; e5-small tells the couples apart only about half the time even intact.

Stated: SmolLM2-135M is weak in Chinese; its byte-level vocabulary splits most Chinese characters into
two or three tokens, the later ones easy to guess, so the zh perplexity is per byte-level token and
not comparable with the en one. MiniLM is English-only: its zh/en retrieval is poor even intact.

:func:`run` measures one ablation and the model as trained in the same call (the intact ablation runs
once: its broken side is its intact side) and links each removed switch to the lesson that explains it
(``LESSONS``: curriculum ids, for ``?q=<id>``).
"""
from __future__ import annotations

import codecs
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.ablation import Ablation
from tf_core.device import DeviceInfo, describe, synchronize
from tf_core.lab.decoder_prompt import encode_ids, token_bytes
from tf_core.models import decoder
from tf_core.models.llama import generate as greedy
from tf_core.models.text_encoder import TextEncoder
from tf_core.progress import Progress
from tf_core.readable import cut_text

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "text" / "break_it"
LANGS = ("en", "zh")
# The lesson that explains each switch (curriculum ids).
LESSONS = {"scale": "scaling", "causal": "causal-mask", "rope": "pe-variants", "norm_scale": "ln-vs-bn",
           "heads_off": "multi-head", "positions": "positional-encoding"}
# One switch at a time, as the page offers them (the heads: all nine of SmolLM2's first layer).
ONE_AT_A_TIME = {
    "scale": Ablation(scale=False), "causal": Ablation(causal=False), "rope": Ablation(rope=False),
    "norm_scale": Ablation(norm_scale=False), "heads_off": Ablation(heads_off=tuple((0, h) for h in range(9))),
    "positions_remove": Ablation(positions="remove"), "positions_shuffle": Ablation(positions="shuffle"),
}


# --------------------------------------------------------------------------- the shipped data
def eval_text(lang: str) -> str:
    """The shipped evaluation text in ``lang`` ("en" or "zh")."""
    return _asset(f"eval_{_lang(lang)}.txt")


def prompt(lang: str) -> str:
    """The shipped generation prompt in ``lang``."""
    return _asset(f"prompt_{_lang(lang)}.txt")


def pairs() -> tuple[tuple[str, str], ...]:
    """The shipped (zh, en) sentence pairs, each a translation of the other."""
    rows = [line.split("\t") for line in _asset("pairs.tsv").splitlines() if line.strip()]
    if any(len(r) != 2 for r in rows):
        raise ValueError("pairs.tsv: every line is zh<TAB>en")
    return tuple((zh.strip(), en.strip()) for zh, en in rows)


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8").strip()


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def _ablation(ablation: object) -> Ablation:
    if not isinstance(ablation, Ablation):
        raise ValueError(f"ablation must be a tf_core.ablation.Ablation, got {type(ablation).__name__}")
    return ablation


def _ids(tokenizer, text: object, max_chars: int, max_tokens: int, least: int) -> tuple[list[int], int, bool]:
    """(the first ``max_tokens`` token ids of the first ``max_chars`` characters, tokens before the
    token cut, whether either cut happened). ValueError with fewer than ``least`` tokens."""
    cut, n_chars, chars_cut = cut_text(text, max_chars)
    if not cut.strip():
        raise ValueError("the text is empty")
    ids = encode_ids(tokenizer, cut)
    if len(ids) < least:
        raise ValueError(f"the text gives {len(ids)} token(s): at least {least} are needed")
    return ids[:max_tokens], len(ids), chars_cut or len(ids) > max_tokens


def _device(model) -> torch.device:
    return next(model.parameters()).device


# --------------------------------------------------------------------------- SmolLM2: perplexity
@dataclass(frozen=True)
class Score:
    """One text under one ablation: T tokens scored, T - 1 predictions."""

    n_tokens: int  # T, after the cut
    n_total: int  # tokens before the cut
    truncated: bool
    losses: np.ndarray  # (T - 1,) float64 nats: -log p(token t+1 | tokens 0..t)
    seconds: float

    @property
    def perplexity(self) -> float:
        """exp(mean loss); inf past float range, NaN if the model gave NaN."""
        mean = float(self.losses.mean())
        return math.exp(mean) if mean < 700 else (math.inf if mean == mean else math.nan)


def score(model, tokenizer, text: str, ablation: Ablation = Ablation(), max_tokens: int = limits.BREAKIT_TOKENS.hi) -> Score:
    """Teacher-forced losses of ``text`` (cut at ``max_tokens`` tokens, flagged) in one forward of
    ``decoder.run`` with ``ablation``, no cache. ValueError on an empty text, one of a single token,
    a cap outside its limit, an ablation the model lacks."""
    ablation = _ablation(ablation).check(model)
    max_tokens = limits.BREAKIT_TOKENS.check("max_tokens", max_tokens)
    ids, n_total, truncated = _ids(tokenizer, text, limits.BREAKIT_TEXT_CHARS, max_tokens, 2)
    x = torch.tensor([ids], device=_device(model))  # (1, T)
    start = time.perf_counter()
    with torch.inference_mode():
        logits = decoder.run(model, x, ablation=ablation).logits[0]  # (T, V)
        losses = F.cross_entropy(logits[:-1].float(), x[0, 1:], reduction="none")  # (T-1,)
        synchronize(x.device)
    return Score(n_tokens=len(ids), n_total=n_total, truncated=truncated, losses=losses.double().cpu().numpy(),
                 seconds=time.perf_counter() - start)


def perplexity(model, tokenizer, text: str, ablation: Ablation = Ablation()) -> float:
    """exp(mean next-token cross-entropy) of ``text`` under ``ablation`` (:func:`score`)."""
    return score(model, tokenizer, text, ablation).perplexity


# --------------------------------------------------------------------------- SmolLM2: generation
@dataclass(frozen=True)
class Continuation:
    prompt_tokens: int  # after the cut
    tokens: tuple[int, ...]  # the new ids (fewer than n_new if the model ended)
    text: str  # the new tokens as text
    cached: bool  # decoded with the KV cache (False without the causal mask)
    seconds: float


def continuation(model, tokenizer, text: str, ablation: Ablation = Ablation(),
                 n_new: int = limits.BREAKIT_NEW_TOKENS.default, eos_id: int | None = None,
                 on_step: Callable[[int, int], None] | None = None) -> Continuation:
    """Greedy decoding of ``n_new`` tokens after ``text`` (cut at ``limits.BREAKIT_PROMPT_TOKENS``) with
    ``ablation``: with the KV cache, except without the causal mask (module docstring). Stops early at
    ``eos_id``. ValueError on an empty prompt or a cap outside its limit."""
    ablation = _ablation(ablation).check(model)
    n_new = limits.BREAKIT_NEW_TOKENS.check("n_new", n_new)
    ids, _, _ = _ids(tokenizer, text, limits.BREAKIT_PROMPT_CHARS, limits.BREAKIT_PROMPT_TOKENS, 1)
    if eos_id is not None:
        eos_id = limits.IntRange.indices(model.cfg.vocab_size).check("eos_id", eos_id)
    cached = ablation.causal
    start = time.perf_counter()
    out = greedy(model, torch.tensor([ids], device=_device(model)), n_new, use_cache=cached, eos_id=eos_id,
                 on_step=on_step, ablation=ablation)
    new = tuple(int(i) for i in out.tokens[0].tolist())
    return Continuation(prompt_tokens=len(ids), tokens=new, text=_decode(tokenizer, new), cached=cached,
                        seconds=time.perf_counter() - start)


def generate(model, tokenizer, prompt: str, ablation: Ablation = Ablation(),
             n_new: int = limits.BREAKIT_NEW_TOKENS.default) -> str:
    """The ``n_new`` greedy tokens after ``prompt`` under ``ablation``, as text (:func:`continuation`)."""
    return continuation(model, tokenizer, prompt, ablation, n_new).text


def _decode(tokenizer, ids: tuple[int, ...]) -> str:
    """Token ids as text: their bytes joined and read as UTF-8, special tokens left out, a byte that
    is no UTF-8 as U+FFFD, and the bytes of a character the last tokens only began left out (the
    decoding stopped inside it). Plain text with whatever the model wrote: a page escapes it."""
    data = b"".join(b for b in (token_bytes(tokenizer, i) for i in ids) if isinstance(b, bytes))
    return codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=False)


# --------------------------------------------------------------------------- e5: retrieval
@dataclass(frozen=True)
class Retrieval:
    model: str
    n_pairs: int
    similarity: np.ndarray  # (N, N) float64 cosine of zh sentence i and en sentence j
    zh_to_en: float  # share of i with argmax_j similarity[i, j] == i
    en_to_zh: float  # share of j with argmax_i similarity[i, j] == j
    margin: float  # mean over both directions of cos(translation) - the largest cos(another sentence)
    truncated: int  # sentences cut at the caps
    seconds: float

    @property
    def accuracy(self) -> float:
        """The mean of both directions."""
        return (self.zh_to_en + self.en_to_zh) / 2


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValueError("pairs must be a sequence of (zh, en) sentence pairs")
    limits.BREAKIT_PAIRS.check("number of pairs", len(value))
    out = []
    for pair in value:
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"each pair is (zh, en), got {pair!r}")
        out.append((pair[0], pair[1]))
    return tuple(out)


def embed(encoder: TextEncoder, sentences: Sequence[str], ablation: Ablation = Ablation()) -> tuple[torch.Tensor, int]:
    """(N, D) L2-normalised mean-pooled last hidden states of each sentence alone (the prefix, special
    tokens and the encoder's token cap as ``TextEncoder.tokenize``), with ``ablation``'s positions;
    and how many sentences were cut. ValueError on an empty sentence, or more sentences than
    limits.BREAKIT_PAIRS allows pairs (one side of the retrieval test at a time)."""
    limits.IntRange(1, limits.BREAKIT_PAIRS.hi, limits.BREAKIT_PAIRS.hi).check("number of sentences", len(sentences))
    ablation = _ablation(ablation).check(encoder)
    device = _device(encoder.model)
    rows, cut = [], 0
    with torch.inference_mode():
        for s in sentences:
            text, _, chars_cut = cut_text(s, limits.BREAKIT_PAIR_CHARS)
            if not text.strip():
                raise ValueError("a sentence of a pair is empty")
            tokens = encoder.tokenize(text, limits.ENCODER_TOKENS)
            cut += chars_cut or tokens.truncated
            out = encoder.run(tokens, need_weights=False, **ablation.encoder_kwargs(tokens.ids, device))
            rows.append(out.mean_pooled()[0])  # (D,)
    return F.normalize(torch.stack(rows).double(), dim=-1), cut  # (N, D)


def retrieval(encoder: TextEncoder, pairs: Sequence[tuple[str, str]], ablation: Ablation = Ablation()) -> Retrieval:
    """zh -> en and en -> zh nearest-neighbour accuracy (cosine) over ``pairs``, with ``ablation``'s
    positions ("keep", "remove", "shuffle"). ValueError on a pair count outside ``limits.BREAKIT_PAIRS``,
    an empty sentence, a decoder's switch."""
    pairs = _pairs(pairs)
    start = time.perf_counter()
    zh, cut_zh = embed(encoder, [p[0] for p in pairs], ablation)
    en, cut_en = embed(encoder, [p[1] for p in pairs], ablation)
    sim = (zh @ en.T).cpu()  # (N, N)
    right = torch.arange(len(pairs))
    others = sim.masked_fill(torch.eye(len(pairs), dtype=torch.bool), -math.inf)  # (N, N) the translations left out
    margin = 2 * sim.diagonal() - others.amax(dim=1) - others.amax(dim=0)  # (N,) both directions
    return Retrieval(model=encoder.name, n_pairs=len(pairs), similarity=sim.numpy(),
                     zh_to_en=float((sim.argmax(dim=1) == right).double().mean()),
                     en_to_zh=float((sim.argmax(dim=0) == right).double().mean()),
                     margin=float(margin.mean() / 2), truncated=cut_zh + cut_en, seconds=time.perf_counter() - start)


# --------------------------------------------------------------------------- one ablation, measured
@dataclass(frozen=True)
class Language:
    """SmolLM2 on one language's text and prompt, as trained and with the ablation."""

    lang: str
    intact: Score
    broken: Score
    prompt: str  # the prompt as given (a page escapes it)
    generated_intact: Continuation
    generated_broken: Continuation


@dataclass(frozen=True)
class BreakIt:
    ablation: Ablation
    removed: tuple[str, ...]  # the switches it removes (SWITCHES order)
    lessons: tuple[str, ...]  # the lesson that explains each, same order (curriculum ids)
    languages: tuple[Language, ...]  # per language; () when no decoder switch is removed (and it is not the intact run)
    retrieval_intact: Retrieval | None  # None when no encoder switch is removed (and it is not the intact run)
    retrieval_broken: Retrieval | None
    device: DeviceInfo
    seconds: float  # the whole run

    def language(self, lang: str) -> Language:
        for entry in self.languages:
            if entry.lang == lang:
                return entry
        raise ValueError(f"no {lang!r} in this run")


def _texts(value: Mapping[str, str] | None, shipped: Callable[[str], str]) -> dict[str, str]:
    if value is None:
        return {lang: shipped(lang) for lang in LANGS}
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"texts and prompts map languages {LANGS} to text")
    return {_lang(lang): value[lang] for lang in value}


def run(model=None, tokenizer=None, ablation: Ablation = Ablation(), encoder: TextEncoder | None = None, *,
        texts: Mapping[str, str] | None = None, prompts: Mapping[str, str] | None = None,
        sentence_pairs: Sequence[tuple[str, str]] | None = None, n_new: int = limits.BREAKIT_NEW_TOKENS.default,
        eos_id: int | None = None, max_tokens: int = limits.BREAKIT_TOKENS.hi,
        on_progress: Callable[[int, int], None] | None = None) -> BreakIt:
    """``ablation`` against the models as trained: SmolLM2 (``model``, ``tokenizer``) on each language's
    text and prompt (default: the shipped ones, both languages; ``texts`` and ``prompts`` need the same
    languages) when a decoder switch is removed, e5 (``encoder``) on the sentence pairs (default: the
    shipped ones) when its positions are. The intact ablation runs both baselines. ValueError on any
    argument outside its limit, a switch a model lacks, or a model missing for a removed switch.
    on_progress(done, total) after each forward pass or decoding step."""
    ablation = _ablation(ablation)
    n_new = limits.BREAKIT_NEW_TOKENS.check("n_new", n_new)
    max_tokens = limits.BREAKIT_TOKENS.check("max_tokens", max_tokens)
    if model is None and encoder is None:
        raise ValueError("give the decoder (model, tokenizer), the encoder, or both")
    dec, enc = ablation.decoder_part(), ablation.encoder_part()
    run_decoder = not dec.intact or (ablation.intact and model is not None)
    run_encoder = not enc.intact or (ablation.intact and encoder is not None)
    if run_decoder and (model is None or tokenizer is None):
        raise ValueError(f"{list(dec.removed)} need the decoder and its tokenizer")
    if run_encoder and encoder is None:
        raise ValueError("positions need an encoder")
    texts, prompts = _texts(texts, eval_text), _texts(prompts, prompt)
    if set(texts) != set(prompts):
        raise ValueError("texts and prompts must name the same languages")
    sentence_pairs = _pairs(pairs() if sentence_pairs is None else sentence_pairs)
    if run_decoder:
        dec.check(model)
    if run_encoder:
        enc.check(encoder)

    sides = 1 if ablation.intact else 2
    total = (sides * len(texts) * (1 + n_new) if run_decoder else 0) + (sides * 2 * len(sentence_pairs) if run_encoder else 0)
    progress = Progress(total, on_progress)
    start = time.perf_counter()
    languages = []
    for lang in texts if run_decoder else ():
        measured = []
        for ab in ((Ablation(),) if ablation.intact else (Ablation(), dec)):
            s = score(model, tokenizer, texts[lang], ab, max_tokens)
            progress.tick()
            g = continuation(model, tokenizer, prompts[lang], ab, n_new, eos_id, on_step=lambda i, n: progress.tick())
            progress.tick(n_new - len(g.tokens))  # steps not run after the end token
            measured.append((s, g))
        (s0, g0), (s1, g1) = measured[0], measured[-1]
        languages.append(Language(lang=lang, intact=s0, broken=s1, prompt=prompts[lang], generated_intact=g0,
                                  generated_broken=g1))
    r0 = r1 = None
    if run_encoder:
        r0 = retrieval(encoder, sentence_pairs)
        progress.tick(2 * len(sentence_pairs))
        r1 = r0 if enc.intact else retrieval(encoder, sentence_pairs, enc)
        progress.tick(2 * len(sentence_pairs) * (sides - 1))
    removed = ablation.removed
    device = _device(model) if model is not None else _device(encoder.model)
    return BreakIt(ablation=ablation, removed=removed, lessons=tuple(LESSONS[name] for name in removed),
                   languages=tuple(languages), retrieval_intact=r0, retrieval_broken=r1, device=describe(device),
                   seconds=time.perf_counter() - start)

