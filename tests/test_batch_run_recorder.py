"""The run record's recorder: every outcome reaches run.json, within its interval, in few writes."""

from __future__ import annotations

import json
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
    recorder = RunRecorder(tmp_path, PERIOD, "run-1", interval=0.3)
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
