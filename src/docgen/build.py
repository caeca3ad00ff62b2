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

from docgen import documents as document_types
from docgen import templatecheck
from docgen.certificates import render_certificates
from docgen.documents import DOCUMENTS
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.identity import meeting_key, register_key
from docgen.loader import load_meeting
from docgen.model import MeetingRecord
from docgen.outputs import default_output_folder, safe_filename, transaction
from docgen.pdf import docx_to_pdf, find_soffice, libreoffice_convert
from docgen.register import Register, assign_numbers, register_path
from docgen.render import plain_text, render_docx
from docgen.templates_dir import TemplateSource, resolve

FORMATS = ("docx", "pdf")

CERTIFICATES_STEM = "05-bang-khen-giay-khen"


@dataclass(frozen=True)
class Job:
    """One document to render."""

    document: str
    group: Any  # what this copy is made for (an award group), None for the meeting
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
    for key in only:
        doc = document_types.get(key)
        for item in doc.items(record):
            profile = doc.profile(record, item)
            template, fallback = source.path(profile, key)
            stem = doc.stem
            if doc.suffix is not None and doc.suffix(item):
                # Output names a clerk can sort and tell apart: ASCII, no diacritics.
                stem += "-" + safe_filename(doc.suffix(item), max_length=60, default="khen-thuong")
            jobs.append(Job(key, item, profile, template, fallback, stem))
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
        doc = document_types.get(job.document)
        if doc.register_key is not None:
            files[doc.register_key(job.group)] = f"{job.stem}.docx"
    for job in jobs:
        doc = document_types.get(job.document)
        if doc.numbered_by is not None:
            # A list carries its decision's number; number the decision even if only the
            # list is built, so the two never disagree.
            owner = document_types.get(doc.numbered_by)
            assert owner.register_key is not None
            files.setdefault(owner.register_key(job.group), None)
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
        message = _(
            "{meeting}: nothing to build — the record holds nothing for --only {only}. A "
            "decision or a list needs an award group; an invitation, documents.invitation; a "
            "programme, an agenda; a tờ trình, an award group with a proposal."
        )
        raise DocgenError(message.format(meeting=meeting, only=",".join(documents)))
    if number == "auto" and jobs:
        record = _numbered(record, jobs, register, meeting)
        # Plan again: each job's award group must be the numbered record's, or a decision
        # would print the number written in the file instead of the register's.
        jobs = plan(record, source, documents)
    contexts = [document_types.context_for(record, job.document, job.group) for job in jobs]
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
        for job, (stem, data) in zip(jobs, rendered, strict=True):
            if document_types.get(job.document).text_copy:
                out.add(f"{stem}.txt", plain_text(data).encode("utf-8"))
        if convert is not None and rendered:
            for (stem, _docx), (pdf, warnings) in zip(rendered, convert(rendered), strict=True):
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
