"""What PyYAML and pydantic say, in the clerk's words.

Both libraries write their own English sentences. docgen keeps where a problem is (the loader
knows the line and the field) and replaces the library's sentence by one from docgen's
catalogue, chosen by what the library reports: PyYAML's problem text (matched against the
patterns below, whose English *is* PyYAML's wording, so English output is unchanged) and
pydantic's error ``type`` with its ``ctx``. A problem no pattern knows is still reported with
its place, in a general sentence, never in the library's English unless English was asked for.
"""

from __future__ import annotations

import re
from typing import Any

from docgen.i18n import N_, _, language

# PyYAML problem (and context) texts → docgen's message. The named groups become placeholders.
_YAML_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), m)
    for p, m in [
        (r"^mapping values are not allowed here$", N_("mapping values are not allowed here")),
        (
            r"^found character (?P<char>.+) that cannot start any token$",
            N_("found character {char} that cannot start any token"),
        ),
        (r"^could not find expected ':'$", N_("could not find expected ':'")),
        (r"^found unexpected end of stream$", N_("found unexpected end of stream")),
        (
            r"^expected <block end>, but found (?P<token>.+)$",
            N_("expected <block end>, but found {token}"),
        ),
        (
            r"^expected ',' or '\]', but got (?P<token>.+)$",
            N_("expected ',' or ']', but got {token}"),
        ),
        (
            r"^expected ',' or '\}', but got (?P<token>.+)$",
            N_("expected ',' or '}}', but got {token}"),
        ),
        (r"^found undefined alias (?P<name>.+)$", N_("found undefined alias {name}")),
        (
            r"^found duplicate anchor (?P<name>.+); first occurrence$",
            N_("found duplicate anchor {name}; first occurrence"),
        ),
        (r"^but found another document$", N_("but found another document")),
        (
            r"^found unknown escape character (?P<char>.+)$",
            N_("found unknown escape character {char}"),
        ),
        (
            r"^expected alphabetic or numeric character, but found (?P<char>.+)$",
            N_("expected alphabetic or numeric character, but found {char}"),
        ),
        (r"^sequence entries are not allowed here$", N_("sequence entries are not allowed here")),
        (
            r"^could not determine a constructor for the tag (?P<tag>.+)$",
            N_("could not determine a constructor for the tag {tag}"),
        ),
        (r"^found unhashable key$", N_("found unhashable key")),
        (
            r"^expected the node content, but found (?P<token>.+)$",
            N_("expected the node content, but found {token}"),
        ),
        (
            r"^expected '<document start>', but found (?P<token>.+)$",
            N_("expected '<document start>', but found {token}"),
        ),
        (
            r"^invalid indentation or unclosed '\[' or '\{'$",
            N_("invalid indentation or unclosed '[' or '{{'"),
        ),
        (
            r"^expected a comment or a line break, but found (?P<char>.+)$",
            N_("expected a comment or a line break, but found {char}"),
        ),
        (r"^while scanning a simple key$", N_("while scanning a simple key")),
        (r"^while scanning a quoted scalar$", N_("while scanning a quoted scalar")),
        (r"^while scanning a double-quoted scalar$", N_("while scanning a double-quoted scalar")),
        (r"^while scanning a plain scalar$", N_("while scanning a plain scalar")),
        (r"^while scanning a block scalar$", N_("while scanning a block scalar")),
        (r"^while scanning an alias$", N_("while scanning an alias")),
        (r"^while scanning an anchor$", N_("while scanning an anchor")),
        (r"^while scanning a tag$", N_("while scanning a tag")),
        (r"^while scanning for the next token$", N_("while scanning for the next token")),
        (r"^while parsing a block mapping$", N_("while parsing a block mapping")),
        (r"^while parsing a block collection$", N_("while parsing a block collection")),
        (r"^while parsing a flow sequence$", N_("while parsing a flow sequence")),
        (r"^while parsing a flow mapping$", N_("while parsing a flow mapping")),
        (r"^while parsing a block node$", N_("while parsing a block node")),
        (r"^while parsing a flow node$", N_("while parsing a flow node")),
        (r"^while parsing a node$", N_("while parsing a node")),
        (r"^while composing a mapping$", N_("while composing a mapping")),
        (r"^while constructing a mapping$", N_("while constructing a mapping")),
        (
            r"^expected a single document in the stream$",
            N_("expected a single document in the stream"),
        ),
    ]
]


