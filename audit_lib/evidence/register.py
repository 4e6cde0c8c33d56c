"""One landlord's evidence register: the documents its answers cite, each by a short id.

The register is a plain YAML file people can read and edit,
``inputs/<landlord>/evidence/register.yaml``::

    # Evidence register: the documents the answers cite, by id.
    documents:
      - id: POL-01
        title: Complaints policy
        version: "3.2"
        date: 2024-04-01
        owner: Head of Customer Experience
        file: files/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.pdf
        sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        filename: Complaints policy v3.2.pdf
      - id: WEB-01
        title: How to complain (our website)
        url: https://www.example.org/complaints

An evidence item cites a document by giving its id as the item's ``reference``
(:meth:`EvidenceRegister.resolve`); a reference may instead be a web link
(:func:`is_web_link`). Each document is either a **file** or a **link**:

* A file is kept in ``evidence/files/``, named by the SHA-256 of its content and the original
  extension, so the same content is stored once whoever attaches it and a stored file is never
  overwritten (:meth:`EvidenceRegister.attach`). Attaching a new file to an existing id makes it
  a new version of that document: the entry's file, hash and version change, and the old file
  stays on disk (a signature may have recorded it). The original file name is kept for display
  only, sanitised. A ``file`` is a path inside the evidence folder: absolute paths, ``..`` and
  symbolic links are refused.
* A link is an ``http://`` or ``https://`` address; any other (``javascript:``, ``data:``,
  ``file:``, ``ftp:``, a relative address) is refused.

The recorded SHA-256 is checked against the file when asked (:meth:`EvidenceRegister.verify`):
a missing or altered file is a problem reported (and a finding on the answers citing it), never
ignored. A signature records the hash of each cited file (:func:`document_hashes`), so a
document changed after sign-off shows as a finding.

Writers are serialised: a change takes an exclusive ``fcntl.flock`` on ``register.yaml.lock``
beside the register, reads the file again under the lock, changes only the entry concerned
with ruamel.yaml's round trip (the comments and order people wrote are kept), checks that the
result reads back strictly, and writes it atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date as Date  # noqa: N812 - the field is called ``date``
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ..core.io import atomic_write_text, current_umask, describe_validation_error, fsync_folder
from ..core.paths import EVIDENCE_FILES, EVIDENCE_FOLDER, EVIDENCE_REGISTER, checked_input_path, evidence_dir
from ..core.yaml_files import load_yaml, parse_yaml, shorten
from ..errors import EvidenceRegisterError

if TYPE_CHECKING:
    from ..assessment.answers import Assessment

#: The largest file the register keeps (policies, reports and minutes are far smaller).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The longest web address accepted.
MAX_URL_LENGTH = 2000
#: The longest id: letters, digits, '.', '_' and '-'.
MAX_ID_LENGTH = 64
#: The longest title, owner, version or display file name kept.
MAX_TEXT_LENGTH = 500

_ID = re.compile(r"^[A-Za-z0-9._-]+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")
_LINK_SCHEMES = ("http", "https")
_HEADER = ("# Evidence register: the documents the answers cite, by id (an evidence item's reference).\n"
           "# Files are kept in files/, named by the SHA-256 of their content: do not rename or edit them;\n"
           "# attach a new version instead. See docs/evidence.md.\n")
#: The fields of an entry in the order they are written.
_FIELDS = ("id", "title", "version", "date", "owner", "file", "sha256", "filename", "url")


def check_id(value: object) -> str:
    """A document id: 1 to 64 letters, digits, '.', '_' or '-' (spaces around it trimmed).

    Raises ``ValueError`` with the reason (the register turns it into an :class:`EvidenceRegisterError`).
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a document id (letters, digits, '.', '_', '-'); found {type(value).__name__} "
                         f"{shorten(value)}: write the id as text")
    text = value.strip()
    if not text:
        raise ValueError("expected a document id (letters, digits, '.', '_', '-'); found an empty one")
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(f"expected a document id of at most {MAX_ID_LENGTH} characters; found {len(text)}")
    if not _ID.match(text):
        raise ValueError(f"expected a document id of letters, digits, '.', '_' and '-' only; found {shorten(text)}: "
                         "use e.g. POL-01")
    return text


