"""Award recipients from the spreadsheets member units send (.xlsx or .csv).

Award lists arrive as Excel files typed by many hands: a title row or two above the table,
headers with or without diacritics ("Họ và tên", "HO VA TEN", "Họ  và tên "), section rows
("I. TẬP THỂ", "II. CÁ NHÂN"), blank rows, a stray "Ghi chú" column. So the reader looks for the
header row by its Vietnamese column names instead of assuming row 1, and tells collectives from
individuals by, in order: a "Loại" column (Tập thể / Cá nhân), the last section row above, the
sheet (named "Tập thể"/"Cá nhân", or given as such in the meeting file), or the name column's
own header ("Tên tập thể" / "Họ và tên").

Every problem names the file, the sheet, the row and the column as Excel shows them, so a clerk
can go straight to the cell; all problems of a file are reported at once. Spreadsheets are
untrusted input: the file size, the unpacked size of an .xlsx (a zip), the number of sheets,
rows and columns read are all bounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docgen.errors import DocgenError
from docgen.i18n import _, ngettext
from docgen.safezip import ZipLimits, open_xlsx_safely, parse_xml, read_untrusted, refuse_ole
from docgen.vietnamese import clean_text, format_counts

if TYPE_CHECKING:
    from docgen.model import MeetingRecord

Kind = Literal["collective", "individual"]

#: Bounds on untrusted files. An award list has tens of rows; these leave room for thousands.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members of an .xlsx zip together (zip bombs)
MAX_SHEETS = 50
MAX_ROWS = 10_000  # filled rows per sheet
MAX_COLUMNS = 40  # columns read per row; award tables have five or six
HEADER_SEARCH_ROWS = 20  # the header row must be among the first rows
#: Excel files formatted "to the bottom" hold a million empty rows; a run this long of empty
#: rows ends the table rather than costing a minute of reading nothing.
EMPTY_RUN_END = 1000
#: A sheet whose XML unpacks beyond this holds far more rows than an award list (10,000 rows of
#: six columns are ~3 MB); it is refused as "too many rows" before anything is parsed.
MAX_SHEET_XML_BYTES = 30 * 2**20
#: Problems listed in one message; a sheet of 200,000 bad rows is summed up, not printed.
MAX_PROBLEMS_SHOWN = 50
#: What Excel shows in a cell whose formula failed; such a cell holds no name.
ERROR_VALUES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#CONNECT!",
        "#BUSY!",
    }
)


def fold(text: str) -> str:
    """Lower-case ASCII skeleton for matching headers: 'Họ  và TÊN' → 'ho va ten'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Header names by role, folded. A clerk's header is matched exactly after folding, so
# "Đơn vị" is a unit and "Tên đơn vị được khen" is not mistaken for one.
_HEADERS: dict[str, set[str]] = {
    "stt": {"stt", "tt", "so tt", "so thu tu"},
    "name": {
        "ho va ten",
        "ho ten",
        "ten tap the",
        "ten",
        "ten tap the ho va ten",
        "ten tap the ho ten",
        "ho va ten ten tap the",
        "ten tap the ca nhan",
        "ten tap the hoac ca nhan",
        "tap the ca nhan duoc khen",
    },
    "position": {"chuc vu", "chuc danh", "chuc vu chuc danh"},
    "unit": {"don vi", "co quan", "co quan don vi", "don vi cong tac", "noi cong tac", "thuoc"},
    "kind": {"loai", "phan loai", "doi tuong", "tap the ca nhan", "hinh thuc"},
    "golden_book": {"so so vang", "so vang", "so vao so vang", "so vao so"},
}
_ROLE_OF = {name: role for role, names in _HEADERS.items() for name in names}
_NAME_HINT: dict[str, Kind] = {
    "ten tap the": "collective",
    "ho va ten": "individual",
    "ho ten": "individual",
}
_KIND_WORDS: dict[str, Kind] = {
    "tap the": "collective",
    "collective": "collective",
    "ca nhan": "individual",
    "cn": "individual",
    "individual": "individual",
}
# "I. TẬP THỂ", "II - CÁ NHÂN", "A. Tập thể" (folded: "i tap the").
_SECTION = re.compile(r"^(?:[ivx]+|[a-d]|\d+)?\s*(tap the|ca nhan)$")
_ROLE_LABEL = {
    "name": "Tên tập thể / Họ và tên",
    "position": "Chức vụ",
    "unit": "Đơn vị",
    "kind": "Loại",
    "golden_book": "Số sổ vàng",
    "stt": "STT",
}


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
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            col = f"column {column_letter(self.column)}"
            parts.append(f"{col} ({self.header})" if self.header else col)
        return ", ".join(parts)


