"""Strings of app_pages/tokens.py: lessons tokenization and pretrained-vectors."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- lesson tokenization -------------------------------------------------------------------------
    "tok.fig.bpt": {"en": "{name}: bytes per token", "zh": "{name}：每个词元的字节数"},
    "tok.fig.bpt_help": {
        "en": "{algorithm}: your text's {bytes} UTF-8 {bytes:byte|bytes} ({chars} {chars:character|characters}) over "
        "its {tokens} {tokens:token|tokens}; {unk} unknown. More bytes per token: a shorter sequence for the model.",
        "zh": "{algorithm}：你的文本共 {bytes} 个 UTF-8 字节（{chars} 个字符），除以它的 {tokens} 个词元；未知词元 {unk} 个。"
        "每个词元的字节数越多，模型要处理的序列越短。",
    },
    "vec.fig.ctx_same": {"en": "“{word}”, same sense: cos", "zh": "“{word}”同一词义：cos"},
    "vec.fig.ctx_diff": {"en": "“{word}”, other sense: cos", "zh": "“{word}”不同词义：cos"},
    "vec.fig.nearest": {"en": "Nearest neighbour of “{word}”: cos", "zh": "“{word}”的最近邻：cos"},
    "vec.fig.nearest_help": {
        "en": "Cosine similarity of the closest other row of {model}'s embedding table.",
        "zh": "{model} 的嵌入表中与它最接近的另一行的余弦相似度。",
    },
    "tok.fig.cjk": {"en": "“{word}” in SmolLM2", "zh": "SmolLM2 中的“{word}”"},
    "tok.fig.cjk_help": {
        "en": "Tokens of this word in byte-level BPE: {bytes} UTF-8 bytes; {fragments} of the tokens hold only part "
        "of a character.",
        "zh": "这个词在字节级 BPE 中的词元数：共 {bytes} 个 UTF-8 字节；其中 {fragments} 个词元只含某个字符的一部分。",
    },
    "vec.fig.ctx_help": {
        "en": "Cosine similarity of the word's last-layer vectors between sentences using it in the same sense, and "
        "in different senses (its input embedding is the same in all of them).",
        "zh": "该词在最后一层的向量之间的余弦相似度：同一词义的句子之间，与不同词义的句子之间（它的输入嵌入在所有句子中都相同）。",
    },
    "tok.text": {"en": "Your text", "zh": "你的文本"},
    "tok.missing.unassigned": {"en": "{n} that no assigned character uses in UTF-8",
                               "zh": "{n} 个是任何已分配的字符在 UTF-8 中都不会用到的字节"},
    "tok.missing.control": {"en": "{n} control {n:character|characters}", "zh": "{n} 个是控制字符"},
    "tok.missing.other": {"en": "{n} {n:byte|bytes} of ordinary text", "zh": "{n} 个是普通文本中的字节"},
    "tok.missing.sep": {"en": ", ", "zh": "，"},
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
        "en": "{tokens} {tokens:token|tokens} · {unk} unknown · {cpt} characters / token · {bpt} bytes / token · vocabulary {vocab}",
        "zh": "{tokens} 个词元 · {unk} 个未知词元 · 每词元 {cpt} 个字符 · 每词元 {bpt} 个字节 · 词表 {vocab}",
    },
    "tok.unk_list": {"en": "Replaced by the unknown token: {items}", "zh": "被替换为未知词元的：{items}"},
    "tok.dropped": {"en": "Left no trace in the tokens: {items}", "zh": "在词元中完全消失的字符：{items}"},
    "tok.byte_pieces": {
        "en": "{n} {n:token holds|tokens hold} only part of a character: shown as their UTF-8 bytes, e.g. ⟨E6 B3⟩.",
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
        "en": "{chars} {chars:character|characters}, {bytes} UTF-8 {bytes:byte|bytes}. Fewer tokens means a shorter sequence: less attention cost "
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
        "{merges} {merges:merge|merges} (stopping early when no pair occurs twice) {merges:brings|bring} it to "
        "{end} tokens; the vocabulary is the {alphabet} starting symbols plus one new symbol per merge. Our "
        "trainer's merges equal the tokenizers library's BpeTrainer's, in order (tested).",
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
        "en": "The start of the training text after {step} of {merges} {merges:merge|merges} ({n} {n:piece|pieces} shown):",
        "zh": "合并 {step}/{merges} 次后训练文本开头的切分（显示 {n} 个片段）：",
    },
    "tok.no_merges": {
        "en": "No pair of symbols occurs twice in this text, so there is nothing to merge: type a longer text or "
        "train on the sample.",
        "zh": "这段文本中没有任何相邻符号对出现两次，因此无可合并：请输入更长的文本，或改用内置样例训练。",
    },
    # --- lesson pretrained-vectors -------------------------------------------------------------------
    "vec.word": {"en": "word", "zh": "词"},
    "vec.init.better": {"en": "already groups words by meaning better than random rows",
                        "zh": "已经按词义把词聚在一起，比随机表好"},
    "vec.init.not": {"en": "groups these words no better than random rows", "zh": "对这些词的分组并不比随机表好"},
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
        "en": "{model} cuts it into {n} {n:piece|pieces}: {pieces}. Table: {V} rows × {D} dimensions; {candidates} "
        "rows can be neighbours (special and unused entries left out).",
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
        "en": "{n_words} {lang_name} words in {n_cats} groups ({names}), each word's vector the mean of "
        "its pieces' rows. Each word is put in the group whose mean vector (computed without it) is closest: "
        "{acc_real} right with {model}'s table, {acc_random} with {n_random} random tables, {chance} by chance. "
        "{excluded}",
        "zh": "{n_words} 个{lang_name}词，分为 {n_cats} 组（{names}），每个词的向量是其子词行向量的平均。"
        "把每个词归入（不含它自己计算的）平均向量最近的那一组：用 {model} 的词表正确率为 {acc_real}，"
        "{n_random} 张随机词表为 {acc_random}，随机猜测为 {chance}。{excluded}",
    },
    "vec.excluded": {
        "en": "Left out, a piece unknown to this tokenizer: {n} {n:word|words}.",
        "zh": "有 {n} 个词因含有该分词器不认识的子词而被略去。",
    },
    "vec.lang_name.en": {"en": "English", "zh": "英文"},
    "vec.lang_name.zh": {"en": "Chinese", "zh": "中文"},
    "vec.contexts": {"en": "One row per word, whatever the sentence", "zh": "一个词只有一行，不论句子如何"},
    "vec.ctx.layer": {"en": "table row, then layer (0 = embeddings + positions, after LayerNorm)",
                      "zh": "词表行，然后各层（0 = 词嵌入 + 位置嵌入，经层归一化）"},
    "vec.ctx.table": {"en": "table", "zh": "词表"},
    "vec.ctx.cos": {"en": "cosine of the two uses", "zh": "该词两次出现的余弦相似度"},
    "vec.ctx.same": {"en": "same sense", "zh": "同一词义"},
    "vec.ctx.diff": {"en": "different senses", "zh": "不同词义"},
    "vec.ctx_caption": {
        "en": "“{word}” ({senses}) in {n} sentences. Its table row is the same vector in all of them (cosine {table}); "
        "through the encoder the two uses in the same sense end at {same} and the two senses at {diff} in the last "
        "layer. {verdict}",
        "zh": "“{word}”（{senses}）出现在 {n} 个句子中。它在词表中的那一行在所有句子里都是同一个向量（余弦 {table}）；"
        "经过编码器后，同一词义的两次出现在最后一层为 {same}，不同词义之间为 {diff}。{verdict}",
    },
    # what the last layer shows about the two senses (tf_core.lab.pretrained_vectors.ContextResult.separation)
    "vec.ctx.verdict.separated": {
        "en": "Here the same-sense uses are closer: that difference is what contextual models add, and a static "
        "vector cannot have it.",
        "zh": "这里同一词义的两次出现更接近：这种差别正是上下文相关模型带来的，静态词向量做不到。",
    },
    "vec.ctx.verdict.not": {
        "en": "Here the same-sense uses are not closer, so on these sentences {model} does not separate the senses; "
        "a static vector never can.",
        "zh": "这里同一词义的两次出现并没有更接近，所以在这些句子上 {model} 没有把词义区分开；静态词向量则永远做不到。",
    },
    "vec.ctx.verdict.unknown": {
        "en": "Here the word is [UNK] in {model}, so no sense is separated: every use starts from the same "
        "unknown-token row.",
        "zh": "这里该词在 {model} 中是 [UNK]（未知词元），所以无法区分词义：每次出现都从同一个未知词元的行出发。",
    },
    "vec.ctx.here.separated": {"en": "the senses are separated", "zh": "词义被区分开了"},
    "vec.ctx.here.not": {"en": "not separated on these sentences", "zh": "在这些句子上没有区分开"},
    "vec.ctx.here.unknown": {"en": "the word is [UNK] in {model}, so no sense is separated",
                             "zh": "该词在 {model} 中是 [UNK]，所以无法区分词义"},
    "vec.list_sep": {"en": ", ", "zh": "、"},
    "vec.ctx_unknown": {
        "en": "{model} does not know “{word}” (it becomes the unknown token), so this comparison says little here: "
        "switch to the multilingual model.",
        "zh": "{model} 不认识“{word}”（会变成未知词元），因此这里的对比意义不大：请切换到多语言模型。",
    },
    "vec.sentences": {"en": "The sentences", "zh": "所用句子"},
}
