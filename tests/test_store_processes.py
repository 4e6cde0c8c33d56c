"""The answer store under real processes: killed writers and concurrent editors."""

import itertools
import os
import random
import signal
import time

import pytest

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.store import Conflict, Saved, open_store
from audit_lib.code.catalogue import load_catalogue

CODE = load_catalogue()
LANDLORD = "riverbend-homes"  # reviewed, not approved: editable
PROVISIONS = [p.id for p in CODE.provisions_in(6)]


def _child(fn, write_fd):
    """Run ``fn(report)`` in a forked child; ``report(line)`` reaches the parent once committed."""
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            with os.fdopen(write_fd, "w", buffering=1) as out:
                fn(lambda line: (out.write(line + "\n"), out.flush()))
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid


def _writer(folder, user, count=10_000):
    def run(report):
        store = open_store(folder, CODE, LANDLORD, "2024-25", user)
        report("ready")
        for i in range(count):
            pid = PROVISIONS[i % len(PROVISIONS)]
            result = store.change(pid, "commentary", f"{user}-{i}")
            report(f"{'ok' if isinstance(result, Saved) else 'conflict'} {pid} {user}-{i}")
    return run


def test_killed_writer_never_corrupts_or_loses_committed_changes(demo_inputs):
    folder = demo_inputs / LANDLORD
    rng = random.Random(20250401)
    committed: dict[str, int] = {}
    kills = 0
    commits = 0
    for round_ in range(120):
        read_fd, write_fd = os.pipe()
        pid = _child(_writer(folder, f"w{round_}"), write_fd)
        reader = os.fdopen(read_fd)
        assert reader.readline().strip() == "ready"
        first = reader.readline().strip()  # the first committed change: kill among writes, not before them
        time.sleep(rng.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        round_commits = {}
        for line in [first, *reader.read().splitlines()]:
            if line.count(" ") == 2:  # a line torn by the kill is not a report
                status, provision, value = line.split(" ")
                assert status == "ok"
                round_commits[provision] = int(value.split("-")[1])
        reader.close()
        # the store is valid and holds every change reported as committed
        on_disk = load_assessment(folder / "answers" / "2024-25.yaml", CODE, LANDLORD, "2024-25")
        for provision, index in round_commits.items():
            value = on_disk.answer(provision).commentary
            assert value.startswith(f"w{round_}-"), (provision, value)
            assert int(value.split("-")[1]) >= index  # a later write may have landed just before the kill
        committed.update(dict.fromkeys(round_commits, round_))
        commits += len(round_commits)
        # nothing from an earlier round was lost unless this round overwrote it
        for provision, last_round in committed.items():
            assert int(on_disk.answer(provision).commentary.split("-")[0][1:]) >= last_round
    assert kills >= 100 and commits >= 100  # the kills really did land among committed writes
    history = open_store(folder, CODE, LANDLORD, "2024-25").history()
    assert len(history) >= 1


def test_two_concurrent_editors_lose_no_change(demo_inputs):
    folder = demo_inputs / LANDLORD
    shared = "2024:7.1"

    def editor(user, own):
        def run(report):
            store = open_store(folder, CODE, LANDLORD, "2024-25", user)
            report("ready")
            for i in range(60):
                target = shared if i % 3 == 0 else own[i % len(own)]
                result = store.change(target, "commentary", f"{user}-{i}")
                report(f"{'ok' if isinstance(result, Saved) else 'conflict'} {target} {user}-{i}")
                if isinstance(result, Conflict):
                    assert result.theirs != result.yours
        return run

    children = []
    for user, own in (("alice", PROVISIONS[:10]), ("bob", PROVISIONS[10:])):
        read_fd, write_fd = os.pipe()
        children.append((_child(editor(user, own), write_fd), os.fdopen(read_fd)))
    reports = []
    for pid, reader in children:
        reports += reader.read().splitlines()
        os.waitpid(pid, 0)
    saved = [line.split(" ")[1:] for line in reports if line.startswith("ok")]
    conflicts = [line for line in reports if line.startswith("conflict")]
    assert len(saved) + len(conflicts) == 120
    store = open_store(folder, CODE, LANDLORD, "2024-25")
    history = store.history()
    # every saved change is in the history exactly once, with its own revision
    changes = [(e["provision"], e["new"]) for e in history if "provision" in e]
    assert sorted(changes) == sorted((p, v) for p, v in saved)
    revisions = [e["revision"] for e in history]
    assert revisions == sorted(revisions) and len(set(revisions)) == len(revisions)
    assert store.assessment.revision == revisions[-1]
    # each provision ends with the last saved value for it
    last = {}
    for entry in history:
        last[entry["provision"]] = entry["new"]
    for provision, value in last.items():
        assert store.answer(provision).commentary == value
    # conflicts were only ever on the provision both edited
    assert all(line.split(" ")[1] == shared for line in conflicts)


@pytest.mark.parametrize("editors", [4])
def test_many_editors_on_one_field_serialise(demo_inputs, editors):
    folder = demo_inputs / LANDLORD

    def editor(user):
        def run(report):
            store = open_store(folder, CODE, LANDLORD, "2024-25", user)
            report("ready")
            for i in range(40):
                result = store.change("2024:9.1", "status", ["Yes", "No", "Partial"][i % 3])
                report(f"{type(result).__name__} {user} {i}")
        return run

    children = []
    for k in range(editors):
        read_fd, write_fd = os.pipe()
        children.append((_child(editor(f"e{k}"), write_fd), os.fdopen(read_fd)))
    lines = []
    for pid, reader in children:
        lines += reader.read().splitlines()
        os.waitpid(pid, 0)
    store = open_store(folder, CODE, LANDLORD, "2024-25")
    saved_with_change = [e for e in store.history() if e.get("provision") == "2024:9.1"]
    assert len(saved_with_change) >= 3 and all(line.split(" ")[0] in ("Saved", "Conflict") for line in lines if line != "ready")
    # every change in the history went from the value the previous change left: no lost update
    for before, after in itertools.pairwise(saved_with_change):
        assert after["old"] == before["new"]
