"""The build pipeline: meeting file → checked templates → contexts → DOCX (and PDF) files.

One build makes every document of one meeting: the minutes, the conclusion notice, and one
award decision plus its list per award group. The issuer's profile picks each template
(``<templates>/<profile>/<document>.docx``). Everything is staged in memory and written by
:func:`docgen.outputs.transaction`, so a failing template or conversion leaves the output
folder as it was, and files a clerk edited by hand are never silently replaced.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import templatecheck
from docgen.certificates import render_certificates
from docgen.context import DOCUMENTS, context_for
from docgen.errors import DocgenError
from docgen.identity import meeting_key, register_key
from docgen.loader import load_meeting
from docgen.model import AwardGroup, MeetingRecord
from docgen.outputs import default_output_folder, safe_filename, transaction
from docgen.pdf import docx_to_pdf, find_soffice, libreoffice_convert
from docgen.register import Register, assign_numbers, register_path
from docgen.render import render_docx
from docgen.templates_dir import TemplateSource, resolve

FORMATS = ("docx", "pdf")

# Output names a clerk can sort and tell apart: ASCII, no diacritics, numbered in the order
# the documents are issued. The award key (already [a-z0-9_-]) tells groups apart.
_STEMS = {
    "minutes": "01-bien-ban",
    "notice": "02-thong-bao-ket-luan",
    "decision": "03-quyet-dinh",
    "list": "04-danh-sach",
}
CERTIFICATES_STEM = "05-bang-khen-giay-khen"


@dataclass(frozen=True)
class Job:
    """One document to render."""

    document: str
    group: AwardGroup | None
    profile: str
    template: Path
    fallback: bool  # the chosen folder lacked this template; the built-in one is used
    stem: str


@dataclass
class BuildResult:
    folder: Path
    source: TemplateSource
    jobs: list[Job]
    formats: tuple[str, ...]
    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


PDF_ENGINES = ("builtin", "libreoffice")
CERTIFICATE_MODES = ("overlay", "full")


Converter = Callable[[list[tuple[str, bytes]]], list[tuple[bytes, list[str]]]]


def pdf_converter(engine: str = "builtin") -> Converter:
    """A function turning named DOCX files (bytes) into PDFs (bytes) with their warnings.

    ``builtin`` is docgen's own reportlab engine; ``libreoffice`` runs ``soffice`` once for
    the whole batch when it is installed, for offices that want LibreOffice's exact rendering.
    """
    if engine not in PDF_ENGINES:
        raise DocgenError(f"--pdf-engine {engine!r} is not one of: {', '.join(PDF_ENGINES)}.")
    if engine == "libreoffice" and find_soffice() is None:
        raise DocgenError(
            "--pdf-engine libreoffice: LibreOffice (soffice) is not installed on this "
            "machine; install it or use --pdf-engine builtin."
        )

    def convert(items: list[tuple[str, bytes]]) -> list[tuple[bytes, list[str]]]:
        with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
            folder = Path(tmp)
            sources = []
            for name, docx in items:
                (folder / f"{name}.docx").write_bytes(docx)
                sources.append(folder / f"{name}.docx")
            if engine == "libreoffice":
                made = libreoffice_convert(sources, folder / "pdf")
                return [(pdf.read_bytes(), []) for pdf in made]
            out = []
            for src in sources:
                dst = src.with_suffix(".pdf")
                warnings = _builtin_pdf(src, dst)
                out.append((dst.read_bytes(), [f"{dst.name}: {w}" for w in warnings]))
            return out

    return convert


def _builtin_pdf(src: Path, dst: Path) -> list[str]:
    try:
        return docx_to_pdf(src, dst) or []
    except DocgenError:
        raise
    except Exception as exc:  # noqa: BLE001 - a layout failure must not lose the build
        # The DOCX is fine; only its PDF could not be laid out. Say which document, and how
        # to get the DOCX meanwhile, rather than a traceback.
        raise DocgenError(
            f"{dst.name} could not be made by the PDF engine ({type(exc).__name__}: {exc}). "
            "Nothing was written. Build with --format docx to get the Word files, or "
            "--pdf-engine libreoffice if LibreOffice is installed."
        ) from None


def choose(
    option: str | Iterable[str] | None, allowed: tuple[str, ...], what: str
) -> tuple[str, ...]:
    """``--only minutes,list`` → ('minutes', 'list') in ``allowed``'s order; nothing means all."""
    items = option.split(",") if isinstance(option, str) else list(option or ())
    chosen = set()
    for raw in items:
        item = raw.strip().lower()
        if item and item not in allowed:
            raise DocgenError(f"{what} {raw.strip()!r} is not one of: {', '.join(allowed)}.")
        chosen.add(item)
    chosen.discard("")
    return tuple(a for a in allowed if a in chosen) if chosen else allowed


