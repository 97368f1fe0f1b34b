"""Lesson `tokenization`: how WordPiece, unigram and BPE tokenizers cut text into subwords.

Two experiments.

``compare``: the learner's text through three real tokenizers, side by side, with no special
tokens added (a special token typed in the text, such as "[CLS]" or "<|im_start|>", is matched as
the model's own tokenizer matches it, and flagged ``special``):
  WordPiece       all-MiniLM-L6-v2 (uncased, 30,522 entries): each word is cut greedily into the
                  longest vocabulary entries, "##" marking a piece that continues a word; a word
                  with a character outside the vocabulary becomes one [UNK] as a whole;
  unigram         multilingual-e5-small (XLM-R's SentencePiece, 250,002 pieces): the segmentation
                  with the highest total log-probability; an unknown character is one <unk>;
  byte-level BPE  SmolLM2-135M (49,152 tokens): the text's UTF-8 bytes, merged by the learned merge
                  ranks; no unknown token, so a Chinese character outside the vocabulary falls
                  apart into byte pieces (注意力 is 9 bytes and 7 tokens).

Display strings, one convention for the three columns (so they compare at a glance; the pieces as
each tokenizer spells them are in ``pieces``):
  ␣ a space (SentencePiece's "▁" and byte-level BPE's "Ġ" both stand for one), ↵ a newline, ⇥ a tab;
  ## kept: WordPiece's own marker, meaning "this piece continues a word" (the opposite mark);
  ⟨E6 B3⟩ the bytes of a piece that holds only part of a character (hexadecimal UTF-8 bytes);
  ⟨U+200B⟩ an invisible or control character (never a raw control character, never U+FFFD);
  the unknown token as the vocabulary spells it ([UNK], <unk>); what it replaced is in ``unk_text``.
Display strings are plain text: a page must escape them (they may hold "<script>").

``train_bpe``: our own byte-pair-encoding trainer, in the spirit of Karpathy's minbpe, trained live
on the learner's text or a bundled sample. The text is cut into words by GPT-2's regex (a word
keeps its leading space: " the"; the ``tokenizers`` library does this split, as for SmolLM2, which
also splits off digits), each word into characters ("char") or into UTF-8 bytes spelled in GPT-2's
byte alphabet ("byte"); counting and merging are ours.
Then, repeatedly: count every adjacent pair of symbols (weighted by how often its word occurs),
merge the most frequent pair everywhere into a new symbol. Ties go to the pair whose symbols are
older (lower ids: the initial symbols in code-point order, then merged symbols in creation order;
left symbol first), which is how the ``tokenizers`` BpeTrainer breaks them (its heap orders equal
counts by the pair of ids, ascending); the tests check that its merges equal ours, in order, on
English, Chinese, mixed and random texts. One case could still part them, though no test text has
met it: a merge that builds a string an earlier merge already built (tokenizers then merges the
old and the new occurrences of the next pair in separate steps). Pair counts are updated
incrementally: the symbols are linked lists and each pair keeps the positions where it occurs, so a
merge touches only its occurrences and their neighbours, and a heap finds the best pair. 200 merges
on 10,000 characters take 7-25 ms on a 2-core CPU (67 ms for 10,000 Chinese characters with no
punctuation: one 30,000-byte word), where recounting every pair at every step takes seconds on such
a word (benchmarks/tokenization.py).

Stated choices: training stops early when no pair occurs twice (merging a pair seen once would
only memorise a word; the ``tokenizers`` equivalent is min_frequency=2). ``count`` counts
overlapping pairs as ``tokenizers`` does ("aaa" has two "a a" pairs but one merge).
"""
from __future__ import annotations

import functools
import heapq
import importlib.util
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tf_core import limits
from tf_core.models.catalog import MODELS

KEYS = ("minilm", "e5", "smollm2")  # the side-by-side columns, in this order
ALGORITHMS = {"minilm": "WordPiece", "e5": "unigram", "smollm2": "byte-level BPE"}
LEVELS = ("char", "byte")  # what our trainer starts from
CJK_EXAMPLE = "注意力"  # the card's example of a word that byte-level BPE spells in byte pieces
MIN_PAIR_COUNT = 2  # our trainer stops when the best pair occurs fewer times
SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "text"
SAMPLE_LANGS = ("en", "zh")
# GPT-2's pre-tokenizer regex (Oniguruma syntax, as ``tokenizers`` compiles it): contractions,
# letters, numbers and other symbols, each run with at most one leading space; whitespace runs.
GPT2_SPLIT = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"

