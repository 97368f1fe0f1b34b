"""UI strings of the Break it page (app_pages/breakit.py)."""
STRINGS = {
    "nav.breakit": {"en": "Break it", "zh": "动手拆解"},
    "brk.title": {"en": "Break it: remove one design choice, measure the damage", "zh": "动手拆解：去掉一个设计，测量损失"},
    "brk.intro": {
        "en": "Every switch below removes one design choice from a real pretrained model, for one computation only (the "
              "loaded weights, shared by every user, are never changed), and measures what it costs on text written "
              "for this app: SmolLM2's perplexity on a short text and what it writes after a prompt, e5's retrieval of "
              "each sentence's translation among sentence pairs. Each switch links to the "
              "lesson that explains it.",
        "zh": "下面每个开关都会在真实的预训练模型上去掉一个设计，只作用于这一次计算（所有用户共用的已加载权重从不改动），"
              "并在为本应用编写的文本上测量代价：SmolLM2 在一段短文上的困惑度和它接着提示生成的文字，"
              "以及 e5 在一组句对中为每句话找到其译文的能力。"
              "每个开关都链接到讲解它的课程。",
    },
    "brk.dec.title": {"en": "SmolLM2-135M: perplexity and generation", "zh": "SmolLM2-135M：困惑度与生成"},
    "brk.eval_lang": {"en": "Evaluation text", "zh": "评测文本"},
    "brk.lang.en": {"en": "English", "zh": "英文"},
    "brk.lang.zh": {"en": "Chinese", "zh": "中文"},
    "brk.keep": {"en": "Keep in the model", "zh": "模型中保留"},
    "brk.scale": {"en": "1/√d_k on the scores", "zh": "分数除以 √d_k"},
    "brk.causal": {"en": "Causal mask", "zh": "因果掩码"},
    "brk.rope": {"en": "RoPE (rotary positions)", "zh": "RoPE 旋转位置编码"},
    "brk.norm_scale": {"en": "RMSNorm's learned scale g", "zh": "RMSNorm 的可学习缩放 g"},
    "brk.off.scale": {"en": "without 1/√d_k", "zh": "不除以 √d_k"},
    "brk.off.causal": {"en": "without the causal mask", "zh": "去掉因果掩码"},
    "brk.off.rope": {"en": "without RoPE", "zh": "去掉 RoPE"},
    "brk.off.norm_scale": {"en": "without RMSNorm's g", "zh": "去掉 RMSNorm 的 g"},
    "brk.heads_placeholder": {"en": "none: every head kept", "zh": "不选：保留所有头"},
    "brk.heads": {"en": "Zero every head of these layers", "zh": "把这些层的所有头置零"},
    "brk.heads_help": {"en": "At most {n} layers at once (each has {h} heads). Their outputs are zeroed before W_O, for this computation only.",
                       "zh": "最多同时选 {n} 层（每层 {h} 个头）。它们的输出在 W_O 之前置零，只作用于这一次计算。"},
    "brk.lesson": {"en": "Why: {title}", "zh": "原因：{title}"},
    "brk.running": {"en": "Running SmolLM2 with and without the switches", "zh": "正在运行 SmolLM2（有开关与无开关）"},
    "brk.overview_running": {"en": "Scoring the text with each switch alone", "zh": "正在逐个开关为文本打分"},
    "brk.fig.ppl": {"en": "Perplexity, as trained → as switched", "zh": "困惑度：原模型 → 拆解后"},
    "brk.fig.ppl_help": {"en": "exp of the mean next-token cross-entropy over the evaluation text's {n} tokens (every token after the first is scored once), one teacher-forced forward pass for each side of the arrow.",
                         "zh": "评测文本共 {n} 个词元（第一个之后的每个词元各打一次分），对平均下一个词元交叉熵取 exp，箭头两边各一次教师强制的前向计算。"},
    "brk.fig.ratio": {"en": "Perplexity ×", "zh": "困惑度倍数"},
    "brk.fig.ratio_help": {"en": "How many times as perplexed the switched model is on the same text.",
                           "zh": "拆解后的模型在同一文本上的困惑度是原来的几倍。"},
    "brk.fig.worst": {"en": "Worst single switch", "zh": "影响最大的单个开关"},
    "brk.fig.worst_help": {"en": "Of the switches removed one at a time (the chart below).", "zh": "在逐个去掉的开关中（见下图）。"},
    "brk.intact_note": {"en": "Nothing is removed: switch something off to see its cost. The model as trained is shown below.",
                        "zh": "目前没有去掉任何设计：关掉一个开关即可看到它的代价。下面是原模型的结果。"},
    "brk.overview.title": {"en": "Each design choice removed alone", "zh": "每次只去掉一个设计"},
    "brk.overview.x": {"en": "perplexity (log scale)", "zh": "困惑度（对数刻度）"},
    "brk.overview.intact": {"en": "as trained", "zh": "原模型"},
    "brk.overview.heads": {"en": "heads of layer {layer} zeroed", "zh": "第 {layer} 层的头置零"},
    "brk.overview.caption": {
        "en": "SmolLM2 on the {text} evaluation text ({n} tokens), each switch alone: as trained {ppl}; without 1/√d_k {scale}; "
              "without the causal mask {causal}; without RoPE {rope}; without RMSNorm's g {norm}; with layer {layer}'s heads zeroed {heads}. "
              "If the causal-mask bar lies below the model as trained, that is a leak, not a better model: without the mask a "
              "position reads the very token it is scored on.",
        "zh": "SmolLM2 在{text}评测文本（{n} 个词元）上，每次只去掉一个设计：原模型 {ppl}；不除以 √d_k {scale}；"
              "去掉因果掩码 {causal}；去掉 RoPE {rope}；去掉 RMSNorm 的 g {norm}；第 {layer} 层的头置零 {heads}。"
              "如果因果掩码这一项低于原模型，那是泄露，不是模型变好了：没有掩码时，每个位置都能看到它要预测的那个词元。",
    },
    "brk.leak": {
        "en": "Without the causal mask each position can read the very token it is scored on, so the score leaks the "
              "answer and the perplexity can fall below the model's as trained. That is not a better model, as its generation shows: there, the next token is "
              "not there to copy.",
        "zh": "去掉因果掩码后，每个位置都能看到它要预测的那个词元，分数泄露了答案，困惑度可能反而低于原模型。"
              "这并不是更好的模型，看它的生成就知道：生成时下一个词元还不存在，无从抄起。",
    },
    "brk.loss.title": {"en": "Where the text got harder to predict", "zh": "文本哪里变得更难预测"},
    "brk.loss.x": {"en": "token of the evaluation text", "zh": "评测文本中的词元"},
    "brk.loss.y": {"en": "loss of the next token (nats)", "zh": "下一个词元的损失（奈特）"},
    "brk.loss.intact": {"en": "as trained", "zh": "原模型"},
    "brk.loss.broken": {"en": "switched", "zh": "拆解后"},
    "brk.gen.title": {"en": "What it writes now", "zh": "它现在写出什么"},
    "brk.gen.prompt": {"en": "Prompt:", "zh": "提示："},
    "brk.gen.intact": {"en": "As trained ({n} new tokens, {how}):", "zh": "原模型（{n} 个新词元，{how}）："},
    "brk.gen.broken": {"en": "Switched ({n} new tokens, {how}):", "zh": "拆解后（{n} 个新词元，{how}）："},
    "brk.gen.cached": {"en": "with the KV cache", "zh": "使用键值缓存"},
    "brk.gen.uncached": {"en": "without the cache: the whole text again at every step, so the missing mask shows",
                         "zh": "不使用缓存：每一步都重新计算整段文本，这样缺失的掩码才会显现"},
    "brk.gen.empty": {"en": "(nothing: the model ended at once)", "zh": "（没有输出：模型立即结束）"},
    "brk.timing": {"en": "Computed on {device} in {s} s (perplexity and generation, as trained and, if a switch is off, switched); cached for the next learner with the same switches.",
                   "zh": "在 {device} 上用时 {s} 秒算出（原模型的困惑度和生成；有开关关闭时还包括拆解后的）；相同开关的下一位学习者直接复用。"},
    "brk.enc.title": {"en": "e5-small: find a sentence's translation", "zh": "e5-small：找到一句话的译文"},
    "brk.enc.intro": {
        "en": "{n} Chinese sentences and their English translations, written for this app. Each sentence is embedded by e5 "
              "(the mean of its tokens' last hidden states); a sentence counts as found when its own translation is the nearest of all {n} by cosine.",
        "zh": "{n} 个中文句子及其英文译文，为本应用编写。每句话由 e5 编码（对其各词元最后一层隐藏状态取平均）；"
              "如果在全部 {n} 句中与它余弦相似度最高的正是它自己的译文，就算找到。",
    },
    "brk.positions": {"en": "e5's position vectors", "zh": "e5 的位置向量"},
    "brk.pos.keep": {"en": "kept", "zh": "保留"},
    "brk.pos.remove": {"en": "removed", "zh": "去掉"},
    "brk.pos.shuffle": {"en": "shuffled", "zh": "打乱"},
    "brk.seed": {"en": "Shuffle seed", "zh": "打乱的随机种子"},
    "brk.fig.zh_en": {"en": "Chinese → English found", "zh": "中文 → 英文 找到"},
    "brk.fig.en_zh": {"en": "English → Chinese found", "zh": "英文 → 中文 找到"},
    "brk.fig.found_help": {"en": "Share of the {n} sentences whose nearest sentence in the other language is their translation: as trained → switched.",
                           "zh": "{n} 句中，另一种语言里最相近的句子正是其译文的比例：原模型 → 拆解后。"},
    "brk.sim.intact": {"en": "positions kept", "zh": "保留位置"},
    "brk.sim.broken": {"en": "positions {how}", "zh": "位置{how}"},
    "brk.sim.x": {"en": "English sentence", "zh": "英文句子"},
    "brk.sim.y": {"en": "Chinese sentence", "zh": "中文句子"},
    "brk.sim.value": {"en": "cosine", "zh": "余弦"},
    "brk.sim.caption": {
        "en": "Cosine of every Chinese sentence (rows) with every English one (columns); the diagonal holds the translations. "
              "Found, Chinese → English: {zh_en_0} as trained, {zh_en_1} with positions {how}; mean cosine of a pair {diag_0} → {diag_1}, "
              "of two sentences that are not each other's translation {off_0} → {off_1}.",
        "zh": "每个中文句子（行）与每个英文句子（列）的余弦；对角线是互为译文的句子。中文 → 英文找到的比例：原模型 {zh_en_0}，"
              "位置{how}后 {zh_en_1}；译文对的平均余弦 {diag_0} → {diag_1}，互非译文的两句之间 {off_0} → {off_1}。",
    },
}
