"""Strings of app_pages/cost.py: lessons complexity (app_pages/lessons/complexity.py) and block-cost
(app_pages/lessons/block_cost.py)."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "cost.axis.n": {"en": "n (tokens in the sequence)", "zh": "n（序列中的词元数）"},
    # --- lesson complexity ------------------------------------------------------------------------------
    "cx.running": {"en": "Timing explicit attention and SDPA at every n, and measuring their peak memory…",
                   "zh": "正在对每个 n 计时显式注意力与 SDPA，并测量它们的峰值内存…"},
    "cx.speed.faster": {"en": "ran {x} times as fast as the explicit path", "zh": "的速度是显式写法的 {x} 倍"},
    "cx.speed.same": {"en": "ran about as fast as the explicit path ({x} times its speed)",
                      "zh": "与显式写法差不多快（速度为其 {x} 倍）"},
    "cx.speed.slower": {"en": "ran slower than the explicit path ({x} times its speed)",
                        "zh": "反而比显式写法慢（速度只有其 {x} 倍）"},
    "cx.n": {"en": "Longest n timed", "zh": "计时的最大 n"},
    "cx.n_help": {"en": "Self-attention over n tokens; the charts time every n of 16, 32, 64, … below it, then n itself. "
                  "The reshape walk runs at this n.",
                  "zh": "对 n 个词元做自注意力；图中对小于它的 16、32、64……逐一计时，最后是 n 本身。下方的 reshape 分解也在这个 n 上运行。"},
    "cx.d": {"en": "d (model width)", "zh": "d（模型维度）"},
    "cx.d_help": {"en": "The width of each token's vector; the heads split it, d/h each.",
                  "zh": "每个词元向量的维度；多个头把它均分，每个头 d/h。"},
    "cx.heads": {"en": "Heads h", "zh": "头数 h"},
    "cx.heads_help": {"en": "Attention heads: the (h, n, n) scores and weights grow with h, the FLOPs do not.",
                      "zh": "注意力头数：(h, n, n) 的分数与权重随 h 增大，FLOPs 不随 h 变化。"},
    "cx.repeats": {"en": "Timed repeats", "zh": "计时重复次数"},
    "cx.repeats_help": {"en": "Timed calls per way and per n, after one warm-up call; the chart shows their median and range.",
                        "zh": "每种写法、每个 n 在一次预热调用之后计时的次数；图中显示中位数与范围。"},
    "cx.seed": {"en": "Seed", "zh": "随机种子"},
    "cx.seed_help": {"en": "Draws q, k, v and the walk's weights and input.", "zh": "用于抽取 q、k、v，以及分解演示中的权重和输入。"},
    "cx.way.explicit": {"en": "explicit: (h, n, n) weights stored", "zh": "显式：保存 (h, n, n) 的权重"},
    "cx.way.sdpa": {"en": "PyTorch's fused SDPA", "zh": "PyTorch 的融合 SDPA"},
    "cx.fit.explicit": {"en": "explicit, fit a + b·n + c·n²", "zh": "显式，拟合 a + b·n + c·n²"},
    "cx.fit.sdpa": {"en": "SDPA, fit a + b·n + c·n²", "zh": "SDPA，拟合 a + b·n + c·n²"},
    "cx.mem.weights": {"en": "one (h, n, n) float32 matrix", "zh": "一个 (h, n, n) 的 float32 矩阵"},
    "cx.time.y": {"en": "ms per call (median)", "zh": "每次调用的毫秒数（中位数）"},
    "cx.memory.y": {"en": "peak memory of one call", "zh": "一次调用的峰值内存"},
    "cx.time.range": {"en": "fastest … slowest", "zh": "最快 … 最慢"},
    "cx.method.profiler": {"en": "the PyTorch profiler's allocation events", "zh": "PyTorch 性能分析器记录的内存分配事件"},
    "cx.method.cuda": {"en": "the CUDA allocator's peak statistic", "zh": "CUDA 分配器的峰值统计"},
    # Which SDPA kernel ran is read from the measured peaks (tf_core.lab.complexity, sdpa_stored_matrix).
    "cx.sdpa.tiles": {"en": "but did not store the n × n weights here", "zh": "但在这里没有保存 n × n 的权重"},
    "cx.sdpa.stored": {"en": "and here stored n × n matrices too (on this device PyTorch chose its math fallback)",
                       "zh": "而且在这里同样保存了 n × n 的矩阵（在这个设备上 PyTorch 选了数学回退实现）"},
    "cx.sdpa.tiles_caption": {"en": "its fused kernel worked through tiles and stored no n × n matrix",
                              "zh": "它的融合算子分块计算，没有保存任何 n × n 的矩阵"},
    "cx.sdpa.stored_caption": {"en": "on this device PyTorch chose its math fallback, which stores n × n matrices as the explicit "
                                     "path does, so the fused kernels' saving is not measured here",
                               "zh": "在这个设备上 PyTorch 选了数学回退实现，它和显式写法一样保存 n × n 的矩阵，所以这里测不到融合算子省下的内存"},
    "cx.fig.time": {"en": "Time at n = {n}: explicit → SDPA", "zh": "n = {n} 时的耗时：显式 → SDPA"},
    "cx.fig.time_help": {"en": "Median of {repeats} timed {repeats:call|calls} of self-attention over n tokens, float32 on {device}.",
                         "zh": "对 n 个词元做一次自注意力，计时 {repeats} 次取中位数，float32，在 {device} 上。"},
    "cx.fig.memory": {"en": "Peak memory at n = {n}: explicit → SDPA", "zh": "n = {n} 时的峰值内存：显式 → SDPA"},
    "cx.fig.memory_help": {"en": "The most bytes one call's tensors held at once, measured from {method}. One (h, n, n) "
                           "float32 matrix is {weights_mib} MiB.",
                           "zh": "一次调用中张量同时占用的最多字节数，依据{method}测得。一个 (h, n, n) 的 float32 矩阵为 "
                           "{weights_mib} MiB。"},
    "cx.fig.per_n2": {"en": "Bytes per n² per head: explicit / SDPA", "zh": "每个头每 n² 的字节数：显式 / SDPA"},
    "cx.fig.per_n2_help": {"en": "Fitted: c / h of a + b·n + c·n² through the peaks: two float32 numbers (scores and weights) "
                           "per pair of tokens and head are 8 bytes.",
                           "zh": "拟合值：对峰值内存拟合 a + b·n + c·n² 后的 c / h：每个头、每对词元存两个 float32 数（分数和权重），即 8 字节。"},
    "cx.fig.walk": {"en": "Reshapes vs PyTorch's layer: max |diff|", "zh": "reshape 写法与 PyTorch 自带层的最大差值"},
    "cx.fig.walk_help": {"en": "The reshape walk below (n = {n}, d = {d}, h = {heads}) against torch.nn.MultiheadAttention "
                         "with the same weights, float32: rounding only.",
                         "zh": "下方的 reshape 分解（n = {n}，d = {d}，h = {heads}）与权重相同的 torch.nn.MultiheadAttention 相比，float32 下只有舍入误差。"},
    "cx.time.caption": {
        "en": "Median time of one call at each n, the bar from the fastest to the slowest of {repeats} timed "
        "{repeats:call|calls} after a warm-up call; float32 on {device}, one sequence, q, k and v of shape (1, {heads}, n, {dh}). "
        "Dashed: a + b·n + c·n² fitted to the medians (every coefficient ≥ 0, least squares on the relative error); its n² "
        "term is {t_share} of the explicit path's fitted time at n = {n} ({t_share_sdpa} for SDPA). From n = {n_prev} to "
        "{n} the explicit path's time grew ×{t_growth} and SDPA's ×{t_growth_sdpa}, where n² alone gives ×{quad_growth}.",
        "zh": "每个 n 下一次调用的时间中位数，竖线从最快到最慢，共 {repeats} 次计时调用（之前先预热一次）；float32，在 {device} 上，"
        "一个序列，q、k、v 的形状为 (1, {heads}, n, {dh})。虚线：对中位数拟合的 a + b·n + c·n²（系数均不小于 0，按相对误差做最小二乘）；"
        "n = {n} 时，n² 项占显式写法拟合时间的 {t_share}（SDPA 为 {t_share_sdpa}）。从 n = {n_prev} 到 {n}，显式写法的耗时增长为 "
        "×{t_growth}，SDPA 为 ×{t_growth_sdpa}，而纯 n² 增长为 ×{quad_growth}。",
    },
    "cx.memory.title": {"en": "Memory: what each way stores", "zh": "内存：两种写法各自存了什么"},
    "cx.memory.caption": {
        "en": "Peak memory of one call: the most bytes its tensors held at once, measured from {method}, not estimated. "
        "The explicit path's fit gives {mem_c_head} bytes per n² per head: two float32 numbers, because the scores and the "
        "softmax weights exist together for a moment; and {mem_b} bytes per token, its output (4·d). SDPA's fit gives "
        "{mem_c_head_sdpa} bytes per n² per head: {sdpa_kept_caption}. From n = {n_prev} to {n} "
        "the explicit path's peak grew ×{m_growth}, SDPA's ×{m_growth_sdpa}. At n = {n}: {m_explicit} MiB against "
        "{m_sdpa} MiB, {mem_ratio} times as much; grey dashed, one (h, n, n) float32 matrix ({weights_mib} MiB at n = {n}).",
        "zh": "一次调用的峰值内存：张量同时占用的最多字节数，依据{method}实测，而不是估算。显式写法的拟合给出每个头每 n² "
        "{mem_c_head} 字节，即两个 float32 数：分数和 softmax 权重会有一段时间同时存在；另有每个词元 {mem_b} 字节，是它的输出（4·d）。"
        "SDPA 的拟合给出每个头每 n² {mem_c_head_sdpa} 字节：{sdpa_kept_caption}。从 n = {n_prev} 到 {n}，显式写法的峰值增长为 "
        "×{m_growth}，SDPA 为 ×{m_growth_sdpa}。n = {n} 时：{m_explicit} MiB 对 {m_sdpa} MiB，是后者的 {mem_ratio} 倍；"
        "灰色虚线为一个 (h, n, n) 的 float32 矩阵（n = {n} 时 {weights_mib} MiB）。",
    },
    "cx.walk.title": {"en": "Multi-head attention step by step at n = {n}, d = {d}, h = {heads}",
                      "zh": "多头注意力逐步分解：n = {n}，d = {d}，h = {heads}"},
    "cx.walk.new": {"en": "new tensor", "zh": "新张量"},
    "cx.walk.view": {"en": "view (no copy)", "zh": "视图（不复制）"},
    "cx.walk.contiguous": {"en": "contiguous", "zh": "内存连续"},
    "cx.walk.strided": {"en": "strided", "zh": "内存不连续"},
    "cx.walk.elements": {"en": "elements of the tensor", "zh": "张量的元素个数"},
    "cx.walk.shape": {"en": "shape", "zh": "形状"},
    "cx.col.step": {"en": "step", "zh": "步骤"},
    "cx.col.code": {"en": "PyTorch", "zh": "PyTorch 代码"},
    "cx.col.dims": {"en": "dimensions", "zh": "各维含义"},
    "cx.col.shape": {"en": "shape", "zh": "形状"},
    "cx.col.elements": {"en": "elements", "zh": "元素个数"},
    "cx.col.memory": {"en": "memory", "zh": "内存"},
    "cx.step.x": {"en": "the input", "zh": "输入"},
    "cx.step.q_proj": {"en": "project (the same for K and V)", "zh": "线性投影（K、V 同理）"},
    "cx.step.split": {"en": "split d into h heads", "zh": "把 d 拆成 h 个头"},
    "cx.step.heads_first": {"en": "heads before tokens", "zh": "把头的维度移到词元之前"},
    "cx.step.keys_t": {"en": "keys transposed", "zh": "转置键"},
    "cx.step.scores": {"en": "scores, every head at once", "zh": "所有头一起算分数"},
    "cx.step.weights": {"en": "softmax over the keys", "zh": "对键做 softmax"},
    "cx.step.mix": {"en": "mix the values", "zh": "对值加权求和"},
    "cx.step.heads_back": {"en": "tokens before heads again", "zh": "把词元的维度移回头之前"},
    "cx.step.merge": {"en": "concatenate the heads", "zh": "拼接各头"},
    "cx.step.out_proj": {"en": "output projection", "zh": "输出投影"},
    "cx.walk.caption": {
        "en": "B = 1 sequence of T = n tokens, D = d, H = h heads of Dh = d/h = {dh}. One d × d projection each for Q, K "
        "and V, then `view` splits d into h heads and `transpose` puts the heads before the tokens, so that one batched "
        "matrix product computes every head at once: no loop over the heads. A view shares its input's memory (no copy); "
        "after a transpose the memory is strided, which is why `reshape` copies when the heads are merged back ({act_elems} "
        "numbers), where `view` would raise an error (with one head the transposes move a dimension of size 1: still "
        "contiguous, no copy). The largest tensors are the (1, h, n, n) scores and weights, "
        "{scores_elems} numbers each, against {act_elems} for one (n, d) activation: n / (d/h) = {n_over_dh} times as many. "
        "The output equals torch.nn.MultiheadAttention's with the same weights to {walk_diff} (float32), and the explicit "
        "path's equals SDPA's to {path_diff} (outputs up to {out_scale}).",
        "zh": "B = 1 个序列，T = n 个词元，D = d，H = h 个头，每个头 Dh = d/h = {dh}。Q、K、V 各做一次 d × d 的线性投影，然后用 "
        "`view` 把 d 拆成 h 个头，再用 `transpose` 把头的维度移到词元之前，这样一次批量矩阵乘法就算完所有的头，不需要对头循环。"
        "视图与输入共享内存（不复制）；转置之后内存不再连续，所以合并各头时 reshape 会复制一份（{act_elems} 个数），而 `view` "
        "会直接报错（只有一个头时，转置只移动大小为 1 的维度：内存仍连续，不复制）。最大的张量是 (1, h, n, n) 的分数和权重，各有 {scores_elems} 个数，一个 (n, d) 的激活只有 {act_elems} 个："
        "多出 n / (d/h) = {n_over_dh} 倍。输出与权重相同的 torch.nn.MultiheadAttention 相差不超过 {walk_diff}（float32），"
        "显式写法与 SDPA 的输出相差不超过 {path_diff}（输出的量级最大为 {out_scale}）。",
    },
    # --- lesson block-cost ------------------------------------------------------------------------------
    "bc.running": {"en": "Timing every part of the block at every n…", "zh": "正在对每个 n 计时块中的每个部分…"},
    "bc.n": {"en": "Longest n timed", "zh": "计时的最大 n"},
    "bc.n_help": {"en": "Tokens in the sequence; the charts time every n of 32, 64, 128, … below it, then n itself.",
                  "zh": "序列中的词元数；图中对小于它的 32、64、128……逐一计时，最后是 n 本身。"},
    "bc.d": {"en": "d (model width)", "zh": "d（模型维度）"},
    "bc.d_help": {"en": "The residual stream's width: the projections cost d² per token, the attention core n·d.",
                  "zh": "残差流的维度：每个词元的投影开销与 d² 成正比，注意力核心与 n·d 成正比。"},
    "bc.heads": {"en": "Heads h", "zh": "头数 h"},
    "bc.heads_help": {"en": "The FLOPs and the parameters do not depend on h; the time of the core does: h products of "
                      "inner width d/h, and h·n² scores.",
                      "zh": "FLOPs 和参数量与 h 无关，但注意力核心的耗时有关：h 个内维为 d/h 的矩阵乘法，以及 h·n² 个分数。"},
    "bc.ff": {"en": "d_ff / d", "zh": "d_ff / d（倍数）"},
    "bc.ff_help": {"en": "The FFN's inner width as a multiple of d: 4 in the original Transformer.",
                   "zh": "前馈网络的隐藏层维度是 d 的几倍：原始 Transformer 为 4。"},
    "bc.repeats": {"en": "Timed repeats", "zh": "计时重复次数"},
    "bc.repeats_help": {"en": "Timed rounds of every part at every n, after one warm-up round; the charts show the median "
                        "and the range.",
                        "zh": "每个 n 下在一轮预热之后，对每个部分计时的轮数；图中显示中位数与范围。"},
    "bc.seed": {"en": "Seed", "zh": "随机种子"},
    "bc.seed_help": {"en": "Draws the weights and the input.", "zh": "用于抽取权重和输入。"},
    "bc.cross.below": {"en": "< {n}", "zh": "小于 {n}"},
    "bc.cross.above": {"en": "> {n}", "zh": "大于 {n}"},
    "bc.verdict.earlier": {"en": "earlier than the FLOPs predict", "zh": "比浮点运算量的预测更早"},
    "bc.verdict.later": {"en": "later than the FLOPs predict", "zh": "比浮点运算量的预测更晚"},
    "bc.verdict.same": {"en": "about where the FLOPs predict (within 10%)", "zh": "与浮点运算量的预测相差不到 10%"},
    "bc.verdict.not_reached": {"en": "at no n up to {hi}, as the FLOPs predict (they place it at n = {flops}, beyond the n "
                               "timed)",
                               "zh": "在 n ≤ {hi} 内都没有出现，与浮点运算量的预测一致（预测在 n = {flops}，超出了计时范围）"},
    "bc.verdict.from_start": {"en": "already at n = {lo}, the shortest n timed, as the FLOPs predict (they place it at "
                              "n = {flops})",
                              "zh": "在计时的最短 n = {lo} 处就已出现，与浮点运算量的预测一致（预测在 n = {flops}）"},
    "bc.reason.earlier": {"en": ", because it got through its FLOPs more slowly than the projections and the FFN: the softmax "
                          "and the n × n matrices are memory traffic that no FLOP count sees",
                          "zh": "，因为它完成 FLOPs 的速度比投影和前馈网络慢：softmax 和 n × n 的矩阵带来的内存读写不计入任何 FLOPs"},
    "bc.reason.later": {"en": ", because it got through its FLOPs faster than the projections and the FFN",
                        "zh": "，因为它完成 FLOPs 的速度比投影和前馈网络快"},
    "bc.fig.cross_explicit": {"en": "Measured crossing, explicit core", "zh": "实测交叉点：显式注意力核心"},
    "bc.fig.cross_sdpa": {"en": "Measured crossing, SDPA core", "zh": "实测交叉点：SDPA 注意力核心"},
    "bc.fig.cross_help": {"en": "The n at which the attention core's median time equals that of the QKV projections, the "
                          "output projection and the FFN together, interpolated on log axes between the two n of the grid "
                          "around it; on {device}. Counted FLOPs put it at n = 2d + d_ff = {cross_flops}.",
                          "zh": "注意力核心的时间中位数等于 QKV 投影、输出投影与前馈网络三者之和时的 n，在对数坐标上于相邻两个计时点之间插值；"
                          "在 {device} 上。按 FLOPs 计数，交叉点在 n = 2d + d_ff = {cross_flops}。"},
    "bc.fig.share": {"en": "Core's share of the time, n = {n0} → {n}", "zh": "注意力核心的耗时占比，n = {n0} → {n}"},
    "bc.fig.share_help": {"en": "Explicit core, of the four parts' median times summed. Its share of the counted FLOPs: "
                          "{flop_n0} → {flop_n}.",
                          "zh": "显式注意力核心占四个部分时间中位数之和的比例。它在 FLOPs 计数中的占比：{flop_n0} → {flop_n}。"},
    "bc.fig.rate": {"en": "GFLOP/s at n = {n}: rest / core / SDPA", "zh": "n = {n} 时的 GFLOP/s：其余 / 核心 / SDPA"},
    "bc.fig.rate_help": {"en": "Counted FLOPs over median time: the projections and FFN together, the explicit attention core, "
                         "the SDPA core. How fast each gets through the work a FLOP count sees.",
                         "zh": "计数的 FLOPs 除以时间中位数，依次为：投影与前馈网络合计、显式注意力核心、SDPA 注意力核心。"
                         "即各部分完成 FLOPs 所统计的那部分工作有多快。"},
    "bc.ratio.core_explicit": {"en": "explicit core / rest, measured", "zh": "显式核心 / 其余，实测"},
    "bc.ratio.core_sdpa": {"en": "SDPA core / rest, measured", "zh": "SDPA 核心 / 其余，实测"},
    "bc.ratio.flops": {"en": "core / rest, counted FLOPs: n / (2d + d_ff)", "zh": "核心 / 其余，FLOPs 计数：n / (2d + d_ff)"},
    "bc.ratio.even": {"en": "core = rest", "zh": "核心 = 其余"},
    "bc.ratio.y": {"en": "attention core / rest of the block", "zh": "注意力核心 / 块的其余部分"},
    "bc.ratio.caption": {
        "en": "The attention core's median time over that of the rest of the block (QKV projections + output projection + "
        "FFN, medians summed), against n: above 1 the core costs more. Grey dashed: the same ratio in counted FLOPs, "
        "n / (2d + d_ff), which reaches 1 at n = {cross_flops} ({cross_d}·d). Measured on {device}, {repeats} timed "
        "{repeats:round|rounds} after a warm-up, one sequence, float32: the explicit core crossed at n {cross_explicit}, "
        "SDPA at n {cross_sdpa} (diamonds). At n = {n} the explicit core took {ratio_explicit} times the rest's time and "
        "SDPA {ratio_sdpa} times, where the FLOPs say {ratio_flops}.",
        "zh": "注意力核心的时间中位数除以块中其余部分（QKV 投影 + 输出投影 + 前馈网络，中位数相加）的时间，随 n 的变化：大于 1 "
        "表示核心更贵。灰色虚线：按 FLOPs 计数的同一比值 n / (2d + d_ff)，在 n = {cross_flops}（{cross_d}·d）处达到 1。在 {device} "
        "上实测，预热一轮后计时 {repeats} 轮，一个序列，float32：显式核心在 n {cross_explicit} 处交叉，SDPA 在 n {cross_sdpa} 处"
        "（菱形标记）。n = {n} 时，显式核心的耗时是其余部分的 {ratio_explicit} 倍，SDPA 为 {ratio_sdpa} 倍，而 FLOPs 给出的是 "
        "{ratio_flops} 倍。",
    },
    "bc.part.qkv": {"en": "QKV projections", "zh": "QKV 投影"},
    "bc.part.core": {"en": "attention core", "zh": "注意力核心"},
    "bc.part.out_proj": {"en": "output projection", "zh": "输出投影"},
    "bc.part.ffn": {"en": "FFN", "zh": "前馈网络"},
    "bc.split.title": {"en": "Where the block's time goes, and where its FLOPs go", "zh": "块的时间花在哪里，FLOPs 又花在哪里"},
    "bc.split.time": {"en": "measured time, explicit core", "zh": "实测时间，显式核心"},
    "bc.split.time_sdpa": {"en": "measured time, SDPA core", "zh": "实测时间，SDPA 核心"},
    "bc.split.flops": {"en": "counted FLOPs", "zh": "FLOPs 计数"},
    "bc.split.caption": {
        "en": "Each part's share of the block at each n: of the measured medians with the explicit core (left) and with "
        "SDPA (middle), and of the counted FLOPs (right). At n = {n0} the explicit attention core took {share_core_n0} "
        "of the time, the FFN {share_ffn_n0} and the four projections {share_proj_n0}, while its share of the FLOPs is "
        "{flop_share_core_n0}: at short n, the fixed cost of each call weighs most on the smallest part. At n = {n}: "
        "{share_core_n} of the time (FFN {share_ffn_n}), {flop_share_core_n} of the FLOPs.",
        "zh": "每个 n 下各部分在块中的占比：左图为显式核心的实测时间中位数，中图为 SDPA 的，右图为 FLOPs 计数。n = {n0} 时，显式注意力核心"
        "占时间的 {share_core_n0}，前馈网络占 {share_ffn_n0}，四个投影占 {share_proj_n0}，而它在 FLOPs 中只占 {flop_share_core_n0}："
        "n 较短时，每次调用的固定开销对最小的那部分影响最大。n = {n} 时：核心占时间的 {share_core_n}（前馈网络 {share_ffn_n}），"
        "占 FLOPs 的 {flop_share_core_n}。",
    },
    "bc.line.qkv": {"en": "QKV projections", "zh": "QKV 投影"},
    "bc.line.core_explicit": {"en": "attention core, explicit", "zh": "注意力核心，显式"},
    "bc.line.core_sdpa": {"en": "attention core, SDPA", "zh": "注意力核心，SDPA"},
    "bc.line.out_proj": {"en": "output projection", "zh": "输出投影"},
    "bc.line.ffn": {"en": "FFN", "zh": "前馈网络"},
    "bc.parts.title": {"en": "Every part against n", "zh": "各部分随 n 的变化"},
    "bc.parts.y": {"en": "ms per call (median)", "zh": "每次调用的毫秒数（中位数）"},
    "bc.parts.rate": {"en": "counted GFLOP/s", "zh": "计数的 GFLOP/s"},
    "bc.parts.caption": {
        "en": "Median ms per call of each part, the bar from the fastest to the slowest repeat; the tooltip gives counted "
        "GFLOP/s (FLOPs over median time). At n = {n}: QKV + output projection + FFN {t_rest} ms, {rate_rest} GFLOP/s; "
        "the explicit core {t_core} ms, {rate_core} GFLOP/s; SDPA {t_sdpa} ms, {rate_sdpa} GFLOP/s. The core's products "
        "have an inner width of only d/h = {dh}, and around them the scaling and the softmax "
        "read and write the (h, n, n) scores ({weights_mib} MiB each at n = {n}): element-wise work that no FLOP count "
        "includes. Timed apart, the four parts sum to {chain} of the block timed as one chain at n = {n}.",
        "zh": "每个部分每次调用的时间中位数，竖线从最快到最慢；悬停提示中给出计数的 GFLOP/s（FLOPs 除以时间中位数）。n = {n} 时："
        "QKV 投影 + 输出投影 + 前馈网络 {t_rest} 毫秒，{rate_rest} GFLOP/s；显式核心 {t_core} 毫秒，{rate_core} GFLOP/s；SDPA "
        "{t_sdpa} 毫秒，{rate_sdpa} GFLOP/s。核心里的矩阵乘法内维只有 d/h = {dh}，前后还有缩放和 softmax，"
        "都要读写 (h, n, n) 的分数（n = {n} 时每个 {weights_mib} MiB）：这些逐元素的工作不计入任何 FLOPs。分开计时的四个部分之和，"
        "是 n = {n} 时把整个块串起来计时的 {chain}。",
    },
    "bc.params.title": {"en": "Parameters: attention against the FFN", "zh": "参数量：注意力与前馈网络"},
    "bc.params.attention": {"en": "attention: W_Q, W_K, W_V, W_O", "zh": "注意力：W_Q、W_K、W_V、W_O"},
    "bc.params.ffn": {"en": "FFN: W_1, W_2", "zh": "前馈网络：W_1、W_2"},
    "bc.col.part": {"en": "part", "zh": "部分"},
    "bc.col.formula": {"en": "weights", "zh": "权重公式"},
    "bc.col.weights": {"en": "weights, counted", "zh": "权重个数"},
    "bc.col.biases": {"en": "biases", "zh": "偏置个数"},
    "bc.col.flops": {"en": "FLOPs at n = {n}", "zh": "n = {n} 时的 FLOPs"},
    "bc.params.caption": {
        "en": "Counted from the weight tensors the run timed. Attention: W_Q, W_K, W_V and W_O, each d × d whatever the "
        "number of heads (h heads of d/h split one d × d matrix); FFN: W_1 (d_ff × d) and W_2 (d × d_ff). At d = {d} and "
        "d_ff = {d_ff}: {p_attn} against {p_ffn}, the FFN {p_ratio} times attention's. The last column: attention's "
        "projections + core against the FFN at n = {n} (a multiply-add is 2 FLOPs, matrix products only).",
        "zh": "由本次计时所用的权重张量数出。注意力：W_Q、W_K、W_V 和 W_O，无论几个头都各为 d × d（h 个 d/h 的头只是把一个 d × d "
        "矩阵切开）；前馈网络：W_1（d_ff × d）和 W_2（d × d_ff）。d = {d}、d_ff = {d_ff} 时：{p_attn} 对 {p_ffn}，前馈网络是注意力的 "
        "{p_ratio} 倍。最后一列：n = {n} 时注意力的投影 + 核心，与前馈网络的 FLOPs 对比（一次乘加算 2，只统计矩阵乘法）。",
    },
}
