"""The meetings list, "Cuộc họp mới" and the meeting form.

The form posts everything it holds on every button. Buttons that edit the form itself (add,
remove or move a row, take recipients from pasted cells or a spreadsheet) send the page back
with the change and touch no file; "Lưu" merges the values into the file (see
:mod:`docgen.web.yamlio`) and validates the file with the function ``docgen validate`` uses.
A file changed on disk since the page was opened is not overwritten: the page comes back with
what was typed and offers to reload the file or to save the typed content as a copy.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from docgen.documents import DOCUMENTS
from docgen.errors import DocgenError
from docgen.fieldnames import describe
from docgen.i18n import _, ngettext
from docgen.loader import skeleton_text
from docgen.outputs import atomic_write
from docgen.spreadsheet import read_recipients
from docgen.web import formspec, yamlio
from docgen.web.labels import Labels
from docgen.web.workspace import Workspace

bp = Blueprint("meetings", __name__)

PASTE_NAME = "pasted-cells.csv"  # how pasted cells are named in the reader's messages
# Text fields that usually hold a long line: given the form's whole width.
WIDE = {
    "name",
    "title",
    "venue",
    "authority",
    "authority_full",
    "proposal",
    "on_behalf_of",
    "content",
    "bring",
    "headline",
    "mode",
    # its choices name the decree or guide in full, which a one-column select would cut off
    "profile",
}


def _ws() -> Workspace:
    from docgen.web import workspace

    return workspace()


def problem_count(n: int) -> str:
    return ngettext("{n} problem", "{n} problems", n).format(n=n)


@bp.get("/")
def index():  # noqa: ANN201
    ws = _ws()
    rows = []
    for path in ws.meetings():
        check = ws.check(path)
        rows.append(
            {
                "name": path.name,
                "title": check.record.meeting.name if check.record else None,
                "date": check.record.meeting.date if check.record else None,
                "problems": len(check.problems),
                "last_build": ws.last_build(path),
            }
        )
    return render_template(
        "meetings.html", rows=rows, folder=ws.folder, problem_count=problem_count
    )


@bp.post("/new")
def new():  # noqa: ANN201
    ws = _ws()
    wanted = request.form.get("name", "")
    name = ws.new_name(wanted or _("new meeting"))
    path = ws.folder / name
    if path.exists():
        message = _(
            "{name} already exists; the workspace will not overwrite it. Choose another name."
        ).format(name=name)
        return render_template("error.html", message=message), 409
    atomic_write(path, skeleton_text().encode("utf-8"))
    return redirect(url_for("meetings.edit", name=name), code=303)


# ---------------------------------------------------------------------------------------------
# The form


class Page:
    """What the form page shows: values, problems by field, notices."""

    def __init__(self, path: Path, values: dict[str, Any], fingerprint: str | None) -> None:
        self.path = path
        self.values = values
        self.fingerprint = fingerprint
        self.problems: dict[str, list[str]] = {}
        self.general: list[str] = []
        self.saved = False
        self.changed_on_disk = False
        self.copy_name: str | None = None
        self.notes: list[str] = []
        self.unfit: str | None = None

    def add_problems(self, problems: list[str], fields: list[Any]) -> None:
        for text, loc in zip(problems, fields, strict=False):
            target = formspec.field_id(tuple(loc), self.values) if loc else ""
            if target:
                self.problems.setdefault(target, []).append(text)
            else:
                self.general.append(text)

    def add_at(self, target: str, text: str) -> None:
        self.problems.setdefault(target, []).append(text)

    @property
    def count(self) -> int:
        return len(self.general) + sum(len(v) for v in self.problems.values())


def _render(page: Page, status: int = 200):  # noqa: ANN202
    refs = formspec.references(page.values)
    return (
        render_template(
            "meeting_form.html",
            page=page,
            fields=formspec.meeting_fields(),
            refs=refs,
            labels=Labels(),
            problem_count=problem_count,
            documents=DOCUMENTS,
            wide_names=WIDE,
        ),
        status,
    )


def _from_file(ws: Workspace, path: Path) -> Page:
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    page = Page(path, {}, yamlio.fingerprint(data))
    try:
        document = yamlio.read_document(text, path.name)
        page.values = formspec.from_data(yamlio.plain(document) if document is not None else {})
    except DocgenError as exc:
        page.unfit = str(exc)
        return page
    except formspec.Unfit as exc:
        page.unfit = _(
            "{file}: the part {field} is not written the way the form edits it, so the form "
            "cannot show this file without losing it. Correct it in a text editor (docgen "
            "validate says how), then open it here again."
        ).format(file=path.name, field=describe(exc.path) if exc.path else _("(whole file)"))
        return page
    check = ws.check(path)
    page.add_problems(check.problems, check.fields)
    return page


@bp.get("/m/<name>")
def edit(name: str):  # noqa: ANN201
    ws = _ws()
    path = ws.meeting(name)
    return _render(_from_file(ws, path))


def _rows_at(values: dict[str, Any], dotted: str) -> list[Any] | None:
    """The list of rows named ``dotted`` (``people``, ``awards.0.individuals``) in the values."""
    node: Any = values
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node if isinstance(node, list) else None


def _field_at(dotted: str) -> formspec.Field | None:
    fields = formspec.meeting_fields()
    current: formspec.Field | None = None
    for part in dotted.split("."):
        if part.isdigit():
            if current is None:
                return None
            if current.kind == "list" and current.item is not None:
                current = current.item
            fields = current.fields
            continue
        current = next((f for f in fields if f.name == part), None)
        if current is None:
            return None
        fields = current.fields
    return current


def _blank(f: formspec.Field) -> Any:
    if f.kind == "keyed":
        return {formspec.KEY: None, **formspec.from_data_group(f.fields, {})}
    assert f.item is not None
    if f.item.kind == "group":
        return formspec.from_data_group(f.item.fields, {})
    return None


def _edit_rows(values: dict[str, Any], op: str) -> bool:
    """Apply ``add:<list>``, ``remove:<list>.<i>``, ``up:…``, ``down:…``; False if unknown."""
    verb, _sep, target = op.partition(":")
    if verb == "add":
        rows, f = _rows_at(values, target), _field_at(target)
        if rows is None or f is None or f.kind not in ("list", "keyed"):
            return False
        rows.append(_blank(f))
        return True
    container, _sep, index = target.rpartition(".")
    rows = _rows_at(values, container)
    if rows is None or not index.isdigit() or int(index) >= len(rows):
        return False
    i = int(index)
    if verb == "remove":
        del rows[i]
    elif verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i + 1 < len(rows):
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    elif verb not in ("up", "down"):
        return False
    return True


def _take_recipients(page: Page, group: str, source: str) -> None:
    """Append the recipients of pasted cells or an uploaded spreadsheet to award group ``group``."""
    groups = _rows_at(page.values, "awards")
    if groups is None or not group.isdigit() or int(group) >= len(groups):
        return
    target = f"awards.{group}"
    shown = f"{target}._recipients"  # beside the paste box and the upload button
    with tempfile.TemporaryDirectory(prefix="docgen-web-") as tmp:
        if source == "paste":
            cells = request.form.get(f"_paste.{target}", "")
            if not cells.strip():
                page.add_at(shown, _("Paste the cells copied from Excel first."))
                return
            file = Path(tmp) / PASTE_NAME
            file.write_text(cells.replace("\r\n", "\n"), encoding="utf-8")
            display = _("pasted cells")
        else:
            upload: FileStorage | None = request.files.get(f"_upload.{target}")
            if upload is None or not upload.filename:
                page.add_at(shown, _("Choose an .xlsx or .csv file first."))
                return
            display = Path(upload.filename).name
            suffix = Path(display).suffix.lower()
            file = Path(tmp) / f"upload{suffix}"
            upload.save(file)
        try:
            found = read_recipients(file, display=display)
        except DocgenError as exc:
            for text in exc.problems or [str(exc)]:
                page.add_at(shown, text)
            return
    row = groups[int(group)]
    if found.collectives:
        row["collectives"] = [
            *(row.get("collectives") or []),
            *(
                {"name": r.name, "unit": r.unit, "golden_book": r.golden_book}
                for r in found.collectives
            ),
        ]
    if found.individuals:
        row["individuals"] = [
            *(row.get("individuals") or []),
            *(
                {
                    "name": r.name,
                    "position": r.position,
                    "unit": r.unit,
                    "golden_book": r.golden_book,
                }
                for r in found.individuals
            ),
        ]
    page.notes.append(
        _("{source}: added {counts} to award group {n}.").format(
            source=display, counts=found.counts(), n=int(group) + 1
        )
    )


@bp.post("/m/<name>")
def post(name: str):  # noqa: ANN201
    ws = _ws()
    path = ws.meeting(name)
    op = request.form.get("_op", "save")
    expected = request.form.get("_fingerprint") or None
    pairs = list(request.form.items(multi=True))
    values = formspec.form_values(pairs, keep_empty=True)
    formspec.fill_keys(values)
    page = Page(path, values, expected)

    if op in ("save", "copy"):
        clean = formspec.form_values(pairs, keep_empty=False)
        formspec.fill_keys(clean)
        current = path.read_bytes()
        target = path
        if op == "copy":
            target = ws.folder / ws.copy_name(path)
            expected = None
        try:
            document = yamlio.read_document(current.decode("utf-8-sig", "replace"), path.name)
            text = yamlio.render(document, clean)
            yamlio.save(target, text, expected)
        except yamlio.Changed:
            page.changed_on_disk = True
            return _render(page, 409)
        except DocgenError as exc:
            page.general.append(str(exc))
            return _render(page, 422)
        if op == "copy":
            url = url_for("meetings.edit", name=target.name)
            if request.headers.get("HX-Request"):
                return "", 200, {"HX-Redirect": url}
            return redirect(url, code=303)
        saved = _from_file(ws, path)
        saved.saved = True
        return _render(saved)

    verb, _sep, target = op.partition(":")
    if verb in ("paste", "upload") and target.startswith("awards."):
        _take_recipients(page, target.split(".", 1)[1], verb)
    elif op == "refresh":
        pass  # the page's script takes the people and bodies made so far for its selects
    elif not _edit_rows(values, op):
        page.general.append(_("This button is not known to the form; nothing was changed."))
    formspec.fill_keys(values)
    return _render(page)


@bp.app_template_filter("problems_for")
def problems_for(page: Page, name: str) -> list[str]:
    return page.problems.get(name, [])