# PyYAML's names for what it met instead, as they appear in its messages.
_YAML_TOKENS = {
    "'<stream end>'": N_("the end of the file"),
    "'<document end>'": N_("the end of the file"),
    "'<scalar>'": N_("a value"),
    "'<block end>'": N_("the end of a block"),
    "'<block mapping start>'": N_("the start of a block of keys"),
    "'<block sequence start>'": N_("the start of a list"),
    "'<block entry>'": N_("a list item ('- ')"),
    "'<key>'": N_("a key"),
    "'<value>'": N_("a colon ':'"),
    "'<alias>'": N_("an alias"),
    "'<anchor>'": N_("an anchor"),
    "'<flow mapping end>'": N_("'}}'"),
    "'<flow sequence end>'": N_("']'"),
}


def yaml_words(text: str | None) -> str | None:
    """PyYAML's problem or context text in the current language; None for one no pattern knows
    (outside English), so that the caller writes its general sentence instead."""
    if not text:
        return None
    for pattern, message in _YAML_PROBLEMS:
        found = pattern.match(text)
        if found:
            parts = found.groupdict()
            if "token" in parts and parts["token"] in _YAML_TOKENS:
                parts["token"] = _(_YAML_TOKENS[parts["token"]]).format()
            return _(message).format(**parts)
    return text if language() == "en" else None


def yaml_message(where: str, problem: str | None, context: str | None) -> str:
    """One paragraph for a YAML syntax error at ``where`` (file, line, column)."""
    said = yaml_words(problem) or _("the text cannot be read")
    around = yaml_words(context)
    hint = ""
    if problem and (
        "mapping values are not allowed" in problem or "expected <block end>" in problem
    ):
        hint = _(
            "Check the indentation: keys of one block start in the same column, with spaces, "
            "not tabs."
        )
    elif problem and "found character '\\t'" in problem:
        hint = _("YAML indents with spaces; replace the tab.")
    elif problem and ("end of the stream" in problem or "quoted scalar" in (context or "")):
        hint = _("A quote was opened and not closed.")
    if around:
        text = _("{where}: this is not valid YAML — {problem} ({context}).").format(
            where=where, problem=said, context=around
        )
    else:
        text = _("{where}: this is not valid YAML — {problem}.").format(where=where, problem=said)
    return f"{text} {hint}" if hint else text


# --- pydantic -----------------------------------------------------------------------------------

