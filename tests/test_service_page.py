"""The web page in-process: form, permalink, escaping, accessibility basics."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from service_support import article, make_analyzer, make_client, mixed_article, xss_articles


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_analyzer(tmp_path_factory.mktemp("model"))


@pytest.fixture
def client(tmp_path: Path, analyzer: Any) -> Any:
    with make_client(tmp_path, analyzer) as c:
        yield c


class _Controls(HTMLParser):
    """Collects form controls, label targets, external references and the html lang."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.external: list[str] = []
        self.lang: str | None = None
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("input", "textarea", "select"):
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href", "action"):
            value = a.get(key) or ""
            if re.match(r"^(https?:)?//", value):
                self.external.append(value)


def _parse(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


def _submit(client: Any, **fields: str) -> Any:
    files = {"file": ("", b"", "application/octet-stream")}
    return client.post("/a", data=fields, files=files, follow_redirects=False)


def test_service_page_home_is_accessible_and_self_contained(client: Any) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    doc = _parse(resp.text)
    assert doc.lang == "en"
    assert {c["id"] for c in doc.controls} == {
        "text",
        "file",
        "url",
        "name",
        "title",
        "pipeline-deep",
        "pipeline-fast",
    }
    assert all(c["id"] in doc.labels for c in doc.controls)
    assert doc.external == []
    assert doc.scripts == 0
    assert "<h1>Check an article</h1>" in resp.text
    assert client.get("/static/page.css").status_code == 200


def test_service_page_url_control_disabled_with_note_when_off(client: Any) -> None:
    html = client.get("/").text
    assert re.search(r'<input id="url"[^>]*disabled[^>]*aria-describedby="url-note"', html)
    assert "URL input is switched off" in html


def test_service_page_url_control_enabled_when_on(tmp_path: Path, analyzer: Any) -> None:
    with make_client(tmp_path, analyzer, allow_url=True) as client:
        html = client.get("/").text
    assert re.search(r'<input id="url" name="url" type="url"(?![^>]*disabled)', html)


def test_service_page_submit_text_redirects_to_permalink(client: Any) -> None:
    resp = _submit(client, text=mixed_article(), name="my story")
    assert resp.status_code == 303
    location = resp.headers["location"]
    assert re.fullmatch(r"/a/[0-9a-f]{16}\?pipeline=deep", location)
    page = client.get(location)
    assert page.status_code == 200
    assert 'class="verdict-word"' in page.text
    assert 'data-role="opinion"' in page.text
    assert f'href="{location}"' in page.text
    assert "my story" in page.text
    assert client.get("/").text.count(f'href="{location}"') == 1


def test_service_page_upload_file(client: Any) -> None:
    files = {"file": ("story.txt", article(5, loud=True).encode(), "text/plain")}
    resp = client.post("/a", data={"text": ""}, files=files, follow_redirects=False)
    assert resp.status_code == 303
    report = client.get("/v1/analyses/" + resp.headers["location"].rsplit("/", 1)[1]).json()
    assert report["input_name"] == "story.txt"


@pytest.mark.parametrize(
    ("index", "raw", "escaped"),
    [
        (0, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        (1, "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ],
)
def test_service_page_article_text_is_escaped(
    client: Any, index: int, raw: str, escaped: str
) -> None:
    resp = _submit(client, text=xss_articles()[index])
    html = client.get(resp.headers["location"]).text
    assert raw not in html
    assert escaped in html


def test_service_page_form_errors_rerender_with_alert(client: Any) -> None:
    resp = _submit(client, text="")
    assert resp.status_code == 422
    assert 'role="alert"' in resp.text
    assert "exactly one" in resp.text
    both = _submit(client, text="Some words here.", url="http://example.org/")
    assert both.status_code == 422
    assert "Some words here." in both.text


def test_service_page_unknown_permalink_is_404_page(client: Any) -> None:
    resp = client.get("/a/0000000000000000")
    assert resp.status_code == 404
    assert "Analysis not found" in resp.text
    assert resp.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("fields", "filename"),
    [({"name": "n" * 14_000}, "story.txt"), ({}, "f" * 4_000 + ".txt"), ({"name": "n" * 301}, "a")],
    ids=["long name field", "long file name", "one over the limit"],
)
def test_service_page_upload_name_obeys_the_name_limit(
    client: Any, fields: dict[str, str], filename: str
) -> None:
    files = {"file": (filename, article(6, loud=False).encode(), "text/plain")}
    resp = client.post("/a", data=fields, files=files, follow_redirects=False)
    assert resp.status_code == 422
    assert 'role="alert"' in resp.text
    assert "300 characters" in resp.text
    assert client.get("/v1/health").json()["analyses"] == 0
    assert len(client.get("/").content) < 20_000


def test_service_page_upload_name_is_cleaned(client: Any) -> None:
    files = {
        "file": ("\u202ereport\u202c  \u200fone.txt", article(7, loud=True).encode(), "text/plain")
    }
    resp = client.post("/a", files=files, follow_redirects=False)
    assert resp.status_code == 303
    assert client.get("/v1/analyses").json()["analyses"][0]["input_name"] == "report one.txt"


def test_service_page_user_strings_are_isolated_and_cleaned(client: Any) -> None:
    name = "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd"
    resp = _submit(client, text=mixed_article(), name=name, title="\u2067Headline\u2069 here")
    page = client.get(resp.headers["location"]).text
    home = client.get("/").text
    for html in (page, home):
        assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f]", html)
        assert "<bdi>evil \u05e9\u05dc\u05d5\u05dd</bdi>" in html
    assert re.search(
        r'<li><a href="/a/[0-9a-f]{16}\?pipeline=deep"><bdi>evil [^<]*</bdi></a>\s*<span class="pill',
        home,
    )
    assert "<bdi>Headline here</bdi>" in page


def test_service_page_title_box_reaches_the_report(client: Any) -> None:
    resp = _submit(client, text=mixed_article(), title="Promises were empty, critics say")
    report_id = resp.headers["location"].rsplit("/", 1)[1]
    report = client.get(f"/v1/analyses/{report_id}").json()
    assert report["title"] == "Promises were empty, critics say"
    assert report["input_name"] == "Promises were empty, critics say"
    page = client.get(resp.headers["location"]).text
    assert 'class="headline"' in page
    assert "Promises were empty, critics say" in page


def test_service_page_pasted_text_is_named_by_its_first_words(client: Any) -> None:
    text = mixed_article()
    resp = _submit(client, text=text)
    listed = client.get("/v1/analyses").json()["analyses"][0]["input_name"]
    assert listed != "pasted text"
    assert text.startswith(listed.rstrip("\u2026"))
    assert resp.status_code == 303


def test_service_page_default_pipeline_is_deep(client: Any) -> None:
    home = client.get("/").text
    assert re.search(
        r'<input id="pipeline-deep" name="pipeline" type="radio" value="deep" checked>', home
    )
    assert re.search(r'<input id="pipeline-fast"[^>]*value="fast">', home)
    location = _submit(client, text=mixed_article()).headers["location"]
    assert location.endswith("?pipeline=deep")
    page = client.get(location).text
    assert '<strong class="pipeline" data-pipeline="deep">deep</strong> pipeline' in page
    assert f'href="/v1/analyses/{location[3:19]}?pipeline=deep"' in page
    assert (
        client.get(f"/v1/analyses/{location[3:19]}?pipeline=deep").json()["model"]["pipeline"]
        == "deep"
    )


def test_service_page_fast_choice_keeps_both_permalinks(client: Any) -> None:
    text = mixed_article()
    deep = _submit(client, text=text).headers["location"]
    fast = _submit(client, text=text, pipeline="fast").headers["location"]
    assert deep.split("?")[0] == fast.split("?")[0]
    assert fast.endswith("?pipeline=fast")
    assert 'data-pipeline="fast"' in client.get(fast).text
    assert 'data-pipeline="deep"' in client.get(deep).text
    assert 'data-pipeline="fast"' in client.get(deep.split("?")[0]).text
    home = client.get("/").text
    assert home.count(f'href="{fast}"') == home.count(f'href="{deep}"') == 1


def test_service_page_unknown_pipeline_is_a_form_error(client: Any) -> None:
    resp = _submit(client, text=mixed_article(), pipeline="slow")
    assert resp.status_code == 422
    assert 'role="alert"' in resp.text and "(E013)" in resp.text
    assert re.search(r'<input id="pipeline-deep"[^>]*checked>', resp.text)
    location = _submit(client, text=mixed_article(), pipeline="fast").headers["location"]
    bad = client.get(location.replace("=fast", "=slow"))
    assert bad.status_code == 422 and "(E013)" in bad.text
    missing = client.get(location.replace("=fast", "=deep"))
    assert missing.status_code == 404 and "(E017)" in missing.text
