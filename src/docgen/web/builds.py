"""Building a meeting's documents from the page, and handing the files over.

The documents are made by a warm :class:`docgen.renderer.Renderer` kept per meeting while the
server runs (templates read, checked and compiled once; fonts and layouts loaded once), with
the core ``docgen build`` uses, and written to the folder ``docgen build`` would
(``output/<meeting>/`` of the working folder) with the same all-or-nothing rule. Numbering from
the register is the build's own step, so a build that takes its numbers from the register goes
through :func:`docgen.build.build`. Files are served only by name from the output folder's
listing, one by one, as one ``.zip``, or inline for the browser's PDF viewer.

A PDF is also shown in the page as images of its pages, drawn by PDFium (pypdfium2): a browser
without a PDF viewer (Chromium run headless, some locked-down office machines) shows an empty
frame for an embedded PDF, but every browser shows an image.
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file

from docgen.build import CERTIFICATE_MODES, FORMATS
from docgen.build import build as run_build
from docgen.documents import DOCUMENTS
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.identity import meeting_key
from docgen.outputs import transaction
from docgen.pipeline import nothing_to_build, plan
from docgen.renderer import Renderer
from docgen.templates_dir import resolve
from docgen.web.labels import document_names

bp = Blueprint("builds", __name__)

PREVIEW_DPI = 96  # an A4 page 794 px wide: readable on a screen, light to send
# PDFium is not thread-safe, and the server answers requests on several threads.
_PDFIUM = threading.Lock()


def page_count(file: Path) -> int:
    import pypdfium2

    with _PDFIUM:
        pdf = pypdfium2.PdfDocument(file)
        try:
            return len(pdf)
        finally:
            pdf.close()


def page_png(file: Path, number: int) -> bytes | None:
    """Page ``number`` (from 1) of the PDF ``file`` as a PNG; None when it has no such page."""
    import pypdfium2

    with _PDFIUM:
        pdf = pypdfium2.PdfDocument(file)
        try:
            if not 1 <= number <= len(pdf):
                return None
            image = pdf[number - 1].render(scale=PREVIEW_DPI / 72).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


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


class Renderers:
    """One warm renderer per meeting file, certificate mode and templates folder."""

    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], Renderer] = {}
        self._lock = threading.Lock()

    def get(self, folder: Path, meeting: Path, certificates: str | None) -> Renderer:
        # The folder is resolved on every build: a template uploaded into ./templates (or a
        # folder made by hand) gives a new renderer that uses it.
        source = resolve(None, folder)
        key = (meeting.name, certificates, source.folder, source.origin)
        with self._lock:
            renderer = self._kept.get(key)
            if renderer is None:
                renderer = self._kept[key] = Renderer(cwd=folder, certificates=certificates)
            return renderer


def renderers() -> Renderers:
    return current_app.extensions.setdefault("docgen_renderers", Renderers())


def _warm_build(
    path: Path, only: list[str], formats: list[str], certificates: str | None, force: bool
) -> dict:  # noqa: E501
    ws = _ws()
    renderer = renderers().get(ws.folder, path, certificates)
    record = renderer.load(path)
    files = renderer.render_all(only, formats)
    if not files:
        raise nothing_to_build(path.name, only)
    warnings = list(renderer.warnings)
    folder = ws.output_dir(path)
    with transaction(folder, force=force, owner=meeting_key(path)) as out:
        for file_name, data in files.items():
            out.add(file_name, data)
    warnings.extend(out.warnings)
    return {
        "written": sorted(out.staged),
        "warnings": warnings,
        "backups": [p.name for p in out.backups],
        "fallbacks": [job for job in plan(record, renderer.source, only) if job.fallback],
    }


@bp.get("/m/<name>/build")
def page(name: str):  # noqa: ANN201
    ws = _ws()
    wanted = request.args.get("view", "")
    # Only a PDF of this meeting's output folder, found by name in its listing.
    pdfs = [p.name for p in ws.outputs(ws.meeting(name)) if p.suffix.lower() == ".pdf"]
    viewing = wanted if wanted in pdfs else None
    pages = page_count(ws.output(ws.meeting(name), viewing)) if viewing else 0
    return _page(
        name,
        chosen=DOCUMENTS,
        chosen_formats=FORMATS,
        certificates="overlay",
        viewing=viewing,
        pages=pages,
    )


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
    force = request.form.get("force") == "on"
    mode = None if certificates == "none" else certificates
    try:
        if request.form.get("number") == "auto":
            result = run_build(
                path,
                output=ws.output_dir(path),
                only=only,
                formats=formats,
                cwd=ws.folder,
                force=force,
                register=ws.register_path,
                certificates=mode,
                number="auto",
            )
            outcome = {
                "written": [p.name for p in result.written],
                "warnings": result.warnings,
                "backups": [p.name for p in result.backups],
                "fallbacks": [job for job in result.jobs if job.fallback],
            }
        else:
            outcome = _warm_build(path, only, formats, mode, force)
    except DocgenError as exc:
        prefix = str(path)
        problems = [p.replace(prefix, path.name) for p in (exc.problems or [])]
        head = str(exc.args[0] if exc.args else "").replace(prefix, path.name)
        return _page(name, problems=[t for t in [head, *problems] if t], **options), 422
    seconds = time.perf_counter() - started
    return _page(name, seconds=seconds, **outcome, **options)


@bp.get("/m/<name>/files/<filename>")
def download(name: str, filename: str):  # noqa: ANN201
    ws = _ws()
    file = ws.output(ws.meeting(name), filename)
    inline = request.args.get("view") == "1" and file.suffix.lower() == ".pdf"
    return send_file(file, as_attachment=not inline, download_name=file.name)


@bp.get("/m/<name>/files/<filename>/page-<int:number>.png")
def page_image(name: str, filename: str, number: int):  # noqa: ANN201
    ws = _ws()
    file = ws.output(ws.meeting(name), filename)
    png = page_png(file, number) if file.suffix.lower() == ".pdf" else None
    if png is None:
        abort(404)
    return send_file(io.BytesIO(png), mimetype="image/png", max_age=0)


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
