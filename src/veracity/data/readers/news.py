"""Readers for the CSV/TSV/JSON news corpora: ISOT, FA-KES, FakeNewsNet v1, dEFEND.

Each reader takes the shared folder (the one holding ``datasets/``) and returns
RAW text in the record schema; only rows with no text are dropped.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from ...registry import readers
from ..schema import RELIABLE, UNRELIABLE
from .base import (
    dataset_dir,
    epoch_ms_date,
    finish,
    require_columns,
    require_file,
    text_or_empty,
    url_domain,
)


def _isot_part(path: Path, part: str, label: str, source: str) -> list[dict[str, str]]:
    frame = pd.read_csv(require_file(path), dtype=str, keep_default_na=False)
    has_date = part != "gmelendi"
    require_columns(frame, ("title", "text", "date") if has_date else ("text",), path)
    return [
        {
            "id": f"isot:{part}:{i}",
            "title": text_or_empty(row["title"]).strip() if has_date else "",
            "text": text_or_empty(row["text"]),
            "label": label,
            "original_label": "true" if label == RELIABLE else "fake",
            "corpus": "isot",
            "source": source,
            "date": text_or_empty(row["date"]).strip() if has_date else "",
        }
        for i, row in enumerate(frame.to_dict("records"))
    ]


@readers.register("veracity.reader.isot.v1")
def read_isot(root: Path) -> pd.DataFrame:
    """ISOT partial: Fake.csv, True.csv and the gmelendi random fake sample.

    The gmelendi sample's date column is misaligned with its texts, so it is dropped;
    it has no titles; its repeated texts are left for the de-duplication step.
    """
    folder = dataset_dir(root, "articles", "isot_partial")
    rows = _isot_part(folder / "Fake.csv", "fake", UNRELIABLE, "isot_fake_site")
    rows += _isot_part(folder / "True.csv", "true", RELIABLE, "reuters")
    rows += _isot_part(
        folder / "gmelendi_random_fake_sample_text_date.csv",
        "gmelendi",
        UNRELIABLE,
        "isot_fake_site",
    )
    return finish(rows, source=str(folder))


@readers.register("veracity.reader.fa_kes.v1")
def read_fa_kes(root: Path) -> pd.DataFrame:
    """FA-KES (Syrian war news): ``labels`` 1 = credible -> reliable, 0 = fake."""
    folder = dataset_dir(root, "articles", "fa_kes")
    path = require_file(folder / "FA-KES-Dataset.csv")
    frame = pd.read_csv(path, encoding="cp1252", dtype=str, keep_default_na=False)
    columns = ("unit_id", "article_title", "article_content", "source", "date", "labels")
    require_columns(frame, columns, path)
    rows = [
        {
            "id": f"fa_kes:{row['unit_id']}",
            "title": row["article_title"].strip(),
            "text": row["article_content"],
            "label": RELIABLE if row["labels"].strip() == "1" else UNRELIABLE,
            "original_label": row["labels"].strip(),
            "corpus": "fa_kes",
            "source": row["source"].strip().lower(),
            "date": row["date"].strip(),
        }
        for row in frame.to_dict("records")
    ]
    return finish(rows, source=str(path))


def _fakenewsnet(root: Path, site: str, corpus: str) -> pd.DataFrame:
    folder = dataset_dir(root, "articles", "fakenewsnet_v1", "Data", site)
    rows = []
    for kind, label in (("Fake", UNRELIABLE), ("Real", RELIABLE)):
        for path in sorted((folder / f"{kind}NewsContent").glob("*.json")):
            item = json.loads(path.read_text(encoding="utf-8"))
            source = url_domain(text_or_empty(item.get("source")))
            source = source or url_domain(text_or_empty(item.get("url")))
            source = source or url_domain(text_or_empty(item.get("canonical_link")))
            rows.append(
                {
                    "id": f"{corpus}:{path.stem.removesuffix('-Webpage')}",
                    "title": text_or_empty(item.get("title")).strip(),
                    "text": text_or_empty(item.get("text")),
                    "label": label,
                    "original_label": kind.lower(),
                    "corpus": corpus,
                    "source": source,
                    "date": epoch_ms_date(item.get("publish_date")),
                }
            )
    return finish(rows, source=str(folder))


@readers.register("veracity.reader.fakenewsnet_buzzfeed.v1")
def read_fakenewsnet_buzzfeed(root: Path) -> pd.DataFrame:
    """FakeNewsNet v1, BuzzFeed part; source = publisher domain from the JSON."""
    return _fakenewsnet(root, "BuzzFeed", "fakenewsnet_buzzfeed")


@readers.register("veracity.reader.fakenewsnet_politifact.v1")
def read_fakenewsnet_politifact(root: Path) -> pd.DataFrame:
    """FakeNewsNet v1, PolitiFact part; source = publisher domain from the JSON."""
    return _fakenewsnet(root, "PolitiFact", "fakenewsnet_politifact")


def _tsv(path: Path, names: list[str] | None = None) -> pd.DataFrame:
    return pd.read_csv(
        require_file(path),
        sep="\t",
        quoting=csv.QUOTE_NONE,
        dtype=str,
        keep_default_na=False,
        header=None if names else "infer",
        names=names,
    )


@readers.register("veracity.reader.defend_politifact.v1")
def read_defend_politifact(root: Path) -> pd.DataFrame:
    """dEFEND PolitiFact full texts: ``label`` 1 = fake -> unreliable, 0 = real.

    No publisher is recorded, so ``source`` is empty (splits group such rows by id).
    """
    folder = dataset_dir(root, "articles", "defend_politifact")
    content_path = folder / "politifact_content_no_ignore.tsv"
    content = require_columns(_tsv(content_path), ("id", "label", "content"), content_path)
    titles = _tsv(folder / "politifact_title_no_ignore.tsv", names=["id", "title"])
    title_of = dict(zip(titles["id"], titles["title"], strict=True))
    rows = []
    for row in content.to_dict("records"):
        rows.append(
            {
                "id": f"defend_politifact:{row['id']}",
                "title": title_of.get(row["id"], "").strip(),
                "text": row["content"],
                "label": UNRELIABLE if row["label"].strip() == "1" else RELIABLE,
                "original_label": row["label"].strip(),
                "corpus": "defend_politifact",
                "source": "",
                "date": "",
            }
        )
    return finish(rows, source=str(folder))
