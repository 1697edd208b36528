"""Readers for the file-per-article and scraped corpora.

Pérez-Rosas (FakeNewsAMT, Celebrity), CoAID news, Golbeck fake-vs-satire and the
SemEval-2019 hyperpartisan by-article set.  Each returns RAW text (markup is only
unwrapped where the file format demands it) and drops rows with no text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - read-only local research files
from pathlib import Path

import pandas as pd

from ...registry import readers
from ..schema import RELIABLE, UNRELIABLE
from .base import (
    dataset_dir,
    finish,
    read_text,
    require_columns,
    require_file,
    text_or_empty,
    url_domain,
)

_AMT_DOMAIN = re.compile(r"^([a-z]+)")


def _title_and_body(raw: str) -> tuple[str, str]:
    """Title line + body; a file of one line (30 FakeNewsAMT fakes) is all body."""
    lines = raw.strip().split("\n")
    if len(lines) == 1:
        return "", lines[0].strip()
    return lines[0].strip(), "\n".join(lines[1:]).strip()


def _perez(root: Path, folder_name: str, corpus: str) -> pd.DataFrame:
    folder = dataset_dir(root, "articles", "perez_rosas_fakenewsamt_celebrity", folder_name)
    rows = []
    for kind, label in (("fake", UNRELIABLE), ("legit", RELIABLE)):
        for path in sorted((folder / kind).glob("*.txt")):
            title, body = _title_and_body(read_text(path))
            stem = path.name.removesuffix(".txt").removesuffix(kind).rstrip(".")
            domain = _AMT_DOMAIN.match(stem) if corpus == "fakenewsamt" else None
            rows.append(
                {
                    "id": f"{corpus}:{kind}:{stem}",
                    "title": title,
                    "text": body,
                    "label": label,
                    "original_label": kind,
                    "corpus": corpus,
                    "source": domain.group(1) if domain else "",
                    "date": "",
                }
            )
    return finish(rows, source=str(folder))


@readers.register("veracity.reader.fakenewsamt.v1")
def read_fakenewsamt(root: Path) -> pd.DataFrame:
    """FakeNewsAMT: crowd-written fakes of legit news; source = topic domain (biz, tech...)."""
    return _perez(root, "fakeNewsDataset", "fakenewsamt")


@readers.register("veracity.reader.celebrity.v1")
def read_celebrity(root: Path) -> pd.DataFrame:
    """Celebrity gossip pairs (Pérez-Rosas et al.); no publisher is recorded."""
    return _perez(root, "celebrityDataset", "celebrity")


#: Columns of a CoAID news file the reader needs (``publish_date`` is read when present).
_COAID_COLUMNS = ("news_url", "newstitle", "content")


def _unquote(value: str) -> str:
    """A CoAID ``newstitle`` cell without the double quotes the file wraps every value in."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].strip()
    return value


@readers.register("veracity.reader.coaid.v1")
def read_coaid(root: Path) -> pd.DataFrame:
    """CoAID ``News*COVID-19.csv`` rows with content, from every snapshot folder.

    The title is ``newstitle``, the page's own title.  The ``title`` column is
    not read: in the fake files it is the fact-checker's summary of the claim
    ("Says ...", "A post says ..."), written by whoever labelled the row.  The
    snapshot stays in the id; repeats across snapshots are left for de-duplication.
    """
    folder = dataset_dir(root, "articles", "coaid_news")
    rows = []
    for path in sorted(folder.glob("*/News*COVID-19.csv")):
        label = UNRELIABLE if path.name.startswith("NewsFake") else RELIABLE
        kind = "fake" if label == UNRELIABLE else "real"
        frame = require_columns(
            pd.read_csv(path, dtype=str, keep_default_na=False), _COAID_COLUMNS, path
        )
        for i, row in enumerate(frame.to_dict("records")):
            rows.append(
                {
                    "id": f"coaid:{path.parent.name}:{kind}:{i}",
                    "title": _unquote(row["newstitle"]),
                    "text": row["content"],
                    "label": label,
                    "original_label": kind,
                    "corpus": "coaid",
                    "source": url_domain(row["news_url"]),
                    "date": row.get("publish_date", "").strip(),
                }
            )
    return finish(rows, source=str(folder))


