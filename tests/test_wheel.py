"""The product as a user installs it: a wheel built from the source tree, in a fresh venv, runs the demo batch.

Nothing is downloaded: the fresh venv reaches the project's dependencies through a ``.pth`` file
naming this test venv's site-packages (a ``.pth`` line only adds a path, so the editable install's
hook there does not run and the checkout's ``audit_lib`` stays out of reach), and the wheel is
installed with ``--no-deps --no-index``. The run starts outside the repository, so whatever the
product needs at run time (templates, stylesheets, notebooks, the Code's data) must be in the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.demo import DEMO_IDS, DEMO_INPUTS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REPORT_CSS = ROOT / "audit_lib" / "report" / "templates" / "report" / "report.css"


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _copy_source_tree(target: Path) -> None:
    """The files git tracks or would track (untracked but not ignored), without ``outputs/``."""
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in listed:
        source = ROOT / name
        if not name or name.startswith("outputs/") or not source.is_file():  # deleted but still tracked
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)


def _site_packages(python: Path, env: dict[str, str], cwd: Path) -> Path:
    done = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd, env)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def _nbconvert_data() -> Path:
    """The ``share/jupyter/nbconvert`` folder of this venv's nbconvert (its ``lab`` and ``base`` templates)."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("nbconvert"):
        if (Path(folder) / "templates" / "lab").is_dir():
            return Path(folder)
    raise AssertionError("nbconvert's templates were not found in " + ", ".join(jupyter_path("nbconvert")))


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="builds the wheel from a git checkout")
def test_a_wheel_installed_in_a_fresh_venv_runs_the_demo_batch(tmp_path: Path) -> None:
    source, dist, fresh, work = tmp_path / "src", tmp_path / "dist", tmp_path / "fresh", tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1", JUPYTER_PREFER_ENV_PATH="1",
               JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"), JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"))

    # 1. A wheel from a copy of the source tree (the checkout gets no build/ or egg-info).
    _copy_source_tree(source)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", dist, source], work, env)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("chc_audit-*.whl")

    # 2. A fresh venv that sees the dependencies of this one, but not the checkout's audit_lib.
    made = _run([sys.executable, "-m", "venv", "--without-pip", fresh], work, env)
    assert made.returncode == 0, made.stderr
    python = fresh / "bin" / "python"
    fresh_site = _site_packages(python, env, work)
    ours = {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}
    (fresh_site / "test-venv-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
    # nbconvert's templates are data files under the prefix it is installed in; link them in as its install would.
    (fresh / "share" / "jupyter").mkdir(parents=True)
    (fresh / "share" / "jupyter" / "nbconvert").symlink_to(_nbconvert_data(), target_is_directory=True)
    deps = _run([python, "-c", "import ipykernel, nbconvert, papermill, pip"], work, env)
    assert deps.returncode == 0, deps.stderr
    hidden = _run([python, "-c", "import audit_lib"], work, env)
    assert hidden.returncode != 0 and "No module named 'audit_lib'" in hidden.stderr, hidden.stdout + hidden.stderr

    # 3. The wheel installed without dependencies or an index (--ignore-installed: the editable
    #    install visible through the .pth file is neither replaced nor touched).
    installed = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", wheel], work, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    where = _run([python, "-c", "import audit_lib; print(audit_lib.__file__)"], work, env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(fresh_site), where.stdout
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)

    # 4. The notebooks' kernel, registered in the fresh venv and found there.
    kernel = _run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "chc-audit"], work, env)
    assert kernel.returncode == 0, kernel.stderr
    spec = _run([python, "-c", "from jupyter_client.kernelspec import KernelSpecManager as K; "
                 "print(K().get_kernel_spec('chc-audit').argv[0])"], work, env)
    assert spec.returncode == 0 and Path(spec.stdout.strip()) == python, spec.stdout + spec.stderr

    # 5. The demo batch, from a folder outside the repository.
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(DEMO_INPUTS, inputs)
    run = _run([fresh / "bin" / "chc-audit", "run", "--all", "--period", "2024-25", "--inputs", inputs,
                "--outputs", outputs, "--workers", "2"], work, env)
    assert run.returncode == 0, run.stdout + run.stderr

    period = outputs / "2024-25"
    css = REPORT_CSS.read_text(encoding="utf-8")
    reports = [period / landlord / "self_assessment.html" for landlord in DEMO_IDS] + [period / "index.html"]
    for landlord in DEMO_IDS:
        metrics = json.loads((period / landlord / "metrics.json").read_text(encoding="utf-8"))
        assert metrics["provenance"]["parameters"]["landlord"] == landlord
    for report in reports:
        text = report.read_text(encoding="utf-8")
        assert f'<style type="text/css">\n{css}</style>' in text, report
        assert '<footer class="provenance">' in text and "<dt>Produced by</dt>" in text, report
