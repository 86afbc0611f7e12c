"""The importer base that every import in the portal uses.

An import runs in two passes. First every row is parsed and validated, and every
problem is collected with its line number and column. Only if no row has a problem
are the rows saved, inside one transaction. So a file is imported completely or not
at all, and the person importing sees all problems at once, not one per attempt.

Subclasses say how to turn one row into a saved object (`clean_row`, `save_item`).
Readers turn CSV, XLSX (and, in land, GIS files) into numbered rows of text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from brorebro.models import Municipality


class ImportError_(Exception):
    """The file as a whole cannot be read (wrong type, too big, not UTF-8, no header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)d, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Source:
    """Numbered rows of a file: (line number as a person would count it, {column: text})."""

    name: str
    headers: list[str]
    rows: Iterable[tuple[int, dict[str, Any]]]


# --- readers -----------------------------------------------------------------------
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from None


def read_csv_bytes(data: bytes, name: str = "file.csv") -> Source:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportError_(_("The file is empty.")) from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(headers):
                yield line, {"__too_many__": str(len(values)), **dict(zip(headers, values))}
                continue
            yield line, {h: v.strip() for h, v in zip(headers, values)}

    return Source(name=name, headers=headers, rows=rows())


def read_xlsx_bytes(data: bytes, name: str = "file.xlsx") -> Source:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many types for a broken file
        raise ImportError_(_("The file is not a readable XLSX workbook.")) from None
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows_iter)]
    except StopIteration:
        raise ImportError_(_("The workbook is empty.")) from None

    def cell(value) -> str:
        if value is None:
            return ""
        if hasattr(value, "date") and callable(value.date):
            return value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in enumerate(rows_iter, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            yield line, {h: cell(v) for h, v in zip(headers, values) if h}

    return Source(name=name, headers=headers, rows=rows())


def read_table(data: bytes, name: str) -> Source:
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_bytes(data, name)
    if suffix in {".csv", ".txt"}:
        return read_csv_bytes(data, name)
    raise ImportError_(_("Unsupported file type %(suffix)s: use .csv or .xlsx.") % {"suffix": suffix or "?"})


def read_upload(upload) -> Source:
    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportError_(
            _("The file is too large (%(size)d MB; the limit is %(limit)d MB).")
            % {"size": upload.size // 2**20, "limit": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
        )
    return read_table(upload.read(), upload.name)


def read_path(path: str | Path) -> Source:
    path = Path(path)
    if not path.is_file():
        raise ImportError_(_("No such file: %(path)s") % {"path": path})
    return read_table(path.read_bytes(), path.name)


# --- rows ----------------------------------------------------------------------------
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


class Row:
    """One input row with typed accessors that record problems instead of raising."""

    def __init__(self, line: int, values: dict[str, Any]):
        self.line = line
        self.values = values
        self.errors: list[RowError] = []
        if "__too_many__" in values:
            self.error("", _("the row has more values than the header has columns"))

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def raw(self, column: str) -> str:
        value = self.values.get(column)
        return "" if value is None else str(value).strip()

    def has(self, column: str) -> bool:
        return self.raw(column) != ""

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(column)
        if required and not value:
            self.error(column, _("a value is required"))
        if max_length and len(value) > max_length:
            self.error(column, _("at most %(n)d characters") % {"n": max_length})
        return value

    def decimal(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: Decimal | int | None = 0,
        maximum: Decimal | int | None = None,
    ) -> Decimal | None:
        value = self.raw(column).replace("\u00a0", "").replace(" ", "")
        if not value:
            if required:
                self.error(column, _("a value is required"))
            return None
        if not _NUMBER.match(value):
            self.error(column, _("“%(value)s” is not a number") % {"value": self.raw(column)})
            return None
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            self.error(column, _("“%(value)s” is not a number") % {"value": value})
            return None
        if minimum is not None and number < minimum:
            self.error(column, _("must be at least %(min)s") % {"min": minimum})
        if maximum is not None and number > maximum:
            self.error(column, _("must be at most %(max)s") % {"max": maximum})
        return number

    def integer(
        self, column: str, *, required: bool = False, minimum: int | None = 0, maximum: int | None = None
    ) -> int | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, _("a value is required"))
            return None
        if not re.fullmatch(r"-?\d+", value):
            self.error(column, _("“%(value)s” is not a whole number") % {"value": value})
            return None
        number = int(value)
        if minimum is not None and number < minimum:
            self.error(column, _("must be at least %(min)s") % {"min": minimum})
        if maximum is not None and number > maximum:
            self.error(column, _("must be at most %(max)s") % {"max": maximum})
        return number

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, _("a value is required"))
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(column, _("“%(value)s” is not a date in the form YYYY-MM-DD") % {"value": value})
            return None

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
                % {"value": value, "keys": ", ".join(keys)},
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
                % {"value": ", ".join(unknown), "keys": ", ".join(keys)},
            )
        return [p for p in picked if p in keys]


