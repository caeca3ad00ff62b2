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

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docgen.errors import DocgenError
from docgen.i18n import N_, _, language, ngettext
from docgen.vietnamese import clean_text, format_counts
from docgen.workbook import (
    MAX_ROWS,
    Where,
    check_size,
    csv_rows,
    formula_finder,
    xlsx_rows,
    xlsx_sheets,
)

if TYPE_CHECKING:
    from docgen.model import MeetingRecord

Kind = Literal["collective", "individual"]

HEADER_SEARCH_ROWS = 20  # the header row must be among the first rows
#: Excel files formatted "to the bottom" hold a million empty rows; a run this long of empty
#: rows ends the table rather than costing a minute of reading nothing.
EMPTY_RUN_END = 1000
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
#: What a column of words holds, for a message about a number found in it.
_WORDS_EXPECTED = {
    "name": N_("the name of the collective or the person's full name"),
    "position": N_("a position"),
    "unit": N_("the name of a unit"),
}
#: Excel stores a date as the days since 30/12/1899: 1 to 73050 are 1900 to 2099.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_DATES = range(1, 73051)


def _not_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return _("a TRUE/FALSE value")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _("a date or time")
    return None


def _number_in_words_column(value: Any, role: str, where: Where) -> str | None:
    """The problem of a number in a name, position or unit cell, or None.

    openpyxl gives a date as a number when the cell's format is not one it knows for a date
    (44927 for 01/01/2023), and a shifted column puts a number where a name belongs; either
    read as text would print "44927" as a person's name.
    """
    if role not in _WORDS_EXPECTED or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    from babel.numbers import format_decimal

    expected = _(_WORDS_EXPECTED[role])
    # As Excel shows it to this reader: 3,5 in Vietnamese; never grouped, as a cell shows it.
    shown = format_decimal(value, format="0.##########", locale=language())
    if isinstance(value, int) or value.is_integer():
        if int(value) in _EXCEL_DATES:
            date = _EXCEL_EPOCH + dt.timedelta(days=int(value))
            return _(
                "{where}: the cell holds the number {value} (how Excel stores the date {date}), "
                "but this column needs {expected}, written as text. Check that the columns are "
                "not shifted, format the cell as Text and type {expected} in it again."
            ).format(where=where, value=shown, date=f"{date:%d/%m/%Y}", expected=expected)
    return _(
        "{where}: the cell holds the number {value}, but this column needs {expected}, "
        "written as text. Check that the columns are not shifted, format the cell as Text and "
        "type {expected} in it again."
    ).format(where=where, value=shown, expected=expected)


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
            if col is None or col >= len(values):
                continue
            cell_at = Where(where.file, where.sheet, number, col + 1, report.columns[role])
            number_problem = _number_in_words_column(values[col], role, cell_at)
            if number_problem is not None:
                bad = True
                out.problems.append(number_problem)
                continue
            kind_of = _not_text(values[col])
            if kind_of is not None:
                bad = True
                out.problems.append(
                    _(
                        "{where}: the cell holds {kind} ({value}), not text. Excel turned what "
                        "was typed into another kind of value; format the cell as Text and "
                        "type it again."
                    ).format(
                        where=cell_at,
                        kind=kind_of,
                        value=cells[col],
                    )
                )
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
    check_size(path, display)
    out = RecipientList(display)
    whole = False
    if suffix == ".csv":
        if sheet or collectives_sheet or individuals_sheet:
            raise DocgenError(
                _("{file}: a .csv file has no sheets; remove the sheet names.").format(file=display)
            )
        _read_table(csv_rows(path, display), Where(display), None, out, required=True)
    else:
        workbook, names, data = xlsx_sheets(path, display)
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
                    xlsx_rows(workbook, name, where, out.problems),
                    where,
                    kind,
                    out,
                    required=required,
                    formula_at=formula_finder(data, name),
                )
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
            cap_problems(out.problems),
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
