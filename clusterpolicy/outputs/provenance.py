"""What produced a result: package versions, Python, platform and the git commit."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("clusterpolicy", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "matplotlib")
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
MODEL_DIR = Path(__file__).resolve().parent.parent / "model"


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


def model_source_hash() -> str:
    """SHA-256 of the model's source files: changes exactly when the model's code changes."""
    h = hashlib.sha256()
    for path in sorted(MODEL_DIR.rglob("*.py")):  # also files in subfolders (e.g. model/phases/)
        h.update(path.relative_to(MODEL_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def package_version() -> str:
    """The installed clusterpolicy version (``unknown`` when it is not installed)."""
    try:
        return metadata.version("clusterpolicy")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def model_version() -> dict[str, str | None]:
    """What stored results depend on besides the design, so that a resume never mixes model versions.

    The package version and a hash of the model's source (not the git commit: a commit that does not
    touch the model, e.g. to the docs, leaves stored runs valid; an uncommitted model change does not).
    """
    try:
        version = metadata.version("clusterpolicy")
    except metadata.PackageNotFoundError:
        version = None
    return {"clusterpolicy": version, "model_source": model_source_hash()}


def provenance() -> dict[str, object]:
    """Versions and commit, for ``summary.json`` and manifests."""
    versions: dict[str, str | None] = {}
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