def check_url(value: object) -> str:
    """A web link: an absolute ``http://`` or ``https://`` address with a host, trimmed.

    Anything else (``javascript:``, ``data:``, ``file:``, ``ftp:``, a relative address, spaces or
    control characters inside, a user name or password) raises ``ValueError`` saying why.
    """
    expected = "expected a web link starting http:// or https://"
    if not isinstance(value, str):
        raise ValueError(f"{expected}; found {type(value).__name__} {shorten(value)}")
    text = value.strip()
    if not text:
        raise ValueError(f"{expected}; found an empty link")
    if len(text) > MAX_URL_LENGTH:
        raise ValueError(f"{expected} of at most {MAX_URL_LENGTH:,} characters; found {len(text):,}")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValueError(f"{expected}; found one with spaces or control characters inside: "
                         "write a space as %20")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        has_credentials = parts.username is not None or parts.password is not None
    except ValueError:
        raise ValueError(f"{expected}; found an address that cannot be read ({shorten(text)})") from None
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES:
        found = f"a {shorten(scheme + ':')} address" if scheme else "a relative address (no http:// or https://)"
        raise ValueError(f"{expected}; found {found}: only web pages can be linked")
    if not parts.netloc or not host:
        raise ValueError(f"{expected} and a host name; found {shorten(text)}")
    if has_credentials:
        raise ValueError(f"{expected} without a user name or password; found one with them: remove them from the link")
    return text


def is_web_link(reference: str | None) -> bool:
    """Whether an evidence item's reference is a web link the product accepts (http or https)."""
    if reference is None:
        return False
    try:
        check_url(reference)
    except ValueError:
        return False
    return True


def display_filename(name: str) -> str:
    """The original file name kept for display: its last path part only, control characters
    replaced, leading dots and outer spaces removed, at most 200 characters (``document`` when
    nothing is left). It never names a path: files are stored by hash."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", str(name)))[-1]
    base = "".join(ch if ch.isprintable() else "_" for ch in base).strip().lstrip(".").strip()
    if len(base) > 200:
        match = _EXTENSION.search(base)
        suffix = match.group(0) if match else ""
        base = base[:200 - len(suffix)] + suffix
    return base or "document"


def _extension(name: str) -> str:
    """The stored file's extension: the original's, lower case, if it is 1-10 letters or digits."""
    match = _EXTENSION.search(display_filename(name))
    return "." + match.group(1).lower() if match else ""


def _check_file(value: str) -> str:
    """A ``file`` entry: a relative path inside the evidence folder, without '..' (links are
    refused where the path is used, :meth:`EvidenceRegister.file_path`)."""
    text = value.strip()
    if not text or text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text) or "\\" in text or "\x00" in text:
        raise ValueError(f"expected a file path inside the evidence folder (e.g. files/<sha256>.pdf); found "
                         f"{shorten(text)}: an absolute path or one with backslashes")
    parts = Path(text).parts
    if ".." in parts:
        raise ValueError(f"expected a file path inside the evidence folder; found {shorten(text)}, which "
                         "leaves it ('..'): keep the file in the evidence folder")
    return text


def _text(value: object, what: str, *, required: bool = False) -> str | None:
    """A title, owner or version as given, trimmed; ``None`` when blank and not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"expected a {what}; found none")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        hint = ": write it in quotes" if isinstance(value, float) else ""
        raise ValueError(f"expected the {what} as text; found {type(value).__name__} {shorten(value)}{hint}")
    text = str(value).strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"expected a {what} of at most {MAX_TEXT_LENGTH} characters; found {len(text):,}")
    return text


