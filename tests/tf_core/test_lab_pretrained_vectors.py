"""tf_core.lab.pretrained_vectors: neighbours against a brute-force search, the category experiment against a
loop, the context vectors against one-sentence runs; MiniLM and e5."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.lab import pretrained_vectors as lab


def brute_force(encoder, query: torch.Tensor, exclude: set[int], k: int) -> tuple[list[int], np.ndarray]:
    """Top-k cosine over every row of the table, with the exclusions written out independently of
    the lab: the tokenizer's vocabulary, names that look special, the query. Float64 for MiniLM;
    float32 for e5, whose float64 copy alone would be 768 MB and seconds."""
    with torch.no_grad():
        W = encoder.model.embeddings.word.weight.detach()
        W = W.double() if W.shape[0] < 100_000 else W
        sim = F.cosine_similarity(W, query.detach().to(W.dtype)[None], dim=-1).double()  # (V,)
    tok = encoder.tokenizer
    bad = {i for t, i in tok.get_vocab().items() if re.fullmatch(r"\[(PAD|UNK|CLS|SEP|MASK|unused\d+)\]|<s>|</s>|<pad>|<unk>|<mask>", t)}
    sim[sorted(bad | exclude)] = -np.inf
    sim[tok.get_vocab_size():] = -np.inf
    top = torch.topk(sim, k)
    return top.indices.tolist(), top.values.numpy()


# --------------------------------------------------------------------------- the index


def test_index_leaves_out_specials(minilm):
    ix = lab.table_index(minilm)
    assert lab.table_index(minilm) is ix  # built once per model
    vocab = minilm.tokenizer.get_vocab()
    unused = sum(1 for t in vocab if re.fullmatch(r"\[unused\d+\]", t))
    assert unused == 994 and ix.n_valid == 30522 - unused - 5  # [PAD] [UNK] [CLS] [SEP] [MASK]
    assert not ix.valid[[vocab[t] for t in ("[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]", "[unused0]")]].any()


def test_e5_index_leaves_out_specials_and_unused_rows(e5_encoder):
    ix5 = lab.table_index(e5_encoder)
    assert ix5.n_valid == 250_002 - 5  # <s> <pad> </s> <unk> <mask>; rows 250,002..250,036 are no piece
    assert not ix5.valid[250_002:].any()
    assert ix5.nbytes == 250_037 * 4 + 250_037  # the inverse norms and the mask: ~1.2 MB, no table copy
    W = e5_encoder.model.embeddings.word.weight
    torch.testing.assert_close(ix5.inv_norm[:1000], 1 / W[:1000].detach().norm(dim=1))


def test_e5_index_read_in_blocks_equals_the_whole_tables(e5_encoder, e5_dense):
    """e5's 4-bit table, read a block of rows at a time, gives the index of its float32 table."""
    q4, dense = lab.table_index(e5_encoder), lab.table_index(e5_dense)
    assert torch.equal(q4.inv_norm, dense.inv_norm) and torch.equal(q4.valid, dense.valid)
    W = e5_dense.model.embeddings.word.weight.detach()
    torch.testing.assert_close(q4.inv_norm, torch.where(W.norm(dim=1) > 0, 1 / W.norm(dim=1), 0.0))
    assert q4.std == pytest.approx(W.std().item(), rel=1e-5)  # float64 sums over blocks vs torch's float32 std


# --------------------------------------------------------------------------- neighbours


@pytest.mark.parametrize("word", ["king", "Paris", "unbelievably"])
def test_neighbours_equal_a_brute_force_search(minilm, word):
    n = lab.neighbours(minilm, word, k=10)
    W = minilm.model.embeddings.word.weight
    own = set(n.ids)
    for lst in n.per_piece:
        ids, sims = brute_force(minilm, W[minilm.tokenizer.token_to_id(lst.query)], own, 10)
        assert list(lst.ids) == ids, lst.query
        np.testing.assert_allclose(lst.similarity, sims, atol=1e-5)
    unit = torch.stack([W[i] / W[i].norm() for i in n.ids]).mean(0)
    ids, sims = brute_force(minilm, unit, own, 10)
    assert list(n.mean.ids) == ids
    np.testing.assert_allclose(n.mean.similarity, sims, atol=1e-5)
    assert (np.diff(n.mean.similarity) <= 0).all()


