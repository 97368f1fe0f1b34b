"""UI strings of the interview drill page (app_pages/drill.py, ui/drill.py). Each lesson's own question and
answer are in ui/strings/drill_a.py, drill_b.py and drill_c.py."""
STRINGS = {
    "nav.drill": {"en": "Interview drill", "zh": "面试演练"},
    "drill.ui.title": {"en": "Interview drill: predict, then check live", "zh": "面试演练：先预测，再用实验验证"},
    "drill.ui.intro": {
        "en": "Each card asks for a number (or a yes or no) that its lesson measures. Commit to an answer and say how sure "
              "you are; the app then runs the lesson's experiment on the real model, shows the live answer and how far you "
              "were, and you grade yourself. The SM-2 rule of spaced repetition decides when a card comes back: "
              "\"again\" brings it back after {gap} other cards, a pass in 1 day, then 6, then longer. Your progress stays in "
              "this tab only: download it to keep it.",
        "zh": "每张卡片都要求你预测一个数值（或回答是/否），这个数由对应课程的实验测得。先给出答案和把握程度，"
              "应用随即在真实模型上运行该课程的实验，显示实测答案和你的偏差，再由你给自己打分。间隔重复算法 SM-2 决定卡片何时再次出现："
              "选\"重来\"会在 {gap} 张其他卡片之后再出现；答对则 1 天后、6 天后，之后间隔越来越长。进度只保存在当前标签页中，要保留请下载。",
    },
    "drill.ui.deal_from": {"en": "Deal from", "zh": "出题范围"},
    "drill.ui.mode.all": {"en": "All questions", "zh": "全部问题"},
    "drill.ui.mode.topic": {"en": "One topic", "zh": "按主题"},
    "drill.ui.mode.level": {"en": "One level", "zh": "按难度"},
    "drill.ui.topic": {"en": "Topic", "zh": "主题"},
    "drill.ui.level": {"en": "Level", "zh": "难度"},
    "drill.ui.level.1": {"en": "basic", "zh": "基础"},
    "drill.ui.level.2": {"en": "intermediate", "zh": "进阶"},
    "drill.ui.level.3": {"en": "advanced", "zh": "高级"},
    "drill.ui.in_play": {"en": "Cards in play", "zh": "本轮卡片"},
    "drill.ui.answered": {"en": "Answered", "zh": "已作答"},
    "drill.ui.due": {"en": "Due now", "zh": "现在到期"},
    "drill.ui.close_rate": {"en": "Close predictions", "zh": "预测接近"},
    "drill.ui.sure_rate": {"en": "Your mean certainty", "zh": "平均把握"},
    "drill.ui.calibration_help": {
        "en": "Calibrated: about as sure, on average, as the share of predictions that came out close.",
        "zh": "校准良好：平均把握程度与预测接近的比例大致相等。",
    },
    "drill.ui.card_of": {"en": "{topic} · {level} · card {n} of this sitting", "zh": "{topic} · {level} · 本轮第 {n} 张"},
    "drill.ui.your_answer": {"en": "Your prediction", "zh": "你的预测"},
    "drill.ui.your_answer_unit": {"en": "Your prediction ({unit})", "zh": "你的预测（{unit}）"},
    "drill.ui.range_help": {"en": "Between {lo} and {hi}.", "zh": "取值范围 {lo} 到 {hi}。"},
    "drill.ui.yes": {"en": "yes", "zh": "是"},
    "drill.ui.no": {"en": "no", "zh": "否"},
    "drill.ui.sure": {"en": "How sure are you?", "zh": "你有几成把握？"},
    "drill.ui.sure_help": {
        "en": "50 %: a guess; 100 %: certain. Kept with your answer, so you can see whether your certainty matches your results.",
        "zh": "50% 表示随便猜，100% 表示完全确定。它会随答案一起记录，用来检查你的把握是否与结果相符。",
    },
    "drill.ui.reveal": {"en": "Commit and reveal the live answer", "zh": "提交并查看实测答案"},
    "drill.ui.need_answer": {"en": "Enter a prediction first.", "zh": "请先填写你的预测。"},
    "drill.ui.computing": {"en": "Running the lesson's experiment", "zh": "正在运行该课程的实验"},
    "drill.ui.failed": {
        "en": "The live answer could not be computed ({reason}). The other cards still work; this one is skipped.",
        "zh": "无法计算实测答案（{reason}）。其他卡片不受影响，这一张已跳过。",
    },
    "drill.ui.live": {"en": "Live answer", "zh": "实测答案"},
    "drill.ui.how_far": {"en": "How far", "zh": "偏差"},
    "drill.ui.off": {"en": "{amount} too {side}", "zh": "{side}了 {amount}"},
    "drill.ui.high": {"en": "high", "zh": "偏高"},
    "drill.ui.low": {"en": "low", "zh": "偏低"},
    "drill.ui.exact": {"en": "exact", "zh": "完全一致"},
    "drill.ui.right": {"en": "right", "zh": "答对"},
    "drill.ui.wrong": {"en": "wrong", "zh": "答错"},
    "drill.ui.close.log": {
        "en": "Within a factor of {tol} of the live answer: close.",
        "zh": "与实测答案相差不超过 {tol} 倍：接近。",
    },
    "drill.ui.far.log": {
        "en": "More than a factor of {tol} from the live answer.",
        "zh": "与实测答案相差超过 {tol} 倍。",
    },
    "drill.ui.close.linear": {"en": "Within {tol} of the live answer: close.", "zh": "与实测答案相差不超过 {tol}：接近。"},
    "drill.ui.far.linear": {"en": "More than {tol} from the live answer.", "zh": "与实测答案相差超过 {tol}。"},
    "drill.ui.close.yesno": {"en": "Right.", "zh": "回答正确。"},
    "drill.ui.far.yesno": {"en": "Not what the model does.", "zh": "与模型的实际行为不符。"},
    "drill.ui.measured_on": {
        "en": "Computed now by the lesson's own code, with the settings the lesson link opens (the lesson names the device).",
        "zh": "由该课程自己的代码刚刚算出，所用设置与下面的课程链接一致（课程页面会注明所用设备）。",
    },
    "drill.ui.open_lesson": {"en": "Open this experiment in its lesson", "zh": "在课程中打开这个实验"},
    "drill.ui.grade": {"en": "Grade yourself: how well did you know it?", "zh": "给自己打分：你掌握得怎么样？"},
    "drill.ui.grade.again": {"en": "Again", "zh": "重来"},
    "drill.ui.grade.hard": {"en": "Hard", "zh": "困难"},
    "drill.ui.grade.good": {"en": "Good", "zh": "良好"},
    "drill.ui.grade.easy": {"en": "Easy", "zh": "简单"},
    "drill.ui.grade_help": {
        "en": "Again: comes back after {gap} other cards. Hard, good, easy: passed (SM-2 quality 3, 4, 5); the card returns after 1 day, then 6, then at gaps that grow less (hard) or more (easy).",
        "zh": "重来：在 {gap} 张其他卡片之后再出现。困难、良好、简单：算作通过（SM-2 质量分 3、4、5）；卡片 1 天后再出现，然后 6 天后，之后的间隔增长得少一些（困难）或多一些（简单）。",
    },
    "drill.ui.done": {
        "en": "Nothing is due in this selection: every card you answered is scheduled for later (the next on {when}, UTC).",
        "zh": "当前范围内没有到期的卡片：已答的卡片都排在以后（下一张在 {when}，UTC）。",
    },
    "drill.ui.practice": {"en": "Practise the next one anyway", "zh": "仍然练习下一张"},
    "drill.ui.progress": {"en": "Your progress: save, load, Anki", "zh": "你的进度：保存、载入、Anki"},
    "drill.ui.progress_intro": {
        "en": "The app keeps your progress only while this tab is open. Download it as a small file and load it here "
              "next time (at most {kib} KiB; a file that is not one changes nothing).",
        "zh": "应用只在当前标签页打开期间保存你的进度。可以把它下载成一个小文件，下次在这里载入（最大 {kib} KiB；不合格的文件不会改变任何内容）。",
    },
    "drill.ui.download": {"en": "Download progress", "zh": "下载进度"},
    "drill.ui.upload": {"en": "Load a progress file", "zh": "载入进度文件"},
    "drill.ui.loaded": {
        "en": "Loaded {n:card|cards} from {name}; cards you answered in this tab and not in the file are kept.",
        "zh": "已从 {name} 载入 {n} 张卡片；本标签页中答过而文件里没有的卡片保持不变。",
    },
    "drill.ui.loaded_unknown": {
        "en": "{n:card|cards} of questions this app does not have were left out.",
        "zh": "有 {n} 张卡片对应的问题本应用中没有，已略过。",
    },
    "drill.ui.bad.too_big": {"en": "{name} is larger than {kib} KiB: not a progress file of this app. Nothing changed.",
                             "zh": "{name} 超过 {kib} KiB，不是本应用的进度文件。未做任何更改。"},
    "drill.ui.bad.empty": {"en": "{name} is empty. Nothing changed.", "zh": "{name} 是空文件。未做任何更改。"},
    "drill.ui.bad.not_json": {"en": "{name} is not a progress file (not JSON). Nothing changed.",
                              "zh": "{name} 不是进度文件（不是 JSON）。未做任何更改。"},
    "drill.ui.bad.not_ours": {"en": "{name} is JSON, but not this app's drill progress. Nothing changed.",
                              "zh": "{name} 是 JSON，但不是本应用的演练进度。未做任何更改。"},
    "drill.ui.bad.version": {"en": "{name} was saved in another version of the progress format. Nothing changed.",
                             "zh": "{name} 使用的是另一版本的进度格式。未做任何更改。"},
    "drill.ui.bad.bad_card": {"en": "{name} has a card this app cannot read (edited by hand?). Nothing changed.",
                              "zh": "{name} 中有本应用无法读取的卡片（是否手动改过？）。未做任何更改。"},
    "drill.ui.anki": {"en": "Anki deck of the {n:card|cards} in play", "zh": "本轮 {n} 张卡片的 Anki 牌组"},
    "drill.ui.anki_intro": {
        "en": "Each card gets its live answer first (the lessons' experiments, run once per server), then the deck is "
              "built: both languages on every card, and a link back to its lesson on this server ({base}).",
        "zh": "先为每张卡片算出实测答案（各课程的实验，每个服务器只运行一次），再生成牌组：每张卡片都有中英两种语言，"
              "并附有返回本服务器上对应课程的链接（{base}）。",
    },
    "drill.ui.anki_build": {"en": "Compute the answers and build the deck", "zh": "计算答案并生成牌组"},
    "drill.ui.anki_progress": {"en": "Computing card {i} of {n}: {title}", "zh": "正在计算第 {i}/{n} 张：{title}"},
    "drill.ui.anki_download": {"en": "Download the Anki deck (.apkg)", "zh": "下载 Anki 牌组"},
    "drill.ui.anki_link": {"en": "Open the live lesson", "zh": "打开在线课程"},
    "drill.ui.anki_name": {"en": "Transformer Details Lab: {what}", "zh": "Transformer 细节实验室：{what}"},
}
