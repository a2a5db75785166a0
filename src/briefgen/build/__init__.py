"""The build: plan the outputs, make them, write them; incremental, parallel, atomic."""

from .manifest import MANIFEST
from .pipeline import BuildResult, build

__all__ = ["MANIFEST", "BuildResult", "build"]
