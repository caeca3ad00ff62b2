"""What the template check reports: a problem and where a clerk finds it in Word."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from docgen.explain import word_place
from docgen.i18n import _


def part_label(part: str) -> str:
    """A part's label ("header (first page)"), kept in English inside the checker (the labels
    sort the parts), in the current language."""
    return word_place(part)


@dataclass(frozen=True)
class Location:
    """Where a clerk finds a problem in Word: the part, then a paragraph or a table cell."""

    part: str
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    text: str = ""

    def __str__(self) -> str:
        where = [part_label(self.part)]
        if self.table is not None:
            where.append(_("table {number}").format(number=self.table))
            if self.row is not None:
                where.append(_("row {number}").format(number=self.row))
            if self.cell is not None:
                where.append(_("cell {number}").format(number=self.cell))
        elif self.paragraph is not None:
            where.append(_("paragraph {number}").format(number=self.paragraph))
        head = ", ".join(where)
        if self.text:
            return f'{head}: "{self.text}"'
        return _("{place} (empty paragraph)").format(place=head)


@dataclass(frozen=True)
class Problem:
    """One thing to fix in one template: where it is and what was expected instead."""

    template: Path
    location: Location | None
    message: str

    def __str__(self) -> str:
        if self.location is None:
            return f"{self.template}: {self.message}"
        return f"{self.template}, {self.location}: {self.message}"


Known = Mapping[str, object] | Collection[str] | None
