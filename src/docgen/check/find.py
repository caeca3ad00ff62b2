"""Finding the elements of an official document the way Word users lay them out.

Drafts arrive with the header in a borderless two-column table (as the official templates),
in two columns made with tabs, or as paragraphs pushed right with indents; the signature block
likewise. So elements are found by their *words* and their *order*, never by the formatting
the check is about to judge: the national title by its text, the number by ``Số``, the
place-date line by ``…, ngày … tháng … năm``, the type name by the known names, Nơi nhận by its
heading, the signer by the authority prefixes. Each line of a paragraph split at tabs is a
separate candidate, so ``ỦY BAN NHÂN DÂN<tab>CỘNG HÒA …`` yields two elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docgen import formats
from docgen.check.read import Document, Para, nfc

NUMBER_LINE = re.compile(r"^Số\s*:?\s*[\d\s\u00a0.…_]*[/-]")
PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,;:]{2,60}),\s*ngày\s*(?P<day>\d{1,2}|[\s.…_]+)\s*tháng\s*"
    r"(?P<month>\d{1,2}|[\s.…_]+)\s*năm\s*(?P<year>\d{4}|[\s.…_]*)",
    re.IGNORECASE,
)
# The authority line, however typed: "KT.", "KT", "K/T", "kt." — the check says which form the
# profile writes, and --fix makes it so (``token`` is what it replaces).
SIGNER_PREFIX = re.compile(
    r"^(?P<token>(?P<prefix>T\s*/\s*M|K\s*/\s*T|T\s*/\s*L|TM|KT|TL|TUQ|Q)\b\.?)\s+\S",
    re.IGNORECASE,
)
RECIPIENTS_HEAD = re.compile(r"^nơi\s+nhận\s*:?", re.IGNORECASE)
_SQUEEZE = re.compile(r"\s+")
_NOT_BODY = ("v/v", "kính gửi")
# Half of an A4 page's text width (210 − 30 − 15 mm): a tab stop left of it is the left column.
_MIDDLE_PT = 82.5 * 72 / 25.4


def squeeze(text: str) -> str:
    return _SQUEEZE.sub(" ", nfc(text)).strip()


def _key(text: str) -> str:
    """Text compared loosely: capitals, one space, old and new tone placement (HOÀ = HÒA)."""
    t = squeeze(text).upper().replace("–", "-").replace("—", "-")
    return t.replace("HOÀ", "HÒA").replace("HOÁ", "HÓA").replace("UỶ", "ỦY").replace("HUỶ", "HỦY")


def is_upper(text: str) -> bool:
    letters = [c for c in nfc(text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@dataclass
class Spot:
    """One element found: a stretch of one paragraph."""

    element: str  # a field of formats.Elements
    para: Para
    start: int
    end: int
    certain: bool = True

    @property
    def text(self) -> str:
        return self.para.text[self.start : self.end]

    @property
    def clean(self) -> str:
        return squeeze(self.text)


@dataclass
class Layout:
    profile: str
    profile_reason: str  # which words decided it
    kind: str
    kind_reason: str
    spots: list[Spot] = field(default_factory=list)
    body: list[Para] = field(default_factory=list)
    recipients_items: list[Spot] = field(default_factory=list)

    def first(self, element: str) -> Spot | None:
        return next((s for s in self.spots if s.element == element), None)

    def all(self, element: str) -> list[Spot]:
        return [s for s in self.spots if s.element == element]


def lines(para: Para) -> list[tuple[int, int]]:
    """The tab-separated stretches of a paragraph holding text: [(start, end), …]."""
    out = []
    for m in re.finditer(r"[^\t]+", para.text):
        if m.group().strip():
            lead = len(m.group()) - len(m.group().lstrip())
            trail = len(m.group()) - len(m.group().rstrip())
            out.append((m.start() + lead, m.end() - trail))
    return out


def _column(para: Para, start: int) -> str:
    """'left' or 'right': the table cell, or the side of a tab, a line sits on."""
    if para.where.cell is not None:
        return "left" if para.where.cell == 1 else "right"
    stretches = lines(para)
    if len(stretches) >= 2:  # two columns made with tabs: the first stretch is the left one
        return "left" if start == stretches[0][0] else "right"
    before = para.text[:start].count("\t")
    if before:
        # "\tBAN TUYÊN GIÁO" alone on its line: the tab stop it reaches tells the column.
        stops = sorted(para.props.get("tabs") or {})
        if before <= len(stops) and stops[before - 1] < _MIDDLE_PT:
            return "left"
        return "right"
    align = para.props.get("align")
    if align == "right" or (para.props.get("ind_left") or 0) > 150:
        return "right"
    return "left"


def _is_rule_line(text: str) -> bool:
    t = text.strip()
    return not t or set(t) <= set("-–—_*.· ")


def detect_profile(doc: Document) -> tuple[str, str] | None:
    """(profile, the words that decided it) from the header's title, number or signer."""
    for para in doc.paragraphs[:40]:
        key = _key(para.text)
        if "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in key:
            return "state", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        if "ĐẢNG CỘNG SẢN VIỆT NAM" in key:
            return "party", "ĐẢNG CỘNG SẢN VIỆT NAM"
    for para in doc.paragraphs[:40]:
        for start, end in lines(para):
            text = squeeze(para.text[start:end])
            if NUMBER_LINE.match(text):
                if re.match(r"^Số\s*:", text):
                    return "state", text
                if re.search(r"\d+\s*-\s*[^/\s]+\s*/", text):
                    return "party", text
    for para in doc.paragraphs:
        for start, end in lines(para):
            m = SIGNER_PREFIX.match(squeeze(para.text[start:end]))
            if m and "/" in m.group("prefix"):
                return "party", m.group("prefix")
    return None


