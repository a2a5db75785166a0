"""briefgen check: validate, verify quotes against snapshots, lint; without building."""

from .lints import Finding, check, check_all, failed, report

__all__ = ["Finding", "check", "check_all", "failed", "report"]
