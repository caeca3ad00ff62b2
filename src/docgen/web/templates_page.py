"""Templates: which file each document is made from, the built-in ones to download, and
uploading an edited one — accepted only when ``templates check`` finds nothing wrong in it.

An accepted template goes to ``templates/<profile>/`` of the working folder, which builds in
that folder then use (as ``docgen build`` run there would).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request, send_file

from docgen import templatecheck
from docgen.documents import known_variables
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.outputs import atomic_write
from docgen.templates_dir import PROFILES, TEMPLATE_FILES, builtin_dir, resolve
from docgen.web.labels import document_names, profile_names

bp = Blueprint("templates_page", __name__)


def _ws():  # noqa: ANN202
    from docgen.web import workspace

    return workspace()


def _page(status: int = 200, **extra):  # noqa: ANN003, ANN202
    ws = _ws()
    rows = []
    try:
        source = resolve(None, ws.folder)
        for profile in PROFILES:
            for document in TEMPLATE_FILES:
                path, fallback = source.path(profile, document)
                own = source.origin != "built-in" and not fallback
                rows.append({"profile": profile, "document": document, "path": path, "own": own})
    except DocgenError as exc:
        extra.setdefault("problems", []).append(str(exc))
    return (
        render_template(
            "templates.html",
            rows=rows,
            profiles=PROFILES,
            profile_names=profile_names(),
            document_names=document_names(),
            documents=list(TEMPLATE_FILES),
            folder=ws.templates_dir,
            **extra,
        ),
        status,
    )


@bp.get("/templates")
def index():  # noqa: ANN201
    return _page()


@bp.get("/templates/builtin/<profile>/<document>")
def builtin(profile: str, document: str):  # noqa: ANN201
    if profile not in PROFILES or document not in TEMPLATE_FILES:
        from flask import abort

        abort(404)
    path = builtin_dir() / profile / TEMPLATE_FILES[document]
    return send_file(path, as_attachment=True, download_name=f"{profile}-{path.name}")


@bp.post("/templates/upload")
def upload():  # noqa: ANN201
    ws = _ws()
    profile = request.form.get("profile", "")
    document = request.form.get("document", "")
    file = request.files.get("template")
    if profile not in PROFILES or document not in TEMPLATE_FILES:
        return _page(422, problems=[_("Choose the format and the document the template is for.")])
    if file is None or not file.filename:
        return _page(422, problems=[_("Choose the edited .docx file first.")])
    shown = Path(file.filename).name
    if not shown.lower().endswith(".docx"):
        message = _("{file}: a template is a Word .docx file.").format(file=shown)
        return _page(422, problems=[message])
    with tempfile.TemporaryDirectory(prefix="docgen-web-") as tmp:
        staged = Path(tmp) / TEMPLATE_FILES[document]
        file.save(staged)
        found = templatecheck.check_template(staged, set(known_variables(document)))
        if found:
            problems = [
                f"{shown}, {p.location}: {p.message}" if p.location else f"{shown}: {p.message}"
                for p in found
            ]
            return _page(422, problems=problems, rejected=shown)
        target = ws.templates_dir / profile / TEMPLATE_FILES[document]
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, staged.read_bytes())
    return _page(accepted=shown, target=target)
