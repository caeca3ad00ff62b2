"""Writing generated files so that nothing is lost.

A build writes all its files or none. Files are staged in memory (:class:`OutputSet`) while the
documents are made; only when the whole build has succeeded does :func:`transaction` commit
them, in two phases:

1. every file is written to a temporary file beside its target (``.NAME.XXXXXXXX.tmp``) and
   flushed to disk. A failure here (disk full, permission) removes the temporaries and leaves
   the folder exactly as it was;
2. each temporary is renamed over its target with :func:`os.replace`, which is atomic: a
   reader, or a build killed with ``kill -9`` at any instant, sees either the whole old file or
   the whole new one, never a mixture.

A manifest (``.docgen-manifest.json``) records the SHA-256 of every file docgen wrote. A file
whose hash differs from the recorded one was edited by hand (a clerk retouching the minutes):
the build refuses to replace it, naming the file and saying how to proceed, unless forced, in
which case the edited copy is first kept as ``NAME.edited-YYYYMMDD-HHMMSS.ext``. The manifest
also names the meeting the folder belongs to, so a second meeting saved under the same file
name does not silently replace the first one's documents.

Keeping the manifest true through a crash is the subtle part: if the files were renamed first
and the manifest written last, a build killed in between would leave new files whose hashes
the manifest has never seen, and the next build would wrongly refuse them as hand-edited.
So before the first temporary is made the manifest is rewritten with a ``pending`` table
holding the new hashes (a journal: while it is there, either hash is docgen's own) and a
``temps`` list naming the temporaries about to be made. The next build settles a leftover
journal against the files on disk and deletes exactly the recorded temporaries — never a file
that merely looks like one, and never by walking the folder. If the final manifest write
fails (a full disk), every file is already in place and the journal still vouches for it: a
warning, not a failure.

docgen never writes through a link: files are created with ``O_CREAT | O_EXCL | O_NOFOLLOW``
(so a link planted at a temporary's name fails), targets and every sub-folder below the output
folder are checked with ``lstat`` and refused if they are links, and the lock file is opened
with ``O_NOFOLLOW`` and refused if it has a second hard link. Files get mode 0666 less the
umask, like any other program's (``mkstemp``'s 0600 would hide them from colleagues on a shared
folder). A filesystem root or the home folder itself is refused as the output folder.

Two builds into one folder at once are serialised by an exclusive lock on
``.docgen.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows), held for the whole commit so
that the read-check-write of the manifest is never interleaved. The lock is released by the
kernel when a process dies, so a killed build never leaves the folder locked.

One job per module: :mod:`.names` (file names valid everywhere), :mod:`.folders` (where outputs
go), :mod:`.files` (writing one file safely), :mod:`.lock`, :mod:`.manifest` (and the journal),
:mod:`.commit` (staging a build's files and committing them all or none).
"""

from docgen.outputs.commit import OutputSet, transaction
from docgen.outputs.files import LinkError, atomic_write
from docgen.outputs.folders import (
    check_output_folder,
    default_folder,
    default_output_folder,
    folder_owner,
)
from docgen.outputs.lock import DEFAULT_LOCK_TIMEOUT, LOCK, folder_lock
from docgen.outputs.manifest import (
    MANIFEST,
    MANIFEST_VERSION,
    Manifest,
    clean_stale_temps,
    is_temp_name,
    sha256,
)
from docgen.outputs.names import (
    MAX_NAME_BYTES,
    WINDOWS_RESERVED,
    check_output_name,
    safe_filename,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "LOCK",
    "MANIFEST",
    "MANIFEST_VERSION",
    "MAX_NAME_BYTES",
    "WINDOWS_RESERVED",
    "LinkError",
    "Manifest",
    "OutputSet",
    "atomic_write",
    "check_output_folder",
    "check_output_name",
    "clean_stale_temps",
    "default_folder",
    "default_output_folder",
    "folder_lock",
    "folder_owner",
    "is_temp_name",
    "safe_filename",
    "sha256",
    "transaction",
]
