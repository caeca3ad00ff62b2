"""The workspace's guards: who may talk to it, and which requests it believes.

The server edits files and takes document numbers, so any web page the clerk has open in the
same browser must not be able to drive it:

* it listens on 127.0.0.1 unless a password file is given, and then every page asks for the
  password (compared in constant time);
* the Host header must name the server itself (Flask's ``TRUSTED_HOSTS``), which defeats DNS
  rebinding — a hostile site whose name resolves to 127.0.0.1 still sends its own name;
* every form that changes something carries a CSRF token (Flask-WTF's ``CSRFProtect``);
* request bodies are bounded (``MAX_CONTENT_LENGTH``; uploads are then read by docgen's own
  safe readers).
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import socket

from flask import Flask, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import SecurityError

from docgen.i18n import _

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # a template or an award list; far above real ones

csrf = CSRFProtect()


def _own_names(host: str) -> set[str]:
    """The names a browser may rightly use for this server: loopback, and the address it listens on.

    Listening on every address (0.0.0.0, with a password) adds this computer's own name and
    addresses, which colleagues type; any other name is a rebinding attempt.
    """
    names = {*LOOPBACK, host}
    if host in ("0.0.0.0", "::"):
        hostname = socket.gethostname()
        names |= {hostname, socket.getfqdn()}
        with contextlib.suppress(OSError):
            names |= set(socket.gethostbyname_ex(hostname)[2])
    return names


def install(app: Flask, *, host: str, password: str | None) -> None:
    app.config["TRUSTED_HOSTS"] = sorted(_own_names(host))
    # Cookies do not tell ports apart: a second workspace on this computer must not read (and
    # spoil) this one's session.
    app.config["SESSION_COOKIE_NAME"] = f"docgen-{secrets.token_hex(4)}"
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a form may stay open all day
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["PASSWORD"] = password

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError):  # noqa: ANN202
        message = _(
            "This form has expired or did not come from the workspace, so nothing was changed. "
            "Open the page again and repeat."
        )
        return render_template("error.html", message=message), 400

    @app.before_request
    def need_password():  # noqa: ANN202
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception  # a foreign Host header: refused before anything
        if app.config["PASSWORD"] is None or request.endpoint in ("login", "static"):
            return None
        if session.get("signed_in"):
            return None
        return redirect(url_for("login", next=request.full_path))

    # After the hooks above: a foreign Host is refused before the CSRF check looks at it.
    csrf.init_app(app)

    @app.route("/login", methods=["GET", "POST"])
    def login():  # noqa: ANN202
        error = None
        if request.method == "POST":
            given = request.form.get("password", "")
            if hmac.compare_digest(given.encode(), (app.config["PASSWORD"] or "").encode()):
                session.clear()
                session["signed_in"] = True
                target = request.args.get("next", "")
                # Only a path of this server: never an address elsewhere ("//evil", "http:…").
                if not target.startswith("/") or target.startswith("//"):
                    target = url_for("meetings.index")
                return redirect(target)
            error = _("The password is not right. Try again.")
        return render_template("login.html", error=error), 401 if error else 200
