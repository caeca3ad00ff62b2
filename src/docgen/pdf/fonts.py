"""DOCX font family → TrueType files registered with reportlab.

Why a module of its own: the PDF engine and the certificate renderer both need "give me the four
faces of *Times New Roman*", and both must end with the same answer LibreOffice would give, or
line breaks (and so page breaks) move. The search order is:

1. the family itself, found by the family name stored in each font's ``name`` table (file names
   lie: ``times.ttf``, ``Times_New_Roman.ttf``, ``TNR.ttf`` are all seen in the wild);
2. a metric-compatible substitute (same advance widths, so the same line breaks):
   Times New Roman → Liberation Serif, Arial → Liberation Sans, Courier New → Liberation Mono
   — the copies bundled with docgen (``docgen/fonts``, SIL Open Font Licence) before any
   installed one, so that every machine without the real family lays out the same PDF; then
   Tinos, Arimo, Caladea, Carlito … where installed;
3. for any other family, the bundled Liberation Serif or Sans, whose widths differ from the
   family asked for (a warning says so). DejaVu is never used for Times New Roman.

Only a small header of each font file is read while indexing (table directory, ``name``,
``head``), so indexing a few hundred system fonts costs milliseconds, not a full parse each.
"""

from __future__ import annotations

import copy
import os
import pickle
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from weakref import WeakKeyDictionary

import reportlab
from reportlab.lib.rl_accel import instanceStringWidthTTF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

BUNDLED_FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
"""Liberation Serif, Sans and Mono, four faces each (from Debian's fonts-liberation2)."""
BUNDLED_FAMILIES = ("liberation serif", "liberation sans", "liberation mono")

SYSTEM_FONT_DIRS: tuple[Path, ...] = (
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)

# Metric-compatible first (same widths → same line breaks as the real font), then generic.
SUBSTITUTES: dict[str, tuple[str, ...]] = {
    "times new roman": ("Liberation Serif", "Tinos"),
    "times": ("Liberation Serif", "Tinos", "Nimbus Roman"),
    "arial": ("Liberation Sans", "Arimo", "Helvetica", "Nimbus Sans", "DejaVu Sans"),
    "helvetica": ("Liberation Sans", "Arimo", "Nimbus Sans", "DejaVu Sans"),
    "calibri": ("Carlito", "Liberation Sans", "DejaVu Sans"),
    "cambria": ("Caladea", "Liberation Serif", "DejaVu Serif"),
    "courier new": ("Liberation Mono", "Cousine", "Nimbus Mono PS", "DejaVu Sans Mono"),
    "courier": ("Liberation Mono", "Cousine", "DejaVu Sans Mono"),
}
# Of those, the families drawn to the same advance widths as the one asked for: only these
# lay out a line as Word does with the real font. Liberation Sans stands in for Calibri but is
# Arial's twin, so a document in Calibri without Carlito gets the warning that lines may move.
METRIC_TWINS: dict[str, tuple[str, ...]] = {
    "times new roman": ("Liberation Serif", "Tinos", "Nimbus Roman"),
    "times": ("Liberation Serif", "Tinos", "Nimbus Roman"),
    "arial": ("Liberation Sans", "Arimo", "Helvetica", "Nimbus Sans"),
    "helvetica": ("Liberation Sans", "Arimo", "Nimbus Sans"),
    "calibri": ("Carlito",),
    "cambria": ("Caladea",),
    "courier new": ("Liberation Mono", "Cousine", "Nimbus Mono PS"),
    "courier": ("Liberation Mono", "Cousine", "Nimbus Mono PS"),
}
SERIF_FALLBACK = ("Liberation Serif", "DejaVu Serif")
SANS_FALLBACK = ("Liberation Sans", "DejaVu Sans")
_SANS_HINTS = ("arial", "sans", "helvet", "calibri", "verdana", "tahoma", "segoe", "gothic")

STYLES = ("regular", "bold", "italic", "bolditalic")


