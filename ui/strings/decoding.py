"""Strings of app_pages/decoding.py: lessons parallelism and kv-cache."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- page decoding: lessons parallelism, kv-cache ---------------------------------------------
    # lesson parallelism
    "par.n": {"en": "Positions n", "zh": "位置数 n"},
    "par.n_help": {
        "en": "How many tokens run in one call, and as how many one-token steps. A prompt shorter than n is repeated.",
        "zh": "一次调用里并行处理多少个词元，以及逐个处理时要走多少步。提示词不足 n 个词元时会重复填充。",
    },
    "par.repeats": {"en": "Timed repeats (median shown)", "zh": "计时重复次数（显示中位数）"},
    "par.repeats_help": {
        "en": "Each repeat times both sides once, alternately; more repeats are steadier on a busy server and take longer.",
        "zh": "每次重复把两种方式各计时一次、交替进行；次数越多，在繁忙的服务器上越稳定，但耗时越长。",
    },
    "par.limits": {
        "en": "Limits: n {n_lo}–{n_hi}, repeats {r_lo}–{r_hi}, prompt at most {chars} characters.",
        "zh": "上限：n 为 {n_lo}–{n_hi}，重复 {r_lo}–{r_hi} 次，提示词最多 {chars} 个字符。",
    },
    "par.running": {
        "en": "Timing one call over {n} positions against {n} one-token steps ({repeats} {repeats:repeat|repeats})…",
        "zh": "正在计时：一次调用处理 {n} 个位置，对比逐步解码 {n} 步（每步一个词元），重复 {repeats} 次…",
    },
    "par.tokens_repeated": {
        "en": "The {n} tokens run: your prompt's {n_prompt}, repeated until there are {n}:",
        "zh": "实际运行的 {n} 个词元：你的提示词有 {n_prompt} 个，重复填充到 {n} 个：",
    },
    "par.tokens_cut": {
        "en": "The {n} tokens run (the first {n} of your prompt):",
        "zh": "实际运行的 {n} 个词元（你的提示词的前 {n} 个）：",
    },
    "par.fig.blocks": {"en": "Time inside the blocks", "zh": "在各层块内的用时占比"},
    "par.fig.blocks_help": {
        "en": "Share of the one call's time spent in its {layers} blocks, each waiting for the one before it; "
        "the rest is the embedding and the output head.",
        "zh": "一次调用的用时中，花在 {layers} 个块上的比例（每个块都要等前一个块算完）；其余是嵌入层和输出头。",
    },
    "par.m_one": {"en": "One call, {n} positions", "zh": "一次调用，{n} 个位置"},
    "par.m_steps": {"en": "{n} one-token steps", "zh": "{n} 步，每步一个词元"},
    "par.m_speedup": {"en": "Steps ÷ one call", "zh": "逐步 ÷ 一次调用"},
    "par.m_diff": {"en": "max |Δ logits|", "zh": "最大 |Δ logits|"},
    "par.m_diff_help": {
        "en": "Largest difference between the two ways' logits at any position; the predicted token agrees at "
        "{same} of {n} positions.",
        "zh": "两种方式在任一位置上 logits 的最大差值；预测的词元在 {n} 个位置中有 {same} 个一致。",
    },
    "par.metrics_caption": {
        "en": "{model}, {repeats:one timed run|medians of {repeats} timed runs} after a warm-up. Both ways compute the same thing: "
        "the next-token prediction at each of the {n} positions, the same token at {same} of {n}; the largest "
        "logit difference is {rel} of the largest logit: {verdict}. {clipped}",
        "zh": "{model}，预热之后计时 {repeats} 次取中位数。两种方式计算的是同一件事：{n} 个位置上各自的下一个词元预测，"
        "{n} 个中有 {same} 个预测出相同的词元；logits 的最大差值是最大 logit 的 {rel}：{verdict}。{clipped}",
    },
    # the verdict on the two ways' logits (tf_core.lab.parallelism: rounding_only)
    "par.diff.rounding": {
        "en": "float rounding in {dtype}, as summing in another order gives (a row times a matrix against a whole block)",
        "zh": "{dtype} 的浮点舍入，即求和顺序不同所致（一行乘矩阵与一整块乘矩阵）",
    },
    "par.diff.beyond": {"en": "more than {dtype} rounding explains", "zh": "超出了 {dtype} 浮点舍入能解释的范围"},
    "par.curve": {"en": "Time per position against n", "zh": "每个位置的耗时随 n 的变化"},
    "par.curve_caption": {
        "en": "One call: {one_lo} ms per position at n = {lo}, {one_hi} ms at n = {hi}: the weights are read once "
        "for all positions and the matrix products keep the arithmetic units busy. One token per step: {step} ms per position at "
        "n = {hi}, changing far less with n, because every step reads every weight again.",
        "zh": "一次调用：n = {lo} 时每个位置 {one_lo} 毫秒，n = {hi} 时 {one_hi} 毫秒：权重只读一遍就服务所有位置，"
        "矩阵乘法让计算单元满载。每步一个词元：n = {hi} 时每个位置 {step} 毫秒，随 n 的变化小得多，因为每一步都要把所有权重重新读一遍。",
    },
    "par.series.one": {"en": "one teacher-forced call over n positions", "zh": "一次教师强制调用，处理 n 个位置"},
    "par.series.steps": {"en": "n one-token steps with the KV cache (generation)",
                         "zh": "逐步解码 n 步，每步一个词元，使用键值缓存（生成时）"},
    "par.curve.x": {"en": "n positions (log scale)", "zh": "位置数 n（对数坐标）"},
    "par.curve.y": {"en": "ms per position", "zh": "每个位置的毫秒数"},
    "par.curve.total": {"en": "ms in all", "zh": "总毫秒数"},
    "par.layers": {"en": "When each block of one call over {n} positions ran", "zh": "一次处理 {n} 个位置的调用中，每个块的运行时段"},
    "par.layers.block": {"en": "decoder block", "zh": "解码器块"},
    "par.layers.head": {"en": "final norm + output head", "zh": "最终归一化 + 输出头"},
    "par.layers.head_short": {"en": "head", "zh": "输出头"},
    "par.layers.x": {"en": "ms since the call began", "zh": "自调用开始的毫秒数"},
    "par.layers.y": {"en": "block", "zh": "块"},
    "par.layers.start": {"en": "starts at (ms)", "zh": "开始于（毫秒）"},
    "par.layers.end": {"en": "ends at (ms)", "zh": "结束于（毫秒）"},
    "par.layers.ms": {"en": "ms", "zh": "毫秒"},
    "par.layers_caption": {
        "en": "A staircase, not a column: each of the {layers} blocks starts when the one before it has finished, "
        "because it reads that block's output. The blocks take {blocks} ms of the call's {call} ms ({share}); "
        "the final norm and the output head the remaining {head} ms.",
        "zh": "是阶梯，不是并排的一列：{layers} 个块中的每一个都要等前一个块结束才开始，因为它读取的正是前一个块的输出。"
        "这些块占了整个调用 {call} 毫秒中的 {blocks} 毫秒（{share}）；其余 {head} 毫秒是最终归一化和输出头。",
    },
    "par.layer_timing": {
        "en": "In one call over these positions the {layers} blocks took {block} ms each on average, strictly in "
        "turn: block 0 took {first} ms from the start, and the last block could only begin at {last_start} ms. "
        "Together they take {blocks} ms of the call's {call} ms ({share}); if they ran side by side, the call "
        "would last about one block.",
        "zh": "在处理这些位置的一次调用中，{layers} 个块平均每个耗时 {block} 毫秒，而且严格依次进行：第 0 块从开始算用了 {first} 毫秒，"
        "最后一块要到 {last_start} 毫秒才能开始。它们合计占了整个调用 {call} 毫秒中的 {blocks} 毫秒（{share}）；"
        "如果各层并排同时运行，整个调用只需大约一个块的时间。",
    },
    # lesson kv-cache
    "kv.new": {"en": "New tokens to generate", "zh": "要生成的新词元数"},
    "kv.new_help": {
        "en": "Greedy decoding with the cache runs them all; without the cache, at most {cap} (its cost grows with the "
        "square of the length).",
        "zh": "使用缓存的贪心解码会全部生成；不用缓存的一侧最多生成 {cap} 个（它的开销随长度的平方增长）。",
    },
    "kv.layer": {"en": "Layer of the no-Q-cache check", "zh": "“无需 Q 缓存”检验所用的层"},
    "kv.layer_help": {
        "en": "Which layer's real keys and values the last attention row is recomputed with (no new decode).",
        "zh": "用哪一层真实的键和值重新计算最后一行注意力（不需要重新解码）。",
    },
    "kv.seed": {"en": "Seed", "zh": "随机种子"},
    "kv.limits": {
        "en": "Limits: {lo}–{hi} new tokens, at most {cap} of them without the cache; the prompt's first {tokens} "
        "tokens, at most {chars} characters.",
        "zh": "上限：新词元 {lo}–{hi} 个，其中不用缓存的一侧最多 {cap} 个；提示词取前 {tokens} 个词元，最多 {chars} 个字符。",
    },
    "kv.running": {
        "en": "Decoding {n} {n:token|tokens} with the KV cache and {k} without it, every step timed…",
        "zh": "正在解码：使用键值缓存生成 {n} 个词元，不用缓存生成 {k} 个，每一步都计时…",
    },
    "kv.running_no_q": {
        "en": "Recomputing the last attention row at layer {layer}…",
        "zh": "正在第 {layer} 层重新计算最后一行注意力…",
    },
    "kv.context_cut": {
        "en": "{model} reads at most {context} positions and the prompt has {T} tokens: {n} new {n:token is|tokens are} "
        "generated instead of {asked}.",
        "zh": "{model} 最多只能读 {context} 个位置，而提示词有 {T} 个词元：因此只生成 {n} 个新词元，而不是 {asked} 个。",
    },
    # verdicts the card words from the run
    "kv.formula.same": {"en": "exactly the bytes measured", "zh": "与实测字节数完全相等"},
    "kv.formula.differ": {"en": "not the bytes measured", "zh": "与实测字节数不相等"},
    "kv.bytes.weights": {
        "en": "At batch 1 and this length the weights, not the cache, are most of what a step reads.",
        "zh": "在批大小 1、这个长度下，每一步读取的字节大头是权重，而不是缓存。",
    },
    "kv.bytes.cache": {
        "en": "Here the cache already holds more bytes than the weights.",
        "zh": "这里缓存的字节数已经超过了权重。",
    },
    "kv.rate_said": {
        "en": "decoding {n} new tokens ran at {cached} tokens per second with the cache, against {uncached} without it.",
        "zh": "解码 {n} 个新词元：用缓存每秒 {cached} 个词元，不用缓存每秒 {uncached} 个。",
    },
    "kv.rate_none": {
        "en": "one new token is only the step that reads the prompt, so there is no decoding rate to compare: ask for two or more.",
        "zh": "只生成一个新词元时，唯一的一步就是读入提示词，没有可比较的解码速度：请至少生成两个。",
    },
    "kv.speed.faster": {"en": "{x}× faster", "zh": "速度是不用缓存的 {x} 倍"},
    "kv.speed.same": {"en": "about the same speed (within 5%): {x}×", "zh": "速度与不用缓存相当（相差在 5% 以内）：{x} 倍"},
    "kv.speed.slower": {"en": "slower this time: {x}× the speed", "zh": "这次反而更慢：速度只有不用缓存的 {x} 倍"},
    "kv.gqa.grouped": {
        "en": "{model} has {heads} query heads sharing {kv} key/value heads. A plain multi-head model of the same "
        "shape would keep one key/value head per query head: {mha} bytes for the same positions, {context_mha} MB "
        "at full context; grouped-query attention saves {saving} of the cache here.",
        "zh": "{model} 有 {heads} 个查询头，共享 {kv} 个键值头。同样形状的普通多头注意力模型每个查询头都有自己的键值头："
        "同样的位置数需要 {mha} 字节，完整上下文需要 {context_mha} MB；这里分组查询注意力省下了缓存的 {saving}。",
    },
    "kv.gqa.mha": {
        "en": "{model} keeps one key/value head per query head (plain multi-head attention), so its cache is not "
        "shrunk. Grouped-query attention lets several query heads share one key/value head: {heads} query heads "
        "sharing g key/value heads need g / {heads} of this cache.",
        "zh": "{model} 每个查询头都有自己的键值头（普通多头注意力），所以缓存没有缩小。分组查询注意力让几个查询头共用一个键值头："
        "{heads} 个查询头共用 g 个键值头时，缓存只需现在的 g / {heads}。",
    },
    "kv.output.same": {
        "en": "No: both decodes chose the same tokens here, and their logits differ by {diff} at most (float "
        "rounding: a step over one new position sums in another order than a pass over the whole text).",
        "zh": "不会：这里两种解码选出了相同的词元，logits 最多相差 {diff}（浮点舍入：只算一个新位置的一步与对整段文本的计算求和顺序不同）。",
    },
    "kv.output.differ": {
        "en": "Not in exact arithmetic; but here float rounding (logits within {diff}) tipped a near tie, and the "
        "two decodes chose different tokens after the first {same} of {k}.",
        "zh": "精确计算下不会；但这里浮点舍入（logits 相差在 {diff} 以内）打破了一个几乎相等的平局，"
        "两种解码在 {k} 个词元中的前 {same} 个之后选出了不同的词元。",
    },
    "kv.prompt_tokens": {"en": "The prompt's {n} {n:token|tokens}:", "zh": "提示词的 {n} 个词元："},
    "kv.generated": {
        "en": "The {n} {n:token|tokens} generated with the cache, as plain text. The decode without the cache chose "
        "the same first {k}: {same}.",
        "zh": "使用缓存生成的 {n} 个词元（纯文本）。不用缓存的解码选出的前 {k} 个词元是否相同：{same}。",
    },
    "kv.m_cached": {"en": "Tokens/s with the cache", "zh": "使用缓存：词元/秒"},
    "kv.m_uncached": {"en": "Tokens/s without it ({k} {k:token|tokens})", "zh": "不用缓存：词元/秒（{k} 个词元）"},
    "kv.fig.step_cached": {"en": "One step with the cache", "zh": "使用缓存时的一步"},
    "kv.fig.step_uncached": {"en": "One step without it", "zh": "不用缓存时的一步"},
    "kv.fig.step_help": {
        "en": "Median time of a decoding step after the first (the first reads the whole prompt on both sides). "
        "The whole run: {rate} tokens/s.",
        "zh": "除第一步外，解码步骤用时的中位数（第一步在两边都要读入整个提示）。整次运行：每秒 {rate} 个词元。",
    },
    "kv.fig.weights": {"en": "Weights' share of bytes per step", "zh": "每步读取字节中权重的占比"},
    "kv.fig.weights_help": {
        "en": "Each cached step reads all the weights ({weights} MB) and the cache; this is the weights' share at the "
        "end of the run.",
        "zh": "使用缓存的每一步都要读全部权重（{weights} MB）和缓存；这是运行结束时权重所占的比例。",
    },
    "kv.m_same": {"en": "Same tokens?", "zh": "词元相同？"},
    "kv.m_same_help": {
        "en": "Largest difference between the two decodes' logits over the common steps: {diff}.",
        "zh": "两种解码在共同步骤上 logits 的最大差值：{diff}。",
    },
    "kv.m_bytes": {"en": "Cache at the end", "zh": "结束时的缓存大小"},
    "kv.m_bytes_help": {
        "en": "KVCache.nbytes measured from the tensors: {bytes} bytes for {positions} {positions:position|positions}.",
        "zh": "由张量本身测得的 KVCache.nbytes：{positions} 个位置共 {bytes} 字节。",
    },
    "kv.steps": {"en": "Time of each decoding step", "zh": "每个解码步骤的耗时"},
    "kv.series.cached": {"en": "with the KV cache: one new position per step", "zh": "使用键值缓存：每步只算一个新位置"},
    "kv.series.uncached": {"en": "without it: the whole text again each step", "zh": "不用缓存：每步把整段文本重算一遍"},
    "kv.steps.x": {"en": "new token", "zh": "新词元序号"},
    "kv.steps.y": {"en": "ms per step", "zh": "每步毫秒数"},
    "kv.steps.token": {"en": "token chosen", "zh": "选出的词元"},
    "kv.steps.run": {"en": "positions computed", "zh": "计算的位置数"},
    "kv.steps.clipped": {"en": "clipped: over {factor}× its neighbours' median", "zh": "已截断：超过相邻步骤中位数的 {factor} 倍"},
    "kv.steps.measured": {"en": "ms measured", "zh": "实测毫秒数"},
    "kv.steps.bound": {"en": "ms drawn and summed (the bound)", "zh": "绘制并计入总和的毫秒数（上限）"},
    # how many timed steps were clipped (tf_core.device.clip_spikes; ui/charts/decoding.py clipped_note)
    "kv.clipped.none": {
        "en": "No step took more than {factor}× the median of its neighbours: every time is drawn and summed as measured.",
        "zh": "没有哪一步的耗时超过相邻步骤中位数的 {factor} 倍：每一步都按实测时间绘制并计入总和。",
    },
    "kv.clipped.some": {
        "en": "{count} {count:step|steps} took more than {factor}× the median of {count:its|their} neighbours (most "
        "likely the machine pausing, not the model): {count:it is|they are} drawn and summed at that bound and marked ▲ "
        "(hover for the time measured); the tokens/s use the clipped sums.",
        "zh": "有 {count} 步的耗时超过相邻步骤中位数的 {factor} 倍（多半是机器卡顿，而不是模型本身）：按这个上限绘制并计入"
        "总和，用 ▲ 标出，悬停可见实测时间；词元/秒按截断后的总和计算。",
    },
    "par.clipped.none": {
        "en": "No one-token step took more than {factor}× the median of its neighbours.",
        "zh": "没有哪个单词元步骤的耗时超过相邻步骤中位数的 {factor} 倍。",
    },
    "par.clipped.some": {
        "en": "{count} one-token {count:step|steps} took more than {factor}× the median of {count:its|their} neighbours "
        "(most likely the machine pausing): {count:it is|they are} summed at that bound.",
        "zh": "有 {count} 个单词元步骤的耗时超过相邻步骤中位数的 {factor} 倍（多半是机器卡顿）：按这个上限计入总和。",
    },
    "kv.steps_caption": {
        "en": "Step 1 reads the {T}-token prompt on both sides. After it, a cached step takes {cached} ms (median), "
        "growing only slowly with the length; an uncached step takes {uncached} ms, because it runs every position again: "
        "{first} ms over its first steps ({pos_first} positions), {last} ms over its last ({pos_last} positions), "
        "medians. The uncached side stops after {k} {k:token|tokens} (cap {cap}). {clipped}",
        "zh": "第 1 步两边都要读入 {T} 个词元的提示词。之后，使用缓存的一步耗时 {cached} 毫秒（中位数），随长度只缓慢增长；"
        "不用缓存的一步耗时 {uncached} 毫秒，因为它每次都把所有位置重算一遍：最初几步（{pos_first} 个位置）为 {first} 毫秒，"
        "最后几步（{pos_last} 个位置）为 {last} 毫秒，均为中位数。不用缓存的一侧在 {k} 个词元后停止（上限 {cap}）。{clipped}",
    },
    "kv.memory": {"en": "Cache size against length", "zh": "缓存大小随长度的变化"},
    "kv.mem.model": {"en": "this model (its key/value heads), formula", "zh": "本模型（按它的键值头数），公式"},
    "kv.mem.mha": {"en": "one key/value head per query head (multi-head), formula", "zh": "每个查询头一个键值头（多头注意力），公式"},
    "kv.mem.measured": {"en": "measured KVCache.nbytes after this decode", "zh": "本次解码后实测的 KVCache.nbytes"},
    "kv.mem.x": {"en": "positions cached (log scale)", "zh": "缓存的位置数（对数坐标）"},
    "kv.mem.y": {"en": "MB (log scale)", "zh": "MB（对数坐标）"},
    "kv.mem.bytes": {"en": "bytes", "zh": "字节"},
    "kv.memory_caption": {
        "en": "2 · {L} layers · {n} {n:position|positions} · {kv} K/V heads · {dh} dims · {b} bytes = {formula} bytes, and the "
        "tensors hold {measured}. With a key/value head for each of the {heads} query heads it would be {mha} "
        "bytes: grouped-query attention saves {saving}.",
        "zh": "2 · {L} 层 · {n} 个位置 · {kv} 个键值头 · {dh} 维 · {b} 字节 = {formula} 字节，张量实际占用 {measured} 字节。"
        "如果 {heads} 个查询头各有一个键值头，将是 {mha} 字节：分组查询注意力省下了 {saving}。",
    },
    "kv.no_q": {"en": "Why no query cache: the newest row reads past keys and values, never past queries",
                "zh": "为什么没有查询缓存：最新一行只读过去的键和值，从不读过去的查询"},
    "kv.q.what": {"en": "change", "zh": "改动"},
    "kv.q.diff": {"en": "max |Δ| of the result", "zh": "结果的最大 |Δ|"},
    "kv.q.zero": {"en": "every past query set to 0 → last attention row", "zh": "把所有过去的查询设为 0 → 最后一行注意力输出"},
    "kv.q.random": {"en": "every past query redrawn at random → last row", "zh": "把所有过去的查询随机重抽 → 最后一行"},
    "kv.q.key": {"en": "one past key redrawn → last row", "zh": "随机重抽一个过去的键 → 最后一行"},
    "kv.q.step": {"en": "cached step (1 query per layer) vs full forward (all queries) → logits",
                  "zh": "缓存的一步（每层 1 个查询）对比完整前向（所有查询）→ logits"},
    "kv.q.cache_key": {"en": "one cached key changed (layer 0) → next logits", "zh": "改动一个缓存的键（第 0 层）→ 下一步的 logits"},
    "kv.q.cache_value": {"en": "one cached value changed (layer 0) → next logits", "zh": "改动一个缓存的值（第 0 层）→ 下一步的 logits"},
    "kv.no_q_caption": {
        "en": "Layer {layer}'s real keys and values of {S} positions, random queries (seed {seed}), causal mask. "
        "The first two rows are exactly 0: the row being computed uses only the newest query. Keys and values "
        "are read at every later step, so they are what a cache must keep.",
        "zh": "使用第 {layer} 层 {S} 个位置的真实键和值、随机查询（种子 {seed}）和因果掩码。前两行严格为 0：正在计算的这一行只用到最新的查询。"
        "键和值在之后的每一步都会被读取，所以缓存必须保存的是它们。",
    },
    "kv.no_q_short": {
        "en": "With a single position there is no past to compare: generate at least two tokens or lengthen the prompt.",
        "zh": "只有一个位置时没有“过去”可以比较：请至少生成两个词元，或加长提示词。",
    },
    "kv.teacher_caption": {
        "en": "Training needs no cache: one forward over the prompt and the generated text reproduces the {k} "
        "cached {k:step's|steps'} logits (max |Δ| {diff}, same predicted tokens: {same}), all positions at once.",
        "zh": "训练不需要缓存：对提示词加生成文本做一次前向计算，就能同时复现 {k} 个缓存步骤的 logits"
        "（最大 |Δ| {diff}，预测的词元是否相同：{same}），所有位置一次完成。",
    },
}
