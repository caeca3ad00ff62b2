"""Filling a DOCX template with a context: docxtpl in docgen's sandbox.

Templates are clerk-edited files, so rendering runs in docgen's sandbox
(:func:`docgen.sandbox.render_docx`: sandboxed, autoescaped, StrictUndefined, with limits). When a template is wrong the clerk needs to know
*which file* and *where in it*; docxtpl's own errors name neither, so every Jinja error is
turned into a :class:`DocgenError` that names the template and quotes the paragraph around the
offending tag.
"""

from __future__ import annotations

import hashlib
import re
import threading
import traceback
import zipfile
from collections import OrderedDict
from io import BytesIO
from pathlib import Path
from typing import Any

import docxtpl
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from lxml import etree

from docgen import cache, sandbox
from docgen.errors import DocgenError
from docgen.explain import library_reason
from docgen.i18n import N_, _
from docgen.safezip import DEFAULT_ZIP_LIMITS, open_docx_safely
from docgen.templates_dir import TemplateSource


def _template_line(exc: BaseException) -> int | None:
    """The line of the Jinja source where ``exc`` happened, if Jinja recorded one."""
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    # Runtime errors (an undefined name) carry no lineno, but Jinja rewrites the traceback so
    # that the template's own frames appear with the file name "<template>".
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>" and frame.lineno:
            line = frame.lineno
    return line


def _paragraph_texts(tpl: DocxTemplate) -> list[tuple[str, list[str]]]:
    """Each part's Jinja source split the way docxtpl splits it, as text per line."""
    parts: list[tuple[str, str]] = [(N_("the body"), tpl.get_xml())]
    for uri, label in (
        (tpl.HEADER_URI, N_("a page header")),
        (tpl.FOOTER_URI, N_("a page footer")),
    ):
        for _key, part in tpl.get_headers_footers(uri):
            parts.append((label, tpl.get_part_xml(part)))
    out = []
    for label, xml in parts:
        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        out.append((label, [re.sub(r"<[^>]+>", "", line) for line in src.splitlines()]))
    return out


def _locate(tpl: DocxTemplate, exc: BaseException) -> str:
    """'in the body, in the paragraph “…”' for the line Jinja blamed, or '' if unknown."""
    line = _template_line(exc)
    if line is None:
        return ""
    part = getattr(tpl, "current_rendering_part", None)
    for label, lines in _paragraph_texts(tpl):
        if part is not None and label == "the body" and part is not tpl.docx._part:
            continue
        if 0 < line <= len(lines):
            text = lines[line - 1].strip()
            if not text:
                # The failing tag can sit at the start of the next paragraph's line.
                text = next((t.strip() for t in lines[line:] if t.strip()), "")
            if text:
                return "\n  " + _("in {part}, in the paragraph “{text}”").format(
                    part=_(label), text=text[:160]
                )
    return ""


def _adopt_core_properties(tpl: DocxTemplate) -> None:
    """Make python-docx see the core properties LibreOffice wrote under another rel type.

    LibreOffice relates ``docProps/core.xml`` with the transitional relationship type
    (``…/officedocument/2006/relationships/metadata/core-properties``); python-docx knows only
    the strict OPC one, so it would add a second ``docProps/core.xml`` and save a zip with
    two entries of that name, which Word reports as damaged. Re-typing the relationship
    keeps the one part. Clerks do save templates from LibreOffice, so this is not rare.
    """
    package = tpl.docx.part.package
    reltypes = {rel.reltype for rel in package.rels.values()}
    if RT.CORE_PROPERTIES in reltypes:
        return
    for rel in package.rels.values():
        if rel.reltype.endswith("/metadata/core-properties"):
            rel._reltype = RT.CORE_PROPERTIES  # python-docx has no public setter
            return