def detect_kind(doc: Document, after: int, profile: str) -> tuple[str, str, Para | None] | None:
    """(kind, the words that decided it, the type-name paragraph) — by the type name first,
    else by the type code of the number (as ``profile`` writes it)."""
    kinds = formats.rules().kinds
    for para in doc.paragraphs[after : after + 25]:
        if para.where.table is not None and para.where.cell not in (None, 1):
            continue
        text = _key(para.text)
        if not text or len(text) > 200 or not is_upper(para.text):
            continue
        for kind, spec in kinds.items():
            if spec.name and (text == spec.name or text.startswith(spec.name + " ")):
                return kind, spec.name, para
    for para in doc.paragraphs[:40]:
        for start, end in lines(para):
            text = squeeze(para.text[start:end])
            if NUMBER_LINE.match(text):
                codes = re.findall(r"[/-]\s*([^\s/-]+)", text)
                for kind, spec in kinds.items():
                    code = spec.code(profile)
                    if code and code in codes[:1]:
                        return kind, text, None
                return "letter", text, None
    return None


def find(doc: Document, profile: str | None = None, kind: str | None = None) -> Layout:
    """Locate every element; ``profile``/``kind`` given by the user win over detection."""
    detected = detect_profile(doc)
    if profile is None:
        profile, profile_reason = detected or ("state", "")
    else:
        profile_reason = "--profile"
    rules = formats.profile(profile)
    title_text = _key(rules.elements.title.text or "")
    motto_text = _key(rules.elements.motto.text) if rules.elements.motto else None

    layout = Layout(profile, profile_reason, kind or "", "--kind" if kind else "")
    paras = doc.paragraphs

    # ---- the header: everything up to the type name (or the first body-like paragraph)
    header_end = 0
    for i, para in enumerate(paras[:40]):
        key = _key(para.text)
        if title_text in key or (motto_text and motto_text in key):
            header_end = i + 1
        for start, end in lines(para):
            text = squeeze(para.text[start:end])
            if NUMBER_LINE.match(text) or PLACE_DATE.match(text):
                header_end = max(header_end, i + 1)
    # Cells of the header table after the last header line belong to it too.
    if header_end and paras[header_end - 1].where.table is not None:
        table = paras[header_end - 1].where.table
        while header_end < len(paras) and paras[header_end].where.table == table:
            header_end += 1

    found_kind = detect_kind(doc, header_end, profile)
    type_para = None
    if found_kind is not None:
        if kind is None or kind == found_kind[0]:
            type_para = found_kind[2]
        if kind is None:
            layout.kind, layout.kind_reason = found_kind[0], found_kind[1]
    if not layout.kind:
        layout.kind, layout.kind_reason = "letter", ""
    if kind is not None and type_para is None:
        name = formats.rules().kinds[kind].name
        for para in paras[header_end : header_end + 25]:
            if name and _key(para.text).startswith(name):
                type_para = para
                break

    left_lines: list[Spot] = []
    for para in paras[:header_end]:
        for start, end in _header_lines(para, title_text, motto_text):
            text = squeeze(para.text[start:end])
            key = _key(text)
            spot = None
            if title_text and title_text in key:
                spot = Spot("title", para, start, end)
            elif motto_text and motto_text in key:
                spot = Spot("motto", para, start, end)
            elif NUMBER_LINE.match(text):
                spot = Spot("number", para, start, end)
            elif PLACE_DATE.match(text):
                spot = Spot("place_date", para, start, end)
            elif _column(para, start) == "left" and not _is_rule_line(text):
                if not layout.first("number") and not text.lower().startswith("v/v"):
                    left_lines.append(Spot("issuer", para, start, end))
            if spot is not None:
                layout.spots.append(spot)
    _name_header_lines(left_lines)
    layout.spots.extend(left_lines)

    # ---- type name and summary
    body_start = header_end
    if type_para is not None:
        element = "list_title" if layout.kind == "list" else "type_name"
        layout.spots.append(Spot(element, type_para, 0, len(type_para.text)))
        body_start = type_para.index + 1
        for para in paras[type_para.index + 1 : type_para.index + 5]:
            text = para.clean
            if _is_rule_line(text) or para.where.table is not None:
                body_start = para.index + 1 if _is_rule_line(text) and text else para.index
                break
            if layout.kind == "list" and is_upper(text):
                layout.spots.append(Spot("list_title", para, 0, len(para.text)))
            elif layout.kind != "list" or not text.startswith("("):
                layout.spots.append(Spot("summary", para, 0, len(para.text)))
            body_start = para.index + 1

    # ---- signature block and Nơi nhận: after the body
    sign_start = len(paras)
    for para in paras[body_start:]:
        if any(
            RECIPIENTS_HEAD.match(squeeze(para.text[s:e]))
            or SIGNER_PREFIX.match(squeeze(para.text[s:e]))
            for s, e in lines(para)
        ):
            sign_start = para.index
            table = para.where.table
            if table is not None:
                # The whole signature table, from its first row.
                while sign_start > body_start and paras[sign_start - 1].where.table == table:
                    sign_start -= 1
            break
    layout.body = [
        p
        for p in paras[body_start:sign_start]
        if p.where.table is None
        and p.clean
        and not is_upper(p.clean)
        and not _is_rule_line(p.clean)
        # A công văn's summary under its number, and the addressee line, are not body text.
        and not p.clean.lower().startswith(_NOT_BODY)
    ]
    if layout.kind == "invitation":
        # The invitee, under "… trân trọng kính mời:", stands alone and centred.
        invitees = {
            paras[p.index + 1].index
            for p in layout.body
            if p.clean.endswith("mời:") and p.index + 1 < len(paras)
        }
        layout.body = [p for p in layout.body if p.index not in invitees]
    _find_signature(layout, _signature_region(paras, sign_start))
    return layout


