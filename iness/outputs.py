"""The folders iness writes (tables, reports): owned, locked, staged, swapped.

Each output folder ``NAME`` is written whole into a hidden sibling
``.NAME-new-*`` and swapped in under a lock ``.NAME.lock``; the previous folder
goes to ``.NAME-old`` for the time of the swap. A marker file (``.iness-output``)
in every folder iness makes lists the files iness wrote there: iness writes only
into new or empty folders or folders carrying its marker, deletes only the files
its marker lists, and carries every other file over into the new folder.
Staging folders left by killed runs are removed, and a swap cut between its two
renames is finished, on the next run (or load).

A marker is trusted only when it is bound to its folder: it records the
folder's resolved path and a digest of its text (a marker copied into another
folder, or edited by hand, is not iness's). Each line it lists must be a plain
relative path inside the folder (no ``..``, no absolute path, no symlink on the
way): any other line is ignored with a warning. Staging folders carry a tag of
their own (``.iness-staging``, bound likewise) and are recognised by it only.
Deletion never follows a symlink.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
from pathlib import PurePosixPath
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

from iness.errors import OutputError
from iness.paths import BUILTIN_SOURCES, processed_root, reports_dir

MARKER = ".iness-output"
HEADER = ("# written by iness: the files listed below are replaced on the next run; "
          "any other file in this folder is kept\n")
#: the tag of a staging folder (removed once the folder is swapped in)
STAGING_TAG = ".iness-staging"
_STAGING_PID = "# staging folder of process "
_FOLDER = "# folder: "
_DIGEST = "# digest: "
#: the most bytes of a marker iness reads (a marker lists the files of one folder)
MARKER_LIMIT = 16 << 20
#: seconds a run waits for another one writing the same folder
LOCK_TIMEOUT = 3600.0


class Interrupted(BaseException):
    """The run was told to stop (SIGINT or SIGTERM): not an error of the data,
    so no ``except Exception`` catches it; ``signum`` is the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: the output folders this process swapped in (what an interrupted run did write)
SWAPPED: list[Path] = []


#: seconds a stopped run has to tidy up before it exits regardless
STOP_DEADLINE = 8.0


def _stop(signum, _frame) -> None:
    """The first SIGINT or SIGTERM: kill this process's kernels, then unwind
    (staging folders are removed on the way); further signals are ignored, and
    a watchdog ends the process if tidying up takes over :data:`STOP_DEADLINE`."""
    import threading
    if _in_fork_hook(_frame):  # an exception raised here would be swallowed: ask again
        threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
        return
    for name in (signal.SIGINT, signal.SIGTERM):
        signal.signal(name, signal.SIG_IGN)
    report = sys.modules.get("iness.report")
    if report is not None:
        report.stop_kernels()
    if os.getpid() != _MAIN_PID[-1]:  # a worker forked a moment ago: it just ends
        os._exit(128 + signum)
    watchdog = threading.Timer(STOP_DEADLINE, _exit_now, (signum,))
    watchdog.daemon = True
    watchdog.start()
    # the kernels were just killed: the notebook client's cleanup tasks then fail
    # inside asyncio's shutdown, which logs them; a stop says one line, not those
    import logging
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    raise Interrupted(signum)


#: functions that run as fork hooks (os.register_at_fork), where an exception
#: is printed as "Exception ignored" and lost
_FORK_HOOKS = {"_releaseLock", "_acquireLock", "_after_at_fork_child_reinit_locks",
               "_after_fork", "_at_fork_reinit"}


def _in_fork_hook(frame) -> bool:
    """Whether the signal interrupted code that runs around a fork."""
    return frame is not None and frame.f_code.co_name in _FORK_HOOKS


def _exit_now(signum: int) -> None:
    report = sys.modules.get("iness.report")
    if report is not None:
        report.kill_workers()
    print(f"iness: {interrupted_message()} (tidying up took over {STOP_DEADLINE:g} s)",
          file=sys.stderr, flush=True)
    os._exit(128 + signum)


