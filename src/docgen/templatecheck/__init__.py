"""Find the mistakes in a clerk-edited DOCX template and say where they are, in Word's terms.

docxtpl reports a broken template with a line number in its own preprocessed XML, which means
nothing to the clerk who edited the file in Word. This module reads the template the way docxtpl
will (its ``{%p %}`` / ``{%tr %}`` / ``{%tc %}`` / ``{%r %}`` conventions, run joining, smart
quotes) but keeps, for every line of the Jinja source it builds, the paragraph or table cell that
line came from. Every problem is then told as "body, table 2, row 3, cell 1: "…"" or
"header (first page), paragraph 1: "…"" — something a clerk can find with Ctrl+F.

It checks, part by part (body, every header and footer, footnotes, text boxes):

1. Jinja syntax: tags that never close, bad expressions, unknown tags/filters, blocks
   (``for``/``if``/…) that never close or close what was never opened;
2. variables the document's context does not provide, and misspelt attributes of the sample
   values (``meeting.nam``), with "did you mean …?";
3. tags Word split into runs with different formatting, or broke with a bookmark, comment,
   field or tracked change, or across paragraphs;
4. docxtpl's row/cell/paragraph tags used so that text is lost or the XML breaks: a ``{%tr %}``
   sharing its row, a ``{%p %}`` sharing its paragraph, a ``{%tr for %}`` closed in another table
   or by a plain ``{% endfor %}``.

Templates come from anywhere (e-mail, a USB stick), so the package is read under
:mod:`docgen.safezip`'s zip limits and with its XML parser, which resolves no entities and
fetches nothing.

One job per module: :mod:`.package` reads the DOCX and picks the parts docxtpl renders,
:mod:`.paragraphs` walks a part's paragraphs with their Word location, :mod:`.tags` finds the
Jinja tags in a paragraph's text, :mod:`.syntax` checks one part (1, 3 and 4 above) and hands
its Jinja tree to :mod:`.variables` (2); :mod:`.problems` is what they all report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment

from docgen.i18n import _
from docgen.templatecheck.package import _read_docx, _Unreadable
from docgen.templatecheck.problems import Known, Location, Problem, part_label
from docgen.templatecheck.syntax import _PartChecker
from docgen.templatelimits import property_problems

__all__ = ["Location", "Problem", "check_template", "check_folder", "part_label"]


def check_template(
    path: Path,
    known: Known = None,
    *,
    environment: Environment | None = None,
    data: bytes | None = None,
) -> list[Problem]:
    """Every problem found in the DOCX template at ``path``, in document order.

    ``known`` is the context the template will be rendered with: a mapping of sample values
    (then attribute and item access on them is checked too), or just the top-level names, or
    ``None`` to skip the unknown-variable check. ``environment`` supplies the filters and tests a
    template may use (docgen's sandboxed environment by default). ``data``, when given, are the
    file's bytes already read (a build checks the very bytes it renders); ``path`` then only
    names the template. A file that is not a DOCX is a problem, never an exception.
    """
    path = Path(path)
    if environment is None:
        from docgen.sandbox import make_environment

        environment = make_environment()
    try:
        parts, properties = _read_docx(path, data)
    except _Unreadable as exc:
        return [Problem(path, None, str(exc))]
    found: list[tuple[tuple[int, int], Problem]] = []
    for index, (label, root) in enumerate(parts):
        checker = _PartChecker(path, label, root, known, environment)
        for order, problem in checker.run():
            found.append(((index, order), problem))
    found.sort(key=lambda item: item[0])
    unique: list[Problem] = []
    for _order, problem in found:
        if problem not in unique:
            unique.append(problem)
    unique.extend(
        Problem(path, None, f"{label}: {message}")
        for label, message in property_problems(properties)
    )
    return unique


def check_folder(
    folder: Path,
    known_for: Callable[[Path], Known] | None = None,
    *,
    environment: Environment | None = None,
) -> list[Problem]:
    """Check every ``*.docx`` under ``folder`` (sub-folders too), skipping Word's lock files.

    ``known_for(path)`` gives the context for one template (``None``: no variable check).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [Problem(folder, None, _("no such folder; expected a folder of .docx templates."))]
    templates = sorted(
        p
        for p in folder.rglob("*.docx")
        # "~$x.docx" is Word's lock file for an open x.docx, not a document.
        if p.is_file() and not p.name.startswith(("~$", ".~lock", "."))
    )
    if not templates:
        return [Problem(folder, None, _("no templates here; expected one or more .docx files."))]
    problems: list[Problem] = []
    for template in templates:
        known = known_for(template) if known_for is not None else None
        problems.extend(check_template(template, known, environment=environment))
    return problems