# Token kinds in ``Tokenized.kinds``
PIECE, BYTES, UNK, SPECIAL = "piece", "bytes", "unk", "special"
_SHOWN = {" ": "␣", "\n": "↵", "\t": "⇥"}
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}  # categories drawn as ⟨U+XXXX⟩ (Zs: other spaces)


# --------------------------------------------------------------------------- readable strings


def visible(text: str) -> str:
    """``text`` with spaces, newlines, tabs and invisible characters made visible.

    >>> visible("a b\\nc\\u200b\\x07")
    'a␣b↵c⟨U+200B⟩⟨U+0007⟩'
    """
    out = []
    for ch in text:
        if ch in _SHOWN:
            out.append(_SHOWN[ch])
        elif unicodedata.category(ch) in _HIDDEN or ch == "\ufffd":
            out.append(f"⟨U+{ord(ch):04X}⟩")
        else:
            out.append(ch)
    return "".join(out)


def _utf8_length(lead: int) -> int:
    """Bytes of the UTF-8 sequence a lead byte starts (1 for a byte that cannot start one)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1


def readable_bytes(data: bytes) -> str:
    """Bytes as text: whole UTF-8 characters as themselves (made ``visible``), the bytes of a partial
    character as hexadecimal in ⟨ ⟩. Never U+FFFD.

    >>> readable_bytes("注".encode()), readable_bytes("注".encode()[:2]), readable_bytes(b" \\xe6")
    ('注', '⟨E6 B3⟩', '␣⟨E6⟩')
    """
    out: list[str] = []
    loose: list[str] = []  # hex of consecutive bytes that are not a whole character
    i = 0
    while i < len(data):
        n = _utf8_length(data[i])
        try:
            ch = data[i:i + n].decode("utf-8") if i + n <= len(data) else None
        except UnicodeDecodeError:
            ch = None
        if ch is None:
            loose.append(f"{data[i]:02X}")
            i += 1
            continue
        if loose:
            out.append("⟨" + " ".join(loose) + "⟩")
            loose = []
        out.append(visible(ch))
        i += n
    if loose:
        out.append("⟨" + " ".join(loose) + "⟩")
    return "".join(out)


def _whole_utf8(data: bytes) -> bool:
    """True when ``data`` is whole UTF-8 characters (no piece of one)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@functools.cache
def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte alphabet backwards: character -> byte (built once; never modified)."""
    from tf_core.models.smollm2 import byte_alphabet

    return {c: b for b, c in byte_alphabet().items()}


def _clean(text: object) -> str:
    """Any input as a str the tokenizers accept: lone surrogates (which cannot be UTF-8) become
    U+FFFD, a valid surrogate pair its character; None becomes ""."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _cut(text: object, max_chars: int) -> tuple[str, int, bool]:
    text = _clean(text)
    return text[:max_chars], len(text), len(text) > max_chars


# --------------------------------------------------------------------------- the real tokenizers


@dataclass(frozen=True, eq=False)
class RealTokenizer:
    """A pretrained model's tokenizer, loaded without the model's weights."""

    key: str  # "minilm", "e5", "smollm2"
    name: str  # the model's published name
    algorithm: str  # "WordPiece", "unigram", "byte-level BPE"
    tokenizer: object  # tokenizers.Tokenizer (shared: never change its settings)
    vocab_size: int
    unk_id: int | None  # None: byte-level BPE has no unknown token
    special_ids: frozenset[int]  # the model's special tokens ([CLS], <s>, <|im_start|> ...)
    missing_bytes: tuple[int, ...]  # byte-level: bytes without a token of their own (dropped); else ()


def available() -> tuple[str, ...]:
    """The keys whose packages are installed (nothing is loaded)."""
    here = [k for k in KEYS if MODELS[k].installed()]
    if "smollm2" in here and importlib.util.find_spec("gguf") is None:
        here.remove("smollm2")
    return tuple(here)


