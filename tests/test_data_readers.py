"""Readers on tiny invented files laid out like the shared datasets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from veracity.data.readers import (
    ALL_CORPORA,
    ARTICLE_CORPORA,
    ARTICLE_READERS,
    corpus_name,
    load_corpus,
)
from veracity.data.readers.generic import read_csv, read_jsonl, read_parquet
from veracity.data.schema import RECORD_COLUMNS, RELIABLE, UNRELIABLE
from veracity.errors import DataError, NotFoundError, VeracityError
from veracity.registry import readers

BODY = "The harbour authority opened a second pier on Monday to ease congestion."


def _write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A miniature shared folder: every corpus with a couple of invented rows."""
    arts = tmp_path / "datasets" / "articles"
    isot = arts / "isot_partial"
    _write(isot / "Fake.csv", f'title,text,subject,date\nA,{BODY},News,"May 1, 2017"\n')
    _write(isot / "True.csv", f"title,text,subject,date\nB,{BODY} Two,politicsNews,May 2\n")
    _write(
        isot / "gmelendi_random_fake_sample_text_date.csv",
        f'text,date\n{BODY} Three,"June 1, 2017"\n,"June 2, 2017"\n',
    )
    _write(
        arts / "fa_kes" / "FA-KES-Dataset.csv",
        "unit_id,article_title,article_content,source,date,location,labels\r\n"
        f"1,T1,Caf\xe9 {BODY},Ahram,4/5/2017,x,1\r\n1,T2,{BODY},sana,4/5/2017,x,0\r\n",
        encoding="cp1252",
    )
    for site in ("BuzzFeed", "PolitiFact"):
        for kind in ("Fake", "Real"):
            item: dict[str, object] = {
                "title": f"{site} {kind}",
                "text": BODY,
                "source": "",
                "url": "",
            }
            item["url" if kind == "Fake" else "source"] = "http://www.news-site.com/a"
            item["publish_date"] = {"$date": 1474243200000}
            _write(
                arts
                / "fakenewsnet_v1"
                / "Data"
                / site
                / f"{kind}NewsContent"
                / f"{site}_{kind}_1-Webpage.json",
                json.dumps(item),
            )
    _write(
        arts / "defend_politifact" / "politifact_content_no_ignore.tsv",
        f"id\tlabel\tcontent\npf1\t1\t{BODY}\npf2\t0\t{BODY} Two\n",
    )
    _write(arts / "defend_politifact" / "politifact_title_no_ignore.tsv", "pf1\tTitle one\n")
    perez = arts / "perez_rosas_fakenewsamt_celebrity"
    _write(perez / "fakeNewsDataset" / "fake" / "biz01.fake.txt", f"{BODY}\n")
    _write(perez / "fakeNewsDataset" / "legit" / "biz01.legit.txt", f"Pier news\n\n{BODY}\n")
    _write(perez / "celebrityDataset" / "fake" / "001fake.txt", f"Star news\n\n{BODY}\n")
    _write(perez / "celebrityDataset" / "legit" / "001legit.txt", "\n \n")
    coaid = arts / "coaid_news" / "05-01-2020"
    header = "Unnamed: 0,type,fact_check_url,news_url,title,newstitle,content,abstract\n"
    _write(
        coaid / "NewsRealCOVID-19.csv",
        header
        + f'0,article,x,https://www.who.int/a,Says the pier sank,"""Pier opens""",{BODY},a\n',
    )
    _write(coaid / "NewsFakeCOVID-19.csv", header + "0,article,x,https://fake.example/b,T,T,,a\n")
    golbeck = arts / "golbeck_fake_vs_satire"
    (golbeck / "data").mkdir(parents=True)
    sheet = {
        "Article Number": [2],
        "URL of article": ["http://satire.example/x"],
        "Fake or Satire?": ["Satire"],
        "URL of rebutting article": [""],
    }
    pd.DataFrame(sheet).to_excel(golbeck / "data" / "fake_news_stories.xlsx", index=False)
    _write(
        golbeck / "data" / "story_text" / "Fake" / "finalFake" / "1.txt",
        f"Fake title\nhttp://www.fake.example/story\n{BODY}\n",
    )
    _write(
        golbeck / "data" / "story_text" / "Satire" / "finalSatire" / "2.txt",
        f"Satire title\n\n{BODY}\n",
    )
    sem = arts / "semeval2019_hyperpartisan_byarticle"
    for split, stamp, flag in (("training", "20181122", "true"), ("test", "20181207", "false")):
        _write(
            sem / f"articles-{split}-byarticle-{stamp}.xml",
            '<?xml version="1.0" encoding="UTF-8"?><articles>'
            f'<article id="{stamp}" published-at="2017-09-10" title="Head &amp; line">'
            f'<p>{BODY}</p> <p>Second <a href="http://x">link</a> para.</p></article></articles>',
        )
        _write(
            sem / f"ground-truth-{split}-byarticle-{stamp}.xml",
            f'<?xml version="1.0"?><articles><article hyperpartisan="{flag}" id="{stamp}" '
            'labeled-by="article" url="https://www.partisan.example/a"/></articles>',
        )
    liar = tmp_path / "datasets" / "claims" / "liar"
    row = "{n}.json\t{label}\tSays the pier cost {n} dollars.\tports\tjane-doe\tmayor\tOhio\tnone"
    leak = "\t9\t9\t9\t9\t9\tspeech\n"
    for split, label in (("train", "pants-fire"), ("valid", "half-true"), ("test", "true")):
        _write(liar / f"{split}.tsv", row.format(n=len(split), label=label) + leak)
    return tmp_path


