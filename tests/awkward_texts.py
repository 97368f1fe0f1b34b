"""Texts that tokenizers and the BPE trainer must take without error: English, Chinese, mixed,
repeats, emoji (with joiners and skin tones), HTML, control and invisible characters."""

TEXTS = {
    "en": "The lighthouse keeper kept a notebook. Keepers keep notebooks; the keeper's notebooks kept growing.",
    "zh": "注意力机制是Transformer的核心。自注意力让每个词元都能看到其他词元，注意力权重由查询和键计算。",
    "mixed": "Self-attention 自注意力 lets every token look at every other token! 注意力 注意力机制 " * 3,
    "repeats": "aaaa aaa aa a aaaaa bbb abab ababab aaaaaaa",
    "emoji": "I love attention 🙂🚀 and so do you 👍🏽 🙂🙂 👨‍👩‍👧 👨‍👩‍👧",
    "html": "<script>alert('x')</script> <b>bold</b> <b>bolder</b> &amp;&amp;",
    "control": "bell\x07bell\x07 nul\x00nul\x00 tab\ttab\t\r\n\r\n zero\u200bwidth\u200b",
}
