"""The register of outgoing documents (sổ đăng ký văn bản đi): list, take a number, void one.

All of it is :class:`docgen.register.Register` on the working folder's register file, the one
``docgen build --number auto`` draws from when run in that folder.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, redirect, render_template, request, url_for

from docgen.documents import TYPE_CODES
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.register import Register
from docgen.templates_dir import PROFILES
from docgen.vietnamese import number_reference
from docgen.web.labels import profile_names

bp = Blueprint("register_page", __name__)


def _ws():  # noqa: ANN202
    from docgen.web import workspace

    return workspace()


def _date(text: str) -> dt.date:
    text = text.strip()
    if not text:
        return dt.date.today()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if m:
            day, month, year = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DocgenError(
            _("{value!r} is not a date; write 2022-12-12 or 12/12/2022.").format(value=text)
        ) from None


def _page(status: int = 200, **extra):  # noqa: ANN003, ANN202
    path = _ws().register_path
    entries = []
    if path.exists():
        with Register(path) as book:
            entries = book.list()
    return (
        render_template(
            "register.html",
            entries=entries,
            path=path,
            type_codes=sorted(set(TYPE_CODES.values())),
            profiles=PROFILES,
            profile_names=profile_names(),
            form=request.form if request.method == "POST" else {},
            **extra,
        ),
        status,
    )


@bp.get("/register")
def index():  # noqa: ANN201
    return _page()


@bp.post("/register/take")
def take():  # noqa: ANN201
    form = request.form
    profile = form.get("profile", "")
    try:
        if profile not in PROFILES:
            raise DocgenError(_("Choose the format of the issuing body."))
        type_code = form.get("type_code", "").strip() or None
        date = _date(form.get("date", ""))
        with Register(_ws().register_path) as book:
            number = book.assign(
                form.get("issuer", ""),
                type_code,
                profile,  # type: ignore[arg-type]
                date,
                term=form.get("term", "").strip() or None,
                document=form.get("document", "").strip() or None,
                summary=form.get("summary", "").strip() or None,
            )
    except DocgenError as exc:
        return _page(422, problem=str(exc))
    taken = number_reference(number, type_code, form.get("issuer", "").strip(), profile)  # type: ignore[arg-type]
    return _page(taken=taken)


@bp.post("/register/void")
def void():  # noqa: ANN201
    form = request.form
    path = _ws().register_path
    if not path.exists():
        return redirect(url_for("register_page.index"), code=303)
    try:
        with Register(path) as book:
            wanted = form.get("id", "")
            entry = next((e for e in book.list() if str(e.id) == wanted), None)
            if entry is None:
                raise DocgenError(_("This number is not in the register."))
            reason = form.get("reason", "").strip()
            if not reason:
                raise DocgenError(
                    _("Say why the number is voided; the reason stays in the register.")
                )
            voided = book.void(
                entry.issuer,
                entry.type_code or None,
                entry.profile,
                entry.number,
                period=entry.period,
                reason=reason,
            )
    except DocgenError as exc:
        return _page(422, problem=str(exc))
    return _page(voided=voided.reference)
