"""Reading input: decoding, kinds, and every coded refusal."""

from __future__ import annotations

import io
import os
import random
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from reliability_support import hang_guard
from veracity.config import MAX_INPUT_BYTES
from veracity.errors import InputError, NotFoundError, TooLargeError
from veracity.text.inputs import (
    Document,
    document_from_bytes,
    document_from_text,
    read_input,
)

ARTICLE = "The council met on Monday. \u201cWe will wait,\u201d the mayor said.\n"
CORPUS = "the council met on monday .\nwe will wait , the mayor said .\n"
HTML = (
    "<html><body><article><p>The council met on Monday.</p>"
    "<p>The mayor said the town would wait.</p></article></body></html>"
)


class FakeStdin:
    """Stands in for ``sys.stdin``; ``buffer`` serves bytes and counts them."""

    def __init__(self, stream: io.RawIOBase | io.BytesIO) -> None:
        self.buffer = stream


class EndlessStream(io.RawIOBase):
    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = min(size, 65536) if size >= 0 else 65536
        self.served += chunk
        return b"a" * chunk


def code_of(excinfo: pytest.ExceptionInfo[Exception]) -> str:
    err = excinfo.value
    assert isinstance(err, InputError | NotFoundError)
    return err.code


def test_inputs_reads_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    doc = read_input(path)
    assert doc == Document(
        text='The council met on Monday. "We will wait," the mayor said.',
        name=str(path),
        kind="text",
    )
    assert read_input(str(path)) == doc


def test_inputs_detects_corpus_and_html(tmp_path: Path) -> None:
    assert document_from_text(CORPUS).kind == "corpus"
    doc = document_from_text(HTML, name="page.html")
    assert doc.kind == "html"
    assert doc.text == "The council met on Monday.\n\nThe mayor said the town would wait."


def test_inputs_missing_file_is_e001(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as excinfo:
        read_input(tmp_path / "nope.txt")
    assert code_of(excinfo) == "E001"
    with pytest.raises(NotFoundError):
        read_input(tmp_path / "nope.txt" / "deeper.txt")


def test_inputs_directory_is_e024(tmp_path: Path) -> None:
    with pytest.raises(InputError) as excinfo:
        read_input(tmp_path)
    assert code_of(excinfo) == "E024"


def test_inputs_unreadable_file_is_e025(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE, encoding="utf-8")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputError) as excinfo:
        read_input(path)
    assert code_of(excinfo) == "E025"
    assert "Permission denied" in excinfo.value.message


def test_inputs_fifo_is_e026_without_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def refuse_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the FIFO was opened")

    monkeypatch.setattr(Path, "open", refuse_open)
    with hang_guard(), pytest.raises(InputError) as excinfo:
        read_input(fifo)
    assert code_of(excinfo) == "E026"
    assert "named pipe" in excinfo.value.message


def test_inputs_socket_and_device_are_e026() -> None:
    folder = Path(tempfile.mkdtemp(prefix="vs"))  # short: a socket path has ~100 bytes at most
    path = folder / "s"
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
            with pytest.raises(InputError) as excinfo:
                read_input(path)
        assert code_of(excinfo) == "E026"
        assert "socket" in excinfo.value.message
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
    with pytest.raises(InputError) as excinfo:
        read_input("/dev/null")
    assert code_of(excinfo) == "E026"
    assert "device" in excinfo.value.message


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n ", b"\xef\xbb\xbf  \n"])
def test_inputs_empty_is_e002(data: bytes) -> None:
    with pytest.raises(InputError) as excinfo:
        document_from_bytes(data, "empty.txt")
    assert code_of(excinfo) == "E002"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x00\x00binary zip header",
        bytes(range(1, 256)) * 8,
        b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)) * 4,
        random.Random(7).randbytes(4000).replace(b"\x00", b"\x01"),
    ],
)
def test_inputs_binary_is_e003(data: bytes) -> None:
    with pytest.raises(InputError) as excinfo:
        document_from_bytes(data, "blob.bin")
    assert code_of(excinfo) == "E003"


def test_inputs_file_over_limit_is_e004_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(MAX_INPUT_BYTES + 1)

    def refuse_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", refuse_open)
    with pytest.raises(TooLargeError) as excinfo:
        read_input(path)
    assert code_of(excinfo) == "E004"
    assert str(MAX_INPUT_BYTES + 1) in excinfo.value.message


def test_inputs_stream_over_limit_reads_limit_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = EndlessStream()
    monkeypatch.setattr(sys, "stdin", FakeStdin(stream))
    with pytest.raises(TooLargeError) as excinfo:
        read_input("-", limit=100_000)
    assert code_of(excinfo) == "E004"
    assert stream.served == 100_001


def test_inputs_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(io.BytesIO(CORPUS.encode())))
    doc = read_input("-")
    assert (doc.name, doc.kind) == ("<stdin>", "corpus")


def test_inputs_text_over_limit_is_e004() -> None:
    with pytest.raises(TooLargeError):
        document_from_text("\u00e9" * 60, limit=100)
    assert document_from_text("e" * 100, limit=100).text == "e" * 100
    with pytest.raises(TooLargeError):
        document_from_bytes(b"e" * 101, "x", limit=100)


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffThe mayor\u2019s plan.".encode(),
        "\ufeffThe mayor\u2019s plan.".encode("utf-16-le"),
        "\ufeffThe mayor\u2019s plan.".encode("utf-16-be"),
        "The mayor\u2019s plan.".encode("utf-16"),
        "The mayor\u2019s plan.".encode("utf-32"),
        b"The mayor\x92s plan.",
    ],
)
def test_inputs_decodes_boms_and_windows_1252(data: bytes) -> None:
    assert document_from_bytes(data, "x.txt").text == "The mayor's plan."


def test_inputs_damaged_utf8_keeps_its_text() -> None:
    data = "Caf\u00e9 owners met in Z\u00fcrich on Monday.".encode() + b"\xff"
    assert document_from_bytes(data, "x.txt").text.startswith("Caf\u00e9 owners met in Z\u00fcrich")


def test_inputs_html_without_text_is_e014() -> None:
    with pytest.raises(InputError) as excinfo:
        document_from_text("<html><head><script>var x = 1;</script></head><body></body></html>")
    assert code_of(excinfo) == "E014"


def test_inputs_text_is_cleaned() -> None:
    doc = document_from_text("  \u201cHi\u201d\u200b \u2014 there\r\n")
    assert doc.text == '"Hi" - there'
    assert doc.name == "<text>"


@pytest.mark.data
def test_inputs_seed_article_is_corpus_form(seed_path: Path) -> None:
    doc = read_input(seed_path)
    assert doc.kind == "corpus"
    assert doc.text == doc.text.strip()
