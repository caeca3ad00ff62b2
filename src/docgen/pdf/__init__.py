"""DOCX → PDF without an office suite (the ``builtin`` engine), and the LibreOffice engine.

Layers, one concern each: :mod:`.docx_reader` (safe zip + thin XML proxies), :mod:`.styles`
(effective formatting, numbering), :mod:`.fonts` (family → TrueType, metrics), :mod:`.layout`
(blocks → flowables), :mod:`.flowables` (Writer-like paragraph/table behaviour), :mod:`.writer`
(pages, headers, fields). The target is LibreOffice's rendering of the same DOCX: same page
breaks, same words, embedded fonts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docgen.errors import DocgenError
from docgen.i18n import _, ngettext

__all__ = [
    "ENGINES",
    "FontWarning",
    "docx_to_pdf",
    "docx_bytes_to_pdf",
    "libreoffice_to_pdf",
    "libreoffice_convert",
    "find_soffice",
    "load_engine",
]

ENGINES = ("builtin", "libreoffice")
"""The PDF engines a build can use: docgen's own, or LibreOffice where installed."""


class FontWarning(str):
    """A warning about this machine's fonts rather than about one document.

    It reads the same for every file of a build, so callers print it once per run, without a
    file name (eight identical lines for eight PDFs say nothing more than one).
    """

    __slots__ = ()


def docx_to_pdf(
    src: Path,
    dst: Path,
    *,
    font_dirs: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> list[str]:
    """Render DOCX ``src`` to PDF ``dst`` with the builtin engine; return the warnings.

    Raises :class:`DocgenError` for a missing, non-DOCX or damaged file.
    """
    from docgen.pdf.writer import render

    return render(Path(src), Path(dst), font_dirs=font_dirs, warn=warn)


def docx_bytes_to_pdf(
    data: bytes,
    *,
    name: str = "document.docx",
    font_dirs: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> tuple[bytes, list[str]]:
    """Render DOCX ``data`` with the builtin engine, in memory: (PDF bytes, warnings).

    ``name`` is the document's name in messages. Raises :class:`DocgenError` for bytes that
    are not a DOCX or are damaged, as :func:`docx_to_pdf` does for a file.
    """
    from docgen.pdf.writer import render_bytes

    return render_bytes(data, name, font_dirs=font_dirs, warn=warn)


def load_engine() -> None:
    """Import the builtin engine now: a caller about to fork shares it with its copy."""
    import docgen.pdf.writer  # noqa: F401


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice`` (PATH, then the usual install places), or None."""
    for name in ("soffice", "libreoffice"):
        p = shutil.which(name)
        if p:
            return p
    for p in (
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "C:/Program Files/LibreOffice/program/soffice.exe",
    ):
        if os.path.exists(p):
            return p
    return None


def libreoffice_to_pdf(
    src: Path, dst_dir: Path, *, timeout: float = 180.0, convert_to: str = "pdf"
) -> Path:
    """Convert one file with ``soffice --headless``; returns the output path."""
    return libreoffice_convert([src], dst_dir, timeout=timeout, convert_to=convert_to)[0]


def libreoffice_convert(
    srcs: Sequence[Path], dst_dir: Path, *, timeout: float = 180.0, convert_to: str = "pdf"
) -> list[Path]:
    """Convert several files in one ``soffice --headless`` run; the outputs, in order.

    One run pays LibreOffice's start-up (1–2 s) once for the whole batch. Outputs are named
    after the inputs' stems in ``dst_dir``, so two inputs with one stem are refused. A private
    user profile (``-env:UserInstallation``) per run lets conversions run in parallel:
    LibreOffice otherwise locks the shared profile and a second instance silently hands its
    job to the first, or exits doing nothing.
    """
    soffice = find_soffice()
    if soffice is None:
        raise DocgenError(_("LibreOffice (soffice) is not installed; use --pdf-engine builtin."))
    paths = [Path(s).resolve() for s in srcs]
    for src in paths:
        if not src.exists():
            raise DocgenError(_("{file}: no such file.").format(file=src))
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise DocgenError(_("LibreOffice writes outputs by file name; two inputs share one name."))
    dst_dir = Path(dst_dir)
    dst_dir.mkdir(parents=True, exist_ok=True)
    ext = convert_to.split(":")[0]
    outs = [dst_dir / (p.stem + "." + ext) for p in paths]
    # an output left by an earlier run must not pass for a fresh one
    before = {out: out.stat().st_mtime_ns for out in outs if out.exists()}
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
        cmd = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            convert_to,
            "--outdir",
            str(dst_dir),
            *map(str, paths),
        ]
        # ``soffice`` is a launcher script and the work is done by its child soffice.bin: on a
        # timeout the whole process group is ended, or soffice.bin would run on, orphaned.
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=os.name == "posix",
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_tree(proc)
            what = (
                paths[0]
                if len(paths) == 1
                else ngettext("{count} file", "{count} files", len(paths)).format(count=len(paths))
            )
            raise DocgenError(
                _("LibreOffice did not finish converting {what} within {seconds:.0f} s.").format(
                    what=what, seconds=timeout
                )
            ) from exc
    failed = [
        p
        for p, out in zip(paths, outs, strict=True)
        if not out.exists() or before.get(out) == out.stat().st_mtime_ns
    ]
    if proc.returncode != 0 or failed:
        raise DocgenError(
            _("LibreOffice could not convert {files}: {output}").format(
                files=", ".join(map(str, failed or paths)), output=(stderr or stdout).strip()[:500]
            )
        )
    return outs


def _kill_tree(proc: subprocess.Popen) -> None:
    """End ``proc`` and every process of its session (POSIX), then reap it."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass
    proc.communicate()
