"""Strings of app_pages/scaling.py: lesson scaling (why divide by sqrt(d_k))."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
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
        "en": "One query's weights, unscaled and scaled",
        "zh": "一个查询的权重：不缩放与缩放",
    },
    "scaling.weights.x": {"en": "key rank by weight (log scale)", "zh": "键按权重的排名（对数坐标）"},
    "scaling.weights.y": {"en": "weight", "zh": "权重"},
    "scaling.weights.rank": {"en": "key rank", "zh": "键的排名"},
    "scaling.weights.caption": {
        "en": "One query only, the first of the {queries}, against the same {n} keys at d_k = {dk}: unscaled, its "
        "top key takes {top_raw} of the weight; scaled, {top_scaled}. Uniform would give each key {uniform}. "
        "The 30-second answer quotes the mean over all {queries} queries, so its figures differ from this one query's.",
        "zh": "这里只画一个查询（{queries} 个查询中的第一个），d_k = {dk}，同一组 {n} 个键：不缩放时，它权重最大的键拿走 "
        "{top_raw}；缩放后为 {top_scaled}。均匀分布时每个键为 {uniform}。30 秒回答引用的是全部 {queries} 个查询的平均值，"
        "所以和这一个查询的数字不同。",
    },
    # headline figures (the strip under the short answer)
    "scaling.fig.var": {"en": "Var(q·k) at d_k = {dk}", "zh": "d_k = {dk} 时 Var(q·k)"},
    "scaling.fig.var_help": {
        "en": "Sampled over {pairs} query–key pairs; theory d_k·σ⁴ = {theory}.",
        "zh": "由 {pairs} 对查询与键采样得到；理论值 d_k·σ⁴ = {theory}。",
    },
    "scaling.fig.var_scaled": {"en": "Var after ÷√d_k", "zh": "除以 √d_k 后的方差"},
    "scaling.fig.var_scaled_help": {
        "en": "The same pairs, scores divided by √d_k; theory σ⁴.",
        "zh": "同样的向量对，分数除以 √d_k；理论值 σ⁴。",
    },
    "scaling.fig.jac": {"en": "Softmax gradient, unscaled → scaled", "zh": "softmax 梯度：不缩放 → 缩放"},
    "scaling.fig.jac_help": {
        "en": "‖diag(p) − ppᵀ‖_F, the softmax Jacobian's size, mean over {queries} queries. Near 0, "
        "no gradient reaches the scores.",
        "zh": "‖diag(p) − ppᵀ‖_F，即 softmax 雅可比矩阵的大小，{queries} 个查询的平均值。接近 0 时，"
        "梯度几乎传不到分数上。",
    },
    "scaling.fig.ent": {"en": "Entropy (nats), unscaled → scaled", "zh": "熵（奈特）：不缩放 → 缩放"},
    "scaling.fig.ent_help": {
        "en": "Mean over {queries} queries; uniform attention over {n} keys has log n = {ent_max}.",
        "zh": "{queries} 个查询的平均值；对 {n} 个键均匀关注时为 log n = {ent_max}。",
    },
    "scaling.float64_note": {
        "en": "Components are sampled in float32; scores, softmax and statistics are computed in float64 "
        "(unscaled scores at large d_k underflow float32 weights).",
        "zh": "分量以 float32 采样；分数、softmax 和各项统计量用 float64 计算"
        "（d_k 较大时不缩放的分数会让 float32 权重下溢）。",
    },
}
