"""The importer base that every import in the portal uses.

An import runs in two passes. First every row is parsed and validated, and every
problem is collected with its row number and column. Only if no row has a problem
are the rows saved, inside one transaction. So a file is imported completely or not
at all, and the person importing sees all problems at once, not one per attempt.

An importer declares what differs and nothing else (see docs in
/work/notes/importer-api.md and the README, "Imports"):
- `required_columns`, `check_headers(headers)`: the header line;
- `clean_row(row)`: one row into an item, through the field parsers on `Row`
  (problems are recorded on the row; returning None without a problem leaves the row
  out on purpose, and it is counted);
- `key(item)`: the identity of an item in the file; the base refuses a key given twice;
- `validate_batch(items)`: any other check across rows;
- `save_all(items)`: save the items, one outcome (CREATED, UPDATED, UNCHANGED) each;
- `row_noun`: what a row is called in messages ("line", "item", "entry", "feature").
No importer overrides `run()`.

The field parsers (`parse_*`) are the one definition of what a cell means, so the same
cell means the same thing in every import. Readers turn CSV, XLSX and JSON into
numbered rows, and refuse a file by its content, before it is read in full, when it is
not what it claims to be or is larger than the caps in settings (IMPORT_MAX_*).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brorebro.csvexport import FORMULA_START, NEUTRALISING_PREFIX
from brorebro.models import Municipality
from brorebro.validators import has_control_characters

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"

# How much of a bad value a message repeats: enough to find it, never a whole cell.
EXCERPT_LENGTH = 40


class ImportError_(Exception):
    """The file as a whole cannot be read (wrong type, too big, not text, no header)."""


class FieldError(ValueError):
    """A field parser's verdict on one value; the message is for the person importing."""


