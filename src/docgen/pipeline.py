"""The pipeline's core: a meeting record in, the documents' bytes out — no files written.

:func:`make` plans the documents of one meeting, checks the templates against the real
contexts, renders each DOCX and converts it to PDF in memory, and adds the certificates: it
returns ``{file name: bytes}`` and the warnings. It reads only templates (through a
:class:`~docgen.render.TemplateStore`, which a warm caller keeps between calls), fonts and
certificate layouts; it writes nothing, knows no output folder and no current folder. The shell
that does — all-or-nothing writing, the register, the default output folder — is
:func:`docgen.build.build`; the browser workspace and :class:`docgen.renderer.Renderer` call
:func:`make` directly. (Flask's ``sansio`` split is the model.)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import documents as document_types
from docgen import forking
from docgen.certificates import FILE_STEM as CERTIFICATES_STEM
from docgen.certificates import MODES as CERTIFICATE_MODES
from docgen.certificates import certificates_stem
from docgen.documents import DOCUMENTS
from docgen.errors import DocgenError
from docgen.fieldnames import describe
from docgen.i18n import _, ngettext
from docgen.model import MeetingRecord
from docgen.outputs import safe_filename
from docgen.pdf import ENGINES as PDF_ENGINES
from docgen.pdf import (
    FontWarning,
    docx_bytes_to_pdf,
    find_soffice,
    libreoffice_convert,
    load_engine,
)
from docgen.render import TemplateStore, plain_text
from docgen.templates_dir import TemplateSource

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Job:
    """One document to render."""

    document: str
    group: Any  # what this copy is made for (an award group, an invitee); None: the meeting
    profile: str
    template: Path
    fallback: bool  # the chosen folder lacked this template; the built-in one is used
    stem: str


@dataclass
class Made:
    """What :func:`make` made: file name → bytes, in issue order, and the warnings."""

    files: dict[str, bytes]
    jobs: list[Job]
    warnings: list[str] = field(default_factory=list)


Converter = Callable[[list[tuple[str, bytes]]], list[tuple[bytes, list[str]]]]


def pdf_converter(engine: str = "builtin") -> Converter:
    """A function turning named DOCX files (bytes) into PDFs (bytes) with their warnings.

    ``builtin`` is docgen's own reportlab engine, fed the bytes in memory; ``libreoffice`` runs
    ``soffice`` once for the whole batch when it is installed (through a temporary folder, as
    LibreOffice reads only files), for offices that want LibreOffice's exact rendering.
    """
    if engine not in PDF_ENGINES:
        raise DocgenError(
            _("--pdf-engine {engine!r} is not one of: {choices}.").format(
                engine=engine, choices=", ".join(PDF_ENGINES)
            )
        )
    if engine == "libreoffice" and find_soffice() is None:
        raise DocgenError(
            _(
                "--pdf-engine libreoffice: LibreOffice (soffice) is not installed on this "
                "machine; install it or use --pdf-engine builtin."
            )
        )
    if engine == "libreoffice":
        return _libreoffice
    return _builtin


def _builtin(items: list[tuple[str, bytes]]) -> list[tuple[bytes, list[str]]]:
    out = []
    machine: set[str] = set()  # font warnings: once per build, not once per file
    for stem, docx in items:
        name = f"{stem}.pdf"
        try:
            pdf, warnings = docx_bytes_to_pdf(docx, name=f"{stem}.docx")
        except DocgenError:
            raise  # the document itself is at fault: the engine's message says where
        except Exception as exc:
            # Anything else is a fault in the engine, not in the clerk's files: it ends as an
            # internal error (exit 3, with a log file), and the log says which document.
            exc.add_note(f"while converting {stem}.docx to PDF with the builtin engine")
            raise
        mine = []
        for warning in warnings:
            if not isinstance(warning, FontWarning):
                mine.append(f"{name}: {warning}")
            elif warning not in machine:
                machine.add(warning)
                mine.append(warning)
        out.append((pdf, mine))
    return out


def _libreoffice(items: list[tuple[str, bytes]]) -> list[tuple[bytes, list[str]]]:
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        folder = Path(tmp)
        sources = []
        for stem, docx in items:
            (folder / f"{stem}.docx").write_bytes(docx)
            sources.append(folder / f"{stem}.docx")
        made = libreoffice_convert(sources, folder / "pdf")
        return [(pdf.read_bytes(), []) for pdf in made]


def choose(
    option: str | Iterable[str] | None, allowed: tuple[str, ...], what: str
) -> tuple[str, ...]:
    """``--only minutes,list`` → ('minutes', 'list') in ``allowed``'s order; ``None`` means all.

    An option given but empty (``--only ''``) is an error, not "everything": an empty
    variable in a script must not silently build every document.
    """
    if option is None:
        return allowed
    items = option.split(",") if isinstance(option, str) else list(option)
    chosen = set()
    for raw in items:
        item = raw.strip().lower()
        if item and item not in allowed:
            raise DocgenError(
                _("{option} {value!r} is not one of: {choices}.").format(
                    option=what, value=raw.strip(), choices=", ".join(allowed)
                )
            )
        chosen.add(item)
    chosen.discard("")
    if not chosen:
        raise DocgenError(
            _("{what} is empty; give one or more of: {allowed}, or leave the option out.").format(
                what=what.rstrip(":"), allowed=", ".join(allowed)
            )
        )
    return tuple(a for a in allowed if a in chosen)


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


def nothing_to_build(file: str, documents: Iterable[str]) -> DocgenError:
    """The error for a build whose chosen documents the record makes no copy of.

    Each missing field is told with the documents that need it, named as the form and the
    located messages name it (:func:`docgen.fieldnames.describe`), so the clerk knows what to
    fill in.
    """
    wanted: dict[tuple[str, ...], list[str]] = {}
    for doc in map(document_types.get, documents):
        if doc.needs:
            wanted.setdefault(doc.needs, []).append(_(doc.description))
    needs = [
        ngettext("{documents} needs {field}", "{documents} need {field}", len(names)).format(
            documents=", ".join(names), field=describe(path)
        )
        for path, names in wanted.items()
    ]
    return DocgenError(
        ngettext(
            "{file}: nothing to build — the meeting file holds nothing for the documents "
            "chosen: {needs}. Fill it in (in the workspace form or in the file) and build again.",
            "{file}: nothing to build — the meeting file holds nothing for the documents "
            "chosen: {needs}. Fill them in (in the workspace form or in the file) and build "
            "again.",
            len(needs),
        ).format(file=file, needs="; ".join(needs))
    )


def check_templates(
    jobs: list[Job], contexts: list[dict[str, Any]], store: TemplateStore | None = None
) -> None:
    """Run ``templates check`` on each template used, against its first document's context."""
    store = store or TemplateStore()
    problems: list[str] = []
    seen: set[Path] = set()
    for job, context in zip(jobs, contexts, strict=True):
        if job.template in seen:
            continue
        seen.add(job.template)
        problems.extend(str(p) for p in store.problems(store.load(job.template), context))
    if problems:
        raise DocgenError(
            _(
                "The templates have problems, so nothing was built. Fix them in Word (each is "
                "located below) and build again:"
            ),
            problems,
        )