def test_e5_neighbours_and_the_mean_of_two_pieces(e5_encoder):
    n = lab.neighbours(e5_encoder, "Transformer", k=12)
    assert n.pieces == ("▁Trans", "former") and n.searched == (True, True) and len(n.per_piece) == 2
    W = e5_encoder.model.embeddings.word.weight
    unit = torch.stack([W[i] / W[i].norm() for i in n.ids]).mean(0)
    ids, sims = brute_force(e5_encoder, unit, set(n.ids), 12)
    assert list(n.mean.ids) == ids and n.mean.query == "Transformer"
    np.testing.assert_allclose(n.mean.similarity, sims, atol=1e-5)
    assert n.table_shape == (250_037, 384) and n.n_candidates == 250_002 - 5


@pytest.mark.parametrize("word", ["bank", "Transformer", "unbelievably", "注意力", "<unk> </s>"])
def test_e5_chunked_search_equals_the_search_over_the_whole_table(e5_encoder, e5_dense, word):
    """The 4-bit table's block-wise product against the float32 table's one product: the same
    neighbours in the same order, cosines equal to float32 rounding (different summation order)."""
    got, want = lab.neighbours(e5_encoder, word, k=50), lab.neighbours(e5_dense, word, k=50)
    assert (got.pieces, got.searched, got.table_shape) == (want.pieces, want.searched, want.table_shape)
    assert len(got.per_piece) == len(want.per_piece) and (got.mean is None) == (want.mean is None)
    for a, b in zip(got.per_piece + ((got.mean,) if got.mean else ()), want.per_piece + ((want.mean,) if want.mean else ())):
        assert a.query == b.query and list(a.ids) == list(b.ids) and a.pieces == b.pieces
        np.testing.assert_allclose(a.similarity, b.similarity, rtol=0, atol=1e-6)


def test_e5_table_share_counts_the_4bit_table_as_its_values(e5_encoder, e5_dense):
    r, dense = lab.run(e5_encoder, "bank", 5, "en", 0), lab.run(e5_dense, "bank", 5, "en", 0)
    assert r.table_params == 250_037 * 384 == dense.table_params
    assert r.model_params == sum(p.numel() for p in e5_dense.model.parameters()) == dense.model_params
    assert r.categories.acc_real == dense.categories.acc_real and r.categories.acc_random == dense.categories.acc_random
    np.testing.assert_array_equal(r.contexts.cos_layers, dense.contexts.cos_layers)


def test_real_tables_put_related_words_close(minilm):
    king = lab.neighbours(minilm, "king", k=10).mean
    assert "queen" in king.pieces and "prince" in king.pieces
    assert king.variant.sum() == 0 and lab.neighbours(minilm, "bank", k=10).mean.variant.any()  # "##bank"


def test_e5_puts_translations_and_spellings_close(e5_encoder):
    bank = lab.neighbours(e5_encoder, "bank", k=10).mean
    assert bank.pieces[0] == "▁Bank" and bank.variant[0]  # a spelling of the query itself, flagged
    assert not bank.variant.all()
    dog = lab.neighbours(e5_encoder, "狗", k=10)
    assert dog.pieces == ("▁", "狗") and dog.searched == (False, True)  # the bare "▁" is not searched
    assert "▁dog" in dog.mean.pieces  # the multilingual table puts the translation nearby


