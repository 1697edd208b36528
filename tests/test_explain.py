"""The sentence map: roles, and which sentences push the verdict (the seed, and page furniture)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from veracity.analyze import Analyzer
from veracity.report import Report
from veracity.text.normalize import canonical

#: The seed's three commentary sentences named in issue 3, identified by the sha256
#: (first 16 hex digits) of their canonical text, so none of the seed's text is copied here.
COMMENTARY = ("5ab4eb1bf90c858e", "8ae7a24d66909382", "d3ead818415c4918")


def _by_hash(report: Report, digest: str) -> list[int]:
    return [
        i
        for i, s in enumerate(report.sentences)
        if hashlib.sha256(canonical(s.text).encode()).hexdigest()[:16] == digest
    ]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


@pytest.fixture(scope="module")
def seed_report(seed_path: Path, analyzer: Analyzer) -> Report:
    return analyzer.analyze(seed_path.read_text(encoding="utf-8"))


def _find(report: Report, needle: str) -> list[int]:
    return [i for i, s in enumerate(report.sentences) if needle in s.text]


@pytest.mark.data
def test_explain_reuters_sentences_are_attributed_or_quotes(seed_report: Report) -> None:
    needles = (
        "press secretary",
        "told reporters",
        "said in an emailed statement",
        "quoted russian",
    )
    for needle in needles:
        hits = _find(seed_report, needle)
        assert hits, needle
        for i in hits:
            assert seed_report.sentences[i].role in ("attributed", "quote"), seed_report.sentences[
                i
            ]


@pytest.mark.data
def test_explain_commentary_is_opinion_or_appeal(seed_report: Report) -> None:
    for needle in COMMENTARY:
        hits = _by_hash(seed_report, needle)
        assert len(hits) == 1, needle
        assert seed_report.sentences[hits[0]].role in ("opinion", "appeal")


@pytest.mark.data
@pytest.mark.parametrize("needle", COMMENTARY)
def test_explain_commentary_pushes_harder_than_any_attributed_sentence(
    seed_report: Report, needle: str
) -> None:
    attributed = [
        s.contribution for s in seed_report.sentences if s.role in ("attributed", "quote")
    ]
    s = seed_report.sentences[_by_hash(seed_report, needle)[0]]
    assert s.contribution > 0
    assert s.contribution > max(attributed), (needle, s.contribution, max(attributed))


@pytest.mark.data
def test_explain_shares_sum_to_one_in_absolute_value(seed_report: Report) -> None:
    total = sum(abs(s.share) for s in seed_report.sentences)
    assert total == pytest.approx(1.0, abs=0.01)


@pytest.mark.data
def test_explain_page_furniture_moves_nothing(seed_report: Report) -> None:
    furniture = [s for s in seed_report.sentences if s.role == "boilerplate"]
    assert furniture
    assert all(s.contribution == 0 and not s.words for s in furniture)


#: Scraped page furniture, one paragraph each, between the sentences of an invented article.
JUNK = [
    "Featured image via Getty Images",
    "Image:",
    "PlayFBI Completes Review Of Harbour Files\u2026",
    "Advertisement",
    "Share this article",
    "Photo: Getty Images",
    "(Photo by Alex Wong/Getty Images)",
    "Read more: Senate passes the harbour bill",
    "Click here to subscribe",
]
BODY = [
    "The council met on Monday to discuss the new harbour budget.",
    "Officials said the plan would cost 4 million dollars over three years.",
    "Critics called the plan a disgraceful waste of money.",
    "The mayor said the town would wait for the final report before voting.",
]
#: The same article in the research form: lower-cased, tokenised, one sentence per line.
RESEARCH = [
    "the council met on monday to discuss the new harbour budget .",
    "featured image via getty images",
    "officials said the plan would cost 4 million dollars over three years .",
    "image :",
    "playvideo",
    "critics called the plan a disgraceful waste of money .",
    "advertisement",
    "share this article",
    "photo : getty images",
    "( photo by alex wong / getty images )",
    "read more : senate passes the harbour bill",
    "click here to subscribe",
    "the mayor said the town would wait for the final report before voting .",
]


@pytest.mark.parametrize("form", ["prose", "research"])
def test_explain_scraping_junk_is_boilerplate_and_moves_nothing(
    analyzer: Analyzer, form: str
) -> None:
    if form == "prose":
        paragraphs = [BODY[0], JUNK[0], BODY[1], JUNK[1], JUNK[2], BODY[2], *JUNK[3:], BODY[3]]
        report = analyzer.analyze("\n\n".join(paragraphs))
    else:
        report = analyzer.analyze("\n".join(RESEARCH))
        assert report.input_kind == "corpus"
    junk = [s for s in report.sentences if canonical(s.text) not in map(canonical, BODY)]
    body = [s for s in report.sentences if canonical(s.text) in map(canonical, BODY)]
    assert len(junk) == 9 and len(body) == 4
    for s in junk:
        assert (s.role, s.contribution, s.share, s.words) == ("boilerplate", 0, 0, []), s.text
    assert all(s.role != "boilerplate" and s.contribution != 0 for s in body)
    assert sum(abs(s.share) for s in body) == pytest.approx(1.0, abs=0.01)


def test_explain_words_are_spans_of_the_input_and_debug_keeps_the_terms(
    analyzer: Analyzer,
) -> None:
    text = (
        "The agency said on Tuesday it had suspended the contract. "
        "Everyone knows the governor is hiding something! Share this before they delete it."
    )
    plain = analyzer.analyze(text)
    debug = analyzer.analyze(text, debug=True)
    assert all(s.debug is None for s in plain.sentences)
    assert [s.words for s in debug.sentences] == [s.words for s in plain.sentences]
    words = [w for s in plain.sentences for w in s.words]
    assert words and all(text[w.start : w.end] == w.text for w in words)
    assert not any(":" in w.text or "_" in w.text for w in words)
    terms = [t.term for s in debug.sentences if s.debug for t in s.debug.terms]
    assert terms and any(t.startswith(("s:", "m:")) for t in terms)


def test_explain_older_report_terms_are_read_as_debug(analyzer: Analyzer) -> None:
    data = analyzer.analyze("The mayor said the vote would pass. It did, narrowly.").to_dict()
    data["schema_version"] = "1.2"
    for s in data["sentences"]:
        del s["words"], s["debug"]
        s["terms"] = [{"term": "s:said", "weight": -0.1}]
    old = Report.from_dict(data)
    assert all(s.words == [] and s.debug is not None for s in old.sentences)
    first = old.sentences[0].debug
    assert first is not None and first.terms[0].term == "s:said"