class Document(BaseModel):
    """One document of the register: a file kept in the evidence folder, or a web link."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: What an evidence item's ``reference`` gives to cite it (``POL-01``).
    id: str
    title: str
    version: str | None = None
    date: Date | None = None
    owner: str | None = None
    #: The stored file, relative to the evidence folder (``files/<sha256>.pdf``).
    file: str | None = None
    #: The SHA-256 of the file's content as attached (lower-case hex).
    sha256: str | None = None
    #: The file's original name, for display only.
    filename: str | None = None
    url: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str:
        return check_id(value)

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> str | None:
        return _text(value, "title", required=True)

    @field_validator("version", "owner", mode="before")
    @classmethod
    def _optional_text(cls, value: object) -> str | None:
        return _text(value, "version or owner")

    @field_validator("filename", mode="before")
    @classmethod
    def _filename(cls, value: object) -> str | None:
        text = _text(value, "file name")
        return None if text is None else display_filename(text)

    @field_validator("file", mode="before")
    @classmethod
    def _file(cls, value: object) -> object:
        return _check_file(value) if isinstance(value, str) else value

    @field_validator("sha256", mode="before")
    @classmethod
    def _sha256(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip().lower()
            if not _SHA256.match(text):
                raise ValueError("expected a SHA-256 of 64 hexadecimal characters; found "
                                 f"{len(value.strip())} characters that are not one")
            return text
        return value

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: object) -> object:
        return None if value is None else check_url(value)

    @model_validator(mode="after")
    def _file_or_link(self) -> Document:
        if (self.file is None) == (self.url is None):
            raise ValueError("expected either a file (with its sha256) or a url, not both and not neither")
        if self.file is not None and self.sha256 is None:
            raise ValueError("expected the sha256 of the file beside it; attach the file again to record it")
        if self.url is not None and (self.sha256 is not None or self.filename is not None):
            raise ValueError("a link has no sha256 or filename; remove them, or give a file instead of the url")
        return self

    @property
    def is_file(self) -> bool:
        return self.file is not None

    @property
    def label(self) -> str:
        """The id, title and version, as messages name the document (``POL-01 (Complaints policy, version 3.2)``)."""
        version = f", version {self.version}" if self.version else ""
        return f"{self.id} ({self.title}{version})"


@dataclass(frozen=True)
class FileProblem:
    """A document whose file is not as the register recorded it (see :meth:`EvidenceRegister.verify`)."""

    document: str
    #: ``missing``: no file there; ``altered``: its content's SHA-256 is not the one recorded;
    #: ``unsafe``: not an ordinary file inside the evidence folder (a symbolic link, a folder).
    kind: Literal["missing", "altered", "unsafe"]
    message: str


def _sha256_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class EvidenceRegister:
    """The documents of one landlord's register, by id in file order, and its files.

    Built by :func:`load_register`. :meth:`attach` and :meth:`add_link` change the file on disk
    (under its lock) and this object with it, picking up what other writers saved meanwhile.
    """

    def __init__(self, landlord_folder: Path, documents: Mapping[str, Document] | None = None) -> None:
        self.landlord_folder = Path(landlord_folder)
        #: id -> document, in the register file's order.
        self.documents: dict[str, Document] = dict(documents or {})
        self._hashes: dict[Path, tuple[tuple[int, int, int, int], str]] = {}

    @property
    def folder(self) -> Path:
        """``inputs/<landlord>/evidence/``."""
        return evidence_dir(self.landlord_folder)

    @property
    def path(self) -> Path:
        """The register file, ``evidence/register.yaml``."""
        return self.folder / EVIDENCE_REGISTER

    @property
    def lock_path(self) -> Path:
        return self.folder / f"{EVIDENCE_REGISTER}.lock"

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents.values())

    def get(self, document_id: str) -> Document | None:
        """The document with this id, or ``None``."""
        return self.documents.get(document_id)

    def resolve(self, reference: str | None) -> Document | None:
        """The document an evidence item's reference cites: the one whose id it is, once the spaces
        around it are trimmed, or whose id it starts with, followed by a space and the place within
        the document (``POL-CX-001 v4 s6`` cites ``POL-CX-001``; the longest such id wins). A comma
        after the id starts a list of documents (``POL-01, NOPE-9``), which cites no one document, so
        an unknown second id is never hidden; ``None`` for no reference, a link or an unknown id."""
        if reference is None:
            return None
        text = reference.strip()
        exact = self.documents.get(text)
        if exact is not None or not text:
            return exact
        cited = [d for i, d in self.documents.items() if text.startswith(i) and text[len(i)] == " "]
        return max(cited, key=lambda d: len(d.id), default=None)

    def file_path(self, document: Document) -> Path:
        """Where the document's file is, checked: inside the evidence folder, no symbolic link on the
        way. A link, or a path that would leave the folder, raises :class:`EvidenceRegisterError`."""
        if document.file is None:
            raise EvidenceRegisterError(f"the document {document.id!r} is a link, not a file; open its url instead",
                                        path=self.path)
        return checked_input_path(self.landlord_folder, Path(EVIDENCE_FOLDER) / document.file,
                                  error=EvidenceRegisterError, what="evidence file")

    # -- checking the files -------------------------------------------------------------------------

    def verify(self, ids: Iterable[str] | None = None) -> list[FileProblem]:
        """Each file document (or each of ``ids`` that is one) whose file is missing, altered or
        unsafe, in register order. Hashes are remembered per file while its size, time and inode
        stay the same, so checking again after every change is cheap."""
        wanted = set(self.documents) if ids is None else set(ids)
        problems: list[FileProblem] = []
        for document in self.documents.values():
            if document.id in wanted and document.file is not None:
                problem = self._check(document)
                if problem is not None:
                    problems.append(problem)
        return problems

    def _check(self, document: Document) -> FileProblem | None:
        stored = f"{EVIDENCE_FOLDER}/{document.file}"
        try:
            path = self.file_path(document)
            info = os.stat(path, follow_symlinks=False)
        except EvidenceRegisterError:
            return FileProblem(document.id, "unsafe", f"{document.label}: its file {stored} is a symbolic link or "
                                                      "leads out of the evidence folder; put the file itself there")
        except FileNotFoundError:
            return FileProblem(document.id, "missing", f"{document.label}: its file {stored} is missing from the "
                                                       "evidence folder; restore it, or attach the document again")
        except OSError as exc:
            return FileProblem(document.id, "missing", f"{document.label}: its file {stored} cannot be read "
                                                       f"({exc.strerror})")
        if not stat.S_ISREG(info.st_mode):
            return FileProblem(document.id, "unsafe", f"{document.label}: {stored} is not an ordinary file")
        try:
            digest = self._hash(path, info)
        except OSError as exc:
            return FileProblem(document.id, "missing", f"{document.label}: its file {stored} cannot be read "
                                                       f"({exc.strerror})")
        if digest != document.sha256:
            return FileProblem(document.id, "altered", f"{document.label}: its file {stored} has been changed on "
                                                       "disk (its SHA-256 is not the one the register recorded); "
                                                       "restore it, or attach the changed file as a new version")
        return None

    def _hash(self, path: Path, info: os.stat_result) -> str:
        key = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
        known = self._hashes.get(path)
        if known is not None and known[0] == key:
            return known[1]
        digest = _sha256_file(path)
        self._hashes[path] = (key, digest)
        return digest

    # -- changing the register ----------------------------------------------------------------------

    def attach(self, content: bytes, filename: str, *, id: str, title: str, version: str | None = None,  # noqa: A002
               date: Date | None = None, owner: str | None = None) -> Document:
        """Keep ``content`` in the evidence folder and record it under ``id``.

        The file is stored as ``files/<sha256><extension>`` unless a file with that content is
        there already (then it is reused; a stored file is never overwritten). A new id adds a
        document; an existing id gets a new version: its file, hash, file name, title, version and
        date are replaced (the old file stays on disk) and its owner is kept unless one is given.
        """
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise EvidenceRegisterError(f"expected the file's content as bytes; found {type(content).__name__}",
                                        path=self.path)
        data = bytes(content)
        if not data:
            raise EvidenceRegisterError(f"expected a document for {id!r}; found an empty file: attach the document "
                                        "itself", path=self.path)
        if len(data) > MAX_FILE_BYTES:
            raise EvidenceRegisterError(
                f"expected a file of at most {_size(MAX_FILE_BYTES)}; found one of {_size(len(data))} "
                f"({display_filename(filename)!r}): keep a smaller copy "
                "(e.g. a PDF of the pages that matter) or link to it", path=self.path)
        digest = _sha256_bytes(data)
        stored = f"{EVIDENCE_FILES}/{digest}{_extension(filename)}"
        with self._locked() as current:
            old = current.get(self._checked_id(id))
            document = self._document(id=id, title=title, version=version, date=date,
                                      owner=owner if owner is not None or old is None else old.owner,
                                      file=stored, sha256=digest, filename=display_filename(filename))
            self._store(data, stored, digest)
            self._save(current, document)
        return document

    def add_link(self, url: str, *, id: str, title: str, version: str | None = None,  # noqa: A002
                 date: Date | None = None, owner: str | None = None) -> Document:
        """Record a web link (http or https only) under ``id``: a new document, or a new version of
        an existing one (its url, title, version and date replaced; its owner kept unless given)."""
        with self._locked() as current:
            old = current.get(self._checked_id(id))
            document = self._document(id=id, title=title, version=version, date=date, url=url,
                                      owner=owner if owner is not None or old is None else old.owner)
            self._save(current, document)
        return document

    def reload(self) -> None:
        """Read the register file again (what other writers have saved since)."""
        self.documents = _read(self.landlord_folder)

    def _checked_id(self, value: object) -> str:
        try:
            return check_id(value)
        except ValueError as exc:
            raise EvidenceRegisterError(str(exc), path=self.path) from None

    def _document(self, **fields: Any) -> Document:
        try:
            return Document(**fields)
        except ValidationError as exc:
            raise EvidenceRegisterError(f"document {shorten(fields.get('id'))}: {_problems(exc)}",
                                        path=self.path) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Document]]:
        """Hold the register's lock; yield the documents as the file holds them now."""
        checked_input_path(self.landlord_folder, Path(EVIDENCE_FOLDER) / f"{EVIDENCE_REGISTER}.lock",
                           error=EvidenceRegisterError, what="evidence register lock")
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise EvidenceRegisterError(f"cannot open the register's lock file ({exc.strerror}); check the "
                                        "evidence folder's permissions", path=self.lock_path) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            current = _read(self.landlord_folder)
            self.documents = current
            yield dict(current)
        finally:
            os.close(fd)  # closing releases the lock

    def _store(self, data: bytes, stored: str, digest: str) -> None:
        """Write the file under its hash name unless it is there already (never overwriting one)."""
        target = checked_input_path(self.landlord_folder, Path(EVIDENCE_FOLDER) / stored,
                                    error=EvidenceRegisterError, what="evidence file")
        if os.path.lexists(target):
            self._check_stored(target, digest)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".attach.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o444 & ~current_umask())  # stored files are not edited: a new version is a new file
            try:
                os.link(tmp, target)  # fails rather than replace a file that appeared meanwhile
            except FileExistsError:
                self._check_stored(target, digest)
            except OSError:  # a file system without hard links: the lock keeps our writers apart
                if os.path.lexists(target):
                    self._check_stored(target, digest)
                else:
                    os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        fsync_folder(target.parent)

    def _check_stored(self, target: Path, digest: str) -> None:
        if not target.is_file() or target.is_symlink() or _sha256_file(target) != digest:
            raise EvidenceRegisterError(
                f"expected the stored file {target.name} to hold the content its name is the SHA-256 of; found "
                "something else there (it was changed or replaced): move it out of the evidence folder, then "
                "attach the document again", path=target)

    def _save(self, current: dict[str, Document], document: Document) -> None:
        """Write ``current`` with ``document`` added or replaced, changing only its entry."""
        path = self.path
        text = path.read_text(encoding="utf-8") if path.exists() else None
        new_text = _render(text, document)
        expected = {**current, document.id: document}
        if _parse(new_text, path) != expected:  # pragma: no cover - what the round trip writes always reads back
            raise EvidenceRegisterError("the register could not be written so that it reads back as intended; "
                                        "nothing was saved; check the file for unusual YAML", path=path)
        atomic_write_text(path, new_text)
        self.documents = _parse(new_text, path)


