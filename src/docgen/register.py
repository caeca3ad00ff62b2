"""The document-number register (sổ đăng ký văn bản đi): numbers given once, kept for good.

An office numbers its outgoing documents from a register. docgen keeps that register in one
SQLite file — ``./docgen-register.sqlite`` in the working folder by default, or the path in
``--register`` / ``$DOCGEN_REGISTER`` — because SQLite gives, with the standard library only,
the one thing a register must never get wrong: two clerks (two docgen processes) asking at the
same instant get two different numbers. Every number is drawn inside a ``BEGIN IMMEDIATE``
transaction, which takes the database's write lock *before* reading the last number, so the
read-increment-write cannot interleave; a process that finds the lock taken waits (the busy
timeout) rather than failing.

Series. A number belongs to a series: the issuing body's code, the document type code
(``QĐ``, ``TB``, ``BB``; empty for a state công văn), the format profile, and a period —

* ``state`` profile [ND30]: the calendar year of the document's date, so numbering restarts
  at 01 each 1 January;
* ``party`` profile [HD36]: the committee's term (``"2020-2025"``), given by the caller; with
  no term the series simply continues.

Voiding. A number once given is never given again: voiding marks the entry (with a reason)
and keeps it, listings show it, and the series counter never goes back.

Rebuilding. Drawing numbers for a *document* (an identity such as ``"2022-12-12 Hội nghị …/
minutes"``) is idempotent: asking again for a document that already holds an issued number in
that series returns the same number, so rebuilding a meeting does not burn numbers.

The journal mode is SQLite's default rollback journal, not WAL: WAL needs shared memory and
must not be used on a network share, which is where an office is likely to keep its register.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from docgen import documents as document_types
from docgen import formats
from docgen.errors import DocgenError
from docgen.i18n import _, language
from docgen.vietnamese import MAX_DOCUMENT_NUMBER, nfc, number_reference

if TYPE_CHECKING:
    from docgen.model import DocumentSettings, MeetingRecord

Profile = Literal["state", "party"]

DEFAULT_PATH = "docgen-register.sqlite"
ENV_VAR = "DOCGEN_REGISTER"
SCHEMA_VERSION = 1
#: SQLite's ``application_id`` of a docgen register ("DGRG"): set on creation, checked on
#: opening, so a database of another program given as ``--register`` is refused untouched.
APPLICATION_ID = 0x44475247
MAX_NUMBER = MAX_DOCUMENT_NUMBER
_TABLES = {"series", "entries"}
#: Seconds a process waits for another one holding the register's write lock.
DEFAULT_BUSY_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS series (
    profile   TEXT NOT NULL,
    issuer    TEXT NOT NULL,
    type_code TEXT NOT NULL,
    period    TEXT NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (profile, issuer, type_code, period)
);
CREATE TABLE IF NOT EXISTS entries (
    id          INTEGER PRIMARY KEY,
    profile     TEXT NOT NULL CHECK (profile IN ('state', 'party')),
    issuer      TEXT NOT NULL,
    type_code   TEXT NOT NULL,
    period      TEXT NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    date        TEXT NOT NULL,
    document    TEXT,
    file        TEXT,
    summary     TEXT,
    status      TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'void')),
    void_reason TEXT,
    voided_at   TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (profile, issuer, type_code, period, number)
);
CREATE INDEX IF NOT EXISTS entries_document ON entries (document);
"""


