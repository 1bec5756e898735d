"""File client for a snapshot directory (layout: docs/sources.md; which files each dataset
reads: ingest.datasets). I/O only."""

from __future__ import annotations

from pathlib import Path


class SnapshotClient:
    """Lists and reads the files of a snapshot directory."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"snapshot directory {self.root} does not exist")

    def paths(self, pattern: str) -> list[Path]:
        """The files matching a glob under the directory, sorted."""
        return sorted(p for p in self.root.glob(pattern) if p.is_file())

    @staticmethod
    def read_bytes(path: Path) -> bytes:
        """The file's bytes."""
        return path.read_bytes()

    @staticmethod
    def read_text(path: Path) -> str:
        """The file's text."""
        return path.read_text(encoding="utf-8")