def make(
    record: MeetingRecord,
    templates: TemplateStore,
    documents: Iterable[str] = DOCUMENTS,
    formats: Iterable[str] = FORMATS,
    *,
    convert: Converter | None = None,
    certificates: str | None = None,
    certificate_layouts: dict[Path, Any] | None = None,
    workers: int = 1,
) -> Made:
    """The meeting's ``documents`` in ``formats``, plus the certificates: bytes in memory.

    ``templates`` is a store bound to a templates folder (``TemplateStore(source)``); keep one
    between calls and unchanged templates are neither read nor compiled again. ``convert`` turns
    DOCX into PDF (:func:`pdf_converter`; the builtin engine by default); ``certificates`` adds
    every recipient's certificate as one PDF (``overlay`` or ``full``), with
    ``certificate_layouts`` a cache of loaded layouts a warm caller keeps. The templates are
    checked before anything is rendered; a problem raises :class:`DocgenError`.

    ``workers=2`` makes half of the files in a forked copy of this process where that is safe
    (:mod:`docgen.forking`: Linux, two processors, one thread — the command line, not a
    server); the files, their order and every error are those of ``workers=1``.
    """
    documents, formats = tuple(documents), tuple(formats)
    unknown = [d for d in documents if d not in DOCUMENTS] + [
        f for f in formats if f not in FORMATS
    ]
    if unknown:
        raise ValueError(f"unknown document or format {unknown}; see DOCUMENTS and FORMATS")
    if certificates is not None and certificates not in CERTIFICATE_MODES:
        raise ValueError(f"certificates={certificates!r}; expected one of {CERTIFICATE_MODES}")
    if templates.source is None:
        raise ValueError("make() needs a TemplateStore bound to a TemplateSource")
    jobs = plan(record, templates.source, documents)
    if workers > 1 and forking.available():
        return _make_in_two(
            record, templates, jobs, formats, convert, certificates, certificate_layouts
        )
    return _make_in_one(
        record, templates, jobs, formats, convert, certificates, certificate_layouts
    )


