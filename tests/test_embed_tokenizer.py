"""The pure-Python BERT-uncased tokenizer behind the static MiniLM embeddings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.models.embed import (
    StaticEmbedder,
    WordPieceTokenizer,
    basic_tokenize,
    bundled_embedder,
    is_punctuation,
)

# Expected tokens were produced once by the base model's own tokenizer.json with the
# ``tokenizers`` library (special tokens off, [UNK] removed); texts written for this test.
REFERENCE = [
    (
        'The Mayor\'s office said: "Rents rose 12% in 2023."',
        'the mayor \' s office said : " rents rose 12 % in 202 ##3 . "',
    ),
    (
        "the mayor s office said : `` rents rose 12 % in 2023 . ''",
        "the mayor s office said : ` ` rents rose 12 % in 202 ##3 . ' '",
    ),
    (
        "Naïve façade, Zürich & São Paulo—unbelievably!",
        "naive facade , zurich & sao paulo — un ##bel ##ie ##va ##bly !",
    ),
    (
        "Is this a hoax?!? e-mail info@example.org #breaking",
        "is this a hoax ? ! ? e - mail info @ example . org # breaking",
    ),
    ("Tokyo 東京 and ﬁnal\u00a0tab\tnewline\nend", "tokyo 東 京 and ﬁ ##nal tab new ##line end"),
    ("counterintuitively misinformation", "counter ##int ##uit ##ively mis ##in ##form ##ation"),
]


@pytest.fixture(scope="module")
def full() -> StaticEmbedder:
    """The bundled asset with every punctuation token kept (BERT's own behaviour)."""
    return StaticEmbedder.load(keep_punctuation=True)


def _tokens(embedder: StaticEmbedder, text: str) -> list[str]:
    inverse = {i: tok for tok, i in embedder.tokenizer.vocab.items()}
    return [inverse[int(i)] for i in embedder.token_ids(text)]


@pytest.mark.parametrize(("text", "expected"), REFERENCE)
def test_embed_tokenizer_matches_bert_reference(
    full: StaticEmbedder, text: str, expected: str
) -> None:
    assert _tokens(full, text) == expected.split(" ")


def test_embed_research_form_and_prose_give_same_ids() -> None:
    emb = bundled_embedder()
    prose = 'The Minister said: "We will act on housing, now!"'
    research = "the minister said : `` we will act on housing , now ! ''"
    assert emb.token_ids(prose).tolist() == emb.token_ids(research).tolist()
    assert " ".join(_tokens(emb, research)) == "the minister said we will act on housing now !"


def test_embed_tokenizer_keeps_only_bang_and_question_by_default() -> None:
    tokens = _tokens(bundled_embedder(), 'Really?! (yes) -- "quoted"; done.')
    assert " ".join(tokens) == "really ? ! yes quoted done"


def test_embed_unknown_and_overlong_words_are_skipped(full: StaticEmbedder) -> None:
    assert "[UNK]" not in full.tokenizer.vocab
    assert full.token_ids("").size == 0
    assert full.token_ids("   \n\t ").size == 0
    assert full.token_ids("😀😀 ￿").size == 0
    assert full.token_ids("a" * 101).size == 0  # over max_chars_per_word: one unknown word
    assert full.token_ids("a" * 100).size > 0
    assert _tokens(full, "cat 😀 dog") == ["cat", "dog"]


def test_embed_wordpiece_uses_unk_when_the_vocab_has_one() -> None:
    tok = WordPieceTokenizer(["[UNK]", "un", "##aff", "##able", "a", "!"], keep_punctuation=True)
    assert tok("Unaffable").tolist() == [1, 2, 3]
    assert tok("unaffablex a!").tolist() == [0, 4, 5]
    assert WordPieceTokenizer(["a"])("zzz a").tolist() == [0]


def test_embed_basic_tokenize_normalises() -> None:
    assert basic_tokenize("ÉLAN,déjà-vu") == ["elan", ",", "deja", "-", "vu"]
    assert basic_tokenize("zero\u200bwidth\x00ctl") == ["zerowidthctl"]
    assert basic_tokenize("中文ab") == ["中", "文", "ab"]
    assert all(is_punctuation(c) for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”«»—")
    assert not any(is_punctuation(c) for c in "a0 €£")


def test_embed_every_vocab_token_is_reachable(full: StaticEmbedder) -> None:
    """The distil script kept only tokens this tokenizer can produce."""
    for tok in full.tokenizer.vocab:
        if tok.startswith("##") and len(tok) > 2:
            body = tok[2:]
            assert basic_tokenize(body) == [body], tok
            assert not (len(body) == 1 and is_punctuation(body)), tok
        else:
            assert basic_tokenize(tok) == [tok], tok


@settings(max_examples=300, deadline=None)
@given(a=st.text(max_size=300), b=st.text(max_size=300))
def test_embed_tokenizer_property(full: StaticEmbedder, a: str, b: str) -> None:
    ids = full.token_ids(a)
    assert ids.dtype.kind == "i"
    assert ((ids >= 0) & (ids < len(full.vectors))).all()
    assert full.token_ids(a).tolist() == ids.tolist()
    fresh = WordPieceTokenizer(list(full.tokenizer.vocab), keep_punctuation=True)
    assert fresh(a).tolist() == ids.tolist()  # the word cache changes nothing
    joined = full.token_ids(a + " " + b).tolist()
    assert joined == ids.tolist() + full.token_ids(b).tolist()
