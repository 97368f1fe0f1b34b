"""tf_core.readable: tokens shown as text, never a replacement character."""
from __future__ import annotations

import random

from tf_core.readable import CONTINUED, CharGroup, char_groups, char_labels, readable_bytes, visible, whole_utf8


def test_readable_bytes_never_shows_a_replacement_character():
    rng = random.Random(1)
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 12)))
        shown = readable_bytes(data)
        assert "\ufffd" not in shown
        if whole_utf8(data):
            assert shown == visible(data.decode())
        else:
            assert "⟨" in shown
    assert readable_bytes("\ufffd".encode()) == "⟨U+FFFD⟩"  # a real U+FFFD in the text is named too
    assert readable_bytes(b"\xe6\xb3\xa8\xe6") == "注⟨E6⟩"




# --- pieces grouped into characters (byte-level BPE splits Chinese and emoji into byte pieces) -----
CONG = "从".encode()  # E4 BB 8E: SmolLM2 splits it as ⟨E4 BB⟩ ⟨8E⟩
ZHU_YI = "注意".encode()  # E6 B3 A8 E6 84 8F
SMILE = "🙂".encode()  # F0 9F 99 82


def test_a_character_of_three_bytes_split_over_two_pieces():
    assert char_labels([CONG[:2], CONG[2:], "前".encode()]) == ("从", CONTINUED, "前")
    assert char_groups([CONG[:2], CONG[2:], "前".encode()]) == (CharGroup(0, 2, "从"), CharGroup(2, 3, "前"))
    assert char_labels([CONG[:1], CONG[1:2], CONG[2:]]) == ("从", CONTINUED, CONTINUED)  # one byte a piece


def test_an_emoji_of_four_bytes():
    assert char_labels([SMILE[:2], SMILE[2:]]) == ("🙂", CONTINUED)
    assert char_labels([bytes([b]) for b in SMILE]) == ("🙂",) + (CONTINUED,) * 3
    assert char_labels([b" " + SMILE[:1], SMILE[1:], b"!"]) == ("␣🙂", CONTINUED, "!")  # a space opens the group


def test_a_piece_that_ends_one_character_and_starts_the_next_joins_both():
    pieces = [ZHU_YI[:2], ZHU_YI[2:4], ZHU_YI[4:]]  # ⟨E6 B3⟩ ⟨A8 E6⟩ ⟨84 8F⟩
    assert char_groups(pieces) == (CharGroup(0, 3, "注意"),)
    assert char_labels(pieces) == ("注意", CONTINUED, CONTINUED)
    assert char_labels([b"x" + CONG[:1], CONG[1:] + b"y", b"z"]) == ("x从y", CONTINUED, "z")


def test_a_prompt_cut_in_the_middle_of_a_character_keeps_its_last_piece_hex():
    pieces = [ZHU_YI[:2], ZHU_YI[2:3], ZHU_YI[3:4]]  # 注 whole, then the first byte of 意: the token cap cut it
    assert char_labels(pieces) == ("注", CONTINUED, "⟨E6⟩")
    assert char_groups(pieces)[-1] == CharGroup(2, 3, None)
    assert char_labels([b"a", SMILE[:3]]) == ("a", "⟨F0 9F 99⟩")


def test_a_token_swapped_in_the_middle_of_a_character_leaves_its_neighbours_hex():
    assert char_labels([b"ok", CONG[:2], b" dog", CONG[2:], "前".encode()]) == ("ok", "⟨E4 BB⟩", "␣dog", "⟨8E⟩", "前")
    # a swapped piece that happens to complete the bytes makes whatever character they spell
    assert char_labels([CONG[:2], "仁".encode()[2:]]) == ("仁", CONTINUED)


def test_pure_ascii_and_whole_pieces_are_unchanged():
    words = [b"Once", b" upon", b" a", b" time", b",", b"\n", b"\t", "\u200b".encode(), " 前".encode()]
    assert char_labels(words) == tuple(readable_bytes(w) for w in words)
    assert char_labels(words) == ("Once", "␣upon", "␣a", "␣time", ",", "↵", "⇥", "⟨U+200B⟩", "␣前")
    assert char_labels([]) == () and char_groups([]) == ()


def test_special_tokens_stand_alone_and_break_a_group():
    assert char_labels(["<|im_start|>", b"user", b"\n"]) == ("<|im_start|>", "user", "↵")
    assert char_labels([CONG[:2], "<|im_end|>", CONG[2:]]) == ("⟨E4 BB⟩", "<|im_end|>", "⟨8E⟩")


def test_random_splits_of_text_group_back_into_the_text():
    rng = random.Random(7)
    alphabet = "ab 从前有一座山，🙂é\n"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        data = text.encode()
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(0, 6)))) if len(data) > 1 else []
        pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]
        groups = char_groups(pieces)
        assert [g.start for g in groups] == [0, *(g.stop for g in groups[:-1])][:len(groups)]
        assert (groups[-1].stop if groups else 0) == len(pieces)  # consecutive, covering every piece
        assert all(g.text is not None for g in groups)  # a whole text always groups completely
        assert "".join(g.text for g in groups) == text
        labels = char_labels(pieces)
        assert len(labels) == len(pieces) and "\ufffd" not in "".join(labels)
        for g in groups:  # the text on the first piece, "·" on the rest, nothing hex
            assert labels[g.start:g.stop] == (visible(g.text),) + (CONTINUED,) * (g.stop - g.start - 1)
        assert "⟨" not in "".join(labels)


def test_random_bytes_never_show_a_replacement_character():
    rng = random.Random(3)
    for _ in range(300):
        pieces = [bytes(rng.randrange(256) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(0, 6))]
        labels = char_labels(pieces)
        assert len(labels) == len(pieces) and "\ufffd" not in "".join(labels)
        for g in char_groups(pieces):
            if g.text is None:  # a piece in no group keeps its own readable form
                assert g.stop == g.start + 1 and labels[g.start] == readable_bytes(pieces[g.start])
