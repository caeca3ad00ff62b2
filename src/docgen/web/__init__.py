"""``docgen serve``: the meeting files of one folder, edited and built in the browser.

A clerk who knows Word, Excel and a browser fills in a form instead of a YAML file. The pages
are server-rendered HTML (Flask, Jinja with autoescape) in the clerk's language, with htmx —
shipped inside the package, nothing is fetched from the internet — so that adding a row or
saving does not reload the whole page. Everything the pages do is done by the modules the
command line uses: :mod:`docgen.loader` validates, :mod:`docgen.build` builds,
:mod:`docgen.spreadsheet` reads award lists, :mod:`docgen.templatecheck` checks templates and
:mod:`docgen.register` numbers documents. Nothing outside this package (and ``cli/serve.py``)
imports it.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from werkzeug.exceptions import SecurityError

from docgen.i18n import _, language, ngettext
from docgen.web import security
from docgen.web.workspace import NotHere, Workspace


def create_app(
    folder: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    password: str | None = None,
) -> Flask:
    """The workspace application over ``folder``."""
    app = Flask(__name__)
    app.secret_key = os.urandom(32)  # sessions last as long as the server runs
    app.extensions["docgen_workspace"] = Workspace(Path(folder))
    security.install(app, host=host, password=password)

    app.jinja_env.globals.update(_=_, ngettext=ngettext, language=language)
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.autoescape = True

    from docgen.web import builds, meetings, register_page, templates_page

    app.register_blueprint(meetings.bp)
    app.register_blueprint(builds.bp)
    app.register_blueprint(templates_page.bp)
    app.register_blueprint(register_page.bp)

    @app.errorhandler(NotHere)
    def not_here(exc: NotHere):  # noqa: ANN202
        message = _("There is no file {name} in the working folder.").format(name=exc.args[0])
        return render_template("error.html", message=message), 404

    @app.errorhandler(404)
    def not_found(exc: Exception):  # noqa: ANN202
        return render_template("error.html", message=_("This page does not exist.")), 404

    @app.errorhandler(413)
    def too_large(exc: Exception):  # noqa: ANN202
        message = _(
            "The file sent is larger than {size} MB, so it was not accepted. Send a smaller file."
        ).format(size=security.MAX_UPLOAD_BYTES // 2**20)
        return render_template("error.html", message=message), 413

    @app.errorhandler(SecurityError)
    def foreign_host(exc: Exception):  # noqa: ANN202
        # No links on this page: they would be built from the foreign Host header.
        message = _(
            "The workspace refused this request: it was addressed to another name than the "
            "workspace's own. Open the workspace at the address docgen serve printed."
        )
        return render_template("error.html", message=message, bare=True), 400

    return app


def decimal(value: float, pattern: str = "0.0") -> str:
    """A number as the page's language writes it: "1,8" in Vietnamese, "1.8" in English."""
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=language())


def workspace() -> Workspace:
    from flask import current_app

    return current_app.extensions["docgen_workspace"]
