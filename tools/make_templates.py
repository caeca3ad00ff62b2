"""Generate the clerk-editable DOCX templates in ``templates/{state,party}/``.

The committed ``.docx`` files are the source of truth: clerks open them in Word and change the
wording. This script documents how they were first made and lets a developer regenerate them
after a format change (``python tools/make_templates.py``). It writes raw OOXML through
python-docx because the official layout needs things python-docx has no API for: borderless
header tables with short centred rules, repeated table header rows, rows that cannot split,
and a PAGE field in a header that is empty on the first page.

Every size, spacing and profile word comes from the format rules in ``docgen/formats.yaml``
(read through :mod:`docgen.formats`, each rule with its source), which ``docgen check`` applies
too: a change of rule is one edit there, then a run of this script.
The Jinja tags inside the text are docxtpl's: ``{{ x }}`` in a run, ``{%p … %}`` on a paragraph
of its own, ``{%tr … %}`` on a table row of its own. Each tag sits in a single run (so Word's
run splitting cannot break it) and every derived value — numbers, dates, counts, upper-cased
names — comes ready-made from ``docgen.context``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm

from docgen import formats
from docgen.docx.rules import rule_paragraph

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates"


def _text(element: formats.Element | None) -> str:
    assert element is not None and element.text, "a fixed title needs its text in the rules"
    return element.text


def _initial(p: Profile, word: str) -> str:
    """``word`` with the first letter the profile's summary takes (``Kết luận`` / ``kết luận``)."""
    case = p.rules.elements.summary.case
    if case == "initial_lower":
        return word[:1].lower() + word[1:]
    if case == "initial_upper":
        return word[:1].upper() + word[1:]
    return word


def tw(mm: float) -> int:
    """Millimetres to twentieths of a point, OOXML's length unit for layout."""
    return round(mm * 1440 / 25.4)


@dataclass(frozen=True)
class Profile:
    """Sizes in points for one format profile, read from :mod:`docgen.formats`."""

    name: str
    parent_pt: float  # parent body in the left header, caps regular
    issuer_pt: float  # issuing body, caps bold
    title_pt: float  # CỘNG HÒA … / ĐẢNG CỘNG SẢN VIỆT NAM
    motto_pt: float  # Độc lập - Tự do - Hạnh phúc (state only)
    number_pt: float
    date_pt: float
    type_pt: float  # THÔNG BÁO, QUYẾT ĐỊNH, BIÊN BẢN
    summary_pt: float
    body_pt: float
    line: tuple[int, str]  # (w:line, w:lineRule) of body text
    signer_pt: float
    recipients_head_pt: float
    recipients_pt: float
    page_number_pt: float
    title_rule_mm: float  # rule under the national title / Party title
    rules: formats.Profile

    @classmethod
    def of(cls, name: str) -> Profile:
        r = formats.profile(name)
        e = r.elements
        return cls(
            name=name,
            parent_pt=e.parent.pt,
            issuer_pt=e.issuer.pt,
            title_pt=e.title.pt,
            motto_pt=e.motto.pt if e.motto else 0,
            number_pt=e.number.pt,
            date_pt=e.place_date.pt,
            type_pt=e.type_name.pt,
            summary_pt=e.summary.pt,
            body_pt=e.body.pt,
            line=r.body.line_ooxml,
            signer_pt=e.signer_prefix.pt,
            recipients_head_pt=e.recipients_head.pt,
            recipients_pt=e.recipients_item.pt,
            page_number_pt=e.page_number.pt,
            title_rule_mm=r.rules.title_rule_mm,
            rules=r,
        )


STATE = Profile.of("state")
PARTY = Profile.of("party")

_STATE_PAGE = STATE.rules.page
_LAYOUT = formats.rules().layout
PAGE_W, PAGE_H = _STATE_PAGE.width_mm, _STATE_PAGE.height_mm
MARGIN_TOP, MARGIN_BOTTOM = _STATE_PAGE.margins_mm.top, _STATE_PAGE.margins_mm.bottom
MARGIN_LEFT, MARGIN_RIGHT = _STATE_PAGE.margins_mm.left, _STATE_PAGE.margins_mm.right
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
HEADER_LEFT_MM, HEADER_RIGHT_MM = _LAYOUT.header_columns_mm
HEADER_PULL_MM = _LAYOUT.header_pull_mm
SUMMARY_RULE_MM = _LAYOUT.summary_rule_mm
SIGN_LEFT_MM, SIGN_RIGHT_MM = _LAYOUT.signature_columns_mm


# ---------------------------------------------------------------------------------------------
# OOXML builders. Strings rather than python-docx objects: the layout needs elements python-docx
# has no API for, and a flat string per paragraph is easy to compare with the spec.
# ---------------------------------------------------------------------------------------------


