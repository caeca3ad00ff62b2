"""Raw rows from an award list file (.xlsx or .csv), read as untrusted input.

Spreadsheets arrive from many hands and programs. Reading them is bounded (file size, unpacked
size, sheets, rows, columns), the file must be an ordinary file (not a pipe or a device), a
password-protected or old-format workbook is named as such, and openpyxl's lazy reader — which
raises plain IndexError/ValueError from deep inside on a damaged cell — is wrapped so that a
damaged cell ends its sheet with a problem located at the cell. What the rows *mean* is
:mod:`docgen.spreadsheet`'s job.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.explain import library_reason, os_reason
from docgen.i18n import _
from docgen.safezip import ZipLimits, open_xlsx_safely, parse_xml, read_untrusted, refuse_ole

#: Bounds on untrusted files. An award list has tens of rows; these leave room for thousands.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members of an .xlsx zip together (zip bombs)
MAX_SHEETS = 50
MAX_ROWS = 10_000  # filled rows per sheet
MAX_COLUMNS = 40  # columns read per row; award tables have five or six
#: A sheet whose XML unpacks beyond this holds far more rows than an award list (10,000 rows of
#: six columns are ~3 MB); it is refused as "too many rows" before anything is parsed.
MAX_SHEET_XML_BYTES = 30 * 2**20


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: columns as Excel labels them."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Where:
    """A place in a spreadsheet, written the way a clerk finds it in Excel."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(_('sheet "{sheet}"').format(sheet=self.sheet))
        if self.row is not None:
            parts.append(_("row {row}").format(row=self.row))
        if self.column is not None:
            col = _("column {column}").format(column=column_letter(self.column))
            parts.append(f"{col} ({self.header})" if self.header else col)
        return ", ".join(parts)


