"""Profiles cached by what decides them: the file's bytes, the question table and this code."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from grader.render.json_report import write_atomically
from grader.similarity.fingerprint import WINDOW, K
from grader.similarity.profile import Profile

GRADER_DIR = Path(__file__).resolve().parent.parent
CODE = ("similarity", "notebook_cells.py", "notebook_defs.py")  # what turns a file into a profile


def code_fingerprint() -> str:
    """Hash the code that turns a submission into a profile."""
    digest = hashlib.sha256(f"{K}|{WINDOW}".encode())
    for name in CODE:
        path = GRADER_DIR / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(GRADER_DIR).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def profile_key(file: Path, functions: Mapping[str, str], code: str) -> str:
    """Return the cache key of one submission file's profile."""
    digest = hashlib.sha256(code.encode() + b"\0" + file.suffix.encode() + b"\0")
    digest.update(json.dumps(sorted(functions.items())).encode() + b"\0")
    digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


class ProfileStore:
    """A folder of profiles, one JSON file per key; a bad entry is recomputed, never trusted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> Profile | None:
        """Return the stored profile, None when absent or unreadable."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            return Profile.from_json(data["profile"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, key: str, profile: Profile) -> None:
        """Store a profile (atomically)."""
        write_atomically(self.folder / f"{key}.json",
                         json.dumps({"key": key, "profile": profile.to_json()}))