def run(
    text: str,
    pt: float,
    *,
    b: bool = False,
    i: bool = False,
    u: bool = False,
) -> str:
    props = []
    if b:
        props.append("<w:b/><w:bCs/>")
    if i:
        props.append("<w:i/><w:iCs/>")
    if u:
        props.append('<w:u w:val="single"/>')
    size = round(pt * 2)
    props.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return (
        f'<w:r><w:rPr>{"".join(props)}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def para(
    runs: str | list[str],
    *,
    pt: float,
    align: str = "center",
    first_line_mm: float = 0,
    left_mm: float = 0,
    right_mm: float = 0,
    before: float = 0,
    after: float = 0,
    line: tuple[int, str] = (240, "auto"),
    keep_next: bool = False,
    bottom_rule: bool = False,
    page_break: bool = False,
) -> str:
    """One paragraph; ``pt`` sizes the paragraph mark, which sets an empty line's height."""
    if isinstance(runs, list):
        runs = "".join(runs)
    ppr = []
    if keep_next:
        ppr.append("<w:keepNext/>")
    if page_break:
        ppr.append("<w:pageBreakBefore/>")
    if bottom_rule:
        ppr.append(
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
        )
    ppr.append(
        f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
        f'w:line="{line[0]}" w:lineRule="{line[1]}"/>'
    )
    ind = f'<w:ind w:left="{tw(left_mm)}" w:right="{tw(right_mm)}"'
    if first_line_mm:
        ind += f' w:firstLine="{tw(first_line_mm)}"'
    ppr.append(ind + "/>")
    ppr.append(f'<w:jc w:val="{align}"/>')
    size = round(pt * 2)
    ppr.append(f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>')
    return f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>{runs}</w:p>"


def tag(text: str, pt: float = 10) -> str:
    """A paragraph holding only a docxtpl ``{%p … %}`` tag; docxtpl removes it on rendering."""
    return para(run(text, pt), pt=pt, align="left")


def rule(width_mm: float, cell_mm: float, *, after: float = 0) -> str:
    """A short centred rule ``width_mm`` long in a cell of ``cell_mm`` (docgen.docx.rules)."""
    return rule_paragraph(width_mm, cell_mm, after_pt=after)


def cell(width_mm: float, content: str, *, span: int = 1, borders: bool = False) -> str:
    tcpr = [f'<w:tcW w:w="{tw(width_mm)}" w:type="dxa"/>']
    if span > 1:
        tcpr.append(f'<w:gridSpan w:val="{span}"/>')
    if not borders:
        tcpr.append(
            "<w:tcBorders>"
            + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right"))
            + "</w:tcBorders>"
        )
    tcpr.append('<w:vAlign w:val="top"/>')
    return f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr>{content}</w:tc>"


def row(cells: list[str], *, header: bool = False, cant_split: bool = True) -> str:
    trpr = []
    if cant_split:
        trpr.append("<w:cantSplit/>")
    if header:
        trpr.append("<w:tblHeader/>")
    return f"<w:tr><w:trPr>{''.join(trpr)}</w:trPr>{''.join(cells)}</w:tr>"


def tag_row(text: str, columns: int, width_mm: float) -> str:
    """A row holding only a docxtpl ``{%tr … %}`` tag; docxtpl removes the row on rendering."""
    return row([cell(width_mm, tag(text), span=columns, borders=True)], cant_split=False)


def table(
    widths_mm: list[float],
    rows: list[str],
    *,
    borders: bool = False,
    pull_mm: float = 0,
    cell_margin_mm: float = 1,
) -> str:
    total = sum(widths_mm)
    if borders:
        sides = ("top", "left", "bottom", "right", "insideH", "insideV")
        bdr = "".join(
            f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for s in sides
        )
    else:
        sides = ("top", "left", "bottom", "right", "insideH", "insideV")
        bdr = "".join(f'<w:{s} w:val="nil"/>' for s in sides)
    margin = tw(cell_margin_mm)
    tblpr = (
        f'<w:tblPr><w:tblW w:w="{tw(total)}" w:type="dxa"/>'
        f'<w:tblInd w:w="{-tw(pull_mm)}" w:type="dxa"/>'
        f"<w:tblBorders>{bdr}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/>'
        f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000"/></w:tblPr>'
    )
    grid = "".join(f'<w:gridCol w:w="{tw(w)}"/>' for w in widths_mm)
    return f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def blank(pt: float, *, keep_next: bool = False) -> str:
    return para("", pt=pt, keep_next=keep_next)


# ---------------------------------------------------------------------------------------------
# Shared parts of the documents
# ---------------------------------------------------------------------------------------------


def header_block(p: Profile, *, number: bool = True, date: bool = True) -> str:
    """The two-column header [spec §1]: issuing body left, national / Party title right.

    State: the number (left) and the place-and-date line (right) share the second row, so they
    sit on one line. Party: the date sits under the rule on the right, level with the ``*``.
    """
    rw = HEADER_RIGHT_MM - 2  # cell width minus its margins
    left = [
        tag("{%p if parent %}"),
        para(run("{{ parent }}", p.parent_pt), pt=p.parent_pt),
        tag("{%p endif %}"),
        para(run("{{ issuer_header }}", p.issuer_pt, b=True), pt=p.issuer_pt),
    ]
    if p.name == "state":
        # Its length follows the name (1/3–1/2 of it), so the context draws it: the tag is text,
        # which Word keeps, where a tag in w:ind's attributes would make a file Word refuses.
        left.append(tag("{{p issuer_rule }}"))
        right = [
            para(run(_text(p.rules.elements.title), p.title_pt, b=True), pt=p.title_pt),
            para(run(_text(p.rules.elements.motto), p.motto_pt, b=True), pt=p.motto_pt),
            rule(p.title_rule_mm, rw),
        ]
        second_left = (
            para(run("{{ number }}", p.number_pt), pt=p.number_pt, before=6)
            if number
            else blank(p.number_pt)
        )
        second_right = (
            para(run("{{ place_date }}", p.date_pt, i=True), pt=p.date_pt, before=6)
            if date
            else blank(p.date_pt)
        )
        rows = [
            row([cell(HEADER_LEFT_MM, "".join(left)), cell(HEADER_RIGHT_MM, "".join(right))]),
            row([cell(HEADER_LEFT_MM, second_left), cell(HEADER_RIGHT_MM, second_right)]),
        ]
    else:
        left.append(para(run("*", p.issuer_pt), pt=p.issuer_pt))
        if number:
            left.append(para(run("{{ number }}", p.number_pt), pt=p.number_pt))
        right = [
            para(run(_text(p.rules.elements.title), p.title_pt, b=True), pt=p.title_pt),
            rule(p.title_rule_mm, rw),
        ]
        if date:
            right.append(
                para(
                    run("{{ place_date }}", p.date_pt, i=True),
                    pt=p.date_pt,
                    align="right",
                    before=14,
                )
            )
        rows = [row([cell(HEADER_LEFT_MM, "".join(left)), cell(HEADER_RIGHT_MM, "".join(right))])]
    return table([HEADER_LEFT_MM, HEADER_RIGHT_MM], rows, pull_mm=HEADER_PULL_MM)


def title_block(p: Profile, doc_type: str, summary_runs: list[str], *, before: float = 18) -> str:
    """Document type and summary, centred, then the short rule (state) or ``-----`` (party)."""
    out = [
        para(run(doc_type, p.type_pt, b=True), pt=p.type_pt, before=before, keep_next=True),
        para(summary_runs, pt=p.summary_pt, keep_next=True),
    ]
    if p.name == "state":
        out.append(rule(SUMMARY_RULE_MM, TEXT_W, after=12))
    else:
        out.append(para(run("-----", p.summary_pt), pt=p.summary_pt, after=12))
    return "".join(out)


def body(p: Profile, runs: str | list[str], *, indent: bool = True, keep_next: bool = False) -> str:
    """Running text: justified, 1 cm first-line indent, 6 pt after [spec §1]."""
    rules = p.rules.body
    return para(
        runs,
        pt=p.body_pt,
        align=rules.align,
        first_line_mm=rules.first_line_mm if indent else 0,
        after=rules.space_after_pt,
        line=p.line,
        keep_next=keep_next,
    )


def text(p: Profile, s: str, **kw: bool) -> str:
    return run(s, p.body_pt, **kw)


def recipients_block(p: Profile) -> str:
    """``Nơi nhận:`` and its items, flush left in the signature table's left cell."""
    style = p.rules.elements.recipients_head
    head = run(
        p.rules.recipients.head,
        p.recipients_head_pt,
        b=bool(style.bold),
        i=bool(style.italic),
        u=bool(style.underline),
    )
    return "".join(
        [
            para(head, pt=p.recipients_head_pt, align="left"),
            tag("{%p for item in recipients %}"),
            para(run("{{ item }}", p.recipients_pt), pt=p.recipients_pt, align="left"),
            tag("{%p endfor %}"),
        ]
    )


def signer_block(p: Profile) -> str:
    """Prefix line (TM./KT. …), the position, room for signature and seal, the name."""
    return "".join(
        [
            tag("{%p if signer_prefix_line %}"),
            para(run("{{ signer_prefix_line }}", p.signer_pt, b=True), pt=p.signer_pt),
            tag("{%p endif %}"),
            # [HD36] leaves the position not bold; [ND30] bolds it.
            para(
                run(
                    "{{ signer_position }}",
                    p.signer_pt,
                    b=bool(p.rules.elements.signer_position.bold),
                ),
                pt=p.signer_pt,
            ),
            *[blank(p.signer_pt) for _ in range(4)],
            para(run("{{ signer_name }}", p.signer_pt, b=True), pt=p.signer_pt),
        ]
    )


def signature_table(p: Profile) -> str:
    return table(
        [SIGN_LEFT_MM, SIGN_RIGHT_MM],
        [
            row(
                [
                    cell(SIGN_LEFT_MM, recipients_block(p)),
                    cell(SIGN_RIGHT_MM, signer_block(p)),
                ]
            )
        ],
        pull_mm=1,
    )


# ---------------------------------------------------------------------------------------------
# The minutes, the notice, the decision and its list
# ---------------------------------------------------------------------------------------------


def minutes(p: Profile) -> str:
    """Biên bản [ND30 Mẫu 1.9]: number but no place-and-date line."""
    state = p.name == "state"
    end = p.rules.body.ending
    parts = [
        header_block(p, number=True, date=False),
        title_block(p, "BIÊN BẢN", [run("{{ meeting_name }}", p.summary_pt, b=True)]),
        body(p, [text(p, "Thời gian bắt đầu: "), text(p, "{{ start_text }}.")]),
        body(p, [text(p, "Địa điểm: "), text(p, "{{ venue }}.")]),
        body(p, [text(p, "Thành phần tham dự: "), text(p, "{{ participants }}.")]),
        body(
            p,
            [
                text(p, "Chủ trì (chủ tọa): " if state else "Chủ trì hội nghị: "),
                text(p, "{{ chairs_text }}."),
            ],
        ),
        body(
            p,
            [
                text(p, "Thư ký (người ghi biên bản): " if state else "Người ghi biên bản: "),
                text(p, "{{ secretary_text }}."),
            ],
        ),
        body(
            p,
            text(p, "Nội dung (theo diễn biến cuộc họp):", b=True),
            keep_next=True,
        ),
        body(p, text(p, "1. Các báo cáo trình bày tại {{ kind_lower }}", b=True), keep_next=True),
        tag("{%p for report in reports %}"),
        body(p, text(p, "{{ report.heard }}")),
        tag("{%p for paragraph in report.summary %}"),
        body(p, text(p, "{{ paragraph }}")),
        tag("{%p endfor %}"),
        tag("{%p endfor %}"),
        body(p, text(p, "2. Ý kiến thảo luận", b=True), keep_next=True),
        tag("{%p for topic in discussion %}"),
        body(p, text(p, "- {{ topic }}")),
        tag("{%p endfor %}"),
        body(p, text(p, "3. Kết luận", b=True), keep_next=True),
        body(p, text(p, "Đồng chí {{ concluder_name }} kết luận:")),
        tag("{%p for item in conclusion_items %}"),
        body(p, text(p, "- {{ item }}")),
        tag("{%p endfor %}"),
        # Kept with the signatures: a signature page must never stand without text.
        body(p, text(p, "{{ kind_cap }} kết thúc vào {{ end_text }}" + end), keep_next=True),
        minutes_signatures(p),
    ]
    return "".join(parts)


def minutes_signatures(p: Profile) -> str:
    """Secretary left, chair right; ``Nơi nhận`` under the left column [ND30 Mẫu 1.9]."""
    left_title = p.rules.minutes.left_title
    right_title = p.rules.minutes.right_title

    def signs(title: str, name: str) -> str:
        return "".join(
            [
                para(run(title, p.signer_pt, b=True), pt=p.signer_pt, before=12),
                *[blank(p.signer_pt) for _ in range(4)],
                para(run(name, p.signer_pt, b=True), pt=p.signer_pt),
            ]
        )

    return table(
        [SIGN_LEFT_MM, SIGN_RIGHT_MM],
        [
            row(
                [
                    cell(SIGN_LEFT_MM, signs(left_title, "{{ secretary_name }}")),
                    cell(SIGN_RIGHT_MM, signs(right_title, "{{ chair_name }}")),
                ]
            ),
            row(
                [
                    cell(SIGN_LEFT_MM, blank(8) + recipients_block(p)),
                    cell(SIGN_RIGHT_MM, blank(8)),
                ]
            ),
        ],
        pull_mm=1,
    )


def notice(p: Profile) -> str:
    """Thông báo kết luận [ND30 Mẫu 1.4]."""
    end = p.rules.body.ending
    summary = _initial(p, "Kết luận") + (
        " của đồng chí {{ concluder_title }} tại {{ meeting_name }}"
    )
    return "".join(
        [
            header_block(p),
            title_block(p, "THÔNG BÁO", [run(summary, p.summary_pt, b=True)]),
            body(p, text(p, "{{ opening }}")),
            tag("{%p if heard %}"),
            body(p, text(p, "{{ heard }}")),
            tag("{%p endif %}"),
            body(
                p,
                text(
                    p,
                    "Sau khi nghe các báo cáo và ý kiến thảo luận của đại biểu, đồng chí "
                    "{{ concluder_name }} kết luận như sau:",
                ),
            ),
            tag("{%p for item in conclusion_items %}"),
            body(p, text(p, "{{ loop.index }}. {{ item }}")),
            tag("{%p endfor %}"),
            body(
                p,
                text(
                    p, "{{ issuer_short }} thông báo để các cơ quan, đơn vị biết, thực hiện" + end
                ),
                keep_next=True,
            ),
            blank(p.body_pt, keep_next=True),
            signature_table(p),
        ]
    )


def decision(p: Profile) -> str:
    """Quyết định khen thưởng [ND30 Mẫu 1.2] for one award group."""
    state = p.name == "state"
    summary = _initial(p, "Về") + (" việc tặng {{ form }} cho các tập thể, cá nhân {{ reason }}")
    articles = (
        [
            body(
                p,
                [
                    text(p, "Điều 1. ", b=True),
                    text(
                        p,
                        "Tặng {{ form }} của {{ authority }} cho {{ counts }} (có danh sách "
                        "kèm theo), {{ reason }}.",
                    ),
                ],
            ),
            body(
                p,
                [
                    text(p, "Điều 2. ", b=True),
                    text(p, "Quyết định này có hiệu lực kể từ ngày ký."),
                ],
            ),
            body(
                p,
                [
                    text(p, "Điều 3. ", b=True),
                    text(
                        p,
                        "Chánh Văn phòng {{ issuer_name }}, {{ executors }} và các tập thể, cá "
                        "nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
                    ),
                ],
            ),
        ]
        if state
        else [
            body(
                p,
                [
                    text(p, "Điều 1. ", b=True),
                    text(
                        p,
                        "Tặng {{ form }} của {{ authority }} cho {{ counts }} (có danh sách "
                        "kèm theo), {{ reason }}.",
                    ),
                ],
            ),
            body(
                p,
                [
                    text(p, "Điều 2. ", b=True),
                    text(
                        p,
                        "Quyết định có hiệu lực từ ngày ký. {{ executors_cap }} và các tập "
                        "thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định "
                        "này.",
                    ),
                ],
            ),
        ]
    )
    return "".join(
        [
            header_block(p),
            title_block(p, "QUYẾT ĐỊNH", [run(summary, p.summary_pt, b=True)]),
            para(
                run("{{ authority_heading }}", p.body_pt, b=True),
                pt=p.body_pt,
                after=12,
                keep_next=True,
            ),
            tag("{%p for ground in grounds %}"),
            body(p, text(p, "{{ ground }}", i=True)),
            tag("{%p endfor %}"),
            tag("{%p if proposal %}"),
            body(p, text(p, "{{ proposal }}", i=True)),
            tag("{%p endif %}"),
            para(
                run("QUYẾT ĐỊNH:", p.body_pt, b=True),
                pt=p.body_pt,
                before=6,
                after=12,
                keep_next=True,
            ),
            *articles,
            blank(p.body_pt),
            signature_table(p),
        ]
    )


LIST_WIDTHS = list(_LAYOUT.list_columns_mm)


def list_cell(
    p: Profile, width: float, content: str, *, align: str = "left", b: bool = False
) -> str:
    """One bordered cell of a list table, in the profile's list size."""
    size = p.rules.rules.list_cell_pt
    return cell(
        width,
        para(run(content, size, b=b), pt=size, align=align, before=3, after=3),
        borders=True,
    )


def list_columns_row(p: Profile, widths: list[float], headings: list[str]) -> str:
    """The column headings of a list, bold and centred, repeated at the top of every page."""
    cells = [
        list_cell(p, w, h, align="center", b=True) for w, h in zip(widths, headings, strict=True)
    ]
    return row(cells, header=True)


def list_item_rows(p: Profile, widths: list[float], items: str, fields: list[str]) -> list[str]:
    """One row per ``item`` of ``items`` (docxtpl's ``{%tr for %}``), a field per column: the
    first (the number, the time) centred, the others aligned left."""
    n, full = len(widths), sum(widths)
    cells = [
        list_cell(p, w, f"{{{{ item.{field} }}}}", align="center" if i == 0 else "left")
        for i, (w, field) in enumerate(zip(widths, fields, strict=True))
    ]
    return [
        tag_row(f"{{%tr for item in {items} %}}", n, full),
        row(cells),
        tag_row("{%tr endfor %}", n, full),
    ]


def list_table(widths: list[float], rows: list[str]) -> str:
    """A list: bordered, with room inside each cell, as the award list, invitees and programme."""
    return table(widths, rows, borders=True, cell_margin_mm=1.5)


def award_table(p: Profile) -> str:
    """STT | name | position and unit, with the I. TẬP THỂ / II. CÁ NHÂN group rows."""
    n = len(LIST_WIDTHS)
    full = sum(LIST_WIDTHS)
    size = p.rules.rules.list_cell_pt
    fields = ["number", "name", "detail"]

    def group_row(label: str) -> str:
        return row(
            [
                cell(
                    full,
                    para(run(label, size, b=True), pt=size, align="left", before=3, after=3),
                    span=n,
                    borders=True,
                )
            ]
        )

    rows = [
        list_columns_row(p, LIST_WIDTHS, ["STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị"]),
        tag_row("{%tr if collectives %}", n, full),
        group_row("{{ collectives_numeral }}. TẬP THỂ"),
        *list_item_rows(p, LIST_WIDTHS, "collectives", fields),
        tag_row("{%tr endif %}", n, full),
        tag_row("{%tr if individuals %}", n, full),
        group_row("{{ individuals_numeral }}. CÁ NHÂN"),
        *list_item_rows(p, LIST_WIDTHS, "individuals", fields),
        tag_row("{%tr endif %}", n, full),
    ]
    return list_table(LIST_WIDTHS, rows)


def list_heading(
    p: Profile, lines: list[str], attached_to: str, *, page_break: bool = False
) -> str:
    """An attached list's title in bold capitals, the italic '(Kèm theo …)' line, a short rule."""
    out = [
        para(
            run(line, p.rules.elements.list_title.pt, b=True),
            pt=p.rules.elements.list_title.pt,
            before=18 if i == 0 and not page_break else 0,
            keep_next=True,
            page_break=page_break and i == 0,
        )
        for i, line in enumerate(lines)
    ]
    out.append(para(run(attached_to, p.body_pt, i=True), pt=p.body_pt, keep_next=True))
    out.append(rule(SUMMARY_RULE_MM, TEXT_W, after=12))
    return "".join(out)


def award_list(p: Profile) -> str:
    """Danh sách khen thưởng kèm theo quyết định [spec §3]: no number, no date."""
    return "".join(
        [
            header_block(p, number=False, date=False),
            list_heading(
                p,
                [
                    "DANH SÁCH {{ list_who }} ĐƯỢC TẶNG {{ form_upper }}",
                    "CỦA {{ authority_upper }}",
                ],
                "(Kèm theo Quyết định số {{ decision_ref }} {{ decision_date }} "
                "của {{ decision_issuer }})",
            ),
            award_table(p),
            blank(p.body_pt),
        ]
    )


# ---------------------------------------------------------------------------------------------
# Around the meeting [spec §5]: giấy mời, chương trình, tờ trình; and the news report
# ---------------------------------------------------------------------------------------------


def invitation(p: Profile) -> str:
    """Giấy mời: the invitee, the meeting, time, venue, notes; the invitee list attached."""
    end = p.rules.body.ending
    widths = [14, 88, 63]
    rows = [
        list_columns_row(p, widths, ["STT", "Họ và tên / Thành phần", "Chức vụ, đơn vị"]),
        *list_item_rows(p, widths, "invitees", ["number", "name", "detail"]),
    ]
    return "".join(
        [
            header_block(p),
            title_block(p, "GIẤY MỜI", [run("{{ summary }}", p.summary_pt, b=True)]),
            body(p, text(p, "{{ issuer_short }} trân trọng kính mời:"), keep_next=True),
            body(p, text(p, "{{ invitee }}", b=True), keep_next=True),
            body(p, [text(p, "Tới dự: ", b=True), text(p, "{{ meeting_name }}.")]),
            body(p, [text(p, "Thời gian: ", b=True), text(p, "{{ time_text }}.")]),
            body(p, [text(p, "Địa điểm: ", b=True), text(p, "{{ venue }}.")]),
            tag("{%p for note in notes %}"),
            body(p, text(p, "{{ note }}")),
            tag("{%p endfor %}"),
            body(p, text(p, "Rất mong đại biểu đến dự đúng thời gian" + end), keep_next=True),
            blank(p.body_pt, keep_next=True),
            signature_table(p),
            tag("{%p if attached %}"),
            list_heading(
                p,
                ["DANH SÁCH ĐẠI BIỂU ĐƯỢC MỜI"],
                "(Kèm theo Giấy mời số {{ invitation_ref }} {{ invitation_date }} "
                "của {{ issuer_name }})",
                page_break=True,
            ),
            list_table(widths, rows),
            blank(p.body_pt),
            tag("{%p endif %}"),
        ]
    )


PROGRAMME_WIDTHS = [30, 85, 50]


def programme(p: Profile) -> str:
    """Chương trình: Thời gian | Nội dung | Người thực hiện, one row per agenda item.

    Unsigned, without Nơi nhận: a meeting's programme travels with its giấy mời, which is
    signed; a signature block after the table would also tend to stand alone on a page.
    """
    widths = PROGRAMME_WIDTHS
    rows = [
        list_columns_row(p, widths, ["Thời gian", "Nội dung", "Người thực hiện"]),
        *list_item_rows(p, widths, "items", ["time", "content", "by"]),
    ]
    return "".join(
        [
            header_block(p),
            title_block(p, "CHƯƠNG TRÌNH", [run("{{ summary }}", p.summary_pt, b=True)]),
            body(p, [text(p, "Thời gian: ", b=True), text(p, "{{ time_text }}.")]),
            body(p, [text(p, "Địa điểm: ", b=True), text(p, "{{ venue }}.")], keep_next=True),
            list_table(widths, rows),
            blank(p.body_pt),
        ]
    )


def proposal(p: Profile) -> str:
    """Tờ trình đề nghị khen thưởng for one award group, its list attached."""
    end = p.rules.body.ending
    summary = _initial(p, "Về") + " việc đề nghị tặng {{ form }} của {{ authority }}"
    return "".join(
        [
            header_block(p),
            title_block(p, "TỜ TRÌNH", [run(summary, p.summary_pt, b=True)]),
            body(p, [text(p, "Kính gửi: "), text(p, "{{ to }}.")], keep_next=True),
            tag("{%p for ground in grounds %}"),
            body(p, text(p, "{{ ground }}")),
            tag("{%p endfor %}"),
            tag("{%p for paragraph in achievements %}"),
            body(p, text(p, "{{ paragraph }}")),
            tag("{%p endfor %}"),
            body(
                p,
                text(
                    p,
                    "Để kịp thời động viên, khen thưởng các tập thể, cá nhân {{ reason }}, "
                    "{{ issuer_short }} kính đề nghị {{ to }} xem xét, tặng {{ form }} cho "
                    "{{ counts }} ({{ counts_words }}) (có danh sách kèm theo).",
                ),
            ),
            body(
                p,
                text(p, "{{ issuer_short }} kính trình {{ to }} xem xét, quyết định" + end),
                keep_next=True,
            ),
            blank(p.body_pt, keep_next=True),
            signature_table(p),
            list_heading(
                p,
                [
                    "DANH SÁCH {{ list_who }} ĐỀ NGHỊ TẶNG {{ form_upper }}",
                    "CỦA {{ authority_upper }}",
                ],
                "(Kèm theo Tờ trình số {{ proposal_ref }} {{ proposal_date }} "
                "của {{ issuer_name }})",
                page_break=True,
            ),
            award_table(p),
            blank(p.body_pt),
        ]
    )


NEWS_PT = 13


def news(p: Profile) -> str:
    """Bản tin: plain news formatting, not an official form — headline, lead, body, author."""
    plain = (276, "auto")
    return "".join(
        [
            para(
                run("{{ headline }}", 16, b=True),
                pt=16,
                align="left",
                after=12,
                line=plain,
                keep_next=True,
            ),
            para(
                run("{{ lead }}", NEWS_PT, b=True),
                pt=NEWS_PT,
                align="both",
                after=8,
                line=plain,
            ),
            tag("{%p for paragraph in paragraphs %}"),
            para(
                run("{{ paragraph }}", NEWS_PT),
                pt=NEWS_PT,
                align="both",
                after=8,
                line=plain,
            ),
            tag("{%p endfor %}"),
            tag("{%p if author %}"),
            para(run("{{ author }}", NEWS_PT, b=True), pt=NEWS_PT, align="right", before=6),
            tag("{%p endif %}"),
        ]
    )


DOCUMENTS = {
    "minutes": minutes,
    "notice": notice,
    "decision": decision,
    "award-list": award_list,
    "invitation": invitation,
    "programme": programme,
    "proposal": proposal,
    "news": news,
}


# ---------------------------------------------------------------------------------------------
# Assembling a .docx
# ---------------------------------------------------------------------------------------------


def _fragment(xml: str) -> list:
    wrapper = parse_xml(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>')
    return list(wrapper)


def _set_defaults(doc: Document, p: Profile) -> None:
    """Times New Roman for every script, black, the body size, Vietnamese; no spacing."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    size = round(p.body_pt * 2)
    font = escape(p.rules.font.family, {'"': "&quot;"})
    fonts = f'w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"'
    styles.insert(
        0,
        parse_xml(
            f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault><w:rPr>'
            f"<w:rFonts {fonts}/>"
            f'<w:color w:val="{p.rules.font.color}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
            '<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault>"
            '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    # The default template's Normal style names Calibri-era fonts in some builds; pin it.
    normal = doc.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(
        0,
        parse_xml(f'<w:rFonts xmlns:w="{W_NS}" {fonts}/>'),
    )
    normal.font.size = None


def _page_number_header(doc: Document, p: Profile) -> None:
    """Page number centred in the top margin from page 2; page 1's header stays empty."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    size = round(p.page_number_pt * 2)
    header = section.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]._p
    for child in list(hp):
        hp.remove(child)
    for el in _fragment(
        '<w:p><w:pPr><w:jc w:val="center"/>'
        f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:pPr>'
        f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        '<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        '<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        '<w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t>2</w:t></w:r>'
        f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        '<w:fldChar w:fldCharType="end"/></w:r></w:p>'
    ):
        hp.addprevious(el)
    header._element.remove(hp)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].text = ""
    # Footers exist but stay empty, so LibreOffice and Word agree on the page layout.
    section.footer.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False