def register_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The register file: ``--register`` if given, else ``$DOCGEN_REGISTER``, else the default."""
    if option:
        return Path(option)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path(DEFAULT_PATH)


def _describe(series: tuple[str, str, str, str]) -> str:
    profile, issuer, type_code, period = series
    return f"{type_code or '-'}/{issuer} ({profile}, {period or '-'})"


def period_of(profile: Profile, date: dt.date, term: str | None = None) -> str:
    """The series period: the year (state), the term label (party), or '' (party, no term)."""
    if profile == "state":
        return f"{date.year:04d}"
    if profile == "party":
        return nfc(term.strip()) if term else ""
    raise DocgenError(
        _("unknown format profile {profile!r}; expected 'state' or 'party'.").format(
            profile=profile
        )
    )


@dataclass(frozen=True)
class Entry:
    """One line of the register."""

    id: int
    profile: Profile
    issuer: str
    type_code: str
    period: str
    number: int
    date: dt.date
    document: str | None
    file: str | None
    summary: str | None
    status: Literal["issued", "void"]
    void_reason: str | None
    voided_at: str | None
    created_at: str

    @property
    def reference(self) -> str:
        """``05/QĐ-UBND`` or ``15-TB/BCĐ35``, as written in running text."""
        return number_reference(self.number, self.type_code or None, self.issuer, self.profile)

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> Entry:
        data = dict(row)
        data["date"] = dt.date.fromisoformat(data["date"])
        return cls(**data)


def _code(value: str | None, what: str, *, allow_empty: bool = False) -> str:
    text = nfc((value or "").strip())
    if not text and not allow_empty:
        raise DocgenError(
            _("The {what} is empty; give the code printed in document numbers.").format(what=what)
        )
    if any(ch.isspace() or ch == "/" for ch in text):
        raise DocgenError(
            _("The {what} {code!r} must not hold spaces or '/'.").format(what=what, code=text)
        )
    return text


def _issuer(value: str | None) -> str:
    """An issuer code as printed: capitals (``UBND``, ``BCĐ35``); ``ubnd`` would be a new series."""
    code = _code(value, _("issuer code"))
    if code != code.upper():
        raise DocgenError(
            _(
                "The issuer code {code!r} has small letters; issuer codes are written in "
                "capitals, as printed in the number ({upper!r}). A different spelling would start "
                "a new series of numbers."
            ).format(code=code, upper=code.upper())
        )
    return code


def _type_code(value: str | None, profile: Profile) -> str:
    """A document type code of ``profile`` (``QĐ``, ``TB``…; empty: a state công văn)."""
    code = _code(value, _("type code"), allow_empty=profile == "state")
    if not code:
        return code
    known = formats.profile(profile).number.type_codes
    if code in known:
        return code
    alike = [k for k in known if k.casefold() == code.casefold()]
    hint = (
        _("Did you mean {code}?").format(code=alike[0])
        if alike
        else _("Known codes: {codes}.").format(codes=", ".join(sorted(known)))
    )
    raise DocgenError(
        _(
            "{code!r} is not a document type code of the {profile} profile; a code not in the "
            "list would start a new series of numbers. {hint}"
        ).format(code=code, profile=profile, hint=hint)
    )


def _number(value: object) -> int:
    """A document number from 1 to :data:`MAX_NUMBER`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NUMBER:
        raise DocgenError(
            _("A document number is a whole number from 1 to {max}, not {value!r}.").format(
                max=MAX_NUMBER, value=value
            )
        )
    return value


