"""``docgen register list|next|assign|void``: the document-number register from the shell."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from docgen.errors import DocgenError
from docgen.i18n import _, ngettext
from docgen.register import ENV_VAR, MAX_NUMBER, Entry, Register, period_of, register_path
from docgen.vietnamese import document_number, format_date_short, nfc


class _DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            if m:
                day, month, year = (int(g) for g in m.groups())
                return dt.date(year, month, day)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(
                _("{text!r} is not a date; write 2022-12-12 or 12/12/2022").format(text=text),
                param,
                ctx,
            )


DATE = _DateType()
YEAR = click.IntRange(1, 9999)


def _register_option(func):
    return click.option(
        "--register",
        "register_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=_("Register file (default: ${env_var}, else ./docgen-register.sqlite).").format(
            env_var=ENV_VAR
        ),
    )(func)


def _series_options(func):
    func = click.option(
        "--term",
        default=None,
        help=_("Party profile: the committee's term, e.g. 2020-2025 (numbers run through it)."),
    )(func)
    func = click.option(
        "--date",
        type=DATE,
        default=None,
        help=_("The document's date (default today); in the state profile its year is the series."),
    )(func)
    func = click.option(
        "--profile",
        type=click.Choice(["state", "party"]),
        required=True,
        help=_("Format profile."),
    )(func)
    func = click.argument("type_code", metavar="TYPE")(func)
    func = click.argument("issuer", metavar="ISSUER")(func)
    return func


def _type(value: str) -> str | None:
    # "-" stands for no type code (a state công văn: Số: 12/UBND).
    return None if value in ("-", "") else nfc(value)


def _line(entry: Entry, widths: tuple[int, int, int, int] = (18, 10, 10, 8)) -> str:
    period = entry.period or "—"
    status = (
        _("VOID: {reason}").format(reason=entry.void_reason or "")
        if entry.status == "void"
        else _("issued")
    )
    what = " · ".join(x for x in (entry.document, entry.file) if x) or ""
    date = format_date_short(entry.date)
    number_w, period_w, date_w, status_w = widths
    return (
        f"{entry.reference:<{number_w}} {period:<{period_w}} {date:<{date_w}}  "
        f"{status:<{status_w}}  {what}"
    )


@click.group(
    name="register",
    help=_(
        "The register of outgoing documents (sổ đăng ký văn bản đi).\n"
        "\n"
        "Numbers run per issuing body and document type: from 01 each 1 January in the state "
        "profile, through the committee's term in the party profile. A number is given once, "
        "even when several docgen run at the same time; a voided number is kept and never "
        "given again."
    ),
)
def register() -> None:
    pass


@register.command(name="list", help=_("Print the register, voided numbers included."))
@click.option("--issuer", default=None, help=_("Only this issuer code."))
@click.option("--type", "type_code", default=None, help=_("Only this type code."))
@click.option("--year", type=YEAR, default=None, help=_("Only this year (state profile)."))
@click.option("--term", default=None, help=_("Only this term (party profile)."))
@_register_option
def list_command(
    issuer: str | None,
    type_code: str | None,
    year: int | None,
    term: str | None,
    register_file: Path | None,
) -> None:
    path = register_path(register_file)
    if not path.exists():
        raise DocgenError(
            _("{path}: no register here yet; 'docgen register assign' creates one.").format(
                path=path
            )
        )
    period = str(year) if year is not None else term
    with Register(path) as reg:
        code = None if type_code is None else (_type(type_code) or "")
        entries = reg.list(issuer=issuer, type_code=code, period=period)
    if not entries:
        click.echo(_("{path}: no numbers match.").format(path=path))
        return
    heads = (_("Number"), _("Period"), _("Date"), _("Status"))
    # The columns widen to the headings' length in the language they are written in.
    widths = tuple(
        max(least, len(head)) for least, head in zip((18, 10, 10, 8), heads, strict=True)
    )
    click.echo(
        "".join(
            f"{head:<{w}}{gap}"
            for head, w, gap in zip(heads, widths, (" ", " ", "  ", "  "), strict=True)
        )
        + _("Document · file")
    )
    for entry in entries:
        click.echo(_line(entry, widths))  # type: ignore[arg-type]
    void = sum(e.status == "void" for e in entries)
    click.echo(
        "\n"
        + ngettext(
            "{count} number, {void} void. Register: {path}",
            "{count} numbers, {void} void. Register: {path}",
            len(entries),
        ).format(count=len(entries), void=void, path=path)
    )


@register.command(
    name="next",
    help=_("Show the next number of ISSUER's TYPE series without taking it (TYPE '-' for none)."),
)
@_series_options
@_register_option
def next_command(
    issuer: str,
    type_code: str,
    profile: str,
    date: dt.date | None,
    term: str | None,
    register_file: Path | None,
) -> None:
    date = date or dt.date.today()
    with Register(register_file) as reg:
        number = reg.next(issuer, _type(type_code), profile, date, term=term)  # type: ignore[arg-type]
    period = period_of(profile, date, term) or _("no term")  # type: ignore[arg-type]
    reference = document_number(number, _type(type_code), issuer, profile)  # type: ignore[arg-type]
    click.echo(_("{reference}  ({period}; not taken)").format(reference=reference, period=period))


@register.command(
    name="assign",
    help=_("Take the next number of ISSUER's TYPE series and record what it is for."),
)
@_series_options
@click.option("--document", default=None, help=_("What the number is for (title or identity)."))
@click.option("--file", "file_name", default=None, help=_("The file that carries the number."))
@click.option("--summary", default=None, help=_("Trích yếu: what the document is about."))
@click.option(
    "--number",
    type=click.IntRange(min=1, max=MAX_NUMBER),
    default=None,
    help=_("Record this number (given by hand) instead of the next one."),
)
@_register_option
def assign_command(
    issuer: str,
    type_code: str,
    profile: str,
    date: dt.date | None,
    term: str | None,
    document: str | None,
    file_name: str | None,
    summary: str | None,
    number: int | None,
    register_file: Path | None,
) -> None:
    date = date or dt.date.today()
    with Register(register_file) as reg:
        given = reg.assign(
            issuer,
            _type(type_code),
            profile,  # type: ignore[arg-type]
            date,
            term=term,
            document=document,
            file=file_name,
            summary=summary,
            number=number,
        )
        path = reg.path
    reference = document_number(given, _type(type_code), issuer, profile)  # type: ignore[arg-type]
    click.echo(_("{reference}  recorded in {path}").format(reference=reference, path=path))


_STATE_REF = re.compile(r"^(\d+)/(?:([^/\s-]+)-)?([^/\s]+)$")
_PARTY_REF = re.compile(r"^(\d+)-([^/\s]+)/([^/\s]+)$")


def parse_reference(text: str) -> list[tuple[int, str | None, str, str]]:
    """Readings of a printed number, most likely first.

    ``05/QĐ-UBND`` → (5, 'QĐ', 'UBND', 'state'), then (5, None, 'QĐ-UBND', 'state'): a state
    công văn's issuer code may itself hold a hyphen (``12/UBND-VX``), so both are tried.
    ``15-TB/BCĐ35`` → (15, 'TB', 'BCĐ35', 'party').
    """
    text = nfc(text.strip())
    text = re.sub(r"^Số:?\s*", "", text)
    m = _PARTY_REF.match(text)
    if m:
        return [(int(m.group(1)), m.group(2), m.group(3), "party")]
    m = _STATE_REF.match(text)
    if m:
        number, code, issuer = int(m.group(1)), m.group(2), m.group(3)
        readings = [(number, code, issuer, "state")]
        if code:
            readings.append((number, None, f"{code}-{issuer}", "state"))
        return readings
    raise DocgenError(
        _(
            "{text!r} is not a document number; write it as printed: 05/QĐ-UBND (state), "
            "15-TB/BCĐ35 (party)."
        ).format(text=text)
    )


@register.command(
    name="void",
    help=_("Void REFERENCE (as printed, e.g. 05/QĐ-UBND or 15-TB/BCĐ35); it is never given again."),
)
@click.argument("reference")
@click.option("--reason", required=True, help=_("Why the number is voided (kept in the register)."))
@click.option("--year", type=YEAR, default=None, help=_("State profile: the year of the number."))
@click.option("--term", default=None, help=_("Party profile: the term of the number."))
@_register_option
def void_command(
    reference: str,
    reason: str,
    year: int | None,
    term: str | None,
    register_file: Path | None,
) -> None:
    readings = parse_reference(reference)
    period = str(year) if year is not None else term
    with Register(register_file) as reg:
        chosen, first_error = None, None
        for reading in readings:
            number, type_code, issuer, profile = reading
            try:
                found = reg.find(issuer, type_code, profile, number, period)  # type: ignore[arg-type]
            except DocgenError as exc:
                # "12/UBND-VX" also reads as type UBND of issuer VX: not a type code, so
                # that reading is not the one meant.
                first_error = first_error or exc
                continue
            chosen = chosen or reading
            if found:
                chosen = reading
                break
        if chosen is None:
            assert first_error is not None
            raise first_error
        number, type_code, issuer, profile = chosen
        entry = reg.void(issuer, type_code, profile, number, period=period, reason=reason)  # type: ignore[arg-type]
    click.echo(
        _("{reference} ({period}) is void: {reason}").format(
            reference=entry.reference, period=entry.period or _("no term"), reason=entry.void_reason
        )
    )
