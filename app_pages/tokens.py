"""Topic page: tokens and vectors.

Lessons: `tokenization` (the learner's text through three real tokenizers side by side, and a BPE
of our own trained live, merge by merge) and `pretrained-vectors` (nearest neighbours in a real
input embedding table, and what such a table does and does not know)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from tf_core import limits
from tf_core.limits import IntRange
from tf_core.models.catalog import MODELS
from tf_core.models import registry
from ui.caching import cached
from ui import encoders, lesson, params
from ui.charts import tokens as charts
from ui.i18n import t
from ui.text import md_escape, num, pct

PAGE = "tokens"
TEXT = params.TextParam(
    "text",
    max_chars=limits.TOKENIZE_TEXT_CHARS,
    defaults=(
        ("en", "Tokenizers split unbelievably rare words into subwords; 注意力 costs more bytes. 🙂"),
        ("zh", "分词器把罕见的词切成子词：Transformer 的注意力机制 tokenization 🙂"),
    ),
)
TOKENIZATION = (
    TEXT,
    params.ChoiceParam("corpus", options=("sample", "text"), default="sample"),
    params.ChoiceParam("level", options=("char", "byte"), default="char"),
    params.Param("merges", limits.BPE_MERGES),
    params.Param("view", IntRange(0, limits.BPE_MERGES.hi, limits.BPE_MERGES.hi)),  # clamped to the merges learned
)
WORD = params.TextParam("word", max_chars=limits.VECTORS_WORD_CHARS, defaults=(("en", "bank"), ("zh", "音乐")))
VECTORS = (WORD, encoders.MODEL, params.Param("k", limits.VECTORS_K))
LESSONS = {"tokenization": TOKENIZATION, "pretrained-vectors": VECTORS}
SEED = 0  # the random tables of the category experiment

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


# --- lesson tokenization ---------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _tokenizer(key: str):
    """The real tokenizer of ``key`` (tf_core.failures.ModelLoadError when its file is missing or damaged)."""
    from tf_core.failures import loading

    with loading(key):
        return lab.load_tokenizer(key)


def tokenizers() -> list:
    """The real tokenizers installed here, loaded once per process (e5's unigram model takes ~1 s)."""
    out = []
    for key in lab.available():
        with st.spinner(t("tok.loading", lang, name=MODELS[key].name)):
            out.append(_tokenizer(key))
    return out


@cached(64)
def compare(text: str, keys: tuple[str, ...], _toks):
    """Cached by (text, tokenizers); ``_toks`` are the loaded tokenizers named by ``keys``."""
    return lab.compare(text, _toks)


@cached(64)
def train(text: str, merges: int, level: str):
    return lab.train_bpe(text, n_merges=merges, level=level)


def per_token(value: float | None) -> str:
    return "—" if value is None else num(value)


def tokenization_values(c, cjk, tr, toks: dict) -> dict[str, str]:
    """The card's live numbers: ``c`` compares the learner's text, ``cjk`` the word 注意力, ``tr``
    is the BPE just trained. A tokenizer that is not installed shows "—"."""
    def count(comp, key: str) -> str:
        r = comp.get(key)
        return "—" if r is None else str(r.n_tokens)

    def bpt(key: str) -> str:
        r = c.get(key)
        return "—" if r is None else per_token(r.bytes_per_token)

    first = ", ".join(f"{md_escape(a, 12)} + {md_escape(b, 12)} → {md_escape(n, 16)}"
                      for a, b, n in (m.display for m in tr.merges[:5])) or "—"
    wp, cjk_bpe = c.get("minilm"), cjk.get("smollm2")
    kinds = lab.byte_kinds(toks["smollm2"].missing_bytes) if "smollm2" in toks else {}
    missing_kinds = t("tok.missing.sep", lang).join(t(f"tok.missing.{k}", lang, n=len(v)) for k, v in kinds.items() if v)
    return {
        "chars": str(c.n_chars),
        "n_wordpiece": count(c, "minilm"),
        "n_unigram": count(c, "e5"),
        "n_bpe": count(c, "smollm2"),
        "n_unk": "—" if wp is None else str(wp.n_unk),
        "cjk": lab.CJK_EXAMPLE,
        "cjk_bytes": str(cjk.n_bytes),
        "cjk_bpe": count(cjk, "smollm2"),
        "cjk_unigram": count(cjk, "e5"),
        "cjk_fragments": "—" if cjk_bpe is None else str(cjk_bpe.n_byte_pieces),
        "merges": str(len(tr.merges)),
        "tokens_start": f"{tr.n_tokens_start:,}",
        "tokens_end": f"{tr.n_tokens_end:,}",
        "first_merges": first,
        "bpe_bytes_per_token": bpt("smollm2"),
        "unigram_bytes_per_token": bpt("e5"),
        "missing_bytes": str(len(toks["smollm2"].missing_bytes)) if "smollm2" in toks else "—",
        "missing_kinds": missing_kinds or "—",
    }


def listing(items: tuple[str, ...], max_len: int, shown: int = 12) -> str:
    """Up to ``shown`` escaped items, then how many more there are ("…(+3)")."""
    text = ", ".join(md_escape(x, max_len) for x in items[:shown])
    return text + (f" …(+{len(items) - shown})" if len(items) > shown else "")


SHORT_NAMES = {"minilm": "MiniLM", "e5": "e5-small", "smollm2": "SmolLM2"}


def side_by_side(c) -> None:
    cols = st.columns(max(1, len(c.results)), gap="medium")
    for col, r in zip(cols, c.results):
        with col:
            st.markdown(f"**{t('tok.column', lang, algorithm=t(f'tok.algo.{r.algorithm}', lang), name=md_escape(r.name))}**")
            lesson.note(t("tok.stats", lang, tokens=r.n_tokens, unk=r.n_unk, cpt=per_token(r.chars_per_token),
                         bpt=per_token(r.bytes_per_token), vocab=f"{_tokenizer(r.key).vocab_size:,}"))
            st.code("  ".join(r.display), language=None, wrap_lines=True)  # a code block: never Markdown or HTML
            if r.unk_text:
                st.caption(t("tok.unk_list", lang, items=listing(r.unk_text, 16)))
            if r.dropped:
                st.caption(t("tok.dropped", lang, items=listing(r.dropped, 12)))
            if r.n_byte_pieces:
                lesson.note(t("tok.byte_pieces", lang, n=r.n_byte_pieces))
    for key in c.unavailable:
        st.info(t("tok.unavailable", lang, name=MODELS[key].name, package=MODELS[key].pip_name), icon=":material/info:")


def bpe_section(text: str) -> None:
    st.markdown(f"**{t('tok.train', lang)}**")
    c1, c2 = st.columns(2)
    c1.radio(t("tok.corpus", lang), options=("sample", "text"), key=f"{LESSON}.corpus", horizontal=True,
             format_func=lambda k: t(f"tok.corpus.{k}", lang))
    c2.radio(t("tok.level", lang), options=("char", "byte"), key=f"{LESSON}.level", horizontal=True,
             format_func=lambda k: t(f"tok.level.{k}", lang))


def tokenization_lesson() -> None:
    raw = st.session_state[TEXT.key(LESSON)]
    text, _ = TEXT.clean(raw)
    toks = {rt.key: rt for rt in tokenizers()}
    keys = tuple(toks)
    c = compare(text, keys, list(toks.values()))
    cjk = compare(lab.CJK_EXAMPLE, keys, list(toks.values()))
    corpus = st.session_state[f"{LESSON}.corpus"]
    level = st.session_state[f"{LESSON}.level"]
    merges = int(st.session_state[f"{LESSON}.merges"])
    source = lab.sample_text(lang) if corpus == "sample" else text
    tr = train(source, merges, level)
    view_key = f"{LESSON}.view"
    st.session_state.setdefault(view_key, limits.BPE_MERGES.hi)
    params.clamp(view_key, 0, len(tr.merges))
    values = tokenization_values(c, cjk, tr, toks)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("tok.fig.bpt", lang, name=SHORT_NAMES.get(r.key, r.key)), per_token(r.bytes_per_token),
                      t("tok.fig.bpt_help", lang, algorithm=t(f"tok.algo.{r.algorithm}", lang), chars=f"{c.n_chars:,}",
                        bytes=f"{c.n_bytes:,}", tokens=r.n_tokens, unk=r.n_unk))
        for r in c.results
    ] + [lesson.Figure(t("tok.fig.cjk", lang, word=lab.CJK_EXAMPLE), values["cjk_bpe"],
                       t("tok.fig.cjk_help", lang, bytes=values["cjk_bytes"], fragments=values["cjk_fragments"]))])

    with panel:
        (c_text,) = lesson.controls(LESSON, TOKENIZATION, lang, [8])
        c_text.text_area(t("tok.text", lang), key=TEXT.key(LESSON), max_chars=limits.TOKENIZE_TEXT_CHARS, height=68,
                         help=t("tok.text_help", lang, chars=limits.TOKENIZE_TEXT_CHARS))
        if not text.strip():
            st.info(t("tok.empty", lang), icon=":material/edit_note:")
        if c.truncated:
            st.warning(t("tok.truncated", lang, n=c.n_chars_total, cap=c.n_chars), icon=":material/content_cut:")
        names = [t("tok.column", lang, algorithm=t(f"tok.algo.{r.algorithm}", lang), name=SHORT_NAMES.get(r.key, r.key))
                 for r in c.results]
        with lesson.main():
            lesson.chart(charts.token_counts(names, [r.n_tokens for r in c.results], lang), key=f"{LESSON}.chart.counts")
            lesson.note(t("tok.counts_caption", lang, chars=f"{c.n_chars:,}", bytes=f"{c.n_bytes:,}"))

    st.markdown(f"**{t('tok.side_by_side', lang)}**")
    side_by_side(c)
    st.caption(t("tok.legend", lang))

    bpe_section(text)
    c3, c4 = st.columns(2)
    c3.slider(t("tok.merges", lang), limits.BPE_MERGES.lo, limits.BPE_MERGES.hi, key=f"{LESSON}.merges",
              help=lesson.limits_help(lang, [(t("tok.merges", lang), limits.BPE_MERGES)]))
    if tr.merges:
        c4.slider(t("tok.view", lang), 0, len(tr.merges), key=view_key)
    view = int(st.session_state[view_key])
    if not tr.merges:
        st.info(t("tok.no_merges", lang), icon=":material/info:")
    else:
        left, right = st.columns([2, 3], gap="medium")
        with left:
            lesson.chart(charts.bpe_curve(tr.n_tokens_start, [m.n_tokens for m in tr.merges],
                                          [m.display[2] for m in tr.merges], view, lang), key=f"{LESSON}.chart.bpe")
        with right:
            st.dataframe(
                {
                    t("tok.col.step", lang): [m.step for m in tr.merges],
                    t("tok.col.left", lang): [m.display[0] for m in tr.merges],
                    t("tok.col.right", lang): [m.display[1] for m in tr.merges],
                    t("tok.col.new", lang): [m.display[2] for m in tr.merges],
                    t("tok.col.count", lang): [m.count for m in tr.merges],
                    t("tok.col.tokens", lang): [m.n_tokens for m in tr.merges],
                },
                hide_index=True, width="stretch", height=300,
            )
    src_name = t(f"tok.corpus.{corpus}", lang)
    lesson.note(t("tok.train_caption", lang, source=src_name, chars=f"{len(tr.text):,}", words=f"{tr.n_words:,}",
                 start=f"{tr.n_tokens_start:,}", level=t(f"tok.level.{level}", lang), merges=len(tr.merges),
                 end=f"{tr.n_tokens_end:,}", alphabet=len(tr.alphabet)))
    pieces = tr.segment(view)
    lesson.note(t("tok.segment", lang, step=view, merges=len(tr.merges), n=len(pieces)))
    st.code("  ".join(pieces), language=None, wrap_lines=True)

    lesson.finish(LESSON, sections, (lab.compare, lab.train_bpe), TOKENIZATION, lang)


