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
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docgen.errors import DocgenError
from docgen.explain import library_reason
from docgen.i18n import _, ngettext
from docgen.safezip import ZipLimits, open_xlsx_safely
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
            parts.append(_('sheet "{sheet}"').format(sheet=self.sheet))
        if self.row is not None:
            parts.append(_("row {row}").format(row=self.row))
        if self.column is not None:
            col = _("column {column}").format(column=column_letter(self.column))
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
            return _("no recipients")


# ---------------------------------------------------------------------------------------------
# Reading raw rows
# ---------------------------------------------------------------------------------------------


def _check_size(path: Path, display: str) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocgenError(_("{file}: no such file.").format(file=display)) from None
    except OSError as exc:
        raise DocgenError(
            _("{file}: cannot be read ({reason}).").format(file=display, reason=exc.strerror)
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


def _xlsx_sheets(path: Path, display: str) -> tuple[Any, list[str]]:
    """Open an .xlsx read-only after checking it is safe to; return (workbook, sheet names)."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocgenError(
            _(
                "{file}: this is an old Excel 97–2003 (.xls) file; open it in Excel or "
                "LibreOffice and save it as .xlsx (Excel Workbook)."
            ).format(file=display)
        )
    # Zip bombs, overlapping members, passwords and DOCTYPE/entity tricks (XXE) are refused by
    # the shared checker before openpyxl sees a byte; the bytes checked are the bytes read.
    limits = ZipLimits(max_file_bytes=MAX_FILE_BYTES, max_total_bytes=MAX_UNPACKED_BYTES)
    data = open_xlsx_safely(path, what=display, limits=limits)
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
    return workbook, names


def _xlsx_rows(workbook: Any, sheet: str) -> Iterator[tuple[Any, ...]]:
    ws = workbook[sheet]
    # The stored dimension is often wrong in files written by other programs; ignore it.
    ws.reset_dimensions()
    yield from ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)


def _csv_rows(path: Path, display: str) -> list[tuple[Any, ...]]:
    raw = path.read_bytes()
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


def _read_table(
    rows: Iterable[tuple[Any, ...]],
    where: Where,
    forced: Kind | None,
    out: RecipientList,
    *,
    required: bool,
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
        if bad:
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            out.problems.append(
                _(
                    "{where}: more than {limit} filled rows; an award list is expected to be "
                    "shorter. Split the file."
                ).format(where=Where(where.file, where.sheet, number), limit=MAX_ROWS)
            )
            break
        section = _row(
            cells, number, roles, report, section, sheet_kind, where, out, unknown_kind_rows
        )
    if roles is None:
        if required:
            out.problems.append(
                _(
                    "{where}: no header row found in the first {limit} filled rows. "
                    "The table needs a row of column names with at least a name column "
                    '("Tên tập thể", "Họ và tên" or "Tên tập thể / Họ và tên"), and usually STT, '
                    '"Chức vụ", "Đơn vị" and "Loại" (Tập thể / Cá nhân).'
                ).format(where=where, limit=HEADER_SEARCH_ROWS)
            )
        return
    if unknown_kind_rows:
        first, n = unknown_kind_rows[0], len(unknown_kind_rows)
        more = (
            " "
            + ngettext("(and {count} more row)", "(and {count} more rows)", n - 1).format(
                count=n - 1
            )
            if n > 1
            else ""
        )
        out.problems.append(
            _(
                "{where}{more}: cannot tell whether this is a collective or an individual. Add a "
                'column "Loại" holding Tập thể or Cá nhân, or section rows "I. TẬP THỂ" / '
                '"II. CÁ NHÂN", or put each kind on a sheet named "Tập thể" / "Cá nhân".'
            ).format(where=Where(where.file, where.sheet, first), more=more)
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
        out.problems.append(
            _(
                "{where}: the name is empty, but the row holds {cells}. Fill in the name or "
                "delete the row."
            ).format(where=at(number, col, "name"), cells=", ".join(repr(c) for c in filled[:3]))
        )
        return section
    kind: Kind | None = None
    kind_text = get("kind")
    if kind_text:
        kind = _KIND_WORDS.get(fold(kind_text))
        if kind is None:
            out.problems.append(
                _("{where}: {kind!r} is not a kind of recipient; write Tập thể or Cá nhân.").format(
                    where=at(number, roles["kind"], "kind"), kind=kind_text
                )
            )
            return section
    if kind is not None and sheet_kind is not None and kind != sheet_kind and section is None:
        holds = _("collectives") if sheet_kind == "collective" else _("individuals")
        out.problems.append(
            _(
                "{where}: the row says {kind!r} but this sheet holds {holds}; move the row to the "
                "right sheet or correct the kind."
            ).format(where=at(number, roles["kind"], "kind"), kind=kind_text, holds=holds)
        )
        return section
    kind = kind or section or sheet_kind or _NAME_HINT.get(fold(report.columns.get("name", "")))
    if kind is None:
        unknown_kind_rows.append(number)
        return section
    position = get("position") or None
    if kind == "collective" and position:
        out.problems.append(
            _(
                "{where}: a collective has no position ({position!r}); leave the cell empty, or "
                "mark the row Cá nhân if it is a person."
            ).format(where=at(number, roles["position"], "position"), position=position)
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
        where = _("row {row}").format(row=first.where.row)
        if first.where.sheet != r.where.sheet:
            where = _('sheet "{sheet}"').format(sheet=first.where.sheet) + f", {where}"
        out.problems.append(
            _(
                "{where}: {name!r} is listed twice (first at {first}); delete one of the rows, "
                "or tell the two apart in the Đơn vị column if they are different people."
            ).format(where=r.where, name=r.name, first=where)
        )


def _pick_sheet(names: list[str], wanted: str, display: str) -> str:
    for name in names:
        if name == wanted:
            return name
    for name in names:  # forgive case, diacritics and spacing: "tap the" finds "Tập thể"
        if fold(name) == fold(wanted):
            return name
    raise DocgenError(
        _('{file}: there is no sheet "{wanted}"; the sheets are {sheets}.').format(
            file=display, wanted=wanted, sheets=", ".join(repr(n) for n in names)
        )
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
            _(
                "{file}: expected an .xlsx or .csv file, not {suffix}; save the list from Excel "
                "or LibreOffice as .xlsx (or CSV UTF-8)."
            ).format(file=display, suffix=path.suffix or _("a file without an extension"))
        )
    _check_size(path, display)
    out = RecipientList(display)
    whole = False
    if suffix == ".csv":
        if sheet or collectives_sheet or individuals_sheet:
            raise DocgenError(
                _("{file}: a .csv file has no sheets; remove the sheet names.").format(file=display)
            )
        _read_table(_csv_rows(path, display), Where(display), None, out, required=True)
    else:
        workbook, names = _xlsx_sheets(path, display)
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
                _read_table(_xlsx_rows(workbook, name), where, kind, out, required=required)
        finally:
            workbook.close()
        if not out.sheets and not out.problems:
            out.problems.append(
                _(
                    "{file}: no sheet holds a table with a name column "
                    '("Tên tập thể", "Họ và tên" or "Tên tập thể / Họ và tên").'
                ).format(file=display)
            )
    _duplicates(out, per_sheet=whole)
    if not out.problems and not out.collectives and not out.individuals:
        out.problems.append(_("{file}: the table holds no recipients.").format(file=display))
    if out.problems:
        n = len(out.problems)
        raise DocgenError(
            ngettext("{file} has {count} problem:", "{file} has {count} problems:", n).format(
                file=display, count=n
            ),
            out.problems,
        )
    return out


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
            head = _("award group {number} ({key}) takes its recipients from {file}:").format(
                number=index + 1, key=group.key, file=display
            )
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
        if source:
            head = _("{file}: the award lists cannot be read:").format(file=source)
        else:
            head = _("The award lists cannot be read:")
        raise DocgenError(head, problems)


def describe(found: RecipientList) -> str:
    """A readable account of what was read, for ``docgen awards check``."""
    lines = [f"{found.source}: {found.counts()}"]
    for report in found.sheets:
        name = (
            _('sheet "{sheet}"').format(sheet=report.name)
            if report.name is not None
            else _("table")
        )
        cols = ", ".join(f"{_ROLE_LABEL[r]} = {h!r}" for r, h in report.columns.items())
        lines.append(
            "  "
            + _("{name}: header at row {row}; {columns}").format(
                name=name, row=report.header_row, columns=cols
            )
        )
        if report.ignored:
            lines.append(
                "    "
                + _("columns not used: {columns}").format(
                    columns=", ".join(repr(h) for h in report.ignored)
                )
            )
    for title, people in (("I. TẬP THỂ", found.collectives), ("II. CÁ NHÂN", found.individuals)):
        if not people:
            continue
        lines.append(title)
        for i, r in enumerate(people, start=1):
            details = ", ".join(p for p in (r.position, r.unit) if p)
            lines.append(f"  {i}. {r.name}" + (f" — {details}" if details else ""))
    return "\n".join(lines)
