"""What one Transformer block and two kinds of attention score cost, counted: FLOPs as pure functions
of the sizes, with no tensor built.

Convention, that of ``torch.utils.flop_counter.FlopCounterMode`` (the tests compare every count here
with it, run over a real PyTorch implementation): a multiply-add is 2 FLOPs, and only matrix products
are counted (mm, addmm, bmm, baddbmm). Element-wise work is not: biases, the 1/sqrt(d_k) scale, masks,
softmax, norms, activations, residual sums, additive attention's pairwise sum and tanh. In a block
that work is O(b·n·d) plus O(b·h·n²) for the softmax, small beside the products. (FlopCounterMode does
not count ``aten.mv`` either: a matrix times a vector reads 0, so the tests write vᵀ as a (d_a, 1) matrix.)

Sizes: b sequences of n tokens (self-attention: n queries against the same n keys), model width d,
h heads of d/h each, FFN inner width d_ff. One block's forward, in FLOPs:

    Q, K, V projections     3 · 2·b·n·d²
    scores  Q Kᵀ            2·b·n²·d        h heads of n²·(d/h) multiply-adds: the heads do not change it
    weights · V             2·b·n²·d
    output projection W_O   2·b·n·d²
    FFN d → d_ff → d        2 · 2·b·n·d·d_ff (ReLU/GELU; SwiGLU's third matrix would add half again)

A causal mask changes nothing here: the dense kernels (the explicit path, PyTorch's math SDPA)
compute all n² scores and mask afterwards; only a kernel that skips masked tiles saves about half of
the attention core.

Where the attention core catches up (:func:`crossing_n`): the core is 4·b·n²·d, the rest of the
block 8·b·n·d² + 4·b·n·d·d_ff. Setting them equal and dividing by 4·b·n·d:

    n = 2·d + d_ff,   so n = 6·d for d_ff = 4·d

Per token that is the core's 4·n·d against the rest's 24·d²; below n = 6d the projections and the
FFN cost more than attention itself. Against the FFN alone, 4·n²·d = 4·n·d·d_ff gives n = d_ff.

Dot-product against additive (Bahdanau et al. 2015) scores, n queries against n keys of width d_k:

    dot:      e_ij = q_i · k_j                      n²·d_k multiply-adds: one matrix product Q Kᵀ
    additive: e_ij = vᵀ tanh(W₁ q_i + W₂ k_j)       W [q_i; k_j] = W₁ q_i + W₂ k_j with W = [W₁ W₂],
                                                    W₁, W₂ of shape (d_a, d_k), v of size d_a

Computed efficiently, W₁ q_i is made once per query and W₂ k_j once per key (2·n·d_k·d_a
multiply-adds); each of the n² pairs then needs a sum and a tanh of d_a numbers (element-wise, not
counted) and the dot with v (d_a multiply-adds): n²·d_a + 2·n·d_k·d_a in all, O(n²·d) like the dot
product, not O(n²·d²). The naive way applies W to every concatenated pair: n²·(2·d_k + 1)·d_a, larger
by n·(2·d_k + 1) / (n + 2·d_k), which tends to 2·d_k + 1 for long sequences. What does separate the
efficient additive score from the dot product is not its order: it is the (n, n, d_a) tensor of
sums it builds (d_a times the memory of the n × n scores) and the element-wise tanh over it, against
one matrix product for the dot product.
"""
from __future__ import annotations

from dataclasses import dataclass


def _positive(**sizes: int) -> None:
    """Raise ``ValueError`` unless every size is an integer >= 1 (a bool is not a size)."""
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _heads(d: int, h: int) -> None:
    _positive(d=d, h=h)
    if d % h:
        raise ValueError(f"d={d} is not divisible by h={h} heads")


# --------------------------------------------------------------------------- one block's parts


def qkv_projections(n: int, d: int, b: int = 1) -> int:
    """FLOPs of W_Q, W_K, W_V applied to b·n tokens of width d: 3 · 2·b·n·d².

    >>> qkv_projections(n=2, d=3)
    108
    """
    _positive(n=n, d=d, b=b)
    return 3 * 2 * b * n * d * d


