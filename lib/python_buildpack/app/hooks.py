"""The app's own `bin/pre_compile` and `bin/post_compile` scripts, as on Heroku."""

from __future__ import annotations

import stat

from .. import config
from ..context import BuildContext
from ..errors import HookFailed


def run_hook(ctx: BuildContext, name: str) -> bool:
    """Run bin/<name> from the app if it has one; False when it has none."""
    script = ctx.build_dir / "bin" / name
    if not script.is_file():
        return False
    ctx.output.step(f"Running bin/{name} hook")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    with script.open("rb") as handle:
        has_shebang = handle.read(2) == b"#!"
    argv = [str(script)] if has_shebang else ["bash", str(script)]
    env = config.command_env(
        ctx.host_env,
        ctx.config_vars,
        path_prefix=(ctx.runtime_python_dir / "bin",),
        extra={
            "BUILD_DIR": str(ctx.build_dir),
            "CACHE_DIR": str(ctx.cache_dir),
            "ENV_DIR": str(ctx.env_dir or ""),
            "STACK": ctx.stack.name,
            "PYTHONUNBUFFERED": "1",
        },
    )
    result = ctx.runner.stream(argv, env=env, cwd=ctx.build_dir, output=ctx.output)
    if result.returncode != 0:
        raise HookFailed(f"bin/{name}", result.returncode)
    return True
