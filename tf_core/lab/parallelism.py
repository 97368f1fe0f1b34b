"""Lesson `parallelism`: where a Transformer runs in parallel, and whether a decoder can.

Parallel over POSITIONS, sequential over LAYERS. One block reads all T positions as one matrix
(B, T, D): the projections are (T, D) x (D, D') matrix products, the attention one (T, T) score
matrix per head, the feed-forward again matrix products; every position goes through the block at
once. The blocks themselves run one after another: block l + 1 needs block l's output.

A decoder is parallel over positions wherever all the tokens are already known:
  training     teacher forcing: the target text is the input shifted by one, so all T next-token
               predictions come out of ONE forward (the causal mask keeps each one honest);
  prefill      reading the prompt: one forward over all its tokens fills the KV cache;
and sequential where they are not:
  generation   token t + 1 is chosen from the logits of step t, so the steps run one after another,
               each over one new position (with the KV cache, tf_core.cache).

The experiment, on a real decoder: n tokens (the learner's prompt; a prompt shorter than n is
repeated until there are n) run (a) in ONE teacher-forced call and (b) as n one-token calls through
the KV cache, as generation runs them. Both give the same logits at every position (float rounding
apart: a (1, D) row times a matrix sums in another order than a (T, D) block) and the same
argmax; (a) takes a fraction of (b)'s time: n calls read every weight matrix n times, where one
call reads it once for all n positions and multiplies a whole matrix. Timings are medians of
``repeats`` calls after one warm-up, (a) and (b) interleaved, so a burst of load from other users
of a shared server hits both alike; they are wall-clock times of this machine, noisy on a busy one.
A one-token step slower than 3x the median of its neighbours is clipped to that bound before the steps
are summed (tf_core.device.clip_spikes; ``clipped_steps`` counts them): one stalled step must not
decide the speed-up.
The curve of time per position against n (GRID, up to the chosen n) times one call at each n, and
reads the sequential side off the steps of the n-step run: its first g steps are the g-step run.

The common wrong answer, "the layers run in parallel": the per-layer timing of one parallel call
(``layer_seconds``, taken between blocks) shows each block taking its share of the call, one after
another: block l + 1 starts when block l ends, and the blocks' times add up to most of the call
(measured for SmolLM2: ~75%; the rest is the output head, a 49,152 x 576 matrix product at every
position). If the layers ran side by side, the call would take about one block's time.

"The same logits" is checked, not assumed: ``rounding_only`` holds when the largest difference is
within ROUNDING_ULPS units in the last place of the largest logit (float32: 1.2e-4 of it), what
summing in another order gives (measured: ~50 units for SmolLM2, 1.7e-4 on logits up to ~30);
a real difference (a wrong cache, a leaking mask) is orders of magnitude larger.

Interface: any decoder of tf_core.models.decoder (Llama, TinyGPT), run through ``decoder.run``
(the blocks timed through its ``on_block`` hook); ``model.cfg`` (n_layers, max_positions).
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from tf_core import limits
from tf_core.device import DeviceInfo, clip_spikes, describe, synchronize
from tf_core.lab import decoder_prompt
from tf_core.models import decoder
from tf_core.progress import Progress

GRID = (4, 8, 16, 32, 64)  # the n of the time-per-position curve (those below the chosen n, then n)
ROUNDING_ULPS = 1024  # "float rounding": a difference within this many units in the last place of the largest logit


@dataclass(frozen=True)
class ParallelismResult:
    pieces: tuple[str, ...]  # the n tokens run, readable as characters (tf_core.lab.decoder_prompt)
    byte_pieces: tuple[str, ...]  # the same, each token by itself (hexadecimal where it is part of a character)
    n: int
    n_prompt: int  # how many of them are the prompt's own (the rest repeat it)
    truncated: bool  # the prompt was longer than n tokens (or the character cap) and was cut
    repeats: int
    parallel_samples: tuple[float, ...]  # seconds of one call over the n positions, per repeat
    sequential_samples: tuple[float, ...]  # seconds of n one-token cached calls, per repeat, spikes clipped
    clipped_steps: int  # one-token steps clipped over all repeats (tf_core.device.clip_spikes)
    max_abs_diff: float  # max |logits one call - logits n steps| over (n, V)
    argmax_parallel: np.ndarray  # (n,) int64 the predicted next token at each position, one call
    argmax_sequential: np.ndarray  # (n,) the same from the n steps
    grid_n: np.ndarray  # (k,) int: the n of the curve, ending with n
    grid_parallel: np.ndarray  # (k,) float64 median seconds of one call over grid_n positions
    grid_sequential: np.ndarray  # (k,) median seconds of grid_n one-token steps (the first grid_n steps of the n)
    layer_seconds: np.ndarray  # (L,) seconds of each block inside one call over n positions (the call with
    #                            the median total of ``repeats`` such calls)
    layer_start: np.ndarray  # (L,) seconds from that call's start at which each block began
    call_seconds: float  # that call's seconds, embedding, final norm and output head included
    logits_max: float  # the largest |logit| of the one call: the scale max_abs_diff is rounding against
    dtype: str  # the model's parameters' dtype ("float32")
    device: DeviceInfo  # what it ran on

    @property
    def parallel_seconds(self) -> float:
        return statistics.median(self.parallel_samples)

    @property
    def sequential_seconds(self) -> float:
        return statistics.median(self.sequential_samples)

    @property
    def speedup(self) -> float:
        """How many times longer the n steps take than the one call."""
        return self.sequential_seconds / self.parallel_seconds

    @property
    def same_argmax(self) -> bool:
        return bool((self.argmax_parallel == self.argmax_sequential).all())

    @property
    def per_position_parallel(self) -> np.ndarray:
        """(k,) seconds per position in one call: falls with n while the machine has idle width."""
        return self.grid_parallel / self.grid_n

    @property
    def per_position_sequential(self) -> np.ndarray:
        """(k,) seconds per position one step at a time: about constant (it grows slowly with the cache)."""
        return self.grid_sequential / self.grid_n

    @property
    def layers_share(self) -> float:
        """The blocks' summed time over the whole call: most of it, because they run one after another
        (the rest: embedding, final norm, output head)."""
        return float(self.layer_seconds.sum() / self.call_seconds)

    @property
    def relative_diff(self) -> float:
        """max_abs_diff as a fraction of the largest logit."""
        return self.max_abs_diff / max(self.logits_max, 1e-30)

    @property
    def rounding_only(self) -> bool:
        """The two ways' logits differ by float rounding only (see the module docstring)."""
        eps = float(torch.finfo(getattr(torch, self.dtype)).eps)
        return self.max_abs_diff <= ROUNDING_ULPS * eps * self.logits_max

    @staticmethod
    def forwards(n: int, repeats: int) -> int:
        """How many forward passes :func:`run` makes: the warm-up (1 + min(n, 4)); per repeat one call
        per size of the curve and n one-token steps; then one timed call per repeat for the blocks."""
        grid = [g for g in GRID if g < n] + [n]
        return 1 + min(n, 4) + repeats * (len(grid) + n) + repeats


