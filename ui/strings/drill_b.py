"""The drill's question and revealed answer for the lessons of tf_core/drill/lessons_b.py.

Per lesson ``<qid>``: ``drill.<qid>.ask`` (what to predict, with the fixed settings the run uses),
``drill.<qid>.unit`` (the answer's unit; no such key for a pure number or a yes/no) and ``drill.<qid>.reveal``
(the short answer, quoting the live numbers of ``Measured.facts`` by name, ``{value}`` the quantity itself)."""
STRINGS = {
    # --- residual-leak
    "drill.residual-leak.ask": {
        "en": "SmolLM2-135M-Instruct, with its causal mask, reads the prompt \"Once upon a time, in a small village by "
              "the sea, there lived an\". The token at position 8 (\" village\", counting from 0) is replaced by \" dog\" "
              "and the model runs again. Look at positions 0 to 7 in every block and every sub-step: the norms, the "
              "attention, the feed-forward network and the two residual sums that add each sub-layer's input back to its "
              "output. Does any of these values change at all?",
        "zh": "SmolLM2-135M-Instruct 带着因果掩码读入提示 `Once upon a time, in a small village by the sea, there lived "
              "an`。把第 8 个位置（从 0 数起）的词元 `village` 换成 `dog`，再运行一次。逐块查看位置 0 到 7 上每个子步骤"
              "的值：归一化、注意力、前馈网络，以及把子层的输入加回到其输出上的两次残差相加。其中有没有任何一个值发生变化？",
    },
    "drill.residual-leak.reveal": {
        "en": "With the mask, the largest change at the positions before {p}, over all {cells} vectors ({layers} blocks × "
              "{steps} sub-steps × {p} positions) and all their features, is {before_causal}, and {resid_causal} in the residual sums alone; the "
              "answer is yes only if it is above 0. A residual connection adds position i's own vector back at position "
              "i, and the norms and the feed-forward network also act on each position alone, so only attention reads "
              "other positions, and the mask gives every later key weight 0. Without the mask the first change before "
              "{p} appears in the attention output of layer {leak_layer} ({leak_value}), and the residual stream carries "
              "it up to the last block ({last_bidir}).",
        "zh": "有因果掩码时，位置 {p} 之前全部 {cells} 个向量（{layers} 个块 × {steps} 个子步骤 × {p} 个位置）在所有分量上的最大变化是 "
              "{before_causal}，只看残差相加的结果是 {resid_causal}；只有它大于 0 时答案才是“有”。残差连接把位置 i 自己的"
              "向量加回到位置 i 上，归一化和前馈网络也都逐个位置计算，所以只有注意力会读取其他位置，而掩码让后面每个键的"
              "权重都为 0。去掉掩码后，位置 {p} 之前的第一个变化出现在第 {leak_layer} 层的注意力输出"
              "（{leak_value}），随后残差流把它一路带到最后一个块（{last_bidir}）。",
    },
    # --- encoder
    "drill.encoder.ask": {
        "en": "MiniLM (all-MiniLM-L6-v2: width 384, 12 heads, post-LN blocks as in BERT) reads the sentence \"The animal "
              "didn't cross the street because it was too tired.\". In block 1 (counting from 0), how long is the "
              "attention sub-layer's output, the vector the residual connection adds to the block input, compared with "
              "that block input? Give |attention output| / |block input| per token, the median over the tokens.",
        "zh": "MiniLM（all-MiniLM-L6-v2：宽度 384，12 个头，和 BERT 一样是后置层归一化的块）读入句子 `The animal didn't "
              "cross the street because it was too tired.`。在第 1 个块（从 0 数起）里，注意力子层的输出（残差连接加到"
              "块输入上的那个向量）相对于块输入有多长？回答每个词元的 |注意力输出| / |块输入|，取所有词元的中位数。",
    },
    "drill.encoder.unit": {"en": "×", "zh": "×"},
    "drill.encoder.reveal": {
        "en": "In {model} block {layer} the attention output is {value} times as long as the block input it is added to "
              "(median over the {T} tokens), and the feed-forward network's output {ffn_ratio} times its own input: each "
              "sub-layer writes a correction into the residual stream rather than replacing it. So after attention, the "
              "residual sum and LayerNorm, a token keeps most of its direction (median cosine {cos_attn} with the block "
              "input), while LayerNorm of the attention output alone gives a cosine of {cos_attn_no_residual}.",
        "zh": "在 {model} 的第 {layer} 个块里，注意力输出的长度是它所加上的块输入的 {value} 倍（{T} 个词元的中位数），前馈"
              "网络的输出是它自己输入的 {ffn_ratio} 倍：每个子层是往残差流里写入一个修正量，而不是取代它。因此经过注意力、"
              "残差相加和层归一化之后，词元向量基本保持原来的方向（与块输入的余弦相似度中位数为 {cos_attn}）；如果只对"
              "注意力输出做层归一化，与块输入的余弦为 {cos_attn_no_residual}。",
    },
    # --- cross-attention
    "drill.cross-attention.ask": {
        "en": "The app's own small encoder–decoder (2 decoder layers of 4 heads) translates the number 20305, which its "
              "encoder reads as the English words \"twenty thousand three hundred and five\", into Chinese numerals. When "
              "the decoder writes its last numeral, the one for \"five\", what weight does the cross-attention of the "
              "last decoder layer, averaged over its heads, put on the source word \"five\"? Answer from 0 to 1.",
        "zh": "本应用自己训练的小型编码器–解码器（解码器 2 层，每层 4 个头）把数字 20305 译成中文数字，编码器读入的是它的"
              "英文读法 `twenty thousand three hundred and five`。解码器写出最后一个数字“五”时，最后一个解码器层的交叉注意力"
              "（对各个头取平均）放在源词 `five` 上的权重是多少？用 0 到 1 之间的数回答。",
    },
    "drill.cross-attention.reveal": {
        "en": "The decoder writes {output}; when it writes {char}, layer {layer} puts {value} of its cross-attention "
              "weight on \"{word}\", averaged over the {heads} heads. The queries come from the decoder's own state and "
              "the keys and values from the encoder's output for the {S} source words, the same memory at every step "
              "and in every decoder layer, so each step takes a weighted mix of the source with weights it computes "
              "itself. A place character has no word of its own: for {char_place} the largest weight on one word is "
              "{place_max}, on \"{place_word}\".",
        "zh": "解码器写出“{output}”；写“{char}”时，第 {layer} 层把 {value} 的交叉注意力权重放在 {word} 上（{heads} 个头的"
              "平均）。查询来自解码器自身的状态，键和值来自编码器对 {S} 个源词的输出；每一步、每个解码器层读的都是同一份"
              "记忆，于是每一步都按自己算出的权重对源句做加权混合。位值字没有对应的单词：写“{char_place}”时，落在单个"
              "单词上的最大权重是 {place_max}，在 {place_word} 上。",
    },
    # --- parallelism
    "drill.parallelism.ask": {
        "en": "SmolLM2-135M-Instruct (float32) runs the 16 tokens of the prompt \"Once upon a time, in a small village by "
              "the sea, there lived an\" two ways: one teacher-forced forward call over all 16 positions under the "
              "causal mask, and 16 one-token calls that carry a KV cache from one to the next, as generation runs them. "
              "Do the two ways give the same logits at every position, up to float rounding, and the same predicted "
              "next token everywhere?",
        "zh": "SmolLM2-135M-Instruct（float32）用两种方式处理提示 `Once upon a time, in a small village by the sea, there "
              "lived an` 的 16 个词元：一种是在因果掩码下用一次教师强制的前向计算同时算出全部 16 个位置；另一种像生成时"
              "那样分 16 次调用，每次只送入一个词元，并把键值缓存传给下一次。两种方式在每个位置上的 logits 是否相同"
              "（浮点舍入误差除外），预测的下一个词元是否处处一致？",
    },
    "drill.parallelism.reveal": {
        "en": "The largest logit difference between the two ways is {max_diff}, on logits up to {logits_max}, and the "
              "predicted next token agrees at {same} of {n} positions; the answer is yes when the difference is within "
              "float rounding ({ulps} units in the last place of the largest logit) and every token agrees. A decoder is "
              "parallel over positions wherever the tokens are already known, in training (teacher forcing under the "
              "causal mask) and when it reads a prompt; only generation is sequential, each new token waiting for the "
              "one before it. Here the one call took {t_one} ms and the {n} steps {t_steps} ms.",
        "zh": "两种方式 logits 的最大差别是 {max_diff}（logits 最大为 {logits_max}），预测的下一个词元在 {n} 个位置中有 "
              "{same} 个一致；只有差别在浮点舍入范围内（不超过最大 logit 的 {ulps} 个最后一位单位）且每个词元都一致时，"
              "答案才是“是”。只要词元已经已知，解码器在位置维度上就是并行的：训练时（因果掩码下的教师强制）和读入提示时"
              "都是如此；只有生成是串行的，每个新词元都要等前一个。这里一次调用用了 {t_one} 毫秒，{n} 个单步用了 "
              "{t_steps} 毫秒。",
    },
    # --- kv-cache
    "drill.kv-cache.ask": {
        "en": "SmolLM2-135M-Instruct has 30 layers, 9 query heads that share 3 key/value heads (grouped-query attention) "
              "and a head dimension of 64, and it runs in float32. It reads the 16-token prompt \"Once upon a time, in a "
              "small village by the sea, there lived an\" and greedily generates 16 new tokens with a KV cache. How many "
              "bytes does the cache hold at the end?",
        "zh": "SmolLM2-135M-Instruct 有 30 层，9 个查询头共用 3 个键/值头（分组查询注意力），每个头的维度为 64，以 float32 "
              "运行。它读入 16 个词元的提示 `Once upon a time, in a small village by the sea, there lived an`，再用键值缓存"
              "贪心生成 16 个新词元。结束时缓存里有多少字节？",
    },
    "drill.kv-cache.unit": {"en": "bytes", "zh": "字节"},
    "drill.kv-cache.reveal": {
        "en": "The cache ends with {positions} positions ({n_prompt} prompt tokens and {n_new} new ones, less the last "
              "token, which is chosen but never run), each holding a key and a value in each of {layers} layers for "
              "{kv_heads} heads of {d_head} numbers of {bytes_per_number} bytes: {per_position} bytes a position, "
              "{cache_bytes} bytes in all, measured from the cache's tensors (the formula gives {formula_bytes}). With "
              "plain multi-head attention, {heads} key/value heads, it would be {mha_bytes} bytes, and a full context of "
              "{context} tokens takes {context_bytes} bytes. Only keys and values are kept because a past query is never read "
              "again: each step needs just the newest query, against every key and value.",
        "zh": "结束时缓存里有 {positions} 个位置（{n_prompt} 个提示词元加 {n_new} 个新词元，减去最后一个：它被选出后还没有"
              "送进模型），每个位置在 {layers} 层中各存 {kv_heads} 个头的一个键和一个值，每个 {d_head} 个数、每个数 "
              "{bytes_per_number} 字节：每个位置 {per_position} 字节，合计 {cache_bytes} 字节，这是从缓存的张量实测的"
              "（公式给出 {formula_bytes}）。若用普通的多头注意力，即 {heads} 个键/值头，将是 {mha_bytes} 字节；完整的 "
              "{context} 个词元的上下文需要 {context_bytes} 字节。只缓存键和值，是因为过去的查询再也不会被读取：每一步"
              "只需要最新的一个查询，去对所有的键和值。",
    },
    # --- complexity
    "drill.complexity.ask": {
        "en": "Self-attention written out explicitly, as code that returns the attention weights computes it: one "
              "sequence of n = 1024 tokens, width d = 256 split into 4 heads, float32, building the scores QKᵀ/√d_h, "
              "their softmax and the weights times V. What is the peak memory of one such call, in MiB (2²⁰ bytes), counting what the call "
              "allocates itself (not Q, K and V)?",
        "zh": "按显式方式计算自注意力（即返回注意力权重的代码所做的那样）：一条 n = 1024 个词元的序列，宽度 d = 256 分成 "
              "4 个头，float32，算出分数 QKᵀ/√d_h、其 softmax 以及权重乘 V。这样一次调用的峰值内存是多少 MiB（2²⁰ 字节）？只计这次"
              "调用自己分配的内存（不含 Q、K、V）。",
    },
    "drill.complexity.unit": {"en": "MiB", "zh": "兆字节（MiB）"},
    "drill.complexity.reveal": {
        "en": "The explicit call peaked at {value} MiB: it holds the scores and the softmax weights at once, two "
              "{shape} float32 matrices of {weights_mib} MiB each, and the fit through the peaks gives "
              "{per_head} bytes per pair of tokens per head. From n = {n_prev} to {n} its peak grew ×{m_growth} "
              "(n² alone: ×{quad_growth}). PyTorch's fused SDPA, which computes the scores tile by tile where it picks a "
              "fused kernel, peaked at {peak_sdpa} MiB: the time stays O(n²·d), the memory is what it saves.",
        "zh": "显式调用的峰值是 {value} MiB：它同时持有分数和 softmax 权重，即两个形状为 {shape} 的 float32 矩阵，"
              "每个 {weights_mib} MiB；对各个峰值做拟合，得到每个头、每对词元 {per_head} 字节。从 n = {n_prev} 到 {n}，"
              "它的峰值增长了 ×{m_growth}（纯 n² 为 ×{quad_growth}）。PyTorch 的融合 SDPA 在选用融合内核时逐块计算分数，"
              "峰值为 {peak_sdpa} MiB：时间仍是 O(n²·d)，省下的是内存。",
    },
    # --- block-cost
    "drill.block-cost.ask": {
        "en": "One Transformer block of width d = 256 with a feed-forward inner width d_ff = 4d = 1024 runs on one "
              "sequence of n tokens. Count the FLOPs of the matrix products only (a multiply-add is 2 FLOPs): the Q, K, "
              "V and output projections and the FFN on one side, the attention core, QKᵀ and the weights times V, on "
              "the other. At what n does the attention core's count equal that of everything else?",
        "zh": "一个 Transformer 块，宽度 d = 256，前馈网络内层宽度 d_ff = 4d = 1024，处理一条 n 个词元的序列。只计矩阵乘法"
              "的浮点运算次数（FLOPs，一次乘加记为 2 次）：一边是 Q、K、V 和输出投影以及前馈网络，另一边是注意力核心，"
              "即 QKᵀ 和权重乘 V。n 为多少时，注意力核心的运算量等于其余部分之和？",
    },
    "drill.block-cost.unit": {"en": "tokens", "zh": "个词元"},
    "drill.block-cost.reveal": {
        "en": "Per token the four projections cost 8d² FLOPs and the FFN 4·d·d_ff, while the core costs 4·n·d, so the "
              "core catches up at n = 2d + d_ff = {value} (d = {d}, d_ff = {d_ff}), and with the FFN alone at "
              "n = d_ff = {cross_ffn}. Attention holds {p_attn} weights whatever the number of heads, the FFN {p_ffn}. "
              "At n = {n} the core counts {ratio_flops} times the rest's FLOPs; timed here with {heads} heads, the "
              "explicit core took {ratio_explicit} times the rest's time.",
        "zh": "每个词元上，四个投影需要 8d² 次浮点运算，前馈网络需要 4·d·d_ff 次，注意力核心需要 4·n·d 次，所以核心在 "
              "n = 2d + d_ff = {value} 时追上其余部分（d = {d}，d_ff = {d_ff}）；只和前馈网络相比，则在 n = d_ff = "
              "{cross_ffn}。无论分几个头，注意力都有 {p_attn} 个权重，前馈网络有 {p_ffn} 个。在 n = {n} 时，核心的运算量"
              "是其余部分的 {ratio_flops} 倍；用 {heads} 个头实测，显式注意力核心的耗时是其余部分的 {ratio_explicit} 倍。",
    },
    # --- residual
    "drill.residual.ask": {
        "en": "Two stacks of 4 Pre-LN Transformer blocks (width 64, 4 heads) are trained for 80 steps at learning rate "
              "0.003 to reverse short sequences of characters, from the same initial weights and the same batches. They "
              "differ only in the residual connections: one adds each sub-layer's output to its input, the other "
              "replaces the input with it. Does the stack without residual connections learn the task, ending with a "
              "loss below 1 nat (the mean of its last 5 steps)?",
        "zh": "两个堆叠各由 4 个前置层归一化（Pre-LN）的 Transformer 块组成（宽度 64，4 个头），从相同的初始权重、用相同的"
              "批次，以学习率 0.003 训练 80 步，任务是把短的字符序列倒过来。两者只差在残差连接：一个把子层的输出加到输入"
              "上，另一个用输出取代输入。没有残差连接的那个能学会这个任务吗，即最后的损失（最后 5 步的平均）低于 1 奈特？",
    },
    "drill.residual.reveal": {
        "en": "After {steps} steps the stack with residuals ends at a loss of {loss_with} and the one without at "
              "{loss_without}; the answer is yes only if the one without ends below {learned}. The two stacks have the "
              "same parameters and cost the same per step; what differs is the path through them. Already at "
              "initialisation, after {depth} blocks without residuals the positions' vectors differ by a relative "
              "spread of {spread_without} ({spread_with} with residuals), since attention averages positions and nothing "
              "keeps the input in the stream; a residual gives every block an identity path, for the signal forward and "
              "the gradient backward, so each block only has to learn a correction.",
        "zh": "训练 {steps} 步后，有残差的堆叠损失为 {loss_with}，没有残差的为 {loss_without}；只有后者低于 {learned} 时"
              "答案才是“能”。两个堆叠参数相同，每步的计算量也相同，不同的是信号穿过它们的路径。在初始化时，经过 {depth} "
              "个没有残差的块后，各位置向量之间的相对差异是 {spread_without}（有残差时为 {spread_with}），因为注意力会把"
              "各位置平均，而没有什么把输入保留在流中；残差给每个块一条恒等通路，前向传递信号，反向传递梯度，于是每个块"
              "只需学习一个修正量。",
    },
    # --- ln-vs-bn
    "drill.ln-vs-bn.ask": {
        "en": "MiniLM reads six English sentences of different lengths as one batch, right-padded to the longest, as a "
              "data loader builds it. At the input of block 1's first LayerNorm (counting from 0), each token's vector is "
              "normalised by LayerNorm without its learned scale and shift, once inside this padded batch and once with "
              "its sentence run alone. Does any token's normalised vector change by more than 0.001 in any feature?",
        "zh": "MiniLM 把六个长短不一的英文句子当作一个批次读入，像数据加载器那样在右侧填充到最长句子的长度。在第 1 个块"
              "（从 0 数起）第一个层归一化的输入处，用不含可学习缩放和平移的层归一化对每个词元的向量做归一化：一次在这个"
              "填充后的批次里，一次是它所在的句子单独运行。有没有哪个词元的归一化结果在某个分量上变化超过 0.001？",
    },
    "drill.ln-vs-bn.reveal": {
        "en": "LayerNorm's largest change over every real token and feature is {ln_max}; the answer is yes only if it is "
              "above {threshold}, far more than float rounding in the encoder gives. LayerNorm normalises each token "
              "over its own {D} features, so the batch, its size and its padding never enter. BatchNorm normalises each "
              "feature over every position of the batch: counting the {n_pad} pad positions beside the {n_real} real "
              "ones moves the real tokens' outputs by {bn_pad} on average (against statistics over the real positions only), and even with the padding left out, the other sentences "
              "move a token's output by {bn_masked} on average from its sentence normalised alone.",
        "zh": "层归一化在所有真实词元和分量上的最大变化是 {ln_max}；只有它超过 {threshold} 时答案才是“有”，这个阈值远大于"
              "编码器里浮点舍入能造成的差别。层归一化用每个词元自己的 {D} 个分量做归一化，批次、批次大小和填充都不参与。"
              "批归一化则对每个分量在整个批次的所有位置上做归一化：把 {n_pad} 个填充位置和 {n_real} 个真实位置一起统计，"
              "真实词元的输出平均移动 {bn_pad}（相对于只用真实位置统计时）；即使把填充排除在外，其他句子仍让一个词元的输出与其句子单独归一化时平均相差 "
              "{bn_masked}。",
    },
}