def test_readers_every_corpus_is_registered() -> None:
    for corpus in ALL_CORPORA:
        assert f"veracity.reader.{corpus}.v1" in readers
    assert ARTICLE_READERS[0] == "veracity.reader.isot.v1"
    assert set(ARTICLE_CORPORA) < set(ALL_CORPORA)
    for name in ("csv", "jsonl", "parquet"):
        assert f"veracity.reader.{name}.v1" in readers


def test_readers_corpus_name_accepts_reader_names_and_rejects_unknown() -> None:
    assert corpus_name("veracity.reader.fa_kes.v1") == "fa_kes"
    with pytest.raises(NotFoundError, match="E005|unknown corpus"):
        corpus_name("nope")


@pytest.mark.parametrize("corpus", ALL_CORPORA)
def test_readers_return_the_record_schema(root: Path, corpus: str) -> None:
    frame = load_corpus(corpus, root)
    assert tuple(frame.columns) == RECORD_COLUMNS
    assert len(frame) > 0 and frame["id"].is_unique
    assert (frame["corpus"] == corpus).all()
    assert (frame["text"].str.strip() != "").all()
    assert set(frame["label"]) <= {RELIABLE, UNRELIABLE}


def test_readers_isot_drops_empty_texts_and_gmelendi_dates(root: Path) -> None:
    frame = load_corpus("isot", root).set_index("id")
    assert len(frame) == 3
    assert frame.loc["isot:gmelendi:0", "date"] == ""
    assert frame.loc["isot:true:0", ["label", "source"]].tolist() == [RELIABLE, "reuters"]
    assert frame.loc["isot:fake:0", ["label", "source"]].tolist() == [UNRELIABLE, "isot_fake_site"]


def test_readers_fa_kes_decodes_cp1252_maps_labels_and_dedupes_ids(root: Path) -> None:
    frame = load_corpus("fa_kes", root)
    assert frame["text"][0].startswith("Café")
    assert frame["label"].tolist() == [RELIABLE, UNRELIABLE]
    assert frame["id"].tolist() == ["fa_kes:1", "fa_kes:1#1"]
    assert frame["source"].tolist() == ["ahram", "sana"]


def test_readers_fakenewsnet_source_falls_back_to_url_domain(root: Path) -> None:
    frame = load_corpus("fakenewsnet_politifact", root).set_index("id")
    assert frame.loc["fakenewsnet_politifact:PolitiFact_Fake_1", "source"] == "news-site.com"
    assert frame.loc["fakenewsnet_politifact:PolitiFact_Real_1", "date"] == "2016-09-19"


