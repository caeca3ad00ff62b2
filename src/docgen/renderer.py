"""A warm renderer: one meeting's documents, re-made in a blink after each change.

A build in a fresh process pays every time for what does not change between two clicks of a
clerk: importing the pipeline, reading and checking the templates, compiling their Jinja,
resolving the PDF styles, registering the fonts, loading the certificate layouts. A
:class:`Renderer` lives in the process of the browser workspace (or a test) and keeps all of
that, so re-making one document of a loaded meeting costs its own rendering only. It writes
nothing: it returns bytes, made by the same core as ``docgen build``
(:func:`docgen.pipeline.make`), so its files are byte for byte those of a build.

Use::

    renderer = Renderer()                      # templates chosen as `docgen build` would
    renderer.load("cuoc-hop.yaml")             # or renderer.set_record(record) from a form
    renderer.names()                           # ['01-bien-ban.docx', '01-bien-ban.pdf', …]
    data = renderer.render("01-bien-ban.pdf")  # one document
    files = renderer.render_all()              # {name: bytes}, as `docgen build` writes them
    renderer.warnings                          # of the last render
    renderer.refresh()                         # the meeting file changed on disk? reload it

Templates and certificate layouts are read again when their file changes on disk; a template
is checked again when the record changes the shape of its context. One renderer serves one
thread at a time (calls are serialised by a lock); make one per meeting being edited.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docgen import documents
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.loader import load_meeting
from docgen.model import MeetingRecord
from docgen.pipeline import (
    CERTIFICATE_MODES,
    DOCUMENTS,
    FORMATS,
    Job,
    certificates_name,
    make,
    make_certificates,
    pdf_converter,
    plan,
    render_jobs,
)
from docgen.render import TemplateStore
from docgen.templates_dir import TemplateSource, resolve

__all__ = ["Renderer"]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class Renderer:
    """Keeps templates, compiled Jinja, PDF styles, fonts and layouts between renders.

    ``templates`` is a templates folder (default: ``./templates`` under ``cwd`` if there,
    else the built-in ones, as ``docgen build`` chooses); ``pdf_engine`` is ``builtin`` or
    ``libreoffice``; ``certificates`` is ``overlay``, ``full`` or None for none.
    """

    def __init__(
        self,
        templates: Path | None = None,
        *,
        cwd: Path | None = None,
        pdf_engine: str = "builtin",
        certificates: str | None = "overlay",
    ) -> None:
        if certificates is not None and certificates not in CERTIFICATE_MODES:
            raise ValueError(f"certificates={certificates!r}; expected one of {CERTIFICATE_MODES}")
        self.source: TemplateSource = resolve(templates, cwd)
        self.store = TemplateStore(self.source)
        self.certificates = certificates
        self._convert = pdf_converter(pdf_engine)
        self._layouts: dict[Any, Any] = {}
        self._lock = threading.RLock()
        self._meeting: Path | None = None
        self._meeting_stamp: tuple[int, int] | None = None
        self._record: MeetingRecord | None = None
        #: The warnings of the last :meth:`render` or :meth:`render_all`.
        self.warnings: list[str] = []

    # -- the record ---------------------------------------------------------------------------

    @property
    def record(self) -> MeetingRecord:
        """The meeting being rendered; :class:`DocgenError` if none was loaded yet."""
        if self._record is None:
            raise DocgenError(_("No meeting is loaded yet: open a meeting file first."))
        return self._record

    def load(self, meeting: str | Path) -> MeetingRecord:
        """Read and check the meeting file (every problem located, as ``docgen validate``)."""
        path = Path(meeting)
        with self._lock:
            stamp = _stamp(path)
            record = load_meeting(path)
            self._meeting, self._meeting_stamp, self._record = path, stamp, record
            return record

    def set_record(self, record: MeetingRecord) -> None:
        """Render ``record`` from now on (one made from a form, say; no file behind it)."""
        with self._lock:
            self._meeting, self._meeting_stamp, self._record = None, None, record

    def refresh(self) -> bool:
        """Reload the meeting file if it changed on disk since it was loaded; True if it did."""
        with self._lock:
            if self._meeting is None or _stamp(self._meeting) == self._meeting_stamp:
                return False
            self.load(self._meeting)
            return True

    # -- rendering ----------------------------------------------------------------------------

    def _jobs(self, documents: Iterable[str] = DOCUMENTS) -> list[Job]:
        return plan(self.record, self.source, documents)

    def names(self, formats: Iterable[str] = FORMATS) -> list[str]:
        """The file names :meth:`render_all` makes, in its order (documents, then certificates)."""
        formats = tuple(formats)
        with self._lock:
            jobs = self._jobs()
            names = []
            for fmt in (f for f in FORMATS if f in formats):
                names += [f"{job.stem}.{fmt}" for job in jobs]
                if fmt == "docx":
                    names += [f"{job.stem}.txt" for job in jobs if _text_copy(job)]
            if self.certificates is not None and self.record.awards:
                names.append(certificates_name(self.certificates))
            return names

    def render(self, name: str) -> bytes:
        """One file by its name in :meth:`names` (``01-bien-ban.docx``, ``….pdf``): its bytes."""
        with self._lock:
            self.warnings = []
            record = self.record
            if self.certificates is not None and name == certificates_name(self.certificates):
                if record.awards:
                    _name, data = make_certificates(
                        record, self.certificates, warn=self.warnings.append, layouts=self._layouts
                    )
                    return data
            stem, _dot, fmt = name.rpartition(".")
            job = next((j for j in self._jobs() if j.stem == stem), None)
            if fmt == "txt" and job is not None and _text_copy(job):
                fmt = "docx"  # made with the DOCX, from its text
            elif fmt not in FORMATS:
                job = None
            if job is None:
                raise DocgenError(
                    _("{name} is not one of this meeting's documents: {names}.").format(
                        name=name, names=", ".join(self.names())
                    )
                )
            made = render_jobs(record, self.store, [job], (fmt,), convert=self._convert)
            self.warnings = made.warnings
            return made.files[name]

    def render_all(
        self, documents: Iterable[str] = DOCUMENTS, formats: Iterable[str] = FORMATS
    ) -> dict[str, bytes]:
        """Every file a build with these ``documents`` and ``formats`` writes: ``{name: bytes}``."""
        with self._lock:
            made = make(
                self.record,
                self.store,
                documents,
                formats,
                convert=self._convert,
                certificates=self.certificates,
                certificate_layouts=self._layouts,
            )
            self.warnings = made.warnings
            return made.files


def _text_copy(job: Job) -> bool:
    return documents.get(job.document).text_copy
