"""Reading local text files strictly, and writing files so that a failure leaves nothing behind.

Reading: a card or result file that is missing, not a regular file, huge, binary or not UTF-8 is an
error naming it (never a U+FFFD-damaged text that would then be written back).

Writing: a reader never sees half a file (a temporary beside it, then a rename), and a change of
several files into a local clone is all or nothing: every target is checked first (inside the clone,
not through a symlink, no folder or file in the way), every temporary is written, and only then are
they moved in. Files keep their mode; new files get the mode a plain ``open`` would give (0644 under
the usual umask).
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from .errors import InputError

MAX_TEXT_BYTES = 20 * 1024 * 1024  # the largest card or result file read


def read_text_file(path: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> str:
    """A local text file's content; InputError for anything that is not a UTF-8 text file under the cap."""
    p = Path(path)
    if not p.is_file():
        reason = f"{p} is not a regular file" if p.exists() else f"no such file: {p}"
        raise InputError(reason, f"give the path of a {what}")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(f"{p} is {size // 2**20} MB: too large for a {what}", f"give the path of a {what}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p} cannot be read ({exc.strerror})", "check the file's permissions") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{p} is not a text file (binary data)", f"give the path of a {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p} is not valid UTF-8 text (byte {exc.start})", "save it as UTF-8") from None


@cache
def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return _new_file_mode()


def _temporary(path: Path, text: str) -> str:
    """A temporary file beside ``path`` holding ``text``, with the mode ``path`` has (or a new file gets)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, _mode_for(path))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (parent folders are created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_target(root: Path, rel: str) -> Path:
    """The path ``rel`` will be written at inside ``root``; InputError when writing it would leave the clone,
    go through a symlink, or meet a folder where the file goes or a file where a folder goes."""
    root = root.resolve()
    path = root / rel
    hint = "fix the clone (or write elsewhere) and run again; nothing was written"
    if root not in path.resolve().parents:
        raise InputError(f"refusing to write outside {root}: {rel} leads to {path.resolve()}", hint)
    for parent in [*reversed(path.relative_to(root).parents)][1:]:
        folder = root / parent
        if folder.is_symlink():
            raise InputError(f"refusing to write through the symlink {folder}", hint)
        if folder.exists() and not folder.is_dir():
            raise InputError(f"{folder} is not a directory, so {rel} cannot be written", hint)
    if path.is_symlink():
        raise InputError(f"refusing to replace the symlink {path}", hint)
    if path.exists() and not path.is_file():
        raise InputError(f"{path} is a directory (or not a regular file), so it cannot be written", hint)
    return path


def write_files_atomic(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (path inside ``root`` -> text) all or nothing; see the module docstring."""
    targets = {check_target(root, rel): text for rel, text in files.items()}
    created: list[Path] = []
    temps: dict[Path, str] = {}
    try:
        for path, text in targets.items():
            missing = [p for p in [*reversed(path.parents)] if not p.exists()]
            for folder in missing:
                folder.mkdir()
                created.append(folder)
            temps[path] = _temporary(path, text)
        for path, tmp in temps.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:  # a file was already moved in: the rename that failed is the error to report
                break
        raise
