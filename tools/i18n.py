"""Keep docgen's message catalogues in step with the code (Babel).

    python tools/i18n.py extract   # code → src/docgen/locale/docgen.pot
    python tools/i18n.py update    # .pot → vi and en .po (new messages empty, changed ones fuzzy)
    python tools/i18n.py compile   # .po → .mo (the build hook and docgen itself do this too)
    python tools/i18n.py           # all three, in that order

The usual round after changing messages: run it, translate every empty or ``#, fuzzy`` entry in
``vi/LC_MESSAGES/docgen.po`` (and drop the fuzzy mark), run ``compile``; ``tests/test_i18n.py``
fails while any message is missing or a placeholder differs.

Besides docgen's own code (mapping in ``babel.cfg``), the template takes Click's messages
("Usage:", "Error: …", "No such option …"): docgen routes Click's gettext calls through its own
catalogue, so a clerk never reads Click's English. Locations are written without line numbers,
so that moving code does not rewrite the catalogues under other branches.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "docgen"
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE = LOCALE_DIR / "docgen.pot"
LANGUAGES = ("vi", "en")
# A fixed date keeps the headers from changing on every run (and from conflicting in merges).
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 100

Message = tuple[str | tuple[str, ...], str, str]  # (msgid or (singular, plural), location, comment)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "docgen.po"


def _extract(folder: Path, prefix: str, method_map, options_map) -> Iterator[Message]:
    for filename, _lineno, message, comments, _context in extract_from_dir(
        folder, method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        yield message, f"{prefix}/{filename}", "\n".join(comments)


def messages() -> list[Message]:
    """Every message of docgen's code and of Click, in file order."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = list(_extract(PACKAGE, "docgen", method_map, options_map))
    click_dir = Path(click.__file__).resolve().parent
    found += _extract(click_dir, "click", [("**.py", "python")], {})
    return found


def template() -> Catalog:
    catalog = Catalog(
        project="docgen",
        domain="docgen",
        creation_date=STAMP,
        revision_date=STAMP,
        charset="utf-8",
        fuzzy=False,
    )
    for message, location, comment in messages():
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        catalog.add(
            message, locations=[(location, None)], auto_comments=[comment] if comment else ()
        )
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True)


def extract() -> Catalog:
    catalog = template()
    _write(catalog, TEMPLATE)
    print(f"{TEMPLATE.relative_to(ROOT)}: {len(catalog)} messages")
    return catalog


def update(pot: Catalog | None = None) -> None:
    if pot is None:
        with TEMPLATE.open("rb") as handle:
            pot = read_po(handle)
    for language in LANGUAGES:
        path = po_path(language)
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="docgen", domain="docgen", fuzzy=False)
        catalog.update(pot, update_creation_date=False)
        catalog.revision_date = STAMP
        catalog.creation_date = STAMP
        _write(catalog, path)
        todo = sum(1 for m in catalog if m.id and (m.fuzzy or not _translated(m)))
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {todo} to translate")


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def compile_all() -> None:
    for language in LANGUAGES:
        path = po_path(language)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        print(f"{path.with_suffix('.mo').relative_to(ROOT)}: compiled")


def main(argv: list[str]) -> int:
    steps = argv or ["extract", "update", "compile"]
    pot = None
    for step in steps:
        if step == "extract":
            pot = extract()
        elif step == "update":
            update(pot)
        elif step == "compile":
            compile_all()
        else:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
