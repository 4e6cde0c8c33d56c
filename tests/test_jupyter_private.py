"""The batch engine's hold on Jupyter's libraries: the private names it needs, and its public wiring."""

from __future__ import annotations

import pytest

from audit_lib.batch import jupyter_private
from audit_lib.batch.jupyter_private import PRIVATE_NAMES, PrivateName, check_private_names, missing_private_names
from audit_lib.errors import RunError


def test_every_private_name_the_batch_relies_on_still_exists():
    """Fails after an upgrade that removed one, naming it, the package version and why it is needed."""
    missing = missing_private_names()
    assert not missing, "\n".join(missing)


def test_every_private_name_says_why_it_is_needed():
    for entry in PRIVATE_NAMES:
        assert entry.name.startswith("_") and len(entry.why) > 40, entry


def test_a_missing_private_name_is_named_with_its_package_version(monkeypatch):
    gone = PrivateName("jupyter_client", "jupyter_client.client", "KernelClient", "_removed_in_an_upgrade",
                       why="a test of the check")
    monkeypatch.setattr(jupyter_private, "PRIVATE_NAMES", (*PRIVATE_NAMES, gone))
    version = jupyter_private.package_version("jupyter_client")
    [line] = missing_private_names()
    assert line.startswith(f"jupyter_client.client.KernelClient._removed_in_an_upgrade is missing from "
                           f"jupyter_client {version}")
    with pytest.raises(RunError, match="_removed_in_an_upgrade is missing from jupyter_client") as caught:
        check_private_names()
    assert "\n" not in str(caught.value)


def test_the_engine_uses_jupyter_clients_public_client_factory():
    """The batch's readiness test reaches nbclient through kernel_manager_class and client_factory."""
    from audit_lib.batch.engine import BatchKernelClient, BatchKernelManager

    manager = BatchKernelManager(kernel_name="chc-audit")
    assert isinstance(manager.client(), BatchKernelClient)