def test_odd_words(minilm):
    empty = lab.neighbours(minilm, "", k=5)
    assert empty.pieces == () and empty.per_piece == () and empty.mean is None and not empty.truncated
    emoji = lab.neighbours(minilm, "🙂", k=5)
    assert emoji.pieces == ("[UNK]",) and emoji.unknown == (True,) and emoji.mean is None  # [UNK] is not searched
    typed = lab.neighbours(minilm, "[CLS]", k=5)
    assert typed.searched == (False,) and typed.mean is None  # a special token typed as text
    html = lab.neighbours(minilm, "<b>hi</b>", k=5)
    assert html.pieces[:4] == ("<", "b", ">", "hi") and html.truncated  # 8 pieces, cut at 7
    long = lab.neighbours(minilm, "x" * 1000, k=5)
    assert long.truncated and len(long.word) == limits.VECTORS_WORD_CHARS and len(long.pieces) <= limits.VECTORS_PIECES
    repeat = lab.neighbours(minilm, "bank bank", k=5)  # one distinct piece: its list is the mean's
    assert len(repeat.per_piece) == 1 and repeat.mean is repeat.per_piece[0]
    for n in (html, long, repeat, lab.neighbours(minilm, "[SEP] [unused3] [PAD]", k=50)):
        for lst in n.per_piece:
            assert not any(lab.SPECIAL_PIECE.match(p) for p in lst.pieces)
            assert not set(lst.ids) & set(n.ids)
    for bad in (0, 51, 2.5, True):
        with pytest.raises(ValueError):
            lab.neighbours(minilm, "bank", k=bad)
    with pytest.raises(ValueError):
        lab.neighbours(minilm, None, k=5)


def test_odd_words_e5(e5_encoder):
    assert lab.neighbours(e5_encoder, "🙂", k=5).mean.pieces[0] in ("▁😉", "▁😀")  # e5 has emoji pieces
    long = lab.neighbours(e5_encoder, "x" * 1000, k=5)
    assert long.truncated and len(long.word) == limits.VECTORS_WORD_CHARS and len(long.pieces) <= limits.VECTORS_PIECES
    specials = lab.neighbours(e5_encoder, "<unk> </s>", k=50)
    for lst in specials.per_piece:
        assert not any(lab.SPECIAL_PIECE.match(p) for p in lst.pieces) and (lst.ids < 250_002).all()
    zh = lab.neighbours(e5_encoder, "注意力", k=5)
    assert zh.pieces == ("▁", "注意力") and len(zh.per_piece) == 1 and zh.mean is zh.per_piece[0]


# --------------------------------------------------------------------------- categories


def test_nearest_centroid_against_a_loop():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(23, 5, generator=g, dtype=torch.float64)
    y = torch.randint(0, 4, (23,), generator=g)
    y[0] = 3  # make sure class 3 is not empty ...
    y[y == 2] = 1  # ... and class 2 is
    got = lab.nearest_centroid_loo(x, y, 4)
    u = x / x.norm(dim=1, keepdim=True)
    for i in range(len(x)):
        best, best_sim = None, -np.inf
        for c in range(4):
            members = [j for j in range(len(x)) if y[j] == c and j != i]
            if not members:
                continue
            cent = u[members].mean(0)
            s = float(u[i] @ cent / cent.norm())
            if s > best_sim:
                best, best_sim = c, s
        assert got[i].item() == best, i


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pretrained_table_knows_categories_random_does_not(e5_encoder, lang):
    r = lab.categories(e5_encoder, lang, seed=0)
    assert len(r.keys) == 6 and len(r.words) == 72 and r.excluded == () and r.chance == pytest.approx(1 / 6)
    assert r.acc_real >= 0.85  # measured 0.92 (en), 0.99 (zh)
    assert r.acc_random <= 0.35  # measured 0.24, 0.19: chance plus words sharing a piece
    assert r.beats_random and not replace(r, acc_real=r.acc_random).beats_random  # the card's verdict
    assert r.acc_real == pytest.approx((r.predicted_real == r.labels).mean())
    assert r.confusion_real.sum() == 72 and np.trace(r.confusion_real) == round(r.acc_real * 72)
    assert r.acc_random_runs.shape == (limits.VECTORS_RANDOM_TABLES,)
    assert r.pca_real.shape == r.pca_random.shape == (72, 2)
    again = lab.categories(e5_encoder, lang, seed=0)
    np.testing.assert_array_equal(again.acc_random_runs, r.acc_random_runs)  # seeded
    assert not np.array_equal(lab.categories(e5_encoder, lang, seed=1).acc_random_runs, r.acc_random_runs)


