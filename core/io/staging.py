"""All outputs of a run, or none: staged beside their destination, published together.

Every file a run writes goes first to a private staging folder next to its
final path (``<folder>/.refuge-<run id>/<name>``): the same file system, so
that publishing is a rename, never a copy. Only when the whole run has
succeeded and every output has been checked are the staged files moved into
place, in one short step; a failed or canceled run deletes its staging
folders, and the files that were at the output paths before stay exactly
as they were.

A run killed by the system (``kill -9``, a crash, a power cut) leaves its
staging folder behind. Each folder holds a lock file, locked by its run for
as long as it lives: the next run writing to the same folder finds the
folders whose lock is free (their run is gone) and recovers them. A folder
whose run had already decided to publish (its journal, written and synced
before the first rename, says so) is published to the end; any other is
deleted. So even a kill in the middle of publishing ends, at the next run,
with all of that run's outputs in place, never with half of them.

Two runs writing the same output at once each have their own staging
folder: they never share a temporary name, and the last one to publish wins
with a complete set of files.
"""

import errno
import json
import os
import shutil
import time
import uuid

from ..errors import OutputError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

PREFIX = ".refuge-"
_LOCK = ".lock"
_JOURNAL = ".publish"
_MAKING = ".making"  # suffix of a staging folder being made (see Staging._staging_folder)
_MAKING_TIMEOUT_S = 3600  # a folder still being made after an hour belongs to a killed run
# Files of one shapefile: publishing a new one removes the old one's files it does not replace.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qpj", ".sbn", ".sbx", ".qix", ".qmd", ".shp.xml")


def same_file(a, b):
    """True when paths ``a`` and ``b`` name the same file (through links too), existing or not."""
    if os.path.exists(a) and os.path.exists(b):
        try:
            return os.path.samefile(a, b)
        except OSError:
            pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def file_family(path):
    """``path`` and, for a shapefile, the paths of its other files (a .shp is never alone)."""
    base, extension = _split_shapefile(path)
    if extension is None:
        return [path]
    return [base + part for part in SHAPEFILE_PARTS]


def _split_shapefile(path):
    lowered = path.lower()
    for part in sorted(SHAPEFILE_PARTS, key=len, reverse=True):
        if lowered.endswith(part):
            return path[:len(path) - len(part)], part
    return path, None


def overlaps(output, inputs):
    """The first of ``inputs`` that writing ``output`` would change, or None.

    A shapefile is its family of files: writing ``roads.shp`` changes the
    input ``roads.dbf``, and writing ``roads.dbf`` changes ``roads.shp``.
    """
    for source in inputs:
        if not source:
            continue
        for written in file_family(output):
            if any(same_file(written, part) for part in file_family(source)):
                return source
    return None


def _lock(handle):
    """Lock ``handle`` for this process without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


class Staging:
    """The staging folders of one run: :meth:`stage` a path, then :meth:`publish` or :meth:`discard`.

    ``run_id`` defaults to a new random identifier; each folder the run
    writes to gets one staging folder ``.refuge-<run id>``.
    """

    def __init__(self, run_id=None):
        self.run_id = run_id or f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._folders = {}  # final folder -> (staging folder, open locked handle)
        self._created = []  # final folders this run created, removed again if it fails
        self.moves = []  # (staged path, final path) of every staged output

    def stage(self, final_path):
        """The staged path to write instead of ``final_path`` (whose folder is made if missing).

        Raises :class:`OutputError` when the folder cannot be written or
        ``final_path`` is a folder.
        """
        final_path = os.path.abspath(final_path)
        folder = os.path.dirname(final_path)
        if os.path.isdir(final_path):
            raise OutputError(final_path, "is_directory")
        staging = self._staging_folder(folder, final_path)
        staged = os.path.join(staging, os.path.basename(final_path))
        self.moves.append((staged, final_path))
        return staged

    def staged_folder(self, final_folder):
        """The staging folder of ``final_folder`` (None when nothing was staged there)."""
        entry = self._folders.get(os.path.abspath(final_folder))
        return entry[0] if entry else None

    def _staging_folder(self, folder, final_path):
        if folder in self._folders:
            return self._folders[folder][0]
        missing = []
        parent = folder
        while parent and not os.path.exists(parent):
            missing.append(parent)
            parent = os.path.dirname(parent)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise output_error(final_path, exc) from exc
        self._created.extend(missing)
        recover(folder)
        staging = os.path.join(folder, PREFIX + self.run_id)
        # Made under another name and renamed once locked: another run's recover() never sees a
        # staging folder whose lock is not held yet.
        making = staging + _MAKING
        try:
            os.mkdir(making)
            handle = open(os.path.join(making, _LOCK), "a+b")
            if not _lock(handle):
                raise OSError(errno.EAGAIN, "the staging folder's lock is held by another process")
            os.rename(making, staging)
        except OSError as exc:
            shutil.rmtree(making, ignore_errors=True)
            raise output_error(final_path, exc) from exc
        self._folders[folder] = (staging, handle)
        return staging

    def publish(self):
        """Move every staged file into place: all of them (see the module's note on kills)."""
        for staging, _ in self._folders.values():
            _write_journal(staging, _published_entries(staging))
        for folder, (staging, handle) in list(self._folders.items()):
            _move_entries(staging, folder)
            handle.close()
            shutil.rmtree(staging, ignore_errors=True)
        self._folders.clear()

    def discard(self):
        """Delete every staging folder, and the output folders this run created if left empty."""
        for staging, handle in self._folders.values():
            handle.close()
            shutil.rmtree(staging, ignore_errors=True)
        self._folders.clear()
        for folder in self._created:  # deepest first
            try:
                os.rmdir(folder)
            except OSError:
                pass
        self._created.clear()

    def final_path(self, text):
        """``text`` (a path or a URI holding one) with staged folders replaced by final ones."""
        return self.renamer()(text)

    def renamer(self):
        """A function doing what :meth:`final_path` does now, also after :meth:`discard`."""
        pairs = [(staging + os.sep, folder + os.sep) for folder, (staging, _) in self._folders.items()]

        def rename(text):
            for staged, final in pairs:
                text = text.replace(staged, final)
            return text

        return rename


def _published_entries(staging):
    return sorted(name for name in os.listdir(staging) if name not in (_LOCK, _JOURNAL)
                  and not name.startswith(PREFIX))


def _write_journal(staging, entries):
    """The decision to publish ``entries``, on disk before the first rename (see recover)."""
    for name in entries:
        _fsync(os.path.join(staging, name))
    temporary = os.path.join(staging, _JOURNAL + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"entries": entries}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, os.path.join(staging, _JOURNAL))
    _fsync(staging)


