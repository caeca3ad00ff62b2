"""Which meeting a file is: the identity the register and the output folders go by.

A meeting is known by its file's resolved path — two meetings saved under the name
``cuoc-hop.yaml`` (the name ``docgen new`` suggests) in different folders are two meetings;
rebuilding the same file after any edit is the same meeting. The path needs no write into the
clerk's file (an id written into it would be copied along when last year's file is copied as
a start, and two meetings would share it) and survives every edit of the content.

The register adds the meeting's date (:func:`register_key`): a clerk who reuses one path for
next month's meeting then gets new numbers rather than last month's. Correcting the date of a
meeting also gives new numbers; the old ones stay issued and can be voided. Moving the file
gives new numbers too. Both err towards an unused number, never towards a number given twice.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from docgen.vietnamese import nfc


def meeting_key(path: str | os.PathLike[str]) -> str:
    """The meeting file's identity: its absolute, resolved path (NFC)."""
    return nfc(str(Path(path).expanduser().resolve()))


def register_key(path: str | os.PathLike[str], date: dt.date) -> str:
    """How the register names a meeting: ``/abs/path/cuoc-hop.yaml@2022-12-12``."""
    return f"{meeting_key(path)}@{date.isoformat()}"
