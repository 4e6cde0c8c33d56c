"""The evidence register: its file, files stored once by hash, links, refusals, hashes, writers."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.assessment.answers import Answer, Assessment, Evidence
from audit_lib.errors import EvidenceRegisterError
from audit_lib.evidence import register as register_module
from audit_lib.evidence.register import (
    MAX_FILE_BYTES,
    EvidenceRegister,
    cited_documents,
    display_filename,
    document_hashes,
    is_web_link,
    load_register,
)

POLICY = b"%PDF-1.4 complaints policy version 3.2\n"
POLICY_V4 = b"%PDF-1.4 complaints policy version 4\n"


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def landlord(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs" / "riverbend-homes"
    folder.mkdir(parents=True)
    return folder


def register_file(landlord: Path) -> Path:
    return landlord / "evidence" / "register.yaml"


def write_register(landlord: Path, text: str) -> Path:
    path = register_file(landlord)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def stored_files(landlord: Path) -> list[str]:
    folder = landlord / "evidence" / "files"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def one_error(landlord: Path) -> EvidenceRegisterError:
    with pytest.raises(EvidenceRegisterError) as caught:
        load_register(landlord)
    return caught.value


# -- the file and its round trip --------------------------------------------------------------------

def test_no_register_is_an_empty_register(landlord: Path) -> None:
    register = load_register(landlord)
    assert register.documents == {}
    assert register.resolve("POL-01") is None
    assert register.verify() == []
    assert not (landlord / "evidence").exists()  # reading creates nothing


def test_an_empty_register_file_is_an_empty_register(landlord: Path) -> None:
    write_register(landlord, "# nothing yet\n")
    assert load_register(landlord).documents == {}
    write_register(landlord, "documents:\n")
    assert load_register(landlord).documents == {}


def test_round_trip_of_files_and_links(landlord: Path) -> None:
    register = load_register(landlord)
    policy = register.attach(POLICY, "Complaints Policy v3.2.PDF", id="POL-01", title="Complaints policy",
                             version="3.2", date=dt.date(2024, 4, 1), owner="Head of Customer Experience")
    link = register.add_link("https://www.example.org/complaints", id="WEB-01", title="How to complain: 2 ways")
    assert policy.file == f"files/{sha(POLICY)}.pdf" and policy.sha256 == sha(POLICY)
    assert policy.filename == "Complaints Policy v3.2.PDF"
    assert link.url == "https://www.example.org/complaints" and link.file is None and link.sha256 is None

    again = load_register(landlord)
    assert list(again.documents) == ["POL-01", "WEB-01"]  # file order
    assert again.documents == register.documents == {"POL-01": policy, "WEB-01": link}
    assert again.get("POL-01") == policy and again.get("nope") is None
    assert again.file_path(policy).read_bytes() == POLICY
    text = register_file(landlord).read_text(encoding="utf-8")
    assert "  - id: POL-01\n    title: Complaints policy\n    version: \"3.2\"\n    date: 2024-04-01\n" in text
    assert 'title: "How to complain: 2 ways"' in text  # quoted where plain YAML would misread it


def test_comments_and_hand_written_entries_survive_a_change(landlord: Path) -> None:
    write_register(landlord, "# Riverbend's register (kept by the complaints team)\n"
                             "documents:\n"
                             "  # the website\n"
                             "  - id: WEB-01   # keep this id\n"
                             "    title: 'Complaints page'\n"
                             "    url: https://www.example.org/complaints\n")
    load_register(landlord).attach(POLICY, "policy.pdf", id="POL-01", title="Complaints policy")
    text = register_file(landlord).read_text(encoding="utf-8")
    assert text.startswith("# Riverbend's register (kept by the complaints team)\ndocuments:\n  # the website\n"
                           "  - id: WEB-01   # keep this id\n    title: 'Complaints page'\n")
    assert list(load_register(landlord).documents) == ["WEB-01", "POL-01"]


def test_resolve_is_the_id_then_an_optional_place_within_the_document(landlord: Path) -> None:
    register = load_register(landlord)
    register.add_link("https://example.org/a", id="POL-01", title="A")
    register.add_link("https://example.org/b", id="POL-01-B", title="B")
    assert register.resolve("  POL-01 ") is register.documents["POL-01"]
    assert register.resolve("pol-01") is None  # ids are exact
    assert register.resolve("POL-01 s.3") is register.documents["POL-01"]  # the place within it follows a space
    assert register.resolve("POL-01 section 3, page 4") is register.documents["POL-01"]
    assert register.resolve("POL-01, NOPE-999") is None  # a list of documents: an unknown one is never hidden
    assert register.resolve("POL-01-B v2") is register.documents["POL-01-B"]  # the longest id that fits
    assert register.resolve("POL-012") is None  # another id, not POL-01
    assert register.resolve("POL-01s3") is None
    assert register.resolve(None) is None
    assert register.resolve("https://example.org/a") is None  # a link is not a register id


def test_web_links() -> None:
    assert is_web_link("https://example.org/x") and is_web_link(" HTTP://Example.org ")
    for reference in (None, "", "POL-01", "www.example.org", "javascript:alert(1)", "ftp://example.org/x",
                      "file:///etc/passwd", "data:text/html,hi", "/complaints", "https://"):
        assert not is_web_link(reference), reference


# -- files: stored once, never overwritten, new versions -------------------------------------------

def test_the_same_content_is_stored_once(landlord: Path) -> None:
    register = load_register(landlord)
    first = register.attach(POLICY, "policy.pdf", id="POL-01", title="Complaints policy")
    second = register.attach(POLICY, "copy of policy.PDF", id="POL-02", title="The same policy, again")
    assert first.file == second.file and first.sha256 == second.sha256
    assert stored_files(landlord) == [f"{sha(POLICY)}.pdf"]
    assert second.filename == "copy of policy.PDF"


def test_a_new_version_keeps_the_old_file(landlord: Path) -> None:
    register = load_register(landlord)
    old = register.attach(POLICY, "policy.pdf", id="POL-01", title="Complaints policy", version="3.2",
                          owner="Head of Customer Experience")
    new = register.attach(POLICY_V4, "policy v4.docx", id="POL-01", title="Complaints policy", version="4")
    assert list(load_register(landlord).documents) == ["POL-01"]
    assert new.file == f"files/{sha(POLICY_V4)}.docx" and new.sha256 == sha(POLICY_V4) and new.version == "4"
    assert new.owner == "Head of Customer Experience"  # kept when not given
    assert stored_files(landlord) == sorted([f"{sha(POLICY)}.pdf", f"{sha(POLICY_V4)}.docx"])
    assert (landlord / "evidence" / old.file).read_bytes() == POLICY  # the old version stays, unchanged


def test_a_stored_file_is_never_overwritten(landlord: Path) -> None:
    register = load_register(landlord)
    document = register.attach(POLICY, "policy.pdf", id="POL-01", title="Complaints policy")
    path = register.file_path(document)
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o222 == 0  # stored read-only
    before = os.stat(path)
    register.attach(POLICY, "policy.pdf", id="POL-02", title="Again")
    after = os.stat(path)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)

    # a file someone changed under a hash name is refused, not overwritten
    os.chmod(path, 0o644)
    path.write_bytes(b"something else")
    with pytest.raises(EvidenceRegisterError) as caught:
        register.attach(POLICY, "policy.pdf", id="POL-03", title="Third")
    assert caught.value.path == path and "move it out of the evidence folder" in str(caught.value)
    assert path.read_bytes() == b"something else"
    assert "POL-03" not in load_register(landlord).documents


def test_display_file_names_are_sanitised() -> None:
    assert display_filename("../../etc/passwd") == "passwd"
    assert display_filename("C:\\Users\\me\\Policy.pdf") == "Policy.pdf"
    assert display_filename("a\nb\x00c.pdf") == "a_b_c.pdf"
    assert display_filename("...hidden") == "hidden"
    assert display_filename("   ") == "document"
    long = display_filename("x" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")


def test_stored_names_take_a_plain_extension_only(landlord: Path) -> None:
    register = load_register(landlord)
    assert register.attach(b"a", "notes", id="A", title="A").file == f"files/{sha(b'a')}"
    assert register.attach(b"b", "x.tar.GZ", id="B", title="B").file == f"files/{sha(b'b')}.gz"
    assert register.attach(b"c", "x.p df", id="C", title="C").file == f"files/{sha(b'c')}"
    assert register.attach(b"d", "x.<script>", id="D", title="D").file == f"files/{sha(b'd')}"


def test_size_cap_on_both_sides(landlord: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register = load_register(landlord)
    monkeypatch.setattr(register_module, "MAX_FILE_BYTES", 10)
    register.attach(b"x" * 10, "ten.txt", id="TEN", title="Ten bytes")
    with pytest.raises(EvidenceRegisterError) as caught:
        register.attach(b"x" * 11, "eleven.txt", id="ELEVEN", title="Eleven bytes")
    assert caught.value.path == register_file(landlord) and "link to it" in str(caught.value)
    assert "ELEVEN" not in load_register(landlord).documents


def test_the_real_size_cap(landlord: Path) -> None:
    assert MAX_FILE_BYTES == 50 * 1024 * 1024
    with pytest.raises(EvidenceRegisterError, match=r"at most 50 MB; found one of 50\.0 MB \(52,428,801 bytes\)"):
        load_register(landlord).attach(bytes(MAX_FILE_BYTES + 1), "huge.pdf", id="HUGE", title="Huge")
    assert stored_files(landlord) == []


def test_an_empty_file_is_refused(landlord: Path) -> None:
    with pytest.raises(EvidenceRegisterError, match="empty file"):
        load_register(landlord).attach(b"", "empty.pdf", id="E", title="Empty")


# -- refusals: ids, links, paths, damaged files -----------------------------------------------------

@pytest.mark.parametrize("bad", ["", "   ", "POL 01", "POL/01", "../x", "pol:1", "Polític", "x" * 65, "a\nb"])
def test_bad_ids_are_refused(landlord: Path, bad: str) -> None:
    register = load_register(landlord)
    with pytest.raises(EvidenceRegisterError) as caught:
        register.add_link("https://example.org", id=bad, title="T")
    assert str(caught.value).startswith(f"{register_file(landlord)}: expected a document id")
    with pytest.raises(EvidenceRegisterError):
        register.attach(POLICY, "p.pdf", id=bad, title="T")
    assert not register_file(landlord).exists() and stored_files(landlord) == []


def test_good_ids_at_the_limits(landlord: Path) -> None:
    register = load_register(landlord)
    for good in ("x" * 64, "A", "POL-01", "cx_rpt.11", " trimmed "):
        register.add_link("https://example.org", id=good, title="T")
    assert list(load_register(landlord).documents) == ["x" * 64, "A", "POL-01", "cx_rpt.11", "trimmed"]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
                                 "file:///etc/passwd", "ftp://example.org/policy.pdf", "/complaints",
                                 "www.example.org/complaints", "//example.org/x", "https://", "http:///x",
                                 "https://user:secret@example.org/", "https://exa mple.org", "", "https://[::1"])
def test_bad_links_are_refused(landlord: Path, bad: str) -> None:
    register = load_register(landlord)
    with pytest.raises(EvidenceRegisterError) as caught:
        register.add_link(bad, id="WEB-01", title="Website")
    message = str(caught.value)
    assert message.startswith(f"{register_file(landlord)}: document 'WEB-01': url: expected a web link starting "
                              "http:// or https://")
    assert "\n" not in message
    assert not register_file(landlord).exists()


def test_refused_links_in_the_file(landlord: Path) -> None:
    write_register(landlord, "documents:\n  - id: WEB-01\n    title: Website\n    url: javascript:alert(1)\n")
    error = one_error(landlord)
    assert error.path == register_file(landlord)
    assert "document 1 ('WEB-01'): url: expected a web link" in error.message and "a 'javascript:' address" in error.message


def test_a_symlinked_file_is_never_read_and_is_that_document_s_problem_only(landlord: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(POLICY)
    files = landlord / "evidence" / "files"
    files.mkdir(parents=True)
    (files / "link.pdf").symlink_to(outside)
    write_register(landlord, f"documents:\n  - id: POL-01\n    title: Policy\n    file: files/link.pdf\n"
                             f"    sha256: {sha(POLICY)}\n  - id: WEB-01\n    title: Site\n"
                             "    url: https://example.org/\n")
    register = load_register(landlord)  # the register still loads: the other documents stand
    assert list(register.documents) == ["POL-01", "WEB-01"]
    [problem] = register.verify()
    assert (problem.document, problem.kind) == ("POL-01", "unsafe") and str(outside) not in problem.message
    with pytest.raises(EvidenceRegisterError, match="symbolic link") as caught:
        register.file_path(register.documents["POL-01"])
    assert str(outside) not in caught.value.message


def test_a_symlinked_files_folder_is_refused(landlord: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (landlord / "evidence").mkdir()
    (landlord / "evidence" / "files").symlink_to(elsewhere)
    with pytest.raises(EvidenceRegisterError, match="symbolic link"):
        load_register(landlord).attach(POLICY, "p.pdf", id="POL-01", title="Policy")
    assert list(elsewhere.iterdir()) == []


def test_a_file_replaced_by_a_symlink_after_loading(landlord: Path, tmp_path: Path) -> None:
    register = load_register(landlord)
    document = register.attach(POLICY, "p.pdf", id="POL-01", title="Policy")
    path = landlord / "evidence" / document.file
    path.unlink()
    outside = tmp_path / "other.pdf"
    outside.write_bytes(POLICY)
    path.symlink_to(outside)
    with pytest.raises(EvidenceRegisterError, match="symbolic link"):
        register.file_path(document)
    [problem] = register.verify()
    assert (problem.document, problem.kind) == ("POL-01", "unsafe")


@pytest.mark.parametrize("bad", ["../x", "files/../../x.pdf", "/etc/passwd", "C:/x.pdf", "files\\x.pdf"])
def test_a_path_escape_is_refused(landlord: Path, bad: str) -> None:
    write_register(landlord, f"documents:\n  - id: POL-01\n    title: Policy\n    file: '{bad}'\n"
                             f"    sha256: {sha(POLICY)}\n")
    error = one_error(landlord)
    assert error.path == register_file(landlord)
    assert "document 1 ('POL-01'): file: expected a file path inside the evidence folder" in error.message


def test_a_duplicate_id_is_refused(landlord: Path) -> None:
    write_register(landlord, "documents:\n"
                             "  - {id: WEB-01, title: One, url: 'https://example.org/1'}\n"
                             "  - {id: POL-01, title: Two, url: 'https://example.org/2'}\n"
                             "  - {id: WEB-01, title: Three, url: 'https://example.org/3'}\n")
    error = one_error(landlord)
    assert str(error) == (f"{register_file(landlord)}: the document id 'WEB-01' appears twice (documents 1 and 3); "
                          "expected each id once: give one of them another id")


def test_a_damaged_register_gives_one_readable_error(landlord: Path) -> None:
    write_register(landlord, "documents:\n  - id: WEB-01\n    title: One\n    title: Two\n"
                             "    url: https://example.org\n")
    error = one_error(landlord)
    assert error.path == register_file(landlord)
    assert "the key 'title' appears twice, at lines 3 and 4" in error.message
    # and nothing is written over a damaged file
    with pytest.raises(EvidenceRegisterError, match="appears twice"):
        EvidenceRegister(landlord).add_link("https://example.org/x", id="X", title="X")
    assert "title: Two" in register_file(landlord).read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "expected"), [
    ("- id: X\n", "expected a mapping with a 'documents:' list; found list"),
    ("documents: {id: X}\n", "expected 'documents:' to be a list"),
    ("document:\n  - {id: X}\n", "expected only a 'documents:' list at the top; found 'document'"),
    ("documents:\n  - X\n", "document 1: expected a mapping"),
    ("documents:\n  - {id: X, title: T, url: 'https://e.org', colour: red}\n", "document 1 ('X'): colour: Extra inputs"),
    ("documents:\n  - {id: X, title: T, version: 3.2, url: 'https://e.org'}\n", "write it in quotes"),
    ("documents:\n  - {id: X, title: T}\n", "expected either a file (with its sha256) or a url"),
    ("documents:\n  - {id: X, title: T, file: files/a.pdf}\n", "expected the sha256 of the file"),
    ("documents:\n  - {id: X, title: T, file: files/a.pdf, sha256: abc}\n", "expected a SHA-256 of 64"),
    ("documents:\n  - {id: X, url: 'https://e.org'}\n", "document 1 ('X'): title: Field required"),
    ("documents:\n  - {id: X, title: T, url: 'https://e.org', date: 2024-02-30}\n", "is not a date"),
    ("documents: [\n", "not valid YAML"),
])
def test_malformed_registers(landlord: Path, text: str, expected: str) -> None:
    write_register(landlord, text)
    error = one_error(landlord)
    assert error.path == register_file(landlord) and expected in error.message
    assert "\n" not in str(error)


# -- checking files, hashes, citations --------------------------------------------------------------

def test_verify_after_a_file_changes_on_disk(landlord: Path) -> None:
    register = load_register(landlord)
    policy = register.attach(POLICY, "p.pdf", id="POL-01", title="Complaints policy", version="3.2")
    report = register.attach(b"report", "r.xlsx", id="RPT-01", title="Stage 1 report")
    register.add_link("https://example.org", id="WEB-01", title="Website")
    assert register.verify() == []

    path = register.file_path(policy)
    os.chmod(path, 0o644)
    path.write_bytes(POLICY + b"edited")
    (landlord / "evidence" / report.file).unlink()
    problems = load_register(landlord).verify()
    assert [(p.document, p.kind) for p in problems] == [("POL-01", "altered"), ("RPT-01", "missing")]
    assert problems[0].message.startswith("POL-01 (Complaints policy, version 3.2): its file evidence/files/")
    assert "changed on disk" in problems[0].message and "is missing" in problems[1].message
    assert [p.document for p in register.verify(["RPT-01"])] == ["RPT-01"]  # only those asked about


def test_verify_notices_a_change_even_after_a_check(landlord: Path) -> None:
    register = load_register(landlord)
    document = register.attach(POLICY, "p.pdf", id="POL-01", title="Policy")
    assert register.verify() == []  # hashed and remembered
    path = register.file_path(document)
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:  # same size, new content
        handle.write(b"X")
    assert [p.kind for p in register.verify()] == ["altered"]


def assessment_citing(*rows: tuple[str, list[str | None]]) -> Assessment:
    return Assessment(landlord="riverbend-homes", period="2024-25", answers={
        provision: Answer(status="Yes", evidence=[Evidence(description=f"Item {i}", reference=ref)
                                                  for i, ref in enumerate(refs)])
        for provision, refs in rows})


def test_cited_documents_and_their_hashes(landlord: Path) -> None:
    register = load_register(landlord)
    register.attach(POLICY, "p.pdf", id="POL-01", title="Complaints policy")
    register.attach(b"report", "r.xlsx", id="RPT-01", title="Stage 1 report")
    register.attach(b"unused", "u.pdf", id="OLD-01", title="Not cited")
    register.add_link("https://example.org", id="WEB-01", title="Website")
    assessment = assessment_citing(
        ("2024:6.2", ["RPT-01", " POL-01", "POL-01"]),
        ("2024:1.2", ["POL-01", "https://example.org/x", None]),
        ("2024:6.12", ["WEB-01", "NOT-THERE"]),
        ("2024:6.3", ["RPT-01"]),
    )
    assert cited_documents(assessment, register) == {
        "POL-01": ["2024:1.2", "2024:6.2"],  # in the Code's order, each provision once
        "RPT-01": ["2024:6.2", "2024:6.3"],
        "WEB-01": ["2024:6.12"],
    }
    assert document_hashes(assessment, register) == {"POL-01": sha(POLICY), "RPT-01": sha(b"report")}
    assert cited_documents(assessment, None) == {} and document_hashes(assessment, None) == {}

    register.attach(POLICY_V4, "p4.pdf", id="POL-01", title="Complaints policy", version="4")
    assert document_hashes(assessment, register)["POL-01"] == sha(POLICY_V4)  # the hash now


# -- two writers ------------------------------------------------------------------------------------

def test_a_writer_reads_the_register_again_before_changing_it(landlord: Path) -> None:
    first, second = load_register(landlord), load_register(landlord)
    first.add_link("https://example.org/1", id="ONE", title="One")
    second.add_link("https://example.org/2", id="TWO", title="Two")  # loaded before ONE was saved
    assert list(load_register(landlord).documents) == ["ONE", "TWO"]
    assert list(second.documents) == ["ONE", "TWO"]


_WRITER = """
import sys
from pathlib import Path
from audit_lib.evidence.register import load_register
register = load_register(Path(sys.argv[1]))
for number in range(int(sys.argv[3])):
    register.add_link(f"https://example.org/{sys.argv[2]}/{number}", id=f"{sys.argv[2]}-{number}", title="Link")
    register.attach(f"{sys.argv[2]}-{number}".encode(), "n.txt", id=f"{sys.argv[2]}-file-{number}", title="File")
"""


def test_writers_in_two_processes_lose_nothing(landlord: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(landlord), name, "8"], env=env,
                                stderr=subprocess.PIPE) for name in ("a", "b")]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    documents = load_register(landlord).documents
    assert len(documents) == 32
    assert len(stored_files(landlord)) == 16
    assert load_register(landlord).verify() == []
