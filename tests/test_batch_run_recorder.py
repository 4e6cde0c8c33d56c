"""The run record's recorder: every outcome reaches run.json, within its interval, in few writes."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from audit_lib.batch.runrecord import RunRecorder, mark_running, record_path, settle_interrupted
from audit_lib.batch.worker import NotebookResult
from audit_lib.core.periods import Period
from audit_lib.errors import RunError

PERIOD = Period.parse("2024-25")


def _landlords(outputs: Path) -> dict:
    return json.loads(record_path(outputs, PERIOD).read_text(encoding="utf-8"))["landlords"]


def _start(outputs: Path, names: list[str]) -> None:
    mark_running(outputs, PERIOD, names, {"run_id": "run-1"})


def test_outcomes_coming_faster_than_the_interval_are_written_together(tmp_path):
    names = [f"landlord-{i:03d}" for i in range(200)]
    _start(tmp_path, names)
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=60.0)
    for name in names:
        recorder(NotebookResult(name, "ok", 1.0))
    # the first outcome is written at once; the other 199 wait for the interval, not one write each
    assert recorder.writes == 1
    on_disk = _landlords(tmp_path)
    assert on_disk[names[0]]["status"] == "ok"
    assert {on_disk[n]["status"] for n in names[1:]} == {"running"}
    recorder.close()
    assert recorder.writes == 2
    assert {v["status"] for v in _landlords(tmp_path).values()} == {"ok"}
    assert {v["run"] for v in _landlords(tmp_path).values()} == {"run-1"}


def test_an_outcome_reaches_the_file_within_the_interval_without_another_outcome(tmp_path):
    _start(tmp_path, ["a", "b"])
    # an interval longer than a write with its fsyncs can take on a busy disk (0.3 s was not always)
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=1.5)
    recorder(NotebookResult("a", "ok", 1.0))
    recorder(NotebookResult("b", "failed", 1.0, error="the notebook failed"))
    assert _landlords(tmp_path)["b"]["status"] == "running"
    deadline = time.monotonic() + 10
    while _landlords(tmp_path)["b"]["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _landlords(tmp_path)["b"] == {**_landlords(tmp_path)["b"], "status": "failed", "error": "the notebook failed"}
    assert recorder.writes == 2
    recorder.close()
    assert recorder.writes == 2  # nothing was pending


def test_every_outcome_is_written_when_the_interval_is_zero(tmp_path):
    _start(tmp_path, ["a", "b", "c"])
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=0.0)
    for name in ("a", "b", "c"):
        recorder(NotebookResult(name, "ok", 1.0))
        assert _landlords(tmp_path)[name]["status"] == "ok"
    assert recorder.writes == 3


def test_a_run_killed_before_its_pending_outcomes_were_written_leaves_them_to_retry(tmp_path):
    """Not yet written means still ``running`` on disk: the next run records it as interrupted, never ok."""
    _start(tmp_path, ["a", "b"])
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=60.0)
    recorder(NotebookResult("a", "ok", 1.0))
    recorder(NotebookResult("b", "ok", 1.0))  # pending when the process dies (close never called)
    assert recorder._timer is not None
    recorder._timer.cancel()  # the process is gone: its timer never fires
    assert settle_interrupted(tmp_path, PERIOD) == ["b", "group summary"]
    landlords = _landlords(tmp_path)
    assert landlords["a"]["status"] == "ok" and landlords["b"]["status"] == "failed"


def test_a_closed_recorder_refuses_more_outcomes(tmp_path):
    _start(tmp_path, ["a"])
    recorder = RunRecorder(tmp_path, PERIOD, "run-1")
    recorder.close()
    recorder.close()
    with pytest.raises(RunError, match="closed"):
        recorder(NotebookResult("a", "ok", 1.0))


def test_a_record_that_cannot_be_written_at_the_end_does_not_hide_the_runs_own_error(tmp_path, monkeypatch):
    import shutil

    import audit_lib.batch.run as batch_run
    from tests.demo import DEMO_INPUTS

    inputs = tmp_path / "inputs"
    shutil.copytree(DEMO_INPUTS, inputs)

    class Pool:
        workers = 1

        def close(self, cancel: bool = False) -> None:
            pass

    def failing_run_all(pool, jobs, progress, on_result=None):
        on_result(NotebookResult(jobs[0].name, "ok", 1.0))
        raise ValueError("the run's own error")

    def failing_close(self) -> None:
        raise OSError("no space left on the device")

    monkeypatch.setattr(batch_run, "open_pool", lambda *args, **kwargs: Pool())
    monkeypatch.setattr(batch_run, "_run_all", failing_run_all)
    monkeypatch.setattr(RunRecorder, "close", failing_close)
    with pytest.raises(ValueError, match="the run's own error"):
        batch_run.run_batch(None, PERIOD, inputs, tmp_path / "outputs", progress=False)


# -- each rewrite encodes only the entries that changed -------------------------------------------------

def _encodes(monkeypatch) -> list[object]:
    """The entries the recorder encodes as JSON from here on (counted at the one place it does)."""
    from audit_lib.batch import runrecord

    seen: list[object] = []
    real = runrecord._encoded_entry

    def counting(entry):
        seen.append(entry)
        return real(entry)

    monkeypatch.setattr(runrecord, "_encoded_entry", counting)
    return seen


def test_a_rewrite_encodes_only_the_entries_that_changed_since_the_last(tmp_path, monkeypatch):
    """At 2,000 landlords a whole-record encoding costs about 60 ms; a rewrite a second of a run that
    lasts minutes must not encode every entry again each time."""
    names = [f"landlord-{i:03d}" for i in range(300)]
    _start(tmp_path, names)
    encoded = _encodes(monkeypatch)
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=0.0)
    recorder(NotebookResult(names[0], "ok", 1.0))
    assert len(encoded) == 300  # the first write: every entry (those read from the file included)
    for name in names[1:11]:
        recorder(NotebookResult(name, "ok", 1.0))
    assert recorder.writes == 11
    assert len(encoded) == 310  # then one entry a write
    recorder.close()


@pytest.mark.parametrize("names", [
    ["a", "b", "c"],
    ["Ünïcode “quoted” \\ landlord", "tab\tand\nnewline", "emoji 🏠", "a\"b"],
])
def test_the_recorders_file_is_the_record_as_dumps_json_writes_it(tmp_path, names):
    from audit_lib.core.io import dumps_json

    _start(tmp_path, names)
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=0.0)
    for number, name in enumerate(names):
        recorder(NotebookResult(name, "ok" if number % 2 else "failed", number + 0.5,
                                error=None if number % 2 else "line one\nline “two” \u2028 end"))
    recorder(NotebookResult(names[0], "ok", 9.25))  # an entry replaced
    text = record_path(tmp_path, PERIOD).read_text(encoding="utf-8")
    assert text == dumps_json(json.loads(text))
    assert json.loads(text)["landlords"][names[0]]["seconds"] == 9.25
    recorder.close()
    assert record_path(tmp_path, PERIOD).read_text(encoding="utf-8") == text  # nothing was pending


def test_a_record_of_no_landlords_is_written_as_dumps_json_writes_it(tmp_path):
    from audit_lib.core.io import dumps_json

    path = record_path(tmp_path, PERIOD)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"period": PERIOD.id, "landlords": {}}), encoding="utf-8")
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=0.0)
    recorder._dirty = True
    recorder._write_locked()
    assert path.read_text(encoding="utf-8") == dumps_json({"period": PERIOD.id, "landlords": {}})



_TEXTS = ["", "a", "Ünïcode “quoted”", "tab\tnew\nline", "\u2028\u2029", "emoji 🏠", "a\"b\\c", "\x00\x1f", "1"]


def _value(rng: random.Random, depth: int = 0) -> object:
    """A random JSON value: what a damaged or older record may hold anywhere."""
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(-10**12, 10**12)
    if kind == 3:
        return rng.choice([0.0, -0.5, 1e300, 3.25, rng.uniform(-1e6, 1e6)])
    if kind == 4:
        return rng.choice(_TEXTS) + str(rng.randrange(100))
    if kind == 5:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(_TEXTS) + str(n): _value(rng, depth + 1) for n in range(rng.randrange(4))}


@pytest.mark.parametrize("seed", range(40))
def test_any_record_the_recorder_keeps_is_written_as_dumps_json_writes_it(tmp_path, seed):
    """Property: whatever the record read holds, the recorder's text is ``dumps_json`` of the record."""
    from audit_lib.core.io import dumps_json

    rng = random.Random(seed)
    landlords = {rng.choice(_TEXTS) + str(n): _value(rng) for n in range(rng.randrange(6))}
    record = {"period": PERIOD.id, "landlords": landlords,
              **{key: _value(rng) for key in ("current_run", "group_summary", "last_run") if rng.random() < 0.5}}
    path = record_path(tmp_path, PERIOD)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=0.0)
    for name in rng.sample([*landlords, "new-1", "new-2"], k=2):
        recorder(NotebookResult(name, "ok", 1.0))
        text = path.read_text(encoding="utf-8")
        assert text == dumps_json(json.loads(text))
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["landlords"].keys() >= landlords.keys()
    assert {k: v for k, v in written.items() if k != "landlords"} == \
        {k: v for k, v in record.items() if k != "landlords"}