def _make_in_one(
    record: MeetingRecord,
    templates: TemplateStore,
    jobs: list[Job],
    formats: tuple[str, ...],
    convert: Converter | None,
    certificates: str | None,
    layouts: dict[Path, Any] | None,
    *,
    check: bool = True,
) -> Made:
    made = render_jobs(record, templates, jobs, formats, convert=convert, check=check)
    if certificates is not None and record.awards:
        name, data = make_certificates(
            record, certificates, warn=made.warnings.append, layouts=layouts
        )
        made.files[name] = data
    return made


def share(jobs: list[Job], with_certificates: bool) -> tuple[list[Job], list[Job]]:
    """The jobs this process makes and those its forked copy makes, each in issue order.

    A template's documents stay on one side, so each template is compiled once; the largest
    groups go first, each to the lighter side, the copy's side starting with the certificates'
    weight (about two documents).
    """
    groups: dict[Path, list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault(job.template, []).append(index)
    weight = {"here": 0, "there": 2 if with_certificates else 0}
    sides: dict[str, list[int]] = {"here": [], "there": []}
    for indexes in sorted(groups.values(), key=len, reverse=True):
        side = min(weight, key=lambda k: (weight[k], k != "there"))
        sides[side].extend(indexes)
        weight[side] += len(indexes)
    return [jobs[i] for i in sorted(sides["here"])], [jobs[i] for i in sorted(sides["there"])]


def _make_in_two(
    record: MeetingRecord,
    templates: TemplateStore,
    jobs: list[Job],
    formats: tuple[str, ...],
    convert: Converter | None,
    certificates: str | None,
    layouts: dict[Path, Any] | None,
) -> Made:
    """:func:`make` with the work shared by this process and a forked copy of it.

    The templates are checked first, here, as in one process (a problem raises before anything
    is rendered); the copy then starts with them read and checked, and makes its share of the
    documents and the certificates while this process makes the rest.
    """
    contexts = [document_types.context_for(record, job.document, job.group) for job in jobs]
    check_templates(jobs, contexts, templates)
    with_certificates = certificates is not None and bool(record.awards)
    mine, theirs = share(jobs, with_certificates)
    if "pdf" in formats and convert in (None, _builtin):
        load_engine()  # imported once, here, rather than once in each process

    def there() -> tuple[dict[str, bytes], list[str]]:
        made = render_jobs(record, templates, theirs, formats, convert=convert, check=False)
        if with_certificates:
            assert certificates is not None
            name, data = make_certificates(
                record, certificates, warn=made.warnings.append, layouts=layouts
            )
            made.files[name] = data
        return made.files, made.warnings

    def here() -> Made:
        return render_jobs(record, templates, mine, formats, convert=convert, check=False)

    try:
        (their_files, their_warnings), made = forking.in_two(there, here)
    except DocgenError:
        # The error of one process is about the first document, in issue order, that fails;
        # this process's share need not hold it. Made again in one process, it is that error.
        return _make_in_one(
            record, templates, jobs, formats, convert, certificates, layouts, check=False
        )
    files = {**made.files, **their_files}
    # The order of one process: every DOCX, the text copies, every PDF, then the certificates.
    names = [f"{job.stem}.{ext}" for ext in ("docx", "txt", "pdf") for job in jobs]
    ordered = {name: files.pop(name) for name in names if name in files}
    ordered.update(files)
    warnings: list[str] = []
    for warning in [*made.warnings, *their_warnings]:
        # A machine's font warning is said once per build, whichever half found it.
        if not (isinstance(warning, FontWarning) and warning in warnings):
            warnings.append(warning)
    by_file = {f"{job.stem}.pdf: ": index for index, job in enumerate(jobs)}
    warnings.sort(key=lambda w: next((i for p, i in by_file.items() if w.startswith(p)), len(jobs)))
    return Made(ordered, list(jobs), warnings)


def render_jobs(
    record: MeetingRecord,
    templates: TemplateStore,
    jobs: list[Job],
    formats: Iterable[str] = FORMATS,
    *,
    convert: Converter | None = None,
    check: bool = True,
) -> Made:
    """The files of planned ``jobs`` in ``formats``: what :func:`make` does for documents.

    A warm caller passes one job to re-make one document; its template is checked against
    the job's context (again only when the shape of the context changed). ``check=False``:
    the caller checks the templates itself, before it keeps anything.
    """
    formats = tuple(formats)
    contexts = [document_types.context_for(record, job.document, job.group) for job in jobs]
    if check:
        check_templates(jobs, contexts, templates)
    made = Made({}, list(jobs))
    rendered = [
        (job.stem, templates.render(templates.load(job.template), context))
        for job, context in zip(jobs, contexts, strict=True)
    ]
    if "docx" in formats:
        for stem, data in rendered:
            made.files[f"{stem}.docx"] = data
        # The text copy goes with the editable files (the news report's, for a web portal).
        for job, (stem, data) in zip(jobs, rendered, strict=True):
            if document_types.get(job.document).text_copy:
                made.files[f"{stem}.txt"] = plain_text(data).encode("utf-8")
    if "pdf" in formats and rendered:
        convert = convert or pdf_converter("builtin")
        for (stem, _), (pdf, warnings) in zip(rendered, convert(rendered), strict=True):
            made.files[f"{stem}.pdf"] = pdf
            made.warnings.extend(warnings)
    return made


def certificates_name(mode: str) -> str:
    """The file name of a build's certificates in ``mode``."""
    return certificates_stem(mode) + ".pdf"


def make_certificates(
    record: MeetingRecord,
    mode: str,
    *,
    warn: Callable[[str], None] | None = None,
    layouts: dict[Any, Any] | None = None,
) -> tuple[str, bytes]:
    """Every recipient's certificate as one PDF: (file name, bytes)."""
    # Imported here: a build that makes no certificate never loads their layout code.
    from docgen.certificates import render_certificates

    data = render_certificates(record, mode=mode, warn=warn, layouts=layouts)  # type: ignore[arg-type]
    return certificates_name(mode), data


__all__ = [
    "CERTIFICATES_STEM",
    "CERTIFICATE_MODES",
    "DOCUMENTS",
    "FORMATS",
    "PDF_ENGINES",
    "Converter",
    "Job",
    "Made",
    "certificates_name",
    "check_templates",
    "choose",
    "make",
    "make_certificates",
    "render_jobs",
    "pdf_converter",
    "plan",
    "share",
]