def load_tokenizer(key: str) -> RealTokenizer:
    """The tokenizer of ``key`` (raises ``ModelUnavailable`` when its package is missing).

    Cost on a 2-core CPU (benchmarks/tokenization.py): MiniLM ~0.03 s (tokenizer.json), SmolLM2
    ~0.12 s (GGUF header 0.05 s + BPE 0.06 s), e5 ~1.1 s (reading 250,002 pieces 0.13 s, building
    the unigram model 0.95 s; the weights are not read): cache it."""
    if key == "minilm":
        from tf_core.models import minilm

        tok = minilm.tokenizer()
        unk, missing = tok.token_to_id("[UNK]"), ()
        specials = frozenset(i for i, t in tok.get_added_tokens_decoder().items() if t.special)
    elif key == "e5":
        from tf_core.models import e5

        v = e5.read_vocab()
        tok = e5.tokenizer(v)
        unk, missing, specials = v.unk, (), frozenset((v.bos, v.eos, v.pad, v.unk))
    elif key == "smollm2":
        from tf_core.models import smollm2

        tok = smollm2.tokenizer()
        unk, missing = None, smollm2.missing_bytes(tok)
        specials = frozenset(i for i, t in tok.get_added_tokens_decoder().items() if t.special)
    else:
        raise KeyError(f"unknown tokenizer {key!r}; expected one of {KEYS}")
    info = MODELS[key]
    return RealTokenizer(key=key, name=info.name, algorithm=ALGORITHMS[key], tokenizer=tok,
                         vocab_size=tok.get_vocab_size(), unk_id=unk, special_ids=specials, missing_bytes=missing)


@dataclass(frozen=True)
class Tokenized:
    """One tokenizer's result on the text (no special tokens added)."""

    key: str
    name: str
    algorithm: str
    ids: tuple[int, ...]
    pieces: tuple[str, ...]  # vocabulary entries as the tokenizer spells them ("##ing", "▁the", "Ġthe", "æ³")
    display: tuple[str, ...]  # the same, readable (see the module docstring)
    kinds: tuple[str, ...]  # per token: PIECE, BYTES (part of a character), UNK or SPECIAL
    spans: tuple[tuple[int, int], ...]  # (start, end) characters of the text each token covers
    unk_text: tuple[str, ...]  # what each unknown token replaced (made visible), in text order
    dropped: tuple[str, ...]  # characters (not whitespace) that leave no trace in the tokens, made
    #                           visible, in text order: removed by normalisation, or bytes without a token
    n_chars: int  # characters of the text
    n_bytes: int  # its UTF-8 bytes

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def n_unk(self) -> int:
        return self.kinds.count(UNK)

    @property
    def n_byte_pieces(self) -> int:
        return self.kinds.count(BYTES)

    @property
    def chars_per_token(self) -> float | None:
        return self.n_chars / len(self.ids) if self.ids else None

    @property
    def bytes_per_token(self) -> float | None:
        return self.n_bytes / len(self.ids) if self.ids else None


@dataclass(frozen=True)
class Comparison:
    text: str  # the text tokenized (after the cut)
    n_chars_total: int  # characters before the cut
    truncated: bool
    results: tuple[Tokenized, ...]  # one per tokenizer given, in the order given
    unavailable: tuple[str, ...]  # keys of KEYS that were not given (package missing)

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    def get(self, key: str) -> Tokenized | None:
        return next((r for r in self.results if r.key == key), None)


