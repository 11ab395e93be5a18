"""Lockfiles of uv, Poetry and Pipenv, read as text: pure parsers.

Each parser (uv.py, poetry.py, pipenv.py) takes a lockfile's text and a `Target` and
returns the `LockedSet` a sync must leave installed. Running the tools is the
managers' business (managers/lockfile/).
"""

from .model import LockedPackage, LockedSet, Target

__all__ = ["LockedPackage", "LockedSet", "Target"]
