"""Templates are data, not code: escapes, loaders, bombs and endless loops are stopped cleanly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from docgen.errors import DocgenError
from docgen.sandbox import Limits, make_environment, render_docx, render_text

#: Small enough that a test reaches the budget in milliseconds.
SMALL = Limits(max_steps=20_000, max_range=1_000, max_value=100_000, max_width=500)


def refused(source: str, *, limits: Limits = SMALL, context: dict | None = None) -> str:
    with pytest.raises(DocgenError) as info:
        render_text(source, context or {}, what="giay-khen.docx", limits=limits)
    message = str(info.value)
    assert message.startswith("giay-khen.docx")
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ ().__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ range.__self__ }}",
        "{{ 'a'.format.__globals__ }}",
        "{{ '{0.__class__}'.format('') }}",
        "{{ lipsum() }}",
    ],
)
def test_python_internals_are_out_of_reach(source: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    message = refused(source.replace("MARKER", str(marker)))
    assert "line 1" in message
    assert not marker.exists()


def test_unsafe_attribute_message_says_templates_are_data() -> None:
    message = refused("Hello\n{{ ''.__class__ }}")
    assert "line 2" in message
    assert "'__class__'" in message and "Templates are data, not code" in message
    assert "near: {{ ''.__class__ }}" in message


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ("{% import 'os' as os %}", "{% import %}"),
        ("{% from 'macros' import f %}", "{% from … import %}"),
        ("{% include '/etc/passwd' %}", "{% include %}"),
        ("{% extends 'base.docx' %}", "{% extends %}"),
    ],
)
def test_templates_cannot_load_other_templates(source: str, tag: str) -> None:
    message = refused(f"ok\n\n{source}")
    assert tag in message and "line 3" in message


def test_data_lists_cannot_be_changed_from_a_template() -> None:
    names = ["An", "Bình"]
    refused("{{ names.append('Cường') }}", context={"names": names})
    refused("{{ d.update(x=1) }}", context={"d": {}})
    assert names == ["An", "Bình"]


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("{{ range(10**9)|length }}", "range() of 1,000,000,000"),
        ("{{ range(1000000000)|length }}", "range() of"),
        (
            "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
            "repeats too much work",
        ),
        (
            "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}",
            "repeats too much work",
        ),
        (
            "{% set xs = range(1000)|list %}{% for a in xs %}{% for b in xs %}{% for c in xs %}"
            "{% endfor %}{% endfor %}{% endfor %}",
            "repeats too much work",
        ),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "calls itself too deeply"),
        (
            "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
            "repeats too much work",
        ),
        ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "recursive loops"),
        ("{{ 'x' * 1000000000 }}", "repeating a value"),
        ("{{ [0] * 10**9 }}", "repeating a value"),
        ("{{ 'x'|center(1000000000) }}", "filter 'center'"),
        ("{{ 'x'|indent(10**9, true) }}", "filter 'indent'"),
        ("{{ 'x'.ljust(1000000000) }}", "str.ljust()"),
        ("{{ 'x'.zfill(1000000000) }}", "str.zfill()"),
        ("{{ '%999999999s'|format(1) }}", "filter 'format'"),
        ("{{ '%999999999s' % 1 }}", "% operator"),
        ("{{ '{:>999999999}'.format(1) }}", "str.format()"),
        ("{{ 10 ** 100000 }}", "too large a number"),
        ("{{ (2 ** 64) ** 64 }}", "too large a number"),
        (
            "{% set ns = namespace(x='ab') %}{% for i in range(60) %}"
            "{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
            "the ~ operator",
        ),
        (
            "{% set ns = namespace(x=[0]) %}{% for i in range(60) %}"
            "{% set ns.x = ns.x|list + ns.x|list %}{% endfor %}",
            "the + operator",
        ),
        ("{{ range(1000)|join('x' * 1000) }}", "join"),
    ],
)
def test_bombs_and_endless_loops_are_stopped(source: str, needle: str) -> None:
    assert needle in refused(source)


# Each of these would allocate far past the limit in one operation: the size is refused before.
@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("{% set a = 'x' * 90000 %}{{ (a ~ a ~ a ~ a ~ a)|length }}", "the ~ operator"),
        ("{% set a = 'x' * 90000 %}{% set b = a ~ '-' %}{{ (b ~ b)|length }}", "the ~ operator"),
        ("{% set a = 'x' * 90000 %}{{ [a, a]|join|length }}", "filter 'join'"),
        ("{% set a = 'x' * 90000 %}{{ a|join('yy')|length }}", "filter 'join'"),
        ("{% set a = 'x' * 90000 %}{{ ''.join([a, a])|length }}", "str.join()"),
        ("{% set a = 'x' * 90000 %}{{ a|replace('x', 'yy')|length }}", "filter 'replace'"),
        ("{% set a = 'x' * 90000 %}{{ a|replace('', 'y')|length }}", "filter 'replace'"),
        ("{% set a = 'x' * 90000 %}{{ a.replace('x', 'yy')|length }}", "str.replace()"),
        ("{% set a = 'x' * 90000 %}{{ (a + a)|length }}", "the + operator"),
        ("{{ '{0:{1}}'.format('x', 10**8) }}", "widths given as arguments"),
        ("{{ '{:{w}}'.format('x', w=10**8) }}", "widths given as arguments"),
        ("{{ ([[1] * 1000] * 200)|sum(start=[])|length }}", "filter 'sum'"),
    ],
)
def test_sizes_are_refused_before_the_value_is_made(source: str, needle: str) -> None:
    assert needle in refused(source)


def test_sizes_within_the_limit_still_render() -> None:
    source = (
        "{{ ('ab' ~ 'c')|length }} {{ ['a', 'b']|join('-') }} {{ 'aXb'|replace('X', '--') }} "
        "{{ 'a.b'.replace('.', ':') }} {{ ', '.join(['x', 'y']) }} {{ [[1], [2, 3]]|sum(start=[]) }}"
        " {{ [(1,), (2,)]|sum(start=()) }} {{ [1, 2, 3]|sum }} {{ '{0:>4}'.format('x') }}"
    )
    assert render_text(source, {}, what="t") == "3 a-b a--b a:b x, y [1, 2, 3] (1, 2) 6    x"


def test_a_quadratic_sum_is_linear_and_bounded_by_the_deadline() -> None:
    # Python's sum over lists copies the running total at every item; 4,000 lists of 1,000
    # took 8 s in one C call that no deadline reached. Now it is gathered in one pass, and a
    # sum over a long stream still stops at the deadline, inside the call.
    source = "{{ ([[1] * 1000] * 4000)|sum(start=[])|length }}"
    assert render_text(source, {}, what="t") == "4000000"
    limits = Limits(max_steps=10**12, max_range=10**7, deadline=0.2)
    message = refused("{{ range(10**7)|map('int')|sum }}", limits=limits)
    assert "more than 0.2 seconds" in message


@pytest.mark.parametrize(
    "source",
    [
        "{{ reports|map(attribute='hear')|list }}",
        "{{ reports|map(attribute='hear')|first }}",
        "{{ reports|map(attribute='hear')|join(', ') }}",
        "{{ reports|map(attribute='hear')|unique|list }}",
        "{% for h in reports|map(attribute='hear') %}{{ loop.index }}{% endfor %}",
        "{{ [reports[0].hear] }}",
        "{{ {'a': reports[0].hear} }}",
        "{{ reports|batch(1)|map('first')|map(attribute='hear')|list }}",
    ],
)
def test_strict_undefined_is_not_bypassed_through_filters(source: str) -> None:
    message = refused("Báo cáo:\n" + source, context={"reports": [{"heard": 1}, {"heard": 2}]})
    assert "line 2" in message
    assert "'hear'" in message and "spelling" in message
    assert "Undefined" not in message.split("near:")[0]


def test_a_wall_clock_deadline_backs_the_budget() -> None:
    limits = Limits(max_steps=10**12, max_range=100_000, deadline=0.2)
    message = refused(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        limits=limits,
    )
    assert "more than 0.2 seconds" in message


def test_the_default_limits_stop_a_billion_iterations() -> None:
    message = refused(
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        limits=Limits(),
    )
    assert "more than 1,000,000 loop steps" in message


def test_the_output_is_capped() -> None:
    limits = Limits(max_output=10_000)
    message = refused("{% for i in range(5000) %}xxxxx{% endfor %}", limits=limits)
    assert "more than 10,000 characters" in message


def test_the_budget_is_per_render() -> None:
    env = make_environment(autoescape=False, limits=SMALL)
    template = env.from_string("{% for i in range(900) %}.{% endfor %}")
    for _ in range(50):  # 50 × 900 steps would exceed 20 000 if the budget carried over
        assert template.render() == "." * 900


def test_ordinary_templates_still_work() -> None:
    source = (
        "{% macro line(p) %}{{ p.name|upper }} ({{ p.unit }}){% endmacro %}"
        "{% set ns = namespace(total=0) %}"
        "{% for p in people %}{{ loop.index }}. {{ line(p) }}; {% set ns.total = ns.total + 1 %}"
        "{% endfor %}"
        "{{ ns.total }} | {{ '%02d'|format(5) }} | {{ '{:,}'.format(1234567) }} | "
        "{{ people|map(attribute='name')|join(', ') }} | {{ 'a'|center(5) }}|{{ 2 ** 10 }}"
    )
    people = [
        {"name": "Nguyễn Thị Ánh", "unit": "Sở Ngoại vụ"},
        {"name": "Vi Văn Dũng", "unit": "Báo"},
    ]
    out = render_text(source, {"people": people}, what="t")
    assert out == (
        "1. NGUYỄN THỊ ÁNH (Sở Ngoại vụ); 2. VI VĂN DŨNG (Báo); "
        "2 | 05 | 1,234,567 | Nguyễn Thị Ánh, Vi Văn Dũng |   a  |1024"
    )


def test_data_is_never_evaluated_as_a_template() -> None:
    hostile = "{{ ''.__class__ }}{% for i in range(10**9) %}{% endfor %}"
    assert render_text("{{ name }}", {"name": hostile}, what="t") == hostile


def test_autoescape_in_the_default_environment() -> None:
    env = make_environment()
    assert env.from_string("{{ x }}").render(x='<w:t>&"') == "&lt;w:t&gt;&amp;&#34;"
    assert render_text("{{ x }}", {"x": "<&>"}, what="t") == "<&>"


def test_a_misspelt_field_is_an_error_not_a_blank() -> None:
    message = refused("Kính gửi {{ nguoi_nhan }}", context={"nguoi_nhn": "x"})
    assert "'nguoi_nhan' is undefined" in message and "spelling" in message


def test_syntax_and_runtime_errors_name_the_line() -> None:
    assert "line 2" in refused("a\n{{ foo(\n")
    message = refused("a\nb\n{{ 1 / 0 }}")
    assert "line 3" in message and "ZeroDivisionError" in message


# ---------------------------------------------------------------------------------------------
# docxtpl
# ---------------------------------------------------------------------------------------------


def docx_template(*paragraphs: str) -> DocxTemplate:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return DocxTemplate(buffer)


def docx_text(template: DocxTemplate) -> list[str]:
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    return [p.text for p in Document(buffer).paragraphs]


def test_render_docx_escapes_data_into_word_xml() -> None:
    template = docx_template("Kính gửi: {{ name }}", "{% for u in units %}{{ u }}; {% endfor %}")
    name = "Ánh <b>&amp;</b> \"quoted\" 'x' {{ 7*7 }} {_{ }_} {_% %_} {%_}"
    render_docx(template, {"name": name, "units": ["A & B", "C<D"]}, what="bien-ban.docx")
    assert docx_text(template) == [f"Kính gửi: {name}", "A & B; C<D; "]


@pytest.mark.parametrize(
    ("paragraph", "needle"),
    [
        ("{{ ''.__class__ }}", "'__class__'"),
        ("{% include 'x.docx' %}", "{% include %}"),
        ("{% for i in range(10**6) %}{% endfor %}", "range()"),
        ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", "work"),
        ("{{ missing_field }}", "missing_field"),
        ("{{ units|map(attribute='hear')|list }}", "'hear'"),
    ],
)
def test_render_docx_stops_hostile_templates_with_the_paragraph_text(
    paragraph: str, needle: str
) -> None:
    template = docx_template("Tiêu đề", f"Đoạn hai {paragraph}")
    with pytest.raises(DocgenError) as info:
        render_docx(template, {"units": [{"name": "A"}]}, what="templates/bien-ban.docx")
    message = str(info.value)
    assert message.startswith("templates/bien-ban.docx")
    assert needle in message
    assert "near:" in message and "Đoạn hai" in message
    assert "<w:" not in message


def test_render_docx_reports_xml_broken_by_safe() -> None:
    template = docx_template("{{ x|safe }}")
    with pytest.raises(DocgenError, match="not valid Word XML"):
        render_docx(template, {"x": "</w:t>"}, what="t.docx")


def test_docxtpl_given_the_environment_directly_gets_the_same_limits() -> None:
    template = docx_template(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(Exception, match="repeats too much work"):
        template.render({}, jinja_env=make_environment(limits=SMALL))


@pytest.mark.parametrize(
    "source",
    [
        # each value within max_value, but a loop keeps them all: gigabytes without a total
        "{% set ns = namespace(l=[]) %}{% for i in range(1000) %}"
        "{% set ns.l = ns.l + [('x' * 4000000) ~ i] %}{% endfor %}{{ ns.l|length }}",
        "{% set ns = namespace(l=[]) %}{% for i in range(1000) %}"
        "{% set ns.l = ns.l + [range(4000000)|list] %}{% endfor %}{{ ns.l|length }}",
        "{% set ns = namespace(s='') %}{% for i in range(5000) %}"
        "{% set ns.s = ns.s ~ ('y' ~ i)|center(9000) %}{% endfor %}{{ ns.s|length }}",
    ],
)
def test_what_a_render_makes_in_all_is_bounded(source: str) -> None:
    limits = Limits(max_range=10**7)
    message = refused(source, limits=limits)
    assert "MB of texts and lists in all" in message


def test_a_long_list_built_in_a_loop_stays_within_what_a_render_may_make() -> None:
    # 3,000 rows of 60 characters kept in a namespace: a big award list, well within the bound.
    source = (
        "{% set ns = namespace(s='') %}{% for i in range(3000) %}"
        "{% set ns.s = ns.s ~ ('Nguyễn Văn ' ~ i)|center(60) %}{% endfor %}{{ ns.s|length }}"
    )
    assert render_text(source, {}, what="t") == "180000"