# --- the importer ------------------------------------------------------------------------
@dataclass
class ImportReport:
    source: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return _("%(n)d problem(s) found; nothing was saved.") % {"n": len(self.errors)}
        if self.dry_run:
            return _("Dry run: %(c)d would be created and %(u)d updated; nothing was saved.") % {
                "c": len(self.created),
                "u": len(self.updated),
            }
        return _("%(c)d created and %(u)d updated.") % {"c": len(self.created), "u": len(self.updated)}


class Importer:
    """Validate all rows, then save them all in one transaction, or none.

    Subclasses set `required_columns` and implement `clean_row(row) -> item | None`
    (recording problems on the row) and `save_item(item) -> "created" | "updated"`.
    """

    required_columns: tuple[str, ...] = ()
    label = "row"

    def __init__(self, user=None, dry_run: bool = False):
        self.user = user
        self.dry_run = dry_run
        if user is None:
            self._municipalities = {m.code: m for m in Municipality.objects.all()}
            self._allowed = set(self._municipalities)
        else:
            self._municipalities = {m.code: m for m in Municipality.objects.all()}
            self._allowed = set(Municipality.objects.for_user(user).values_list("code", flat=True))

    # hooks
    def check_headers(self, headers: list[str]) -> list[str]:
        """Messages about the header line; empty when it is acceptable."""
        missing = [c for c in self.required_columns if c not in headers]
        if missing:
            return [_("missing column(s): %(cols)s") % {"cols": ", ".join(missing)}]
        return []

    def clean_row(self, row: Row) -> Any:
        raise NotImplementedError

    def validate_batch(self, items: list[tuple[Row, Any]]) -> None:
        """Checks across rows, e.g. the same key twice. Record problems on the rows."""

    def save_item(self, item: Any) -> str:
        raise NotImplementedError

    def describe(self, item: Any) -> str:
        return str(item)

    # shared checks
    def municipality(self, row: Row, column: str = "municipality_code") -> Municipality | None:
        code = row.text(column, required=True)
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

    # the run
    def run(self, source: Source) -> ImportReport:
        report = ImportReport(source=source.name, dry_run=self.dry_run)
        header_problems = self.check_headers(source.headers)
        if header_problems:
            report.errors = [RowError(1, "", message) for message in header_problems]
            return report
        cleaned: list[tuple[Row, Any]] = []
        rows: list[Row] = []
        for line, values in source.rows:
            row = Row(line, values)
            rows.append(row)
            item = None if row.errors else self.clean_row(row)
            if not row.errors:
                cleaned.append((row, item))
        self.validate_batch(cleaned)
        report.errors = [error for row in rows for error in row.errors]
        if report.errors:
            return report
        if not rows:
            report.errors = [RowError(1, "", _("the file has no data rows"))]
            return report
        with transaction.atomic():
            for row, item in cleaned:
                outcome = self.save_item(item)
                label = _("line %(line)d: %(item)s") % {"line": row.line, "item": self.describe(item)}
                (report.created if outcome == "created" else report.updated).append(label)
            if self.dry_run:
                transaction.set_rollback(True)
        return report


class ImportCommand(BaseCommand):
    """Base for `manage.py import_*` commands: FILE, --dry-run, --user."""

    importer_class: type[Importer] = Importer

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, save nothing")
        parser.add_argument("--user", help="import as this officer: only their municipalities are allowed")

    def get_user(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def read_source(self, path: str, options) -> Source:
        return read_path(path)

    def importer_kwargs(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        try:
            source = self.read_source(options["file"], options)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        importer = self.importer_class(
            user=self.get_user(options.get("user")),
            dry_run=options["dry_run"],
            **self.importer_kwargs(options),
        )
        report = importer.run(source)
        self.print_report(report, verbosity=options["verbosity"])
        if not report.ok:
            raise CommandError(report.summary())

    def print_report(self, report: ImportReport, verbosity: int = 1) -> None:
        for error in report.errors:
            self.stderr.write(str(error))
        if report.ok:
            if report.dry_run or verbosity > 1:
                for label in report.created:
                    self.stdout.write(f"create  {label}")
                for label in report.updated:
                    self.stdout.write(f"update  {label}")
            self.stdout.write(self.style.SUCCESS(report.summary()))
