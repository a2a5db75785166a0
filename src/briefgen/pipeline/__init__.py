"""The build: plan the outputs, make them, write them; incremental, parallel, atomic."""

from .builder import BuildResult, build
from .manifest import MANIFEST

__all__ = ["MANIFEST", "BuildResult", "build"]
