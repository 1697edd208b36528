"""HTML to text: main text, blocks as paragraphs, no network, never raises."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.text.html_extract import html_to_text, looks_like_html

# An invented news page.
PAGE = """<!DOCTYPE html>
<html><head><title>Council delays bridge vote</title>
<link rel="stylesheet" href="http://203.0.113.9/site.css">
<style>p { color: red }</style>
<script>var tracker = "<p>tracking text</p>";</script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Council delays vote on the new bridge</h1>
<p>The city council on Monday postponed a vote on the proposed bridge, citing
&quot;unanswered questions&quot; about its cost and its effect on traffic.</p>
<img src="http://203.0.113.9/bridge.jpg" alt="bridge">
<p>Mayor Ann Lee said the delay was regrettable. Engineers had estimated the project
at $40 million, but a later review put it closer to $55 million.</p>
<p>Residents who spoke at the meeting were divided. Some said the bridge was badly
needed; others called it a waste of money that the town could not afford.</p>
</article><footer>All rights reserved.</footer></body></html>"""

TAGS = ["<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<b>", "<!--", "-->", "<a b='"]
HTMLISH = st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=12)), max_size=60).map("".join)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_html_extracts_article_paragraphs(no_network: None) -> None:
    text = html_to_text(PAGE)
    paragraphs = text.split("\n\n")
    assert any(p.startswith("The city council on Monday postponed") for p in paragraphs)
    assert any(p.startswith("Mayor Ann Lee said") for p in paragraphs)
    assert '"unanswered questions"' in text
    assert "tracking text" not in text
    assert "color: red" not in text
    assert "All rights reserved" not in text
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)


def test_html_fallback_for_fragments(no_network: None) -> None:
    html = "<p>Short <b>one</b> &amp; done.</p><script>alert(1)</script><p>Two.</p>"
    assert html_to_text(html) == "Short one & done.\n\nTwo."


def test_html_deeply_nested_markup() -> None:
    html = "<div>" * 5000 + "<p>Deep text survives.</p>" + "</div>" * 5000
    assert "Deep text survives." in html_to_text(html)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<",
        "<!--",
        "<script>never closed",
        "<![if x",
        "<a b='" * 20000,
        "<!--" * 20000,
        "</" * 20000,
        "\x00<<>>&&#;" * 5000,
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Hi.</p></body></html>',
    ],
)
def test_html_never_raises_on_junk(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_html_skipped_elements_hide_their_text() -> None:
    html = "<p>Kept.</p><style>.x{}</style><noscript>Hidden</noscript><SCRIPT>x()</SCRIPT >"
    assert html_to_text(html) == "Kept."


def test_html_looks_like_html() -> None:
    assert looks_like_html(PAGE)
    assert looks_like_html("\ufeff<!-- saved page -->\n<html lang='en'><body>x</body></html>")
    assert looks_like_html("<p>One</p><p>Two</p>")
    assert not looks_like_html("In HTML, the <b> tag makes text bold.")
    assert not looks_like_html("if a < b and c > d then stop")
    assert not looks_like_html("")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), HTMLISH))
def test_html_never_raises_on_random_input(html: str) -> None:
    text = html_to_text(html)
    assert "\n\n\n" not in text
    assert text == text.strip()
