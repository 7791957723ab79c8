"""Writing beside an agency's files without ever losing one.

Every file ipsxl writes (a checked copy, a workbook written in place, a backup, a summary, a
template, a report) goes through ``replacing``: written to a hidden temporary file in the same
folder and renamed over the final name only once complete, so a crash, a kill or a full disk
leaves the old file or the new one, never half of one. The rename happens where the name
really leads: through a symbolic link to its target (the link stays a link), keeping the
file's permissions.

Temporary files and lock files carry ipsxl's own naming (``.NAME.ipsxl-...``), so what a
killed run left behind is recognised and removed by the next one, and nothing a user named is
ever taken for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from ipsxl.files.snapshot import Snapshot

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# .NAME.ipsxl-HOST-PID-TOKEN.tmp: HOST tells whether PID can be asked about on this machine
# (a folder on a shared drive is written from several)
_TEMP = re.compile(r"^\..*\.ipsxl-([0-9a-f]{6})-(\d+)-[0-9a-f]{8}\.tmp$")
_LOCK = re.compile(r"^\..*\.ipsxl-lock$")
_HOST = hashlib.sha1(socket.gethostname().encode(), usedforsecurity=False).hexdigest()[:6]
STALE_AFTER = 24 * 3600  # seconds: no write takes this long, whatever its process id says
_NAME_KEPT = 100  # characters of the final name kept in a temporary name (names max out at 255)


class SavesToFile(Protocol):
    """What ``save_atomically`` writes: an openpyxl ``Workbook``, without importing openpyxl."""

    def save(self, filename: BinaryIO) -> None: ...


# --- where a name leads -------------------------------------------------------------------------


def real_path(path: str | Path) -> Path:
    """The file a name leads to, through any symbolic links."""
    return Path(os.path.realpath(path))


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names lead to one file: through ``..``, symbolic links or hard links."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return real_path(a) == real_path(b)


def read_only(path: str | Path) -> bool:
    """Whether the file is marked read-only (no write permission bit, or no access for this
    user); False for a file that is not there. The bits are looked at too because an
    administrator's account may write anything."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


# --- writing ------------------------------------------------------------------------------------


@contextlib.contextmanager
def replacing(target: str | Path, like: Path | Snapshot | None = None) -> Iterator[BinaryIO]:
    """A file to write ``target``'s new content into; on leaving the block it is flushed to disk
    and renamed over ``target`` (or removed, if the block raised).

    The new file gets the permissions of ``like`` (the workbook it is a copy of), else of the
    file it replaces, else the usual ones for a new file. When ``like`` is a snapshot of the
    very file being replaced, the file must still hold the snapshot's bytes at the moment of
    the rename, or ``snapshot.Changed`` is raised and nothing is replaced."""
    final = real_path(target)
    remove_stale_temps(final.parent)
    tmp = _temp_name(final)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        mode = _mode(like, final)
        if mode is not None:
            os.chmod(tmp, mode)
        if isinstance(like, Snapshot) and real_path(like.path) == final:
            like.ensure_unchanged()
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(target: str | Path, data: bytes, like: Path | Snapshot | None = None) -> None:
    with replacing(target, like) as fh:
        fh.write(data)


