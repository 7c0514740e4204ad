"""What produced a result: package versions, Python, platform and the git commit."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("clusterpolicy", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "matplotlib")
REPO_ROOT = Path(__file__).resolve().parent.parent


def git_commit() -> str | None:
    """The current commit of the source tree (with ``-dirty`` if it has changes), or None."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def model_version() -> dict[str, str | None]:
    """What the results depend on besides the design: package version and commit (for resuming safely)."""
    try:
        version = metadata.version("clusterpolicy")
    except metadata.PackageNotFoundError:
        version = None
    commit = git_commit()
    return {"clusterpolicy": version, "git_commit": commit.removesuffix("-dirty") if commit else None}


def provenance() -> dict[str, object]:
    """Versions and commit, for ``summary.json`` and manifests."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "packages": versions,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git_commit": git_commit(),
    }