# --- lesson pretrained-vectors ---------------------------------------------------------------------
@cached(64)
def run_vectors(model_key: str, word: str, k: int, lang: str, _encoder):
    """Cached by (model, word, k, language of the word lists); ``_encoder`` is the loaded model."""
    return lab.run(_encoder, word, k=k, lang=lang, seed=SEED)


def vectors_values(r, model_name: str) -> dict[str, str]:
    c, x, nb = r.categories, r.contexts, r.neighbours
    S = x.cos_table.shape[0]
    off = ~np.eye(S, dtype=bool)
    return {
        "model": model_name,
        "acc_real": pct(c.acc_real),
        "acc_random": pct(c.acc_random),
        "chance": pct(c.chance),
        "n_words": str(len(c.words)),
        "n_excluded": str(len(c.excluded)),
        "n_random": str(len(c.acc_random_runs)),
        "ctx_word": md_escape(x.word),
        "ctx_table": num(x.cos_table[off].mean()),
        "ctx_same": num(x.last_same),
        "ctx_diff": num(x.last_diff),
        "ctx_verdict": t(f"vec.ctx.verdict.{x.separation}", lang, model=model_name),
        "ctx_here": t(f"vec.ctx.here.{x.separation}", lang, model=model_name),
        "n_groups": str(c.n_groups),
        "group_names": t("vec.list_sep", lang).join(c.group_names),  # bundled names, not user text
        "word": md_escape(nb.word, limits.VECTORS_WORD_CHARS) or "—",
        "pieces": " · ".join(md_escape(p, 20) for p in nb.pieces) or "—",
        "table_params": f"{r.table_params:,}",
        "model_params": f"{r.model_params:,}",
        "table_share": pct(r.table_share),
        "init_verdict": t("vec.init.better" if c.beats_random else "vec.init.not", lang),
        "n_variant": "—" if nb.mean is None else str(int(nb.mean.variant.sum())),
        "k": "—" if nb.mean is None else str(len(nb.mean.pieces)),
    }