def attention_scores(n: int, d: int, h: int, b: int = 1) -> int:
    """FLOPs of Q Kᵀ in every head: b·h heads of n×n scores, each a dot of width d/h: 2·b·n²·d.

    The heads do not change it: h heads of size d/h do the work of one head of size d.

    >>> attention_scores(n=4, d=8, h=2) == attention_scores(n=4, d=8, h=1) == 256
    True
    """
    _positive(n=n, b=b)
    _heads(d, h)
    return b * h * dot_scores(n, d // h)


def attention_values(n: int, d: int, h: int, b: int = 1) -> int:
    """FLOPs of weights · V in every head: each output row mixes n value rows of width d/h: 2·b·n²·d."""
    _positive(n=n, b=b)
    _heads(d, h)
    return 2 * b * h * n * n * (d // h)


def output_projection(n: int, d: int, b: int = 1) -> int:
    """FLOPs of W_O applied to the concatenated heads: 2·b·n·d²."""
    _positive(n=n, d=d, b=b)
    return 2 * b * n * d * d


def ffn(n: int, d: int, d_ff: int, b: int = 1) -> int:
    """FLOPs of the position-wise FFN's two linears, d → d_ff → d, at every token: 2 · 2·b·n·d·d_ff."""
    _positive(n=n, d=d, d_ff=d_ff, b=b)
    return 2 * 2 * b * n * d * d_ff


@dataclass(frozen=True)
class BlockFlops:
    """One block's forward FLOPs by part (multiply-add = 2) and its attention and FFN parameters.

    Parameters: the block of tf_core.blocks (biases in every linear, ReLU/GELU FFN). Norms (2·d
    each for LayerNorm) are not included. Llama-style layers drop the biases: use the ``*_weights``.
    """

    n: int  # tokens per sequence
    d: int  # model width
    h: int  # heads (of d/h each)
    d_ff: int  # FFN inner width
    b: int  # sequences in the batch
    qkv: int  # Q, K, V projections: 6·b·n·d²
    scores: int  # Q Kᵀ: 2·b·n²·d
    values: int  # weights · V: 2·b·n²·d
    out_proj: int  # W_O: 2·b·n·d²
    ffn: int  # d → d_ff → d: 4·b·n·d·d_ff
    attention_weights: int  # W_Q, W_K, W_V, W_O: 4·d² whatever h is
    attention_biases: int  # their biases: 4·d
    ffn_weights: int  # W_1, W_2: 2·d·d_ff
    ffn_biases: int  # b_1, b_2: d_ff + d

    @property
    def core(self) -> int:
        """The attention core, the part quadratic in n: scores + values."""
        return self.scores + self.values

    @property
    def projections(self) -> int:
        return self.qkv + self.out_proj

    @property
    def rest(self) -> int:
        """Everything but the core: projections + FFN, linear in n."""
        return self.projections + self.ffn

    @property
    def total(self) -> int:
        return self.core + self.rest

    @property
    def parts(self) -> dict[str, int]:
        """The five parts in the order the block runs them, name -> FLOPs."""
        return {"qkv": self.qkv, "scores": self.scores, "values": self.values,
                "out_proj": self.out_proj, "ffn": self.ffn}

    @property
    def attention_params(self) -> int:
        return self.attention_weights + self.attention_biases

    @property
    def ffn_params(self) -> int:
        return self.ffn_weights + self.ffn_biases


def block(n: int, d: int, h: int, d_ff: int, b: int = 1) -> BlockFlops:
    """Every part of one block at these sizes.

    >>> c = block(n=2304, d=384, h=6, d_ff=1536)   # n = 6·d: the core equals the rest
    >>> c.core == c.rest, c.attention_weights, c.ffn_weights
    (True, 589824, 1179648)
    """
    return BlockFlops(
        n=n, d=d, h=h, d_ff=d_ff, b=b,
        qkv=qkv_projections(n, d, b),
        scores=attention_scores(n, d, h, b),
        values=attention_values(n, d, h, b),
        out_proj=output_projection(n, d, b),
        ffn=ffn(n, d, d_ff, b),
        attention_weights=4 * d * d,
        attention_biases=4 * d,
        ffn_weights=2 * d * d_ff,
        ffn_biases=d_ff + d,
    )


def crossing_n(d: int, d_ff: int) -> int:
    """The n at which the attention core's FLOPs equal the rest of the block's: 2·d + d_ff (6·d at
    d_ff = 4·d; the module docstring derives it). Shorter sequences spend more on the projections
    and the FFN, longer ones on attention. It does not depend on b or h.

    >>> crossing_n(d=512, d_ff=2048)
    3072
    """
    _positive(d=d, d_ff=d_ff)
    return 2 * d + d_ff


def crossing_n_ffn(d_ff: int) -> int:
    """The n at which the attention core's FLOPs equal the FFN's alone: 4·n²·d = 4·n·d·d_ff, n = d_ff."""
    _positive(d_ff=d_ff)
    return d_ff


# --------------------------------------------------------------------------- dot-product vs additive scores


def dot_scores(n: int, d_k: int, b: int = 1) -> int:
    """FLOPs of n×n dot-product scores of width d_k (one head): Q Kᵀ, 2·b·n²·d_k."""
    _positive(n=n, d_k=d_k, b=b)
    return 2 * b * n * n * d_k


def additive_scores(n: int, d_k: int, d_a: int, b: int = 1) -> int:
    """FLOPs of n×n additive scores vᵀ tanh(W₁ q_i + W₂ k_j), computed efficiently: W₁ Q and W₂ K once
    (2·n·d_k·d_a multiply-adds), then vᵀ on each of the n² summed pairs (n²·d_a). The n²·d_a sums
    and tanh are element-wise and not counted.

    >>> additive_scores(n=100, d_k=64, d_a=64) < additive_scores_naive(n=100, d_k=64, d_a=64)
    True
    """
    _positive(n=n, d_k=d_k, d_a=d_a, b=b)
    return 2 * b * (2 * n * d_k * d_a + n * n * d_a)


def additive_scores_naive(n: int, d_k: int, d_a: int, b: int = 1) -> int:
    """FLOPs of the same scores with W = [W₁ W₂] applied to every concatenated pair [q_i; k_j]
    (n²·2·d_k·d_a multiply-adds) and vᵀ on each result (n²·d_a): O(n²·d²)."""
    _positive(n=n, d_k=d_k, d_a=d_a, b=b)
    return 2 * b * n * n * (2 * d_k + 1) * d_a