def _golbeck_urls(folder: Path) -> dict[str, str]:
    path = folder / "data" / "fake_news_stories.xlsx"
    sheet = require_columns(
        pd.read_excel(require_file(path), dtype=str), ("Article Number", "URL of article"), path
    )
    return {
        text_or_empty(num).strip(): text_or_empty(url).strip()
        for num, url in zip(sheet["Article Number"], sheet["URL of article"], strict=True)
    }


def _golbeck_file(raw: str) -> tuple[str, str, str]:
    lines = [line.strip() for line in raw.strip().split("\n")]
    title = lines[0] if lines else ""
    rest = lines[1:]
    while rest and not rest[0]:
        rest = rest[1:]
    url = ""
    if rest and re.match(r"^(https?://|www\.)\S+$", rest[0]):
        url, rest = rest[0], rest[1:]
    return title, url, "\n".join(rest).strip()


@readers.register("veracity.reader.golbeck.v1")
def read_golbeck(root: Path) -> pd.DataFrame:
    """Golbeck fake vs satire (finalFake, finalSatire): both are unreliable.

    ``original_label`` keeps ``fake`` or ``satire``; source = domain of the article URL
    (the file's second line, else the metadata sheet).
    """
    folder = dataset_dir(root, "articles", "golbeck_fake_vs_satire")
    sheet_urls = _golbeck_urls(folder)
    rows = []
    for kind, sub in (("fake", "Fake/finalFake"), ("satire", "Satire/finalSatire")):
        for path in sorted((folder / "data" / "story_text" / sub).glob("*.txt")):
            title, url, body = _golbeck_file(read_text(path))
            rows.append(
                {
                    "id": f"golbeck:{kind}:{path.stem}",
                    "title": title,
                    "text": body,
                    "label": UNRELIABLE,
                    "original_label": kind,
                    "corpus": "golbeck",
                    "source": url_domain(url or sheet_urls.get(path.stem, "")),
                    "date": "",
                }
            )
    return finish(rows, source=str(folder))


_SEMEVAL_FILES = (("train", "training-byarticle-20181122"), ("test", "test-byarticle-20181207"))
_BLOCK_TAGS = frozenset({"p", "br", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "blockquote"})


def _element_text(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(_element_text(child))
        if child.tag in _BLOCK_TAGS:
            parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _semeval_articles(path: Path) -> dict[str, tuple[str, str, str]]:
    out = {}
    # Local read-only research file; expat fetches no external entities.
    for _, element in ET.iterparse(require_file(path), events=("end",)):  # noqa: S314
        if element.tag == "article":
            out[element.get("id", "")] = (
                element.get("title", ""),
                element.get("published-at", ""),
                _element_text(element),
            )
            element.clear()
    return out


def _semeval_truth(path: Path) -> dict[str, tuple[str, str]]:
    tree = ET.parse(require_file(path))  # noqa: S314 - local read-only research file
    return {
        el.get("id", ""): (el.get("hyperpartisan", ""), el.get("url", ""))
        for el in tree.getroot().iter("article")
    }


@readers.register("veracity.reader.semeval_hyperpartisan.v1")
def read_semeval_hyperpartisan(root: Path) -> pd.DataFrame:
    """SemEval-2019 Task 4 by-article: hyperpartisan=true -> unreliable.

    Markup is unwrapped to text (paragraphs become lines); source = URL domain from
    the ground truth; the id keeps ``train``/``test``.
    """
    folder = dataset_dir(root, "articles", "semeval2019_hyperpartisan_byarticle")
    rows = []
    for split, stamp in _SEMEVAL_FILES:
        articles = _semeval_articles(folder / f"articles-{stamp}.xml")
        truth = _semeval_truth(folder / f"ground-truth-{stamp}.xml")
        for art_id, (title, date, text) in articles.items():
            flag, url = truth.get(art_id, ("", ""))
            if flag not in ("true", "false"):
                continue
            rows.append(
                {
                    "id": f"semeval_hyperpartisan:{split}:{art_id}",
                    "title": title.strip(),
                    "text": text,
                    "label": UNRELIABLE if flag == "true" else RELIABLE,
                    "original_label": f"hyperpartisan={flag}",
                    "corpus": "semeval_hyperpartisan",
                    "source": url_domain(url),
                    "date": date,
                }
            )
    return finish(rows, source=str(folder))
