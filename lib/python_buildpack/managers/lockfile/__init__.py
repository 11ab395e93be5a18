"""uv, Poetry and Pipenv: one lockfile base (manager.py) with a class per tool
(uv.py, poetry.py, pipenv.py).

- Each tool's commands, environment and refused config vars, as data
  (commands.py); the tool installed from its hashed pins (tools.py).
- What a build depends on (inputs.py), the Python the lock asks for (python.py),
  the check of the synced environment (check.py), the removal of what a sync leaves
  behind (uninstall.py).
- The lockfiles themselves are read by the pure parsers in lockfiles/.
"""

from .manager import LockfileManager
from .pipenv import Pipenv
from .poetry import Poetry
from .uv import Uv

__all__ = ["LockfileManager", "Pipenv", "Poetry", "Uv"]
