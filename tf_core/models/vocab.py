"""Token vocabularies of the project's own small models: characters (TinyGPT, the number
translator's Chinese side) or words (its English side), stored in config.json with the weights."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SRC_SPECIALS = (PAD, UNK)  # ids 0, 1 of the source vocabulary
TGT_SPECIALS = (PAD, BOS, EOS)  # ids 0, 1, 2 of the target vocabulary


@dataclass(frozen=True)
class Vocab:
    """Tokens by id: a character-level vocabulary (TinyGPT, the Chinese side) or a word-level one
    (the English side). Stored in config.json with the weights, whose embedding rows follow it.

    >>> v = Vocab(("<pad>", "a", "b"))
    >>> v.encode("ba"), v.decode([1, 2])
    ([2, 1], ['a', 'b'])
    """

    tokens: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.tokens or len(set(self.tokens)) != len(self.tokens):
            raise ValueError("a vocabulary needs at least one token and no token twice")

    @cached_property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, items: Iterable[str], unk: str | None = None) -> list[int]:
        """Ids of ``items`` (the characters of a string, or a list of words). An item not in the
        vocabulary becomes ``unk`` when given, else raises ValueError naming it."""
        index, out = self.index, []
        for item in items:
            if item in index:
                out.append(index[item])
            elif unk is not None:
                out.append(index[unk])
            else:
                raise ValueError(f"{item!r} is not in the vocabulary")
        return out

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.tokens[int(i)] for i in ids]