def _size(count: int) -> str:
    """A size in MB, with the bytes when the MB alone would hide the difference (``50.0 MB``)."""
    megabytes = count / (1024 * 1024)
    return f"{megabytes:,.0f} MB" if megabytes == int(megabytes) else f"{megabytes:,.1f} MB ({count:,} bytes)"


def _problems(exc: ValidationError) -> str:
    return describe_validation_error(exc).replace("Value error, ", "").replace("(top level): ", "")


def _parse(text: str, path: Path) -> dict[str, Document]:
    """The documents of a register's text, read strictly; any problem raises naming the file."""
    return _validate(parse_yaml(text, path, EvidenceRegisterError).data, path)


def _validate(data: Any, path: Path) -> dict[str, Document]:
    """The documents of a register's data, each checked; the first problem raises naming the file,
    the document's place in it (from 1) and its id."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EvidenceRegisterError(f"expected a mapping with a 'documents:' list; found {type(data).__name__}",
                                    path=path)
    unknown = [str(key) for key in data if key != "documents"]
    if unknown:
        raise EvidenceRegisterError(f"expected only a 'documents:' list at the top; found {shorten(unknown[0])}: "
                                    "remove it, or indent it under a document", path=path)
    entries = data.get("documents")
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise EvidenceRegisterError(f"expected 'documents:' to be a list (each document starting '- id:'); found "
                                    f"{type(entries).__name__}", path=path)
    documents: dict[str, Document] = {}
    first: dict[str, int] = {}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise EvidenceRegisterError(f"document {number}: expected a mapping (id, title, and a file or a url); "
                                        f"found {type(entry).__name__}", path=path)
        name = f"document {number}" + (f" ({shorten(entry['id'])})" if isinstance(entry.get("id"), str) else "")
        try:
            document = Document.model_validate(entry)
        except ValidationError as exc:
            raise EvidenceRegisterError(f"{name}: {_problems(exc)}", path=path) from None
        if document.id in documents:
            raise EvidenceRegisterError(f"the document id {document.id!r} appears twice (documents "
                                        f"{first[document.id]} and {number}); expected each id once: give one of "
                                        "them another id", path=path)
        documents[document.id] = document
        first[document.id] = number
    return documents


def _read(landlord_folder: Path) -> dict[str, Document]:
    path = checked_input_path(landlord_folder, Path(EVIDENCE_FOLDER) / EVIDENCE_REGISTER,
                              error=EvidenceRegisterError, what="evidence register")
    if not path.exists():
        return {}
    # A document's file is checked when it is used (file_path) and by verify: one bad file, a
    # symbolic link say, is a problem of that document (a finding where it is cited), never a
    # register that cannot be read at all.
    return _validate(load_yaml(path, EvidenceRegisterError), path)


def load_register(landlord_folder: Path) -> EvidenceRegister:
    """The landlord's register (``<landlord folder>/evidence/register.yaml``), read strictly; an
    empty register when there is none. A damaged file, a bad id, link or file path (one leaving
    the evidence folder), or a duplicate id raises one :class:`EvidenceRegisterError` naming it; a
    stored file that is missing, altered or a symbolic link is reported by :meth:`EvidenceRegister.verify`."""
    return EvidenceRegister(landlord_folder, _read(Path(landlord_folder)))


# -- writing ----------------------------------------------------------------------------------------

def _plain(value: str) -> Any:
    """A string as written: plain where every YAML reader reads it back as this string, else quoted."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    try:
        plain = yaml.safe_load(value) == value  # YAML 1.1 (the stricter reader of the two)
    except yaml.YAMLError:
        plain = False
    return value if plain and value == value.strip() else DoubleQuotedScalarString(value)