def interrupted_message() -> str:
    """What a stopped run says: which folders it had already swapped in whole."""
    if not SWAPPED:
        return "interrupted; nothing was replaced"
    return (f"interrupted; {', '.join(map(str, SWAPPED))} "
            f"{'was' if len(SWAPPED) == 1 else 'were'} written whole, nothing else was "
            "replaced")


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (see
    :func:`_stop`); the previous handlers come back after it."""
    _MAIN_PID.append(os.getpid())
    previous = {name: signal.signal(name, _stop) for name in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(name, handler)
        _MAIN_PID.pop()


#: the process that set the handlers (its forked workers inherit them)
_MAIN_PID: list[int] = [0]


#: characters that make a spreadsheet run a cell as a formula (or hide one)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell as a spreadsheet must see it: text a spreadsheet would run as a
    formula gets a leading quote; anything else is returned as it is.

    >>> [spreadsheet_safe(v) for v in ("=HYPERLINK(1)", "@SUM(A1)", "ok", -1)]
    ["'=HYPERLINK(1)", "'@SUM(A1)", 'ok', -1]
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def neutralise_formulas(frame):
    """A copy of a frame whose text cells, index and column labels are
    :func:`spreadsheet_safe`: the one path of every CSV and spreadsheet iness
    writes.

    >>> import pandas as pd
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    import pandas as pd
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(spreadsheet_safe)
    if any(isinstance(label, str) for label in out.index.to_flat_index()):
        out = out.rename(index=spreadsheet_safe)
    return out.rename(columns=spreadsheet_safe)


def old_folder(target: Path) -> Path:
    """Where the previous folder waits during a swap."""
    return target.with_name(f".{target.name}-old")


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def is_default_location(target: Path) -> bool:
    """A folder iness owns by its place: ``data/processed/<name>``, ``reports/``
    or ``reports/<name>`` of the project home (made by older versions without
    a marker)."""
    target = Path(target).resolve()
    reports = reports_dir().resolve()
    return (target.parent == processed_root().resolve() or target == reports
            or target.parent == reports)


def _files(folder: Path) -> list[str]:
    """Relative POSIX paths of the files (not folders) under ``folder``."""
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            found.append((Path(root) / name).relative_to(folder).as_posix())
    return sorted(found)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bound_text(folder: Path, body: str) -> str:
    """``body`` bound to ``folder``: its resolved path, then a digest of the whole."""
    text = f"{body}{_FOLDER}{Path(folder).resolve()}\n"
    return f"{text}{_DIGEST}{_digest(text)}\n"


def _read_no_follow(path: Path) -> str | None:
    """The text of a regular file, not through a symlink; ``None`` if there is
    none (or it is not UTF-8, or larger than :data:`MARKER_LIMIT`)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MARKER_LIMIT + 1)
    try:
        return None if len(data) > MARKER_LIMIT else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def verified_text(path: Path, folder: Path) -> str | None:
    """The body of a file written by :func:`bound_text` for ``folder``, or
    ``None`` when it was not (missing, edited, or bound to another folder)."""
    text = _read_no_follow(path)
    if text is None:
        return None
    head, found, digest = text.rpartition(_DIGEST)
    if not found or digest.strip() != _digest(head):
        return None
    body, found, bound = head.rpartition(_FOLDER)
    if not found or bound.rstrip("\n") != str(Path(folder).resolve()):
        return None
    return body


def safe_relative(folder: Path, line: str) -> bool:
    """Whether a marker line is a plain relative path inside ``folder``: not
    absolute, no ``.`` or ``..`` part, and no symlink on the way to it (the
    last part may be one: the link itself is what is removed)."""
    if not line or line.startswith("/") or "\\" in line or "\x00" in line:
        return False
    parts = PurePosixPath(line).parts
    if not parts or any(part in (".", "..") for part in line.split("/")):
        return False
    here = Path(folder)
    for part in parts[:-1]:
        here = here / part
        if here.is_symlink():
            return False
    return True


def _listed(folder: Path, body: str) -> set[str]:
    """The safe lines of a marker's body; the others are ignored with a warning."""
    lines = [line for line in body.splitlines() if line and not line.startswith("#")]
    safe = {line for line in lines if safe_relative(folder, line)}
    unsafe = [line for line in lines if line not in safe]
    if unsafe and (str(folder), unsafe[0]) not in _warned:
        _warned.add((str(folder), unsafe[0]))
        print(f"iness: warning: {folder / MARKER} lists {len(unsafe)} path(s) that are not "
              f"plain files inside it (first: {unsafe[0]!r}); they are ignored, never "
              "deleted", file=sys.stderr)
    return safe


