"""The one exception type a clerk ever sees.

Anything raised as :class:`DocgenError` is the user's to fix (a bad YAML line, a broken template,
a file that would be overwritten). The CLI prints its message as a paragraph and exits with
status 2; every other exception is a bug in docgen and keeps its traceback.
"""

from __future__ import annotations


class DocgenError(Exception):
    """An error in the user's input, told in words a clerk can act on.

    ``problems`` holds one paragraph per problem so that a file with five mistakes is
    reported in one run rather than five. ``fields`` (when given, as long as ``problems``) holds
    the field path each problem is about — ``("meeting", "date")`` — or ``None``, so that the
    browser workspace can show a problem beside its field.
    """

    def __init__(
        self,
        message: str,
        problems: list[str] | None = None,
        fields: list[tuple[str | int, ...] | None] | None = None,
    ) -> None:
        self.problems = list(problems or [])
        self.fields = list(fields) if fields is not None else [None] * len(self.problems)
        super().__init__(message)

    def __str__(self) -> str:
        head = self.args[0] if self.args else ""
        if not self.problems:
            return head
        return "\n\n".join([head, *self.problems]) if head else "\n\n".join(self.problems)
