"""Byte-pair encoding, learned: the algorithm behind GPT-2's and SmolLM2's tokenizers, written to be read.

Our own byte-pair-encoding trainer, in the spirit of Karpathy's minbpe, trained live
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

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass

from tf_core import limits
from tf_core.readable import byte_decoder, cut_text, readable_bytes, visible

LEVELS = ("char", "byte")  # what the trainer starts from
MIN_PAIR_COUNT = 2  # the trainer stops when the best pair occurs fewer times
# GPT-2's pre-tokenizer regex (Oniguruma syntax, as ``tokenizers`` compiles it): contractions,
# letters, numbers and other symbols, each run with at most one leading space; whitespace runs.
GPT2_SPLIT = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


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
        decode = byte_decoder()
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
    cut, n_total, truncated = cut_text(text, max(0, int(max_chars)))
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
