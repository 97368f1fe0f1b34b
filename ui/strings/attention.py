"""Strings of app_pages/attention.py: lessons multi-head and qk-separate."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- lesson multi-head ---------------------------------------------------------------------------
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
        "zh": "左图：颜色为熵 / log T，0 表示每个查询把全部权重放在一个键上，1 表示均匀分布在全部 {tokens} 个词元上；最集中的头是 "
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
    "mh.fig.sharpest": {"en": "Sharpest head ({head}): entropy", "zh": "最集中的头（{head}）的熵"},
    "mh.fig.broadest": {"en": "Broadest head ({head}): entropy", "zh": "最分散的头（{head}）的熵"},
    "mh.fig.entropy_help": {
        "en": "Mean row entropy in nats, the extremes of the {maps} heads; uniform attention would be "
        "log T = {max_entropy}.",
        "zh": "每行注意力的平均熵（奈特），取 {maps} 个头中的极值；均匀关注时为 log T = {max_entropy}。",
    },
    "mh.fig.distance": {"en": "Mean distance between two heads", "zh": "两个头之间的平均距离"},
    "mh.fig.distance_help": {
        "en": "Hellinger distance between the attention maps of two heads of one layer, averaged over all pairs "
        "(0: the same map, 1: no overlap).",
        "zh": "同一层两个头的注意力图之间的 Hellinger 距离，对所有头对取平均（0 表示完全相同，1 表示毫无重叠）。",
    },
    "mh.fig.ablation": {"en": "Output change without L{layer} H{head}", "zh": "去掉 L{layer} H{head} 后输出的变化"},
    "mh.fig.ablation_help": {
        "en": "‖h′ − h‖ / ‖h‖ of the last layer with this one head zeroed, mean over the tokens (largest {max}).",
        "zh": "把这一个头置零后，最后一层的 ‖h′ − h‖ / ‖h‖，对所有词元取平均（最大为 {max}）。",
    },
    "qk.fig.w_asym": {"en": "Weights' asymmetry, shared W", "zh": "共享 W 时权重的不对称度"},
    "qk.fig.w_asym_help": {
        "en": "‖(P − Pᵀ)/2‖ / ‖P‖ of softmax(S) with W_K := W_Q, mean over the heads: the scores are symmetric, "
        "the weights are not, because softmax normalises each row on its own.",
        "zh": "令 W_K := W_Q 时 softmax(S) 的 ‖(P − Pᵀ)/2‖ / ‖P‖，对所有头取平均：分数是对称的，权重却不是，"
        "因为 softmax 对每一行单独归一化。",
    },
    "qk.fig.asym": {"en": "Asymmetry of the scores: own → shared", "zh": "分数的不对称度：各自 → 共享"},
    "qk.fig.asym_help": {
        "en": "‖(S − Sᵀ)/2‖ / ‖S‖: the mean over the heads with the model's own W_K, the largest over the heads with "
        "W_K := W_Q (only rounding remains).",
        "zh": "‖(S − Sᵀ)/2‖ / ‖S‖：使用模型自己的 W_K 时为各头的平均值，令 W_K := W_Q 时为各头中的最大值（只剩舍入误差）。",
    },
    "attn.auto_help": {
        "en": "\"auto\" picks, from your sentence, the head that puts the least weight on the first token "
        "(which soaks up most of the weight in many heads and says nothing about the sentence).",
        "zh": "“自动”会根据你的句子，挑出放在第一个词元上的权重最少的头（很多头把大部分权重都放在第一个词元上，"
        "这说明不了句子本身）。",
    },
    "attn.auto_note": {
        "en": "Auto picked layer {layer}, head {head}: of the heads it could pick, this one puts the least weight "
        "on the first token {first}, {share} on average.",
        "zh": "自动选中第 {layer} 层第 {head} 个头：在可选的头中，它放在第一个词元 {first} 上的权重最少，平均为 {share}。",
    },
    "attn.first_share": {
        "en": "The first token {first} takes {share} of this head's weight on average, so its column outshines the rest.",
        "zh": "第一个词元 {first} 平均拿走这个头 {share} 的权重，所以它那一列比其他列亮得多。",
    },
    "qk.own": {"en": "own W_Q, W_K", "zh": "各自的 W_Q、W_K"},
    "qk.shared": {"en": "shared: W_K := W_Q", "zh": "共享：W_K := W_Q"},
    "qk.chance": {"en": "chance (1/T)", "zh": "随机基线（1/T）"},
    "qk.rounding.yes": {"en": "which is {dtype} rounding, below d_h·ε = {bound}",
                        "zh": "只是 {dtype} 舍入误差，低于 d_h·ε = {bound}"},
    "qk.rounding.no": {"en": "which is more than {dtype} rounding, d_h·ε = {bound}",
                       "zh": "超出了 {dtype} 舍入误差，d_h·ε = {bound}"},
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
        "随机基线为 {chance}。",
    },
    "qk.bars_caption": {
        "en": "All {heads} heads of layer {layer}: with a shared projection every score matrix is symmetric in exact "
        "arithmetic (asymmetry at most {asym_shared_max}, {verdict}), and on average {diag_shared} of the rows put "
        "their maximum on the token itself, against {diag_own} with the model's own W_K.",
        "zh": "第 {layer} 层的全部 {heads} 个头：共享投影时每个分数矩阵在精确运算下都是对称的（不对称度最多 "
        "{asym_shared_max}，{verdict}）；平均 {diag_shared} 的行最大值落在自身，而模型自己的 W_K 下为 {diag_own}。",
    },
}
