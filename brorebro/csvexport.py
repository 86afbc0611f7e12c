"""The one CSV writer of the open-data exports (premises, land and NKI).

- **Formulas are neutralised.** A text cell that a spreadsheet would run as a formula
  (one that begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with
  a leading apostrophe, `'=HYPERLINK(…)`, which spreadsheets show as text. The
  importers remove exactly that apostrophe again, so an export can be imported back.
- **Numbers stay numbers.** A cell that is a plain number (`-12.5`, or `-12,5` in a
  file for Swedish Excel; written as a number or as its text) is a value to a
  spreadsheet, not a formula, and is written as it is.
- **Streamed.** Rows are written as they come from the database, a few hundred per
  chunk (one chunk per row would make encoding the response the slowest part), so
  an export of every listing never sits in memory. (Results computed in memory, such
  as NKI's, can be sent in one piece.)
- **UTF-8 with a BOM**, so that Excel does not read the file as Latin-1.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"
_PLAIN_NUMBER = re.compile(r"-?\d+([.,]\d+)?")
BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def cell(value: object) -> str | int | float | Decimal:
    """`value` as a CSV cell: None is empty, booleans are 1/0, formula-like text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return NEUTRALISING_PREFIX + text
    if text.startswith(NEUTRALISING_PREFIX) and text[1:2] in FORMULA_START:
        # Looks neutralised already, and the importer would take the apostrophe off:
        # one more keeps the text as it was through an export and an import.
        return NEUTRALISING_PREFIX + text
    return text


class _Echo:
    """A file-like object whose write() hands the text back, so csv.writer can be streamed."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Iterable[object]], delimiter: str = ",") -> Iterator[str]:
    """The CSV text of `header` and `rows`, in chunks of ROWS_PER_CHUNK rows; BOM first.

    `delimiter` is `;` for a file meant for Excel set to Swedish, where the comma is the
    decimal sign.
    """
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield BOM + writer.writerow([cell(name) for name in header])
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([cell(value) for value in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Iterable[object]],
    delimiter: str = ",",
    stream: bool = True,
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download named `filename`.

    Streamed by default. `stream=False` is for rows that are in memory already (computed
    results rather than a database cursor): the text is then encoded once, which is
    faster than encoding chunk by chunk.
    """
    lines = csv_lines(header, rows, delimiter)
    content_type = "text/csv; charset=utf-8"
    if stream:
        response = StreamingHttpResponse(lines, content_type=content_type)
    else:
        response = HttpResponse("".join(lines), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