# Parts python-docx's blank document carries that no template needs: Word 2010's copy of every
# style with its effects (Word 2013 and later and LibreOffice ignore it; Word 2010 falls back to
# styles.xml), the preview picture of an empty page, and an empty bibliography.
_DROPPED_PART_TYPES = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    RT.CUSTOM_XML,
    RT.THUMBNAIL,
)
# A style is used when a part names it here, or when a used style names it (its base, its
# linked character style, the style of the next paragraph).
_STYLE_REFERENCES = ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink")
_STYLE_LINKS = ("basedOn", "link", "next")


def _slim(doc: Document) -> None:
    """Keep only the styles and parts a template uses.

    python-docx's blank document defines 164 styles (about 350 KB of XML, and 440 KB more in
    ``stylesWithEffects.xml``) of which a template uses the defaults, the header and footer
    and the list styles ``numbering.xml`` names. Every document made from a template is read,
    parsed and saved with all of it — most of a build's time went there. The latent-style table
    stays: it is what Word's style gallery offers the clerk. A style the clerk picks in Word
    that is not defined here is added by Word from its own definition, as in any new document.
    """
    for owner in (doc.part, doc.part.package):
        for rel in list(owner.rels.values()):
            if rel.reltype in _DROPPED_PART_TYPES:
                owner.rels.pop(rel.rId)
    styles = doc.styles.element
    used = {
        style.get(qn("w:styleId"))
        for style in styles.findall(qn("w:style"))
        if style.get(qn("w:default")) in ("1", "true", "on")
    }
    for part in doc.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is None or element is styles:
            continue
        for ref in _STYLE_REFERENCES:
            used.update(el.get(qn("w:val")) for el in element.iter(qn(f"w:{ref}")))
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    todo = list(used)
    while todo:
        style = by_id.get(todo.pop())
        if style is None:
            continue
        for link in _STYLE_LINKS:
            for el in style.findall(qn(f"w:{link}")):
                if el.get(qn("w:val")) not in used:
                    used.add(el.get(qn("w:val")))
                    todo.append(el.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in used:
            styles.remove(style)


def make(p: Profile, name: str) -> Document:
    doc = Document()
    _set_defaults(doc, p)
    section = doc.sections[0]
    page = p.rules.page
    section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
    section.top_margin, section.bottom_margin = Mm(page.margins_mm.top), Mm(page.margins_mm.bottom)
    section.left_margin = Mm(page.margins_mm.left)
    section.right_margin = Mm(page.margins_mm.right)
    distance = Mm(_LAYOUT.header_distance_mm)
    section.header_distance, section.footer_distance = distance, distance
    _page_number_header(doc, p)
    body_el = doc.element.body
    for child in list(body_el):
        if child.tag != qn("w:sectPr"):
            body_el.remove(child)
    sect = body_el.find(qn("w:sectPr"))
    for el in _fragment(DOCUMENTS[name](p)):
        sect.addprevious(el)
    props = doc.core_properties
    props.author = "docgen"
    props.title = f"docgen template: {name} ({p.name})"
    # No Jinja braces here: docxtpl renders the core properties as templates too.
    props.comments = "Edit the wording freely; keep every tag in double braces whole."
    props.language = "vi-VN"
    _slim(doc)
    return doc


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    for p in (STATE, PARTY):
        folder = out / p.name
        folder.mkdir(parents=True, exist_ok=True)
        for name in DOCUMENTS:
            path = folder / f"{name}.docx"
            make(p, name).save(path)
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
