"""``docgen serve``: the browser workspace over a folder of meeting files."""

from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path

import click

from docgen.errors import DocgenError
from docgen.explain import os_reason
from docgen.i18n import _

LOOPBACK = ("127.0.0.1", "localhost")


def read_password(path: Path) -> str:
    """The first line of the password file; at least 8 characters."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DocgenError(
            _("--password-file {file}: the file cannot be read ({reason}).").format(
                file=path, reason=os_reason(exc)
            )
        ) from None
    lines = text.strip().splitlines()
    password = lines[0].strip() if lines else ""
    if len(password) < 8:
        raise DocgenError(
            _(
                "--password-file {file}: the password is shorter than 8 characters; write a "
                "longer one on the file's first line."
            ).format(file=path)
        )
    return password


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@click.command(
    help=_(
        "Edit, check and build the meetings of FOLDER (default: here) in the browser.\n"
        "\n"
        "Listens on 127.0.0.1 only, unless --host and --password-file are both given."
    )
)
@click.argument(
    "folder",
    required=False,
    default=".",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help=_("Port to listen on (0: any free port)."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=_("Address to listen on; anything but this computer needs --password-file."),
)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("A file whose first line is the password every page then asks for."),
)
@click.option("--no-browser", is_flag=True, help=_("Do not open the browser."))
def serve(folder: Path, port: int, host: str, password_file: Path | None, no_browser: bool) -> None:
    password = read_password(password_file) if password_file is not None else None
    if host not in LOOPBACK and password is None:
        raise DocgenError(
            _(
                "--host {host}: other computers could then open the workspace and change the "
                "meeting files. Give --password-file FILE (a file holding the password) as well, "
                "or leave out --host to listen on this computer only (127.0.0.1)."
            ).format(host=host)
        )
    from werkzeug.serving import make_server

    from docgen.web import create_app

    app = create_app(folder, host=host, password=password)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        raise DocgenError(
            _("Cannot listen on {host}:{port} ({reason}); choose another --port.").format(
                host=host, port=port, reason=os_reason(exc)
            )
        ) from None
    url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{server.server_port}/"
    click.echo(_("The workspace is open at {url} (Ctrl+C stops it).").format(url=url), err=True)
    if not no_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