@dataclass(frozen=True)
class FontMetrics:
    """Vertical metrics as LibreOffice uses them (hhea table), in units of the font size.

    LibreOffice's "single" line height is ascent + descent + line gap of the hhea table:
    1.149 × size for Liberation Serif, which reportlab's own ``ascent`` (OS/2 typo) misses.
    """

    ascent: float
    descent: float
    line_gap: float

    @property
    def line_height(self) -> float:
        return self.ascent + self.descent + self.line_gap


@dataclass
class FontFaces:
    """The four faces of one family as registered reportlab font names."""

    requested: str
    family: str  # the family actually used
    regular: str
    bold: str
    italic: str
    bolditalic: str
    files: dict[str, Path] = field(default_factory=dict)
    metrics: FontMetrics = FontMetrics(0.891, 0.216, 0.042)
    substituted: bool = False
    bundled: bool = False  # the files are docgen's own copies, not installed fonts
    compatible: bool = True  # same widths as the family asked for (itself or a metric twin)

    @property
    def origin(self) -> str:
        return "bundled" if self.bundled else "installed"

    def face(self, bold: bool = False, italic: bool = False) -> str:
        if bold and italic:
            return self.bolditalic
        if bold:
            return self.bold
        if italic:
            return self.italic
        return self.regular

    def measured_as_writer(self) -> FontFaces:
        """The same faces under names whose widths are LibreOffice Writer's (WriterMeasuredFont).

        For the DOCX engine, whose lines must break where Writer breaks them; the certificate
        renderer keeps the exact widths, which it measures once at 1 pt and scales.
        """
        return replace(
            self,
            regular=_writer_twin(self.regular),
            bold=_writer_twin(self.bold),
            italic=_writer_twin(self.italic),
            bolditalic=_writer_twin(self.bolditalic),
        )


@dataclass(frozen=True)
class _FontFile:
    path: Path
    family: str
    subfamily: str
    bold: bool
    italic: bool


def _read_tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    num = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(num):
        rec = data[12 + 16 * i : 28 + 16 * i]
        if len(rec) < 16:
            break
        tag, _check, off, length = struct.unpack(">4sLLL", rec)
        tables[tag] = (off, length)
    return tables


def _name_strings(data: bytes, off: int) -> dict[int, str]:
    _fmt, count, str_off = struct.unpack(">HHH", data[off : off + 6])
    names: dict[int, str] = {}
    for i in range(count):
        pid, eid, lid, nid, length, soff = struct.unpack(
            ">HHHHHH", data[off + 6 + 12 * i : off + 18 + 12 * i]
        )
        raw = data[off + str_off + soff : off + str_off + soff + length]
        if pid == 3 and lid in (0x409, 0):  # Windows, English: the canonical record
            names[nid] = raw.decode("utf-16-be", "replace")
        elif pid == 1 and nid not in names:
            names[nid] = raw.decode("latin-1", "replace")
    return names


def _probe(path: Path) -> _FontFile | None:
    """Family/style of one TTF from its name and head tables (no full parse)."""
    try:
        with open(path, "rb") as fh:
            # Only the table directory and the two tables are read (a few kB, not the file):
            # a machine's fonts are indexed by every PDF command.
            head = fh.read(12)
            if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return None  # CFF (.otf) and collections: reportlab cannot embed them anyway
            count = struct.unpack(">H", head[4:6])[0]
            tables = _read_tables(head + fh.read(16 * min(count, 256)))
            if b"name" not in tables or b"head" not in tables:
                return None
            name_off, name_len = tables[b"name"]
            fh.seek(name_off)
            names = _name_strings(fh.read(min(name_len, 1 << 20)), 0)
            fh.seek(tables[b"head"][0] + 44)
            mac_style = struct.unpack(">H", fh.read(2))[0]
    except (OSError, struct.error, IndexError):
        return None
    family = names.get(16) or names.get(1)
    sub = names.get(17) or names.get(2) or "Regular"
    if not family:
        return None
    low = sub.lower()
    bold = bool(mac_style & 1) or "bold" in low
    italic = bool(mac_style & 2) or "italic" in low or "oblique" in low
    return _FontFile(path, family, sub, bold, italic)