def write_text(target: str | Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def save_atomically(workbook: SavesToFile, target: str | Path) -> None:
    """Save an openpyxl workbook (anything with ``save(file)``) through ``replacing``."""
    with replacing(target) as fh:
        workbook.save(fh)


def _temp_name(final: Path) -> Path:
    token = secrets.token_hex(4)
    return final.with_name(f".{final.name[:_NAME_KEPT]}.ipsxl-{_HOST}-{os.getpid()}-{token}.tmp")


def _mode(like: Path | Snapshot | None, final: Path) -> int | None:
    if isinstance(like, Snapshot):
        return stat.S_IMODE(like.stat.st_mode)
    for path in (like, final):
        if path is not None:
            with contextlib.suppress(OSError):
                return stat.S_IMODE(os.stat(path).st_mode)
    return None


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Remove what runs that were killed (or lost their power) left in ``folder`` under
    ipsxl's naming: temporary files whose writer is gone (its process no longer runs on this
    machine, or it started more than a day ago), and lock files nobody holds. Returns what
    was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        found = _TEMP.match(entry.name)
        if not found and not _LOCK.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if found:
                old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
                host, pid = found[1], int(found[2])
                if not old and (host != _HOST or _running(pid)):
                    continue
                os.unlink(entry.path)
            elif not _remove_unheld_lock(Path(entry.path)):
                continue
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _remove_unheld_lock(lock: Path) -> bool:
    """Remove a lock file if no process holds its lock (taken here for the removal, as
    ``locked`` would take it); False when it is held, or locks cannot be tested here."""
    if fcntl is None:  # pragma: no cover - Windows: an open lock file cannot be removed anyway
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    try:  # the file at that name may be a newer one, someone else's, since we opened ours
        current = os.path.samestat(os.fstat(fd), os.stat(lock))
    except OSError:
        current = False
    if not current:
        os.close(fd)
        return False
    _release(lock, fd)
    return True


def _running(pid: int) -> bool:
    """Whether a process of this id runs on this machine (True when it cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - os.kill would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# --- backups ------------------------------------------------------------------------------------


def backup_names(path: str | Path) -> Iterator[Path]:
    """NAME.bak.xlsx, NAME.bak-2.xlsx, NAME.bak-3.xlsx, ... beside ``path``."""
    path = Path(path)
    yield path.with_name(f"{path.stem}.bak{path.suffix}")
    n = 2
    while True:
        yield path.with_name(f"{path.stem}.bak-{n}{path.suffix}")
        n += 1


def keep_backup(original: Snapshot, beside: str | Path | None = None) -> Path:
    """Write the snapshot's bytes to the first free backup name beside ``beside`` (the name the
    user gave; the snapshot's own path when None) and return it. An existing file is never
    overwritten, not even one created meanwhile: the finished copy is linked to its name, which
    fails if the name is taken. It keeps the original's permissions and modification time."""
    beside = Path(beside if beside is not None else original.path)
    remove_stale_temps(beside.parent)
    tmp = _temp_name(beside)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(original.data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(original.stat.st_mode))
        os.utime(tmp, ns=(original.stat.st_atime_ns, original.stat.st_mtime_ns))
        for name in backup_names(beside):
            if os.path.lexists(name):
                continue
            try:
                os.link(tmp, name)
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links (FAT, some network shares)
                if os.path.lexists(name):
                    continue
                os.replace(tmp, name)
            return name
        raise AssertionError("unreachable: backup_names never ends")  # pragma: no cover
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --- locks --------------------------------------------------------------------------------------


class Busy(RuntimeError):
    """Another ipsxl is writing into the file."""


@contextlib.contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold ipsxl's lock on the file ``path`` leads to for the block, or raise Busy at once.

    The lock is the operating system's, on a hidden lock file beside the file, so it ends with
    the process that holds it, however that process ends; the file itself is removed on
    leaving the block (or by the next run, when a killed run could not)."""
    final = real_path(path)
    lock = final.with_name(f".{final.name[:_NAME_KEPT]}.ipsxl-lock")
    fd = _acquire(lock, path)
    try:
        yield
    finally:
        _release(lock, fd)


def _acquire(lock: Path, path: str | Path) -> int:
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_fd(fd)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise Busy(
                f"{path}: another ipsxl is writing into it{who}; try again when it has finished"
            ) from None
        # its last holder may have removed the file between our open and our lock: then the
        # lock is on a file nobody else will open, and a new one is needed
        try:
            current = os.path.samestat(os.fstat(fd), os.stat(lock))
        except OSError:
            current = False
        if current:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            return fd
        os.close(fd)


def _lock_fd(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _release(lock: Path, fd: int) -> None:
    if fcntl is not None:  # removed while still locked, so no one can lock the old file after
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)
    else:  # pragma: no cover - Windows cannot remove an open file
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(lock)
