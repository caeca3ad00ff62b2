"""Runs → tokens: the inline content of one paragraph, with its character formatting.

Half of :class:`docgen.pdf.layout.Builder`, kept apart because it is a job of its own: reading
``w:r`` elements (text, tabs, breaks, fields, pictures) through the style cascade into
:class:`Token` objects; the Builder then sets those tokens as reportlab markup. It is a mixin
rather than a separate object because both halves share the Builder's fonts, warnings and
picture folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from docgen.explain import word_place
from docgen.i18n import _
from docgen.pdf.docx_reader import (
    NS,
    WP,
    R,
    number,
    w,
    wval,
)
from docgen.pdf.fonts import FontFaces
from docgen.pdf.images import BadImage, check_image
from docgen.pdf.styles import (
    Props,
    apply_rpr,
)

_HIGHLIGHT = {
    "yellow": "FFFF00",
    "green": "00FF00",
    "cyan": "00FFFF",
    "magenta": "FF00FF",
    "blue": "0000FF",
    "red": "FF0000",
    "darkBlue": "000080",
    "darkCyan": "008080",
    "darkGreen": "008000",
    "darkMagenta": "800080",
    "darkRed": "800000",
    "darkYellow": "808000",
    "darkGray": "808080",
    "lightGray": "C0C0C0",
    "black": "000000",
    "white": "FFFFFF",
}
EMU_PER_PT = 12700

# Elements that carry nothing visible in a PDF; skipping them is not a loss worth a warning.
SILENT_ELEMENTS = {
    "pPr",
    "rPr",
    "bookmarkStart",
    "bookmarkEnd",
    "proofErr",
    "permStart",
    "permEnd",
    "commentRangeStart",
    "commentRangeEnd",
    "commentReference",
    "lastRenderedPageBreak",
    "annotationRef",
    "del",
    "moveFrom",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "tblPr",
    "tblGrid",
    "trPr",
    "tcPr",
    "tblPrEx",
    "sectPr",
    "noBreakHyphen",
    "softHyphen",
    "delText",
    "delInstrText",
    "footnoteRef",
    "endnoteRef",
    "separator",
    "continuationSeparator",
}
# Containers whose children are rendered as if they stood in the parent.
_TRANSPARENT = {"hyperlink", "ins", "moveTo", "smartTag", "customXml", "sdtContent", "dir", "bdo"}


@dataclass(frozen=True)
class RunFmt:
    face: str
    size: float
    color: str | None
    u: bool
    strike: bool
    vert: str | None
    highlight: str | None
    faces: FontFaces


@dataclass
class Token:
    kind: str  # text | tab | br | page | img | field
    text: str = ""
    fmt: RunFmt | None = None
    img: tuple[str, float, float] | None = None


class RunReader:
    """Reads a paragraph's runs into tokens (mixed into :class:`~docgen.pdf.layout.Builder`)."""

    def _fmt(self, rp: Props) -> RunFmt:
        faces = self.faces(rp.get("font") or "Times New Roman")
        size = float(rp.get("size") or 10.0)
        # A line must fit on a page (Word allows 1,638 pt, a glyph taller than A4).
        largest = max(4.0, self.frame_height / 4)
        if size > largest:
            self.warn(
                _(
                    "a font size of {size} pt does not fit on the page; set at {largest} pt "
                    "({place})"
                ).format(size=f"{size:g}", largest=f"{largest:.0f}", place=word_place(self.where))
            )
            size = largest
        if rp.get("smallCaps") and not rp.get("caps"):
            size *= 0.8  # approximate: Writer draws small caps at ~80 % of the size
        hl = rp.get("highlight")
        return RunFmt(
            face=faces.face(bool(rp.get("b")), bool(rp.get("i"))),
            size=size,
            color=rp.get("color"),
            u=bool(rp.get("u")),
            strike=bool(rp.get("strike") or rp.get("dstrike")),
            vert=rp.get("vert") if rp.get("vert") in ("superscript", "subscript") else None,
            highlight=_HIGHLIGHT.get(hl or "") or rp.get("shd"),
            faces=faces,
        )

    def _runs(self, p: etree._Element, para_rpr: Props, where: str) -> list[Token]:
        tokens: list[Token] = []
        state: dict[str, Any] = {"fld": []}  # stack of [instr, phase] for complex fields
        self._walk_inline(p, para_rpr, tokens, state, where)
        return tokens

    def _walk_inline(
        self,
        parent: etree._Element,
        para_rpr: Props,
        tokens: list[Token],
        state: dict[str, Any],
        where: str,
    ) -> None:
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "r":
                self._run(child, para_rpr, tokens, state, where)
            elif tag in _TRANSPARENT:
                self._walk_inline(child, para_rpr, tokens, state, where)
            elif tag == "sdt":
                c = child.find(w("sdtContent"))
                if c is not None:
                    self._walk_inline(c, para_rpr, tokens, state, where)
            elif tag == "fldSimple":
                instr = (child.get(w("instr")) or "").strip().split()
                name = instr[0].upper() if instr else ""
                if name in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
                    first_r = child.find(w("r"))
                    rp = self._run_props(first_r, para_rpr) if first_r is not None else para_rpr
                    tokens.append(Token("field", name, self._fmt(rp)))
                    self.uses_numpages |= name != "PAGE"
                else:
                    self._walk_inline(child, para_rpr, tokens, state, where)
            elif tag == "AlternateContent":
                fb = child.find("mc:Fallback", NS)
                if fb is not None:
                    self._walk_inline(fb, para_rpr, tokens, state, where)
            elif tag in ("oMath", "oMathPara"):
                self.warn(
                    _("unsupported element {element} (equation) in {place}; skipped").format(
                        element=f"m:{tag}", place=word_place(where)
                    )
                )
            elif tag not in SILENT_ELEMENTS:
                self.warn(
                    _("unsupported element {element} in {place}; skipped").format(
                        element=f"{child.prefix}:{tag}", place=word_place(where)
                    )
                )

    def _run_props(self, r: etree._Element, para_rpr: Props) -> Props:
        rpr_el = r.find(w("rPr"))
        rp = dict(para_rpr)
        if rpr_el is not None:
            rs = rpr_el.find(w("rStyle"))
            if rs is not None:
                rp.update(self.styles.char_style(wval(rs)))
            apply_rpr(rp, rpr_el, self.styles.theme)
        return rp

    def _run(
        self,
        r: etree._Element,
        para_rpr: Props,
        tokens: list[Token],
        state: dict[str, Any],
        where: str,
    ) -> None:
        rp = self._run_props(r, para_rpr)
        if rp.get("vanish"):
            return
        fmt: RunFmt | None = None
        fld: list[list[str]] = state["fld"]
        for child in r:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "fldChar":
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    fld.append(["", "instr"])
                elif kind == "separate" and fld:
                    fld[-1][1] = "result"
                    self._field_token(fld[-1], rp, tokens)
                elif kind == "end" and fld:
                    if fld[-1][1] == "instr":  # no result part: emit now
                        self._field_token(fld[-1], rp, tokens)
                    fld.pop()
                continue
            if tag == "instrText":
                if fld and fld[-1][1] == "instr":
                    fld[-1][0] += child.text or ""
                continue
            if fld and (fld[-1][1] == "instr" or fld[-1][1] == "skip"):
                continue  # inside field code, or the cached result of a live field
            if fmt is None:
                fmt = self._fmt(rp)
            if tag == "t":
                text = child.text or ""
                if text:
                    if rp.get("caps") or rp.get("smallCaps"):
                        text = text.upper()
                    tokens.append(Token("text", text, fmt))
            elif tag == "tab":
                tokens.append(Token("tab", fmt=fmt))
            elif tag in ("br", "cr"):
                typ = child.get(w("type")) or "textWrapping"
                if typ == "page":
                    tokens.append(Token("page"))
                elif typ == "column":
                    self.warn(
                        _("column break treated as a line break in {place}").format(
                            place=word_place(where)
                        )
                    )
                    tokens.append(Token("br", fmt=fmt))
                else:
                    tokens.append(Token("br", fmt=fmt))
            elif tag == "sym":
                ch = child.get(w("char")) or ""
                try:
                    code = int(ch, 16)
                    if code >= 0xF000:
                        code -= 0xF000
                    tokens.append(Token("text", chr(code), fmt))
                except ValueError:
                    pass
            elif tag == "noBreakHyphen":
                tokens.append(Token("text", "\u2011", fmt))
            elif tag == "drawing":
                self._drawing(child, tokens, where)
            elif tag in ("footnoteReference", "endnoteReference"):
                self.warn(
                    _(
                        "unsupported element {element} (footnotes are not rendered) in {place}"
                    ).format(element=f"w:{tag}", place=word_place(where))
                )
            elif tag in ("pict", "object"):
                self.warn(
                    _("unsupported element {element} (VML/OLE object) in {place}; skipped").format(
                        element=f"w:{tag}", place=word_place(where)
                    )
                )
            elif tag == "AlternateContent":
                fb = child.find("mc:Fallback", NS)
                ch = child.find("mc:Choice", NS)
                src = ch if ch is not None and ch.find(".//w:drawing", NS) is not None else fb
                for d in src.iterfind(".//w:drawing", NS) if src is not None else []:
                    self._drawing(d, tokens, where)
            elif tag not in SILENT_ELEMENTS:
                self.warn(
                    _("unsupported element {element} in {place}; skipped").format(
                        element=f"{child.prefix}:{tag}", place=word_place(where)
                    )
                )

    def _field_token(self, fld: list[str], rp: Props, tokens: list[Token]) -> None:
        instr = fld[0].strip().split()
        name = instr[0].upper() if instr else ""
        if name in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
            tokens.append(Token("field", name, self._fmt(rp)))
            self.uses_numpages |= name != "PAGE"
            fld[1] = "skip"  # drop the cached result; the live value is drawn instead

    def _drawing(self, d: etree._Element, tokens: list[Token], where: str) -> None:
        container = d.find(f"{{{WP}}}inline")
        if container is None:
            container = d.find(f"{{{WP}}}anchor")
            if container is not None:
                self.warn(
                    _("floating image placed inline in {place}").format(place=word_place(where))
                )
        if container is None:
            return
        ext = container.find(f"{{{WP}}}extent")
        blip = container.find(".//a:blip", NS)
        if ext is None or blip is None:
            self.warn(
                _("unsupported drawing (shape or chart, not a picture) in {place}").format(
                    place=word_place(where)
                )
            )
            return
        rid = blip.get(f"{{{R}}}embed") or ""
        data = self.pkg.image_bytes(rid, self._part_rels)
        if data is None:
            self.warn(
                _("image {image} not found in the package ({place})").format(
                    image=rid, place=word_place(where)
                )
            )
            return
        kind = (
            "png"
            if data[:8] == b"\x89PNG\r\n\x1a\n"
            else ("jpg" if data[:2] == b"\xff\xd8" else None)
        )
        if kind is None:
            self.warn(
                _("unsupported image format (not PNG/JPEG) in {place}; skipped").format(
                    place=word_place(where)
                )
            )
            return
        try:
            check_image(data)
        except BadImage as exc:
            self.warn(
                _("a picture is left out ({place}): {reason}").format(
                    place=word_place(where), reason=exc
                )
            )
            return
        wpt = (number(ext.get("cx")) or 0.0) / EMU_PER_PT
        hpt = (number(ext.get("cy")) or 0.0) / EMU_PER_PT
        if wpt <= 0 or hpt <= 0:
            self.warn(
                _("a picture without a size is left out ({place})").format(place=word_place(where))
            )
            return
        # A picture never exceeds the page's text area: scaled down, its proportions kept.
        scale = min(1.0, self.frame_width / wpt, self.frame_height * 0.95 / hpt)
        if scale < 1.0:
            self.warn(
                _(
                    "a picture of {width} × {height} mm is larger than the page; scaled down to "
                    "fit ({place})"
                ).format(
                    width=f"{wpt / 72 * 25.4:,.0f}",
                    height=f"{hpt / 72 * 25.4:,.0f}",
                    place=word_place(where),
                )
            )
            wpt, hpt = wpt * scale, hpt * scale
        self._img_n += 1
        path = self.tmpdir / f"img{self._img_n}.{kind}"
        path.write_bytes(data)
        tokens.append(Token("img", img=(str(path), wpt, hpt)))
