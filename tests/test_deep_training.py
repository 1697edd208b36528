"""The deep pipeline's training side: the loop, the export and the int8 agreement.

These need the ``train`` extra (torch, transformers, the base model package) and skip
without it.  Nothing here fine-tunes the real encoder: the loop runs on a tiny randomly
initialised BERT, and the agreement check exports the base encoder unchanged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the deep pipeline's training needs the train extra")
transformers = pytest.importorskip("transformers", reason="needs the train extra")
pytest.importorskip("onnx", reason="int8 export needs the train extra")

from veracity.signals.deep.deep_signals import DeepSignalAnalyzer  # noqa: E402
from veracity.signals.deep.model import DEEP_DIR, DeepModel  # noqa: E402
from veracity.training.deep_data import Example, TaskData  # noqa: E402
from veracity.training.deep_export import agreement, export_int8  # noqa: E402
from veracity.training.deep_fit import DeepConfig, fit, tune  # noqa: E402
from veracity.training.deep_model import MultiTask, base_model_dir, build  # noqa: E402
from veracity.training.deep_train import save_deep  # noqa: E402

TECHNIQUES = ["Doubt", "Loaded_Language", "Slogans"]
SENTENCES = [
    "The council approved the budget on Tuesday.",
    "These corrupt insiders have betrayed every honest family!",
    "Rainfall in March was close to the long-term average.",
    "What a pathetic, idiotic decision from these clowns.",
    "The bridge will be closed for repairs until June.",
    "Only a fool would trust these crooks.",
    "Officials counted the ballots in three districts.",
    "Their hateful agenda is destroying our beautiful country.",
]


def _tokenizer() -> object:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(DEEP_DIR / "tokenizer.json"))
    tok.no_padding()
    return tok


def _data() -> dict[str, TaskData]:
    tok = _tokenizer()
    rows = [tok.encode(s).ids for s in SENTENCES]  # type: ignore[attr-defined]
    labels = [i % 2 for i in range(len(rows))]
    data = {
        task: TaskData(
            [Example(task, r, y) for r, y in zip(rows, labels, strict=True)],
            [Example(task, r, y) for r, y in zip(rows, labels, strict=True)],
        )
        for task in ("bias", "subjectivity", "checkworthy")
    }
    ptc = [
        Example("ptc", r, tags=[0] + [y] * (len(r) - 2) + [0], spans=[(1, 3, i % 3)])
        for i, (r, y) in enumerate(zip(rows, labels, strict=True))
    ]
    data["ptc"] = TaskData(ptc, ptc)
    return data


def _tiny(seed: int = 0) -> MultiTask:
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    torch.manual_seed(seed)
    return MultiTask(transformers.BertModel(config), len(TECHNIQUES))


CONFIG = DeepConfig(epochs=2, batch_size=4, head_lr=1e-2, lr=1e-3, threads=1)


def _state(model: MultiTask) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


@pytest.mark.slow
def test_deep_training_a_fixed_seed_reproduces() -> None:
    first = _state(fit(_tiny(), _data(), CONFIG, progress=lambda _: None))
    second = _state(fit(_tiny(), _data(), CONFIG, progress=lambda _: None))
    assert first.keys() == second.keys()
    assert all(np.array_equal(first[k], second[k]) for k in first)
    untrained = _state(_tiny())
    assert any(not np.array_equal(first[k], untrained[k]) for k in first)


@pytest.mark.slow
def test_deep_training_the_base_encoder_reproduces_from_its_seed() -> None:
    """The real network, built and fitted twice on two threads as the training command does:
    the heads' initial weights come from the seed too, so both runs end identical."""
    config = DeepConfig(epochs=1, batch_size=4, threads=2)
    runs = [
        _state(
            fit(build(len(TECHNIQUES), base_model_dir(), seed=3), _data(), config, lambda _: None)
        )
        for _ in range(2)
    ]
    assert all(np.array_equal(runs[0][k], runs[1][k]) for k in runs[0])
    heads = [
        _state(build(len(TECHNIQUES), base_model_dir(), seed=s))["sentence.weight"] for s in (3, 4)
    ]
    assert not np.array_equal(heads[0], heads[1])


@pytest.mark.slow
def test_deep_training_saved_folder_loads_and_scores_as_trained(tmp_path: Path) -> None:
    data = _data()
    model = fit(_tiny(), data, CONFIG, progress=lambda _: None)
    tuned = tune(model, data)
    assert 0.2 <= tuned["bias"]["threshold"] <= 0.8
    assert 0.0 < tuned["spans"]["weak"] <= tuned["spans"]["strong"] < 1.0
    save_deep(
        tmp_path, model, export_int8(model), tuned, TECHNIQUES, CONFIG, {"name": "t"}, DEEP_DIR
    )
    loaded = DeepModel.load(tmp_path)
    assert loaded.techniques == tuple(TECHNIQUES)
    found = agreement(model, loaded.encoder, loaded.heads, SENTENCES)
    assert all(found[name]["max_abs_diff"] <= 0.05 for name in ("bias", "subjectivity"))
    again = DeepSignalAnalyzer(DeepModel.load(tmp_path)).sentence_scores(SENTENCES)
    first = DeepSignalAnalyzer(loaded).sentence_scores(SENTENCES)
    assert all(np.array_equal(first[k], again[k]) for k in first)


