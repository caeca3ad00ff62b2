"""``docgen validate`` and ``docgen new``: checking a meeting file and starting one."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.options import echo_notes
from docgen.documents import TYPE_CODES
from docgen.errors import DocgenError
from docgen.i18n import N_, _, ngettext
from docgen.loader import load_meeting, skeleton_text
from docgen.model import DocumentSettings, MeetingRecord
from docgen.vietnamese import document_number, format_counts, format_date

PROFILE_NAMES = {
    "state": N_("state format (Nghị định 30/2020/NĐ-CP)"),
    "party": N_("Party format (Hướng dẫn 36-HD/VPTW)"),
}


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    """Labelled lines with the values lined up, whatever the labels' length in the language."""
    width = max(len(label) for label, _value in rows) + 2
    return [
        f"  {label + ':':<{width}}{value}".rstrip() if label else f"  {value}"
        for label, value in rows
    ]


def summary(record: MeetingRecord) -> str:
    """What the file says, in the order a clerk checks it against the invitation."""
    m = record.meeting
    when = format_date(m.date)
    if m.session:
        when = f"{m.session} {when}"
    if m.start:
        when += f", {m.start:%H:%M}" + (f"–{m.end:%H:%M}" if m.end else "")
    rows = [(_("Date and time"), when), (_("Venue"), m.venue), (_("Issuers"), "")]
    for key, body in record.bodies.items():
        rows.append(("", f"  {key}: {body.name} [{body.code}] — {_(PROFILE_NAMES[body.profile])}"))
    rows.append((_("Chair"), ", ".join(record.person(k).name for k in record.roles.chairs)))
    if record.roles.co_chairs:
        rows.append(
            (_("Co-chair"), ", ".join(record.person(k).name for k in record.roles.co_chairs))
        )
    if record.roles.secretary:
        rows.append((_("Secretary"), record.person(record.roles.secretary).name))
    people = len(record.people)
    groups = len(record.roles.attendee_groups)
    rows.append(
        (
            _("People"),
            ngettext("{count} named", "{count} named", people).format(count=people)
            + "; "
            + ngettext("{count} attendee group", "{count} attendee groups", groups).format(
                count=groups
            ),
        )
    )
    reports, topics = len(record.reports), len(record.discussion)
    directives = len(record.conclusion.directives)
    rows.append(
        (
            _("Content"),
            ", ".join(
                [
                    ngettext("{count} report", "{count} reports", reports).format(count=reports),
                    ngettext(
                        "{count} discussion topic", "{count} discussion topics", topics
                    ).format(count=topics),
                    ngettext(
                        "{count} directive in the conclusion",
                        "{count} directives in the conclusion",
                        directives,
                    ).format(count=directives),
                ]
            ),
        )
    )
    rows.append(
        (
            _("Awards"),
            ngettext("{count} group", "{count} groups", len(record.awards)).format(
                count=len(record.awards)
            ),
        )
    )
    for group in record.awards:
        counts = format_counts(len(group.collectives), len(group.individuals))
        d = group.decision
        issuer = record.body(d.issuer)
        number = document_number(d.number, TYPE_CODES["decision"], issuer.code, issuer.profile)
        dated = f" {format_date(d.date)}" if d.date else ""
        # As the documents write it, in every language of the interface.
        rows.append(("", f"  {group.form} của {group.authority}: {counts}"))
        rows.append(("", f"    {number}{dated}"))
    rows += _around_rows(record)
    return "\n".join([m.name, *_rows(rows)])


def _numbered_line(record: MeetingRecord, settings: DocumentSettings, type_code: str) -> str:
    issuer = record.body(settings.issuer)
    number = document_number(settings.number, type_code, issuer.code, issuer.profile)
    return number + (f" {format_date(settings.date)}" if settings.date else "")


def _around_rows(record: MeetingRecord) -> list[tuple[str, str]]:
    """The invitation, the programme, the tờ trình and the news report the file provides for."""
    rows = []
    for group in record.awards:
        if group.proposal is not None:
            proposer = record.body(group.proposal.issuer).name
            line = _numbered_line(record, group.proposal, TYPE_CODES["proposal"])
            text = _("{key}: {line} of {proposer}")
            rows.append((_("Proposal"), text.format(key=group.key, line=line, proposer=proposer)))
    invitation = record.documents.invitation
    if invitation is not None:
        line = _numbered_line(record, invitation, TYPE_CODES["invitation"])
        n = len(record.invitees)
        if invitation.mode == "list":
            how = ngettext(
                "one invitation, {count} invitee on the attached list",
                "one invitation, {count} invitees on the attached list",
                n,
            )
        else:
            how = ngettext(
                "one invitation per invitee: {count}", "one invitation per invitee: {count}", n
            )
        rows.append((_("Invitation"), f"{line}; {how.format(count=n)}"))
    if record.agenda:
        first, last = record.agenda[0], record.agenda[-1]
        end = last.end or record.meeting.end or last.time
        text = ngettext(
            "{count} item, {start}–{end}", "{count} items, {start}–{end}", len(record.agenda)
        )
        rows.append(
            (
                _("Programme"),
                text.format(
                    count=len(record.agenda), start=f"{first.time:%H:%M}", end=f"{end:%H:%M}"
                ),
            )
        )
    news = record.documents.news
    author = news.author if news is not None and news.author else None
    if author:
        rows.append((_("News"), _("a draft report, by {author}").format(author=author)))
    else:
        rows.append((_("News"), _("a draft report")))
    return rows


@click.command(
    help=_(
        "Check MEETING.yaml and print what it holds.\n"
        "\n"
        "Every problem is reported with its line and field; the exit status is 2 when there is "
        "any."
    )
)
@click.argument("meeting", type=click.Path(dir_okay=False, path_type=Path))
def validate(meeting: Path) -> None:
    """Check MEETING.yaml and print what it holds.

    Every problem is reported with its line and field; the exit status is 2 when there is any.
    """
    notes: list[str] = []
    record = load_meeting(meeting, notes)
    click.echo(summary(record))
    echo_notes(notes)
    click.echo("\n" + _("{file}: valid.").format(file=meeting))


@click.command(
    help=_(
        "Write a commented skeleton meeting file to PATH, ready to fill in.\n"
        "\n"
        "The skeleton validates as it is, so a clerk can change one field at a time and run "
        "`docgen validate` after each."
    )
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help=_("Replace PATH if it exists."))
def new(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise DocgenError(
            _(
                "{path} already exists; docgen will not overwrite it. Choose another name, "
                "or add --force to replace it."
            ).format(path=path)
        )
    from docgen.outputs import atomic_write  # `new` only: validate writes nothing

    atomic_write(path, skeleton_text().encode("utf-8"))
    click.echo(_("Wrote {path}. Fill it in, then run: docgen validate {path}").format(path=path))
