"""uv, Poetry and Pipenv: one lockfile base (manager.py) with a class per tool
(uv.py, poetry.py, pipenv.py).

- What each manager is (its files, refused config vars, names) is its entry in
  managers/registry.py; each class holds its tool's sync arguments and environment;
  the tool is installed from its hashed pins (tools.py).
- What a build depends on (inputs.py), the Python the lock asks for (python.py),
  the removal of what a sync leaves behind (uninstall.py). The synced environment
  is checked, and its RECORDs kept true, by install/distributions.py.
- The lockfiles themselves are read by the pure parsers in lockfiles/.
"""

from .manager import LockfileManager
from .pipenv import Pipenv
from .poetry import Poetry
from .uv import Uv

__all__ = ["LockfileManager", "Pipenv", "Poetry", "Uv"]