def test_readers_perez_one_line_file_is_all_body_and_domain_is_source(root: Path) -> None:
    amt = load_corpus("fakenewsamt", root).set_index("id")
    assert amt.loc["fakenewsamt:fake:biz01", ["title", "text"]].tolist() == ["", BODY]
    assert set(amt["source"]) == {"biz"}
    celeb = load_corpus("celebrity", root)
    assert celeb["id"].tolist() == ["celebrity:fake:001"]


def test_readers_coaid_keeps_rows_with_content_and_snapshot_in_id(root: Path) -> None:
    frame = load_corpus("coaid", root)
    assert frame["id"].tolist() == ["coaid:05-01-2020:real:0"]
    assert frame["source"].tolist() == ["who.int"]


def test_readers_golbeck_satire_is_unreliable_with_source(root: Path) -> None:
    frame = load_corpus("golbeck", root).set_index("id")
    assert set(frame["label"]) == {UNRELIABLE}
    assert frame.loc["golbeck:satire:2", ["original_label", "source"]].tolist() == [
        "satire",
        "satire.example",
    ]
    assert frame.loc["golbeck:fake:1", "source"] == "fake.example"
    assert "http" not in frame.loc["golbeck:fake:1", "text"]


def test_readers_semeval_strips_markup_and_keeps_split(root: Path) -> None:
    frame = load_corpus("semeval_hyperpartisan", root).set_index("id")
    train = frame.loc["semeval_hyperpartisan:train:20181122"]
    assert train["label"] == UNRELIABLE and train["original_label"] == "hyperpartisan=true"
    assert train["title"] == "Head & line" and train["source"] == "partisan.example"
    assert "<" not in train["text"] and "Second link para." in train["text"]
    assert frame.loc["semeval_hyperpartisan:test:20181207", "label"] == RELIABLE


def test_readers_liar_maps_six_labels_and_ignores_credit_history(root: Path) -> None:
    frame = load_corpus("liar", root).set_index("id")
    assert frame.loc["liar:train:5", ["label", "original_label"]].tolist() == [
        UNRELIABLE,
        "pants-fire",
    ]
    assert frame.loc["liar:valid:5", "label"] == RELIABLE
    assert set(frame["source"]) == {"jane-doe"}
    assert not frame.apply(lambda r: "9" in " ".join(r), axis=1).any()


def test_readers_carry_each_corpus_title(root: Path) -> None:
    titles = {
        corpus: dict(zip(frame["id"], frame["title"], strict=True))
        for corpus in ALL_CORPORA
        for frame in [load_corpus(corpus, root)]
    }
    assert titles["isot"] == {"isot:fake:0": "A", "isot:true:0": "B", "isot:gmelendi:0": ""}
    assert list(titles["fa_kes"].values()) == ["T1", "T2"]
    assert titles["fakenewsnet_buzzfeed"]["fakenewsnet_buzzfeed:BuzzFeed_Real_1"] == "BuzzFeed Real"
    assert titles["defend_politifact"] == {
        "defend_politifact:pf1": "Title one",
        "defend_politifact:pf2": "",
    }
    assert titles["fakenewsamt"]["fakenewsamt:legit:biz01"] == "Pier news"
    assert titles["celebrity"] == {"celebrity:fake:001": "Star news"}
    assert titles["golbeck"] == {"golbeck:fake:1": "Fake title", "golbeck:satire:2": "Satire title"}
    assert set(titles["liar"].values()) == {""}


def test_readers_coaid_title_is_the_page_title_not_the_fact_check_claim(root: Path) -> None:
    frame = load_corpus("coaid", root)
    assert frame["title"].tolist() == ["Pier opens"]


