"""The drill's question and revealed answer for the lessons of tf_core/drill/lessons_c.py.

Per lesson ``<qid>``: ``drill.<qid>.ask`` (what to predict, with the fixed settings the run uses),
``drill.<qid>.unit`` (the answer's unit; no entry for a pure number) and ``drill.<qid>.reveal`` (the short answer,
quoting the live numbers of ``Measured.facts`` by name, ``{value}`` the quantity itself)."""
STRINGS = {
    # --- batchnorm ---
    "drill.batchnorm.ask": {
        "en": "A 2-block Transformer with BatchNorm (d = 64) has learned to reverse 8-character sequences, trained on "
              "batches of 16 sequences. Now its first BatchNorm gets batches of a single sequence: 8 values per feature. "
              "How much does a feature's batch mean move from one such batch to the next? Answer with its standard "
              "deviation over 200 batches, in units of how much that feature varies from character to character, "
              "averaged over the features (0: it never moves; 1: as much as one value on its own).",
        "zh": "一个使用批归一化的 2 层 Transformer（d = 64）已学会把 8 个字符的序列倒序输出，训练时每批 16 个序列。"
              "现在让它的第一个批归一化层每批只看一个序列，即每个特征只有 8 个取值。从一批换到下一批，某个特征的批均值会变动多少？"
              "请给出它在 200 个这样的批上的标准差，以该特征在不同字符之间的标准差为单位，并对所有特征取平均"
              "（0 表示从不变动，1 表示与单个取值的变动一样大）。",
    },
    "drill.batchnorm.reveal": {
        "en": "With {T} values per feature the batch mean moves by {noise_1} of the feature's spread from batch to batch "
              "(over {draws} batches), close to the 1/√{T} = {theory_1} of independent values; even at {b_max} sequences "
              "per batch it still moves by {noise_max} (theory {theory_max}). In training every token is normalised with "
              "these noisy statistics, so its output depends on its batch-mates, and inference has to switch to running "
              "averages.",
        "zh": "每个特征只有 {T} 个取值时，批均值在批与批之间的变动为该特征离散程度的 {noise_1}（在 {draws} 个批上测得），"
              "接近独立取值的理论值 1/√{T} = {theory_1}；即使每批 {b_max} 个序列，仍有 {noise_max}（理论值 {theory_max}）。"
              "训练时每个词元都用这些带噪声的统计量做归一化，输出随同批的其他样本而变；推理时只好改用滑动平均的统计量。",
    },
    # --- positional-encoding ---
    "drill.positional-encoding.ask": {
        "en": "MiniLM (all-MiniLM-L6-v2) reads the sentence `The animal didn't cross the street because it was too "
              "tired.` twice with its position vectors removed: once as written, once with its tokens shuffled (the "
              "first and last special tokens stay in place). Follow each token to where it went: at the embeddings and "
              "in every layer, is its output vector the same in both runs, to within 10⁻⁴? Yes or no.",
        "zh": "MiniLM（all-MiniLM-L6-v2）去掉位置向量后读两遍句子 `The animal didn't cross the street because it was "
              "too tired.`：一遍按原顺序，一遍把词元打乱（首尾两个特殊词元不动）。跟着每个词元到它的新位置去比较："
              "在嵌入层和每一层，它在两次运行中的输出向量是否相同（差异不超过 10⁻⁴）？回答是或否。",
    },
    "drill.positional-encoding.reveal": {
        "en": "The largest difference between a token's output in the shuffled run and in the original one, over the "
              "embeddings, all {layers} layers and all {T} tokens ({moved} of them moved), is {none_max}, against the "
              "threshold {within}: float32 rounding. Without positions, attention is permutation-equivariant: shuffled "
              "tokens come out shuffled and the model cannot see order. With the position vectors in, the same shuffle "
              "changes the outputs by up to {kept_max} (hidden values reach {scale}).",
        "zh": "在嵌入层、全部 {layers} 层和全部 {T} 个词元上（其中 {moved} 个换了位置），打乱后的输出与原输出的最大差异为 "
              "{none_max}，阈值为 {within}：只是 float32 的舍入误差。没有位置编码时注意力对排列是等变的：词元打乱，输出也跟着打乱，"
              "模型看不到顺序。加上位置向量后，同样的打乱让输出最多变化 {kept_max}（隐藏状态的数值最大为 {scale}）。",
    },
    # --- pe-adds ---
    "drill.pe-adds.ask": {
        "en": "In MiniLM, add a token's learned position vector (and the token-type vector BERT adds to every token) to "
              "its word embedding, before the LayerNorm. Is the row of the word table nearest to the sum, by cosine, "
              "still the token's own? Answer with the share of 32 random tokens × 8 positions spread over 0 … 511 for "
              "which it is (0 to 1).",
        "zh": "在 MiniLM 中，把一个词元学到的位置向量（以及 BERT 给每个词元都加上的段向量）加到它的词嵌入上，在层归一化之前。"
              "按余弦相似度，词嵌入表中离这个和最近的那一行还是这个词元自己吗？请给出成立的比例："
              "随机取 32 个词元，每个放在 0 … 511 中均匀分布的 8 个位置上（0 到 1 之间）。",
    },
    "drill.pe-adds.reveal": {
        "en": "The word comes back for {acc} of the {sample} × {positions} token-position pairs, searched among "
              "{candidates} rows (still {acc_worst} at the worst position, {worst_pos}). In {d} dimensions unrelated "
              "vectors are nearly orthogonal and the word is not small next to the position, so the sum still points at "
              "its word. On a random N(0, 1/d) table of the same size with the sinusoidal encoding added, the share "
              "found is {sin_scaled} when the table is multiplied by √d, and only {sin_plain} without that factor.",
        "zh": "在 {sample} × {positions} 个词元-位置组合中，有 {acc} 找回了原词（在 {candidates} 行中搜索；最差的位置 "
              "{worst_pos} 上仍有 {acc_worst}）。在 {d} 维空间里无关的向量几乎正交，而词向量相对位置向量并不小，"
              "所以相加之后仍指向原词。换成同样大小的随机 N(0, 1/d) 词表并加上正弦位置编码：词表乘以 √d 时找回比例为 "
              "{sin_scaled}，不乘时只有 {sin_plain}。",
    },
    # --- embed-scale ---
    "drill.embed-scale.ask": {
        "en": "The original Transformer at d_model = 512, with its embedding table initialised N(0, 1/d_model) (the "
              "small start a table shared with the output layer needs), adds the sinusoidal positional encoding without "
              "the √d_model factor. What is ‖embedding row‖ / ‖PE row‖, on average over 64 positions?",
        "zh": "原始 Transformer，d_model = 512，词嵌入表按 N(0, 1/d_model) 初始化（与输出层共享的词表需要这样小的起点），"
              "不乘 √d_model 就加上正弦位置编码。在 64 个位置上平均，‖嵌入行‖ / ‖位置编码行‖ 是多少？",
    },
    "drill.embed-scale.reveal": {
        "en": "About {ratio_plain}: a row of N(0, σ²) entries with σ = {sigma} has norm σ√d ≈ {e_norm}, while every PE "
              "row has norm √(d/2) = {pe_norm}, so the sum is mostly position (its cosine with the word: {cos_plain}). "
              "Multiplying the embeddings by √d_model = {factor} lifts the ratio to {ratio_scaled} and that cosine to "
              "{cos_scaled}: the factor scales the embeddings up to the PE's size; it keeps nothing small.",
        "zh": "约 {ratio_plain}：元素取自 N(0, σ²)、σ = {sigma} 的一行，范数约为 σ√d ≈ {e_norm}，而每一行位置编码的范数都是 "
              "√(d/2) = {pe_norm}，所以和向量几乎只剩位置（它与词向量的余弦为 {cos_plain}）。把嵌入乘以 √d_model = {factor} 后，"
              "比值升到 {ratio_scaled}，余弦升到 {cos_scaled}：这个因子是把嵌入放大到与位置编码相当，而不是把什么变小。",
    },
    # --- pe-variants ---
    "drill.pe-variants.ask": {
        "en": "Six small character-level decoders, identical except for how position enters, were trained on "
              "32-character windows of the King James Bible. Take the one with RoPE. On held-out text read in windows of "
              "128 characters (4× the training length), each from its own start, what is its mean loss per character "
              "divided by its mean loss at 32 characters? (1: no worse.)",
        "zh": "六个小型字符级解码器只在位置信息的加入方式上不同，都在《钦定版圣经》的 32 字符窗口上训练。取使用 RoPE 的那个。"
              "在留出文本上按 128 字符（训练长度的 4 倍）的窗口阅读，每个窗口从头开始，它每个字符的平均损失除以 32 字符时的平均损失是多少？"
              "（1 表示没有变差。）",
    },
    "drill.pe-variants.unit": {"en": "×", "zh": "×"},
    "drill.pe-variants.reveal": {
        "en": "{ratio}: the RoPE model's loss goes from {loss_train} nats per character at {train_length} characters to "
              "{loss_long} at {longest}. Encoding relative offsets does not by itself let a model read longer texts: it "
              "never saw offsets of {train_length} or more in training. ALiBi, whose penalty grows with distance, holds at "
              "{alibi_ratio}; the sinusoidal model reaches {sin_ratio}.",
        "zh": "{ratio}：RoPE 模型每个字符的损失从 {train_length} 字符时的 {loss_train} 奈特升到 {longest} 字符时的 {loss_long}。"
              "编码相对距离本身并不能让模型读更长的文本：训练中它从未见过 {train_length} 及以上的距离。"
              "ALiBi 的惩罚随距离增长，比值保持在 {alibi_ratio}；正弦位置编码的模型则升到 {sin_ratio}。",
    },
    # --- ffn ---
    "drill.ffn.ask": {
        "en": "A 2-layer Pre-LN Transformer (d = 64, FFN width 256, ReLU) is trained for 80 Adam steps at a constant "
              "learning rate of 0.03 on a small sequence-reversal task. On 2,048 positions of a fixed batch, what share "
              "of all its ReLU activations inside the FFNs (both layers, every unit, every position) is exactly 0? "
              "(0 to 1.)",
        "zh": "一个 2 层 Pre-LN Transformer（d = 64，前馈网络宽度 256，ReLU）在一个小的序列倒序任务上以恒定学习率 0.03 训练 80 步。"
              "在一个固定批次的 2048 个位置上，前馈网络里全部 ReLU 激活值（两层、每个单元、每个位置）中恰好为 0 的比例是多少？"
              "（0 到 1 之间。）",
    },
    "drill.ffn.reveal": {
        "en": "{zero_relu} of the ReLU activations are exactly 0; the same stack trained with GELU has {zero_gelu}. "
              "Sparse activations are cheap, but a unit that is 0 at every position gets no gradient and never "
              "recovers: after this run {dead_relu_n} of the {units} ReLU units are dead, against {dead_gelu_n} with "
              "GELU.",
        "zh": "ReLU 激活值中有 {zero_relu} 恰好为 0；同样的网络换成 GELU 训练后为 {zero_gelu}。稀疏的激活计算便宜，"
              "但一个在所有位置都为 0 的单元得不到梯度，再也恢复不了：这次训练后 {units} 个 ReLU 单元中有 {dead_relu_n} 个已经死亡，"
              "GELU 为 {dead_gelu_n} 个。",
    },
    # --- weight-tying ---
    "drill.weight-tying.ask": {
        "en": "SmolLM2-135M ties its output layer to its token embedding table: one V × d matrix, with V = 49,152 tokens "
              "and d = 576, serves both. What share of the model's parameters is that one table? (0 to 1.)",
        "zh": "SmolLM2-135M 的输出层与词嵌入表共享权重：一个 V × d 的矩阵（V = 49152 个词元，d = 576）同时承担两者。"
              "这一张表占模型参数的比例是多少？（0 到 1 之间。）",
    },
    "drill.weight-tying.reveal": {
        "en": "{share}: the table holds {vocab} × {d} = {table_params} of the {total} parameters in the model's file, "
              "which has no separate output matrix. Untied, the model would have {untied_total} parameters, so tying "
              "saves {saved} of them: in a small model with a large vocabulary the table is a large part of the whole.",
        "zh": "{share}：这张表有 {vocab} × {d} = {table_params} 个参数，模型文件共 {total} 个参数，且没有单独的输出矩阵。"
              "若不共享，模型会有 {untied_total} 个参数，所以共享省下了其中的 {saved}：词表大而模型小时，这张表占了整体的很大一部分。",
    },
    # --- lr-dropout ---
    "drill.lr-dropout.ask": {
        "en": "A 3-layer Post-LN Transformer (d = 64) learns to reverse 8-character sequences, trained for 80 Adam steps "
              "at a constant learning rate of 0.01 from the very first step, with no warm-up. What is its final training "
              "loss in nats per character (the mean of the last 5 steps)? For scale: a uniform guess among the 32 "
              "characters costs ln 32 nats, and a solved task is near 0.",
        "zh": "一个 3 层 Post-LN Transformer（d = 64）学习把 8 个字符的序列倒序输出，从第一步起就以恒定学习率 0.01 训练 80 步，"
              "没有预热。它最终的训练损失是每个字符多少奈特（最后 5 步的平均）？作为参照：在 32 个字符中均匀猜测的损失是 ln 32 奈特，"
              "完全学会时接近 0。",
    },
    "drill.lr-dropout.unit": {"en": "nats", "zh": "奈特"},
    "drill.lr-dropout.reveal": {
        "en": "{loss_const} nats without warm-up, against the task's character entropy of {entropy}, the loss of a model "
              "that knows which characters occur but not where they go (the plateau a run stuck at the start stays "
              "on). The same run on the paper's "
              "schedule (a linear rise over {warmup} steps to the same peak {lr}, then a 1/√step decay) ends at {loss_warm}. "
              "Post-LN's gradients near the output are large at initialisation, and full-size first steps can leave it on "
              "that plateau; the warm-up keeps the first steps small.",
        "zh": "没有预热时为 {loss_const} 奈特；作为对照，任务的字符熵是 {entropy}，也就是只知道出现哪些字符、不知道它们该放在哪里的模型的损失"
              "（一开始就卡住的训练会停在这个平台上）。"
              "同样的训练改用论文的调度（在 {warmup} 步内线性升到同样的峰值 {lr}，再按 1/√步数 衰减），"
              "最终损失为 {loss_warm}。Post-LN 在初始化时靠近输出的梯度很大，一开始就用全尺寸的步长，可能让它停在这个平台上；预热让最初的几步保持很小。",
    },
    # --- variants ---
    "drill.variants.ask": {
        "en": "64 tokens of width 576 each have their own offset and scale; the most off-centre one has a mean of about "
              "3 times its standard deviation (both taken over its 576 features). After RMSNorm (gain 1, no bias), what "
              "is the mean of that token's features? (After LayerNorm it would be 0.)",
        "zh": "64 个宽度为 576 的词元各有自己的偏移和尺度；偏离中心最远的那个，其均值约为其标准差的 3 倍（均在它的 576 个特征上计算）。"
              "经过 RMSNorm（增益为 1，无偏置）之后，这个词元各特征的均值是多少？（经过层归一化则为 0。）",
    },
    "drill.variants.reveal": {
        "en": "{rms_mean}: RMSNorm only divides by the root mean square, so the offset stays: a token with mean / std = r "
              "comes out with mean r / √(1 + r²), here r = {ratio} gives {theory}, at an rms of {rms_rms}. LayerNorm "
              "subtracts the mean first and leaves {ln_mean}. RMSNorm saves that subtraction and the bias (SmolLM2 and "
              "Llama use it), but it is not the same operation.",
        "zh": "{rms_mean}：RMSNorm 只除以均方根，偏移保留下来：均值与标准差之比为 r 的词元，输出均值为 r / √(1 + r²)，"
              "这里 r = {ratio}，得 {theory}，均方根为 {rms_rms}。层归一化先减去均值，只剩 {ln_mean}。"
              "RMSNorm 省掉了这次减法和偏置（SmolLM2 和 Llama 都用它），但它与层归一化并不是同一个运算。",
    },
}