def tokenize(rt: RealTokenizer, text: str) -> Tokenized:
    """``text`` through one tokenizer, without special tokens, with readable pieces."""
    text = _clean(text)
    enc = rt.tokenizer.encode(text, add_special_tokens=False)
    ids, spans = tuple(enc.ids), tuple(enc.offsets)
    byte_level = rt.algorithm == "byte-level BPE"
    decode = _byte_decoder() if byte_level else None
    known: dict[int, tuple[str, str, str]] = {}  # id -> (piece, display, kind): a text repeats its tokens
    pieces, display, kinds, unk_text = [], [], [], []
    for i, (a, b) in zip(ids, spans):
        if i not in known:
            piece = rt.tokenizer.id_to_token(i)
            if i == rt.unk_id:
                known[i] = (piece, piece, UNK)
            elif i in rt.special_ids:
                known[i] = (piece, piece, SPECIAL)
            elif byte_level:
                raw = bytes(decode[c] for c in piece)
                known[i] = (piece, readable_bytes(raw), PIECE if _whole_utf8(raw) else BYTES)
            elif rt.algorithm == "unigram":
                known[i] = (piece, visible(piece.replace("\u2581", " ")), PIECE)  # SentencePiece's ▁ is a space
            else:
                known[i] = (piece, visible(piece), PIECE)
        piece, shown, kind = known[i]
        if kind == UNK:
            if text[a:b] == piece:  # "[UNK]" typed in the text: the special token, not an unknown word
                kind = SPECIAL
            else:
                unk_text.append(visible(text[a:b]))
        pieces.append(piece)
        display.append(shown)
        kinds.append(kind)
    gone = _dropped(rt, set(text))
    dropped = tuple(visible(ch) for ch in text if ch in gone) if gone else ()
    return Tokenized(key=rt.key, name=rt.name, algorithm=rt.algorithm, ids=ids, pieces=tuple(pieces),
                     display=tuple(display), kinds=tuple(kinds), spans=spans, unk_text=tuple(unk_text),
                     dropped=dropped, n_chars=len(text), n_bytes=len(text.encode("utf-8")))


def _dropped(rt: RealTokenizer, chars: set[str]) -> set[str]:
    """The characters (not whitespace) that leave no trace in the tokens: removed by the tokenizer's
    normaliser (control characters; WordPiece also combining accents), or, at byte level, holding a
    byte that has no token."""
    norm, missing = rt.tokenizer.normalizer, set(rt.missing_bytes)
    return {ch for ch in chars if not ch.isspace() and (
        (norm is not None and norm.normalize_str(ch) == "") or (missing and not missing.isdisjoint(ch.encode())))}


def compare(text: str, tokenizers: Sequence[RealTokenizer], max_chars: int = limits.TOKENIZE_TEXT_CHARS) -> Comparison:
    """The text (cut at ``max_chars`` characters) through each tokenizer. Never raises on odd text:
    empty, control characters, emoji, HTML, lone surrogates (they become U+FFFD first)."""
    cut, n_total, truncated = _cut(text, max(0, int(max_chars)))
    given = {rt.key for rt in tokenizers}
    return Comparison(text=cut, n_chars_total=n_total, truncated=truncated,
                      results=tuple(tokenize(rt, cut) for rt in tokenizers),
                      unavailable=tuple(k for k in KEYS if k not in given))


# --------------------------------------------------------------------------- our BPE trainer


@dataclass(frozen=True)
class MergeStep:
    step: int  # 1 for the first merge (its rank)
    left: str  # the two symbols merged, as the trainer spells them (byte level: GPT-2's byte alphabet)
    right: str
    new: str  # left + right
    new_id: int  # its id (an existing id if the same string was made before)
    count: int  # occurrences of the pair in the text when it was chosen (overlapping ones included)
    n_tokens: int  # tokens of the whole text after this merge
    display: tuple[str, str, str]  # (left, right, new) readable (``readable_symbol``)


@dataclass(frozen=True, eq=False)
class BPETraining:
    level: str  # "char" or "byte"
    text: str  # the training text (after the cut)
    n_chars_total: int  # characters before the cut
    truncated: bool
    requested: int  # merges asked for; ``len(merges)`` is less when no pair occurs twice any more
    alphabet: tuple[str, ...]  # the initial symbols; symbol ids 0.. in this order
    merges: tuple[MergeStep, ...]
    n_tokens_start: int  # tokens of the text before any merge (its characters or bytes, whitespace included)
    words: tuple[str, ...]  # the pre-tokens in text order, spelled as the trainer sees them
    word_spans: tuple[tuple[int, int], ...]  # their character spans in ``text``

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def n_tokens_end(self) -> int:
        return self.merges[-1].n_tokens if self.merges else self.n_tokens_start

    @property
    def vocab_size(self) -> int:
        return len(set(self.alphabet) | {m.new for m in self.merges})

    def segment(self, step: int, max_chars: int = limits.BPE_SEGMENT_CHARS) -> tuple[str, ...]:
        """The readable pieces of the text's first ``max_chars`` characters (whole words) after the
        first ``step`` merges (0: the initial characters or bytes)."""
        ranks = {(m.left, m.right): r for r, m in enumerate(self.merges[:max(0, step)])}
        out: list[str] = []
        for word, (a, _) in zip(self.words, self.word_spans):
            if a >= max_chars:
                break
            out.extend(readable_symbol(s, self.level) for s in apply_merges(word, ranks))
        return tuple(out)