@pytest.mark.slow
@pytest.mark.data
def test_deep_onnx_int8_agrees_with_torch_on_200_sentences(data_root: Path, tmp_path: Path) -> None:
    """The base encoder, exported and quantised as training does, against torch fp32: its
    sentence heads are a logistic regression fitted on the fp32 states of 200 labelled
    sentences (the encoder is not trained). On 200 others the labels agree on at least 95% and
    the probabilities differ by 0.05 at most on average.  Issue 19 asks for every probability
    within 0.05: with per-channel int8 weights about 87% are, the largest difference is about
    0.15 (the shipped model's figures are in its card), so that stricter point is not met."""
    from sklearn.linear_model import LogisticRegression

    from veracity.training import sentence_corpora as corpora
    from veracity.training.deep_fit import pad
    from veracity.training.deep_model import masked_mean

    texts, labels = corpora.subjectivity_train(data_root)
    torch.manual_seed(7)
    model = build(len(TECHNIQUES), base_model_dir()).eval()
    tokenizer = _tokenizer()
    with torch.no_grad():
        ids, mask = pad([e.ids for e in tokenizer.encode_batch(texts[:200])])  # type: ignore[attr-defined]
        pooled = masked_mean(model.states(ids, mask), mask).numpy()
        head = LogisticRegression(max_iter=2000).fit(pooled, labels[:200])
        model.sentence.weight.copy_(torch.tensor(np.repeat(head.coef_, 3, axis=0)))
        model.sentence.bias.fill_(float(head.intercept_[0]))
    tuned = {"spans": {"weak": 0.5, "strong": 0.7}}
    save_deep(tmp_path, model, export_int8(model), tuned, TECHNIQUES, DeepConfig(), {}, DEEP_DIR)
    runtime = DeepModel.load(tmp_path)
    found = agreement(model, runtime.encoder, runtime.heads, texts[200:400])
    assert found["sentences"] == 200
    for name in ("bias", "subjectivity", "checkworthy"):
        assert found[name]["mean_abs_diff"] <= 0.05, found
        assert found[name]["agree"] >= 0.95, found


def test_deep_training_set_spans_writes_the_levels_the_run_time_reads(tmp_path: Path) -> None:
    import shutil

    from veracity.training.deep_train import set_spans

    folder = tmp_path / "deep"
    shutil.copytree(DEEP_DIR, folder)
    spans = {"weak": 0.7, "strong": 0.9, "gap": 3, "tuning_si_f1": 0.5}
    assert set_spans(folder, spans) is spans
    model = DeepModel.load(folder)
    assert (model.levels.weak, model.levels.strong, model.levels.gap) == (0.7, 0.9, 3)
    assert model.card["tuning"]["spans_si"] == spans


def test_deep_training_held_tuning_sentences_replace_the_hash_tenth() -> None:
    from veracity.text.normalize import canonical
    from veracity.training.deep_data import sentence_examples

    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
    ]
    texts = [f"The {a} council met the {b} delegation." for a in words for b in words[:4]]
    labels = [i % 2 for i in range(40)]
    held = {"subjectivity": frozenset(canonical(t) for t in texts[:3])}
    pools = {"subjectivity": (texts, labels), "bias": (texts, labels)}
    data = sentence_examples(_tokenizer(), pools, 64, held)
    tok = _tokenizer()
    wanted = sorted(tok.encode(t).ids for t in texts[:3])  # type: ignore[attr-defined]
    assert sorted(e.ids for e in data["subjectivity"].tuning) == wanted
    assert len(data["subjectivity"].train) == 37
    plain = sentence_examples(_tokenizer(), {"bias": (texts, labels)}, 64)
    assert [e.ids for e in data["bias"].tuning] == [e.ids for e in plain["bias"].tuning]


@pytest.mark.data
def test_deep_training_subjectivity_tunes_on_the_checkthat_dev_test(data_root: Path) -> None:
    from veracity.text.normalize import canonical
    from veracity.training import sentence_corpora as corpora
    from veracity.training.deep_train import held_tuning

    held = held_tuning(data_root, DeepConfig())["subjectivity"]
    dev_test = {canonical(t) for t in corpora.subjectivity_dev_test(data_root)[0]}
    test = {canonical(t) for t in corpora.subjectivity_test(data_root)[0]}
    assert held == dev_test and len(held) > 400
    assert not held & test
    assert held_tuning(data_root, DeepConfig(subjectivity_tuning="tenth")) == {}
    with pytest.raises(ValueError, match="subjectivity_tuning"):
        held_tuning(data_root, DeepConfig(subjectivity_tuning="dev"))
