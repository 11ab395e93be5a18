"""Print the table of bad inputs and the buildpack's answers, in Markdown.

The data is ERROR_CASES in tests/integration/test_errors.py, which the
integration tests check against real builds. Usage: python tools/error_table.py
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from integration.test_errors import markdown_table  # noqa: E402


def main() -> int:
    # The integration tests' runtime is packed from the interpreter running them.
    major = ".".join(platform.python_version().split(".")[:2])
    sys.stdout.write(markdown_table(major))
    return 0


if __name__ == "__main__":
    sys.exit(main())