def read_metrics(path: Path) -> FontMetrics:
    """hhea ascender/descender/lineGap ÷ unitsPerEm — the numbers LibreOffice lays lines with."""
    with open(path, "rb") as fh:
        data = fh.read(1 << 20)
    tables = _read_tables(data)
    hoff = tables[b"head"][0]
    upem = struct.unpack(">H", data[hoff + 18 : hoff + 20])[0] or 1000
    hh = tables[b"hhea"][0]
    asc, desc, gap = struct.unpack(">hhh", data[hh + 4 : hh + 10])
    if asc == 0 and desc == 0 and b"OS/2" in tables:
        o = tables[b"OS/2"][0]
        asc, desc = struct.unpack(">HH", data[o + 74 : o + 78])
        desc, gap = -desc, 0
    return FontMetrics(asc / upem, -desc / upem, max(gap, 0) / upem)


class _Index:
    """All TrueType files in the search directories, by lower-case family name."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.dirs = tuple(dirs)
        self.by_family: dict[str, list[_FontFile]] = {}
        for d in dirs:
            if not d.is_dir():
                continue
            for root, _dirs, files in os.walk(d):
                for name in files:
                    if name.lower().endswith(".ttf"):
                        info = _probe(Path(root) / name)
                        if info:
                            self.by_family.setdefault(info.family.lower(), []).append(info)

    def faces(self, family: str) -> dict[str, Path] | None:
        files = self.by_family.get(family.lower())
        if not files:
            return None
        picked: dict[str, Path] = {}
        for want in STYLES:
            b, i = want in ("bold", "bolditalic"), want in ("italic", "bolditalic")
            exact = [f for f in files if f.bold == b and f.italic == i]
            # "Condensed"/"Light" variants share the family in name ID 1 of some fonts.
            exact.sort(key=lambda f: (len(f.subfamily), str(f.path)))
            if exact:
                picked[want] = exact[0].path
        if "regular" not in picked:
            return None
        for want in STYLES:  # missing faces fall back to the regular one (synthetic look)
            picked.setdefault(want, picked["regular"])
        return picked


_lock = threading.Lock()
_indexes: dict[tuple[Path, ...], _Index] = {}
_registered: dict[Path, str] = {}
_resolved: dict[tuple[str, tuple[Path, ...]], FontFaces] = {}


def _index(font_dirs: Iterable[Path]) -> _Index:
    dirs = tuple(Path(d) for d in font_dirs) + SYSTEM_FONT_DIRS
    with _lock:
        if dirs not in _indexes:
            _indexes[dirs] = _Index(dirs)
        return _indexes[dirs]


def _register(path: Path) -> str:
    with _lock:
        if path not in _registered:
            name = "DG-" + path.stem
            n = 1
            while name in pdfmetrics.getRegisteredFontNames():
                n += 1
                name = f"DG-{path.stem}-{n}"
            pdfmetrics.registerFont(_read_font(name, path))
            _registered[path] = name
        return _registered[path]


WRITER_UNITS_PER_PT = 120
"""Units of LibreOffice Writer's reference device ("MSO1": 6 × 1440 dpi) in a point."""


class WriterMeasuredFont(TTFont):
    """A TrueType face whose text widths are those LibreOffice Writer lays a line out with.

    Writer measures text on its reference device and rounds each glyph's advance to a whole
    unit of it (1/120 pt); a line holds the words whose rounded advances fit. The exact
    advances differ from that sum by up to a twip or so a line, one way at 13 pt and the other
    at 14 pt — enough, now and then, to move the last word of a line to the next one. Measured
    against LibreOffice 7.4 on 1,100 lines of 11–16 pt text in the four faces of Liberation
    Serif and Sans, this rule (with DocPara's allowance for a line exactly as wide as its room)
    put every break where Writer did; the exact advances missed one line in eight. Drawing is
    unchanged: the glyphs and the PDF's widths are the font's.
    """

    _writer_sizes: dict[float, SimpleNamespace]

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:  # noqa: N802 - reportlab's name
        scaled = self._writer_sizes.get(size)
        if scaled is None:
            scaled = self._writer_sizes[size] = _writer_widths(self.face, size)
        # reportlab's own (compiled) summing, over the widths Writer rounds to at this size
        return instanceStringWidthTTF(scaled, text, size, encoding)


