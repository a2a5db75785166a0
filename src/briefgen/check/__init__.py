"""briefgen check: validate, verify quotes against snapshots, lint; without building."""

from .lints import Finding, check, failed, report

__all__ = ["Finding", "check", "failed", "report"]
