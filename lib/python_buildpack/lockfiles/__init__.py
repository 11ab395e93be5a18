"""Lockfiles of uv, Poetry and Pipenv, read as text, and the installer of the tools.

Parsers (uv.py, poetry.py, pipenv.py) take a lockfile's text and a `Target` and
return the `LockedSet` a sync must leave installed; tools.py installs a tool from its
hashed pins (requirements/<tool>.txt) into CACHE_DIR.
"""

from .model import LockedPackage, LockedSet, Target

__all__ = ["LockedPackage", "LockedSet", "Target"]
