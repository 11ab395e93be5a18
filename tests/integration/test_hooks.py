"""The app's bin/pre_compile and bin/post_compile hooks, and Django's collectstatic,
as Heroku users rely on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block, error_title
from support.buildpack import App
from support.wheels import build_wheel

# No shebang: runs with bash ([[ ]] and BASH_VERSION are bash's, not sh's).
PRE_COMPILE = """\
if [[ -n "${BASH_VERSION:-}" ]]; then shell=bash; else shell=other; fi
echo "pre_compile ran in $shell"
printf '%s\\n' "$shell" "$GREETING" "$BUILD_DIR" "$PWD" > "$BUILD_DIR/pre_compile.out"
"""

POST_COMPILE = """\
#!/bin/sh
set -e
echo "post_compile sees $GREETING"
python -c "import alpha; print('post_compile imports alpha', alpha.__version__)"
printf '%s\\n' "$GREETING" "$BUILD_DIR" > "$BUILD_DIR/post_compile.out"
"""


@pytest.mark.slow
def test_pre_and_post_compile_hooks_run_with_config_vars(app: App, wheelhouse: Path) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write(
        {
            "requirements.txt": "alpha==1.0\n",
            "bin/pre_compile": PRE_COMPILE,
            "bin/post_compile": POST_COMPILE,
        }
    )
    app.config["GREETING"] = "hello from ENV_DIR"

    build_dir, result = app.build(app.workdir / "cache")

    assert result.returncode == 0, str(result)
    lines = result.output.splitlines()
    pre = lines.index("-----> Running bin/pre_compile hook")
    post = lines.index("-----> Running bin/post_compile hook")
    install = lines.index("-----> Installing dependencies using pip")
    assert pre < install < post
    assert lines[pre + 1] == "       pre_compile ran in bash"
    assert "       post_compile sees hello from ENV_DIR" in lines[post:]
    assert "       post_compile imports alpha 1.0" in lines[post:]
    pre_out = (build_dir / "pre_compile.out").read_text(encoding="utf-8").splitlines()
    assert pre_out == ["bash", "hello from ENV_DIR", str(build_dir), str(build_dir)]
    post_out = (build_dir / "post_compile.out").read_text(encoding="utf-8").splitlines()
    assert post_out == ["hello from ENV_DIR", str(build_dir)]


def test_failing_pre_compile_hook_stops_the_build(app: App) -> None:
    app.write({"bin/pre_compile": "#!/usr/bin/env bash\necho 'migrations pending' >&2\nexit 3\n"})

    build_dir, result = app.build(app.workdir / "cache")

    assert_user_error(result, "The bin/pre_compile hook failed.")
    assert "exited with status 3" in error_block(result)
    assert "       migrations pending" in result.output.splitlines()
    assert not (build_dir / ".heroku" / "python").exists()


@pytest.mark.slow
def test_failing_post_compile_hook_stops_the_build(app: App) -> None:
    app.write({"bin/post_compile": "false\n"})

    _, result = app.build(app.workdir / "cache")

    assert_user_error(result, "The bin/post_compile hook failed.")
    assert "'bin/post_compile' exited with status 1" in error_block(result)


# --- Django collectstatic -------------------------------------------------------------

# Stands in for a Django project's manage.py: it implements the command the buildpack
# runs, so the test needs no real Django, only a wheel named django. Like Django's, it
# fails when the settings cannot be imported or staticfiles is not an installed app.
MANAGE_PY = """\
import os
import pathlib
import sys

args = sys.argv[1:]
if os.environ.get("BROKEN_SETTINGS"):
    import nonexistent_settings_module  # noqa: F401
if args[:2] == ["collectstatic", "--noinput"] and not os.environ.get("NO_STATICFILES"):
    assert args[2:] == ["--traceback"], args
    import django
    if os.environ.get("FAIL_COLLECTSTATIC"):
        sys.exit("django.core.exceptions.ImproperlyConfigured: STATIC_ROOT is not set")
    out = pathlib.Path("staticfiles")
    out.mkdir(exist_ok=True)
    (out / "app.css").write_text("body {}\\n")
    (out / "run-by.txt").write_text(sys.executable + "\\n" + django.__version__ + "\\n")
    print("1 static file copied to 'staticfiles'.")
else:
    print(f"Unknown command: {args[0]!r}")
    print("Type 'manage.py help' for usage.")
    sys.exit(1)
