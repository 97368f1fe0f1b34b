"""Strings of app_pages/norms.py: lessons ln-vs-bn, batchnorm, residual."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- lesson: ln-vs-bn ------------------------------------------------------------------------
    "lnbn.sentences": {"en": "Your sentences (one per line)", "zh": "你的句子（每行一句）"},
    "lnbn.sentences_help": {
        "en": "Each line is one sentence of the batch, at most {n}; the batch is padded to its longest sentence.",
        "zh": "每行是批次中的一个句子，最多 {n} 句；批次按最长的句子填充。",
    },
    "lnbn.too_many": {"en": "Only the first {n} lines are used.", "zh": "只使用前 {n} 行。"},
    "lnbn.layer": {"en": "Encoder block", "zh": "编码器块"},
    "lnbn.layer_help": {
        "en": "The block whose first LayerNorm's input (x + attention) is normalised both ways (0 = the first block).",
        "zh": "取这个块第一个层归一化的输入（x + 注意力输出），分别用两种归一化处理（0 = 第一个块）。",
    },
    "lnbn.depth": {"en": "Depth (blocks)", "zh": "深度（块数）"},
    "lnbn.lr": {"en": "Learning rate", "zh": "学习率"},
    "lnbn.lr_help": {
        "en": "Adam's peak learning rate for all four runs; warm-up ramps it up over the first quarter of the steps.",
        "zh": "四次运行共用的峰值学习率；学习率预热在前四分之一的步数里把它线性升上去。",
    },
    "lnbn.seed": {"en": "Seed", "zh": "随机种子"},
    "lnbn.running": {"en": "Training Pre-LN and Post-LN, with and without warm-up: {runs} runs of {steps} steps",
                     "zh": "正在训练 Pre-LN 与 Post-LN，各有无学习率预热：{runs} 次运行，每次 {steps} 步"},
    "lnbn.change.title_batch": {"en": "More sentences in the batch", "zh": "批次里的句子变多"},
    "lnbn.change.title_pad": {"en": "More padding in the batch", "zh": "批次里的填充变多"},
    "lnbn.change.x_batch": {"en": "batch size (first k sentences)", "zh": "批大小（前 k 个句子）"},
    "lnbn.change.x_pad": {"en": "pad tokens added after the longest", "zh": "最长句之后追加的填充词元数"},
    "lnbn.change.y": {"en": "mean |change| of the output", "zh": "输出的平均绝对变化"},
    "lnbn.change.pad": {"en": "padding in the batch", "zh": "批次中的填充占比"},
    "lnbn.series.bn_counted": {"en": "BN, padding counted", "zh": "批归一化，计入填充"},
    "lnbn.series.bn_masked": {"en": "BN, padding left out", "zh": "批归一化，排除填充"},
    "lnbn.series.ln": {"en": "LayerNorm", "zh": "层归一化"},
    "lnbn.change_caption": {
        "en": "Each real token's normalised vector in the batch against its sentence normalised alone (mean |change| "
        "over the real tokens and the {d} features; no learned scale or shift; float64), at the input of block "
        "{layer}'s first LayerNorm in {model}. With the padding counted, BatchNorm moves by {bn_k} with all {n} "
        "{n:sentence|sentences} and by {bn_e} with {hi} pad tokens added; leaving the padding out it still moves by "
        "{bn_masked}, because the other sentences set each feature's statistics. LayerNorm's largest change is "
        "{ln_max}: {ln_verdict}.",
        "zh": "批次中每个真实词元归一化后的向量，与该句单独归一化时相比（在真实词元和 {d} 个特征上的平均绝对变化；"
        "不含可学习的缩放与平移；float64），取自 {model} 第 {layer} 块第一个层归一化的输入。计入填充时，"
        "批归一化的输出在全部 {n} 个句子时变化 {bn_k}，追加 {hi} 个填充词元时变化 {bn_e}；排除填充后仍变化 "
        "{bn_masked}，因为每个特征的统计量由其他句子共同决定。层归一化的最大变化是 {ln_max}：{ln_verdict}。",
    },
    "lnbn.ln.exact": {"en": "exactly 0, bit for bit", "zh": "恰好为 0，逐位相同"},
    "lnbn.ln.rounding": {
        "en": "float rounding of the encoder's own sums (the batch's attention adds over more keys), not the norm",
        "zh": "这是编码器自身求和的浮点舍入（批次中的注意力在更多的键上求和），与归一化无关",
    },
    "lnbn.means.title": {"en": "BatchNorm's mean of each feature, with and without the padding",
                         "zh": "批归一化对每个特征求的均值：计入与不计入填充"},
    "lnbn.means.x": {"en": "mean over the real tokens", "zh": "只在真实词元上的均值"},
    "lnbn.means.y": {"en": "mean, padding counted", "zh": "计入填充后的均值"},
    "lnbn.means.feature": {"en": "feature", "zh": "特征"},
    "lnbn.means_caption": {
        "en": "One dot per feature ({d}): the batch padded to its longest sentence, {n_real} real positions and {n_pad} "
        "pad positions. On the dashed diagonal the padding would change nothing; counting it moves a feature's mean "
        "by {shift_med} of that feature's standard deviation (median), and by up to {shift_max}.",
        "zh": "每个点是一个特征（共 {d} 个）：批次按最长句填充，含 {n_real} 个真实位置和 {n_pad} 个填充位置。"
        "点落在虚线对角线上表示填充毫无影响；计入填充后，特征均值的移动量中位数是该特征标准差的 {shift_med} 倍，"
        "最大为 {shift_max} 倍。",
    },
    "lnbn.means_none": {
        "en": "Every sentence has the same length here, so this batch has no padding: add a shorter line to see it.",
        "zh": "这里每个句子一样长，批次中没有填充：加一句更短的句子就能看到效果。",
    },
    "lnbn.grads.title": {"en": "Gradient norm of each block at initialisation",
                         "zh": "初始化时每个块的梯度范数"},
    "lnbn.grads.x": {"en": "block (1 = next to the embeddings)", "zh": "块（1 = 紧挨嵌入层）"},
    "lnbn.grads.y": {"en": "gradient norm", "zh": "梯度范数"},
    "lnbn.grads_caption": {
        "en": "At the weights the runs start from (Xavier initialisation, mean of {batches} batches of {batch} "
        "sequences): Post-LN's gradient norm goes from {post_first} at block 1 to {post_last} at block {L}, Pre-LN's "
        "from {pre_first} to {pre_last}. Xiong et al. (2020) show that Post-LN's gradients near the output are large "
        "at initialisation, so a large learning rate from the first step disrupts those layers; a warm-up starts "
        "small instead.",
        "zh": "在训练起点的权重上（`xavier` 初始化，{batches} 个批次、每批 {batch} 条序列的平均）：Post-LN 的梯度范数从"
        "第 1 块的 {post_first} 变到第 {L} 块的 {post_last}，Pre-LN 从 {pre_first} 变到 {pre_last}。Xiong 等人（2020）"
        "指出，初始化时 Post-LN 靠近输出的层梯度很大，第一步就用大学习率会破坏这些层；学习率预热则从小的学习率开始。",
    },
    "lnbn.grads_caption1": {
        "en": "With a single block ({batches} batches of {batch} sequences at the weights the runs start from), Post-LN's "
        "gradient norm is {post_first} and Pre-LN's {pre_first}: Post-LN's growth toward the output needs depth; add "
        "blocks to see it.",
        "zh": "只有一个块时（在训练起点的权重上，{batches} 个批次、每批 {batch} 条序列），Post-LN 的梯度范数是 "
        "{post_first}，Pre-LN 是 {pre_first}：Post-LN 梯度向输出端增大要有足够的深度才看得到，增加块数试试。",
    },
    "lnbn.curves.title": {"en": "Four short runs on the reverse task", "zh": "反转任务上的四次短训练"},
    "lnbn.curves.plateau": {
        "en": "the plateau, {v} nats: the character entropy (a model that knows only how common each character is)",
        "zh": "平台 {v} nat：字符熵（模型只知道每个字符有多常见）",
    },
    "lnbn.run.pre": {"en": "Pre-LN, no warm-up", "zh": "Pre-LN，无预热"},
    "lnbn.run.pre_warm": {"en": "Pre-LN, warm-up", "zh": "Pre-LN，有预热"},
    "lnbn.run.post": {"en": "Post-LN, no warm-up", "zh": "Post-LN，无预热"},
    "lnbn.run.post_warm": {"en": "Post-LN, warm-up", "zh": "Post-LN，有预热"},
    "lnbn.run.pre_only": {"en": "Pre-LN", "zh": "前置 Pre-LN"},
    "lnbn.run.post_only": {"en": "Post-LN", "zh": "后置 Post-LN"},
    "lnbn.verdict.learned": {"en": "learned the task", "zh": "学会了任务"},
    "lnbn.verdict.partway": {"en": "got partway", "zh": "只学到一半"},
    "lnbn.verdict.plateau": {"en": "stayed on the plateau", "zh": "停在平台上"},
    "lnbn.verdict.diverged": {"en": "diverged", "zh": "发散了"},
    "lnbn.curves_caption": {
        "en": "Reverse a window of {T} characters; {depth} {depth:block|blocks} of width {d}, batch {batch}, {steps} "
        "steps at learning rate {lr}, warm-up over the first {warmup} {warmup:step|steps}. Final loss (mean of the last "
        "5 steps): {runs}.",
        "zh": "把 {T} 个字符的窗口倒过来；{depth} 个块，宽度 {d}，批大小 {batch}，学习率 {lr} 下训练 {steps} 步，"
        "学习率预热覆盖前 {warmup} 步。最终损失（最后 5 步的平均）：{runs}。",
    },
    "lnbn.curves_run": {"en": "{run} {loss} ({verdict})", "zh": "{run} {loss}（{verdict}）"},
    "lnbn.diverged_note": {
        "en": "ended above the loss it started from: diverged",
        "zh": "结束时的损失高于起点：发散",
    },
    "lnbn.diverged_caption": {
        "en": "A cross marks a run that diverged: at learning rate {lr} it ended above the loss it started from (or its "
        "loss stopped being a finite number). That is the result, not an error: lower the learning rate or keep the "
        "warm-up.",
        "zh": "叉号标出发散的运行：学习率 {lr} 下它结束时的损失高于起点（或损失不再是有限的数）。这是实验结果而不是"
        "程序错误：调低学习率，或保留学习率预热。",
    },
    "lnbn.fig.batch": {"en": "BatchNorm's change, one sentence → all {n}", "zh": "批归一化的变化：一句 → 全部 {n} 句"},
    "lnbn.fig.batch_help": {
        "en": "Mean |change| of the real tokens' BatchNorm outputs (padding counted) in the batch of all your sentences, "
        "against each sentence normalised alone.",
        "zh": "把全部句子放进一个批次（计入填充）时，真实词元的批归一化输出与各句单独归一化相比的平均绝对变化。",
    },
    "lnbn.fig.pad": {"en": "BatchNorm's change with {n} more pad tokens", "zh": "再追加 {n} 个填充词元时批归一化的变化"},
    "lnbn.fig.pad_help": {
        "en": "The same measure, all sentences, the batch padded {n} tokens past its longest sentence.",
        "zh": "同一度量，全部句子，批次填充到比最长句还长 {n} 个词元。",
    },
    "lnbn.fig.grad": {"en": "Gradient at init, last block: Post-LN / Pre-LN", "zh": "初始化时最后一块的梯度：Post-LN / Pre-LN"},
    "lnbn.fig.grad_help": {
        "en": "Gradient norm of the last block's parameters before any update (mean of a few batches).",
        "zh": "任何更新之前，最后一块参数的梯度范数（几个批次的平均）。",
    },
    "lnbn.fig.warm": {"en": "Post-LN with warm-up: final loss", "zh": "有预热的 Post-LN：最终损失"},
    "lnbn.fig.warm_help": {
        "en": "Mean loss (nats) of its last 5 steps; the plateau is the character entropy.",
        "zh": "最后 5 步的平均损失（nat）；平台即字符熵。",
    },
    # --- end of lesson: ln-vs-bn ---
    # --- lesson: batchnorm -----------------------------------------------------------------------
    "bn.len": {"en": "Training length T", "zh": "训练序列长度 T"},
    "bn.len_help": {"en": "Tokens per training sequence; the evaluation also tries every length from 1 to 2T.",
                    "zh": "训练时每个序列的词元数；评估时还会试 1 到 2T 的每个长度。"},
    "bn.batch": {"en": "Training batch B", "zh": "训练批大小 B"},
    "bn.batch_help": {"en": "Sequences per training batch: BatchNorm averages over B × T positions.",
                      "zh": "每个训练批的序列数：批归一化在 B × T 个位置上求平均。"},
    "bn.seed": {"en": "Seed", "zh": "随机种子"},
    "bn.run.batch": {"en": "BatchNorm", "zh": "批归一化（BatchNorm）"},
    "bn.run.layer": {"en": "LayerNorm", "zh": "层归一化（LayerNorm）"},
    "bn.noise.title": {"en": "How much BatchNorm's statistics move from batch to batch",
                       "zh": "批归一化的统计量在批与批之间变化多少"},
    "bn.noise.x": {"en": "batch size (sequences)", "zh": "批大小（序列数）"},
    "bn.noise.y": {"en": "spread across batches (feature units)", "zh": "批间离散程度（以特征尺度为单位）"},
    "bn.noise.theory": {"en": "theory 1/√(b·T)", "zh": "理论值 1/√(b·T)"},
    "bn.noise.mean": {"en": "batch mean", "zh": "批均值"},
    "bn.noise.std": {"en": "batch standard deviation", "zh": "批标准差"},
    "bn.noise.token": {"en": "one token's output vs inference", "zh": "同一词元的输出与推理时之差"},
    "bn.noise.caption": {
        "en": "{draws} batches per size, each of b fresh windows of the text at length {T}, through the trained "
              "model's embeddings (the input of its first BatchNorm). With one sequence per batch the batch mean moves "
              "by {mean_1} of a feature's spread, with {b_max} by {mean_max} (theory {theory_1} and {theory_max}). "
              "The green line: one fixed token, normalised by its batch's statistics, lies {token_1} (batch of 1) to "
              "{token_max} (batch of {b_max}) away from the value inference gives it with the running statistics.",
        "zh": "每个批大小取 {draws} 个批，每批是文本中 b 个新窗口（长度 {T}），送入训练好的模型的嵌入（即第一个批归一化的输入）。"
              "每批一个序列时，批均值的波动是特征尺度的 {mean_1}，每批 {b_max} 个序列时为 {mean_max}（理论值 {theory_1} 和 {theory_max}）。"
              "绿线：同一个固定词元用所在批的统计量归一化，与推理时用滑动统计量得到的值相差 {token_1}（批大小 1）到 "
              "{token_max}（批大小 {b_max}）。"},
    "bn.modes.title": {"en": "Held-out loss: batch statistics against running statistics",
                       "zh": "留出数据上的损失：批统计量与滑动统计量"},
    "bn.modes.y": {"en": "loss (cross-entropy, nats)", "zh": "损失（交叉熵，nat）"},
    "bn.modes.layer": {"en": "LayerNorm model (any batch, either mode)", "zh": "层归一化模型（任意批大小、任一模式）"},
    "bn.modes.eval": {"en": "BatchNorm, eval mode (running statistics)", "zh": "批归一化，评估模式（滑动统计量）"},
    "bn.modes.train": {"en": "BatchNorm, train mode (this batch's statistics)", "zh": "批归一化，训练模式（本批统计量）"},
    "bn.modes.caption": {
        "en": "{n} held-out windows of length {T}. BatchNorm model: loss {loss_1} in train mode at batch size 1, "
              "{loss_max} at {b_max}, {loss_eval} in eval mode; the LayerNorm model {loss_layer}, and its two modes "
              "differ by {modes_diff} in the logits. Accuracy at batch size 1: {acc_1} in train mode, {acc_eval} in "
              "eval mode.",
        "zh": "{n} 个留出窗口，长度 {T}。批归一化模型：训练模式下批大小 1 的损失为 {loss_1}，批大小 {b_max} 为 {loss_max}，"
              "评估模式为 {loss_eval}；层归一化模型为 {loss_layer}，它的两种模式在 logits 上相差 {modes_diff}。"
              "批大小 1 的准确率：训练模式 {acc_1}，评估模式 {acc_eval}。"},
    "bn.one_value": {
        "en": "**One value per feature.** A batch of one sequence of one token gives each feature a single value, "
              "whose variance is 0: BatchNorm in training mode cannot normalise it and refuses. "
              "This core says `{ours}`; PyTorch's `nn.BatchNorm1d` says `{theirs}`. In eval mode it runs, "
              "with the running statistics.",
        "zh": "**每个特征只有一个值。** 一个批只有一个序列、序列只有一个词元时，每个特征只有一个值，方差为 0："
              "训练模式的批归一化无法归一化，于是拒绝运行。本项目的实现报 `{ours}`；PyTorch 的 `nn.BatchNorm1d` 报 "
              "`{theirs}`。评估模式下可以运行，用的是滑动统计量。"},
    "bn.cannot_run": {
        "en": "At batch size 1 and length {T} the train-mode point is missing: that is the case above (`{msg}`).",
        "zh": "批大小 1、长度 {T} 时训练模式的点缺失：正是上面的情况（`{msg}`）。"},
    "bn.drift.title": {"en": "Batch statistics against running statistics, by sequence length",
                       "zh": "按序列长度：批统计量偏离滑动统计量多远"},
    "bn.drift.x": {"en": "sequence length", "zh": "序列长度"},
    "bn.drift.y": {"en": "|batch − running mean| / running std", "zh": "|批均值 − 滑动均值| / 滑动标准差"},
    "bn.drift.trained": {"en": "the training length", "zh": "训练长度"},
    "bn.drift.shorter": {"en": "shorter, never trained at", "zh": "更短，训练中从未出现"},
    "bn.drift.longer": {"en": "longer: position rows never trained", "zh": "更长：位置向量从未训练"},
    "bn.drift.caption": {
        "en": "Batches of {b} sequences at each length, averaged over every BatchNorm layer and feature: {drift_T} at the "
              "training length {T}, {drift_1} at length 1 and {drift_2T} at length {T2} (positions {T} to {T2m} keep "
              "their random initial rows: the table has room for {T2}, training used {T}). A LayerNorm token's "
              "statistics do not depend on the length: they change by {ln_diff} across these lengths.",
        "zh": "每个长度取 {b} 个序列组成的批，对所有批归一化层和特征取平均：训练长度 {T} 处为 {drift_T}，长度 1 处为 "
              "{drift_1}，长度 {T2} 处为 {drift_2T}（位置 {T} 到 {T2m} 仍是随机初始化的向量：位置表留了 {T2} 行，训练只用到 {T}）。"
              "层归一化中一个词元的统计量与长度无关：在这些长度之间变化 {ln_diff}。"},
    "bn.curves.title": {"en": "The two training runs", "zh": "两次训练"},
    "bn.curves.caption": {
        "en": "Reverse task, {layers} Pre-norm blocks, batch {B} × {T}, learning rate {lr}, {steps} steps: final loss "
              "{final_batch} with BatchNorm, {final_layer} with LayerNorm (mean of the last five steps).",
        "zh": "反转任务，{layers} 个前置归一化块，批 {B} × {T}，学习率 {lr}，{steps} 步：最终损失批归一化 {final_batch}，"
              "层归一化 {final_layer}（最后五步的平均）。"},
    "bn.fig.acc1": {"en": "Accuracy at batch size 1: train mode → eval mode", "zh": "批大小 1 的准确率：训练模式 → 评估模式"},
    "bn.fig.acc1_help": {"en": "BatchNorm model on held-out windows of the training length: normalised by the one "
                                "sequence's own statistics, then by the running ones.",
                         "zh": "批归一化模型在训练长度的留出窗口上：先用单个序列自己的统计量归一化，再用滑动统计量。"},
    "bn.fig.drift": {"en": "Statistics drift at length 1 / at 2T", "zh": "长度 1 / 2T 处统计量的偏离"},
    "bn.fig.drift_help": {"en": "How far the batch means lie from the running means, in running standard deviations "
                                 "(at the training length: {drift_T}).",
                          "zh": "批均值偏离滑动均值多少个滑动标准差（训练长度处为 {drift_T}）。"},
    "bn.fig.layer": {"en": "LayerNorm model's accuracy (any batch)", "zh": "层归一化模型的准确率（任意批大小）"},
    "bn.fig.layer_help": {"en": "The same stack with LayerNorm, trained on the same batches: no batch statistics, "
                                 "nothing to mismatch.",
                          "zh": "同样的模型换成层归一化、用同样的批训练：没有批统计量，也就没有训练与推理的不一致。"},
    "bn.steps_label": {"en": "BatchNorm and LayerNorm", "zh": "批归一化与层归一化"},
    # --- end of lesson: batchnorm ---
    # --- lesson: residual ------------------------------------------------------------------------
    "res.depth": {"en": "Depth (blocks)", "zh": "深度（块数）"},
    "res.norm": {"en": "Norm in each block", "zh": "每块中的归一化"},
    "res.norm.layer": {"en": "Pre-LN", "zh": "Pre-LN 层归一化"},
    "res.norm.none": {"en": "none", "zh": "无归一化"},
    "res.norm_name.layer": {"en": "Pre-LN LayerNorm", "zh": "前置层归一化（Pre-LN）"},  # in the card's sentences
    "res.norm_name.none": {"en": "no norm", "zh": "无归一化"},
    "res.norm_help": {"en": "Pre-LN: x + F(LN(x)) with residuals, F(LN(x)) without. None: x + F(x), or F(x).",
                      "zh": "Pre-LN：有残差时 x + F(LN(x))，无残差时 F(LN(x))。无归一化：x + F(x) 或 F(x)。"},
    "res.lr": {"en": "Learning rate", "zh": "学习率"},
    "res.seed": {"en": "Seed", "zh": "随机种子"},
    "res.with": {"en": "with residuals", "zh": "有残差连接"},
    "res.without": {"en": "without residuals", "zh": "无残差连接"},
    "res.block": {"en": "block (1 = nearest the input)", "zh": "块（1 = 最靠近输入）"},
    "res.block0": {"en": "after block (0 = the embeddings)", "zh": "经过的块（0 = 嵌入）"},
    "res.grads.title": {"en": "Gradient norm of each block at initialisation", "zh": "初始化时每个块的梯度范数"},
    "res.grads.y": {"en": "‖gradient‖ of the block's weights", "zh": "块内权重的梯度范数"},
    "res.grads.caption": {
        "en": "One forward and backward pass on the first training batch ({B} × {T}), no update. First block ÷ last "
              "block: {ratio_with} with residuals, {ratio_without} without. {grads_verdict}",
        "zh": "在第一个训练批（{B} × {T}）上做一次前向和反向，不更新。第一块 ÷ 最后一块：有残差 {ratio_with}，无残差 "
              "{ratio_without}。{grads_verdict}"},
    "res.grads.vanish": {"en": "Without residuals the first block gets {ratio_without} of the last block's gradient: "
                                "it vanishes on the way back.",
                         "zh": "无残差时第一块得到的梯度只有最后一块的 {ratio_without}：梯度在反向传播中消失了。"},
    "res.grads.kept": {"en": "Here the gradient does not vanish without residuals (a norm in each block rescales it, "
                              "or the stack is too shallow for the product of Jacobians to shrink far): the spread chart shows what goes wrong instead.",
                       "zh": "这里没有残差时梯度并没有消失（每块中的归一化重新缩放了它，或者网络太浅，雅可比矩阵的乘积还没缩小多少）：出问题的地方见位置差异图。"},
    "res.spread.title": {"en": "How different the positions still are", "zh": "各位置的表示还剩多少差别"},
    "res.spread.y": {"en": "‖h − mean over positions‖ / ‖h‖", "zh": "‖h − 各位置均值‖ / ‖h‖"},
    "res.spread.caption": {
        "en": "0 would mean every position of a sequence holds the same vector. After the last block: {spread_with} "
              "with residuals, {spread_without} without (the embeddings: {spread_0}); about 10⁻⁷ is float32 rounding, "
              "the same vector at every position. The reverse task needs to know the positions.",
        "zh": "0 表示一个序列的每个位置都是同一个向量。最后一块之后：有残差 {spread_with}，无残差 {spread_without}"
              "（嵌入处为 {spread_0}）；10⁻⁷ 左右是 float32 的舍入误差，即每个位置都是同一个向量。反转任务必须区分各个位置。"},
    "res.curves.title": {"en": "A short run of each", "zh": "各训练一小段"},
    "res.curves.caption": {
        "en": "Reverse task, batch {B} × {T}, learning rate {lr}, {steps} steps, the same seed and batches: final loss "
              "{final_with} with residuals, {final_without} without (the text's character entropy, the plateau of a "
              "model that has not found the positions: {entropy}).",
        "zh": "反转任务，批 {B} × {T}，学习率 {lr}，{steps} 步，相同的随机种子和数据批：最终损失有残差 {final_with}，"
              "无残差 {final_without}（文本的字符熵，即还没学会利用位置的模型所停留的平台：{entropy}）。"},
    "res.diverged": {"en": "diverged at step {step}", "zh": "在第 {step} 步发散"},
    "res.diverged_note": {
        "en": "**A diverged run is a result.** {runs}: the loss stopped being a finite number (no gradient clipping "
              "here); the curve ends in a cross. A smaller learning rate keeps it finite.",
        "zh": "**发散也是一种结果。** {runs}：损失不再是有限的数（这里没有梯度裁剪），曲线以叉号结束。调小学习率即可避免。"},
    "res.verdict.both": {"en": "both learned the task", "zh": "两者都学会了任务"},
    "res.verdict.with": {"en": "only the stack with residuals learned the task", "zh": "只有带残差的模型学会了任务"},
    "res.verdict.without": {"en": "only the stack without residuals learned the task", "zh": "只有不带残差的模型学会了任务"},
    "res.verdict.neither": {"en": "neither learned the task in this run", "zh": "这次两者都没学会任务"},
    "res.verdict.diverged": {"en": "{runs} diverged (a loss of NaN: it stopped being a finite number)",
                             "zh": "{runs}发散了（损失为 NaN：不再是有限的数）"},
    "res.list_sep": {"en": " and ", "zh": "和"},
    "res.fig.first": {"en": "First block's gradient norm: with / without", "zh": "第一块的梯度范数：有 / 无残差"},
    "res.fig.first_help": {"en": "At initialisation, on the first training batch.", "zh": "初始化时，在第一个训练批上。"},
    "res.fig.ratio": {"en": "First ÷ last block's gradient: with / without", "zh": "第一块 ÷ 最后一块的梯度：有 / 无残差"},
    "res.fig.ratio_help": {"en": "1 = every block gets as much gradient as the last; far below 1 = vanishing.",
                           "zh": "1 表示每块得到的梯度与最后一块一样多；远小于 1 表示梯度消失。"},
    "res.fig.spread1": {"en": "Position spread after block 1: with / without", "zh": "第一块之后的位置差异：有 / 无残差"},
    "res.fig.spread1_help": {"en": "‖h − mean over positions‖ / ‖h‖ after the first block (embeddings: {spread_0}).",
                             "zh": "第一块之后的 ‖h − 各位置均值‖ / ‖h‖（嵌入处为 {spread_0}）。"},
    "res.steps_label": {"en": "with and without residuals", "zh": "有与无残差连接"},
    # --- end of lesson: residual ---
}