def _writer_widths(face: TTFontFace, size: float) -> SimpleNamespace:
    """Stand-in for ``face`` whose widths (per 1000 of ``size``, as reportlab sums them) are
    the advances rounded half up to whole units of Writer's device at ``size``."""
    ppem = round(size * 20) * 6  # the em in device units: Writer keeps a size in twips
    upem, advances = face.unitsPerEm, face.hmetrics
    per_unit = 1000 / (WRITER_UNITS_PER_PT * size) if size else 0.0

    def width(glyph: int) -> float:
        return (2 * advances[glyph][0] * ppem + upem) // (2 * upem) * per_unit

    return SimpleNamespace(
        face=SimpleNamespace(
            charWidths={c: width(g) for c, g in face.charToGlyph.items()},
            defaultWidth=width(0),
        )
    )


_writer_twins: dict[str, str] = {}


def _writer_twin(name: str) -> str:
    """Register (once) and return the Writer-measured twin of registered TrueType font ``name``."""
    with _lock:
        twin = _writer_twins.get(name)
        if twin is None:
            font = pdfmetrics.getFont(name)
            if not isinstance(font, TTFont):
                return name
            twin = name + "-W"
            measured = copy.copy(font)  # shares the parsed face; subsets are kept per font
            measured.__class__ = WriterMeasuredFont
            measured.fontName = twin
            measured.state = WeakKeyDictionary()
            measured._writer_sizes = {}
            # registerFont maps a second font of an already registered face to the first one
            # (reportlab keys TrueType fonts by the face's name), so the twin goes in directly.
            pdfmetrics._fonts[twin] = measured
            pdfmetrics.registerFontFamily(twin)  # what registerFont does for the paragraph parser
            _writer_twins[name] = twin
        return twin


def _read_font(name: str, path: Path) -> TTFont:
    """reportlab's reading of the font at ``path`` as ``name``, from docgen's cache when an
    earlier process read the same file (:mod:`docgen.cache`).

    Why: reading a TrueType file's tables and widths is about 10 ms a face, and every PDF
    command reads four faces or more before drawing anything; the pickled result loads in a
    fraction of that. Keyed by reportlab's version, the name and the file's path, size and
    modification time; anything that does not come back whole is read from the file again.
    """
    from docgen import cache

    try:
        st = path.stat()
    except OSError:
        return TTFont(name, str(path))
    key = f"{reportlab.Version}|{name}|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()
    kept = cache.get("fonts", key)
    if kept is not None:
        font = _unpickled_font(kept, name)
        if font is not None:
            return font
    font = TTFont(name, str(path))
    data = _pickled_font(font)
    if data is not None:
        cache.put("fonts", key, data)
    return font