def _signature_region(paras: list[Para], start: int) -> list[Para]:
    """From the signature block to where an attachment begins (a new table or heading)."""
    if start >= len(paras):
        return []
    table = paras[start].where.table
    end = start
    while end < len(paras):
        para = paras[end]
        if para.where.table is not None and para.where.table != table:
            break
        if para.where.table is None and is_upper(para.clean) and len(para.clean) > 25:
            break  # "DANH SÁCH ĐẠI BIỂU ĐƯỢC MỜI": the attached list's own title
        end += 1
    return paras[start:end]


def _header_lines(para: Para, title: str, motto: str | None) -> list[tuple[int, int]]:
    """Tab stretches, split again at line breaks when a break separates two header elements
    (the title and the motto typed in one paragraph with Shift+Enter); an issuing body's name
    broken over two lines stays one line."""
    out = []
    for start, end in lines(para):
        parts = []
        for m in re.finditer(r"[^\n]+", para.text[start:end]):
            if m.group().strip():
                lead = len(m.group()) - len(m.group().lstrip())
                parts.append(
                    (start + m.start() + lead, start + m.start() + len(m.group().rstrip()))
                )

        def known(a: int, b: int) -> bool:
            text = squeeze(para.text[a:b])
            key = _key(text)
            return bool(
                (title and title in key)
                or (motto and motto in key)
                or NUMBER_LINE.match(text)
                or PLACE_DATE.match(text)
            )

        if len(parts) > 1 and any(known(a, b) for a, b in parts):
            out.extend(parts)
        else:
            out.append((start, end))
    return out


