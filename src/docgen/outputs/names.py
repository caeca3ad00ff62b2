"""File names docgen writes: valid on every system, made from a clerk's text."""

from __future__ import annotations

import re
import unicodedata

#: Device names Windows reserves in every folder, with or without an extension ("CON.docx"
#: cannot be created either). Superscript digits count on recent Windows versions.
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: Bytes, not characters: most file systems limit a name to 255 bytes.
MAX_NAME_BYTES = 255


def _is_reserved(part: str) -> bool:
    return part.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED


def check_output_name(name: str) -> str:
    """Return ``name`` (NFC) if it is a safe relative output path, else raise ``ValueError``.

    ``/`` separates sub-folders. Every part must be a name that all of Linux, macOS and
    Windows can create inside the output folder: no ``..`` (path traversal), no absolute
    path, no backslash, no characters Windows forbids, no reserved device names, no leading
    dot (those are docgen's own files), no trailing dot or space (Windows drops them, so two
    names would collide). Names come from code; data-derived parts must go through
    :func:`safe_filename` first, so a bad name here is a bug, hence ``ValueError``.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"an output name must be a non-empty string, got {name!r}")
    name = unicodedata.normalize("NFC", name)
    if "\\" in name:
        raise ValueError(f"output name {name!r}: use '/' between folders, not '\\'")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ValueError(f"output name {name!r} is absolute; give a name inside the folder")
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise ValueError(f"output name {name!r} has an empty, '.' or '..' part")
        if part.startswith("."):
            raise ValueError(f"output name {name!r}: names starting with '.' are docgen's own")
        if part != part.rstrip(". "):
            raise ValueError(f"output name {name!r}: a name must not end with '.' or a space")
        if _WINDOWS_FORBIDDEN.search(part):
            raise ValueError(f"output name {name!r} holds a character Windows forbids")
        if _is_reserved(part):
            raise ValueError(f"output name {name!r}: {part.split('.')[0]} is reserved on Windows")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES - 16:  # room for the temp-name wrapping
            raise ValueError(f"output name {name!r} is too long")
    return name


def safe_filename(text: str, *, max_length: int = 80, default: str = "tai-lieu") -> str:
    """Turn data (a person's or unit's name) into a file name stem safe on every system.

    ``"Nguyễn Thị Ánh"`` → ``"nguyen-thi-anh"``. The result is an ASCII slug: Vietnamese
    letters lose their marks (``đ`` → ``d``), anything that is not a letter or a digit becomes
    one ``-``; so no path separator, no ``..``, no character Windows forbids, no leading dot can
    survive. A Windows device name (``CON``, ``com1``, …) gets a ``-`` appended. The slug is
    cut to ``max_length`` characters at a word boundary when there is one; an empty result is
    ``default``. ASCII rather than Unicode names because clerks move outputs through e-mail,
    zip tools and USB sticks formatted FAT32, which mangle non-ASCII names in different ways.
    Add the extension after: ``safe_filename(name) + ".docx"``.
    """
    if max_length < 8:
        raise ValueError("max_length must be at least 8")
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in text if not unicodedata.combining(ch)).encode(
        "ascii", "ignore"
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode("ascii").lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut
        slug = slug.strip("-")
    if not slug:
        slug = default
    if _is_reserved(slug):
        slug += "-"
    return slug