def vectors_lesson() -> None:
    word, _ = WORD.clean(st.session_state[WORD.key(LESSON)])
    model_key = registry.pick(word, st.session_state[encoders.MODEL.key(LESSON)])
    enc = encoders.encoder(model_key, lang)
    k = int(st.session_state[f"{LESSON}.k"])
    r = run_vectors(model_key, word, k, lang, enc)
    values = vectors_values(r, enc.name)
    sections = lesson.card(LESSON, lang, values)
    c = r.categories
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("vec.fig.ctx_same", lang, word=values["ctx_word"]), values["ctx_same"], t("vec.fig.ctx_help", lang)),
        lesson.Figure(t("vec.fig.ctx_diff", lang, word=values["ctx_word"]), values["ctx_diff"], t("vec.fig.ctx_help", lang)),
        lesson.Figure(t("vec.fig.nearest", lang, word=values["word"]),
                      "—" if r.neighbours.mean is None else num(float(r.neighbours.mean.similarity[0])),
                      t("vec.fig.nearest_help", lang, model=values["model"])),
    ])

    with panel:
        c_word, c_model, c_k = lesson.controls(LESSON, VECTORS, lang, [4, 3, 3])
        c_word.text_input(t("vec.word_input", lang), key=WORD.key(LESSON), max_chars=limits.VECTORS_WORD_CHARS,
                          help=t("vec.word_help", lang, chars=limits.VECTORS_WORD_CHARS))
        c_model.selectbox(t("enc.model", lang), options=encoders.MODEL.options, key=encoders.MODEL.key(LESSON),
                          format_func=lambda key: t(f"enc.model.{key}", lang), help=t("enc.model_help", lang))
        c_k.slider(t("vec.k", lang), limits.VECTORS_K.lo, limits.VECTORS_K.hi, key=f"{LESSON}.k",
                   help=lesson.limits_help(lang, [(t("vec.k", lang), limits.VECTORS_K)]))
        with lesson.main():
            st.markdown(f"**{t('vec.categories', lang)}**")
            lesson.chart(charts.accuracy(c.acc_real, c.acc_random, c.chance, lang), key=f"{LESSON}.chart.accuracy")
    mid, right = st.columns(2, gap="medium")
    with mid:
        lesson.chart(charts.category_map(c.pca_real, c.words, c.labels, c.names, lang, "vec.pca_real"),
                     key=f"{LESSON}.chart.pca_real")
    with right:
        lesson.chart(charts.category_map(c.pca_random, c.words, c.labels, c.names, lang, "vec.pca_random"),
                     key=f"{LESSON}.chart.pca_random")
    excluded = t("vec.excluded", lang, n=len(c.excluded)) if c.excluded else ""
    lesson.note(t("vec.categories_caption", lang, n_words=len(c.words), lang_name=t(f"vec.lang_name.{c.lang}", lang),
                  n_cats=c.n_groups, names=t("vec.list_sep", lang).join(c.group_names), acc_real=pct(c.acc_real),
                  acc_random=pct(c.acc_random), n_random=len(c.acc_random_runs), chance=pct(c.chance), model=enc.name,
                  excluded=excluded))

    nb = r.neighbours
    V, D = nb.table_shape
    st.markdown(f"**{t('vec.neighbours', lang)}**")
    if not word.strip():
        st.info(t("vec.empty", lang), icon=":material/edit_note:")
    elif nb.mean is None:
        st.warning(t("vec.unknown", lang, model=enc.name), icon=":material/help:")
    if nb.truncated:
        st.caption(t("vec.cut", lang, chars=limits.VECTORS_WORD_CHARS, pieces=limits.VECTORS_PIECES))
    if nb.pieces:
        lesson.note(t("vec.pieces", lang, model=enc.name, n=len(nb.pieces), V=f"{V:,}", D=D,
                     pieces=" · ".join(md_escape(p, 20) for p in nb.pieces), candidates=f"{nb.n_candidates:,}"))
    if nb.mean is not None:
        left, right = st.columns([3, 2], gap="medium")
        with left:
            st.markdown(t("vec.neighbours_of", lang, query=md_escape(nb.mean.query, 30)))
            lesson.chart(charts.neighbours(nb.mean, lang), key=f"{LESSON}.chart.neighbours")
            if len(nb.per_piece) > 1:
                st.caption(t("vec.mean_note", lang))
        with right:
            st.dataframe({lst.query: list(lst.pieces) for lst in nb.per_piece[:limits.VECTORS_PIECES]}
                         if len(nb.per_piece) > 1 else
                         {t("vec.piece", lang): list(nb.mean.pieces),
                          t("vec.similarity", lang): [num(v) for v in nb.mean.similarity]},
                         hide_index=True, width="stretch")

    x = r.contexts
    st.markdown(f"**{t('vec.contexts', lang)}**")
    if x.unknown:
        st.info(t("vec.ctx_unknown", lang, model=enc.name, word=md_escape(x.word)), icon=":material/info:")
    S = x.cos_table.shape[0]
    same_pair = x.sense[:, None] == x.sense[None, :]
    off = ~np.eye(S, dtype=bool)
    lesson.chart(charts.context_layers(x.layers_same, x.layers_diff, float(x.cos_table[same_pair & off].mean()),
                                       float(x.cos_table[~same_pair].mean()), lang), key=f"{LESSON}.chart.contexts")
    lesson.note(t("vec.ctx_caption", lang, word=md_escape(x.word), senses=" / ".join(md_escape(s) for s in x.senses),
                 n=S, table=num(x.cos_table[~np.eye(S, dtype=bool)].mean()), same=num(x.last_same),
                 diff=num(x.last_diff), verdict=t(f"vec.ctx.verdict.{x.separation}", lang, model=enc.name)))
    st.code("\n".join(x.sentences), language=None, wrap_lines=True)

    lesson.finish(LESSON, sections, lab.run, VECTORS, lang)


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; editing the text or a control reruns only this."""
    if LESSON == "pretrained-vectors":
        vectors_lesson()
    else:
        tokenization_lesson()


lesson_body()