def readable_symbol(symbol: str, level: str) -> str:
    """A trainer symbol as text: characters made ``visible``; at byte level the GPT-2 byte alphabet
    mapped back to bytes first (a partial character shows as ⟨E6 B3⟩)."""
    if level == "byte":
        decode = _byte_decoder()
        return readable_bytes(bytes(decode[c] for c in symbol))
    return visible(symbol)


def apply_merges(word: str, ranks: dict[tuple[str, str], int]) -> list[str]:
    """Segment one pre-token with learned merges: start from its characters, then merge the
    adjacent pair of lowest rank, all its occurrences left to right, until no pair has a rank.
    This is how a trained BPE tokenizes, and it reproduces the training's segmentation.

    >>> apply_merges("lower", {("l", "o"): 0, ("lo", "w"): 1, ("e", "r"): 2})
    ['low', 'er']
    """
    symbols = list(word)
    while len(symbols) > 1:
        best = min(((ranks[p], p) for p in zip(symbols, symbols[1:]) if p in ranks), default=None)
        if best is None:
            break
        left, right = best[1]
        merged, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
                merged.append(left + right)
                i += 2
            else:
                merged.append(symbols[i])
                i += 1
        symbols = merged
    return symbols


def pre_tokenize(text: str, level: str) -> list[tuple[str, tuple[int, int]]]:
    """GPT-2's split into words, each spelled in characters ("char") or in the byte alphabet ("byte")."""
    from tokenizers import Regex, pre_tokenizers

    if level == "byte":
        pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)  # the same regex, then bytes
    else:
        pre = pre_tokenizers.Split(Regex(GPT2_SPLIT), behavior="isolated")
    return pre.pre_tokenize_str(text)