def plan(record: MeetingRecord, source: TemplateSource, only: Iterable[str]) -> list[Job]:
    """The documents to make, in issue order, each with the template its issuer's profile needs."""
    jobs: list[Job] = []
    wanted = set(only)

    def add(document: str, issuer: str, group: AwardGroup | None) -> None:
        profile = record.body(issuer).profile
        template, fallback = source.path(profile, document)
        stem = _STEMS[document]
        if group is not None:
            stem += "-" + safe_filename(group.key, max_length=60, default="khen-thuong")
        jobs.append(Job(document, group, profile, template, fallback, stem))

    if "minutes" in wanted:
        add("minutes", record.documents.minutes.issuer, None)
    if "notice" in wanted:
        add("notice", record.documents.notice.issuer, None)
    for document in ("decision", "list"):
        if document in wanted:
            for group in record.awards:
                add(document, group.decision.issuer, group)
    return jobs


def check_templates(jobs: list[Job], contexts: list[dict[str, Any]]) -> None:
    """Run ``templates check`` on each template used, against its real context."""
    problems: list[str] = []
    seen: set[Path] = set()
    for job, context in zip(jobs, contexts, strict=True):
        if job.template in seen:
            continue
        seen.add(job.template)
        problems.extend(str(p) for p in templatecheck.check_template(job.template, context))
    if problems:
        raise DocgenError(
            "The templates have problems, so nothing was built. Fix them in Word (each is "
            "located below) and build again:",
            problems,
        )


def default_output(meeting: Path, cwd: Path | None = None) -> Path:
    """``output/<meeting file name>/`` in the current folder (``-2``… if another meeting's)."""
    return default_output_folder(meeting, cwd)


def _numbered(
    record: MeetingRecord, jobs: list[Job], register: Path | None, meeting: Path
) -> MeetingRecord:
    """Draw the numbers of the documents being built from the register (``--number auto``)."""
    files: dict[str, str | None] = {}
    for job in jobs:
        if job.document in ("minutes", "notice"):
            files[job.document] = f"{job.stem}.docx"
        elif job.document == "decision" and job.group is not None:
            files[f"award:{job.group.key}"] = f"{job.stem}.docx"
        elif job.group is not None:
            # A list carries its decision's number; number the decision even if only the
            # list is built, so the two never disagree.
            files.setdefault(f"award:{job.group.key}", None)
    terms = {key: body.term for key, body in record.bodies.items() if body.term}
    with Register(register_path(register)) as book:
        meeting_id = register_key(meeting, record.meeting.date)
        return assign_numbers(record, book, files, terms=terms, meeting_id=meeting_id)


def build(
    meeting: Path,
    *,
    output: Path | None = None,
    only: str | Iterable[str] | None = None,
    formats: str | Iterable[str] | None = None,
    templates: Path | None = None,
    force: bool = False,
    cwd: Path | None = None,
    pdf_engine: str = "builtin",
    number: str | None = None,
    register: Path | None = None,
    certificates: str | None = "overlay",
) -> BuildResult:
    """Make the meeting's documents; all files are written, or none.

    ``number="auto"`` draws the numbers from the document register instead of the meeting
    file; ``certificates`` adds every recipient's certificate as one PDF (``overlay`` for
    pre-printed stock, ``full`` for plain paper, ``None`` for none).
    """
    meeting = Path(meeting)
    record = load_meeting(meeting)
    documents = choose(only, DOCUMENTS, "--only:")
    chosen_formats = choose(formats, FORMATS, "--format:")
    if number not in (None, "auto"):
        raise DocgenError(
            f"--number {number!r}: the only choice is 'auto' (numbers from the register)."
        )
    if certificates is not None and certificates not in CERTIFICATE_MODES:
        raise DocgenError(
            f"--certificates {certificates!r} is not one of: {', '.join(CERTIFICATE_MODES)}, none."
        )
    convert = pdf_converter(pdf_engine) if "pdf" in chosen_formats else None
    source = resolve(templates, cwd)
    folder = Path(output) if output is not None else default_output(meeting, cwd)
    jobs = plan(record, source, documents)
    with_certificates = certificates is not None and bool(record.awards)
    if not jobs and not with_certificates:
        raise DocgenError(
            f"{meeting}: nothing to build — the record has no award groups for "
            f"--only {','.join(documents)}."
        )
    if number == "auto" and jobs:
        record = _numbered(record, jobs, register, meeting)
    contexts = [context_for(record, job.document, job.group) for job in jobs]
    check_templates(jobs, contexts)

    result = BuildResult(folder, source, jobs, chosen_formats)
    with transaction(folder, force=force, owner=meeting_key(meeting)) as out:
        rendered = [
            (job.stem, render_docx(job.template, context))
            for job, context in zip(jobs, contexts, strict=True)
        ]
        if "docx" in chosen_formats:
            for stem, data in rendered:
                out.add(f"{stem}.docx", data)
        if convert is not None and rendered:
            for (stem, _), (pdf, warnings) in zip(rendered, convert(rendered), strict=True):
                out.add(f"{stem}.pdf", pdf)
                result.warnings.extend(warnings)
        if with_certificates:
            out.add(
                f"{CERTIFICATES_STEM}-{certificates}.pdf",
                render_certificates(record, mode=certificates, warn=result.warnings.append),
            )
    result.written = sorted(folder / name for name in out.staged)
    result.backups = list(out.backups)
    result.warnings.extend(out.warnings)
    return result
