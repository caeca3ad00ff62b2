"""Compile the message catalogues (``.po`` → ``.mo``) whenever the package is built.

Runs for the wheel and for editable installs alike (``pip install .``, ``pip install -e .``),
so an installed docgen speaks Vietnamese without Babel having to compile at run time. The
``.mo`` files are written next to their ``.po`` (ignored by git) and listed as build artifacts.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        locale_dir = Path(self.root) / "src" / "docgen" / "locale"
        for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
