"""The only place that talks to the terminal and picks exit codes.

bin/detect, bin/compile, bin/test-compile, bin/release and bin/report arrive here.
A `BuildpackError` is a problem the user can fix: its message, exit 1, no
traceback. So is an `OSError` that is the machine's state (a full or read-only
filesystem, a directory the build user may not write: errors/filesystem.py), which
the build turns into one where it knows what it was doing, and this module where it
did not. Anything else is a bug in the buildpack: said so, with the traceback.
Both go through the build's one `Redactor`, as everything the build prints does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import config
from .context import BuildContext, machine_arch, resolve_stack
from .errors import BuildpackError, MissingDirectory, UsageError, filesystem
from .output import Output
from .redaction import Redactor
from .runner import SubprocessRunner

BUILDPACK_DIR = Path(__file__).resolve().parent.parent.parent
EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 2


def _dir(path: str, role: str, *, create: bool = False) -> Path:
    result = Path(path).absolute()
    if create:
        with filesystem.during(filesystem.PREPARING_CACHE_DIR, {role: result}):
            result.mkdir(parents=True, exist_ok=True)
    if not result.is_dir():
        raise MissingDirectory(role, path)
    return result


def _args(command: str, args: Sequence[str], names: Sequence[str], required: int) -> list[str]:
    if not required <= len(args) <= len(names):
        raise UsageError(command, " ".join(names))
    return list(args)


def make_context(command: str, args: Sequence[str], output: Output) -> BuildContext:
    build, cache, *rest = _args(command, args, ("BUILD_DIR", "CACHE_DIR", "ENV_DIR"), 2)
    env_dir = _dir(rest[0], "ENV_DIR") if rest and os.path.isdir(rest[0]) else None
    # From here on the Redactor that `output` applies knows the config vars' secrets.
    config_vars = config.ConfigVars(config.read_config_vars(env_dir), output.redactor)
    return BuildContext(
        build_dir=_dir(build, "BUILD_DIR"),
        cache_dir=_dir(cache, "CACHE_DIR", create=True),
        env_dir=env_dir,
        buildpack_dir=BUILDPACK_DIR,
        app_dir=Path(os.environ.get("BUILDPACK_APP_DIR") or "/app"),
        stack=resolve_stack(os.environ),
        arch=machine_arch(),
        config_vars=config_vars,
        host_env=config.host_settings(os.environ),
        output=output,
        runner=SubprocessRunner(output.redactor),
    )


def _ensure_vendor(ctx: BuildContext) -> None:
    """Make packaging and pip-requirements-parser importable (see runtime/vendoring.py)."""
    from .runtime import vendoring  # only compile needs it

    pins = vendoring.read_pins(ctx.buildpack_dir, "vendor.txt")
    if vendoring.vendor_is_complete(ctx.buildpack_dir / "vendor", pins):
        return
    ctx.output.step("Fetching the buildpack's own dependencies (this checkout has no vendor/)")
    target = vendoring.install_vendor(pins, ctx.cache_root / "vendor", ctx.host_env)
    sys.path.insert(0, str(target))


def cmd_detect(args: Sequence[str], out: Output) -> int:
    from .app.detect import LOOKED_FOR, detect, list_build_dir
    from .errors import NotAPythonApp

    (build,) = _args("detect", args, ("BUILD_DIR",), 1)
    build_dir = _dir(build, "BUILD_DIR")
    result = detect(build_dir)
    if not result.detected:
        raise NotAPythonApp(LOOKED_FOR, list_build_dir(build_dir))
    print("Python")
    return 0


def _compile(args: Sequence[str], out: Output, *, test: bool) -> int:
    ctx = make_context("test-compile" if test else "compile", args, out)
    _ensure_vendor(ctx)
    from .compile import compile_app

    compile_app(ctx, test=test)
    return 0


def cmd_compile(args: Sequence[str], out: Output) -> int:
    return _compile(args, out, test=False)


def cmd_test_compile(args: Sequence[str], out: Output) -> int:
    return _compile(args, out, test=True)


def cmd_release(args: Sequence[str], out: Output) -> int:
    from .app.release import release_yaml

    (build,) = _args("release", args, ("BUILD_DIR",), 1)
    sys.stdout.write(release_yaml(_dir(build, "BUILD_DIR")))
    return 0


def cmd_report(args: Sequence[str], out: Output) -> int:
    from .report import report_json

    build, cache, *_ = _args("report", args, ("BUILD_DIR", "CACHE_DIR", "ENV_DIR"), 2)
    # What compile stored is redacted already; a report written by an older
    # buildpack version may not be.
    sys.stdout.write(out.redactor(report_json(Path(build).absolute(), Path(cache).absolute())))
    return 0


COMMANDS: dict[str, Callable[[Sequence[str], Output], int]] = {
    "detect": cmd_detect,
    "compile": cmd_compile,
    "test-compile": cmd_test_compile,
    "release": cmd_release,
    "report": cmd_report,
}


def main(argv: Sequence[str]) -> int:
    # One per build: it learns the secret values as the build reads them.
    redactor = Redactor()
    out = Output(sys.stdout, redactor)
    if not argv or argv[0] not in COMMANDS:
        sys.stderr.write(f"usage: bin/{{{','.join(COMMANDS)}}} ...\n")
        return EXIT_USER_ERROR
    try:
        try:
            return COMMANDS[argv[0]](argv[1:], out)
        except OSError as error:
            # Raised where no step said what it was doing: the command was.
            dirs = [Path(arg).absolute() for arg in argv[1:3]]
            places = dict(zip(("BUILD_DIR", "CACHE_DIR"), dirs, strict=False))
            problem = filesystem.from_os_error(error, f"running bin/{argv[0]}", places)
            if problem is None:
                raise
            raise problem from error
    except BuildpackError as error:
        sys.stdout.flush()
        Output(sys.stderr, redactor).error(error)
        return EXIT_USER_ERROR
    except Exception:
        sys.stdout.flush()
        sys.stderr.write(
            "\n !     Internal error: the Python buildpack failed unexpectedly.\n"
            " !     This is a bug in the buildpack, not in your app. Please report it\n"
            " !     with the traceback below.\n\n"
        )
        import traceback  # only a bug needs it: not on every build's path

        # An exception's message may quote a URL or a command with a secret in it.
        sys.stderr.write(redactor(traceback.format_exc()))
        return EXIT_INTERNAL_ERROR
