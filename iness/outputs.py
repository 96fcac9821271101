"""The folders iness writes (tables, reports): owned, locked, staged, swapped.

Each output folder ``NAME`` is written whole into a hidden sibling
``.NAME-new-*`` and swapped in under a lock ``.NAME.lock``; the previous folder
goes to ``.NAME-old`` for the time of the swap. A marker file (``.iness-output``)
in every folder iness makes lists the files iness wrote there: iness writes only
into new or empty folders or folders carrying its marker, deletes only the files
its marker lists, and carries every other file over into the new folder.
Staging folders left by killed runs are removed, and a swap cut between its two
renames is finished, on the next run (or load).
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

from iness.errors import OutputError
from iness.paths import BUILTIN_SOURCES, processed_root, reports_dir

MARKER = ".iness-output"
HEADER = ("# written by iness: the files listed below are replaced on the next run; "
          "any other file in this folder is kept\n")
_STAGING_PID = "# staging folder of process "
#: seconds a run waits for another one writing the same folder
LOCK_TIMEOUT = 3600.0


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


def written_files(folder: Path, default: bool | None = None) -> set[str] | None:
    """The files iness wrote in ``folder`` (relative paths), from its marker;
    ``None`` when iness did not make the folder. A folder in a default location
    without a marker (made by an older iness) is iness's place but none of its
    files is taken as iness's: they are kept, and one an output would replace
    stops the run (``default`` says the folder is in a default location,
    guessed from its place unless given)."""
    marker = folder / MARKER
    if marker.is_file():
        lines = marker.read_text(encoding="utf-8").splitlines()
        return {line for line in lines if line and not line.startswith("#")} | {MARKER}
    if default if default is not None else is_default_location(folder):
        return set()
    return None


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
        raise OutputError(f"{target} is not empty and was not made by iness (it has no "
                          f"{MARKER} file): iness writes only into new or empty folders or "
                          "folders it made, so give another folder")
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
    its files, single files elsewhere."""
    found = []
    for root, folders, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in list(folders):
            relative = (base / name).as_posix()
            if not any(path.startswith(relative + "/") for path in owned):
                found.append(relative)
                folders.remove(name)
        found += [(base / name).as_posix() for name in names
                  if (base / name).as_posix() not in owned]
    return sorted(found)


def _remove_written(folder: Path, owned: set[str]) -> None:
    """Delete the files iness wrote and the folders left empty, then ``folder``
    if nothing else is in it."""
    for relative in owned:
        path = folder / relative
        if path.is_file() or path.is_symlink():
            path.unlink()
    for root, _, _ in sorted(os.walk(folder), key=lambda item: -len(item[0])):
        if not any(Path(root).iterdir()):
            Path(root).rmdir()


def _retire(old: Path, target: Path, default: bool) -> None:
    """Carry the files iness did not write from ``old`` into ``target``, then
    delete the rest of ``old`` (only files iness wrote)."""
    owned = written_files(old, default) or set()
    for relative in _foreign(old, owned):
        destination = target / relative
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old / relative, destination)
    _remove_written(old, owned)
    if old.exists():
        raise OutputError(f"{old} holds files iness did not write and could not put back into "
                          f"{target}: move them away, then run again")


def _staging_is_stale(staging: Path) -> bool:
    """A staging folder (with iness's marker) whose process is gone."""
    marker = staging / MARKER
    if not marker.is_file():
        return False
    for line in marker.read_text(encoding="utf-8").splitlines():
        if line.startswith(_STAGING_PID):
            pid = int(line.removeprefix(_STAGING_PID))
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                return False
            return False
    return False


def recover(target: Path) -> None:
    """Finish what a killed run left (call under the lock): put the previous
    folder back if the swap was cut between its two renames, retire it if the
    new one is in place, and remove stale staging folders."""
    default = is_default_location(target)
    old = old_folder(target)
    if old.is_dir() and written_files(old, default) is not None:
        if not target.exists():
            os.replace(old, target)
            print(f"iness: recovered {target} from {old.name} (an earlier run was "
                  "interrupted)", file=sys.stderr)
        else:
            _retire(old, target, default)
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
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _commit(staging: Path, target: Path, replaces: Callable[[str], bool] | None) -> None:
    """Swap ``staging`` in for ``target`` (under the lock)."""
    with locked(target):
        recover(target)
        check_target(target)
        default = is_default_location(target)
        owned = (written_files(target, default) or set()) if target.exists() else set()
        if replaces is not None:
            for relative in sorted(owned - {MARKER}):
                if not replaces(relative) and not (staging / relative).exists():
                    _link_or_copy(target / relative, staging / relative)
        written = [relative for relative in _files(staging) if relative != MARKER]
        if target.exists():
            clashes = [relative for relative in _foreign(target, owned)
                       if (staging / relative).exists()]
            if clashes:
                raise OutputError(f"{target / clashes[0]} was not written by iness and would "
                                  "be replaced by an output of the same name: move it away")
        (staging / MARKER).write_text(HEADER + "".join(f"{path}\n" for path in written),
                                      encoding="utf-8")
        old = old_folder(target)
        if old.exists():
            raise OutputError(f"{old} is in the way: it was left by an interrupted run of "
                              "an older iness or holds files iness did not write; look "
                              "inside, move what you need, delete it and run again")
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
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
            (staging / MARKER).write_text(f"{HEADER}{_STAGING_PID}{os.getpid()}\n",
                                          encoding="utf-8")
            yield staging
            _commit(staging, target, replaces)
        finally:
            if staging.exists():
                shutil.rmtree(staging)


def enclosing_outputs(target: Path) -> list[Path]:
    """The output folders (with iness's marker) that hold ``target``, outermost first."""
    return [folder for folder in reversed(Path(target).parents) if (folder / MARKER).is_file()]


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