def _timed(fn, device) -> tuple[float, object]:
    """(seconds, fn()) with the device synchronised on both sides."""
    synchronize(device)
    start = time.perf_counter()
    out = fn()
    synchronize(device)
    return time.perf_counter() - start, out


def parallel_logits(model, ids: torch.Tensor) -> torch.Tensor:
    """ids (1, n) -> (n, V): one teacher-forced call. ``model``: a decoder, or any callable with its
    forward's signature (the lab passes its forward counted for the progress bar)."""
    return model(ids).logits[0]


def sequential_logits(model, ids: torch.Tensor, on_step=None) -> torch.Tensor:
    """ids (1, n) -> (n, V): n calls of one token each, the KV cache carried from one to the next.
    on_step(t): called after step t (the timing below reads the clock there). ``model`` as above."""
    cache, rows = None, []
    for t in range(ids.shape[1]):
        out = model(ids[:, t:t + 1], cache)  # (1, 1) new token against t cached positions
        cache = out.cache
        rows.append(out.logits[0, -1])  # (V,)
        if on_step is not None:
            on_step(t)
    return torch.stack(rows)  # (n, V)


def _sequential_timed(model, ids: torch.Tensor, device) -> tuple[np.ndarray, torch.Tensor]:
    """The n steps, timed: (n,) seconds from the start to the end of each step, and the (n, V) logits.
    The first g steps of n ARE the sequential run over g positions, so one run gives the whole curve."""
    ends: list[float] = []

    def mark(t: int) -> None:
        synchronize(device)
        ends.append(time.perf_counter())

    synchronize(device)
    start = time.perf_counter()
    logits = sequential_logits(model, ids, on_step=mark)
    return np.array(ends) - start, logits


