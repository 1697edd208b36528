"""Sentence lookup: copies survive case, tokenisation and light edits; commentary is added."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from veracity.archive import Archive, SentenceProvenance, added_share
from veracity.archive.match import THRESHOLD, query_plan, similarity
from veracity.experiments.provenance_task import research_form

# Invented wire-style articles (not from any corpus).
ARTICLES = {
    "port": (
        "Dock workers at the port of Elsmere walked out on Monday over a dispute about night "
        "shifts, halting the loading of grain ships. The union said talks with the harbour "
        "authority had broken down after the employers refused to discuss overtime rates. "
        "A spokeswoman for the authority, Greta Lindqvist, said contingency plans were in place "
        "and that perishable cargo would be moved by rail. Exporters warned that a strike "
        "lasting more than a week could cost the regional economy millions of euros. "
        "The last stoppage at Elsmere, in 2019, lasted eleven days."
    ),
    "vaccine": (
        "Health officials in the province of Dunmore began offering a new measles booster to "
        "schoolchildren on Thursday. The campaign follows an outbreak of forty cases in two "
        "mountain villages since January, according to the provincial health ministry. "
        "Doctors said the booster was safe and urged parents to book appointments at local "
        "clinics. Nurses will also visit remote farms where families cannot easily travel."
    ),
    "court": (
        "A court in Varnholt on Wednesday sentenced a former customs chief to six years in "
        "prison for taking bribes from smugglers. Prosecutors said Anton Brisk had accepted "
        "cash and a holiday villa in return for waving through containers of untaxed "
        "cigarettes. His lawyer said he would appeal the verdict. The case has fuelled calls "
        "for an overhaul of the customs service."
    ),
}
COMMENTARY = [
    "you really could not make this stuff up if you tried .",
    "once again the little guy gets squeezed while the bosses laugh .",
    "anyone who believes the official story at this point deserves what they get .",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("archive") / "a.sqlite"
    frame = pd.DataFrame(
        [
            {"id": k, "text": v, "source": "wire", "date": "2024-03-0" + str(i), "title": k.title()}
            for i, (k, v) in enumerate(ARTICLES.items(), start=1)
        ]  # fmt: skip
    )
    with Archive(path) as arc:
        assert arc.add_frame(frame) == 3
        yield arc


def sentences(key: str) -> list[str]:
    return [s.strip() + "." for s in ARTICLES[key].split(". ") if s.strip()]


def statuses(results: list[SentenceProvenance]) -> list[str]:
    return [r.status for r in results]


def test_archive_verbatim_sentences_are_supported(archive: Archive) -> None:
    results = archive.lookup(sentences("port"))
    assert statuses(results) == ["supported"] * 5
    first = results[0].matches[0]
    assert (first.doc_id, first.source, first.date, first.title) == (
        "port",
        "wire",
        "2024-03-01",
        "Port",
    )
    assert first.similarity == pytest.approx(1.0)
    assert first.passage.startswith("Dock workers at the port of Elsmere")


def test_archive_research_form_is_supported(archive: Archive) -> None:
    lines = [research_form(s) for s in sentences("vaccine")]
    assert lines[0].startswith("health officials in the province of dunmore")
    assert statuses(archive.lookup(lines)) == ["supported"] * 4


def test_archive_light_paraphrase_is_supported(archive: Archive) -> None:
    edited = [
        # a dropped word
        "dock workers at the port of elsmere walked out on monday over a dispute about shifts ,"
        " halting the loading of grain ships .",
        # a swapped (replaced) word
        "the union said talks with the harbour authority had collapsed after the employers"
        " refused to discuss overtime rates .",
        # two words transposed
        "prosecutors said anton brisk had accepted cash and a villa holiday in return for"
        " waving through containers of untaxed cigarettes .",
    ]
    results = archive.lookup(edited)
    assert statuses(results) == ["supported"] * 3
    sims = [r.matches[0].similarity for r in results]
    assert sims[0] == 1.0  # every word of the line is in the passage, in order
    assert all(THRESHOLD <= sim < 1.0 for sim in sims[1:])
    assert [r.matches[0].doc_id for r in results] == ["port", "port", "court"]


def test_archive_commentary_is_added(archive: Archive) -> None:
    results = archive.lookup(COMMENTARY)
    assert statuses(results) == ["added"] * 3


def test_archive_unrelated_news_is_added(archive: Archive) -> None:
    results = archive.lookup(
        [
            "Dock workers in a different city staged a protest about pay on Friday.",
            "The customs service announced a new director after a long search.",
        ]
    )
    assert statuses(results) == ["added", "added"]


def test_archive_mixed_article_and_added_share(archive: Archive) -> None:
    lines = [research_form(s) for s in sentences("court")]
    lines.insert(2, COMMENTARY[0])
    lines.append(COMMENTARY[1])
    results = archive.lookup(lines)
    assert statuses(results) == ["supported", "supported", "added", "supported", "supported",
                                 "added"]  # fmt: skip
    added_tokens = results[2].n_tokens + results[5].n_tokens
    assert added_share(results) == pytest.approx(added_tokens / sum(r.n_tokens for r in results))


def test_archive_glued_sentences_are_supported(archive: Archive) -> None:
    two = sentences("vaccine")[2:4]
    glued = research_form(two[0]).rstrip(" .") + "." + research_form(two[1])
    assert archive.lookup([glued])[0].status == "supported"


def test_archive_fragment_of_a_sentence_is_supported(archive: Archive) -> None:
    fragment = "a spokeswoman for the authority , greta lindqvist , said contingency plans were"
    assert archive.lookup([fragment])[0].status == "supported"


def test_archive_half_copied_half_added_is_added(archive: Archive) -> None:
    line = research_form(sentences("court")[2]) + " " + COMMENTARY[2]
    result = archive.lookup([line])[0]
    assert result.status == "added"
    assert result.matches and result.matches[0].doc_id == "court"


def test_archive_short_sentences_are_judged_conservatively(archive: Archive) -> None:
    results = archive.lookup(["His lawyer said he would appeal.", "His lawyer said.", "Cash."])
    assert statuses(results) == ["supported", "added", "added"]
    exact = archive.lookup(["his lawyer said he would appeal the verdict ."])[0]
    assert exact.status == "supported"


def test_archive_lookup_edge_inputs(archive: Archive) -> None:
    assert archive.lookup([]) == []
    results = archive.lookup(["", "...", '" OR "near" AND ( *', "zzqx qqzv"])
    assert statuses(results) == ["added"] * 4
    assert results[0].n_tokens == 0
    assert added_share([]) == 0.0


def test_archive_lookup_text_splits_sentences(archive: Archive) -> None:
    text = ARTICLES["court"] + "\n\nYou really could not make this stuff up if you tried."
    results = archive.lookup_text(text)
    assert statuses(results) == ["supported"] * 4 + ["added"]


def test_archive_empty_archive_says_added(tmp_path: Path) -> None:
    with Archive(tmp_path / "empty.sqlite") as arc:
        assert statuses(arc.lookup(sentences("port")[:2])) == ["added", "added"]


def test_archive_similarity_and_query_plan() -> None:
    a = ["the", "union", "said", "talks", "had", "broken", "down"]
    assert similarity(a, a, 1.0) == 1.0
    assert similarity(a, a[:-1], 0.5) == pytest.approx(6 / 7)
    assert similarity([], a, 0.0) == 0.0

    def queries(df: dict[str, int], total: int) -> list[str]:
        return [p.query for p in query_plan(a, df, total)]

    rare = {"union": 3, "talks": 10, "the": 900, "said": 800}
    assert queries(rare, 100_000) == ['"union"', '"talks"', '"said"']
    one_rare = {"union": 30, "talks": 1800, "said": 1900, "had": 1700, "the": 90_000}
    assert queries(one_rare, 100_000) == ['"union"', '"union" AND "had"', '"union" AND "talks"']
    common = {"union": 1500, "talks": 1800, "said": 1900, "had": 1700, "the": 9000}
    assert queries(common, 100_000) == [
        '("had" AND "talks") OR ("union" AND "talks") OR ("union" AND "had")'
    ]
    assert queries(common, 10_000) == []
    weights = [p.weight for p in query_plan(a, one_rare, 100_000)]
    assert weights[0] > weights[1] > weights[2] > 0


def test_archive_to_dict_round_trips(archive: Archive) -> None:
    result = archive.lookup([sentences("court")[0]])[0]
    data = result.to_dict()
    assert data["status"] == "supported"
    assert set(data["matches"][0]) == {"doc_id", "source", "date", "title", "passage", "similarity"}