# --- messages --------------------------------------------------------------------------------
def excerpt(value: Any, length: int = EXCERPT_LENGTH) -> str:
    """A short, printable excerpt of a value for a message: control characters shown as
    escapes (\\n, \\x00), cut after `length` characters. HTML escaping is the template's job."""
    text = "" if value is None else str(value)
    cut = len(text) > length
    text = text[:length]
    shown = []
    for char in text:
        if char in "\n\r\t":
            shown.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            shown.append(f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")
        else:
            shown.append(char)
    return "".join(shown) + ("…" if cut else "")


# The words for "where" in a message, by row noun. The numbers count as the person who
# made the file counts: lines of a spreadsheet, items of a JSON list, features of a layer.
_AT = {
    "line": gettext_lazy("line %(n)d"),
    "item": gettext_lazy("item %(n)d"),
    "entry": gettext_lazy("entry %(n)d"),
    "feature": gettext_lazy("feature %(n)d"),
}
_AT_COLUMN = {
    "line": gettext_lazy("line %(line)d, column %(column)s: %(message)s"),
    "item": gettext_lazy("item %(n)d, field %(column)s: %(message)s"),
    "entry": gettext_lazy("entry %(n)d, field %(column)s: %(message)s"),
    "feature": gettext_lazy("feature %(n)d, attribute %(column)s: %(message)s"),
}
_AT_ROW = {
    "line": gettext_lazy("line %(line)d: %(message)s"),
    "item": gettext_lazy("item %(n)d: %(message)s"),
    "entry": gettext_lazy("entry %(n)d: %(message)s"),
    "feature": gettext_lazy("feature %(n)d: %(message)s"),
}


def where(noun: str, number: int) -> str:
    """'line 4', 'item 12' (translated)."""
    return str(_AT.get(noun, _AT["line"])) % {"n": number}


@dataclass(frozen=True)
class RowError:
    """A problem (or, in `ImportReport.warnings`, a warning) at a row and column.

    Line 0 (or less) is the file as a whole: only the message is shown.
    """

    line: int
    column: str
    message: str
    noun: str = "line"

    def __str__(self) -> str:
        if self.line <= 0:
            return self.message
        params = {"line": self.line, "n": self.line, "column": self.column, "message": self.message}
        table = _AT_COLUMN if self.column else _AT_ROW
        return str(table.get(self.noun, table["line"])) % params


@dataclass
class Source:
    """Numbered rows of a file: (number as a person would count it, {column: value}).

    `warnings` are what the reader had to guess (e.g. the text encoding); they reach the report.
    """

    name: str
    headers: list[str]
    rows: Iterable[tuple[int, dict[str, Any]]]
    warnings: list[str] = field(default_factory=list)
    # Facts about the file as a whole that an importer may judge (e.g. a truncated download).
    properties: dict[str, Any] = field(default_factory=dict)


# --- field parsers: the one definition of what a cell means ----------------------------------
# Line breaks and tabs are what multi-line text may have; any other control character is refused.
_MULTILINE_ALLOWED = str.maketrans("", "", "\n\r\t")
_LINE_BREAKS = frozenset("\r\n\u2028\u2029\x0b\x0c\x85")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")

YES_WORDS = frozenset({"1", "ja", "j", "yes", "y", "true", "t", "sant", "finns", "x"})
NO_WORDS = frozenset({"0", "nej", "n", "no", "false", "f", "falskt", "saknas", "finns ej", "finns inte"})


def unescape_formula(value: str) -> str:
    """Undo the CSV exports' formula neutralisation: "'=SUM(A1)" back to "=SUM(A1)".

    The exports put an apostrophe before a cell that starts with = + - @ tab or CR so a
    spreadsheet does not run it; importing the export again must give back the value.
    """
    if value.startswith(NEUTRALISING_PREFIX) and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def parse_text(value: str, *, multiline: bool = False) -> str:
    """Text as given. One-line text (titles, names, codes) refuses every control character,
    including newlines, because such text ends up in e-mail subjects and headers: the
    rule of `brorebro.validators.validate_single_line`, which the admin forms apply.
    Multi-line text (descriptions) allows line breaks and tabs only."""
    checked = value.translate(_MULTILINE_ALLOWED) if multiline else value
    if has_control_characters(checked):
        if not multiline and any(char in _LINE_BREAKS for char in value):
            raise FieldError(_("a line break is not allowed in this field"))
        bad = next(char for char in checked if has_control_characters(char))
        raise FieldError(_("the text contains a control character (%(char)s)") % {"char": excerpt(bad)})
    return value


def parse_decimal(value: str) -> Decimal:
    """A number with a decimal point or comma; spaces (also no-break) group thousands: '1 400,50'."""
    compact = _SPACES.sub("", value)
    if not _DECIMAL.match(compact):
        raise FieldError(_("“%(value)s” is not a number") % {"value": excerpt(value)})
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise FieldError(_("“%(value)s” is not a number") % {"value": excerpt(value)}) from None


def parse_whole(value: str) -> int:
    """A whole number. Integral decimals are accepted ('1880.0', as spreadsheets and GIS
    files store numbers); a fraction is an error everywhere, never rounded."""
    try:
        number = parse_decimal(value)
    except FieldError:
        raise FieldError(_("“%(value)s” is not a whole number") % {"value": excerpt(value)}) from None
    if number != number.to_integral_value():
        raise FieldError(
            _("“%(value)s” is not a whole number (a fraction is not allowed)") % {"value": excerpt(value)}
        )
    return int(number)


def parse_yes_no(value: str) -> bool:
    """Yes or no in Swedish or English: ja/nej, j/n, yes/no, 1/0, true/false, finns/saknas."""
    folded = " ".join(value.lower().split())
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    raise FieldError(_("“%(value)s” is not yes or no (use ja or nej, 1 or 0)") % {"value": excerpt(value)})


def parse_date(value: str) -> date:
    """An ISO date, YYYY-MM-DD (a midnight time, as spreadsheets add, is accepted)."""
    text = value.strip()
    for candidate in (text, text.replace("T", " ").removesuffix(" 00:00:00")):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    raise FieldError(_("“%(value)s” is not a date in the form YYYY-MM-DD") % {"value": excerpt(value)})


def parse_email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise FieldError(_("“%(value)s” is not an email address") % {"value": excerpt(value)}) from None
    return value


def parse_municipality_code(value: str) -> str:
    """A four-digit kommunkod. Stored as a number it may read '1880.0' or, with the
    leading zero lost, '180' (Stockholm, 0180): both are accepted when integral."""
    try:
        number = parse_whole(value)
    except FieldError:
        number = None
    if number is None or not 0 < number <= 9999:
        raise FieldError(_("“%(value)s” is not a four-digit municipality code") % {"value": excerpt(value)})
    return f"{number:04d}"


# --- readers -----------------------------------------------------------------------------------
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _too_large(size: int) -> ImportError_:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    return ImportError_(
        _("The file is too large (%(size)s MB; the limit is %(limit)s MB).")
        % {"size": f"{size / 2**20:.1f}", "limit": f"{limit / 2**20:.0f}"}
    )


def _too_many_rows(count: str | int) -> ImportError_:
    return ImportError_(
        _(
            "The file has %(count)s rows; the limit is %(limit)d. Split it into smaller files "
            "(or delete empty rows below the data)."
        )
        % {"count": count, "limit": settings.IMPORT_MAX_ROWS}
    )


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes of a text file as text: UTF-8 (with or without BOM), else Windows-1252 with a
    warning. Anything with binary control bytes is not a text file and is refused."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ImportError_(_("The file is not UTF-8 text (it looks like UTF-16). Save it as “CSV UTF-8”."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportError_(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from None
        warnings.append(
            _(
                "The file is not UTF-8; it was read as Windows-1252 (Western European). "
                "Check that å, ä and ö came out right, or save it as “CSV UTF-8”."
            )
        )
    if _TEXT_CONTROL.search(text):
        raise ImportError_(_("The file is not a text file. Use CSV (UTF-8) or XLSX."))
    return text, warnings


def read_csv_bytes(data: bytes, name: str = "file.csv") -> Source:
    text, warnings = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    limit = settings.IMPORT_MAX_ROWS
    # A counting pass first (the csv module is fast): a file over the cap is refused
    # before a single row is validated.
    try:
        records = 0
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(v.strip() for v in values):
                records += 1
                if records > limit + 1:
                    raise _too_many_rows(_("more than %(n)d") % {"n": limit})
    except csv.Error as exc:
        raise ImportError_(_("The file is not valid CSV: %(error)s") % {"error": excerpt(exc, 80)}) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportError_(_("The file is empty.")) from None
    if len(headers) > settings.IMPORT_MAX_COLUMNS:
        raise ImportError_(
            _("The file has %(n)d columns; the limit is %(limit)d.")
            % {"n": len(headers), "limit": settings.IMPORT_MAX_COLUMNS}
        )

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        # A quoted cell may span lines; a row is numbered by the line it starts on.
        end = reader.line_num
        for values in reader:
            line, end = end + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(headers):
                yield line, {"__too_many__": str(len(values)), **dict(zip(headers, values))}
                continue
            yield line, {h: v.strip() for h, v in zip(headers, values)}

    return Source(name=name, headers=headers, rows=rows(), warnings=warnings)


XLSX_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def check_xlsx_container(data: bytes) -> None:
    """Refuse anything that is not an Office Open XML workbook, or that unpacks too large.

    Checked on the zip's own directory, before any XML is parsed: the declared sizes
    are upper bounds (Python's zip reader stops at them and fails the CRC otherwise).
    """
    not_xlsx = ImportError_(_("The file is not an Excel workbook (.xlsx). Use CSV (UTF-8) or XLSX."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or len(members) > 5000:
        raise not_xlsx
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ImportError_(
            _("The workbook unpacks to %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": f"{unpacked / 2**20:.0f}",
                "limit": f"{settings.IMPORT_MAX_UNPACKED_BYTES / 2**20:.0f}",
            }
        )
    try:
        content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise not_xlsx from None
    if XLSX_MAIN_TYPE not in content_types:
        raise not_xlsx


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx_bytes(data: bytes, name: str = "file.xlsx") -> Source:
    """The first sheet of an XLSX workbook, read-only (openpyxl parses through defusedxml).

    The sheet's declared dimension is checked before a row is read; a sheet without one
    gets a counting pass, which stops at the cap.
    """
    from openpyxl import load_workbook

    check_xlsx_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl and the XML parser raise many types for a broken file
        raise ImportError_(_("The file is not a readable XLSX workbook.")) from None
    limit = settings.IMPORT_MAX_ROWS
    if sheet.max_row is not None and sheet.max_row > limit + 1:
        raise _too_many_rows(sheet.max_row - 1)
    if sheet.max_column is not None and sheet.max_column > settings.IMPORT_MAX_COLUMNS:
        raise ImportError_(
            _("The sheet has %(n)d columns; the limit is %(limit)d.")
            % {"n": sheet.max_column, "limit": settings.IMPORT_MAX_COLUMNS}
        )
    try:
        if sheet.max_row is None:
            for count, _values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if count > limit + 1:
                    raise _too_many_rows(_("more than %(n)d") % {"n": limit})
        rows_iter = sheet.iter_rows(values_only=True)
        header_values = next(rows_iter)
    except StopIteration:
        raise ImportError_(_("The workbook is empty.")) from None
    except ImportError_:
        raise
    except Exception:
        raise ImportError_(_("The file is not a readable XLSX workbook.")) from None
    headers = [_xlsx_cell(h) for h in header_values]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for line, values in enumerate(rows_iter, start=2):
                if line > limit + 1:
                    raise _too_many_rows(_("more than %(n)d") % {"n": limit})
                if not values or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield line, {h: _xlsx_cell(v) for h, v in zip(headers, values) if h}
        except ImportError_:
            raise
        except Exception:
            raise ImportError_(
                _("The workbook could not be read past line %(line)d.") % {"line": line}
            ) from None

    return Source(name=name, headers=headers, rows=rows())


def read_json_bytes(data: bytes) -> Any:
    """A JSON document (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(_("The file is not UTF-8 text.")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(
            _("The file is not valid JSON (line %(line)d: %(msg)s).") % {"line": exc.lineno, "msg": exc.msg}
        ) from None
    except RecursionError:
        raise ImportError_(_("The JSON is nested too deeply.")) from None


def check_record_count(count: int) -> None:
    """The row cap for formats that are lists of records (JSON)."""
    if count > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows(count)


def read_table(data: bytes, name: str) -> Source:
    """CSV or XLSX, decided by the content: a zip must be an OOXML workbook, anything
    else must be text. A name that claims one and content that is the other is refused."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        if suffix not in (".xlsx", ""):
            raise ImportError_(
                _("The file is named %(suffix)s but is a zip archive. Use CSV (UTF-8) or XLSX.")
                % {"suffix": excerpt(suffix, 10)}
            )
        return read_xlsx_bytes(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportError_(_("This is an old Excel file (.xls). Save it as .xlsx or as “CSV UTF-8”."))
    if suffix == ".xlsx":
        raise ImportError_(_("The file is not an Excel workbook (.xlsx). Use CSV (UTF-8) or XLSX."))
    if suffix not in {".csv", ".txt", ""}:
        raise ImportError_(
            _("Unsupported file type %(suffix)s: use .csv or .xlsx.") % {"suffix": excerpt(suffix, 10)}
        )
    return read_csv_bytes(data, name)


Reader = Callable[[bytes, str], Source]


def upload_bytes(upload) -> bytes:
    """The bytes of an uploaded file, refused by its size before it is read."""
    size = getattr(upload, "size", None) or 0
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise _too_large(size)
    data = upload.read(settings.IMPORT_MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise _too_large(len(data))
    return data


def path_bytes(path: str | Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise ImportError_(_("No such file: %(path)s") % {"path": path})
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise _too_large(size)
    return path.read_bytes()


def read_upload(upload, reader: Reader = read_table) -> Source:
    return reader(upload_bytes(upload), Path(upload.name).name)


def read_path(path: str | Path, reader: Reader = read_table) -> Source:
    return reader(path_bytes(path), Path(path).name)


# --- rows ----------------------------------------------------------------------------------------
class Row:
    """One input row with typed accessors that record problems instead of raising."""

    def __init__(self, line: int, values: dict[str, Any], noun: str = "line"):
        self.line = line
        self.values = values
        self.noun = noun
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        if "__too_many__" in values:
            self.error("", _("the row has more values than the header has columns"))

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message, self.noun))

    def warn(self, column: str, message: str) -> None:
        self.warnings.append(RowError(self.line, column, message, self.noun))

    def raw(self, column: str) -> str:
        """The cell as text, trimmed, with an export's formula neutralisation undone."""
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unescape_formula(str(value).strip())

    def has(self, column: str) -> bool:
        return self.raw(column) != ""

    def _parsed(self, column: str, parser: Callable[[str], Any], required: bool) -> Any:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, _("a value is required"))
            return None
        try:
            return parser(value)
        except FieldError as exc:
            self.error(column, str(exc))
            return None

    def _bounded(self, column: str, number, minimum, maximum):
        if number is None:
            return None
        if minimum is not None and number < minimum:
            self.error(column, _("must be at least %(min)s") % {"min": minimum})
        if maximum is not None and number > maximum:
            self.error(column, _("must be at most %(max)s") % {"max": maximum})
        return number

    def text(
        self, column: str, *, required: bool = False, max_length: int | None = None, multiline: bool = False
    ) -> str:
        """Text; one line unless `multiline` (see `parse_text`)."""
        value = self.raw(column)
        if required and not value:
            self.error(column, _("a value is required"))
        if max_length and len(value) > max_length:
            self.error(column, _("at most %(n)d characters") % {"n": max_length})
        if value:
            try:
                parse_text(value, multiline=multiline)
            except FieldError as exc:
                self.error(column, str(exc))
        return value

    def decimal(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: Decimal | int | None = 0,
        maximum: Decimal | int | None = None,
    ) -> Decimal | None:
        return self._bounded(column, self._parsed(column, parse_decimal, required), minimum, maximum)

    def whole(
        self, column: str, *, required: bool = False, minimum: int | None = 0, maximum: int | None = None
    ) -> int | None:
        """A whole number: '1880.0' is 1880, '120.4' is an error (see `parse_whole`)."""
        return self._bounded(column, self._parsed(column, parse_whole, required), minimum, maximum)

    integer = whole

    def yes_no(self, column: str, *, required: bool = False) -> bool | None:
        return self._parsed(column, parse_yes_no, required)

    def date(self, column: str, *, required: bool = False) -> date | None:
        return self._parsed(column, parse_date, required)

    def email(self, column: str, *, required: bool = False, max_length: int = 254) -> str:
        value = self.text(column, required=required, max_length=max_length)
        if value and not any(e.column == column for e in self.errors):
            try:
                parse_email(value)
            except FieldError as exc:
                self.error(column, str(exc))
        return value

    def municipality_code(self, column: str, *, required: bool = False) -> str:
        return self._parsed(column, parse_municipality_code, required) or ""

    def choice(self, column: str, choices, *, required: bool = False, default: str = "") -> str:
        value = self.raw(column)
        keys = [key for key, _label in choices]
        if not value:
            if required and not default:
                self.error(column, _("a value is required"))
            return default
        if value not in keys:
            self.error(
                column,
                _("unknown value “%(value)s”; use one of: %(keys)s")
                % {"value": excerpt(value), "keys": ", ".join(keys)},
            )
            return default
        return value

    def choices(self, column: str, choices) -> list[str]:
        """A comma-separated set of choice keys."""
        keys = [key for key, _label in choices]
        picked = [part.strip() for part in self.raw(column).split(",") if part.strip()]
        unknown = [p for p in picked if p not in keys]
        if unknown:
            self.error(
                column,
                _("unknown value “%(value)s”; use any of: %(keys)s")
                % {"value": excerpt(", ".join(unknown)), "keys": ", ".join(keys)},
            )
        return [p for p in picked if p in keys]


# --- the report ----------------------------------------------------------------------------------
@dataclass
class ImportReport:
    source: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # Plain facts for the person importing, e.g. "12 items for other counties were left out".
    notes: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return _("%(n)d problem(s) found; nothing was saved.") % {"n": len(self.errors)}
        if self.dry_run:
            text = _("Dry run: %(c)d would be created and %(u)d updated; nothing was saved.") % {
                "c": len(self.created),
                "u": len(self.updated),
            }
        else:
            text = _("%(c)d created and %(u)d updated.") % {"c": len(self.created), "u": len(self.updated)}
        if self.unchanged:
            text += " " + _("%(n)d unchanged.") % {"n": len(self.unchanged)}
        if self.warnings:
            text += " " + _("%(n)d warning(s).") % {"n": len(self.warnings)}
        return text


# --- the importer ----------------------------------------------------------------------------------
class Importer:
    """Validate all rows, then save them all in one transaction, or none.

    Subclasses set `required_columns` and `row_noun`, implement `clean_row(row)` and
    `save_all(items)` (or `save_item(item)`), and declare `key(item)` for the duplicate
    check. See the module docstring.
    """

    required_columns: tuple[str, ...] = ()
    row_noun = "line"
    # The column that a duplicate key is reported on.
    key_column = ""
    # Yes/no options of this import, {name: label}: each becomes `--name` on the command
    # line and a checkbox on the upload page, and reaches __init__ as a keyword argument.
    switches: dict[str, str] = {}

    def __init__(self, user=None, dry_run: bool = False):
        self.user = user
        self.dry_run = dry_run
        self._municipalities = {m.code: m for m in Municipality.objects.defer("boundary")}
        if user is None:
            self._allowed = set(self._municipalities)
        else:
            self._allowed = set(Municipality.objects.for_user(user).values_list("code", flat=True))
        self._warnings: list[RowError] = []
        self._notes: list[str] = []

    # --- hooks
    def check_source(self, source: Source) -> list[str]:
        """Problems with the file as a whole (its `properties`); empty when it is acceptable."""
        return []

    def check_headers(self, headers: list[str]) -> list[str]:
        """Messages about the header line; empty when it is acceptable."""
        missing = [c for c in self.required_columns if c not in headers]
        if missing:
            return [_("missing column(s): %(cols)s") % {"cols": ", ".join(missing)}]
        return []

    def clean_row(self, row: Row) -> Any:
        """One row into an item. Record problems on the row. None without a problem: left out."""
        raise NotImplementedError

    def key(self, item: Any) -> Hashable | None:
        """The identity of an item within the file; a key given twice is an error. None: no check."""
        return None

    def describe_key(self, item: Any) -> str:
        key = self.key(item)
        return " ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)

    def validate_batch(self, items: list[tuple[Row, Any]]) -> None:
        """Checks across rows other than the duplicate key. Record problems on the rows."""

    def save_all(self, items: list[Any]) -> list[str]:
        """Save the items; one outcome (CREATED, UPDATED or UNCHANGED) per item, in order."""
        return [self.save_item(item) for item in items]

    def save_item(self, item: Any) -> str:
        raise NotImplementedError

    def after_save(self, items: list[Any], report: ImportReport) -> None:
        """Work after saving, in the same transaction (e.g. what the file left out)."""

    def describe(self, item: Any) -> str:
        """The item in the report; called after saving, so it may show what was saved."""
        return str(item)

    # --- for subclasses
    def warn(self, message: str) -> None:
        """A warning about the file as a whole; it is shown even when the import succeeds."""
        self._warnings.append(RowError(0, "", message, self.row_noun))

    def note(self, message: str) -> None:
        self._notes.append(message)

    def municipality(self, row: Row, column: str = "municipality_code") -> Municipality | None:
        """The municipality a row names, if the user may import for it."""
        if not row.has(column):
            row.error(column, _("a value is required"))
            return None
        code = row.municipality_code(column)
        if not code:
            return None
        municipality = self._municipalities.get(code)
        if municipality is None:
            row.error(column, _("unknown municipality code “%(code)s”") % {"code": code})
            return None
        if code not in self._allowed:
            row.error(
                column,
                _("you may not import for %(name)s (%(code)s)") % {"name": municipality.name, "code": code},
            )
            return None
        return municipality

    # --- the run (not overridden)
    def run(self, source: Source) -> ImportReport:
        noun = self.row_noun
        report = ImportReport(source=source.name, dry_run=self.dry_run)
        report.warnings = [RowError(0, "", message, noun) for message in source.warnings]
        header_problems = self.check_source(source) + self.check_headers(source.headers)
        if header_problems:
            report.errors = [RowError(0, "", message, noun) for message in header_problems]
            return report
        rows: list[Row] = []
        cleaned: list[tuple[Row, Any]] = []
        try:
            for line, values in source.rows:
                row = Row(line, values, noun)
                rows.append(row)
                item = None if row.errors else self.clean_row(row)
                if row.errors:
                    continue
                if item is None:
                    report.skipped += 1
                else:
                    cleaned.append((row, item))
        except ImportError_ as exc:
            report.errors = [RowError(0, "", str(exc), noun)]
            return report
        if not rows:
            report.errors = [RowError(0, "", _("the file has no data rows"), noun)]
            return report
        if not cleaned and not any(row.errors for row in rows):
            report.errors = [
                RowError(
                    0,
                    "",
                    _("the file has nothing to import: all %(n)d rows were left out") % {"n": report.skipped},
                    noun,
                )
            ]
            return report
        self._check_keys(cleaned)
        self.validate_batch(cleaned)
        report.errors = [error for row in rows for error in row.errors]
        report.warnings += [warning for row in rows for warning in row.warnings]
        if report.errors:
            report.warnings += self._warnings
            return report
        cleaned = [(row, item) for row, item in cleaned if not row.errors]
        with transaction.atomic():
            items = [item for _row, item in cleaned]
            outcomes = self.save_all(items)
            for (row, item), outcome in zip(cleaned, outcomes, strict=True):
                label = _("%(where)s: %(item)s") % {
                    "where": where(noun, row.line),
                    "item": self.describe(item),
                }
                {CREATED: report.created, UPDATED: report.updated}.get(outcome, report.unchanged).append(
                    label
                )
            self.after_save(items, report)
            if self.dry_run:
                transaction.set_rollback(True)
        # Warnings and notes from the importer itself, including those of save_all/after_save.
        report.warnings += self._warnings
        report.notes += self._notes
        return report

    def _check_keys(self, items: list[tuple[Row, Any]]) -> None:
        first: dict[Hashable, int] = {}
        for row, item in items:
            key = self.key(item)
            if key is None:
                continue
            if key in first:
                row.error(
                    self.key_column,
                    _("“%(key)s” is already given on %(where)s")
                    % {"key": excerpt(self.describe_key(item)), "where": where(self.row_noun, first[key])},
                )
            else:
                first[key] = row.line


# --- the command line ----------------------------------------------------------------------------
class ImportCommand(BaseCommand):
    """Base for `manage.py import_*` commands: FILE, --dry-run, --user.

    A bad file ends with the report on stderr and exit status 1 (a CommandError), never a
    traceback.
    """

    importer_class: type[Importer] = Importer
    reader: Reader = staticmethod(read_table)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, save nothing")
        parser.add_argument("--user", help="import as this officer: only their municipalities are allowed")
        for name, label in self.importer_class.switches.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}", action="store_true", dest=name, help=str(label)
            )

    def get_user(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def read_source(self, path: str, options) -> Source:
        return read_path(path, type(self).reader)

    def importer_kwargs(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        try:
            source = self.read_source(options["file"], options)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        switches = {name: bool(options.get(name)) for name in self.importer_class.switches}
        importer = self.importer_class(
            user=self.get_user(options.get("user")),
            dry_run=options["dry_run"],
            **switches,
            **self.importer_kwargs(options),
        )
        report = importer.run(source)
        self.print_report(report, verbosity=options["verbosity"])
        if not report.ok:
            raise CommandError(report.summary())

    def print_report(self, report: ImportReport, verbosity: int = 1) -> None:
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(_("warning: %(message)s") % {"message": warning})
        if report.ok:
            if report.dry_run or verbosity > 1:
                for label in report.created:
                    self.stdout.write(f"create  {label}")
                for label in report.updated:
                    self.stdout.write(f"update  {label}")
            for note in report.notes:
                self.stdout.write(note)
            self.stdout.write(self.style.SUCCESS(report.summary()))