def _fsync(path):
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _move_entries(staging, folder):
    journal = os.path.join(staging, _JOURNAL)
    with open(journal, encoding="utf-8") as handle:
        entries = json.load(handle)["entries"]
    for name in entries:
        source = os.path.join(staging, name)
        if not os.path.exists(source):
            continue  # moved before an interruption
        target = os.path.join(folder, name)
        base, extension = _split_shapefile(target)
        if extension == ".shp":
            # The old shapefile's files that the new one does not replace (an old .cpg, an index).
            for part in SHAPEFILE_PARTS:
                if os.path.exists(base + part) and os.path.basename(base + part) not in entries:
                    os.unlink(base + part)
        if os.path.isdir(target) and not os.path.islink(target):
            raise OutputError(target, "is_directory")
        os.replace(source, target)


def recover(folder):
    """Finish or delete what runs killed while writing to ``folder`` left behind (see the module)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        staging = os.path.join(folder, name)
        if not name.startswith(PREFIX) or not os.path.isdir(staging):
            continue
        if name.endswith(_MAKING):
            try:
                stale = time.time() - os.path.getmtime(staging) > _MAKING_TIMEOUT_S
            except OSError:
                stale = False
            if stale:
                shutil.rmtree(staging, ignore_errors=True)
            continue
        lock_path = os.path.join(staging, _LOCK)
        try:
            handle = open(lock_path, "r+b")
        except FileNotFoundError:
            shutil.rmtree(staging, ignore_errors=True)  # a staging folder is renamed with its lock
            continue
        except OSError:
            continue
        try:
            if not _lock(handle):
                continue  # its run is alive
            if os.path.exists(os.path.join(staging, _JOURNAL)):
                try:
                    _move_entries(staging, folder)
                except (OSError, ValueError, OutputError):
                    pass
        finally:
            handle.close()
        shutil.rmtree(staging, ignore_errors=True)


_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL_BYTES = 1 << 20  # under 1 MiB free, a failed write is taken to be a full disk


def existing_parent(path):
    """``path`` or its nearest parent that exists (None when none does)."""
    folder = os.path.abspath(path)
    while not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def nearly_full(path):
    """True when the disk holding ``path`` (or its nearest existing parent) has under 1 MiB free."""
    folder = existing_parent(path)
    try:
        return folder is not None and shutil.disk_usage(folder).free < _FULL_BYTES
    except OSError:
        return False


def output_error(path, exc):
    """The :class:`OutputError` for an error met while writing ``path`` (OSError, sqlite, GDAL).

    A full disk is told apart from other failures by the error number, the
    words of SQLite and GDAL ("database or disk is full", "No space left"),
    or the free space left on the disk.
    """
    if isinstance(exc, OutputError):
        return exc
    number = getattr(exc, "errno", None)
    text = getattr(exc, "strerror", None) or str(exc)
    lowered = text.lower()
    if number in _NO_SPACE or "disk is full" in lowered or "no space" in lowered or nearly_full(path):
        reason = "no_space"
    elif number in _NOT_WRITABLE:
        reason = "not_writable"
    elif number == errno.EISDIR:
        reason = "is_directory"
    else:
        reason = "write_failed"
    return OutputError(path, reason, text)