def train_bpe(text: str, n_merges: int = limits.BPE_MERGES.default, level: str = "char",
              max_chars: int = limits.BPE_TEXT_CHARS) -> BPETraining:
    """Learn up to ``n_merges`` BPE merges from ``text`` (cut at ``max_chars`` characters).

    >>> t = train_bpe("low lower lowest low", n_merges=3)
    >>> [(m.left, m.right, m.count, m.n_tokens) for m in t.merges]
    [('l', 'o', 4, 16), ('lo', 'w', 4, 12), (' ', 'low', 3, 9)]
    >>> t.segment(3)
    ('low', '␣low', 'e', 'r', '␣low', 'e', 's', 't', '␣low')
    """
    n_merges = limits.BPE_MERGES.check("n_merges", n_merges)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    cut, n_total, truncated = _cut(text, max(0, int(max_chars)))
    split = pre_tokenize(cut, level)
    word_counts = Counter(w for w, _ in split)  # the distinct words, in order of first appearance

    # Symbol ids as tokenizers numbers them: the alphabet in code-point order, then merged symbols.
    alphabet = set("".join(word_counts))
    if level == "byte":
        from tf_core.models.smollm2 import byte_alphabet

        alphabet |= set(byte_alphabet().values())  # all 256 bytes, seen or not (as GPT-2)
    names = sorted(alphabet)
    ids = {s: i for i, s in enumerate(names)}

    # The distinct words side by side in one array of symbol ids, as doubly linked lists: a merge
    # rewrites only the positions where its pair occurs, never a whole word (a 10,000-character
    # word with no space, or Chinese without punctuation, would cost seconds otherwise).
    sym: list[int] = []  # (N,) symbol id at each position (a merged-away position keeps a stale id)
    weight: list[int] = []  # (N,) how often the word holding the position occurs in the text
    for w, c in word_counts.items():
        sym += [ids[ch] for ch in w]
        weight += [c] * len(w)
    n = len(sym)
    nxt = [i + 1 for i in range(n)]  # (N,) next position in the same word, -1 at a word's end
    prv = [i - 1 for i in range(n)]  # (N,) previous position, -1 at a word's start
    end = 0
    for w in word_counts:
        end += len(w)
        nxt[end - 1] = -1
        if end < n:
            prv[end] = -1
    alive = [True] * n

    pair_counts: defaultdict[tuple[int, int], int] = defaultdict(int)  # pair -> occurrences, word counts applied
    where: defaultdict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> positions of its left symbol
    for i in range(n):
        if nxt[i] != -1:
            pair = (sym[i], sym[nxt[i]])
            pair_counts[pair] += weight[i]
            where[pair].add(i)

    # Max-heap by count, then the smaller (left id, right id): tokenizers' order. Entries go stale
    # when a count changes; a popped entry is checked against ``pair_counts`` (lazy deletion).
    heap = [(-c, a, b) for (a, b), c in pair_counts.items()]
    heapq.heapify(heap)

    n_tokens = sum(weight)
    n_start, merges = n_tokens, []
    while len(merges) < n_merges and heap:
        neg, a, b = heapq.heappop(heap)
        current = pair_counts.get((a, b), 0)  # get: a lookup must not insert
        if current != -neg:  # stale: re-queue a count that fell (a count that rose was pushed when it did)
            if 0 < current < -neg:
                heapq.heappush(heap, (-current, a, b))
            continue
        if current < MIN_PAIR_COUNT:
            break
        new = names[a] + names[b]
        if new not in ids:
            ids[new] = len(names)
            names.append(new)
        z = ids[new]
        grown: set[tuple[int, int]] = set()
        # Left to right within each word, so "a a a" becomes "aa a" and "a b a b" loses (b, a) and
        # gains (ab, ab), as a recount would find.
        for i in sorted(where.pop((a, b), ())):
            j = nxt[i]
            if not alive[i] or j == -1 or sym[i] != a or sym[j] != b:
                continue  # an overlapping occurrence consumed by the one before it ("a a a")
            c, h, k = weight[i], prv[i], nxt[j]
            pair_counts[(a, b)] -= c
            if h != -1:  # the left neighbour now pairs with the new symbol
                pair_counts[sym[h], a] -= c
                where[sym[h], a].discard(h)
                pair = (sym[h], z)
                pair_counts[pair] += c
                where[pair].add(h)
                grown.add(pair)
            if k != -1:  # and so does the right one
                pair_counts[b, sym[k]] -= c
                where[b, sym[k]].discard(j)
                pair = (z, sym[k])
                pair_counts[pair] += c
                where[pair].add(i)
                grown.add(pair)
            sym[i], nxt[i], alive[j] = z, k, False
            if k != -1:
                prv[k] = i
            n_tokens -= c
        for pair in grown:
            if pair_counts[pair] > 0:
                heapq.heappush(heap, (-pair_counts[pair], *pair))
        merges.append(MergeStep(step=len(merges) + 1, left=names[a], right=names[b], new=new, new_id=z,
                                count=current, n_tokens=n_tokens,
                                display=tuple(readable_symbol(x, level) for x in (names[a], names[b], new))))

    return BPETraining(level=level, text=cut, n_chars_total=n_total, truncated=truncated, requested=n_merges,
                       alphabet=tuple(sorted(alphabet)), merges=tuple(merges), n_tokens_start=n_start,
                       words=tuple(w for w, _ in split), word_spans=tuple(tuple(s) for _, s in split))


def sample_text(lang: str) -> str:
    """The bundled training sample (our own short texts of ~3 KB: ~3,200 characters of English,
    ~950 of Chinese), "en" or "zh"."""
    if lang not in SAMPLE_LANGS:
        raise ValueError(f"lang must be one of {SAMPLE_LANGS}, got {lang!r}")
    return (SAMPLES / f"bpe_sample_{lang}.txt").read_text(encoding="utf-8")