def _pickled_font(font: TTFont) -> bytes | None:
    # Two things pickle cannot store are made again when the font is read back: reportlab's
    # unit scaling (a lambda, from the font's units per em) and the per-document subsetting
    # state (a weak dictionary, empty for a font just read).
    face = font.face
    scale = face.__dict__.pop("_pdfScale", None)
    state = font.__dict__.pop("state", None)
    try:
        if state:
            return None
        return pickle.dumps(font, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    finally:
        if scale is not None:
            face._pdfScale = scale
        if state is not None:
            font.state = state


def _unpickled_font(data: bytes, name: str) -> TTFont | None:
    try:
        font = pickle.loads(data)  # noqa: S301 - our own entry, see docgen.cache
        units = font.face.unitsPerEm
    except Exception:  # noqa: BLE001 - any damage means: read the file instead
        return None
    if not isinstance(font, TTFont) or font.fontName != name or "state" in vars(font):
        return None
    font.face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    font.state = WeakKeyDictionary()
    return font


def candidates(name: str) -> tuple[str, ...]:
    """The families tried for ``name``, in order."""
    low = name.strip().lower()
    generic = SANS_FALLBACK if any(h in low for h in _SANS_HINTS) else SERIF_FALLBACK
    if low in ("times new roman", "times"):
        generic = ("Liberation Serif",)  # never DejaVu: its widths move every line break
    return tuple(dict.fromkeys((name.strip(), *SUBSTITUTES.get(low, ()), *generic)))


def _bundled() -> _Index:
    with _lock:
        key = (BUNDLED_FONT_DIR,)
        if key not in _indexes:
            _indexes[key] = _Index(key)
        return _indexes[key]


def resolve_family(name: str, font_dirs: Sequence[Path] = ()) -> FontFaces:
    """Register and return the four faces for DOCX family ``name`` (see module docstring).

    Raises ``LookupError`` only when not even the bundled fonts can be read.
    """
    key = (name.strip().lower(), tuple(Path(d) for d in font_dirs))
    if key in _resolved:
        return _resolved[key]
    installed = _index(font_dirs)
    requested = name.strip().lower()
    metric_twins = {s.lower() for s in METRIC_TWINS.get(requested, ())}
    for cand in candidates(name):
        low = cand.lower()
        # The family itself as installed; a Liberation family from docgen's own copies first,
        # so a machine with an older or partial Liberation still lays out like every other.
        order = [installed]
        if low != requested and low in BUNDLED_FAMILIES:
            order.insert(0, _bundled())
        for index in order:
            files = index.faces(cand)
            if not files:
                continue
            regs = {style: _register(p) for style, p in files.items()}
            faces = FontFaces(
                requested=name,
                family=cand,
                files=files,
                metrics=read_metrics(files["regular"]),
                substituted=low != requested,
                bundled=index is not installed,
                compatible=low == requested or low in metric_twins,
                **regs,
            )
            _resolved[key] = faces
            return faces
    raise LookupError(f"no TrueType font found for {name!r} nor any fallback")


def has_glyph(font_name: str, char: str) -> bool:
    """True when registered reportlab font ``font_name`` has a glyph for ``char``."""
    font = pdfmetrics.getFont(font_name)
    widths = getattr(font.face, "charToGlyph", None)
    if widths is None:
        return True  # a standard Type 1 font: reportlab cannot tell
    return ord(char) in widths


def font_report(
    families: Sequence[str] = ("Times New Roman", "Arial", "Courier New"),
    font_dirs: Sequence[Path] = (),
) -> list[str]:
    """Human-readable lines: each DOCX family → the file used and where it comes from."""
    from docgen.i18n import _

    names = {
        "regular": _("regular"),
        "bold": _("bold"),
        "italic": _("italic"),
        "bolditalic": _("bold italic"),
    }
    lines = []
    for fam in families:
        try:
            faces = resolve_family(fam, font_dirs)
        except LookupError:
            lines.append(
                _("{family}: MISSING (no font and no substitute found)").format(family=fam)
            )
            continue
        origin = _("bundled with docgen") if faces.bundled else _("installed on this machine")
        if not faces.substituted:
            how = _("itself, {origin}").format(origin=origin)
        elif faces.compatible:
            how = _("{family} (same widths), {origin}").format(family=faces.family, origin=origin)
        else:
            how = _("{family} (different widths: lines may break differently), {origin}").format(
                family=faces.family, origin=origin
            )
        lines.append(f"{fam}: {how}")
        for style in STYLES:
            lines.append(f"  {names[style]}: {faces.files[style]}")
        same = [s for s in STYLES if s != "regular" and faces.files[s] == faces.files["regular"]]
        if same:
            lines.append(
                "  "
                + _("missing faces {faces}: the regular face is used").format(
                    faces=", ".join(names[s] for s in same)
                )
            )
    return lines
