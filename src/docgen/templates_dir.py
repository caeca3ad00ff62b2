"""Where the DOCX templates come from.

A clerk customises documents by editing copies of the templates (``docgen templates init``),
so a build must say which files it used. Three places, in order:

1. ``--templates DIR`` when given (an explicit choice beats a convention);
2. ``./templates`` when the current folder has one (the clerk's working copy);
3. the built-in templates: in an installed wheel ``docgen/templates`` inside the package
   (pyproject force-includes the repository's top-level ``templates/`` there), in an editable
   checkout the repository's ``templates/`` itself.

A chosen folder that lacks a file falls back to the built-in file, and the build says so, so
a folder holding only the edited minutes template still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen import documents
from docgen.errors import DocgenError
from docgen.i18n import _

PROFILES = ("state", "party")

TEMPLATE_FILES: dict[str, str] = {t.key: t.template for t in documents.TYPES}
"""File name of each document's template inside ``<folder>/<profile>/`` (from the table)."""

# Marked for the catalogue in the table, translated where shown (the language is not known at
# import).
DESCRIPTIONS: dict[str, str] = {t.key: t.description for t in documents.TYPES}


def builtin_dir() -> Path:
    """The templates shipped with docgen."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "templates", package.parents[1] / "templates"):
        if (candidate / "state" / documents.MINUTES.template).is_file():
            return candidate
    raise DocgenError(
        _(
            "docgen's built-in templates are missing (looked in {inside} and {checkout}). "
            "Reinstall docgen, or pass --templates DIR."
        ).format(inside=package / "templates", checkout=package.parents[1] / "templates")
    )


@dataclass(frozen=True)
class TemplateSource:
    """The folder a build takes its templates from, and why."""

    folder: Path
    origin: str  # "--templates", "./templates" or "built-in"

    def path(self, profile: str, document: str) -> tuple[Path, bool]:
        """The template for ``document`` in ``profile``; True when it fell back to built-in."""
        relative = Path(profile) / documents.get(document).template
        own = self.folder / relative
        if own.is_file():
            return own, False
        if self.origin == "built-in":
            raise DocgenError(
                _("docgen's built-in template {file} is missing; reinstall docgen.").format(
                    file=own
                )
            )
        return builtin_dir() / relative, True

    def describe(self) -> str:
        if self.origin == "built-in":
            return _("built-in templates ({folder})").format(folder=self.folder)
        return _("templates from {folder} ({origin})").format(
            folder=self.folder, origin=self.origin
        )


def resolve(option: Path | None = None, cwd: Path | None = None) -> TemplateSource:
    """Pick the templates folder for a build (see the module docstring for the order)."""
    if option is not None:
        folder = Path(option)
        if not folder.is_dir():
            raise DocgenError(
                _(
                    "--templates {folder}: no such folder. Make one with "
                    "`docgen templates init {folder}`."
                ).format(folder=option)
            )
        return TemplateSource(folder.resolve(), "--templates")
    local = (cwd or Path.cwd()) / "templates"
    if any((local / profile).is_dir() for profile in PROFILES):
        if local.resolve() == builtin_dir().resolve():
            # Running inside the docgen checkout: ./templates *is* the built-in folder.
            return TemplateSource(local.resolve(), "built-in")
        return TemplateSource(local.resolve(), "./templates")
    return TemplateSource(builtin_dir(), "built-in")
