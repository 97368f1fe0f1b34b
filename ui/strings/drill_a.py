"""The drill's question and revealed answer for the lessons of tf_core/drill/lessons_a.py.

Per lesson ``<qid>``: ``drill.<qid>.ask`` (what to predict, with the fixed settings the run uses),
``drill.<qid>.unit`` (the answer's unit; no entry for a pure number) and ``drill.<qid>.reveal`` (the short answer,
quoting the live numbers of ``Measured.facts`` by name, ``{value}`` the quantity itself)."""
STRINGS = {
    "drill.scaling.ask": {
        "en": "Queries and keys have d_k = 4096 components, each drawn from N(0, 1). A query scores 32 keys by their "
              "dot products, with no division by √d_k, and takes the softmax. On average over the queries, what is the "
              "largest of its 32 weights? (1/32 ≈ 0.03 is uniform, 1 is one-hot.)",
        "zh": "查询和键都有 d_k = 4096 维，每维取自 N(0, 1)。一个查询与 32 个键做点积打分，不除以 √d_k，再做 softmax。"
              "对所有查询取平均，32 个权重中最大的那个是多少？（1/32 ≈ 0.03 表示均匀，1 表示全部权重集中在一个键上。）",
    },
    "drill.scaling.reveal": {
        "en": "Without the factor the scores have variance {var_raw} (d_k = {dk}), so the softmax is nearly one-hot: the "
              "largest weight averages {pmax_raw}. Divided by √d_k it averages {pmax_scaled}, against {uniform} for a "
              "uniform row, and the gradient keeps flowing to every key.",
        "zh": "不除以缩放因子时，分数的方差为 {var_raw}（d_k = {dk}），softmax 几乎是独热（one-hot）的：最大权重平均为 {pmax_raw}。"
              "除以 √d_k 之后平均为 {pmax_scaled}（均匀分布为 {uniform}），梯度仍能流向每一个键。",
    },
    # --- tokenization
    "drill.tokenization.ask": {
        "en": "SmolLM2's tokenizer is a byte-level BPE with 49,152 tokens, whose merges were learned mostly on English "
              "text. Typed on its own, with no special tokens added, into how many SmolLM2 tokens is the three-character "
              "Chinese word `注意力` (\"attention\") cut?",
        "zh": "SmolLM2 的分词器是字节级 BPE，词表有 49,152 个词元，合并规则主要从英文文本中学得。"
              "单独输入由三个汉字组成的词“注意力”（不加任何特殊词元），SmolLM2 会把它切成多少个词元？",
    },
    "drill.tokenization.unit": {"en": "tokens", "zh": "个词元"},
    "drill.tokenization.reveal": {
        "en": "SmolLM2 cuts {word} ({chars} characters, {bytes} bytes of UTF-8) into {n_bpe} tokens, {fragments} of them "
              "fragments that hold only part of a character. e5's multilingual Unigram vocabulary needs {n_unigram} "
              "tokens for the same word, and MiniLM's WordPiece gives {n_wordpiece}, {n_unk} of them [UNK]. Byte-level "
              "BPE starts from bytes and never needs an unknown token, but a script its merges rarely cover stays close "
              "to one token per byte: a shorter effective context and more compute for the same text.",
        "zh": "SmolLM2 把 {word}（{chars} 个字符，UTF-8 编码共 {bytes} 个字节）切成 {n_bpe} 个词元，其中 {fragments} 个"
              "只是某个字符的一部分字节。e5 的多语言 Unigram 词表对同一个词只需 {n_unigram} 个词元，MiniLM 的 WordPiece "
              "给出 {n_wordpiece} 个，其中 {n_unk} 个是 [UNK]。字节级 BPE 从字节出发，永远不需要未知词元；但合并规则很少"
              "覆盖的文字会接近一个字节一个词元，同样的文本占用更多上下文、花费更多计算。",
    },
    # --- pretrained-vectors
    "drill.pretrained-vectors.ask": {
        "en": "MiniLM (all-MiniLM-L6-v2) is an encoder of 6 layers and width 384 with a WordPiece vocabulary of 30,522 "
              "tokens. What fraction of all its parameters is the input word-embedding table, the part that pretrained "
              "word vectors could initialise? Answer from 0 to 1.",
        "zh": "MiniLM（all-MiniLM-L6-v2）是一个 6 层、宽度 384 的编码器，WordPiece 词表有 30,522 个词元。"
              "输入词嵌入表（预训练词向量可以用来初始化的那一部分）占它全部参数的比例是多少？用 0 到 1 之间的数回答。",
    },
    "drill.pretrained-vectors.reveal": {
        "en": "{model}'s word-embedding table has {V} rows of {D} numbers, {table_params} parameters: {value} of the "
              "encoder's {model_params}. So yes, pretrained vectors can fill this lookup table, provided every token has "
              "a vector and the widths agree (or a learned projection bridges them), and in a model this small the table "
              "is a large part of what is learned. In a large model the same table is a small share, and today one "
              "reuses a whole pretrained model rather than transplanting word vectors.",
        "zh": "{model} 的词嵌入表有 {V} 行、每行 {D} 个数，共 {table_params} 个参数，占编码器全部 {model_params} 个参数的 "
              "{value}。所以可以：只要每个词元都有对应的向量、维度一致（或者用一个可学习的投影来对齐），预训练向量就能"
              "填进这张查找表；在这样的小模型里，这张表是要学习的参数中很大的一部分。在大模型里同样的表只占很小的比例，"
              "而且如今的做法是复用整个预训练模型，而不是移植词向量。",
    },
    # --- qk-separate
    "drill.qk-separate.ask": {
        "en": "Take MiniLM's layer 1 (counting from 0) on the sentence \"The animal didn't cross the street because it "
              "was too tired.\" and make the keys with the query projection (W_K := W_Q, b_K := b_Q), so that every "
              "score matrix is symmetric. In what fraction of a head's score rows is the largest score the token's score "
              "with itself (the diagonal)? Average over the 12 heads; answer from 0 to 1.",
        "zh": "取 MiniLM 的第 1 层（从 0 数起），输入句子 `The animal didn't cross the street because it was too tired.`，"
              "并让键也用查询的投影来计算（W_K := W_Q，b_K := b_Q），这样每个分数矩阵都是对称的。一个头的分数矩阵中，"
              "有多大比例的行，其最大分数是词元对自己的分数（落在对角线上）？对 12 个头取平均，用 0 到 1 之间的数回答。",
    },
    "drill.qk-separate.reveal": {
        "en": "With W_K := W_Q each score is q_i · q_j / √d_h: the matrix is symmetric (largest asymmetry "
              "{asym_shared}: zero up to rounding) and a token's score with itself is its query's squared length over "
              "√d_h, so in {value} of the rows the largest score is on the diagonal, averaged over the {heads} heads of "
              "layer {layer} on {tokens} tokens. With the model's own W_Q and W_K it is {diag_own}, against {chance} by chance, and the mean "
              "asymmetry is {asym_own}. Separate projections let a token look for something other than what it is, and "
              "let i attend to j differently from j to i.",
        "zh": "令 W_K := W_Q 后，每个分数都是 q_i · q_j / √d_h：矩阵是对称的（最大不对称度为 {asym_shared}：除舍入误差外为零），"
              "词元对自己的分数等于其查询向量长度的平方除以 √d_h，于是在第 {layer} 层的 {heads} 个头上平均（{tokens} 个"
              "词元），有 {value} 的行最大分数落在对角线上。用模型自己的 W_Q 和 W_K 时这一比例是 {diag_own}，随机情况下为 "
              "{chance}，平均不对称度为 {asym_own}。独立的投影让一个词元去寻找与自身不同的内容，也让 i 对 j 的关注可以不同于"
              " j 对 i 的关注。",
    },
    # --- dot-vs-additive
    "drill.dot-vs-additive.ask": {
        "en": "n = 256 queries and 256 keys of width d_k = 64. Additive attention scores vᵀ tanh(W₁q + W₂k) with d_a = 64 "
              "are computed the efficient way: W₁q once per query, W₂k once per key, then for each pair a sum, a tanh "
              "and a dot product with v. How many times the FLOPs of the dot-product scores QKᵀ does that count? A "
              "multiply-add is 2 FLOPs; the element-wise sums and tanh are not counted.",
        "zh": "n = 256 个查询和 256 个键，宽度 d_k = 64。加性注意力分数 vᵀ tanh(W₁q + W₂k)，d_a = 64，用高效的方式计算："
              "每个查询算一次 W₁q，每个键算一次 W₂k，然后每一对做一次相加、一次双曲正切、再与 v 做点积。它的浮点运算次数"
              "（FLOPs）是点积分数 QKᵀ 的多少倍？一次乘加记为 2 次浮点运算；逐元素的相加和双曲正切不计入。",
    },
    "drill.dot-vs-additive.unit": {"en": "×", "zh": "×"},
    "drill.dot-vs-additive.reveal": {
        "en": "Counted this way the additive scores take {flops_add} FLOPs against {flops_dot} for QKᵀ (n = {n}, "
              "d_k = {dk}, d_a = {da}): the same order, n²·d_a + 2·n·d_k·d_a multiply-adds against n²·d_k. Only the "
              "naive way, W[q; k] for every pair, n²·(2·d_k + 1)·d_a multiply-adds, costs {flops_naive}, {naive_ratio} "
              "times the dot product. The practical gap lies "
              "elsewhere: in this run the additive score took {time_ratio} times as long as the dot product, because "
              "QKᵀ is one matrix product, while the additive score writes an n × n × d_a tensor and takes a tanh of "
              "every element of it.",
        "zh": "按这种方式计数，加性分数需要 {flops_add} 次浮点运算，QKᵀ 需要 {flops_dot} 次（n = {n}，d_k = {dk}，"
              "d_a = {da}）：量级相同，乘加次数分别是 n²·d_a + 2·n·d_k·d_a 与 n²·d_k。只有朴素做法，即对每一对计算 "
              "W[q; k]，共 n²·(2·d_k + 1)·d_a 次乘加，才需要 {flops_naive} 次，是点积的 {naive_ratio} 倍。实际的差距在别处：本次运行中加性分数的耗时是点积的 "
              "{time_ratio} 倍，因为 QKᵀ 只是一次矩阵乘法，而加性分数要写出一个 n × n × d_a 的张量，并对其中每个元素求"
              "双曲正切。",
    },
    # --- multi-head
    "drill.multi-head.ask": {
        "en": "MiniLM's attention layers have d_model = 384, split into 12 heads of width 32. On the sentence \"The "
              "animal didn't cross the street because it was too tired.\", how many times the FLOPs of the same layer "
              "computed as one head of width 384 does the 12-head layer count? Count the Q, K, V and output "
              "projections, the scores and the weights × values; a multiply-add is 2 FLOPs.",
        "zh": "MiniLM 的注意力层 d_model = 384，分成 12 个宽度为 32 的头。在句子 `The animal didn't cross the street "
              "because it was too tired.` 上，12 个头的这一层的浮点运算次数（FLOPs）是同一层改为一个宽度 384 的单头时的"
              "多少倍？计入 Q、K、V 和输出投影、分数以及权重乘值；一次乘加记为 2 次浮点运算。",
    },
    "drill.multi-head.unit": {"en": "×", "zh": "×"},
    "drill.multi-head.reveal": {
        "en": "The ratio is {value}: on these {tokens} tokens, {heads} heads of width {dh} count {flops_multi} FLOPs and "
              "one head of width {d} counts {flops_single}, with {params} parameters either way, because h blocks of "
              "d × d/h make one d × d matrix. Only the softmax grows, {exps_multi} exponentials against {exps_single}. "
              "What the split buys is {heads} attention patterns per token instead of one: two heads of the same layer "
              "differ by a mean Hellinger distance of {dist_mean} between their rows (0 for identical rows), averaged "
              "over every pair of heads in each of the {layers} layers.",
        "zh": "比值是 {value}：在这 {tokens} 个词元上，{heads} 个宽度 {dh} 的头需要 {flops_multi} 次浮点运算，一个宽度 {d} "
              "的单头需要 {flops_single} 次，两者的参数都是 {params} 个，因为 h 个 d × d/h 的分块拼起来就是一个 d × d 的"
              "矩阵。只有 softmax 变多了：{exps_multi} 次指数运算，对比 {exps_single} 次。拆分换来的是每个词元 {heads} 种"
              "注意力模式而不是一种：同一层的两个头，其各行之间的平均 Hellinger 距离为 {dist_mean}（完全相同的行为 0），"
              "对 {layers} 层中每一层的每一对头取平均。",
    },
    # --- padding-mask
    "drill.padding-mask.ask": {
        "en": "MiniLM encodes three English sentences as one batch: \"Short one.\", \"A somewhat longer sentence comes "
              "second.\" and \"The third sentence is the longest of these three, by far.\", right-padded with [PAD] to "
              "the longest one plus 8 more pads. With no padding mask at all, what share of their attention weight do "
              "the real tokens of the shortest sentence put on its pad tokens, averaged over those tokens and over all "
              "6 layers × 12 heads? Answer from 0 to 1.",
        "zh": "MiniLM 把三个英文句子编成一个批次：`Short one.`、`A somewhat longer sentence comes second.` 和 "
              "`The third sentence is the longest of these three, by far.`，在右侧用 [PAD] 填充到最长句子的长度，再多加 "
              "8 个填充词元。完全不用填充掩码时，最短那句的真实词元把多大比例的注意力权重放在它的填充词元上？对这些词元"
              "以及全部 6 层 × 12 个头取平均，用 0 到 1 之间的数回答。",
    },
    "drill.padding-mask.reveal": {
        "en": "Without the mask the {n_real} real tokens of the shortest sentence put {value} of their attention weight "
              "on its {n_pad} pads (batch length {T}), averaged over the {heads} heads of all {layers} layers, and up to "
              "{pad_mass_max} in one head; their final hidden states then differ from the sentence run alone by up to "
              "{diff_unmasked} in a component. With the mask the pad keys' scores become −inf before the softmax, so "
              "they get no weight, and every sentence's real tokens match their run alone to within {diff_masked}.",
        "zh": "不用掩码时，最短那句的 {n_real} 个真实词元把 {value} 的注意力权重放在它的 {n_pad} 个填充词元上（批次长度 "
              "{T}），这是对全部 {layers} 层的 {heads} 个头取的平均，单个头最多达到 {pad_mass_max}；它们最后一层的隐藏状态"
              "与单独运行这句话相比，单个分量最多相差 {diff_unmasked}。加上掩码后，填充键的分数在 softmax 之前被置为 "
              "−inf，得到的权重为零，每句话真实词元的输出与单独运行时的差别都在 {diff_masked} 以内。",
    },
    # --- batch-lengths
    "drill.batch-lengths.ask": {
        "en": "Twelve English sentences of mixed length (drawn with seed 0 from the lesson's bundled list) are tokenized "
              "for MiniLM, shuffled into batches of 4, and each batch is padded to its own longest sentence. What "
              "fraction of all the tokens in the batches are pad tokens? Answer from 0 to 1.",
        "zh": "从本课自带的句子表中用种子 0 抽出 12 个长短不一的英文句子，用 MiniLM 的分词器切分，随机打乱后每 4 句组成"
              "一个批次，每个批次填充到该批次中最长句子的长度。所有批次的词元中，填充词元占多大比例？用 0 到 1 之间的数回答。",
    },
    "drill.batch-lengths.reveal": {
        "en": "Shuffled at random, {value} of the tokens in the batches are pads: {n} sentences of {min_len} to "
              "{max_len} tokens, each batch of {bs} padded to its longest. Sorting by length brings it down to "
              "{pad_sorted}, and bucketing (sorting inside pools of {pool} batches, then shuffling the batches) to "
              "{pad_bucketed}, while padding every sentence to {fixed_len} tokens would waste {pad_fixed}. Batches may "
              "differ in length because no weight depends on it; inside one batch the tensor is rectangular, so "
              "grouping similar lengths is what keeps the padding, and the compute spent on it, small.",
        "zh": "随机分批时，批次中 {value} 的词元是填充：{n} 个句子长 {min_len} 到 {max_len} 个词元，每批 {bs} 句，填充到"
              "该批最长的句子。按长度排序后降到 {pad_sorted}，分桶（在 {pool} 个批次的池内排序，再打乱批次顺序）降到 "
              "{pad_bucketed}；而把每句都填充到固定的 {fixed_len} 个词元会浪费 {pad_fixed}。不同批次的长度可以不同，因为"
              "没有哪个权重依赖于长度；但一个批次是一个规整的张量，所以把长度相近的句子放在一起，才能让填充以及花在填充上"
              "的计算保持很少。",
    },
    # --- causal-mask
    "drill.causal-mask.ask": {
        "en": "SmolLM2-135M-Instruct, with its causal mask, reads the prompt \"Once upon a time, in a small village by "
              "the sea, there lived an\". Replace the token at position 8 (\" village\", counting from 0) with \" dog\" "
              "and run it again. Does any logit at positions 0 to 7 change at all, even in the last bit of a float?",
        "zh": "SmolLM2-135M-Instruct 带着它的因果掩码读入提示 `Once upon a time, in a small village by the sea, there "
              "lived an`。把第 8 个位置（从 0 数起）的词元 `village` 换成 `dog`，再运行一次。位置 0 到 7 上有没有任何一个"
              " logit 发生变化，哪怕只是浮点数的最后一位？",
    },
    "drill.causal-mask.reveal": {
        "en": "With the causal mask, the largest change of any logit at the positions before {p} is {before_causal} "
              "({before_fast} on PyTorch's fused attention kernel); the answer is yes only if it is above 0. Position "
              "{p} itself, where {old} became {new}, moves by up to {at_p}. Without the mask the earlier positions read "
              "the new token and move by up to {before_bidir}: the mask is what keeps position i a function of tokens 0 "
              "to i, in training exactly as in generation.",
        "zh": "有因果掩码时，位置 {p} 之前任何一个 logit 的最大变化是 {before_causal}（在 PyTorch 的融合注意力内核上是 "
              "{before_fast}）；只有它大于 0 时答案才是“有”。位置 {p} 本身（{old} 换成了 {new}）最多变化 {at_p}。去掉掩码后，"
              "前面的位置会读到新词元，最多变化 {before_bidir}：正是掩码让位置 i 只依赖于第 0 到 i 个词元，训练时与生成时"
              "完全一致。",
    },
}