"""


@pytest.fixture
def django_app(app: App, wheelhouse: Path) -> App:
    build_wheel(wheelhouse, "Django", "5.0.1")
    app.write({"requirements.txt": "Django==5.0.1\n", "manage.py": MANAGE_PY})
    return app


@pytest.mark.slow
def test_django_collectstatic_runs_after_install(django_app: App) -> None:
    build_dir, result = django_app.build(django_app.workdir / "cache")

    assert result.returncode == 0, str(result)
    lines = result.output.splitlines()
    step = lines.index("-----> $ python manage.py collectstatic --noinput")
    assert lines[step + 1] == "       1 static file copied to 'staticfiles'."
    assert (build_dir / "staticfiles" / "app.css").read_text(encoding="utf-8") == "body {}\n"
    python, version = (build_dir / "staticfiles" / "run-by.txt").read_text().splitlines()
    app_dir = Path(django_app.base_env["BUILDPACK_APP_DIR"])
    assert python == str(app_dir / ".heroku" / "python" / "bin" / "python3")
    assert version == "5.0.1"


@pytest.mark.slow
def test_disable_collectstatic_skips_it(django_app: App) -> None:
    django_app.config["DISABLE_COLLECTSTATIC"] = "1"

    build_dir, result = django_app.build(django_app.workdir / "cache")

    assert result.returncode == 0, str(result)
    assert (
        "-----> Skipping Django collectstatic since the config var DISABLE_COLLECTSTATIC is set."
        in result.output.splitlines()
    )
    assert "manage.py collectstatic" not in result.output
    assert not (build_dir / "staticfiles").exists()


@pytest.mark.slow
def test_failing_collectstatic_stops_the_build(django_app: App) -> None:
    django_app.config["FAIL_COLLECTSTATIC"] = "1"

    build_dir, result = django_app.build(django_app.workdir / "cache")

    assert_user_error(result, "Unable to generate Django static files.")
    message = error_block(result)
    assert "'python manage.py collectstatic --noinput' exited with status 1" in message
    assert "ImproperlyConfigured: STATIC_ROOT is not set" in message
    assert "DISABLE_COLLECTSTATIC=1" in message
    assert not (build_dir / "staticfiles").exists()


@pytest.mark.slow
def test_failing_collectstatic_with_debug_shows_its_environment_but_no_config_values(
    django_app: App,
) -> None:
    secret_key, db_password = "dj4ngo-s3cret-k3y-0f-th3-app", "pg-pa55word-91"
    django_app.config.update(
        {
            "FAIL_COLLECTSTATIC": "1",
            "DEBUG_COLLECTSTATIC": "1",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": f"postgres://app:{db_password}@db.internal:5432/app",
        }
    )

    _, result = django_app.build(django_app.workdir / "cache")

    assert_user_error(result, "Unable to generate Django static files.")
    lines = result.output.splitlines()
    start = lines.index("-----> Collectstatic environment variables (DEBUG_COLLECTSTATIC=1):")
    listed = []
    for line in lines[start + 1 :]:
        if not line.startswith("       "):
            break
        listed.append(line.strip())
    assert "SECRET_KEY=<config var: value not shown>" in listed
    assert "DATABASE_URL=<config var: value not shown>" in listed
    assert "PYTHONPATH=." in listed
    assert "PYTHONUNBUFFERED=1" in listed
    app_dir = Path(django_app.base_env["BUILDPACK_APP_DIR"])
    path = next(line for line in listed if line.startswith("PATH="))
    assert path.startswith(f"PATH={app_dir}/.heroku/python/bin:")
    assert secret_key not in result.output
    assert db_password not in result.output


@pytest.mark.slow
def test_collectstatic_with_settings_that_cannot_be_imported_fails_the_build(
    django_app: App,
) -> None:
    django_app.config["BROKEN_SETTINGS"] = "1"

    _, result = django_app.build(django_app.workdir / "cache")

    # The app's own traceback is in the log (as classic shows it), the buildpack's not.
    assert result.returncode == 1, str(result)
    assert error_title(result) == "Unable to generate Django static files."
    assert "Internal error" not in result.output
    lines = result.output.splitlines()
    step = lines.index("-----> $ python manage.py collectstatic --noinput")
    assert lines[step + 1] == "       Traceback (most recent call last):"
    message = error_block(result)
    assert "'python manage.py collectstatic --noinput' exited with status 1" in message
    assert "No module named 'nonexistent_settings_module'" in message
    assert "heroku config:set DISABLE_COLLECTSTATIC=1" in message
    assert "Skipping" not in result.output


@pytest.mark.slow
def test_collectstatic_without_the_staticfiles_app_fails_the_build(django_app: App) -> None:
    django_app.config["NO_STATICFILES"] = "1"

    _, result = django_app.build(django_app.workdir / "cache")

    assert_user_error(result, "Unable to generate Django static files.")
    assert "       Unknown command: 'collectstatic'" in result.output.splitlines()
    message = error_block(result)
    assert "Type 'manage.py help' for usage." in message
    assert "DISABLE_COLLECTSTATIC=1" in message
    assert "not an available command" not in result.output