#: markers already warned about (a run reads a marker several times)
_warned: set[tuple[str, str]] = set()


def marker_text(folder: Path, files: list[str]) -> str:
    """The marker of ``folder`` listing the ``files`` iness wrote there."""
    return bound_text(folder, HEADER + "".join(f"{path}\n" for path in files))


def written_files(folder: Path, default: bool | None = None,
                  bound_to: Path | None = None) -> set[str] | None:
    """The files iness wrote in ``folder`` (relative paths), from its marker;
    ``None`` when iness did not make the folder. The marker must be bound to
    ``bound_to`` (default: ``folder`` itself; the previous folder of a swap
    keeps its target's). A folder in a default location without a trusted
    marker (made by an older iness) is iness's place; a marker of an older
    iness (no digest) is read there only; else none of its files is taken as
    iness's: they are kept, and one an output would replace stops the run
    (``default`` says the folder is in a default location, guessed from its
    place unless given)."""
    folder = Path(folder)
    body = verified_text(folder / MARKER, bound_to or folder)
    if body is not None:
        return _listed(folder, body) | {MARKER}
    default = default if default is not None else is_default_location(bound_to or folder)
    if not default:
        return None
    legacy = _read_no_follow(folder / MARKER)
    if legacy is not None and _DIGEST not in legacy and _FOLDER not in legacy:
        return _listed(folder, legacy) | {MARKER}
    return set()


def _writable(folder: Path) -> bool:
    """Writable for this process and not marked read-only (``chmod a-w``), so
    that a read-only folder is respected even by root."""
    return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & stat.S_IWUSR)


def check_target(target: Path | str) -> Path:
    """The absolute output folder, if iness may replace it; else a one-line error.

    Refused: the working folder or one holding it, a file, a non-empty folder
    iness did not make, and a read-only folder (checked before anything moves)."""
    target = Path(target).expanduser().resolve()
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutputError(f"{target} is the working folder or holds it: iness replaces its "
                          "output folders whole, so give a new folder (e.g. --out results)")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} is a file, not a folder: give a new folder for the outputs")
    owned = written_files(target) if target.is_dir() else set()
    if owned is None and any(target.iterdir()):
        marker = target / MARKER
        why = (f"its {MARKER} file was not written by iness for this folder (copied from "
               "another folder, or edited)" if marker.exists() or marker.is_symlink()
               else f"it has no {MARKER} file")
        raise OutputError(f"{target} is not empty and was not made by iness ({why}): iness "
                          "writes only into new or empty folders or folders it made, so give "
                          "another folder")
    owned = owned or set()  # an empty folder: nothing of iness's in it yet
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    folders = {parent}  # where the staging folder is made and the swap renames
    if target.is_dir():  # where the files iness wrote are deleted
        folders |= {target} | {(target / name).parent for name in owned}
    for folder in sorted(folders):
        if folder.is_dir() and not _writable(folder):
            raise OutputError(f"{folder} is read-only: make it writable (chmod u+w) or give "
                              "another folder; nothing was changed")
    return target


