"""The files an import reads and an export writes: the checks every format shares.

* :func:`read_source`: a file to import, as bytes read once: refused when it is a symbolic
  link (also refused on open, ``O_NOFOLLOW``), missing, a folder, unreadable, empty or over
  :data:`MAX_BYTES`.
* :func:`package_names`: an Office file (a zip package) checked before any reader opens it: a zip
  at all, holding the part that makes it the kind expected, unpacking to at most
  :data:`MAX_UNPACKED` (a "zip bomb" of a few hundred kilobytes could otherwise unpack to
  gigabytes in memory).
* :func:`decode_text`: a text file's bytes as text: UTF-8 (a byte order mark allowed), UTF-16
  with a byte order mark, else Windows-1252; a binary file is refused.
* :func:`checked_output`: where an export is written, refused when it is a symbolic link or a
  folder.

Messages say what was expected, what was found and how to fix it, and never quote the file's
contents.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from ..core.paths import checked_input_path
from ..errors import FormError

#: The largest file an import reads.
MAX_BYTES = 50 * 2**20
#: The most an Office file (docx, xlsx) may unpack to.
MAX_UNPACKED = 500 * 2**20

#: How a file of another kind starts, and what it is (for messages).
_KINDS = {
    b"%PDF": "a PDF: copy its text into a .txt file and import that",
    b"PK\x03\x04": "a zip package (an Office file or an archive)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an Office 97-2003 file (.doc or .xls) or a file protected with a password: "
                                          "save it from Word or Excel as .docx or .xlsx, without a password",
    b"{\\rtf": "a Rich Text file: save it from Word as .docx",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def describe_start(data: bytes) -> str | None:
    """What kind of file ``data`` is, from how it starts, when it is a well-known one."""
    for start, kind in _KINDS.items():
        if data.startswith(start):
            return kind
    return None


def read_source(path: Path | str, what: str) -> bytes:
    """``path``'s bytes, read once; ``what`` names the file expected in messages ("a Word .docx
    file")."""
    path = Path(path)
    checked_input_path(path.parent, path.name, error=FormError, what="self-assessment file")
    if path.is_dir():
        raise FormError(f"expected {what}; found a folder: give the file's path", path=path)
    if not path.is_file():
        raise FormError(f"expected {what} to import; found no such file: check the path", path=path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FormError(f"expected {what} that can be read; found it cannot be ({exc.strerror}): check its "
                        "permissions", path=path) from None
    if len(data) > MAX_BYTES:
        raise FormError(f"expected {what} of at most {MAX_BYTES // 2**20} MB; found a larger one: is this the right "
                        "file?", path=path)
    if not data.strip():
        raise FormError(f"expected {what} holding the self-assessment form; found an empty file", path=path)
    return data


def package_names(data: bytes, path: Path, *, what: str, part: str, fix: str) -> set[str]:
    """The part names of the Office package ``data`` (a Word or Excel file): refused unless it is a
    zip package holding ``part`` (``word/document.xml``) and unpacking to at most
    :data:`MAX_UNPACKED`. ``fix`` says how to make the file expected ("save it from Word as .docx")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        kind = describe_start(data) or "a file that is not an Office package"
        raise FormError(f"expected {what}; found {kind}: {fix}", path=path) from None
    names = {info.filename for info in infos}
    if part not in names:
        found = ("a Word document" if "word/document.xml" in names else
                 "an Excel workbook" if "xl/workbook.xml" in names else "another kind of zip package")
        raise FormError(f"expected {what}; found {found}: {fix}", path=path)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED:
        raise FormError(f"expected {what} that unpacks to at most {MAX_UNPACKED // 2**20} MB; found one that unpacks "
                        f"to {unpacked / 2**20:,.0f} MB: is this the right file?", path=path)
    return names


def decode_text(data: bytes, path: Path, what: str) -> str:
    """``data`` as text (see the module's description); a binary file is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormError(f"expected {what} in UTF-16 (its byte order mark says so); found bytes that are not: "
                            "save it again as UTF-8 text", path=path) from None
    kind = describe_start(data)
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 9 or (13 < byte < 32 and byte != 27))
    if kind is not None or b"\x00" in head or controls > len(head) // 100:
        raise FormError(f"expected {what} (text); found {kind or 'a binary file'}", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FormError(f"expected {what} in UTF-8 or Windows-1252 text; found bytes that are neither: save it again "
                        "as UTF-8 text", path=path) from None


def checked_output(path: Path | str, what: str = "the export") -> Path:
    """``path`` to write ``what`` to, refused when it is a symbolic link (a link could make it
    another file) or a folder."""
    path = Path(path)
    if os.path.islink(path):
        raise FormError(f"expected a file to write {what} to; found a symbolic link: remove the link or give "
                        "another path", path=path)
    if path.is_dir():
        raise FormError(f"expected a file to write {what} to; found a folder: give a file name", path=path)
    return path


__all__ = ["MAX_BYTES", "MAX_UNPACKED", "checked_output", "decode_text", "describe_start", "package_names",
           "read_source"]