class Register:
    """One register file. Each method is one short transaction; the object may be reused.

    ``Register(path)`` creates the file (and its tables) on first use. Use it as a context
    manager, or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> None:
        self.path = register_path(path)
        self.busy_timeout = busy_timeout
        self._db: sqlite3.Connection | None = None

    # -- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        if not self.path.parent.exists():
            raise DocgenError(
                _(
                    "{path}: the folder {folder} does not exist; create it or give "
                    "another --register path."
                ).format(path=self.path, folder=self.path.parent)
            )
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            try:
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA synchronous = FULL")
                self._check_kind(db)
            except BaseException:
                db.close()
                raise
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        self._db = db
        return db

    def _check_kind(self, db: sqlite3.Connection) -> None:
        """Create the tables in a new file; refuse a database that is not a docgen register."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app = db.execute("PRAGMA application_id").fetchone()[0]
        if app not in (0, APPLICATION_ID):
            raise self._not_ours()
        if version > SCHEMA_VERSION:
            raise DocgenError(
                _(
                    "{path} was written by a newer docgen (register format {version}); update "
                    "docgen before using it."
                ).format(path=self.path, version=version)
            )
        if app == APPLICATION_ID and version == SCHEMA_VERSION:
            return
        # Two processes may create the file at once: the lock makes one of them wait.
        db.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the lock: another process may have made the file meanwhile.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            app = db.execute("PRAGMA application_id").fetchone()[0]
            if app == APPLICATION_ID and version == SCHEMA_VERSION:
                db.execute("COMMIT")
                return
            tables = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            }
            if tables and not (tables == _TABLES and version == SCHEMA_VERSION):
                raise self._not_ours(sorted(tables - _TABLES))
            # A new file, or a register from before the application id: make it (or mark it).
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _not_ours(self, tables: list[str] | None = None) -> DocgenError:
        found = (
            " " + _("(it holds the tables {tables})").format(tables=", ".join(tables))
            if tables
            else ""
        )
        return DocgenError(
            _(
                "{path} is a database of another program, not a docgen register{found}; it was "
                "left untouched. Give the register's file with --register, or a new file name "
                "to start one."
            ).format(path=self.path, found=found)
        )

    def _error(self, exc: sqlite3.Error) -> DocgenError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return DocgenError(
                _(
                    "{path}: the register is in use by another docgen and stayed locked for "
                    "{seconds:g} s. Try again in a moment."
                ).format(path=self.path, seconds=self.busy_timeout)
            )
        if "not a database" in text or "malformed" in text:
            return DocgenError(
                _(
                    "{path} is not a docgen register (or is damaged). Restore it from a backup, "
                    "or give another file with --register."
                ).format(path=self.path)
            )
        return DocgenError(
            _("{path}: the register cannot be used ({reason}).").format(
                path=self.path, reason=text if language() == "en" else type(exc).__name__
            )
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the lock from its first read (BEGIN IMMEDIATE)."""
        db = self._connect()
        # SQLite's own busy handler backs off up to 100 ms a try, so under contention one
        # process keeps winning and the others mostly sleep; short randomised retries here
        # take turns fairly and drain a queue of writers many times faster.
        deadline = time.monotonic() + self.busy_timeout
        db.execute("PRAGMA busy_timeout = 1")
        try:
            while True:
                try:
                    db.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() >= deadline:
                        raise self._error(exc) from None
                    time.sleep(random.uniform(0.0005, 0.005))
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        try:
            db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            db.execute("ROLLBACK")
            raise self._error(exc) from None

    # -- numbers ----------------------------------------------------------------------------

    @staticmethod
    def _series(
        issuer: str, type_code: str | None, profile: Profile, date: dt.date, term: str | None
    ) -> tuple[str, str, str, str]:
        if not isinstance(date, dt.date):
            raise TypeError(f"date must be a datetime.date, got {type(date).__name__}")
        return (
            profile,
            _issuer(issuer),
            _type_code(type_code, profile),
            period_of(profile, date, term),
        )

    def _check_free(
        self, db: sqlite3.Connection, series: tuple[str, str, str, str], number: int, last: int
    ) -> None:
        """Refuse to go on when the series' last number was lowered by hand below given ones."""
        row = db.execute(
            "SELECT max(number) FROM entries WHERE profile=? AND issuer=? AND type_code=? "
            "AND period=?",
            series,
        ).fetchone()
        highest = row[0] if row and row[0] is not None else 0
        if highest >= number:
            raise DocgenError(
                _(
                    "{path}: the series {series} says its last number is {last}, but number "
                    "{highest} is already given; the register file was changed outside docgen. "
                    "No number was given. Restore the register from a backup, or set the "
                    "series' last number back to {highest}."
                ).format(path=self.path, series=_describe(series), last=last, highest=highest)
            )

    @staticmethod
    def _last(db: sqlite3.Connection, series: tuple[str, str, str, str]) -> int:
        row = db.execute(
            "SELECT last FROM series WHERE profile=? AND issuer=? AND type_code=? AND period=?",
            series,
        ).fetchone()
        return int(row[0]) if row else 0

    def next(
        self,
        issuer: str,
        type_code: str | None,
        profile: Profile,
        date: dt.date,
        term: str | None = None,
    ) -> int:
        """The next number of the series, only looked at: :meth:`assign` takes it."""
        series = self._series(issuer, type_code, profile, date, term)
        try:
            db = self._connect()
            last = self._last(db, series)
            # What assign would say: a number it would refuse is not shown as the next one.
            self._check_free(db, series, last + 1, last)
            return last + 1
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def assign(
        self,
        issuer: str,
        type_code: str | None,
        profile: Profile,
        date: dt.date,
        *,
        term: str | None = None,
        document: str | None = None,
        file: str | None = None,
        summary: str | None = None,
        number: int | None = None,
    ) -> int:
        """Give the next number of the series (or ``number``) and record who got it.

        With ``document``, asking again for the same document in the same series returns the
        number it already holds (updating ``file``), so a rebuild does not take a new one.
        ``number`` records a number given by hand (adopting docgen mid-year): it must not be
        in the register yet, and the series then continues after it if it is higher.
        """
        return self.assign_many(
            [(issuer, type_code, profile, date, term, document, file, summary, number)]
        )[0]

    def assign_many(
        self,
        requests: Iterable[
            tuple[
                str,
                str | None,
                Profile,
                dt.date,
                str | None,
                str | None,
                str | None,
                str | None,
                int | None,
            ]
        ],
    ) -> list[int]:
        """:meth:`assign` for several documents in one transaction: all numbers or none."""
        prepared = [
            (self._series(issuer, type_code, profile, date, term), date, document, file, summary, n)
            for issuer, type_code, profile, date, term, document, file, summary, n in requests
        ]
        now = dt.datetime.now().isoformat(timespec="seconds")
        numbers: list[int] = []
        try:
            with self._write() as db:
                for series, date, document, file, summary, wanted in prepared:
                    numbers.append(
                        self._assign_one(db, series, date, document, file, summary, wanted, now)
                    )
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return numbers

    def _assign_one(
        self,
        db: sqlite3.Connection,
        series: tuple[str, str, str, str],
        date: dt.date,
        document: str | None,
        file: str | None,
        summary: str | None,
        wanted: int | None,
        now: str,
    ) -> int:
        if document and wanted is None:
            row = db.execute(
                "SELECT id, number FROM entries WHERE profile=? AND issuer=? AND type_code=? "
                "AND period=? AND document=? AND status='issued' ORDER BY number LIMIT 1",
                (*series, document),
            ).fetchone()
            if row is not None:
                if file:
                    db.execute("UPDATE entries SET file=? WHERE id=?", (file, row["id"]))
                return int(row["number"])
        last = self._last(db, series)
        if wanted is None:
            number = last + 1
            if number > MAX_NUMBER:
                raise DocgenError(
                    _(
                        "{path}: the series {series} has reached {max}, the highest number "
                        "docgen gives; check the register for a number typed by mistake."
                    ).format(path=self.path, series=_describe(series), max=MAX_NUMBER)
                )
            self._check_free(db, series, number, last)
        else:
            _number(wanted)
            taken = db.execute(
                "SELECT status FROM entries WHERE profile=? AND issuer=? AND type_code=? "
                "AND period=? AND number=?",
                (*series, wanted),
            ).fetchone()
            if taken is not None:
                ref = number_reference(wanted, series[2] or None, series[1], series[0])  # type: ignore[arg-type]
                message = (
                    _("number {reference} ({period}) was voided; a number is given once.")
                    if taken["status"] == "void"
                    else _(
                        "number {reference} ({period}) is already given; a number is given once."
                    )
                )
                raise DocgenError(message.format(reference=ref, period=series[3] or _("no term")))
            number = wanted
        db.execute(
            "INSERT INTO entries (profile, issuer, type_code, period, number, date, document, "
            "file, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*series, number, date.isoformat(), document, file, summary, now),
        )
        db.execute(
            "INSERT INTO series (profile, issuer, type_code, period, last) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (profile, issuer, type_code, period) DO UPDATE SET last=max(last, ?)",
            (*series, number, number),
        )
        return number

    # -- voiding and listing ----------------------------------------------------------------

    def find(
        self,
        issuer: str,
        type_code: str | None,
        profile: Profile,
        number: int,
        period: str | None = None,
    ) -> list[Entry]:
        """Entries with this number in any period of the series (or in ``period``)."""
        sql = "SELECT * FROM entries WHERE profile=? AND issuer=? AND type_code=? AND number=?"
        args: list[object] = [
            profile,
            _issuer(issuer),
            _type_code(type_code, profile) if type_code else "",
            _number(number),
        ]
        if period is not None:
            sql += " AND period=?"
            args.append(period)
        try:
            rows = self._connect().execute(sql + " ORDER BY period", args).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return [Entry._from_row(row) for row in rows]

    def void(
        self,
        issuer: str,
        type_code: str | None,
        profile: Profile,
        number: int,
        *,
        period: str | None = None,
        reason: str,
    ) -> Entry:
        """Mark a given number void. It stays in the register and is never given again."""
        reason = nfc((reason or "").strip())
        if not reason:
            raise DocgenError(_("say why the number is voided (--reason); the register keeps it."))
        matches = self.find(issuer, type_code, profile, number, period)
        ref = number_reference(number, type_code or None, issuer, profile)
        if not matches:
            message = (
                _("{reference} in {period} is not in the register {path}.")
                if period
                else _("{reference} is not in the register {path}.")
            )
            raise DocgenError(message.format(reference=ref, period=period, path=self.path))
        if len(matches) > 1:
            periods = ", ".join(e.period or _("(no term)") for e in matches)
            raise DocgenError(
                _(
                    "{reference} was given in several periods ({periods}); say which with --year "
                    "or --term."
                ).format(reference=ref, periods=periods)
            )
        entry = matches[0]
        if entry.status == "void":
            raise DocgenError(
                _("{reference} ({period}) is already void: {reason}").format(
                    reference=ref, period=entry.period, reason=entry.void_reason
                )
            )
        now = dt.datetime.now().isoformat(timespec="seconds")
        try:
            with self._write() as db:
                db.execute(
                    "UPDATE entries SET status='void', void_reason=?, voided_at=? WHERE id=?",
                    (reason, now, entry.id),
                )
                row = db.execute("SELECT * FROM entries WHERE id=?", (entry.id,)).fetchone()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return Entry._from_row(row)

    def list(
        self,
        *,
        issuer: str | None = None,
        type_code: str | None = None,
        profile: Profile | None = None,
        period: str | None = None,
        document: str | None = None,
    ) -> list[Entry]:
        """Register lines, voided ones included, in series and number order."""
        if issuer is not None:
            issuer = _issuer(issuer)
        if type_code:
            profiles: tuple[Profile, ...] = (profile,) if profile else ("state", "party")
            errors = []
            for name in profiles:
                try:
                    type_code = _type_code(type_code, name)
                    break
                except DocgenError as exc:
                    errors.append(exc)
            else:
                raise errors[0]
        sql = "SELECT * FROM entries WHERE 1=1"
        args: list[object] = []
        for column, value in (
            ("issuer", issuer),
            ("type_code", type_code),
            ("profile", profile),
            ("period", period),
            ("document", document),
        ):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(nfc(value))
        sql += " ORDER BY profile, issuer, type_code, period, number"
        try:
            rows = self._connect().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return [Entry._from_row(row) for row in rows]


# ---------------------------------------------------------------------------------------------
# Numbering a meeting's documents (docgen build --number auto)
# ---------------------------------------------------------------------------------------------


def meeting_documents(record: MeetingRecord) -> dict[str, DocumentSettings]:
    """Every numbered document of a meeting, by key: ``minutes``, ``notice``, ``award:<key>``…

    The keys and type codes come from :mod:`docgen.documents`.
    """
    return {key: settings for key, (settings, _code) in document_types.numbered(record).items()}


def assign_numbers(
    record: MeetingRecord,
    register: Register,
    documents: Mapping[str, str | None] | Iterable[str] | None = None,
    *,
    terms: Mapping[str, str] | None = None,
    meeting_id: str | None = None,
) -> MeetingRecord:
    """Return a copy of ``record`` whose documents carry numbers drawn from ``register``.

    ``documents`` selects what to number, by the keys of :func:`meeting_documents`
    (``minutes``, ``notice``, ``award:<group key>``): a mapping from key to the output file
    name records which file got which number; ``None`` numbers every document. ``terms`` gives
    the term label of party bodies (body key → ``"2020-2025"``). Each document is identified in
    the register as ``"<meeting_id>/<key>"`` (by default the meeting's date and name), so a
    rebuild gets the same numbers back. All numbers are drawn in one transaction.

    A number written in the meeting file is replaced: ``--number auto`` means the register
    decides. The date of a document without one is the meeting's date.
    """
    available = document_types.numbered(record)
    if documents is None:
        wanted: dict[str, str | None] = dict.fromkeys(available)
    elif isinstance(documents, Mapping):
        wanted = dict(documents)
    else:
        wanted = dict.fromkeys(documents)
    unknown = [key for key in wanted if key not in available]
    if unknown:
        raise ValueError(f"unknown documents {unknown}; known: {sorted(available)}")
    terms = terms or {}
    meeting_id = meeting_id or f"{record.meeting.date.isoformat()} {record.meeting.name}"
    requests = []
    for key, file in wanted.items():
        settings, type_code = available[key]
        body = record.body(settings.issuer)
        date = settings.date or record.meeting.date
        requests.append(
            (
                body.code,
                type_code,
                body.profile,
                date,
                terms.get(settings.issuer),
                f"{meeting_id}/{key}",
                file,
                None,
                None,
            )
        )
    numbers = register.assign_many(requests)
    numbered = record.model_copy(deep=True)
    targets = meeting_documents(numbered)
    for key, number in zip(wanted, numbers, strict=True):
        targets[key].number = number
    return numbered