@dataclass
class Recipient:
    kind: Kind
    name: str
    position: str | None
    unit: str | None
    golden_book: str | None
    where: Where


@dataclass
class SheetReport:
    """What was read from one sheet, for ``docgen awards check``."""

    name: str | None
    header_row: int | None
    columns: dict[str, str] = field(default_factory=dict)  # role → header as written
    ignored: list[str] = field(default_factory=list)  # headers not understood
    rows: int = 0


@dataclass
class RecipientList:
    source: str
    collectives: list[Recipient] = field(default_factory=list)
    individuals: list[Recipient] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> str:
        try:
            return format_counts(len(self.collectives), len(self.individuals))
        except ValueError:
            return "no recipients"


# ---------------------------------------------------------------------------------------------
# Reading raw rows
# ---------------------------------------------------------------------------------------------


def _check_size(path: Path, display: str) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocgenError(f"{display}: no such file.") from None
    except OSError as exc:
        raise DocgenError(f"{display}: cannot be read ({exc.strerror}).") from None
    if path.is_dir():
        raise DocgenError(f"{display}: this is a folder; give the .xlsx or .csv file.")
    if size > MAX_FILE_BYTES:
        raise DocgenError(
            f"{display}: the file is {size / 1e6:.0f} MB; an award list is expected to be under "
            f"{MAX_FILE_BYTES // 2**20} MB. Remove pictures or unrelated sheets and save it again."
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


def _xlsx_sheets(path: Path, display: str) -> tuple[Any, list[str], bytes]:
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
        raise DocgenError(f"{display}: the workbook cannot be read ({exc}).") from None
    names = list(workbook.sheetnames)
    if len(names) > MAX_SHEETS:
        workbook.close()
        raise DocgenError(f"{display}: {len(names)} sheets; at most {MAX_SHEETS} are read.")
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
    ref = cell or (f"row {row}" if row else None)
    match = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", cell or "")
    if match:
        from openpyxl.utils import column_index_from_string

        place = Where(
            where.file, where.sheet, int(match.group(2)), column_index_from_string(match.group(1))
        )
        ref = None
    elif ref is not None:
        place = f"{Where(where.file, where.sheet)}, after row {last_row}"
    detail = (
        str(exc)
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


def _xlsx_rows(
    workbook: Any, sheet: str, where: Where, out: RecipientList
) -> Iterator[tuple[Any, ...]]:
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
            out.problems.append(_damage_problem(exc, where, number))
            return
        number += 1
        yield values


def _formula_finder(data: bytes, sheet: str) -> Callable[[int, int], str | None]:
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


def _csv_rows(path: Path, display: str) -> list[tuple[Any, ...]]:
    raw = read_untrusted(path, what=display, max_bytes=MAX_FILE_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocgenError(
            f"{display}, row {line}: the file is not UTF-8 text. In Excel use Save As → "
            '"CSV UTF-8 (Comma delimited)", or save as .xlsx.'
        ) from None
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [tuple(row[:MAX_COLUMNS]) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise DocgenError(f"{display}: the CSV cannot be read ({exc}).") from None


# ---------------------------------------------------------------------------------------------
# Interpreting a table
# ---------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as text; raises ValueError for invisible characters (see clean_text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str) and value.strip().upper() in ERROR_VALUES:
        raise ValueError(
            _(
                "the cell shows the Excel error {error}: its formula failed, so it holds no "
                "value. Correct the formula, or type the value itself."
            ).format(error=value.strip())
        )
    text = str(value)
    # Alt+Enter inside an Excel cell is a line break the clerk meant as a space.
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return clean_text(text)


def _sheet_kind(sheet: str | None) -> Kind | None:
    if sheet is None:
        return None
    folded = fold(sheet)
    has_c, has_i = "tap the" in folded, "ca nhan" in folded
    if has_c != has_i:
        return "collective" if has_c else "individual"
    return None


def _header_roles(cells: list[str]) -> tuple[dict[str, int], list[str]] | None:
    """Role → column index if this row is the header (it holds a name column), else None."""
    roles: dict[str, int] = {}
    ignored = []
    for i, text in enumerate(cells):
        if not text:
            continue
        role = _ROLE_OF.get(fold(text))
        if role and role not in roles:
            roles[role] = i
        else:
            ignored.append(text)
    return (roles, ignored) if "name" in roles else None


#: The columns whose cells must hold text: a date or TRUE/FALSE there is a typing slip.
_TEXT_ROLES = ("name", "position", "unit", "kind")


def _not_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return _("a TRUE/FALSE value")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _("a date or time")
    return None


def _read_table(
    rows: Iterable[tuple[Any, ...]],
    where: Where,
    forced: Kind | None,
    out: RecipientList,
    *,
    required: bool,
    formula_at: Callable[[int, int], str | None] | None = None,
) -> None:
    """Read one sheet (or a CSV) into ``out``; problems are appended, never raised."""
    report = SheetReport(where.sheet, None)
    roles: dict[str, int] | None = None
    searched = 0
    section: Kind | None = None
    unknown_kind_rows: list[int] = []
    empty_run = 0
    sheet_kind = forced or _sheet_kind(where.sheet)

    for number, values in enumerate(rows, start=1):
        cells: list[str] = []
        bad = False
        for col, value in enumerate(values):
            try:
                cells.append(_cell_text(value))
            except ValueError as exc:
                cells.append("")
                bad = True
                header = report.columns.get(_role_at(roles, col)) if roles else None
                out.problems.append(
                    f"{Where(where.file, where.sheet, number, col + 1, header)}: {exc}"
                )
        if not any(cells) and not bad:
            empty_run += 1
            if empty_run >= EMPTY_RUN_END:
                break
            continue
        empty_run = 0
        if roles is None:
            found = _header_roles(cells)
            if found is None:
                searched += 1
                if searched >= HEADER_SEARCH_ROWS:
                    break
                continue
            roles, report.ignored = found
            report.header_row = number
            report.columns = {role: cells[i] for role, i in roles.items()}
            continue
        for role in _TEXT_ROLES:
            col = roles.get(role)
            kind_of = _not_text(values[col]) if col is not None and col < len(values) else None
            if kind_of is not None:
                bad = True
                out.problems.append(
                    _(
                        "{where}: the cell holds {kind} ({value}), not text. Excel turned what "
                        "was typed into another kind of value; format the cell as Text and "
                        "type it again."
                    ).format(
                        where=Where(where.file, where.sheet, number, col + 1, report.columns[role]),
                        kind=kind_of,
                        value=cells[col],
                    )
                )
        if bad:
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            out.problems.append(
                f"{Where(where.file, where.sheet, number)}: more than {MAX_ROWS} filled rows; an "
                "award list is expected to be shorter. Split the file."
            )
            break
        section = _row(
            cells,
            number,
            roles,
            report,
            section,
            sheet_kind,
            where,
            out,
            unknown_kind_rows,
            formula_at,
        )
    if roles is None:
        if required:
            out.problems.append(
                f"{where}: no header row found in the first {HEADER_SEARCH_ROWS} filled rows. "
                "The table needs a row of column names with at least a name column "
                '("Tên tập thể", "Họ và tên" or "Tên tập thể / Họ và tên"), and usually STT, '
                '"Chức vụ", "Đơn vị" and "Loại" (Tập thể / Cá nhân).'
            )
        return
    if unknown_kind_rows:
        first, n = unknown_kind_rows[0], len(unknown_kind_rows)
        more = f" (and {n - 1} more row{'s' if n > 2 else ''})" if n > 1 else ""
        out.problems.append(
            f"{Where(where.file, where.sheet, first)}{more}: cannot tell whether this is a "
            'collective or an individual. Add a column "Loại" holding Tập thể or Cá nhân, or '
            'section rows "I. TẬP THỂ" / "II. CÁ NHÂN", or put each kind on a sheet named '
            '"Tập thể" / "Cá nhân".'
        )
    out.sheets.append(report)


def _role_at(roles: dict[str, int], col: int) -> str:
    return next((role for role, i in roles.items() if i == col), "")


def _row(
    cells: list[str],
    number: int,
    roles: dict[str, int],
    report: SheetReport,
    section: Kind | None,
    sheet_kind: Kind | None,
    where: Where,
    out: RecipientList,
    unknown_kind_rows: list[int],
    formula_at: Callable[[int, int], str | None] | None = None,
) -> Kind | None:
    """Interpret one filled row below the header; return the section in force after it."""

    def at(row: int, col: int | None = None, role: str = "") -> Where:
        column = None if col is None else col + 1
        return Where(where.file, where.sheet, row, column, report.columns.get(role))

    def get(role: str) -> str:
        i = roles.get(role)
        return cells[i] if i is not None and i < len(cells) else ""

    filled = [c for c in cells if c]
    if len(filled) == 1:
        m = _SECTION.match(fold(filled[0]))
        if m:
            report.rows -= 1
            return _KIND_WORDS[m.group(1)]
    name = get("name")
    if not name:
        col = roles["name"]
        formula = formula_at(number, col + 1) if formula_at is not None else None
        if formula is not None:
            out.problems.append(
                _(
                    "{where}: the name is a formula ({formula}) whose result was never saved "
                    "in the file, so there is no name to read. Open the file in Excel, let it "
                    "calculate, and save it; or replace the formula by the name itself."
                ).format(where=at(number, col, "name"), formula=formula[:80])
            )
            return section
        out.problems.append(
            f"{at(number, col, 'name')}: the name is empty, but the row holds "
            f"{', '.join(repr(c) for c in filled[:3])}. Fill in the name or delete the row."
        )
        return section
    kind: Kind | None = None
    kind_text = get("kind")
    if kind_text:
        kind = _KIND_WORDS.get(fold(kind_text))
        if kind is None:
            out.problems.append(
                f"{at(number, roles['kind'], 'kind')}: {kind_text!r} is not a kind of recipient; "
                "write Tập thể or Cá nhân."
            )
            return section
    if kind is not None and sheet_kind is not None and kind != sheet_kind and section is None:
        out.problems.append(
            f"{at(number, roles['kind'], 'kind')}: the row says {kind_text!r} but this sheet "
            f"holds {'collectives' if sheet_kind == 'collective' else 'individuals'}; move the "
            "row to the right sheet or correct the kind."
        )
        return section
    kind = kind or section or sheet_kind or _NAME_HINT.get(fold(report.columns.get("name", "")))
    if kind is None:
        unknown_kind_rows.append(number)
        return section
    position = get("position") or None
    if kind == "collective" and position:
        out.problems.append(
            f"{at(number, roles['position'], 'position')}: a collective has no position "
            f"({position!r}); leave the cell empty, or mark the row Cá nhân if it is a person."
        )
        return section
    recipient = Recipient(
        kind, name, position, get("unit") or None, get("golden_book") or None, at(number)
    )
    (out.collectives if kind == "collective" else out.individuals).append(recipient)
    return section


def _duplicates(out: RecipientList, *, per_sheet: bool) -> None:
    # A workbook read whole may hold several award groups, one per sheet, and one person may
    # rightly be in two of them; within one list a repeat is a mistake.
    seen: dict[tuple[str | None, ...], Recipient] = {}
    for r in [*out.collectives, *out.individuals]:
        key = (
            r.where.sheet if per_sheet else None,
            r.kind,
            r.name.casefold(),
            (r.position or "").casefold(),
            (r.unit or "").casefold(),
        )
        first = seen.get(key)
        if first is None:
            seen[key] = r
            continue
        where = f"row {first.where.row}"
        if first.where.sheet != r.where.sheet:
            where = f'sheet "{first.where.sheet}", {where}'
        out.problems.append(
            f"{r.where}: {r.name!r} is listed twice (first at {where}); delete one of the rows, "
            "or tell the two apart in the Đơn vị column if they are different people."
        )


def _pick_sheet(names: list[str], wanted: str, display: str) -> str:
    for name in names:
        if name == wanted:
            return name
    for name in names:  # forgive case, diacritics and spacing: "tap the" finds "Tập thể"
        if fold(name) == fold(wanted):
            return name
    raise DocgenError(
        f'{display}: there is no sheet "{wanted}"; the sheets are '
        f"{', '.join(repr(n) for n in names)}."
    )


def read_recipients(
    path: str | Path,
    *,
    sheet: str | None = None,
    collectives_sheet: str | None = None,
    individuals_sheet: str | None = None,
    display: str | None = None,
) -> RecipientList:
    """Read an award list; raise :class:`DocgenError` listing every located problem.

    ``sheet`` reads one sheet; ``collectives_sheet``/``individuals_sheet`` read sheets that
    hold one kind each; with none of them every sheet with a recognisable table is read.
    ``display`` is how the file is named in messages (defaults to the path as given).
    """
    path = Path(path)
    display = display or str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise DocgenError(
            f"{display}: expected an .xlsx or .csv file, not "
            f"{path.suffix or 'a file without an extension'}; save the list from Excel or "
            "LibreOffice as .xlsx (or CSV UTF-8)."
        )
    _check_size(path, display)
    out = RecipientList(display)
    whole = False
    if suffix == ".csv":
        if sheet or collectives_sheet or individuals_sheet:
            raise DocgenError(f"{display}: a .csv file has no sheets; remove the sheet names.")
        _read_table(_csv_rows(path, display), Where(display), None, out, required=True)
    else:
        workbook, names, data = _xlsx_sheets(path, display)
        try:
            plan: list[tuple[str, Kind | None, bool]] = []
            if collectives_sheet:
                plan.append((_pick_sheet(names, collectives_sheet, display), "collective", True))
            if individuals_sheet:
                plan.append((_pick_sheet(names, individuals_sheet, display), "individual", True))
            if sheet:
                plan.append((_pick_sheet(names, sheet, display), None, True))
            whole = not plan
            if whole:
                plan = [(name, None, False) for name in names]
            for name, kind, required in plan:
                where = Where(display, name)
                _read_table(
                    _xlsx_rows(workbook, name, where, out),
                    where,
                    kind,
                    out,
                    required=required,
                    formula_at=_formula_finder(data, name),
                )
        finally:
            workbook.close()
        if not out.sheets and not out.problems:
            out.problems.append(
                f"{display}: no sheet holds a table with a name column "
                '("Tên tập thể", "Họ và tên" or "Tên tập thể / Họ và tên").'
            )
    _duplicates(out, per_sheet=whole)
    if not out.problems and not out.collectives and not out.individuals:
        out.problems.append(f"{display}: the table holds no recipients.")
    if out.problems:
        n = len(out.problems)
        raise DocgenError(
            f"{display} has {n} problem{'s' if n > 1 else ''}:", cap_problems(out.problems)
        )
    return out


def cap_problems(problems: list[str], limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
    """The first ``limit`` problems and a line counting the rest: a report a clerk can read."""
    if len(problems) <= limit:
        return problems
    rest = len(problems) - limit
    return [
        *problems[:limit],
        ngettext("… and {count:,} more problem.", "… and {count:,} more problems.", rest).format(
            count=rest
        ),
    ]


def fill_recipients(record: MeetingRecord, base_dir: str | Path, source: str = "") -> None:
    """Replace each award group's ``recipients_from`` by the recipients it names.

    Paths are relative to the meeting file's folder (``base_dir``). Problems of all groups are
    gathered and raised together as one :class:`DocgenError`.
    """
    from docgen.model import Collective, Individual

    problems: list[str] = []
    base = Path(base_dir)
    for index, group in enumerate(record.awards):
        spec = group.recipients_from
        if spec is None:
            continue
        path = base / spec.file
        display = str(path) if not Path(spec.file).is_absolute() else spec.file
        try:
            found = read_recipients(
                path,
                sheet=spec.sheet,
                collectives_sheet=spec.collectives_sheet,
                individuals_sheet=spec.individuals_sheet,
                display=display,
            )
        except DocgenError as exc:
            head = f"award group {index + 1} ({group.key}) takes its recipients from {display}:"
            problems.append(head)
            problems.extend(exc.problems or [str(exc)])
            continue
        group.collectives = [
            Collective(name=r.name, unit=r.unit, golden_book=r.golden_book)
            for r in found.collectives
        ]
        group.individuals = [
            Individual(name=r.name, position=r.position, unit=r.unit, golden_book=r.golden_book)
            for r in found.individuals
        ]
    if problems:
        where = f"{source}: " if source else ""
        raise DocgenError(f"{where}the award lists cannot be read:", problems)


def describe(found: RecipientList) -> str:
    """A readable account of what was read, for ``docgen awards check``."""
    lines = [f"{found.source}: {found.counts()}"]
    for report in found.sheets:
        name = f'sheet "{report.name}"' if report.name is not None else "table"
        cols = ", ".join(f"{_ROLE_LABEL[r]} = {h!r}" for r, h in report.columns.items())
        lines.append(f"  {name}: header at row {report.header_row}; {cols}")
        if report.ignored:
            lines.append(f"    columns not used: {', '.join(repr(h) for h in report.ignored)}")
    for title, people in (("I. TẬP THỂ", found.collectives), ("II. CÁ NHÂN", found.individuals)):
        if not people:
            continue
        lines.append(title)
        for i, r in enumerate(people, start=1):
            details = ", ".join(p for p in (r.position, r.unit) if p)
            lines.append(f"  {i}. {r.name}" + (f" — {details}" if details else ""))
    return "\n".join(lines)
