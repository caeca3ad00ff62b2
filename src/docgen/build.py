"""The build: meeting file → its documents, written to the output folder all at once.

One build makes every document of one meeting: the minutes, the conclusion notice, and one
award decision plus its list per award group. The issuer's profile picks each template
(``<templates>/<profile>/<document>.docx``). The documents are made in memory by the I/O-free
core, :func:`docgen.pipeline.make`; this module is the shell around it: the meeting file, the
current folder, the register and :func:`docgen.outputs.transaction`, so a failing template or
conversion leaves the output folder as it was, and files a clerk edited by hand are never
silently replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docgen import documents as document_types
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.identity import meeting_key, register_key
from docgen.loader import load_meeting
from docgen.model import MeetingRecord
from docgen.outputs import default_output_folder, transaction
from docgen.pipeline import (
    CERTIFICATE_MODES,
    CERTIFICATES_STEM,
    DOCUMENTS,
    FORMATS,
    PDF_ENGINES,
    Converter,
    Job,
    check_templates,
    choose,
    make,
    nothing_to_build,
    pdf_converter,
    plan,
)
from docgen.register import Register, assign_numbers, register_path
from docgen.render import TemplateStore
from docgen.templates_dir import TemplateSource, resolve

__all__ = [
    "CERTIFICATE_MODES",
    "CERTIFICATES_STEM",
    "FORMATS",
    "PDF_ENGINES",
    "BuildResult",
    "Converter",
    "Job",
    "build",
    "check_templates",
    "choose",
    "default_output",
    "pdf_converter",
    "plan",
]


@dataclass
class BuildResult:
    folder: Path
    source: TemplateSource
    jobs: list[Job]
    formats: tuple[str, ...]
    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What was read differently from how it was typed (a tab or no-break space in a name …):
    # `validate` shows these, and so must build, for a clerk who only ever builds.
    notes: list[str] = field(default_factory=list)


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
    notes: list[str] = []
    record = load_meeting(meeting, notes)
    documents = choose(only, DOCUMENTS, "--only:")
    chosen_formats = choose(formats, FORMATS, "--format:")
    if number not in (None, "auto"):
        raise DocgenError(
            _("--number {number!r}: the only choice is 'auto' (numbers from the register).").format(
                number=number
            )
        )
    if certificates is not None and certificates not in CERTIFICATE_MODES:
        raise DocgenError(
            _("--certificates {value!r} is not one of: {choices}.").format(
                value=certificates, choices=", ".join([*CERTIFICATE_MODES, "none"])
            )
        )
    convert = pdf_converter(pdf_engine) if "pdf" in chosen_formats else None
    source = resolve(templates, cwd)
    folder = Path(output) if output is not None else default_output(meeting, cwd)
    jobs = plan(record, source, documents)
    with_certificates = certificates is not None and bool(record.awards)
    if not jobs and not with_certificates:
        raise nothing_to_build(str(meeting), documents)
    if number == "auto" and jobs:
        record = _numbered(record, jobs, register, meeting)
    made = make(
        record,
        TemplateStore(source),
        documents,
        chosen_formats,
        convert=convert,
        certificates=certificates if with_certificates else None,
        # Two processes where that is safe (docgen.forking); LibreOffice runs one soffice for
        # the whole batch, which two copies would start twice.
        workers=2 if pdf_engine == "builtin" else 1,
    )

    result = BuildResult(
        folder, source, made.jobs, chosen_formats, warnings=made.warnings, notes=notes
    )
    with transaction(folder, force=force, owner=meeting_key(meeting)) as out:
        for name, data in made.files.items():
            out.add(name, data)
    result.written = sorted(folder / name for name in out.staged)
    result.backups = list(out.backups)
    result.warnings.extend(out.warnings)
    return result