def _foreign(folder: Path, owned: set[str]) -> list[str]:
    """Entries of ``folder`` iness did not write: whole sub-folders holding none of
    its files (and symlinks to folders), single files elsewhere."""
    found = []
    for root, folders, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in list(folders):
            relative = (base / name).as_posix()
            if (Path(root) / name).is_symlink() or not any(
                    path.startswith(relative + "/") for path in owned):
                found.append(relative)
                folders.remove(name)
        found += [(base / name).as_posix() for name in names
                  if (base / name).as_posix() not in owned]
    return sorted(found)


def unlink_inside(folder: Path, relative: str) -> bool:
    """Remove the file (or the symlink itself) at ``relative`` inside ``folder``
    without following any symlink on the way (each folder is opened with
    ``O_NOFOLLOW``); whether something was removed."""
    parts = relative.split("/")
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        descriptor = os.open(folder, flags)
    except OSError:
        return False
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, flags, dir_fd=descriptor)
            except OSError:  # missing, not a folder, or a symlink: not followed
                return False
            os.close(descriptor)
            descriptor = inner
        try:
            if stat.S_ISDIR(os.stat(parts[-1], dir_fd=descriptor,
                                    follow_symlinks=False).st_mode):
                return False
            os.unlink(parts[-1], dir_fd=descriptor)
        except FileNotFoundError:
            return False
        return True
    finally:
        os.close(descriptor)


def _remove_written(folder: Path, owned: set[str]) -> None:
    """Delete the files iness wrote and the folders left empty, then ``folder``
    if nothing else is in it (never through a symlink)."""
    for relative in owned:
        unlink_inside(folder, relative)
    for root, _, _ in sorted(os.walk(folder), key=lambda item: -len(item[0])):
        if not Path(root).is_symlink() and not any(Path(root).iterdir()):
            Path(root).rmdir()


def _real_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _carry(source: Path, target: Path, entries: list[str]) -> None:
    """Move these entries of ``source`` to the same place in ``target``; a
    folder that is there already gets their contents, one by one."""
    for relative in entries:
        destination = target / relative
        if _real_folder(destination) and _real_folder(source / relative):
            _carry(source / relative, destination,
                   sorted(path.name for path in (source / relative).iterdir()))
        elif not (destination.exists() or destination.is_symlink()):
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source / relative, destination)


def _kept_aside(old: Path) -> Path:
    """A free name beside ``old`` for what could not be put back."""
    number = 1
    while (aside := old.with_name(f"{old.name}-kept-{number}")).exists():
        number += 1
    return aside


def _retire(old: Path, target: Path, default: bool) -> None:
    """Carry the files iness did not write from ``old`` into ``target``, then
    delete the rest of ``old`` (only files iness wrote). What cannot be put back
    (a clash made meanwhile) is kept beside, under a name the next run leaves
    alone, so that nothing is lost and the next run works."""
    owned = written_files(old, default, bound_to=target) or set()
    _carry(old, target, _foreign(old, owned))
    _remove_written(old, owned)
    if old.exists():
        aside = _kept_aside(old)
        os.replace(old, aside)
        print(f"iness: warning: files iness did not write could not be put back into "
              f"{target}; they are kept in {aside}", file=sys.stderr)


def _staging_pid(staging: Path) -> int | None:
    """The process of a staging folder, from its tag; ``None`` when the folder
    has no tag iness wrote for it."""
    body = verified_text(staging / STAGING_TAG, staging)
    if body is None:
        return None
    for line in body.splitlines():
        if line.startswith(_STAGING_PID) and line.removeprefix(_STAGING_PID).isdigit():
            return int(line.removeprefix(_STAGING_PID))
    return None


def _staging_is_stale(staging: Path) -> bool:
    """A staging folder iness made (its tag verifies) whose process is gone."""
    pid = _staging_pid(staging)
    if pid is None or staging.is_symlink():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def _is_leftover_tag(target: Path) -> bool:
    """Whether ``target`` holds the tag of the staging folder it was swapped in
    from (a swap killed before removing it): bound to a ``.NAME-new-*`` sibling."""
    text = _read_no_follow(target / STAGING_TAG)
    if text is None:
        return False
    head, found, digest = text.rpartition(_DIGEST)
    bound = head.rpartition(_FOLDER)[2].rstrip("\n")
    return (bool(found) and digest.strip() == _digest(head)
            and Path(bound).parent == target.parent
            and Path(bound).name.startswith(f".{target.name}-new-"))


