"""The Q&A card: one Markdown file per curriculum id and language, with fixed sections.

File format (assets/qa/<lang>/<id>.md)::

    ## Short answer {#short}
    ... two or three sentences with live placeholders such as {{pmax_raw}} ...
    ## In 30 seconds {#takeaway}
    ... one or two sentences to say aloud, no digit typed: {{pmax_raw|say}} ...
    ## A common wrong answer {#wrong}
    ## Full answer {#full}
    ## Follow-up questions {#followups}

The heading text is free (it is in the card's language); the ``{#id}`` after it is what the code
reads. Placeholders ``{{name}}`` are filled from the lab result by the page, never typed in: a
placeholder left unfilled raises. ``{{name|say}}`` fills in the value as said aloud
(ui.text.spoken: rounded, "exactly 0", "about 10⁻¹⁷"); a filter this module does not know raises
when the card is read. Tests check that the two languages of a card have the same sections and the
same placeholders (filters included) in each section.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ui.curriculum import QA_DIR
from ui.text import spoken

SECTIONS = ("short", "takeaway", "wrong", "full", "followups")
_HEADING = re.compile(r"^##\s+(?P<title>.*?)\s*\{#(?P<id>[a-z]+)\}\s*$", re.MULTILINE)
_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
# {{name}} or {{name|filter}}; PLACEHOLDER's one group is the name, FIELD's second the filter.
PLACEHOLDER = re.compile(rf"\{{\{{\s*({_NAME})\s*(?:\|\s*{_NAME}\s*)?\}}\}}")
FIELD = re.compile(rf"\{{\{{\s*({_NAME})\s*(?:\|\s*({_NAME})\s*)?\}}\}}")
_PIPED = re.compile(r"\{\{[^{}]*\|[^{}]*\}\}")  # anything that looks like a filtered placeholder
FILTERS = {"say": spoken}  # filter name -> f(value, lang) -> str
# A filtered value may start with a word ("约 10⁻¹⁷", "恰好为 0"): the space or line break written
# between a Chinese character and the placeholder (Chinese puts one before a number) is then
# dropped, "变化 {{d|say}}" -> "变化恰好为 0" (a blank line, which ends a paragraph, is kept).
_FILL = re.compile(r"([ \t]*(?:(?<!\n)\n)?[ \t]*)" + FIELD.pattern)
# A line break inside a paragraph renders as a space; between two Chinese characters (or CJK
# punctuation) that space is wrong, so such breaks are removed when a card is read.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
_CJK_CHAR = re.compile(f"[{_CJK}]")


@dataclass(frozen=True)
class Card:
    qid: str
    lang: str
    titles: dict[str, str]  # section id -> heading text
    sections: dict[str, str]  # section id -> Markdown body with placeholders

    def placeholders(self, section: str | None = None) -> set[str]:
        bodies = [self.sections[section]] if section else self.sections.values()
        return {m for body in bodies for m in PLACEHOLDER.findall(body)}

    def fields(self, section: str) -> set[tuple[str, str]]:
        """The placeholders of one section with their filters: ``("pmax", "say")``, ``("dk", "")``."""
        return set(FIELD.findall(self.sections[section]))

    def filled(self, values: Mapping[str, object]) -> dict[str, str]:
        """Every section with its placeholders replaced by ``values`` (formatted with str(), or by
        the placeholder's filter in the card's language)."""
        missing = self.placeholders() - set(values)
        if missing:
            raise KeyError(f"card {self.lang}/{self.qid}: no value for {sorted(missing)}")

        def fill(m: re.Match) -> str:
            space, name, how = m.groups()
            if not how:
                return space + str(values[name])
            text = FILTERS[how](values[name], self.lang)
            after_cjk = m.start() > 0 and _CJK_CHAR.match(m.string[m.start() - 1])
            return ("" if after_cjk and _CJK_CHAR.match(text) else space) + text

        out = {sid: _FILL.sub(fill, body) for sid, body in self.sections.items()}
        return {sid: singular_ones(body) for sid, body in out.items()} if self.lang == "en" else out



# The nouns the English cards count with a live value ("{{n_sent}} sentences"): a count of exactly 1
# reads singular. Chinese needs no plural.
_SINGULAR = {
    "batches": "batch", "queries": "query",
    **{w + "s": w for w in ("token", "position", "word", "merge", "key", "byte", "sub-step", "step", "sentence",
                            "row", "pair", "pad", "map", "layer", "head", "parameter", "repeat", "cell", "piece",
                            "character")},
}
_ONE = re.compile(r"(?<![\d.,])\b1 ((?:[a-z-]+ )?)(" + "|".join(map(re.escape, _SINGULAR)) + r")\b")


def singular_ones(text: str) -> str:
    """English counts of exactly 1 with a singular noun (one adjective may stand between).

    >>> singular_ones("1 sentences, 1 new tokens, 11 keys, 0.1 pads, 1 batches and 1 ms")
    '1 sentence, 1 new token, 11 keys, 0.1 pads, 1 batch and 1 ms'
    """
    return _ONE.sub(lambda m: f"1 {m.group(1)}{_SINGULAR[m.group(2)]}", text)


def parse(text: str, qid: str = "?", lang: str = "?") -> Card:
    """Parse a card's Markdown; raises ``ValueError`` unless it has exactly the fixed sections."""
    heads = list(_HEADING.finditer(text))
    ids = [m.group("id") for m in heads]
    if tuple(ids) != SECTIONS:
        raise ValueError(f"card {lang}/{qid}: sections {ids}, expected {list(SECTIONS)} in that order")
    if text[: heads[0].start()].strip():
        raise ValueError(f"card {lang}/{qid}: text before the first section")
    for m in _PIPED.finditer(text):
        field = FIELD.fullmatch(m.group())
        if not field or field.group(2) not in FILTERS:
            raise ValueError(f"card {lang}/{qid}: {m.group()} names no filter of {sorted(FILTERS)}")
    titles, sections = {}, {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        titles[m.group("id")] = m.group("title")
        body = _CJK_BREAK.sub("", text[m.end() : end].strip())
        if not body:
            raise ValueError(f"card {lang}/{qid}: section {m.group('id')} is empty")
        sections[m.group("id")] = body
    return Card(qid=qid, lang=lang, titles=titles, sections=sections)


def load(qid: str, lang: str, qa_dir: Path = QA_DIR) -> Card:
    path = qa_dir / lang / f"{qid}.md"
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size, qid, lang)


@functools.lru_cache(maxsize=128)
def _load(path: str, mtime_ns: int, size: int, qid: str, lang: str) -> Card:
    """A card parsed once per version of its file (every rerun of a lesson asks for its card: ~2 ms of
    parsing each time). The file's time and size are part of the key, so an edited card is read again."""
    return parse(Path(path).read_text(encoding="utf-8"), qid=qid, lang=lang)
