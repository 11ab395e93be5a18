"""Started by the bin/ shims with the stack's python3 in isolated mode (-I -S)."""

import os
import sys

if sys.version_info < (3, 10):  # noqa: UP036 - the point is to say so clearly
    sys.stderr.write(
        " !     Error: This buildpack needs python3 3.10 or newer on the build machine,\n"
        f" !     but {sys.executable} is {sys.version.split()[0]}.\n"
    )
    sys.exit(1)

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_HERE, os.path.join(os.path.dirname(_HERE), "vendor")]

from python_buildpack.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
