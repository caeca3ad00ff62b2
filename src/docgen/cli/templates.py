"""``docgen templates list|init|check``: the Word templates a clerk edits."""

from __future__ import annotations

from pathlib import Path

import click

from docgen import documents
from docgen.errors import DocgenError
from docgen.explain import os_reason
from docgen.i18n import _, ngettext
from docgen.templates_dir import (
    DESCRIPTIONS,
    PROFILES,
    builtin_dir,
    resolve,
)


@click.group(help=_("List, copy and check the Word templates of the documents."))
def templates() -> None:
    pass


@templates.command("list", help=_("Show which template file each document uses, and where it is."))
@click.option(
    "--templates",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Templates folder to describe (default: as `docgen build` would choose)."),
)
def list_templates(folder: Path | None) -> None:
    source = resolve(folder)
    click.echo(_("Templates: {source}").format(source=source.describe()))
    for profile in PROFILES:
        label = _("state format (ND 30/2020)") if profile == "state" else _("Party format (HD 36)")
        click.echo(f"\n{label}:")
        for document, description in DESCRIPTIONS.items():
            path, fallback = source.path(profile, document)
            note = "  " + _("[built-in: not in the chosen folder]") if fallback else ""
            click.echo(f"  {_(description):40} {path}{note}")


def _builtin_files() -> list[Path]:
    root = builtin_dir()
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@templates.command(
    "init",
    help=_(
        "Copy the built-in templates into FOLDER for editing in Word.\n"
        "\n"
        "Nothing is overwritten: if any of the files is already there, nothing is copied. Build "
        "from the folder you made it in (it is then ./templates) or pass --templates FOLDER."
    ),
)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    from docgen.outputs import atomic_write

    root = builtin_dir()
    files = _builtin_files()
    existing = [folder / rel for rel in files if (folder / rel).exists()]
    if existing:
        listing = "\n".join(f"  {p}" for p in existing)
        raise DocgenError(
            _(
                "{folder} already holds templates, so nothing was copied:\n{listing}\n"
                "Choose an empty folder, or move these files away first."
            ).format(folder=folder, listing=listing)
        )
    copied: list[Path] = []
    try:
        for rel in files:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, (root / rel).read_bytes())
            copied.append(target)
    except (OSError, DocgenError) as exc:
        # All or nothing: a half-copied folder would make `build` mix built-in templates in.
        for target in copied:
            target.unlink(missing_ok=True)
        if isinstance(exc, DocgenError):
            raise
        raise DocgenError(
            _("{path}: cannot create the folder ({reason}); no template was copied.").format(
                path=exc.filename or folder, reason=os_reason(exc)
            )
        ) from None
    click.echo(
        ngettext(
            "Copied {count} file to {folder}:", "Copied {count} files to {folder}:", len(files)
        ).format(count=len(files), folder=folder)
    )
    for rel in files:
        click.echo(f"  {rel.as_posix()}")
    click.echo(_("Edit them in Word; keep the {{ … }} and {%p … %} tags whole."))


def _document_of(path: Path) -> str | None:
    for doc in documents.TYPES:
        if path.name == doc.template:
            return doc.key
    return None


@templates.command(
    "check",
    help=_(
        "Check every template in FOLDER (default: as `docgen build` would choose).\n"
        "\n"
        "Reports Jinja syntax errors, unknown variables, tags Word split across runs and "
        "unbalanced {%tr %} / {%p %} blocks, each with where to find it. Exit status 1 if any."
    ),
)
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--meeting",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_(
        "Also check against this meeting's real values, which catches misspelt fields "
        "such as {{ report.titel }} inside loops."
    ),
)
def check(folder: Path | None, meeting: Path | None) -> None:
    # Imported here: `templates list` and `init` need neither the checker nor the model.
    from docgen import templatecheck
    from docgen.loader import load_meeting

    if folder is not None and not Path(folder).is_dir():
        raise DocgenError(
            _("{folder}: no such folder; give the folder that holds your templates.").format(
                folder=folder
            )
        )
    root = Path(folder) if folder is not None else resolve(None).folder

    record = load_meeting(meeting) if meeting is not None else None

    def known_for(path: Path) -> dict[str, object] | set[str] | None:
        document = _document_of(path)
        # Templates docgen does not render from a meeting context (certificates have their
        # own checks) get syntax and run checks only.
        if document is None:
            return None
        if record is not None:
            # A real context lets the checker follow attributes, not just top-level names.
            found, item = documents.sample_item(record, document)
            if found:
                return documents.context_for(record, document, item)
        return set(documents.known_variables(document))

    problems = templatecheck.check_folder(root, known_for)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(
            "\n"
            + ngettext(
                "{count} problem in {folder}.", "{count} problems in {folder}.", len(problems)
            ).format(count=len(problems), folder=root),
            err=True,
        )
        raise SystemExit(1)
    click.echo(_("{folder}: no problems found.").format(folder=root))
