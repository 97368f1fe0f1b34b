"""Strings of app_pages/masks.py: lessons padding-mask, batch-lengths, causal-mask and residual-leak."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- lesson padding-mask ---------------------------------------------------------------------------
    "mh.padmass.scale": {"en": "weight on padding", "zh": "落在填充上的权重"},
    "pad.sentences": {"en": "Your sentences, one per line", "zh": "你的句子，每行一句"},
    "pad.sentences_help": {
        "en": "1 to {n} sentences of different lengths; they are padded to the longest plus the extra padding.",
        "zh": "1 到 {n} 个长度不同的句子；它们会被填充到最长句子的长度，再加上额外的填充。",
    },
    "pad.extra": {"en": "Extra pad tokens after the longest", "zh": "最长句子之后的额外填充词元数"},
    "pad.layer": {"en": "Layer", "zh": "层"},
    "pad.head": {"en": "Head", "zh": "头"},
    "pad.batch": {
        "en": "The batch: {B} {B:row|rows} × T = {T} positions ({real} real tokens, {pad} pad {pad:token|tokens} “{pad_piece}”). "
        "Lengths {lengths}. The maps show sentence {index}, the shortest.",
        "zh": "这个批次：{B} 行 × T = {T} 个位置（{real} 个真实词元，{pad} 个填充词元“{pad_piece}”）。"
        "各句长度 {lengths}。下图显示第 {index} 句，即最短的一句。",
    },
    "pad.too_many": {"en": "Only the first {n} lines are used.", "zh": "只使用前 {n} 行。"},
    "pad.fig.worst": {"en": "Worst output change, no mask", "zh": "无掩码时输出的最大变化"},
    "pad.fig.worst_help": {
        "en": "Largest |Δ| of any real token's last-layer output, over the {n} sentences, when {extra} more pad "
        "tokens are added without the padding mask.",
        "zh": "不用填充掩码、再加 {extra} 个填充词元时，{n} 个句子中任一真实词元最后一层输出的最大 |Δ|。",
    },
    "pad.fig.mass_max": {"en": "Most pad-attentive head, no mask", "zh": "无掩码时最关注填充的头"},
    "pad.fig.mass_max_help": {
        "en": "The largest share of attention weight that real tokens give to pad tokens, over every layer and head.",
        "zh": "在所有层和头中，真实词元分给填充词元的注意力权重的最大比例。",
    },
    "pad.fig.pads": {"en": "Pad cells in the batch", "zh": "批次中的填充位置"},
    "pad.fig.pads_help": {
        "en": "Pad tokens out of all the (sentence, position) cells of the padded batch tensor.",
        "zh": "补齐后的批次张量中，填充词元占全部（句子，位置）单元的数量。",
    },
    "batch.fig.attn": {"en": "Attention cells wasted: {strategy}", "zh": "浪费的注意力单元：{strategy}"},
    "batch.fig.attn_help": {
        "en": "Share of the T × T attention scores computed for pad tokens (as a query or as a key).",
        "zh": "T × T 注意力分数中，涉及填充词元（作为查询或键）的比例。",
    },
    "causal.fig.at_p": {"en": "Change at p = {p} itself", "zh": "位置 p = {p} 本身的变化"},
    "causal.fig.at_p_help": {
        "en": "Largest |Δ logit| at the position whose token was replaced, with the causal mask.",
        "zh": "带因果掩码时，被替换词元所在位置 logit 的最大 |Δ|。",
    },
    "causal.fig.first": {"en": "Change at position 0, no mask", "zh": "无掩码时位置 0 的变化"},
    "causal.fig.first_help": {
        "en": "Largest |Δ logit| at the first position when the mask is removed: it now reads the token at p = {p}.",
        "zh": "去掉掩码后，第一个位置 logit 的最大 |Δ|：它现在能读到 p = {p} 处的词元。",
    },
    "causal.fig.future_max": {"en": "Most future-reading head ({where})", "zh": "最依赖未来的头（{where}）"},
    "causal.fig.future_max_help": {
        "en": "Without the mask, the largest share of a head's attention on later tokens, over {layers} layers × "
        "{heads} heads.",
        "zh": "去掉掩码后，{layers} 层 × {heads} 个头中，单个头落在后面词元上的注意力的最大比例。",
    },
    "leak.fig.emb": {"en": "Embedding change at p = {p}", "zh": "位置 p = {p} 的嵌入变化"},
    "leak.fig.emb_help": {
        "en": "Largest |Δ| of the input embedding at the replaced position; at every other position it is {other}.",
        "zh": "被替换位置输入嵌入的最大 |Δ|；其他所有位置为 {other}。",
    },
    "leak.fig.logits": {"en": "Logit change before p = {p}, no mask", "zh": "p = {p} 之前 logit 的变化：无掩码"},
    "leak.fig.logits_help": {
        "en": "Largest |Δ logit| at the positions before p = {p} when the mask is removed.",
        "zh": "去掉掩码后，p = {p} 之前各位置 logit 的最大 |Δ|。",
    },
    "leak.fig.first": {"en": "First sub-step that leaks, no mask", "zh": "无掩码时最先泄漏的子步骤"},
    "leak.fig.first_value": {"en": "L{layer} · {step}", "zh": "第 {layer} 层 · {step}"},
    "leak.fig.first_help": {
        "en": "The first (layer, sub-step) where a position before p changes once the mask is removed, by {value}.",
        "zh": "去掉掩码后，p 之前的某个位置第一次发生变化的（层，子步骤），变化为 {value}。",
    },
    "batch.fig.tps": {"en": "Real tokens/s: {strategy}", "zh": "每秒真实词元：{strategy}"},
    "batch.fig.tps_help": {
        "en": "Real (not pad) tokens encoded per second, median of the timed passes on {device}.",
        "zh": "每秒编码的真实词元数（不含填充），取在{device}上计时各轮的中位数。",
    },
    "pad.masked": {"en": "With the padding mask", "zh": "使用填充掩码"},
    "pad.unmasked": {"en": "Without it: pads attended", "zh": "不用掩码：填充也被关注"},
    "pad.maps_caption": {
        "en": "Layer {layer}, head {head}. With the mask every pad column is exactly 0; without it the real tokens "
        "put {mass} of their weight on the pads on average (this head), up to {mass_max} in some head.",
        "zh": "第 {layer} 层第 {head} 个头。使用掩码时每个填充列严格为 0；不用掩码时，真实词元平均把 {mass} 的权重"
        "放在填充上（这个头），在某些头中最高达 {mass_max}。",
    },
    "pad.mass": {"en": "Weight the real tokens put on padding without the mask", "zh": "不用掩码时真实词元放在填充上的权重"},
    "pad.diff": {"en": "Does padding change the real tokens' outputs?", "zh": "填充会改变真实词元的输出吗？"},
    "pad.col.sentence": {"en": "sentence", "zh": "句子"},
    "pad.col.tokens": {"en": "real tokens", "zh": "真实词元"},
    "pad.col.masked": {"en": "max |Δ| with the mask", "zh": "使用掩码时的最大 |Δ|"},
    "pad.col.unmasked": {"en": "max |Δ| without it", "zh": "不用掩码时的最大 |Δ|"},
    "pad.diff_caption": {
        "en": "Each sentence alone against the same sentence in the padded batch: the largest change of any of its "
        "real tokens' final hidden states (values of order 1). With the mask: {verdict}; without it the pads leak "
        "into the tokens of every padded sentence.",
        "zh": "每个句子单独运行，与它在填充后的批次中运行相比：其任一真实词元最终隐藏状态的最大变化（数值量级约为 1）。"
        "使用掩码时：{verdict}；不用掩码时，填充会渗入每个被填充句子的词元。",
    },
    # what the measurement came to, filled into the card and the captions
    "pad.verdict.exact": {"en": "bit for bit equal", "zh": "逐位相同"},
    "pad.verdict.rounding": {"en": "{dtype} rounding", "zh": "{dtype} 舍入误差"},
    "pad.verdict.beyond": {"en": "more than {dtype} rounding", "zh": "超出了 {dtype} 舍入误差"},
    "pad.row": {"en": "A query with every key masked", "zh": "所有键都被掩码的查询"},
    "pad.row.scores": {"en": "scores q·k/√d", "zh": "分数 q·k/√d"},
    "pad.fill.same": {"en": "the same", "zh": "相同的"},
    "pad.fill.differ": {"en": "different", "zh": "不同的"},
    "pad.row.neg_inf": {"en": "softmax, masked with −inf", "zh": "softmax，用 −inf 掩码"},
    "pad.row.neg_1e9": {"en": "softmax, masked with −1e9 (a common choice)", "zh": "softmax，用 −1e9 掩码（常见做法）"},
    "pad.row.finite_min": {"en": "softmax, masked with {dtype} min", "zh": "softmax，用 {dtype} 最小值掩码"},
    "pad.row.core": {"en": "this app's attention (tf_core)", "zh": "本应用的注意力（tf_core）"},
    "pad.row.key": {"en": "key", "zh": "键"},
    "pad.out.nan": {"en": "NaN (0/0)", "zh": "NaN（0/0）"},
    "pad.out.zeros": {"en": "zeros", "zh": "全零"},
    "pad.out.uniform": {"en": "a uniform {v}", "zh": "均匀的 {v}"},
    "pad.out.other": {"en": "non-zero values (up to {v})", "zh": "非零的值（最大 {v}）"},
    "pad.row_caption": {
        "en": "The last query of sentence {index} against {k} {k:key, masked|keys, all masked}, live at layer {layer}, head {head}: "
        "−inf gives {out_neg_inf}, a large negative number gives a uniform row over the pads (not zeros), and this "
        "app's core returns {out_core} (weights and output). A NaN row can also poison real tokens in the next layer "
        "(0 × NaN = NaN): {nan_spreads}.",
        "zh": "第 {index} 句的最后一个查询对 {k} 个全被掩码的键，在第 {layer} 层第 {head} 个头上实时计算：−inf 得到 "
        "{out_neg_inf}，很大的负数得到在填充上均匀分布的一行（而不是全零），本应用的核心返回{out_core}（权重和输出）。"
        "NaN 行还可能在下一层污染真实词元（0 × NaN = NaN）：{nan_spreads}。",
    },
    "pad.nan.yes": {"en": "checked live, it does", "zh": "实时验证，确实如此"},
    "pad.nan.no": {"en": "checked live, here it does not", "zh": "实时验证，这里没有"},
    "pad.convention": {
        "en": "Convention on this page: True = may attend (as PyTorch's scaled_dot_product_attention); masked scores "
        "are set to −inf. Another common convention: True = masked, filled with −1e9.",
        "zh": "本页约定：True = 可以关注（与 PyTorch 的 scaled_dot_product_attention 相同）；被掩码的分数设为 −inf。"
        "另一种常见约定：True = 被掩码，并填 −1e9。",
    },
    # --- lesson batch-lengths -------------------------------------------------------------------------
    "batch.n": {"en": "Sentences (drawn from a bundled set)", "zh": "句子数（从内置句子集中抽取）"},
    "batch.size": {"en": "Batch size", "zh": "批大小"},
    "batch.pool": {"en": "Bucketing pool (batches sorted together)", "zh": "分桶池（一起排序的批次数）"},
    "batch.seed": {"en": "Shuffle seed", "zh": "打乱的随机种子"},
    "batch.running": {"en": "Timing the encoder on the three batchings…", "zh": "正在对三种分批方式计时…"},
    "batch.real": {"en": "sentence tokens", "zh": "句子本身的词元"},
    "batch.pad": {"en": "pad tokens", "zh": "填充词元"},
    "batch.batch": {"en": "batch", "zh": "批次"},
    "batch.tokens": {"en": "tokens (B × T)", "zh": "词元数（B × T）"},
    "batch.speed.faster": {"en": "{x}× faster", "zh": "吞吐量是随机分批的 {x} 倍"},
    "batch.speed.slower": {"en": "slower this time: {x}× the speed", "zh": "这次反而更慢：吞吐量是随机分批的 {x} 倍"},
    "batch.speed.same": {"en": "about as fast: {x}×", "zh": "速度相当：{x} 倍"},
    "batch.strategy.random": {"en": "Random batches", "zh": "随机分批"},
    "batch.strategy.sorted": {"en": "Sorted by length", "zh": "按长度排序"},
    "batch.strategy.bucketed": {"en": "Bucketed (sorted within a pool, batches shuffled)", "zh": "分桶（池内排序，批次打乱）"},
    "batch.strategy.fixed": {"en": "Fixed length {T} for every batch", "zh": "所有批次固定长度 {T}"},
    "batch.col.strategy": {"en": "batching", "zh": "分批方式"},
    "batch.col.pad": {"en": "padding", "zh": "填充占比"},
    "batch.col.attn": {"en": "attention cells (B·T²)", "zh": "注意力分数格数（B·T²）"},
    "batch.col.tps": {"en": "real tokens / s", "zh": "真实词元 / 秒"},
    "batch.col.ms": {"en": "time (ms, median)", "zh": "耗时（毫秒，中位数）"},
    "batch.col.attn_share": {"en": "attention share of FLOPs", "zh": "注意力占 FLOPs 的比例"},
    "batch.flops_caption": {"en": "Attention's share of the FLOPs, T / (T + T*) for T tokens with T* = 2d + d_ff = {n_star} "
                            "for {model}: {share_random} with random batches, {share_sorted} sorted.",
                            "zh": "注意力占 FLOPs 的比例：T 个词元为 T / (T + T*)，{model} 的 T* = 2d + d_ff = {n_star}；"
                            "随机分批为 {share_random}，按长度排序为 {share_sorted}。"},
    "batch.caption": {
        "en": "{n} {n:sentence|sentences} of {min_len} to {max_len} tokens, batches of {bs}, each batch padded to its own longest "
        "sentence (dynamic padding), forward passes of {model} timed on {device} (median of {repeats}). "
        "Padding every batch to {fixed} tokens would waste {pad_fixed}.",
        "zh": "{n} 个句子，长度 {min_len} 到 {max_len} 个词元，批大小 {bs}，每个批次只填充到本批最长句子（动态填充），"
        "在 {device} 上对 {model} 的前向计算计时（{repeats} 次取中位数）。若每个批次都填充到 {fixed} 个词元，将浪费 {pad_fixed}。",
    },
    # --- lessons causal-mask and residual-leak (page masks; a decoder: SmolLM2 or the tiny GPT) -------
    "causal.running": {
        "en": "Running {model} on your prompt and on the changed copy, with and without the mask…",
        "zh": "正在用 {model} 运行你的提示词和改动后的副本，分别加掩码和不加掩码…",
    },
    "causal.word": {"en": "Replacement word", "zh": "替换成的词"},
    "causal.word_auto": {"en": "automatic", "zh": "自动"},
    "causal.word_help": {
        "en": "The token at position p is replaced by this word's first token (it keeps the leading space of the "
        "token it replaces). Empty: an automatic choice.",
        "zh": "位置 p 上的词元会被替换成这个词的第一个词元（保留被替换词元前面的空格）。留空则自动选择。",
    },
    "causal.pos": {"en": "Position p of the token to change", "zh": "要改动的词元位置 p"},
    "causal.pos_help": {
        "en": "Positions count from 0. Everything before p is what must stay unchanged; position 0 has nothing "
        "before it, so p starts at 1.",
        "zh": "位置从 0 开始计数。p 之前的所有位置都应保持不变；位置 0 之前没有任何位置，所以 p 从 1 开始。",
    },
    "causal.pos_only": {
        "en": "Your prompt has two tokens: p = 1 is the only position with one before it.",
        "zh": "你的提示词只有两个词元：p = 1 是唯一一个前面还有位置的位置。",
    },
    "causal.layer_slider": {"en": "Layer of the attention map", "zh": "注意力图所在的层"},
    "causal.head_slider": {"en": "Head of the attention map", "zh": "注意力图所在的头"},
    "causal.limits": {
        "en": "Limits: {chars} characters of prompt, its first {tokens} tokens; {word} characters of replacement word.",
        "zh": "上限：提示词 {chars} 个字符，只取前 {tokens} 个词元；替换词 {word} 个字符。",
    },
    "causal.unknown_chars": {
        "en": "None of the prompt's characters is in {model}'s vocabulary (it was trained on English text only): "
        "the experiment below runs on the English default prompt. Type an English prompt, or choose SmolLM2.",
        "zh": "提示词中的字符都不在 {model} 的词表里（它只用英文文本训练过）：下面的实验改用英文默认提示词。"
        "请输入英文提示词，或改选 SmolLM2。",
    },
    "causal.empty": {
        "en": "The prompt is empty: the experiment below runs on the default prompt. Type a sentence above.",
        "zh": "提示词为空：下面的实验改用默认提示词。请在上面输入一个句子。",
    },
    "causal.no_token": {
        "en": "The prompt gives no token (the tokenizer drops its characters): the experiment below runs on the "
        "default prompt.",
        "zh": "这个提示词得不到任何词元（分词器丢弃了它的字符）：下面的实验改用默认提示词。",
    },
    "causal.one_token": {
        "en": "The prompt is a single token, so there is no earlier position to watch: the experiment below runs on "
        "the default prompt. Type at least two words.",
        "zh": "提示词只有一个词元，前面没有可以观察的位置：下面的实验改用默认提示词。请至少输入两个词。",
    },
    "causal.pos_clamped": {
        "en": "Position {asked} is past the end of this prompt ({T} tokens, positions 1 to {used} can change): "
        "using p = {used}.",
        "zh": "位置 {asked} 超出了这个提示词的末尾（共 {T} 个词元，可改动的位置为 1 到 {used}）：改用 p = {used}。",
    },
    "causal.word_none": {
        "en": "“{word}” gives no token; the automatic replacement is used.",
        "zh": "“{word}”得不到任何词元；改用自动选择的替换词。",
    },
    "causal.word_same": {
        "en": "“{word}” is already the token at position {p}; the automatic replacement is used.",
        "zh": "“{word}”就是位置 {p} 上原有的词元；改用自动选择的替换词。",
    },
    "causal.word_first": {
        "en": "“{word}” is {n} tokens; its first, “{first}”, replaces the token at p.",
        "zh": "“{word}”由 {n} 个词元组成；用它的第一个词元“{first}”替换位置 p 上的词元。",
    },
    "causal.truncated": {
        "en": "The prompt was cut: {n} tokens (or more than the character limit); the first {cap} are used.",
        "zh": "提示词被截断：共 {n} 个词元（或超过了字符上限）；只使用前 {cap} 个。",
    },
    "causal.tokens": {
        "en": "The {T} tokens {model} reads (␣ = space), the original and the copy with position {p} changed from "
        "“{old}” to “{new}” (in brackets):",
        "zh": "{model} 读入的 {T} 个词元（␣ 表示空格）：原文，以及把位置 {p} 从“{old}”换成“{new}”的副本（方括号内）：",
    },
    # verdicts the card words from the run: the largest masked weight, and whether p's change stayed out bit for bit
    "causal.masked.zero": {"en": "exactly 0", "zh": "严格为 0"},
    "causal.masked.max": {"en": "at most {v}", "zh": "不超过 {v}"},
    "causal.exact.yes": {
        "en": "Zero, not $10^{{-7}}$: the two runs have the same shapes, so every kernel sums in the same order, a "
        "masked term contributes $0 \\times v = 0$, and adding 0.0 changes no float.",
        "zh": "是 0 而不是 $10^{{-7}}$：两次运行的张量形状相同，每个算子的求和顺序也相同；被掩码的项贡献 "
        "$0 \\times v = 0$，而加上 0.0 不会改变任何浮点数。",
    },
    "causal.exact.no": {
        "en": "Not bit for bit on this run (largest change {v}): a kernel summed the two runs in different orders. "
        "Compare it with the {bidir} of the run without the mask.",
        "zh": "这次运行并非逐比特不变（最大变化 {v}）：某个算子对两次运行的求和顺序不同。可以与不加掩码时的 {bidir} 比较。",
    },
    "causal.layer": {"en": "layer", "zh": "层"},
    "causal.head": {"en": "head", "zh": "头"},
    "causal.map.title": {"en": "The causal mask", "zh": "因果掩码"},
    "causal.map.allowed": {"en": "may attend (True)", "zh": "可以关注（True）"},
    "causal.map.masked": {"en": "masked: score −∞, weight 0 (False)", "zh": "被掩码：分数 −∞，权重 0（False）"},
    "causal.map.state": {"en": "mask", "zh": "掩码"},
    "causal.map.caption": {
        "en": "{T} × {T}: query i may attend key j when j ≤ i; the {masked} {masked:cell|cells} above the diagonal {masked:is|are} masked. "
        "The framed column is key p = {p}: with the mask only the queries at p and after it can read it.",
        "zh": "{T} × {T}：当 j ≤ i 时查询 i 可以关注键 j；对角线以上的 {masked} 个格子被掩码。"
        "框出的一列是键 p = {p}：加掩码时只有 p 及其之后的查询能读到它。",
    },
    "causal.delta.title": {
        "en": "Largest change of the logits per position when token p is replaced",
        "zh": "替换词元 p 后每个位置 logits 的最大变化",
    },
    "causal.delta.on": {"en": "with the causal mask (decoder)", "zh": "加因果掩码（解码器）"},
    "causal.delta.off": {"en": "without it (every token sees every token)", "zh": "不加掩码（每个词元都能看到所有词元）"},
    "causal.delta.y": {"en": "max |Δ logit| over the vocabulary", "zh": "词表上的最大 |Δ logit|"},
    "causal.delta.position": {"en": "position", "zh": "位置"},
    "causal.delta.caption": {
        "en": "Measured, not assumed: with the mask the largest change at the positions before p = {p} is {before} "
        "(the fused SDPA kernel: {fast}; unchanged bit for bit: {exact}); at p itself {at_p}. Without the mask the "
        "earlier positions move by up to {bidir}: they read the new token.",
        "zh": "这是实测值而非假设：加掩码时，p = {p} 之前各位置的最大变化为 {before}（PyTorch 融合的 SDPA 算子：{fast}；"
        "逐比特不变：{exact}）；p 本身变化 {at_p}。不加掩码时，前面的位置最多变化 {bidir}：它们读到了新词元。",
    },
    "causal.attn.past": {"en": "weight on earlier keys and itself", "zh": "落在之前的键和自身上的权重"},
    "causal.attn.future": {"en": "weight on later keys", "zh": "落在后面的键上的权重"},
    "causal.attn_on": {"en": "Layer {layer}, head {head}, with the mask", "zh": "第 {layer} 层第 {head} 个头，加掩码"},
    "causal.attn_off": {
        "en": "The same head without the mask (as an encoder would)",
        "zh": "同一个头不加掩码（像编码器那样）",
    },
    "causal.attn_caption": {
        "en": "Same weights, same formula; only the mask differs. Blue: weight on earlier keys and the token itself; "
        "orange: weight on later keys; grey: exactly 0. With the mask the largest weight above the diagonal is "
        "{upper_on}; without it head {head} of layer {layer} puts {future} of each row's weight on later tokens "
        "(mean over the queries that have one).",
        "zh": "权重相同，公式相同，只有掩码不同。蓝色：落在之前的键和自身上的权重；橙色：落在后面的键上的权重；灰色：严格为 0。"
        "加掩码时对角线以上的最大权重为 {upper_on}；不加掩码时，第 {layer} 层第 {head} 个头每一行平均有 {future} "
        "的权重落在后面的词元上（对后面还有词元的查询取平均）。",
    },
    "causal.future.title": {
        "en": "Weight each head would put on future tokens without the mask",
        "zh": "不加掩码时每个头会放在未来词元上的权重",
    },
    "causal.future.scale": {"en": "weight on later tokens", "zh": "落在后面词元上的权重"},
    "causal.future.caption": {
        "en": "Every layer × head of {model} on your prompt, run without the mask: the mean weight a query puts on "
        "tokens after it. Mean over all heads {mean}, largest {max} ({where}); the framed cell is the map above "
        "(layer {layer}, head {head}: {future}). With the mask every weight on a later token is {masked}.",
        "zh": "{model} 的每一层 × 每个头在你的提示词上不加掩码运行：一个查询放在它之后的词元上的平均权重。"
        "所有头的平均值为 {mean}，最大为 {max}（{where}）；框出的格子就是上面的注意力图（第 {layer} 层第 {head} 个头：{future}）。"
        "加掩码时落在后面词元上的每个权重都{masked}。",
    },
    "causal.stated": {
        "en": "Stated: {model} was trained with the mask only, so its predictions without it are not good ones. "
        "They show where information can flow, which is the question here.",
        "zh": "说明：{model} 只在加掩码的情况下训练过，所以不加掩码时它的预测并不好。这些数字展示的是信息能流向哪里，这正是本题要问的。",
    },
    "leak.running": {
        "en": "Tracing every sub-step of every block of {model}, with and without the mask…",
        "zh": "正在追踪 {model} 每个块的每个子步骤，分别加掩码和不加掩码…",
    },
    "leak.layer_slider": {"en": "Layer of the per-position profile", "zh": "逐位置剖面所在的层"},
    "leak.step": {"en": "sub-step", "zh": "子步骤"},
    "leak.delta": {"en": "max |Δ| over the features", "zh": "特征上的最大 |Δ|"},
    "leak.step.input": {"en": "block input", "zh": "本层输入"},
    "leak.step.attn_norm": {"en": "{norm} (attn)", "zh": "注意力前的 {norm}"},
    "leak.step.attn": {"en": "attention", "zh": "注意力"},
    "leak.step.resid1": {"en": "x + attention", "zh": "x + 注意力"},
    "leak.step.mlp_norm": {"en": "{norm} (FFN)", "zh": "前馈前的 {norm}"},
    "leak.step.mlp": {"en": "FFN ({ffn})", "zh": "前馈网络（{ffn}）"},
    "leak.step.resid2": {"en": "h + FFN", "zh": "h + 前馈网络"},
    "leak.grid.title": {
        "en": "Largest change at the positions before p = {p}, per layer and sub-step",
        "zh": "p = {p} 之前各位置的最大变化，按层和子步骤",
    },
    "leak.grid.on": {"en": "With the causal mask", "zh": "加因果掩码"},
    "leak.grid.off": {"en": "Without it", "zh": "不加掩码"},
    "leak.grid.caption": {
        "en": "White with 0 means exactly 0.0. With the mask all {cells} values (every layer, sub-step and position "
        "before p = {p}) are at most {before} (unchanged bit for bit: {exact}). Without it the first change appears "
        "at layer {layer}, {step} ({value}), while the {norm} right before it is still {norm0}: attention is the "
        "only step that reads other positions, and from there the residual stream carries the change on.",
        "zh": "白色且标 0 表示严格等于 0.0。加掩码时全部 {cells} 个值（p = {p} 之前每一层、每个子步骤、每个位置）最大为 "
        "{before}（逐比特不变：{exact}）。不加掩码时，第一次变化出现在第 {layer} 层的{step}（{value}），而它之前的 {norm} 仍为 "
        "{norm0}：注意力是唯一读取其他位置的步骤，之后残差流把这个变化继续向后传递。",
    },
    "leak.grid.none": {
        "en": "Nothing changed before p = {p} in either run.",
        "zh": "两次运行中 p = {p} 之前都没有任何变化。",
    },
    "leak.profile.title": {
        "en": "Per-position profile of layer {layer}: every sub-step at every position",
        "zh": "第 {layer} 层的逐位置剖面：每个子步骤在每个位置上的变化",
    },
    "leak.profile.caption": {
        "en": "Layer {layer}; the framed column is p = {p}. Block 0's input is the embeddings: they change at p "
        "({emb_p}) and nowhere else ({emb_other}). With the mask every cell left of p is unchanged bit for bit: {exact}; without it "
        "the change enters at the attention and each residual sum adds it to that same position.",
        "zh": "第 {layer} 层；框出的一列是 p = {p}。第 0 块的输入是词嵌入：只在 p 处变化（{emb_p}），其他位置为 {emb_other}。"
        "加掩码时 p 左边的每个格子是否逐比特不变：{exact}；不加掩码时，变化从注意力进入，每一次残差相加都只把它加到同一个位置上。",
    },
    "leak.table.title": {
        "en": "What each sub-step reads, and its largest change before p over all layers",
        "zh": "每个子步骤读取了什么，以及它在所有层中 p 之前的最大变化",
    },
    "leak.col.step": {"en": "sub-step", "zh": "子步骤"},
    "leak.col.formula": {"en": "at position i", "zh": "在位置 i 上"},
    "leak.col.mixes": {"en": "mixes positions?", "zh": "读取其他位置？"},
    "leak.col.on": {"en": "with the mask", "zh": "加掩码"},
    "leak.col.off": {"en": "without it", "zh": "不加掩码"},
    "leak.col.first": {"en": "leaks from layer", "zh": "首次变化的层"},
    "leak.attn_note": {"en": "   (the mask sets w_ij = 0 for j > i)", "zh": "   （掩码令 j > i 时 w_ij = 0）"},
    "leak.table.caption": {
        "en": "The numbers are the largest over all layers. At the output, the logits before p change by {logits_on} "
        "with the mask and by {logits_off} without it.",
        "zh": "表中数字是所有层中的最大值。在输出端，p 之前的 logits 加掩码时变化 {logits_on}，不加掩码时变化 {logits_off}。",
    },
}
