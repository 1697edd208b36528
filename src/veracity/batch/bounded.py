"""Reading rows without ever holding an oversized one whole.

A JSON Lines line or a CSV record longer than the row limit
(:data:`veracity.config.MAX_ROW_BYTES`) is skipped as it streams past, so
memory stays at the limit plus one read block whatever the input holds; the
reader turns the skipped row into that row's E004.

* :func:`bounded_lines` yields the lines of a binary file, ``None`` for a line
  over the limit.
* :class:`CsvRecords` finds record boundaries the way pandas' C parser does
  (a ``"`` opens quoting only at the start of a field; ``""`` inside quotes is
  a literal quote; a line break outside quotes ends the record).
  :class:`BoundedCsv` passes a CSV through unchanged except that an oversized
  record becomes one line holding a marker; :func:`count_csv_rows` counts the
  rows pandas will return (blank and whitespace-only lines are skipped), so
  the progress bar has a stable total.
* :func:`parquet_cells` drops Parquet text cells over a limit before they
  become Python strings (Arrow decodes a page whole, so a cell is read once,
  but never copied).
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import E, TooLargeError

#: Bytes read per step while scanning or skipping.
BLOCK = 1 << 20

_FIELD_END = re.compile(rb"[,\r\n]")
_QUOTE = 0x22
_COMMA = 0x2C


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of ``handle``; ``None`` for a line over ``limit`` bytes, skipped block by block."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(BLOCK)
        yield None


class CsvRecords:
    """Record boundaries of a CSV fed block by block (pandas' quoting rules)."""

    def __init__(self) -> None:
        self.quoted = False
        self.field_start = True
        self.quote_pending = False

    def ends(self, data: bytes) -> list[int]:
        """Offsets in ``data`` just past each record end it completes."""
        out: list[int] = []
        i, n = 0, len(data)
        if self.quote_pending and n:
            self.quote_pending = False
            if data[0] == _QUOTE:
                i = 1
            else:
                self.quoted = False
        while i < n:
            if self.quoted:
                j = data.find(b'"', i)
                if j < 0:
                    break
                if j + 1 == n:
                    self.quote_pending = True
                    break
                if data[j + 1] == _QUOTE:
                    i = j + 2
                else:
                    self.quoted, i = False, j + 1
                continue
            if self.field_start and data[i] == _QUOTE:
                self.quoted, self.field_start, i = True, False, i + 1
                continue
            found = _FIELD_END.search(data, i)
            if found is None:
                self.field_start = False
                break
            i = found.end()
            self.field_start = True
            if data[i - 1] != _COMMA:
                out.append(i)
        return out


def _blank(record: bytes | bytearray) -> bool:
    """Whether pandas skips this record (empty or only spaces and tabs)."""
    return not record.strip(b" \t\r\n")


def count_csv_rows(path: Path) -> int:
    """The number of rows pandas reads from the CSV at ``path`` (header excluded)."""
    scanner, records, blank = CsvRecords(), 0, True
    with path.open("rb") as handle:
        while data := handle.read(BLOCK):
            start = 0
            for end in scanner.ends(data):
                blank = blank and _blank(data[start:end])
                records += not blank
                blank, start = True, end
            blank = blank and _blank(data[start:])
    records += not blank
    return max(records - 1, 0)


class BoundedCsv(io.RawIOBase):
    """A CSV file as pandas should see it: a record over ``limit`` bytes becomes ``marker``.

    ``marker`` is random per reader, so no input can spell it.  An oversized
    header is the whole file's E004.
    """

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit = path, limit
        self.marker = f"veracity-oversized-row-{secrets.token_hex(16)}"
        self._raw = path.open("rb")
        self._scanner = CsvRecords()
        self._record = bytearray()
        self._skipping = False
        self._header = True
        self._out = bytearray()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._out and not self._raw.closed:
            data = self._raw.read(BLOCK)
            if not data:
                self._end_record()
                self._raw.close()
                break
            start = 0
            for end in self._scanner.ends(data):
                self._take(data[start:end])
                self._end_record()
                start = end
            self._take(data[start:])
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        del self._out[:size]
        return size

    def _take(self, part: bytes) -> None:
        if self._skipping:
            return
        self._record += part
        if len(self._record) > self.limit:
            if self._header:
                raise TooLargeError(
                    E.E004,
                    size=f"more than {self.limit}",
                    limit=self.limit,
                    what=f"the header row of {self.path}",
                )
            self._skipping = True
            self._record.clear()

    def _end_record(self) -> None:
        if self._skipping:
            self._out += self.marker.encode("ascii") + b"\n"
        else:
            self._header = self._header and _blank(self._record)
            self._out += self._record
        self._record.clear()
        self._skipping = False


def parquet_cells(column: Any, limit: int) -> tuple[list[Any], dict[int, int]]:
    """An Arrow column's values, and by row the sizes of text cells over ``limit`` bytes.

    Oversized cells are ``None`` among the values: they never become Python objects.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        lengths = pc.binary_length(column)
    except pa.ArrowNotImplementedError:  # not a string or binary column: nothing to measure
        return column.to_pylist(), {}
    over = pc.greater(lengths, limit)
    if not pc.any(over).as_py():
        return column.to_pylist(), {}
    sizes = {k: int(lengths[k].as_py()) for k, flag in enumerate(over.to_pylist()) if flag}
    return pc.if_else(over, pa.scalar(None, type=column.type), column).to_pylist(), sizes
