"""The build pipeline: meeting file → checked templates → contexts → DOCX (and PDF) files.

One build makes every document of one meeting: the minutes, the conclusion notice, and one
award decision plus its list per award group. The issuer's profile picks each template
(``<templates>/<profile>/<document>.docx``). Everything is staged in memory and written by
:func:`docgen.outputs.transaction`, so a failing template or conversion leaves the output
folder as it was, and files a clerk edited by hand are never silently replaced.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.context import DOCUMENTS, context_for
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.model import AwardGroup, MeetingRecord
from docgen.outputs import safe_filename, transaction
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


def pdf_converter() -> Callable[..., list[str]] | None:
    """``docgen.pdf.docx_to_pdf`` when the PDF engine is installed, else None."""
    try:
        module = importlib.import_module("docgen.pdf")
    except ImportError:
        return None
    return getattr(module, "docx_to_pdf", None)


def default_formats() -> tuple[str, ...]:
    return ("docx", "pdf") if pdf_converter() is not None else ("docx",)


def _split(option: str | Iterable[str] | None, allowed: Iterable[str], what: str) -> list[str]:
    if option is None:
        return []
    items = option.split(",") if isinstance(option, str) else list(option)
    allowed = list(allowed)
    out: list[str] = []
    for raw in items:
        item = raw.strip().lower()
        if not item:
            continue
        if item not in allowed:
            raise DocgenError(f"{what} {raw.strip()!r} is not one of: {', '.join(allowed)}.")
        if item not in out:
            out.append(item)
    return out


def parse_only(option: str | Iterable[str] | None) -> tuple[str, ...]:
    """``--only minutes,list`` → ('minutes', 'list'); nothing given means every document."""
    chosen = _split(option, DOCUMENTS, "--only:")
    return tuple(d for d in DOCUMENTS if d in chosen) if chosen else DOCUMENTS


def parse_formats(option: str | Iterable[str] | None) -> tuple[str, ...]:
    chosen = _split(option, FORMATS, "--format:")
    if not chosen:
        return default_formats()
    if "pdf" in chosen and pdf_converter() is None:
        raise DocgenError(
            "PDF output is not available yet in this docgen; build with --format docx."
        )
    return tuple(f for f in FORMATS if f in chosen)


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
    """Run ``templates check`` on each template used, if the checker is installed."""
    try:
        from docgen import templatecheck
    except ImportError:
        return
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
    """``output/<meeting file name>/`` in the current folder."""
    stem = safe_filename(meeting.stem, default="cuoc-hop")
    return (cwd or Path.cwd()) / "output" / stem


def _to_pdf(convert: Callable[..., list[str]], name: str, docx: bytes) -> tuple[bytes, list[str]]:
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        src = Path(tmp) / f"{name}.docx"
        dst = Path(tmp) / f"{name}.pdf"
        src.write_bytes(docx)
        warnings = convert(src, dst) or []
        return dst.read_bytes(), [f"{name}.pdf: {w}" for w in warnings]


def build(
    meeting: Path,
    *,
    output: Path | None = None,
    only: str | Iterable[str] | None = None,
    formats: str | Iterable[str] | None = None,
    templates: Path | None = None,
    force: bool = False,
    cwd: Path | None = None,
) -> BuildResult:
    """Make the meeting's documents; all files are written, or none."""
    meeting = Path(meeting)
    record = load_meeting(meeting)
    documents = parse_only(only)
    chosen_formats = parse_formats(formats)
    source = resolve(templates, cwd)
    folder = Path(output) if output is not None else default_output(meeting, cwd)
    jobs = plan(record, source, documents)
    if not jobs:
        raise DocgenError(
            f"{meeting}: nothing to build — the record has no award groups for "
            f"--only {','.join(documents)}."
        )
    contexts = [context_for(record, job.document, job.group) for job in jobs]
    check_templates(jobs, contexts)

    result = BuildResult(folder, source, jobs, chosen_formats)
    convert = pdf_converter() if "pdf" in chosen_formats else None
    with transaction(folder, force=force) as out:
        for job, context in zip(jobs, contexts, strict=True):
            data = render_docx(job.template, context)
            if "docx" in chosen_formats:
                out.add(f"{job.stem}.docx", data)
            if convert is not None:
                pdf, warnings = _to_pdf(convert, job.stem, data)
                out.add(f"{job.stem}.pdf", pdf)
                result.warnings.extend(warnings)
    result.written = sorted(folder / name for name in out.staged)
    result.backups = list(out.backups)
    return result
