"""Strings of app_pages/architecture.py: lessons encoder (walk-through) and cross-attention."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- lesson encoder (walk-through) ---------------------------------------------------------------
    "walk.step.embed_word": {"en": "word embedding", "zh": "词嵌入"},
    "walk.step.embed_pos": {"en": "position embedding", "zh": "位置嵌入"},
    "walk.step.embed_sum": {"en": "sum of embeddings", "zh": "嵌入之和"},
    "walk.step.x_in": {"en": "block input x", "zh": "块输入 x"},
    "walk.step.q": {"en": "queries Q", "zh": "查询 Q"},
    "walk.step.k": {"en": "keys K", "zh": "键 K"},
    "walk.step.v": {"en": "values V", "zh": "值 V"},
    "walk.step.scores": {"en": "scores QKᵀ/√d_h", "zh": "分数 QKᵀ/√d_h"},
    "walk.step.weights": {"en": "softmax weights", "zh": "softmax 权重"},
    "walk.step.context": {"en": "heads concatenated", "zh": "各头输出拼接"},
    "walk.step.attn_out": {"en": "attention output (W_O)", "zh": "注意力输出（W_O）"},
    "walk.step.resid1": {"en": "x + attention", "zh": "x + 注意力（残差）"},
    "walk.step.ln1": {"en": "LayerNorm 1", "zh": "层归一化 1"},
    "walk.step.ffn_up": {"en": "FFN up (W_1)", "zh": "前馈升维（W_1）"},
    "walk.step.gelu": {"en": "GELU", "zh": "GELU 激活"},
    "walk.step.ffn_down": {"en": "FFN down (W_2)", "zh": "前馈降维（W_2）"},
    "walk.step.resid2": {"en": "LN1 + FFN", "zh": "LN1 + 前馈（残差）"},
    "walk.step.ln2": {"en": "LayerNorm 2 = block output", "zh": "层归一化 2 = 块输出"},
    "walk.group.stream": {"en": "residual stream and LayerNorm", "zh": "残差流与层归一化"},
    "walk.group.attention": {"en": "attention sub-layer", "zh": "注意力子层"},
    "walk.group.ffn": {"en": "feed-forward sub-layer", "zh": "前馈子层"},
    "walk.layer": {"en": "Block (layer)", "zh": "编码器块（层）"},
    "walk.head": {"en": "Head drawn for Q, K, V, scores, weights", "zh": "Q、K、V、分数、权重所显示的头"},
    "walk.step_pick": {"en": "Look inside one step", "zh": "查看某一步的数值"},
    "walk.step": {"en": "step", "zh": "步骤"},
    "walk.formula": {"en": "computation", "zh": "计算"},
    "walk.shape": {"en": "shape", "zh": "形状"},
    "walk.mean": {"en": "mean", "zh": "均值"},
    "walk.std": {"en": "std", "zh": "标准差"},
    "walk.min": {"en": "min", "zh": "最小值"},
    "walk.max": {"en": "max", "zh": "最大值"},
    "walk.norm": {"en": "mean ‖token‖", "zh": "词元向量平均范数"},
    "walk.norm_col": {"en": "mean ‖token‖", "zh": "词元向量平均范数"},
    "walk.flow": {"en": "Your sentence through block {layer}, step by step", "zh": "你的句子逐步流过第 {layer} 个块"},
    "walk.flow_caption": {
        "en": "Each bar is one intermediate of {model}'s block {layer}: the mean L2 norm of a token's vector (for Q, K, V "
        "all heads of the token; for scores and weights its row in every head). T = {T} tokens, D = {D}, H = {H} "
        "heads of Dh = {Dh}, d_ff = {d_ff}. The residual stream grows with each addition and each LayerNorm "
        "brings it back. Hover a bar for its shape, mean and standard deviation.",
        "zh": "每根柱子是 {model} 第 {layer} 个块的一个中间结果：词元向量 L2 范数的平均值（Q、K、V 为该词元在所有头上的向量；"
        "分数与权重为它在每个头中的那一行）。T = {T} 个词元，D = {D}，H = {H} 个头，每头 Dh = {Dh}，d_ff = {d_ff}。"
        "残差流每做一次相加就变大，每个层归一化又把它拉回来。悬停可看形状、均值和标准差。",
    },
    "walk.residual": {"en": "What the residual connection keeps", "zh": "残差连接保留了什么"},
    "walk.cos": {"en": "cosine with the sub-layer's input", "zh": "与子层输入的余弦相似度"},
    "walk.with_res_attn": {"en": "attention: LN(x + attn(x))", "zh": "注意力：LN(x + attn(x))"},
    "walk.no_res_attn": {"en": "attention without residual: LN(attn(x))", "zh": "无残差的注意力：LN(attn(x))"},
    "walk.with_res_ffn": {"en": "FFN: LN(h + ffn(h))", "zh": "前馈：LN(h + ffn(h))"},
    "walk.no_res_ffn": {"en": "FFN without residual: LN(ffn(h))", "zh": "无残差的前馈：LN(ffn(h))"},
    "walk.residual_caption": {
        "en": "Per token, how much each sub-layer's output still points the way its input did (1 = same direction). With "
        "the residual: {cos_attn} (attention) and {cos_ffn} (FFN) on average; without it, the bare sub-layer output: "
        "{cos_attn_bare} and {cos_ffn_bare}. The updates are {attn_ratio} (attention) and {ffn_ratio} (FFN) times "
        "the norm of the vector they are added to: each sub-layer nudges the token, it does not replace it.",
        "zh": "对每个词元，子层输出与它的输入方向还有多接近（1 = 同向）。有残差时平均为 {cos_attn}（注意力）和 {cos_ffn}（前馈）；"
        "去掉残差、只看子层输出时为 {cos_attn_bare} 和 {cos_ffn_bare}。两个子层的更新量分别是被加向量范数的 {attn_ratio}"
        " 倍（注意力）和 {ffn_ratio} 倍（前馈）：每个子层只是推动词元一下，而不是替换它。",
    },
    "walk.ln": {"en": "What LayerNorm 1 does to each token", "zh": "层归一化 1 对每个词元做了什么"},
    "walk.ln_std": {"en": "standard deviation over the D features", "zh": "D 个特征上的标准差"},
    "walk.ln_in": {"en": "input x + attn(x)", "zh": "输入 x + attn(x)"},
    "walk.ln_hat": {"en": "normalised (x − μ)/σ", "zh": "归一化后 (x − μ)/σ"},
    "walk.ln_out": {"en": "output γ·x̂ + β", "zh": "输出 γ·x̂ + β"},
    "walk.ln_caption": {
        "en": "Each token is normalised on its own, over its {D} features (no statistics across tokens or sentences): "
        "after (x − μ)/σ every token has mean 0 and standard deviation 1, then the learned γ and β (γ from {gamma_min} "
        "to {gamma_max}, β from {beta_min} to {beta_max}) give the output a standard deviation between {out_min} "
        "and {out_max}.",
        "zh": "每个词元在自己的 {D} 个特征上单独归一化（不跨词元、不跨句子统计）：经过 (x − μ)/σ 后每个词元均值为 0、"
        "标准差为 1，随后学到的 γ 和 β（γ 从 {gamma_min} 到 {gamma_max}，β 从 {beta_min} 到 {beta_max}）"
        "使输出的标准差落在 {out_min} 到 {out_max} 之间。",
    },
    "walk.detail_caption": {
        "en": "{step}: {formula}, shape {shape}; mean {mean}, std {std}, from {min} to {max}. Left: the first {k} features "
        "of each token (for Q, K, V: of head {head}; scores and weights: head {head}'s map). Right: all {n} values.",
        "zh": "{step}：{formula}，形状 {shape}；均值 {mean}，标准差 {std}，范围 {min} 到 {max}。左图：每个词元的前 {k} 个特征"
        "（Q、K、V 为第 {head} 个头的；分数与权重为第 {head} 个头的图）。右图：全部 {n} 个数值的分布。",
    },
    "walk.gelu_caption": {
        "en": "GELU: {negative} of the FFN's {n} pre-activations are negative (ReLU would set them all to 0); GELU maps "
        "them into [−0.17, 0), the smallest here {min}; {small} of its outputs are within ±0.05 of 0.",
        "zh": "GELU：前馈层 {n} 个激活前的值中有 {negative} 为负（ReLU 会把它们全部置 0）；GELU 把它们映射到 [−0.17, 0)，"
        "这里最小为 {min}；{small} 的输出落在 0 的 ±0.05 之内。",
    },
    "walk.feature": {"en": "feature", "zh": "特征"},
    "walk.value": {"en": "value", "zh": "数值"},
    "walk.rel": {"en": "value / 99th percentile of |value| (clipped)", "zh": "数值 / |数值| 的第 99 百分位（截断）"},
    "walk.count": {"en": "count", "zh": "个数"},
    "walk.from": {"en": "from", "zh": "从"},
    "walk.to": {"en": "to", "zh": "到"},
    # --- lesson cross-attention (app_pages/architecture.py) ---
    "xattn.axis.out": {"en": "output step (the character written)", "zh": "输出步（写出的字符）"},
    "xattn.axis.src": {"en": "source word (encoder output)", "zh": "源端单词（编码器输出）"},
    "xattn.mean": {"en": "mean of the heads", "zh": "各头平均"},
    "xattn.head": {"en": "head", "zh": "头"},
    "xattn.right": {"en": "correct", "zh": "正确"},
    "xattn.eos.yes": {"en": "(the last one writes `<eos>`)", "zh": "（最后一步写出 `<eos>`）"},
    "xattn.eos.no": {"en": "(stopped at the length limit before writing `<eos>`)",
                     "zh": "（到长度上限时停止，没有写出 `<eos>`）"},
    "xattn.wrong": {"en": "wrong", "zh": "错误"},
    "xattn.held_yes": {"en": "one of the held-out numbers the model never saw in training",
                       "zh": "属于训练中从未出现过的留出数字"},
    "xattn.held_no": {"en": "a number from the training range (not one of the held-out ones)",
                      "zh": "不属于留出集（训练时可能见过）"},
    "walk.fig.cos_attn": {"en": "Attention: cos with / without residual", "zh": "注意力前后 cos：有 / 无残差"},
    "walk.fig.cos_ffn": {"en": "FFN: cos with / without residual", "zh": "前馈网络前后 cos：有 / 无残差"},
    "walk.fig.cos_help": {
        "en": "Cosine similarity between a token's vector before and after the sublayer, median over the {T} "
        "tokens (1: same direction).",
        "zh": "子层前后同一词元向量的余弦相似度，取 {T} 个词元的中位数（1 表示方向不变）。",
    },
    "walk.fig.gelu": {"en": "FFN values negative after GELU", "zh": "GELU 后为负的前馈激活"},
    "walk.fig.gelu_help": {
        "en": "Share of the FFN's hidden values below 0 after GELU (ReLU would make it 0); the smallest is {min}.",
        "zh": "GELU 之后前馈网络隐藏值小于 0 的比例（ReLU 会让它为 0）；最小值为 {min}。",
    },
    "xattn.fig.peak": {"en": "Largest cross-attention weight, mean", "zh": "交叉注意力最大权重的平均值"},
    "xattn.fig.peak_help": {
        "en": "For each output step, the weight of the source word it looks at most, averaged over the steps.",
        "zh": "每个输出步骤中最受关注的源词所得的权重，对所有步骤取平均。",
    },
    "xattn.fig.prob": {"en": "Confidence per output step", "zh": "每个输出步骤的置信度"},
    "xattn.fig.prob_help": {
        "en": "The probability the model gave the token it wrote, averaged over the output steps.",
        "zh": "模型给它写出的词元的概率，对所有输出步骤取平均。",
    },
    "xattn.fig.accuracy": {"en": "Held-out accuracy", "zh": "留出集准确率"},
    "xattn.fig.accuracy_help": {
        "en": "Exact translations of the {count} numbers kept out of training.",
        "zh": "训练时留出的 {count} 个数中，完全翻译正确的比例。",
    },
    "xattn.input": {"en": "A number: digits or English words", "zh": "一个数：阿拉伯数字或英文单词"},
    "xattn.input_help": {
        "en": "A whole number from {lo} to {hi}: 305, 99,999 or \"three hundred and five\". Press Enter to translate.",
        "zh": "{lo} 到 {hi} 之间的整数：305、99,999 或“three hundred and five”。按回车翻译。",
    },
    "xattn.layer": {"en": "Decoder layer", "zh": "解码器层"},
    "xattn.no_place": {"en": "this number writes none of them", "zh": "这个数没有写出这类字"},
    "xattn.head_pick": {"en": "Head", "zh": "注意力头"},
    "xattn.limits": {
        "en": "Limits: numbers {lo}–{hi}, at most {chars} characters typed.",
        "zh": "上限：数的范围 {lo}–{hi}，输入最多 {chars} 个字符。",
    },
    "xattn.err.range": {"en": "That number is outside the model's range, {lo} to {hi}.",
                        "zh": "这个数超出了模型的范围（{lo} 到 {hi}）。"},
    "xattn.err.words": {"en": "That is not a number in English words (e.g. \"three hundred and five\").",
                        "zh": "这不是用英文单词写的数（例如“three hundred and five”）。"},
    "xattn.err.chinese": {"en": "That is not a Chinese numeral in the standard form (e.g. 三百零五).",
                          "zh": "这不是标准写法的中文数字（例如三百零五）。"},
    "xattn.err.empty": {"en": "Type a whole number from {lo} to {hi}.", "zh": "请输入 {lo} 到 {hi} 之间的整数。"},
    "xattn.err.too_long": {"en": "That text is longer than {chars} characters.", "zh": "输入超过了 {chars} 个字符。"},
    "xattn.err.digits": {"en": "Use the digits 0–9 only, with commas between groups of three if you like.",
                         "zh": "只能使用数字 0–9，可以每三位用逗号分隔。"},
    "xattn.showing_default": {"en": "Showing {number} instead.", "zh": "下面改为显示 {number}。"},
    "xattn.io": {"en": "The encoder reads {number} as {S} English {S:word|words}; the decoder writes Chinese numerals one "
                       "character per step:",
                 "zh": "编码器把 {number} 读成 {S} 个英文单词；解码器每步写出一个中文数字字符："},
    "xattn.reference": {"en": "reference", "zh": "标准答案"},
    "xattn.verdict": {"en": "The model's answer is {verdict}. This number is {held}. On all {count} held-out "
                            "numbers the shipped model's exact-match accuracy is {accuracy}.",
                      "zh": "模型的答案{verdict}。这个数{held}。在全部 {count} 个留出数字上，随附模型的完全匹配准确率为 {accuracy}。"},
    "xattn.map_title": {"en": "Cross-attention, decoder layer {layer}, {shown}",
                        "zh": "交叉注意力：解码器第 {layer} 层，{shown}"},
    "xattn.map_caption": {
        "en": "Row t: the weights with which the step that wrote character t read the encoder's words (each row "
        "sums to 1; its largest weight framed). The model has {layers} decoder layers × {heads} heads; on average "
        "the largest weight in a row of this map is {peak}.",
        "zh": "第 t 行：写出第 t 个字符的那一步对编码器各单词的注意力权重（每行和为 1，最大者加框）。"
        "模型有 {layers} 个解码器层 × {heads} 个头；这张图每行最大权重的平均值为 {peak}。",
    },
    "xattn.steps_title": {"en": "Step by step", "zh": "逐步解码"},
    "xattn.col.step": {"en": "step", "zh": "步"},
    "xattn.col.token": {"en": "written", "zh": "输出"},
    "xattn.col.prob": {"en": "probability", "zh": "概率"},
    "xattn.col.looks": {"en": "looks most at", "zh": "最关注的词"},
    "xattn.col.weight": {"en": "weight", "zh": "权重"},
    "xattn.steps_caption": {
        "en": "The encoder ran once over the {S} {S:word|words}. Cross-attention's keys and values depend on "
        "{S:that word|those words} alone, so a decoder can project them once per layer ({kv} projections in all) and "
        "let {N:its one step read them|all {N} steps read the same ones}; only the query changes from step to step.",
        "zh": "编码器只对这 {S} 个单词运行一次。交叉注意力的键和值只取决于这些单词，所以解码器每层只需投影一次"
        "（共 {kv} 次），全部 {N} 步读取同一份；每一步变化的只有查询。",
    },
}