def check_size(path: Path, display: str) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocgenError(_("{file}: no such file.").format(file=display)) from None
    except OSError as exc:
        raise DocgenError(
            _("{file}: cannot be read ({reason}).").format(file=display, reason=os_reason(exc))
        ) from None
    if path.is_dir():
        raise DocgenError(
            _("{file}: this is a folder; give the .xlsx or .csv file.").format(file=display)
        )
    if size > MAX_FILE_BYTES:
        raise DocgenError(
            _(
                "{file}: the file is {size:.0f} MB; an award list is expected to be under "
                "{limit} MB. Remove pictures or unrelated sheets and save it again."
            ).format(file=display, size=size / 1e6, limit=MAX_FILE_BYTES // 2**20)
        )


_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_names_by_part(archive: zipfile.ZipFile, display: str) -> dict[str, str]:
    """Worksheet part name → the sheet's name as the clerk sees it on its tab."""
    try:
        book = parse_xml(archive.read("xl/workbook.xml"), what=display)
        rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"), what=display)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, DocgenError):
        return {}
    targets = {
        rel.get("Id"): posixpath.normpath(posixpath.join("xl", rel.get("Target", "")))
        for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")
    }
    names = {}
    for sheet in book.iter(f"{{{_SHEET_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
        if target:
            names[target.lstrip("/")] = sheet.get("name", "")
    return names


def _refuse_huge_sheets(data: bytes, display: str) -> None:
    """A sheet of a million rows is "too many rows", not an unsafe file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # open_xlsx_safely says what is wrong with the package
    with archive:
        huge = [
            info
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/")
            and info.filename.endswith(".xml")
            and info.file_size > MAX_SHEET_XML_BYTES
        ]
        if not huge:
            return
        names = _sheet_names_by_part(archive, display)
    sheet = names.get(huge[0].filename, posixpath.basename(huge[0].filename))
    raise DocgenError(
        _(
            '{file}, sheet "{sheet}": too many rows — the sheet holds far more than the '
            "{limit:,} rows an award list may have ({size} MB of cells). Keep only the award "
            "table: delete the rows below it (or copy the table to a new workbook) and save."
        ).format(file=display, sheet=sheet, limit=MAX_ROWS, size=huge[0].file_size // 2**20)
    )


def xlsx_sheets(path: Path, display: str) -> tuple[Any, list[str], bytes]:
    """Open an .xlsx read-only after checking it is safe to; return (workbook, names, bytes)."""
    data = read_untrusted(path, what=display, max_bytes=MAX_FILE_BYTES)
    refuse_ole(data, display, "Excel")
    _refuse_huge_sheets(data, display)
    # Zip bombs, overlapping members, passwords and DOCTYPE/entity tricks (XXE) are refused by
    # the shared checker before openpyxl sees a byte; the bytes checked are the bytes read.
    limits = ZipLimits(max_file_bytes=MAX_FILE_BYTES, max_total_bytes=MAX_UNPACKED_BYTES)
    data = open_xlsx_safely(data, what=display, limits=limits)
    import openpyxl  # slow to import; only spreadsheet users pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a malformed package
        raise DocgenError(
            _("{file}: the workbook cannot be read ({reason}).").format(
                file=display, reason=library_reason(exc)
            )
        ) from None
    names = list(workbook.sheetnames)
    if len(names) > MAX_SHEETS:
        workbook.close()
        raise DocgenError(
            _("{file}: {count} sheets; at most {limit} are read.").format(
                file=display, count=len(names), limit=MAX_SHEETS
            )
        )
    return workbook, names, data


def _damaged_cell(exc: BaseException) -> tuple[str | None, str | None]:
    """(cell reference, row number) as written in the XML of the cell openpyxl choked on.

    openpyxl reads a read-only sheet lazily and raises plain IndexError/ValueError from deep
    inside; the element it was reading is the only record of where, so it is taken from the
    failing frame.
    """
    cell = row = None
    tb = exc.__traceback__
    while tb is not None:
        if "openpyxl" in tb.tb_frame.f_code.co_filename:
            for element in (tb.tb_frame.f_locals.get("element"), tb.tb_frame.f_locals.get("row")):
                tag = getattr(element, "tag", None)
                if not isinstance(tag, str) or element.get("r") is None:
                    continue
                if tag.endswith("}c"):
                    cell = str(element.get("r"))
                elif tag.endswith("}row"):
                    row = str(element.get("r"))
        tb = tb.tb_next
    return cell, row


def _damage_problem(exc: BaseException, where: Where, last_row: int) -> str:
    cell, row = _damaged_cell(exc)
    place: Where | str = Where(where.file, where.sheet, last_row + 1)
    ref = cell or (_("row {number}").format(number=row) if row else None)
    match = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", cell or "")
    if match:
        from openpyxl.utils import column_index_from_string

        place = Where(
            where.file, where.sheet, int(match.group(2)), column_index_from_string(match.group(1))
        )
        ref = None
    elif ref is not None:
        place = _("{where}, after row {row}").format(
            where=Where(where.file, where.sheet), row=last_row
        )
    detail = (
        library_reason(exc)
        if not isinstance(exc, IndexError)
        else _("it refers to a text that is not in the file")
    )
    if ref is not None:
        detail = _("the cell or row written as {ref!r}: {detail}").format(ref=ref, detail=detail)
    return _(
        "{where}: the file is damaged here and cannot be read on ({detail}). It was probably "
        "not saved by Excel. Open it in Excel or LibreOffice, check this cell, and save it "
        "again as .xlsx."
    ).format(where=place, detail=detail)


def xlsx_rows(
    workbook: Any, sheet: str, where: Where, problems: list[str]
) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as values; a damaged cell ends them with a located problem."""
    ws = workbook[sheet]
    # The stored dimension is often wrong in files written by other programs; ignore it.
    ws.reset_dimensions()
    rows = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl's lazy reader: a damaged cell, row or reference
            problems.append(_damage_problem(exc, where, number))
            return
        number += 1
        yield values


def formula_finder(data: bytes, sheet: str) -> Callable[[int, int], str | None]:
    """Look up the formula of a cell, reading the sheet's formulas once, on first use.

    Read with cached values only, a formula Excel never calculated (a file written by a
    program, not saved by Excel) reads as an empty cell; a clerk should hear "formula".
    """
    found: dict[tuple[int, int], str] | None = None

    def formula_at(row: int, column: int) -> str | None:
        nonlocal found
        if found is None:
            import openpyxl

            found = {}
            try:
                book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                try:
                    ws = book[sheet]
                    ws.reset_dimensions()
                    for cells in ws.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS * 2):
                        for cell in cells:
                            value = getattr(cell, "value", None)
                            if isinstance(value, str) and value.startswith("="):
                                found[(cell.row, cell.column)] = value
                finally:
                    book.close()
            except Exception:  # noqa: BLE001 — only a better wording is lost
                pass
        return found.get((row, column))

    return formula_at


def csv_rows(path: Path, display: str) -> list[tuple[Any, ...]]:
    raw = read_untrusted(path, what=display, max_bytes=MAX_FILE_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocgenError(
            _(
                "{file}, row {row}: the file is not UTF-8 text. In Excel use Save As → "
                '"CSV UTF-8 (Comma delimited)", or save as .xlsx.'
            ).format(file=display, row=line)
        ) from None
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [tuple(row[:MAX_COLUMNS]) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise DocgenError(
            _("{file}: the CSV cannot be read ({reason}).").format(
                file=display, reason=library_reason(exc)
            )
        ) from None