def _entry_values(document: Document) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(document, name)
        if value is not None:
            values[name] = _plain(value) if isinstance(value, str) else value
    return values


def _render(text: str | None, document: Document) -> str:
    """The register's text with ``document``'s entry added or replaced (ruamel.yaml's round trip:
    the comments, order and quoting people wrote elsewhere are kept)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # long titles and links stay on one line
    rt.indent(mapping=2, sequence=4, offset=2)
    data = rt.load(text) if text and text.strip() else None
    if data is None:
        data = rt.load(_HEADER + "documents:\n")
    entries = data.get("documents")
    if entries is None:
        entries = CommentedSeq()
        data["documents"] = entries
    if not entries:
        entries.fa.set_block_style()
    values = _entry_values(document)
    for entry in entries:
        if isinstance(entry, dict) and str(entry.get("id", "")).strip() == document.id:
            for name in _FIELDS:
                if name in values:
                    entry[name] = values[name]
                elif name in entry:
                    del entry[name]
            break
    else:
        entries.append(CommentedMap(values))
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


# -- what the answers cite --------------------------------------------------------------------------

def _provision_order(provision_id: str) -> tuple[int, ...]:
    """A provision id's place in the Code (``2024:6.12`` -> (6, 12)); unknown forms last."""
    number = provision_id.split(":", 1)[-1]
    try:
        return tuple(int(part) for part in number.split("."))
    except ValueError:
        return (1 << 30,)