def _layer_times(forward, ids: torch.Tensor, repeats: int, device) -> tuple[np.ndarray, np.ndarray, float]:
    """The call with the median total time of ``repeats``: each block's duration, each block's start
    (seconds from the call's start) and the call's time. Block 0's time includes the embedding lookup
    before it (microseconds); what follows the last block is the final norm and the output head."""
    runs = []
    for _ in range(repeats):
        ends: list[float] = []

        def mark(i: int, trace) -> None:
            synchronize(device)
            ends.append(time.perf_counter())

        synchronize(device)
        start = time.perf_counter()
        forward(ids, on_block=mark)
        synchronize(device)
        total = time.perf_counter() - start
        edges = np.array([start, *ends]) - start  # (L + 1,) block i runs from edges[i] to edges[i + 1]
        runs.append((total, edges))
    total, edges = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    return np.diff(edges), edges[:-1], float(total)


def run(model, tokenizer, text: str, n: int = limits.PARALLEL_N.default,
        repeats: int = limits.PARALLEL_REPEATS.default, on_progress=None) -> ParallelismResult:
    """n positions in one call against n cached one-token calls (logits compared, both timed), the
    time-per-position curve over GRID up to n, and the per-block timing of one call. ValueError on
    an empty prompt or an n or repeats outside their limits. on_progress(done, total) after each
    forward pass, total = ParallelismResult.forwards(n, repeats)."""
    n = limits.PARALLEL_N.check("n", n)
    repeats = limits.PARALLEL_REPEATS.check("repeats", repeats)
    if n > model.cfg.max_positions:
        raise ValueError(f"n={n} exceeds the model's {model.cfg.max_positions} positions")
    prompt = decoder_prompt.encode(tokenizer, text, n)  # n <= DECODER_TOKENS: the first n tokens at most
    ids_list = list(prompt.ids)
    while len(ids_list) < n:  # repeat the prompt: a text the model can continue, not random ids
        ids_list += prompt.ids[:n - len(ids_list)]
    device = next(model.parameters()).device
    ids = torch.tensor([ids_list], dtype=torch.long, device=device)  # (1, n)
    grid = [g for g in GRID if g < n] + [n]
    forward = Progress(ParallelismResult.forwards(n, repeats), on_progress).counting(partial(decoder.run, model))

    with torch.inference_mode():
        parallel_logits(forward, ids)  # warm-up: first calls allocate and pick kernels
        sequential_logits(forward, ids[:, :min(n, 4)])
        par_times: dict[int, list[float]] = {g: [] for g in grid}
        seq_elapsed = []  # per repeat, (n,) seconds to the end of each step, spikes clipped
        clipped = 0
        for _ in range(repeats):  # interleaved: a burst of load from other users hits both sides alike
            for g in grid:
                seconds, par = _timed(partial(parallel_logits, forward, ids[:, :g]), device)  # par: (g, V)
                par_times[g].append(seconds)
            elapsed, seq = _sequential_timed(forward, ids, device)  # seq: (n, V)
            steps = clip_spikes(np.diff(elapsed, prepend=0.0))  # (n,) seconds of each step
            seq_elapsed.append(np.cumsum(steps.seconds))
            clipped += steps.count
        # par, seq: the logits of the last repeat, both over all n positions
        seq_grid = np.median(np.stack(seq_elapsed)[:, np.array(grid) - 1], axis=0)  # (k,)
        layer_seconds, layer_start, call = _layer_times(forward, ids, repeats, device)

    chars, byte_form = decoder_prompt.labels(tokenizer, ids_list)
    return ParallelismResult(
        pieces=chars,
        byte_pieces=byte_form,
        n=n,
        n_prompt=len(prompt),
        truncated=prompt.truncated,
        repeats=repeats,
        parallel_samples=tuple(par_times[n]),
        sequential_samples=tuple(float(e[-1]) for e in seq_elapsed),
        clipped_steps=clipped,
        max_abs_diff=float((par - seq).abs().max()),
        argmax_parallel=par.argmax(-1).cpu().numpy(),
        argmax_sequential=seq.argmax(-1).cpu().numpy(),
        grid_n=np.array(grid),
        grid_parallel=np.array([statistics.median(par_times[g]) for g in grid]),
        grid_sequential=seq_grid,
        layer_seconds=layer_seconds,
        layer_start=layer_start,
        call_seconds=call,
        logits_max=float(par.abs().max()),
        dtype=decoder.dtype_name(model),
        device=describe(device),
    )