class _Template(DocxTemplate):
    """docxtpl with the work that depends only on the template done once per store.

    ``patch_xml`` (docxtpl's regex clean-up of a part's XML before Jinja sees it) is a pure
    function of the part's text, which is the same for every document made from the template,
    so its result is kept by that text; ``resolve_listing`` (tabs, line and page breaks typed
    into values) has nothing to do when the rendered part holds none of those characters.
    """

    def __init__(self, data: bytes, patched: OrderedDict[str, str], lock: threading.Lock) -> None:
        super().__init__(BytesIO(data))
        self._patched = patched
        self._patched_lock = lock

    def patch_xml(self, src_xml: str) -> str:
        with self._patched_lock:
            done = self._patched.get(src_xml)
            if done is not None:
                self._patched.move_to_end(src_xml)
                return done
        key = _LIBRARIES + src_xml.encode("utf-8", "surrogatepass")
        kept = cache.get("patched", key)
        if kept is not None:
            done = kept.decode("utf-8", "surrogatepass")
        else:
            done = super().patch_xml(src_xml)
            cache.put("patched", key, done.encode("utf-8", "surrogatepass"))
        with self._patched_lock:
            self._patched[src_xml] = done
            while len(self._patched) > _PATCHED_MAX:
                self._patched.popitem(last=False)
        return done

    def resolve_listing(self, xml: str) -> str:
        if not any(c in xml for c in "\t\a\n\f"):
            return xml  # docxtpl would rewrite nothing: it only replaces these four characters
        return super().resolve_listing(xml)


# The libraries whose work docgen.cache keeps for a template (their versions are in every key).
_LIBRARIES = f"{docxtpl.__version__}|{jinja2.__version__}|{etree.LXML_VERSION}|".encode()

_PATCHED_MAX = 64
_CHECKED_MAX = 256