def cited_documents(assessment: Assessment, register: EvidenceRegister | None) -> dict[str, list[str]]:
    """Document id -> the provisions whose evidence cites it (each once, in the Code's order); the
    documents in the order they are first cited. References not in the register are left out."""
    cited: dict[str, list[str]] = {}
    if register is None:
        return cited
    for provision in sorted(assessment.answers, key=_provision_order):
        for item in assessment.answers[provision].evidence:
            document = register.resolve(item.reference)
            if document is not None:
                provisions = cited.setdefault(document.id, [])
                if provision not in provisions:
                    provisions.append(provision)
    return cited


def document_hashes(assessment: Assessment, register: EvidenceRegister | None) -> dict[str, str]:
    """What a signature records (``SignOff.documents``): for each cited document kept as a file,
    its id -> the SHA-256 the register holds for it now. Links have no hash and are left out;
    whether the files still match is :meth:`EvidenceRegister.verify`'s business."""
    if register is None:
        return {}
    hashes: dict[str, str] = {}
    for document_id in cited_documents(assessment, register):
        document = register.documents[document_id]
        if document.sha256 is not None:
            hashes[document_id] = document.sha256
    return hashes


__all__ = ["MAX_FILE_BYTES", "Document", "EvidenceRegister", "FileProblem", "check_id", "check_url",
           "cited_documents", "display_filename", "document_hashes", "is_web_link", "load_register"]