def test_minilm_categories_and_its_missing_chinese(minilm):
    en = lab.categories(minilm, "en", seed=0)
    assert en.acc_real >= 0.9 and en.acc_random <= 0.35 and en.excluded == ()
    assert en.beats_random and not replace(en, acc_random=1.0).beats_random
    zh = lab.categories(minilm, "zh", seed=0)
    # most Chinese words contain a character MiniLM's vocabulary lacks: they are left out, said so
    unk = [w for c in lab.word_lists()["category"] for w in c["zh"]
           if minilm.unk_id in minilm.tokenizer.encode(w, add_special_tokens=False).ids]
    assert zh.excluded == tuple(unk) and len(unk) > 40
    assert len(zh.words) == 72 - len(unk) and np.isnan(zh.per_category_real).any()
    # the groups the card counts are the ones with words left, not the six of the file
    used = sorted({int(c) for c in zh.labels})
    assert zh.n_groups == len(used) < 6 and zh.group_names == tuple(zh.names[c] for c in used)
    assert zh.chance == pytest.approx(1 / zh.n_groups)
    assert en.n_groups == 6 and en.group_names == en.names
    with pytest.raises(ValueError):
        lab.categories(minilm, "fr", seed=0)
    with pytest.raises(ValueError):
        lab.categories(minilm, "en", seed=-1)


def test_word_file_shape():
    data = lab.word_lists()
    for cat in data["category"]:
        assert len(cat["en"]) == len(cat["zh"]) == 12 and len(set(cat["en"])) == 12, cat["key"]
    for ctx in data["context"]:
        assert [len(g) for g in ctx["sentences"]] == [2, 2]
        assert all(s.count("[") == 1 and f"[{ctx['word']}]" in s for g in ctx["sentences"] for s in g)


# --------------------------------------------------------------------------- contexts


def test_contexts_against_one_sentence_runs(minilm):
    r = lab.contexts(minilm, "en")
    assert r.word == "bank" and r.pieces == (("bank",),) * 4 and not r.unknown
    np.testing.assert_allclose(r.cos_table, 1.0, atol=1e-6)  # one table row, whatever the sentence
    vecs = []
    for text in r.sentences:  # unbatched, the word found by its piece
        tokens = minilm.tokenize(text, 128)
        hs = minilm.run(tokens, need_weights=False).hidden_states
        t = tokens.pieces.index("bank")
        vecs.append(torch.stack([h[0, t] for h in hs]).double())  # (L + 1, D)
    v = torch.stack(vecs, dim=1)  # (L + 1, S, D)
    u = v / v.norm(dim=-1, keepdim=True)
    np.testing.assert_allclose(r.cos_layers, (u @ u.transpose(1, 2)).numpy(), atol=1e-5)
    same = np.mean([r.cos_layers[-1, 0, 1], r.cos_layers[-1, 2, 3]])
    assert r.last_same == pytest.approx(same)
    # the encoder's output depends on the sentence, and more across senses than within one
    assert r.last_diff < r.last_same < 0.95
    assert r.layers_diff[1:].min() < 0.9
    assert r.separation == "separated"  # the card's verdict follows the two cosines
    assert replace(r, layers_same=r.layers_diff.copy()).separation == "not"


def test_contexts_e5_chinese(e5_encoder):
    r = lab.contexts(e5_encoder, "zh")
    assert r.pieces == (("苹果",),) * 4 and r.senses == ("水果", "公司")
    assert r.cos_layers.shape == (13, 4, 4) and r.last_diff < r.last_same < 0.99
    np.testing.assert_allclose(r.cos_table, 1.0, atol=1e-6)


def test_contexts_minilm_chinese_is_flagged(minilm):
    r = lab.contexts(minilm, "zh")
    assert r.unknown and r.pieces[0] == ("[UNK]", "[UNK]")  # MiniLM cannot read 苹果
    assert r.separation == "unknown"  # whatever the cosines: no sense of an [UNK] is separated


def test_run_bundles_the_three(minilm):
    r = lab.run(minilm, "river", k=5, lang="en", seed=0)
    assert r.neighbours.word == "river" and r.categories.lang == r.contexts.lang == "en"
    assert len(r.neighbours.mean.ids) == 5