@pytest.mark.parametrize(
    ("relative", "content", "missing"),
    [
        ("articles/isot_partial/True.csv", f"headline,text,date\nB,{BODY},May 2\n", "'title'"),
        (
            "articles/coaid_news/05-01-2020/NewsRealCOVID-19.csv",
            f"news_url,title,content\nhttps://who.int/a,T,{BODY}\n",
            "'newstitle'",
        ),
        (
            "articles/fa_kes/FA-KES-Dataset.csv",
            f"unit_id,article_content,source,date,labels\n1,{BODY},sana,4/5/2017,1\n",
            "'article_title'",
        ),
    ],
)
def test_readers_corpus_files_missing_columns_are_named(
    root: Path, relative: str, content: str, missing: str
) -> None:
    _write(root / "datasets" / relative, content)
    corpus = {"isot_partial": "isot", "coaid_news": "coaid", "fa_kes": "fa_kes"}[
        relative.split("/")[1]
    ]
    with pytest.raises(DataError, match="E006") as err:
        load_corpus(corpus, root)
    assert missing in str(err.value) and relative.rsplit("/", 1)[1] in str(err.value)


def test_readers_missing_dataset_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="E011|datasets folder"):
        load_corpus("isot", tmp_path)


def test_readers_generic_csv_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    _write(path, f"body,verdict,outlet\n{BODY},FAKE,Daily Thing\nAnother text,real,Wire\n,0,x\n")
    frame = read_csv(path, mapping={"text": "body", "label": "verdict", "source": "outlet"})
    assert frame["label"].tolist() == [UNRELIABLE, RELIABLE]
    assert frame["original_label"].tolist() == ["FAKE", "real"]
    assert frame["id"].tolist() == ["mine:0", "mine:1"]
    assert frame["corpus"].unique().tolist() == ["mine"]
    assert frame["source"].tolist() == ["Daily Thing", "Wire"]


def test_readers_generic_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    _write(path, "headline,body\nA,B\n")
    with pytest.raises(DataError) as err:
        read_csv(path)
    message = str(err.value)
    assert "E006" in message and "'text'" in message and "'label'" in message
    assert "'headline'" in message and "'body'" in message
    with pytest.raises(DataError, match="'verdict'"):
        read_csv(path, mapping={"text": "body", "label": "verdict"})


def test_readers_generic_label_map_and_unknown_labels(tmp_path: Path) -> None:
    path = tmp_path / "flip.csv"
    _write(path, "text,label\nfirst text,1\nsecond text,0\n")
    flipped = read_csv(path, label_map={"1": RELIABLE, "0": UNRELIABLE})
    assert flipped["label"].tolist() == [RELIABLE, UNRELIABLE]
    assert read_csv(path)["label"].tolist() == [UNRELIABLE, RELIABLE]
    odd = tmp_path / "odd.csv"
    _write(odd, "text,label\nsome text,maybe\n")
    with pytest.raises(VeracityError, match="maybe"):
        read_csv(odd)
    with pytest.raises(VeracityError, match="label_map"):
        read_csv(path, label_map={"1": "bogus"})


def test_readers_generic_unlabelled_rows(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    _write(path, "text\nonly text here\n")
    frame = read_csv(path, labelled=False, corpus="inbox")
    assert frame["label"].tolist() == [""] and frame["id"].tolist() == ["inbox:0"]


def test_readers_generic_jsonl_and_parquet(tmp_path: Path) -> None:
    rows = [{"id": 7, "text": BODY, "label": "true"}, {"id": 8, "text": "Other", "label": 1}]
    jsonl = tmp_path / "a.jsonl"
    _write(jsonl, "\n".join(json.dumps(r) for r in rows) + "\n\n")
    frame = read_jsonl(jsonl)
    assert frame["id"].tolist() == ["7", "8"]
    assert frame["label"].tolist() == [RELIABLE, UNRELIABLE]
    parquet = tmp_path / "b.parquet"
    pd.DataFrame({"content": [BODY], "y": ["fake"]}).to_parquet(parquet)
    frame = read_parquet(parquet, mapping={"text": "content", "label": "y"})
    assert frame["label"].tolist() == [UNRELIABLE]
    broken = tmp_path / "c.jsonl"
    _write(broken, '{"text": "x", "label": "fake"}\nnot json\n')
    with pytest.raises(DataError, match="line 2"):
        read_jsonl(broken)
    with pytest.raises(NotFoundError):
        read_csv(tmp_path / "missing.csv")
