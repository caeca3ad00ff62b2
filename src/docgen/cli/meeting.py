"""``docgen validate`` and ``docgen new``: checking a meeting file and starting one."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.context import TYPE_CODES
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.loader import load_meeting, skeleton_text
from docgen.model import MeetingRecord
from docgen.vietnamese import document_number, format_counts, format_date

PROFILE_NAMES = {
    "state": "state format (Nghị định 30/2020/NĐ-CP)",
    "party": "Party format (Hướng dẫn 36-HD/VPTW)",
}


def summary(record: MeetingRecord) -> str:
    """What the file says, in the order a clerk checks it against the invitation."""
    m = record.meeting
    when = format_date(m.date)
    if m.session:
        when = f"{m.session} {when}"
    if m.start:
        when += f", {m.start:%H:%M}" + (f"–{m.end:%H:%M}" if m.end else "")
    lines = [m.name, f"  Date:      {when}", f"  Venue:     {m.venue}", "  Issuers:"]
    for key, body in record.bodies.items():
        lines.append(f"    {key}: {body.name} [{body.code}] — {PROFILE_NAMES[body.profile]}")
    names = [record.person(k).name for k in record.roles.chairs]
    lines.append(f"  Chair:     {', '.join(names)}")
    if record.roles.co_chairs:
        co = [record.person(k).name for k in record.roles.co_chairs]
        lines.append(f"  Co-chair:  {', '.join(co)}")
    if record.roles.secretary:
        lines.append(f"  Secretary: {record.person(record.roles.secretary).name}")
    lines.append(
        f"  People:    {len(record.people)} named; "
        f"{len(record.roles.attendee_groups)} attendee group(s)"
    )
    lines.append(
        f"  Content:   {len(record.reports)} report(s), {len(record.discussion)} discussion "
        f"topic(s), {len(record.conclusion.directives)} directive(s) in the conclusion"
    )
    lines.append(f"  Awards:    {len(record.awards)} group(s)")
    for group in record.awards:
        counts = format_counts(len(group.collectives), len(group.individuals))
        d = group.decision
        issuer = record.body(d.issuer)
        number = document_number(d.number, TYPE_CODES["decision"], issuer.code, issuer.profile)
        dated = f" {format_date(d.date)}" if d.date else ""
        lines.append(f"    {group.form} của {group.authority}: {counts}")
        lines.append(f"      {number}{dated}")
    return "\n".join(lines)


@click.command()
@click.argument("meeting", type=click.Path(dir_okay=False, path_type=Path))
def validate(meeting: Path) -> None:
    """Check MEETING.yaml and print what it holds.

    Every problem is reported with its line and field; the exit status is 2 when there is any.
    """
    notes: list[str] = []
    record = load_meeting(meeting, notes)
    click.echo(summary(record))
    for note in notes:
        click.echo(_("note: {message}").format(message=note), err=True)
    click.echo(f"\n{meeting}: valid.")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def new(path: Path, force: bool) -> None:
    """Write a commented skeleton meeting file to PATH, ready to fill in.

    The skeleton validates as it is, so a clerk can change one field at a time and run
    `docgen validate` after each.
    """
    if path.exists() and not force:
        raise DocgenError(
            f"{path} already exists; docgen will not overwrite it. Choose another name, "
            "or add --force to replace it."
        )
    from docgen.outputs import atomic_write  # `new` only: validate writes nothing

    atomic_write(path, skeleton_text().encode("utf-8"))
    click.echo(f"Wrote {path}. Fill it in, then run: docgen validate {path}")
