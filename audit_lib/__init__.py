"""Audit workbook for the Housing Ombudsman's Complaint Handling Code."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("chc-audit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