_EXPECTED = {
    "string_type": N_("text"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "float_type": N_("a number"),
    "float_parsing": N_("a number"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "list_type": N_("a list (lines starting with '- ')"),
    "dict_type": N_("a block of 'key: value' lines"),
    "model_type": N_("a block of 'key: value' lines"),
    "model_attributes_type": N_("a block of 'key: value' lines"),
    "date_type": N_("a date such as 2022-12-12"),
    "date_parsing": N_("a date such as 2022-12-12"),
    "date_from_datetime_parsing": N_("a date such as 2022-12-12"),
    "time_type": N_('a time such as "08:00"'),
    "time_parsing": N_('a time such as "08:00"'),
}

# Limits pydantic reports with a number in ``ctx``.
_LIMITS = {
    "string_too_short": N_("this text must be at least {min_length} character(s) long."),
    "string_too_long": N_("this text must be at most {max_length} characters long."),
    "too_long": N_("at most {max_length} item(s) may be given here."),
    "greater_than": N_("the value must be greater than {gt}, got {value}."),
    "greater_than_equal": N_("the value must be at least {ge}, got {value}."),
    "less_than": N_("the value must be less than {lt}, got {value}."),
    "less_than_equal": N_("the value must be at most {le}, got {value}."),
    "string_pattern_mismatch": N_("{value} is not written as expected here."),
}


def show(value: Any) -> str:
    """A short picture of a value the clerk wrote, for a message."""
    if isinstance(value, dict):
        return _("a block of keys")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return _("nothing")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" with its English "or" in the current language."""
    return re.sub(r"' or '", "' " + _("or") + " '", expected)


def pydantic_message(
    error: dict[str, Any], allowed: list[str] | None = None, near: str | None = None
) -> str:
    """The sentence after the field's name for one pydantic error (``errors()`` entry).

    ``allowed`` and ``near`` are the known keys of the block and the closest one to a misspelt
    key, which only the caller (who knows the model) can tell.
    """
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("this field is required and missing.")
    if kind == "extra_forbidden":
        field = error["loc"][-1]
        text = _('"{field}" is not a known key.').format(field=field)
        if near:
            text += " " + _('Did you mean "{near}"?').format(near=near)
        if allowed:
            text += " " + _("Known keys here: {keys}.").format(keys=", ".join(allowed))
        return text
    if kind in ("literal_error", "enum"):
        return _("{value} is not allowed here; expected {expected}.").format(
            value=show(value), expected=_choices(str(ctx.get("expected", "")))
        )
    if kind == "too_short" and isinstance(value, list | dict):
        return _("this list must not be empty.")
    if kind in _EXPECTED:
        return _("expected {expected}, got {value}.").format(
            expected=_(_EXPECTED[kind]), value=show(value)
        )
    if kind in _LIMITS:
        return _(_LIMITS[kind]).format(**{**ctx, "value": show(value)})
    if kind == "value_error":
        # The model's own validators raise ValueError with a message already in the language.
        return f"{ctx.get('error', '')}."
    if language() == "en":
        return f"{error['msg']} (got {show(value)})."
    return _("{value} is not accepted here (check {kind}).").format(value=show(value), kind=kind)


# --- other libraries' exceptions (openpyxl, csv, zipfile) --------------------------------------


def library_reason(exc: BaseException) -> str:
    """Why a library refused a file, for the parentheses of a message.

    The library's own sentence in English; in another language a general one naming the kind of
    failure, since openpyxl and the csv module have no catalogue of their own.
    """
    if language() == "en":
        return str(exc) or type(exc).__name__
    import zipfile

    if isinstance(exc, zipfile.BadZipFile):
        return _("the file is not a complete Office file")
    if isinstance(exc, KeyError):
        return _("a part the file must contain is missing")
    return _("the file is damaged or was not saved by an office program ({kind})").format(
        kind=type(exc).__name__
    )


# --- Jinja ----------------------------------------------------------------------------------------

# Jinja's messages about a template, the ones a clerk editing a Word template meets.
_JINJA: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), m)
    for p, m in [
        (r"^'(?P<name>[^']+)' is undefined$", N_("'{name}' is undefined")),
        (
            r"^'(?P<owner>[^']+)' has no attribute '(?P<name>[^']+)'$",
            N_("'{owner}' has no attribute '{name}'"),
        ),
        (
            r"^unexpected '(?P<token>[^']+)'$",
            N_("unexpected '{token}'"),
        ),
        (
            r"^unexpected end of template, expected '(?P<expected>[^']+)'\.?$",
            N_("unexpected end of template, expected '{expected}'"),
        ),
        (
            r"^Unexpected end of template\. Jinja was looking for the following tags: "
            r"(?P<tags>.+?)\. The innermost block that needs to be closed is '(?P<block>[^']+)'\.?$",
            N_(
                "Unexpected end of template. Jinja was looking for the following tags: {tags}. "
                "The innermost block that needs to be closed is '{block}'."
            ),
        ),
        (
            r"^Encountered unknown tag '(?P<name>[^']+)'\..*$",
            N_("Encountered unknown tag '{name}'"),
        ),
        (
            r"^expected token '(?P<expected>[^']+)', got '(?P<got>[^']+)'$",
            N_("expected token '{expected}', got '{got}'"),
        ),
        (r"^No filter named '(?P<name>[^']+)'\.?$", N_("No filter named '{name}'")),
        (r"^No test named '(?P<name>[^']+)'\.?$", N_("No test named '{name}'")),
        (
            r"^access to attribute '(?P<name>[^']+)' of '(?P<owner>[^']+)' object is unsafe\.?$",
            N_("access to attribute '{name}' of '{owner}' object is unsafe"),
        ),
        (r"^(?P<name>.+) is not safely callable$", N_("{name} is not safely callable")),
        (r"^Expected an expression, got '(?P<got>[^']+)'$", N_("expected an expression, got '{got}'")),
        (
            r"^unexpected char (?P<char>.+) at (?P<position>\d+)$",
            N_("unexpected character {char} at position {position}"),
        ),
        (r"^tag name expected$", N_("a tag name is expected after {{%")),
        (r"^expected name or number$", N_("a name or a number is expected")),
    ]
]

# Jinja's names for the tokens it expected or found, inside the messages above.
_JINJA_TOKENS = {
    "end of statement block": N_("the end of the tag, %}}"),
    "end of print statement": N_("the end of the field, }}}}"),
    "end of template": N_("the end of the template"),
    "begin of statement block": N_("the start of a tag, {{%"),
    "begin of print statement": N_("the start of a field, {{{{"),
}