class LoadedTemplate:
    """One template file, read once: the bytes that are checked are the bytes rendered.

    ``data`` is None when the file could not be read at all (missing, too large); the template
    check then says why, in its own words, as it always has.
    """

    __slots__ = ("path", "data", "stamp", "_safe", "_digest")

    def __init__(self, path: Path, data: bytes | None, stamp: tuple[int, int, int]) -> None:
        self.path = path
        self.data = data
        self.stamp = stamp
        self._safe: bytes | None = None
        self._digest: bytes | None = None

    @property
    def digest(self) -> bytes:
        """A hash of the bytes: what :mod:`docgen.cache` keeps this template's results under."""
        if self._digest is None:
            self._digest = hashlib.sha256(self.data or b"").digest()
        return self._digest

    def safe_data(self) -> bytes:
        """The bytes, checked once (zip bombs, XXE) by :func:`docgen.safezip.open_docx_safely`.

        Bytes that passed in an earlier process are not checked again (:mod:`docgen.cache`).
        """
        if self._safe is None:
            what = f"Template {self.path}"
            if self.data is None:
                # Read again only to get the reader's own message (no such file, too large…).
                self._safe = open_docx_safely(self.path, what=what)
            elif cache.get("safe", _LIBRARIES + self.digest) == b"safe":
                self._safe = self.data
            else:
                self._safe = open_docx_safely(self.data, what=what)
                cache.put("safe", _LIBRARIES + self.digest, b"safe")
        return self._safe


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _shape(value: Any, depth: int = 0) -> Any:
    """What the template check looks at in a context: its keys, list items, types — not text.

    Two contexts of one shape get the same check result, so a warm renderer checks a template
    again only when a change of the record could change the answer.
    """
    if depth > 12:
        return type(value).__name__
    if isinstance(value, dict):
        return ("dict", tuple((k, _shape(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        items = {_shape(v, depth + 1) for v in value}
        return ("list", len(value) > 0, tuple(sorted(items, key=repr)))
    return type(value).__name__


class TemplateStore:
    """Templates read, safety-checked, checked against their context and compiled once.

    A build makes one store, so a template shared by several documents (the decisions of a
    meeting, its lists) costs one read, one check and one Jinja compile; a warm renderer keeps
    its store between builds and reads a file again only when it changed on disk. Rendering
    itself does no I/O: it takes the loaded bytes and returns the DOCX's bytes.
    """

    def __init__(
        self,
        source: TemplateSource | None = None,
        environment: sandbox.DocgenSandbox | None = None,
    ) -> None:
        #: The folder the documents' templates come from (what :func:`docgen.pipeline.make`
        #: plans with); a store used only through :meth:`load` needs none.
        self.source = source
        # One environment for every render: its compiled-template cache is what makes a
        # second document of the same template cheap.
        self.environment = environment or sandbox.make_environment()
        self._loaded: dict[Path, LoadedTemplate] = {}
        self._patched: OrderedDict[str, str] = OrderedDict()
        self._checked: dict[tuple[Path, tuple[int, int, int], Any], list[Any]] = {}
        self._lock = threading.Lock()

    def load(self, path: Path) -> LoadedTemplate:
        """The template at ``path``, read again only when its modification time or size changed."""
        path = Path(path)
        stamp = _stamp(path) or (0, -1, 0)
        with self._lock:
            loaded = self._loaded.get(path)
            if loaded is not None and loaded.stamp == stamp:
                return loaded
        data = None
        if stamp[1] >= 0 and stamp[1] <= DEFAULT_ZIP_LIMITS.max_file_bytes:
            try:
                data = path.read_bytes()
            except OSError:
                data = None
        loaded = LoadedTemplate(path, data, stamp)
        with self._lock:
            self._loaded[path] = loaded
        return loaded

    def problems(self, template: LoadedTemplate, context: dict[str, Any]) -> list[Any]:
        """``templates check``'s problems of ``template`` against ``context`` (memoised)."""
        shape = _shape(context)
        key = (template.path, template.stamp, shape)
        with self._lock:
            found = self._checked.get(key)
        # A template found sound for this shape of context in an earlier process is sound now
        # (docgen.cache keys it by the template's bytes and docgen's code); one with problems
        # is checked again, so that its messages are those of this run.
        kept = None
        if found is None and template.data is not None:
            limits = getattr(self.environment, "limits", None)
            kept = _LIBRARIES + template.digest + repr((shape, limits)).encode()
            if cache.get("checked", kept) == b"sound":
                found = []
        if found is None:
            from docgen import templatecheck

            found = templatecheck.check_template(
                template.path, context, environment=self.environment, data=template.data
            )
            if not found and kept is not None:
                cache.put("checked", kept, b"sound")
            with self._lock:
                if len(self._checked) >= _CHECKED_MAX:
                    # A long-lived store (the workspace) sees many records; old shapes go.
                    self._checked.pop(next(iter(self._checked)))
                self._checked[key] = found
        return found

    def render(self, template: LoadedTemplate, context: dict[str, Any]) -> bytes:
        """Render ``template`` with ``context``: the DOCX's bytes.

        Raises :class:`DocgenError` naming the template, and quoting the paragraph of the
        failing tag, for an unreadable file and for any template error.
        """
        path = template.path
        if template.data is None and not path.is_file():
            raise DocgenError(_("Template {file} does not exist.").format(file=path))
        try:
            # Templates travel between offices: check the zip and its XML (bombs, XXE) first.
            tpl = _Template(template.safe_data(), self._patched, self._lock)
            tpl.init_docx()
            _adopt_core_properties(tpl)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise DocgenError(
                _(
                    "Template {file} is not a Word document docgen can read ({reason}). Save it "
                    "from Word or LibreOffice as .docx (Word 2007–365)."
                ).format(file=path, reason=library_reason(exc))
            ) from None
        try:
            sandbox.render_docx(
                tpl, context, what=_("Template {file}").format(file=path), env=self.environment
            )
        except DocgenError as error:
            # The sandbox names the template and the line of docxtpl's XML; a clerk needs the
            # words of the paragraph, which only the template itself can give back.
            original = error.__context__
            where = ""
            if isinstance(original, TemplateError) and not getattr(error, "quoted", False):
                where = _locate(tpl, original)
            hint = _(
                "Run `docgen templates check` on the templates folder for every problem at once."
            )
            raise DocgenError(f"{error}{where}\n{hint}", error.problems) from None
        buffer = BytesIO()
        tpl.save(buffer)
        return buffer.getvalue()


def render_docx(template: Path, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` and return the DOCX bytes (a one-off render).

    Rendering goes through :func:`docgen.sandbox.render_docx` (sandbox, autoescape,
    StrictUndefined, limits). Raises :class:`DocgenError` naming the template, and quoting the
    paragraph of the failing tag, for a missing or unreadable file and for any template error.
    Several documents: use one :class:`TemplateStore`, which compiles each template once.
    """
    template = Path(template)
    if not template.is_file():
        raise DocgenError(_("Template {file} does not exist.").format(file=template))
    store = TemplateStore()
    return store.render(store.load(template), context)


def plain_text(docx: bytes) -> str:
    """The body paragraphs of a rendered DOCX as plain text, one blank line between them.

    Taken from the rendered file rather than the context, so a clerk's wording in the
    template reaches the text copy too (the news report's ``.txt`` for a web portal).
    """
    from docx import Document

    paragraphs = [p.text.strip() for p in Document(BytesIO(docx)).paragraphs]
    return "\n\n".join(p for p in paragraphs if p) + "\n"