def recover(target: Path) -> None:
    """Finish what a killed run left (call under the lock): put the previous
    folder back if the swap was cut between its two renames, retire it if the
    new one is in place, and remove stale staging folders."""
    default = is_default_location(target)
    old = old_folder(target)
    if old.is_dir() and not old.is_symlink() and written_files(
            old, default, bound_to=target) is not None:
        if not target.exists():
            os.replace(old, target)
            print(f"iness: recovered {target} from {old.name} (an earlier run was "
                  "interrupted)", file=sys.stderr)
        else:
            _retire(old, target, default)
    if target.is_dir() and _is_leftover_tag(target):
        unlink_inside(target, STAGING_TAG)
    for staging in target.parent.glob(f".{target.name}-new-*"):
        if staging.is_dir() and _staging_is_stale(staging):
            shutil.rmtree(staging)


@contextmanager
def locked(target: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of one output folder; say so when waiting for another run."""
    from filelock import FileLock, Timeout
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    wait = LOCK_TIMEOUT if timeout is None else timeout
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"iness: waiting for another iness run writing {target} (lock {path})",
              file=sys.stderr)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise OutputError(f"{target} is being written by another iness run (lock {path} "
                              f"held for over {wait:g} s): wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()


def recover_if_interrupted(target: Path) -> None:
    """On load: if ``target`` is missing but a cut swap left ``.NAME-old``, put it back."""
    target = Path(target).resolve()
    if not target.exists() and old_folder(target).is_dir():
        with locked(target):
            recover(target)


def _link_or_copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


def _clashes(target: Path, owned: set[str], staging: Path) -> list[str]:
    """Entries of ``target`` iness did not write that an output would replace
    (the same name, or a file where an output needs a folder)."""
    found = []
    for relative in _foreign(target, owned):
        ahead = [staging / "/".join(relative.split("/")[:n])
                 for n in range(1, relative.count("/") + 1)]
        if _real_folder(target / relative) and _real_folder(staging / relative):
            found += [f"{relative}/{inner}" for inner in _clashes(
                target / relative, set(), staging / relative)]
        elif (staging / relative).exists() or any(path.is_file() for path in ahead):
            found.append(relative)
    return found


def _commit(staging: Path, target: Path, replaces: Callable[[str], bool] | None) -> None:
    """Swap ``staging`` in for ``target`` (under the lock); a swap whose second
    rename fails is rolled back."""
    with locked(target):
        recover(target)
        check_target(target)
        default = is_default_location(target)
        owned = (written_files(target, default) or set()) if target.exists() else set()
        if replaces is not None:
            for relative in sorted(owned - {MARKER}):
                source = target / relative
                if (not replaces(relative) and not (staging / relative).exists()
                        and (source.is_file() or source.is_symlink())):
                    _link_or_copy(source, staging / relative)
        written = [relative for relative in _files(staging)
                   if relative not in (MARKER, STAGING_TAG)]
        if target.exists():
            clashes = _clashes(target, owned, staging)
            if clashes:
                kind = ("is a symlink" if (target / clashes[0]).is_symlink()
                        else "was not written by iness")
                raise OutputError(f"{target / clashes[0]} {kind} and would be replaced by "
                                  "an output of the same name: move it away; nothing was "
                                  "changed")
        (staging / MARKER).write_text(marker_text(target, written), encoding="utf-8")
        old = old_folder(target)
        if old.exists() or old.is_symlink():
            raise OutputError(f"{old} is in the way: it was left by an interrupted run of "
                              "an older iness or holds files iness did not write; look "
                              "inside, move what you need, delete it and run again")
        if target.exists():
            os.replace(target, old)
        try:
            os.replace(staging, target)
        except OSError:
            if old.exists() and not target.exists():
                os.replace(old, target)
            raise
        unlink_inside(target, STAGING_TAG)
        SWAPPED.append(target)
        if old.exists():
            _retire(old, target, default)


@contextmanager
def replacing(target: Path | str,
              replaces: Callable[[str], bool] | None = None) -> Iterator[Path]:
    """Write the new content of ``target`` into the yielded staging folder; when
    the block ends without error it is swapped in, else ``target`` stays as it was.

    ``replaces(relative_path)`` says which files of the previous folder the new
    content supersedes (default: all that iness wrote); the others are kept."""
    target = check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        # a folder inside another output folder (reports/fr in reports/) is
        # staged inside it: that one must not be swapped meanwhile
        for outer in enclosing_outputs(target):
            held.enter_context(locked(outer))
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
        try:
            staging.chmod(0o755)
            (staging / STAGING_TAG).write_text(
                bound_text(staging, f"{HEADER}{_STAGING_PID}{os.getpid()}\n"),
                encoding="utf-8")
            yield staging
            _commit(staging, target, replaces)
        except OSError as error:  # a full disk, a quota: say where, keep the previous
            where = f" ({error.filename})" if error.filename else ""
            raise OutputError(f"{target}: writing it failed{where}: "
                              f"{error.strerror or error}; the previous folder was left as "
                              "it was") from error
        finally:
            if staging.exists():
                shutil.rmtree(staging)


def enclosing_outputs(target: Path) -> list[Path]:
    """The output folders (with iness's marker) that hold ``target``, outermost first."""
    return [folder for folder in reversed(Path(target).parents)
            if verified_text(folder / MARKER, folder) is not None
            or (folder / MARKER).is_file() and is_default_location(folder)]


#: names a survey may not take: the built-in sources, the report's own folders
#: (figures, tables, the French edition)
RESERVED_NAMES = (*BUILTIN_SOURCES, "figures", "tables", "fr")
#: device names that Windows refuses as file names
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                    *(f"lpt{i}" for i in range(10))}
#: a letter or digit, then letters, digits, '_', '-' or '.', not ending with '.'
_SAFE_NAME = re.compile(r"[^\W_](?:[\w.-]{0,62}[\w-])?")


def survey_name(path: Path | str, name: str | None = None) -> str:
    """The name of a survey's folders (``data/processed/<name>/``,
    ``reports/<name>/``): ``name``, or the survey file's name without its
    extension, when it is a plain folder name that is not reserved; else a
    one-line error suggesting one (iness never renames silently: two surveys
    must not end up in one folder)."""
    given = name is not None
    name = name if given else Path(path).stem
    origin = "the name given" if given else f"the name of {Path(path).name}"
    if not name:
        why = "it is empty"
    elif name.startswith("."):
        why = "it starts with a dot (a hidden folder, or the parent folder for '..')"
    elif name.lower().endswith((".html", ".json", ".csv", ".tex", ".png", ".pdf")):
        why = "it ends like a file of the report (index.html, inputs.json, ...)"
    elif name.lower() in RESERVED_NAMES:
        why = ("it is the name of the DSI4EU tables built by `iness build`"
               if name.lower() in BUILTIN_SOURCES else "iness uses that folder in reports/")
    elif name.lower().split(".")[0] in _WINDOWS_DEVICES:
        why = "Windows reserves it"
    elif not _SAFE_NAME.fullmatch(name):
        why = ("a folder name here has 1 to 64 letters, digits, '-', '_' or '.' "
               "(inside), starting with a letter or digit")
    else:
        return name
    suggestion = re.sub(r"[^\w-]+", "_", name).strip("_-")[:40]
    if (not suggestion or suggestion == name or suggestion.lower() in RESERVED_NAMES
            or suggestion.lower() in _WINDOWS_DEVICES):
        suggestion = f"{suggestion or 'my'}_survey"
    raise OutputError(f"{Path(path)}: {origin}, {name!r}, cannot name the survey's folders: "
                      f"{why}; rename the file or pass --name, e.g. --name {suggestion}")