def jinja_words(text: str) -> str:
    """Jinja's message in the current language (Jinja's own English for one not listed)."""
    first = text.strip()
    for pattern, message in _JINJA:
        found = pattern.match(first)
        if found:
            values = {
                key: _(_JINJA_TOKENS[value]).format() if value in _JINJA_TOKENS else value
                for key, value in found.groupdict().items()
            }
            return _(message).format(**values)
    return text


# --- the operating system's refusals --------------------------------------------------------

# The system's sentence ("No such file or directory") comes from the C library in English
# whatever --lang says; the common ones are said in the reader's language.
_OS_WORDS = {
    "ENOENT": N_("no such file or folder"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("permission denied"),
    "ENOSPC": N_("the disk is full"),
    "EDQUOT": N_("the disk quota is used up"),
    "EROFS": N_("the disk is read-only"),
    "EEXIST": N_("it already exists"),
    "ENOTDIR": N_("a part of the path is not a folder"),
    "EISDIR": N_("it is a folder"),
    "ENAMETOOLONG": N_("the name is too long"),
    "EBUSY": N_("it is in use by another program"),
    "ETXTBSY": N_("it is in use by another program"),
    "EIO": N_("the disk could not be read or written"),
    "ELOOP": N_("it is a link, or a chain of links too long"),
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, for the parentheses of a message."""
    import errno

    text = exc.strerror or str(exc) or type(exc).__name__
    if language() == "en":
        return text
    code = errno.errorcode.get(exc.errno or 0, "")
    if code in _OS_WORDS:
        return _(_OS_WORDS[code])
    return _("the system refused it ({code})").format(code=code or type(exc).__name__)


# --- Python's own errors inside a template ----------------------------------------------------

# A template's expression can fail as Python does ("can only concatenate str (not 'int') to
# str", "division by zero"). Python has no catalogue, and its words (str, int, operand) mean
# nothing to a clerk: in another language the kind of mistake is said instead.
_PYTHON_KINDS: list[tuple[type[BaseException], str]] = [
    (ZeroDivisionError, N_("a division by zero")),
    (OverflowError, N_("a number too large to compute")),
    (
        TypeError,
        N_("values of different kinds were combined or compared (text, a number, a list)"),
    ),
    (ValueError, N_("a value could not be converted (for example text where a number is needed)")),
    (LookupError, N_("an item or a key that is not there was looked up")),
    (AttributeError, N_("a value has no such attribute")),
]


def python_reason(exc: BaseException) -> str:
    """A Python error raised while a template ran, for a message: Python's own English sentence
    in English; in another language what kind of mistake it is, and the error's name."""
    detail = jinja_words(str(exc)).rstrip(".")
    if language() == "en":
        return f"{type(exc).__name__}: {detail}"
    for kind, sentence in _PYTHON_KINDS:
        if isinstance(exc, kind):
            return f"{_(sentence)} ({type(exc).__name__})"
    if detail != str(exc).rstrip("."):  # a Jinja message the catalogue knows
        return detail
    return _("an operation of the template failed ({kind})").format(kind=type(exc).__name__)


# --- places in a Word document ---------------------------------------------------------------

# The words of a place docgen names in English inside its code ("section 2 body table 1 row 3
# paragraph 1", "header (first page)"), where they also sort and compare, put into the reader's
# language only when shown.
_PLACE_WORDS = {
    "body": N_("body"),
    "header": N_("header"),
    "footer": N_("footer"),
    "footnotes": N_("footnotes"),
    "first page": N_("first page"),
    "even pages": N_("even pages"),
    "nested table": N_("nested table"),
}
_PLACE_NUMBERED = {
    "section": N_("section {number}"),
    "table": N_("table {number}"),
    "row": N_("row {number}"),
    "cell": N_("cell {number}"),
    "paragraph": N_("paragraph {number}"),
}
_PLACE = re.compile(
    r"\b(?:(?P<what>section|table|row|cell|paragraph) (?P<number>\d+)|"
    r"first page|even pages|nested table|footnotes|header|footer|body)\b"
)


def word_place(text: str) -> str:
    """A place in a Word document, written by docgen in English, in the current language."""

    def one(found: re.Match[str]) -> str:
        if found.group("what"):
            return _(_PLACE_NUMBERED[found.group("what")]).format(number=found.group("number"))
        return _(_PLACE_WORDS[found.group(0)])

    return _PLACE.sub(one, text)
