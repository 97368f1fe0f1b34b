"""Strings of app_pages/attention.py: lessons multi-head, qk-separate and dot-vs-additive (app_pages/lessons/dot_vs_additive.py)."""
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
    # --- lesson dot-vs-additive ---------------------------------------------------------------------
    "dva.running": {"en": "Timing dot-product and additive scores at every n…", "zh": "正在对每个 n 计时点积分数与加性分数…"},
    "dva.speed.faster": {"en": "ran {x} times as fast as the additive scores", "zh": "的速度是加性分数的 {x} 倍"},
    "dva.speed.same": {"en": "ran about as fast as the additive scores ({x} times their speed)",
                       "zh": "与加性分数差不多快（速度为其 {x} 倍）"},
    "dva.speed.slower": {"en": "ran slower than the additive scores ({x} times their speed)",
                         "zh": "反而比加性分数慢（速度只有其 {x} 倍）"},
    "dva.n": {"en": "Longest n timed", "zh": "计时的最大 n"},
    "dva.n_help": {"en": "n queries against n keys; the chart times every n of 8, 16, 32, … below it, then n itself. "
                   "The same n is the number of keys in each softmax row of the saturation curves.",
                   "zh": "n 个查询对 n 个键；图中对小于它的 8、16、32……逐一计时，最后是 n 本身。"
                   "饱和曲线中每个 softmax 行的键数也是这个 n。"},
    "dva.dk": {"en": "d_k (query and key width)", "zh": "d_k（查询与键的维度）"},
    "dva.dk_help": {"en": "The width of q and k. The saturation curves run over every power of two up to the cap and mark this one.",
                    "zh": "q 和 k 的维度。饱和曲线覆盖上限以内的所有 2 的幂，并标出这个值。"},
    "dva.da": {"en": "d_a (additive hidden width)", "zh": "d_a（加性注意力的隐藏维度）"},
    "dva.da_help": {"en": "The width of W₁q + W₂k and of v: additive attention builds an n × n × d_a tensor.",
                    "zh": "W₁q + W₂k 以及 v 的维度：加性注意力要构造一个 n × n × d_a 的张量。"},
    "dva.repeats": {"en": "Timed repeats", "zh": "计时重复次数"},
    "dva.repeats_help": {"en": "Timed calls per way and per n, after one warm-up call; the chart shows their median and range.",
                         "zh": "每种算法、每个 n 在一次预热调用之后计时的次数；图中显示中位数与范围。"},
    "dva.seed": {"en": "Seed", "zh": "随机种子"},
    "dva.seed_help": {"en": "Draws q, k, W₁, W₂ and v (the timing and the saturation curves use their own streams).",
                      "zh": "用于抽取 q、k、W₁、W₂ 和 v（计时与饱和曲线各用自己的随机流）。"},
    "dva.way.dot": {"en": "dot product QKᵀ/√d_k", "zh": "点积 QKᵀ/√d_k"},
    "dva.way.additive": {"en": "additive, W₁Q and W₂K precomputed", "zh": "加性，W₁Q 与 W₂K 预先算好"},
    "dva.way.naive": {"en": "additive, W[q; k] for every pair", "zh": "加性，对每一对计算 W[q; k]"},
    "dva.axis.n": {"en": "n (queries = keys)", "zh": "n（查询数 = 键数）"},
    "dva.time.y": {"en": "ms per call (median)", "zh": "每次调用的毫秒数（中位数）"},
    "dva.time.range": {"en": "fastest … slowest, ms", "zh": "最快 … 最慢，毫秒"},
    "dva.flops.y": {"en": "counted FLOPs", "zh": "计数的 FLOPs"},
    "dva.rate.y": {"en": "counted GFLOP/s (FLOPs / median time)", "zh": "计数的 GFLOP/s（FLOPs / 时间中位数）"},
    "dva.fig.time": {"en": "Time at n = {n}: dot → additive", "zh": "n = {n} 时的耗时：点积 → 加性"},
    "dva.fig.time_help": {"en": "Median of the timed calls; one call computes all n × n scores, float32 on {device}.",
                          "zh": "计时调用的中位数；一次调用算出全部 n × n 个分数，float32，在 {device} 上。"},
    "dva.fig.rate": {"en": "GFLOP/s at n = {n}: dot / additive", "zh": "n = {n} 时的 GFLOP/s：点积 / 加性"},
    "dva.fig.rate_help": {"en": "Counted FLOPs (matrix products only) divided by the median time: how fast each way gets "
                          "through the work a FLOP count sees.",
                          "zh": "计数的 FLOPs（只算矩阵乘法）除以时间中位数：每种算法完成 FLOP 计数所统计的那部分工作有多快。"},
    "dva.fig.std": {"en": "Score std at d_k = {dk}: dot / scaled / additive", "zh": "d_k = {dk} 时的分数标准差：点积 / 缩放 / 加性"},
    "dva.fig.std_help": {"en": "Standard deviation over all query-key pairs: the unscaled dot product, the same divided by √d_k, "
                         "additive attention. Theory for the first: √d_k = {theory}; additive scores never leave ±‖v‖₁ = ±{v_l1}.",
                         "zh": "对所有查询-键对统计的标准差，依次为：不缩放的点积、除以 √d_k 后的点积、加性注意力。第一项的理论值为 "
                         "√d_k = {theory}；加性分数永远不会超出 ±‖v‖₁ = ±{v_l1}。"},
    "dva.fig.entropy": {"en": "Entropy at d_k = {dk}: unscaled → scaled", "zh": "d_k = {dk} 时的熵：未缩放 → 缩放"},
    "dva.fig.entropy_help": {"en": "Softmax entropy of the dot-product scores, mean over the rows, in nats; equal weights "
                             "over the n = {n} keys give log n = {ent_max}; "
                             "additive scores give {ent_add}.",
                             "zh": "点积分数经 softmax 后的熵，对各行取平均，单位奈特；对 n = {n} 个键平均分配权重时为 "
                             "log n = {ent_max}；加性分数为 {ent_add}。"},
    "dva.time.caption": {
        "en": "Median time of one call at each n, the bar from the fastest to the slowest of {repeats} timed "
        "{repeats:call|calls} after a warm-up call, float32 on {device}; the three ways take turns, so a burst of load hits "
        "them alike. At n = {n}: dot product {t_dot} ms, additive {t_add} ms. The per-pair form is timed only where its "
        "n²·(2d_k + 1)·d_a multiply-adds stay under {naive_work} and its largest tensor under {naive_elements} numbers: "
        "up to n = {naive_n} here, {t_naive} ms against {t_add_naive_n} ms for the precomputed form.",
        "zh": "每个 n 下一次调用的时间中位数，竖线从最快到最慢，共 {repeats} 次计时调用（之前先预热一次），float32，在 "
        "{device} 上；三种算法轮流执行，突发的负载对它们的影响相同。n = {n} 时：点积 {t_dot} 毫秒，加性 {t_add} 毫秒。"
        "逐对计算的写法只在其 n²·(2d_k + 1)·d_a 次乘加不超过 {naive_work}、最大张量不超过 {naive_elements} 个数时计时：这里最多到 n = {naive_n}，"
        "耗时 {t_naive} 毫秒，预先计算的写法为 {t_add_naive_n} 毫秒。",
    },
    "dva.cost.title": {"en": "Counted FLOPs against measured time", "zh": "计数的 FLOPs 与实测时间"},
    "dva.cost.caption": {
        "en": "Left: FLOPs as tf_core.flops counts them (a multiply-add is 2, only matrix products count, as in PyTorch's "
        "FlopCounterMode, which the tests run on these very functions); the per-pair form is counted at every n, timed or "
        "not. At n = {n}: {flops_dot} for the dot product, {flops_add} for additive attention, {flops_naive} per pair. "
        "Right: those FLOPs divided by the median time: {rate_dot} GFLOP/s for the dot product, {rate_add} for additive "
        "attention at n = {n}. What the count leaves out is element-wise work: the sums and the tanh over additive "
        "attention's n × n × d_a tensor ({mem_add} MB in float32, against {mem_dot} MB for the score matrix).",
        "zh": "左图：按 tf_core.flops 的规则计数的 FLOPs（一次乘加算 2，只统计矩阵乘法，与 PyTorch 的 FlopCounterMode 一致，"
        "测试正是在这些函数上用它核对的）；逐对写法在每个 n 都计数，无论是否计时。n = {n} 时：点积 {flops_dot}，加性 "
        "{flops_add}，逐对 {flops_naive}。右图：这些 FLOPs 除以时间中位数，n = {n} 时点积为 {rate_dot} GFLOP/s，加性为 "
        "{rate_add}。计数没有包括的是逐元素的工作：加性注意力在 n × n × d_a 张量上的加法和 tanh(·)（float32 下 {mem_add} MB，"
        "分数矩阵为 {mem_dot} MB）。",
    },
    "dva.col.ms.dot": {"en": "dot, ms", "zh": "点积，毫秒"},
    "dva.col.ms.additive": {"en": "additive, ms", "zh": "加性，毫秒"},
    "dva.col.ms.naive": {"en": "per pair, ms", "zh": "逐对，毫秒"},
    "dva.col.flops.dot": {"en": "dot, FLOPs", "zh": "点积，FLOPs"},
    "dva.col.flops.additive": {"en": "additive, FLOPs", "zh": "加性，FLOPs"},
    "dva.col.flops.naive": {"en": "per pair, FLOPs", "zh": "逐对，FLOPs"},
    "dva.col.mem": {"en": "n × n × d_a tensor, MB", "zh": "n × n × d_a 张量，MB"},
    "dva.sat.title": {"en": "Quality: what happens to the softmax as d_k grows", "zh": "效果：d_k 增大时 softmax 发生了什么"},
    "dva.sat.x": {"en": "d_k (key width)", "zh": "d_k（键的维度）"},
    "dva.sat.std": {"en": "std of the scores", "zh": "分数的标准差"},
    "dva.sat.pmax": {"en": "largest softmax weight", "zh": "softmax 的最大权重"},
    "dva.sat.entropy": {"en": "softmax entropy, nats", "zh": "softmax 的熵（奈特）"},
    "dva.sat.dot": {"en": "dot, unscaled", "zh": "点积，未缩放"},
    "dva.sat.scaled": {"en": "dot, scaled", "zh": "点积，缩放后"},
    "dva.sat.additive": {"en": "additive", "zh": "加性"},
    "dva.sat.theory": {"en": "√d_k (theory)", "zh": "√d_k（理论）"},
    "dva.sat.bound": {"en": "‖v‖₁ bound", "zh": "上界 ‖v‖₁"},
    "dva.sat.uniform": {"en": "equal weights 1/n", "zh": "平均分配 1/n"},
    "dva.sat.log_n": {"en": "equal weights log n", "zh": "平均分配 log n"},
    "dva.sat.chosen": {"en": "your d_k", "zh": "你选的 d_k"},
    "dva.sat.caption": {
        "en": "{queries} random queries against the n = {n} keys, components N(0, 1); W₁, W₂ with N(0, 1/d_k) entries and v "
        "with N(0, 1/d_a) (d_a = {da}); statistics in float64. At d_k = {dk}: score std {std_dot} unscaled (theory √d_k = "
        "{std_theory}), {std_scaled} scaled, {std_add} additive, whose scores cannot leave ±‖v‖₁ = ±{v_l1} at any d_k "
        "(largest seen {add_max}); largest weight {pmax_dot} / {pmax_scaled} / {pmax_add}; entropy {ent_dot} / "
        "{ent_scaled} / {ent_add} nats (equal weights: log n = {ent_max}). This measures the mechanism Vaswani et al. "
        "name, not translation quality: the quality comparison is the literature's, as the answers below say.",
        "zh": "{queries} 个随机查询对 n = {n} 个键，各分量服从 N(0, 1)；W₁、W₂ 的元素服从 N(0, 1/d_k)，v 的元素服从 "
        "N(0, 1/d_a)（d_a = {da}）；统计量用 float64 计算。d_k = {dk} 时：分数标准差未缩放为 {std_dot}（理论值 √d_k = "
        "{std_theory}），缩放后 {std_scaled}，加性 {std_add}，加性分数在任何 d_k 下都不会超出 ±‖v‖₁ = ±{v_l1}"
        "（实测最大 {add_max}）；最大权重 {pmax_dot} / {pmax_scaled} / {pmax_add}；熵 {ent_dot} / {ent_scaled} / "
        "{ent_add} 奈特（平均分配时 log n = {ent_max}）。这里测的是 Vaswani 等人指出的机制，而不是翻译效果："
        "效果上的比较来自文献，见下方的回答。",
    },
}
