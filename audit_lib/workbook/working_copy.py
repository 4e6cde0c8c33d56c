"""Working copies of the workbook: what ``chc-audit lab`` opens, so the project's notebook stays as shipped.

JupyterLab saves a notebook's outputs and widget state into the file it has open, every few
minutes. Opened directly, the project's ``notebooks/self_assessment.ipynb`` would take on the
chosen landlord's parameters and outputs each working day. ``chc-audit lab LANDLORD --period P``
instead opens the auditor's own copy, ``work/<landlord>_<period>.ipynb`` (the ``work/`` folder is
git-ignored): the project's workbook, outputs cleared, with the landlord, period and folders set
in a cell papermill's way (tagged ``injected-parameters``, after the ``parameters`` cell).
The copy holds nothing that matters (the answers live in the answers file, saved at each
change), so an existing copy is opened as it is, notes and all; ``--fresh`` starts it again
from the project's workbook.

A working copy is an ordinary file inside the working folder: the folder or the copy being a
symbolic link (which could make the copy someone else's file) is refused, as is the project's
own ``notebooks/`` folder as the working folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config.landlords import load_registry
from ..core.ids import validate_landlord_id
from ..core.io import atomic_write_text
from ..core.paths import NOTEBOOKS, SELF_ASSESSMENT, checked_input_path
from ..core.periods import Period
from ..errors import UsageError

#: The working copies' folder by default: ``work/`` in the current folder (git-ignored).
DEFAULT_WORK = Path("work")
METADATA_KEY = "chc_audit"


@dataclass(frozen=True)
class WorkingCopy:
    """A landlord's working copy of the workbook for one period, and whether it was just made."""

    path: Path
    created: bool


def working_copy_path(work: Path, landlord_id: str, period: Period) -> Path:
    """``<work>/<landlord>_<period>.ipynb`` (the id is checked before it becomes part of a path)."""
    return Path(work) / f"{validate_landlord_id(landlord_id)}_{period.id}.ipynb"


def _relative(target: Path, start: Path) -> str:
    """``target`` as the notebook (whose folder is ``start``) reaches it: relative when it can be."""
    try:
        return Path(os.path.relpath(Path(target).absolute(), Path(start).absolute())).as_posix()
    except ValueError:  # another drive (Windows)
        return str(Path(target).absolute())


def _check_folder(work: Path) -> None:
    if os.path.islink(work):
        raise UsageError("expected an ordinary folder for the working copies, found a symbolic link; give another "
                         "folder with --work", path=work)
    if work.exists() and not work.is_dir():
        raise UsageError("expected a folder for the working copies, found a file; give another folder with --work",
                         path=work)
    try:
        inside = Path(work).resolve().is_relative_to(NOTEBOOKS.resolve())
    except (OSError, RuntimeError):
        inside = False
    if inside:
        raise UsageError("the project's notebooks folder holds the workbook as shipped, not working copies; give "
                         "another folder with --work (default: work/)", path=work)


def make_working_copy(landlord_id: str, period: Period, inputs: Path, outputs: Path, work: Path = DEFAULT_WORK, *,
                      fresh: bool = False, notebook: Path = SELF_ASSESSMENT) -> WorkingCopy:
    """The working copy of ``notebook`` for a registered landlord and a period, made unless it exists
    (or made again with ``fresh``); bad ids, links and the project's own notebooks folder are refused."""
    import nbformat  # loaded only where a working copy is made
    from papermill.parameterize import parameterize_notebook

    load_registry(Path(inputs)).get(landlord_id)  # a valid id, registered, before any path is made
    work = Path(work)
    _check_folder(work)
    path = working_copy_path(work, landlord_id, period)
    checked_input_path(work, path.name, error=UsageError, what="working copy")
    if path.exists() and not fresh:
        return WorkingCopy(path, created=False)
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])  # papermill looks for the parameters cell among every cell's tags
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    nb.metadata["papermill"] = {}
    nb = parameterize_notebook(nb, {
        "landlord": landlord_id, "period": period.id, "inputs_dir": _relative(Path(inputs), work),
        "outputs_dir": _relative(Path(outputs), work), "interactive": True,
    }, comment="Parameters of this working copy (chc-audit lab)")
    for cell in nb.cells:
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    nb.metadata[METADATA_KEY] = {"working_copy": {"landlord": landlord_id, "period": period.id,
                                                  "from": notebook.name}}
    work.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb)
    atomic_write_text(path, text if text.endswith("\n") else text + "\n")
    return WorkingCopy(path, created=True)


def lab_command(copy: Path, root: Path, *, browser: bool = True) -> list[str]:
    """JupyterLab on ``root`` (the folder holding inputs, outputs and the working copies), opening ``copy``."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(root).absolute()}",
               str(Path(copy).absolute())]
    return [*command, "--no-browser"] if not browser else command


def lab_root(*folders: Path) -> Path:
    """The folder JupyterLab serves: the current folder, or the one holding all of ``folders`` (the
    working copies and the outputs the report link opens) if they are not all in it. A filesystem's
    root is never served: the folders must share a project folder."""
    here = Path.cwd()
    paths = [Path(f).absolute() for f in folders]
    if all(p.is_relative_to(here) for p in paths) and here != Path(here.anchor):
        return here
    try:
        common = Path(os.path.commonpath([str(p) for p in paths]))
    except ValueError:  # another drive (Windows)
        common = Path(paths[0].anchor)
    if common == Path(common.anchor):
        raise UsageError("JupyterLab would serve the whole disk: expected the working copies (--work) and the "
                         "outputs (--outputs) in one project folder; found them with nothing in common but "
                         f"{common}. Run the command from the project folder, or give both options inside it.")
    return common
