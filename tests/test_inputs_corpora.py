"""Every article of the shared corpora is read without an E003 (issue 20's acceptance).

Three ways in are covered: each corpus text as the corpus readers give it, read
as a string (what the service, the web form and ``Analyzer.analyze`` receive) and
as ``veracity score`` reads a row (:func:`veracity.batch.rows.document`: the
value's bytes, decoded as a file is), and each ``.txt`` file under
``datasets/articles`` as ``veracity check FILE`` reads it.  The counts of refusals by
code and of repaired articles are printed (run with ``-s`` to see them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from veracity.batch.rows import document as score_document
from veracity.data.readers import ARTICLE_CORPORA, load_corpus
from veracity.errors import VeracityError
from veracity.text.inputs import Document, document_from_text, read_input

pytestmark = [pytest.mark.data, pytest.mark.slow]


def _tally(docs: dict[str, Document | VeracityError]) -> tuple[Counter[str], int, int]:
    refused = Counter(d.code for d in docs.values() if isinstance(d, VeracityError))
    repaired = [d.repaired for d in docs.values() if isinstance(d, Document) and d.repaired]
    return refused, len(repaired), sum(repaired)


def _read(make: Callable[..., Document], *args: object) -> Document | VeracityError:
    try:
        return make(*args)
    except VeracityError as err:
        return err


@pytest.mark.parametrize("way", ["string", "score row"])
def test_inputs_corpora_texts_are_never_refused_as_binary(data_root: Path, way: str) -> None:
    read = document_from_text if way == "string" else score_document
    docs: dict[str, Document | VeracityError] = {}
    for corpus in ARTICLE_CORPORA:
        frame = load_corpus(corpus, data_root)
        for row_id, text in zip(frame["id"], frame["text"], strict=True):
            name = f"{corpus}/{row_id}"
            docs[name] = _read(read, text, name)
    refused, repaired, chars = _tally(docs)
    print(
        f"\ncorpus texts read as a {way}: {len(docs)}; refused: {dict(refused) or 0}; "
        f"repaired: {repaired} articles, {chars} characters"
    )
    assert len(docs) > 10_000
    assert refused["E003"] == 0, [k for k, d in docs.items() if isinstance(d, VeracityError)]
    assert repaired > 0


def test_inputs_corpora_files_are_never_refused_as_binary(data_root: Path) -> None:
    files = sorted((data_root / "datasets" / "articles").rglob("*.txt"))
    docs = {str(path): _read(read_input, path) for path in files}
    refused, repaired, chars = _tally(docs)
    print(
        f"\ncorpus .txt files: {len(docs)}; refused: {dict(refused) or 0}; "
        f"repaired: {repaired} files, {chars} characters"
    )
    assert len(docs) > 1_000
    assert refused["E003"] == 0, [k for k, d in docs.items() if isinstance(d, VeracityError)]
