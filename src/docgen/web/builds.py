"""Building a meeting's documents from the page, and handing the files over.

The build is :func:`docgen.build.build` itself, writing to the folder ``docgen build`` would
(``output/<meeting>/`` of the working folder) with the same all-or-nothing rule. Files are then
served only by name from that folder's listing, one by one, as one ``.zip``, or inline for the
PDF viewer.
"""

from __future__ import annotations

import io
import time
import zipfile

from flask import Blueprint, render_template, request, send_file

from docgen.build import CERTIFICATE_MODES, FORMATS
from docgen.build import build as run_build
from docgen.context import DOCUMENTS
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.web.labels import document_names

bp = Blueprint("builds", __name__)


def _ws():  # noqa: ANN202
    from docgen.web import workspace

    return workspace()


def _page(name: str, **extra):  # noqa: ANN003, ANN202
    ws = _ws()
    path = ws.meeting(name)
    files = ws.outputs(path)
    return render_template(
        "build.html",
        name=path.name,
        files=files,
        documents=DOCUMENTS,
        document_names=document_names(),
        formats=FORMATS,
        certificate_modes=CERTIFICATE_MODES,
        folder=ws.output_dir(path),
        **extra,
    )


@bp.get("/m/<name>/build")
def page(name: str):  # noqa: ANN201
    return _page(name, chosen=DOCUMENTS, chosen_formats=FORMATS, certificates="overlay")


@bp.post("/m/<name>/build")
def build(name: str):  # noqa: ANN201
    ws = _ws()
    path = ws.meeting(name)
    only = [d for d in request.form.getlist("documents") if d in DOCUMENTS]
    formats = [f for f in request.form.getlist("formats") if f in FORMATS]
    certificates = request.form.get("certificates", "none")
    if certificates not in CERTIFICATE_MODES:
        certificates = "none"
    options = {"chosen": only, "chosen_formats": formats, "certificates": certificates}
    if not only or not formats:
        problem = _("Choose at least one document and one format.")
        return _page(name, problems=[problem], **options), 422
    started = time.perf_counter()
    try:
        result = run_build(
            path,
            output=ws.output_dir(path),
            only=only,
            formats=formats,
            cwd=ws.folder,
            force=request.form.get("force") == "on",
            register=ws.register_path,
            certificates=None if certificates == "none" else certificates,
            number="auto" if request.form.get("number") == "auto" else None,
        )
    except DocgenError as exc:
        prefix = str(path)
        problems = [p.replace(prefix, path.name) for p in (exc.problems or [])]
        head = str(exc.args[0] if exc.args else "").replace(prefix, path.name)
        return _page(name, problems=[t for t in [head, *problems] if t], **options), 422
    seconds = time.perf_counter() - started
    return _page(
        name,
        written=[p.name for p in result.written],
        warnings=result.warnings,
        backups=[p.name for p in result.backups],
        fallbacks=[job for job in result.jobs if job.fallback],
        seconds=seconds,
        **options,
    )


@bp.get("/m/<name>/files/<filename>")
def download(name: str, filename: str):  # noqa: ANN201
    ws = _ws()
    file = ws.output(ws.meeting(name), filename)
    inline = request.args.get("view") == "1" and file.suffix.lower() == ".pdf"
    return send_file(file, as_attachment=not inline, download_name=file.name)


@bp.get("/m/<name>/files.zip")
def download_all(name: str):  # noqa: ANN201
    ws = _ws()
    path = ws.meeting(name)
    files = ws.outputs(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{ws.output_dir(path).name}.zip",
    )
