"""Reading YAML files safely, with errors that name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import AuditError

#: libyaml's safe dumper where the build has it (the same output rules as ``yaml.safe_dump``,
#: many times faster), else the pure-Python one.
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_yaml(path: Path, error: type[AuditError]) -> Any:
    """``yaml.safe_load`` a file; a missing or malformed file raises ``error`` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise error(f"expected UTF-8 text, found an undecodable byte at offset {exc.start}", path=path) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror})", path=path) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"not valid YAML{where}: {problem}", path=path) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the field path, what was expected and what was found."""
    parts = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        found = item.get("input")
        found_text = "" if isinstance(found, (dict, list)) else f" (found {found!r})"
        parts.append(f"{where}: {item['msg']}{found_text}")
    return "; ".join(parts)
