"""tf_core.readable: tokens shown as text, never a replacement character."""
from __future__ import annotations

import random

from tf_core.readable import readable_bytes, visible, whole_utf8


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