_PLACE_WORDS = ("TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "QUẬN ", "THỊ XÃ ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ")


def _name_header_lines(left: list[Spot]) -> None:
    """Parent body, then the issuing body: the last line(s) above the number are the issuer.

    Two lines are a parent and an issuer ('UBND TỈNH LẠNG SƠN' / 'SỞ NỘI VỤ') unless the second
    only names the place of the first ('ỦY BAN NHÂN DÂN' / 'TỈNH LẠNG SƠN'), which is one issuer
    broken over two lines. More lines than two cannot be told apart for sure.
    """
    if len(left) < 2:
        return
    second = _key(left[1].text)
    if (
        len(left) == 2
        and second.startswith(_PLACE_WORDS)
        and not _key(left[0].text).startswith(_PLACE_WORDS)
    ):
        return
    left[0].element = "parent"
    if len(left) > 2:
        for spot in left:
            spot.certain = False


def _find_signature(layout: Layout, paras: list[Para]) -> None:
    head: Spot | None = None
    signer_lines: list[Spot] = []
    for para in paras:
        for start, end in lines(para):
            text = squeeze(para.text[start:end])
            column = _column(para, start)
            if RECIPIENTS_HEAD.match(text) and head is None:
                head = Spot("recipients_head", para, start, end)
                # "Nơi nhận: - Như trên;" on one line: the head ends at its colon.
                colon = para.text.find(":", start, end)
                if colon != -1 and para.text[colon + 1 : end].strip():
                    head.end = colon + 1
                    layout.recipients_items.append(
                        Spot(
                            "recipients_item",
                            para,
                            colon + 1 + _lead(para.text[colon + 1 : end]),
                            end,
                        )
                    )
                layout.spots.append(head)
            elif (
                head is not None
                and column == _column(head.para, head.start)
                and (
                    para.where.cell == head.para.where.cell
                    and para.where.table == head.para.where.table
                )
            ):
                if text[:1] in "-–•+" or text.lower().startswith("lưu"):
                    layout.recipients_items.append(Spot("recipients_item", para, start, end))
                elif column == "right":
                    signer_lines.append(Spot("signer", para, start, end))
            elif column == "right" or head is None:
                signer_lines.append(Spot("signer", para, start, end))
    layout.spots.extend(layout.recipients_items)
    _name_signer(layout, signer_lines)


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip())


def _name_signer(layout: Layout, candidates: list[Spot]) -> None:
    """Prefix line (TM./KT. …), then the position, then — after the space — the name."""
    texts = [s.clean for s in candidates]
    prefix_at = next((i for i, t in enumerate(texts) if SIGNER_PREFIX.match(t)), None)
    start = 0
    if prefix_at is not None:
        # "TM. ỦY BAN NHÂN DÂN" then "KT. CHỦ TỊCH": every authority line in a row.
        start = prefix_at
        while start < len(candidates) and SIGNER_PREFIX.match(texts[start]):
            candidates[start].element = "signer_prefix"
            layout.spots.append(candidates[start])
            start += 1
    rest = [s for s in candidates[start:] if s.clean]
    if not rest:
        return
    if layout.kind == "minutes":
        # Two columns of signatures: each a title in capitals, then a name.
        for spot in rest:
            spot.element = "minutes_title" if is_upper(spot.clean) else "signer_name"
            layout.spots.append(spot)
        return
    position = rest[0]
    if not is_upper(position.clean) and prefix_at is None:
        return
    position.element = "signer_position"
    layout.spots.append(position)
    names = [s for s in rest[1:] if not is_upper(s.clean)]
    if names:
        names[-1].element = "signer_name"
        layout.spots.append(names[-1])
