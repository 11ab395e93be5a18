"""What the cache manifest remembers about a pip build, and how two builds differ in
words.

Fingerprints are computed from requirements text through the real parser and
`pip_inputs.compute()`, with a fake command runner that only answers the
`git ls-remote` calls a test expects; the old one is read back from its JSON, as
the cache manifest keeps it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from python_buildpack.cache import FORMAT, Distribution, Manifest
from python_buildpack.cache.changes import Change, equal_except
from python_buildpack.cache.inputs import (
    Fingerprint,
    Platform,
    compare,
    encode,
    listing_digest,
    sha256_text,
    tree_digest,
)
from python_buildpack.config import ConfigVars
from python_buildpack.context import BuildContext, Stack
from python_buildpack.managers.pip.inputs import (
    LINE_FIELDS,
    PipFacts,
    PipInputs,
    compute,
    describe_reuse,
)
from python_buildpack.managers.pip.manager import distribution_changes
from python_buildpack.requirements import PathKind, parse_requirements_graph
from python_buildpack.runner import CaptureResult
from support.fakes import FakeRunner, make_context

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64
COMMIT_1 = "1111111111111111111111111111111111111111"
COMMIT_2 = "2222222222222222222222222222222222222222"


def git_branches(branches: Mapping[str, str]) -> FakeRunner:
    """A runner that answers `git ls-remote` with the commit a branch points to."""

    def answer(argv: list[str]) -> CaptureResult | None:
        if argv[:2] != ["git", "ls-remote"] or argv[3] not in branches:
            return None
        return CaptureResult(0, f"{branches[argv[3]]}\trefs/heads/{argv[3]}\n", "")

    return FakeRunner(answer)


def make_ctx(
    build_dir: Path,
    config_vars: Mapping[str, str] | None = None,
    *,
    runner: FakeRunner | None = None,
    stack: str = "heroku-24",
    app_dir: str = "/app",
) -> BuildContext:
    build_dir.mkdir(parents=True, exist_ok=True)
    ctx = make_context(
        build_dir, runner or FakeRunner(), config_vars=config_vars, app_dir=Path(app_dir)
    )
    return replace(ctx, stack=Stack(stack, is_default=False))


def inputs_of(
    ctx: BuildContext,
    files: Mapping[str, str],
    *,
    pip: str = "24.0",
    installed_files: Sequence[str] = ("requirements.txt",),
) -> PipFacts:
    """The fingerprint of an app whose requirements files are `files`; local
    paths they name are looked up in the build dir."""

    def read_file(path: str) -> str:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    def path_kind(path: str) -> PathKind | None:
        if path in files:
            return "file"
        target = ctx.build_dir / path
        return "dir" if target.is_dir() else "file" if target.is_file() else None

    graphs = [
        parse_requirements_graph(root, read_file, config_vars=ctx.config_vars, path_kind=path_kind)
        for root in installed_files
    ]
    return compute(ctx, graphs, list(installed_files), pip=pip)


RUNTIME_URL = "https://runtimes.example/python-3.12.4.tar.zst"


def whole(
    ctx: BuildContext, facts: PipFacts, *, python: str = "3.12.4", runtime_url: str = RUNTIME_URL
) -> Fingerprint[PipInputs]:
    """The whole fingerprint of a pip build: the platform's part and pip's."""
    platform = Platform(
        ctx.stack.name, ctx.arch, str(ctx.app_dir), python, sha256_text(runtime_url)
    )
    return Fingerprint(platform, "pip", facts.inputs)


def values_of(
    ctx: BuildContext,
    files: Mapping[str, str],
    *,
    python: str = "3.12.4",
    runtime_url: str = RUNTIME_URL,
    pip: str = "24.0",
    installed_files: Sequence[str] = ("requirements.txt",),
) -> Fingerprint[PipInputs]:
    facts = inputs_of(ctx, files, pip=pip, installed_files=installed_files)
    return whole(ctx, facts, python=python, runtime_url=runtime_url)


def differences(before: Fingerprint[PipInputs], after: Fingerprint[PipInputs]) -> list[Change]:
    """As the next build sees them: the old fingerprint read back from its JSON."""
    return compare(before.to_json(), after)


def messages(changes: list[Change]) -> list[str]:
    assert all(change.incremental for change in changes), changes
    return [change.message for change in changes]


def reqs(text: str) -> dict[str, str]:
    return {"requirements.txt": text}


# --- differences between two builds -------------------------------------------


def test_unchanged_app_has_no_reasons(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    files = reqs("Django==4.2\n-r more.txt\n") | {"more.txt": "six==1.16.0\n"}
    assert differences(values_of(ctx, files), values_of(ctx, files)) == []


def test_comments_and_blank_lines_do_not_count_as_changes(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("Django==4.2\nsix==1.16.0\n"))
    after = values_of(ctx, reqs("# web framework\nDjango==4.2   # LTS\n\n\nsix==1.16.0\n"))
    assert differences(before, after) == []


def test_bumped_pin_names_the_package_and_both_versions(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("Django==4.2\nsix==1.16.0\n"))
    after = values_of(ctx, reqs("Django==5.0\nsix==1.16.0\n"))
    assert messages(differences(before, after)) == [
        "requirements.txt: django changed from ==4.2 to ==5.0"
    ]


def test_removed_nested_requirement_is_named_with_its_file(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    root = reqs("Django==4.2\n-r requirements/base.txt\n")
    before = values_of(ctx, root | {"requirements/base.txt": "six==1.16.0\nattrs==23.1.0\n"})
    after = values_of(ctx, root | {"requirements/base.txt": "attrs==23.1.0\n"})
    assert messages(differences(before, after)) == [
        "requirements/base.txt: six==1.16.0 was removed"
    ]


def test_newly_included_file_is_reported_with_what_it_adds(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("Django==4.2\n"))
    after = values_of(ctx, reqs("Django==4.2\n-r extra.txt\n") | {"extra.txt": "six==1.16.0\n"})
    assert messages(differences(before, after)) == [
        "extra.txt: six==1.16.0 was added",
        "extra.txt is now included",
    ]


def test_dropped_include_says_the_file_is_no_longer_included(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("-c constraints.txt\nsix\n") | {"constraints.txt": "six<2\n"})
    after = values_of(ctx, reqs("six\n"))
    assert messages(differences(before, after)) == [
        "constraints.txt: six<2 was removed",
        "constraints.txt is no longer included",
    ]


def test_reordered_lines_are_reported_as_a_change_to_the_files(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("attrs==23.1.0\nsix==1.16.0\n"))
    after = values_of(ctx, reqs("six==1.16.0\nattrs==23.1.0\n"))
    assert messages(differences(before, after)) == ["The requirements files changed"]


def test_added_marker_reads_as_the_old_line_removed_and_the_new_one_added(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("tomli==2.0.1\n"))
    after = values_of(ctx, reqs('tomli==2.0.1 ; python_version < "3.11"\n'))
    assert messages(differences(before, after)) == [
        "requirements.txt: tomli==2.0.1 was removed",
        'requirements.txt: tomli==2.0.1 ; python_version < "3.11" was added',
    ]


def test_new_python_version_forces_a_rebuild(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("six==1.16.0\n"), python="3.12.3")
    after = values_of(ctx, reqs("six==1.16.0\n"), python="3.12.4")
    assert differences(before, after) == [
        Change("The Python version changed from 3.12.3 to 3.12.4", incremental=False)
    ]


def test_new_stack_and_pip_are_each_a_reason_to_rebuild(tmp_path: Path) -> None:
    before = values_of(make_ctx(tmp_path / "build", stack="heroku-22"), reqs("six==1.16.0\n"))
    after = values_of(
        make_ctx(tmp_path / "build", stack="heroku-24"), reqs("six==1.16.0\n"), pip="24.1"
    )
    assert differences(before, after) == [
        Change("The stack changed from heroku-22 to heroku-24", incremental=False),
        Change("The pip version changed from 24.0 to 24.1", incremental=False),
    ]


def test_moved_app_dir_forces_a_rebuild(tmp_path: Path) -> None:
    before = values_of(make_ctx(tmp_path / "build", app_dir="/app"), reqs("six==1.16.0\n"))
    after = values_of(make_ctx(tmp_path / "build", app_dir="/srv/app"), reqs("six==1.16.0\n"))
    changes = differences(before, after)
    assert [c.incremental for c in changes] == [False]
    assert changes[0].message == (
        "The app directory (BUILDPACK_APP_DIR) changed from /app to /srv/app"
    )


def test_new_runtime_url_is_reported_without_the_url(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("six==1.16.0\n"), runtime_url="https://a.example/secret-path")
    after = values_of(ctx, reqs("six==1.16.0\n"), runtime_url="https://b.example/other")
    changes = differences(before, after)
    assert changes == [
        Change(
            "The Python runtime download URL (PYTHON_RUNTIME_BASE_URL) changed",
            incremental=False,
        )
    ]


def test_cache_from_another_buildpack_version_is_one_rebuild_reason(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    after = values_of(ctx, reqs("six==1.16.0\n"))
    before = after.to_json()
    del before["inputs"]["moving"]
    assert compare(before, after) == [
        Change("The cache was written by another version of the buildpack", incremental=False)
    ]


def test_other_requirements_files_installed_is_reported(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    files = reqs("six==1.16.0\n") | {"requirements-prod.txt": "gunicorn==22.0.0\n"}
    before = values_of(ctx, files)
    after = values_of(ctx, files, installed_files=("requirements.txt", "requirements-prod.txt"))
    assert messages(differences(before, after)) == [
        "The requirements files installed changed to requirements.txt, requirements-prod.txt",
        "requirements-prod.txt: gunicorn==22.0.0 was added",
        "requirements-prod.txt is now included",
    ]


def test_changed_config_var_in_a_url_is_named_but_its_value_never_logged(tmp_path: Path) -> None:
    line = f"private @ https://${{TOKEN}}@pkgs.example/private-1.0.tar.gz#sha256={'c' * 64}\n"
    before = values_of(make_ctx(tmp_path / "build", {"TOKEN": "old-s3cret"}), reqs(line))
    after = values_of(make_ctx(tmp_path / "build", {"TOKEN": "new-s3cret"}), reqs(line))
    found = messages(differences(before, after))
    assert found == [
        f"requirements.txt: {line.strip()} changed (a config var it uses has a new value)",
        "The config var TOKEN, used in requirements files, changed",
    ]
    assert "s3cret" not in repr(before) + repr(after)


def test_pip_config_var_changes_are_named_without_their_values(tmp_path: Path) -> None:
    build = tmp_path / "build"
    before = values_of(
        make_ctx(build, {"PIP_INDEX_URL": "https://u:pw1@a.example/simple"}), reqs("")
    )
    after = values_of(
        make_ctx(
            build,
            {"PIP_INDEX_URL": "https://u:pw2@a.example/simple", "PIP_NO_BINARY": ":all:"},
        ),
        reqs(""),
    )
    found = messages(differences(before, after))
    assert found == ["PIP_INDEX_URL changed", "PIP_NO_BINARY was added"]
    assert "pw1" not in repr(before) and "pw2" not in repr(after)


def test_credentials_in_an_added_index_option_are_masked(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("six==1.16.0\n"))
    after = values_of(
        ctx, reqs("--extra-index-url https://deploy:hunter2@pkgs.example/simple\nsix==1.16.0\n")
    )
    assert messages(differences(before, after)) == [
        "requirements.txt: --extra-index-url https://deploy:****@pkgs.example/simple was added"
    ]
    assert "hunter2" not in repr(after)


def test_edited_local_package_is_noticed_though_its_line_is_the_same(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    package = ctx.build_dir / "libs" / "shared"
    package.mkdir(parents=True)
    (package / "pyproject.toml").write_text("[project]\nname = 'shared'\n")
    before = inputs_of(ctx, reqs("-e ./libs/shared\n"))
    (package / "shared.py").write_text("VALUE = 1\n")
    after = inputs_of(ctx, reqs("-e ./libs/shared\n"))
    assert messages(differences(whole(ctx, before), whole(ctx, after))) == [
        "libs/shared: the local file or directory changed"
    ]
    # pip reports the directory by either path; both map to the content digest.
    assert after.local_hashes == {
        package.as_uri(): after.inputs.local["libs/shared"],
        "file:///app/libs/shared": after.inputs.local["libs/shared"],
    }


def test_rebuilt_wheel_outside_the_app_is_noticed_by_its_content(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    wheel = tmp_path / "ci" / "pkg-1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"first build")
    stat = wheel.stat()
    before = inputs_of(ctx, reqs(f"pkg @ {wheel.as_uri()}\n"))
    assert before.local_hashes == {wheel.as_uri(): before.inputs.local[str(wheel)]}
    wheel.write_bytes(b"second one!")  # same size, same mtime: the content decides
    os.utime(wheel, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = inputs_of(ctx, reqs(f"pkg @ {wheel.as_uri()}\n"))
    assert messages(differences(whole(ctx, before), whole(ctx, after))) == [
        f"{wheel}: the local file or directory changed"
    ]


def test_var_in_a_local_path_is_stored_as_written(tmp_path: Path) -> None:
    secret = "d1st_T0ken_9Hs2Kd8"
    wheel = tmp_path / secret / "pkg-1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"wheel")
    ctx = make_ctx(tmp_path / "build")
    ctx = replace(ctx, config_vars=ConfigVars({"DIST": secret}, ctx.output.redactor))
    facts = inputs_of(ctx, reqs(f"pkg @ file://{tmp_path}/${{DIST}}/{wheel.name}\n"))
    assert list(facts.inputs.local) == [f"{tmp_path}/${{DIST}}/{wheel.name}"]
    assert secret not in json.dumps(encode(facts.inputs))


def test_new_wheel_in_a_find_links_dir_outside_the_app_is_noticed(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    wheels = tmp_path / "ci" / "wheels"
    wheels.mkdir(parents=True)
    before = values_of(ctx, reqs(f"--find-links {wheels}\na==1.0\n"))
    (wheels / "a-1.0-py3-none-any.whl").write_bytes(b"one")
    after = values_of(ctx, reqs(f"--find-links {wheels}\na==1.0\n"))
    assert messages(differences(before, after)) == [
        f"{wheels}: the local file or directory changed"
    ]


def test_new_wheel_in_a_find_links_dir_named_by_a_config_var_is_noticed(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build", {"PIP_FIND_LINKS": "./wheels"})
    wheels = ctx.build_dir / "wheels"
    wheels.mkdir()
    (wheels / "a-1.0-py3-none-any.whl").write_bytes(b"one")
    before = values_of(ctx, reqs("a==1.0\n"))
    (wheels / "a-1.0-py3-none-any.whl").write_bytes(b"rebuilt")
    after = values_of(ctx, reqs("a==1.0\n"))
    assert messages(differences(before, after)) == ["PIP_FIND_LINKS contents changed"]


def test_moved_git_branch_says_where_it_points_now(tmp_path: Path) -> None:
    line = "tool @ git+https://github.com/acme/tool.git@main\n"
    first = git_branches({"main": COMMIT_1})
    second = git_branches({"main": COMMIT_2})
    before = values_of(make_ctx(tmp_path / "build", runner=first), reqs(line))
    after = values_of(make_ctx(tmp_path / "build", runner=second), reqs(line))
    assert first.calls == [["git", "ls-remote", "https://github.com/acme/tool.git", "main"]]
    assert messages(differences(before, after)) == [
        "tool @ git+https://github.com/acme/tool.git@main now points to 222222222222"
        " (was 111111111111)"
    ]


def test_git_branch_that_did_not_move_is_no_reason(tmp_path: Path) -> None:
    line = "tool @ git+https://github.com/acme/tool.git@main\n"
    runner = git_branches({"main": COMMIT_1})
    ctx = make_ctx(tmp_path / "build", runner=runner)
    assert differences(values_of(ctx, reqs(line)), values_of(ctx, reqs(line))) == []
    assert len(runner.calls) == 2


def test_changed_hash_of_a_pin_is_not_blamed_on_a_config_var(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs(f"Django==4.2 --hash={HASH_A}\n"))
    after = values_of(ctx, reqs(f"Django==4.2 --hash={HASH_B}\n"))
    found = messages(differences(before, after))
    assert len(found) == 1
    assert found[0].startswith("requirements.txt: Django==4.2")
    assert "config var" not in found[0]


def test_bumped_pin_spelled_with_underscores_names_just_the_versions(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("typing_extensions==4.0.0\n"))
    after = values_of(ctx, reqs("typing_extensions==4.1.0\n"))
    assert messages(differences(before, after)) == [
        "requirements.txt: typing-extensions changed from ==4.0.0 to ==4.1.0"
    ]


# --- what can be updated in place ----------------------------------------------


def test_bumped_pin_changes_only_requirement_lines(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("Django==4.2\n"))
    after = values_of(ctx, reqs("Django==5.0\n-r more.txt\n") | {"more.txt": "six==1.16.0\n"})
    assert equal_except(before.inputs, after.inputs, LINE_FIELDS)


def test_added_index_option_is_more_than_requirement_lines(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = values_of(ctx, reqs("Django==4.2\n"))
    after = values_of(ctx, reqs("--index-url https://mirror.example/simple\nDjango==4.2\n"))
    assert not equal_except(before.inputs, after.inputs, LINE_FIELDS)


def test_changed_pip_config_var_is_more_than_requirement_lines(tmp_path: Path) -> None:
    build = tmp_path / "build"
    before = values_of(make_ctx(build), reqs("Django==4.2\n"))
    after = values_of(make_ctx(build, {"PIP_NO_CACHE_DIR": "1"}), reqs("Django==5.0\n"))
    assert not equal_except(before.inputs, after.inputs, LINE_FIELDS)


def manifest_with(inputs: PipInputs, *names: str) -> Manifest:
    dists = tuple(Distribution(n, "1.0", f"archive sha256={n}", True, False) for n in names)
    platform = Platform("heroku-24", "amd64", "/app", "3.12.4", "")
    return Manifest(FORMAT, Fingerprint(platform, "pip", inputs).to_json(), dists, {})


def test_unpinned_requirement_is_listed_with_its_line_and_needs_pip(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    inputs = inputs_of(ctx, reqs("flask==3.0.0\n\nrequests>=2\n"))
    assert inputs.unpinned == ("requirements.txt:3: requests>=2",)
    assert inputs.pinned_names == frozenset({"flask"})
    assert inputs.needs_resolution(manifest_with(inputs.inputs, "flask", "requests"))
    assert not inputs.pinned_update_possible(inputs.inputs, manifest_with(inputs.inputs, "flask"))


def test_installed_package_pinned_nowhere_needs_pip(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    inputs = inputs_of(ctx, reqs("flask==3.0.0\n"))
    assert not inputs.needs_resolution(manifest_with(inputs.inputs, "flask", "pip"))
    assert inputs.needs_resolution(manifest_with(inputs.inputs, "flask", "werkzeug"))
    assert inputs.unpinned_transitive(["flask", "werkzeug", "pip"]) == ["werkzeug"]


def test_removed_pin_still_allows_a_pinned_update(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    before = inputs_of(ctx, reqs("flask==3.0.0\nsix==1.16.0\n"))
    after = inputs_of(ctx, reqs("flask==3.0.0\n"))
    cached = manifest_with(before.inputs, "flask", "six", "pip")
    assert after.pinned_update_possible(before.inputs, cached)
    assert not after.pinned_update_possible(
        before.inputs, manifest_with(before.inputs, "flask", "werkzeug")
    )


def test_reuse_message_counts_files_and_packages(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "build")
    one = inputs_of(ctx, reqs("six==1.16.0\n"))
    two = inputs_of(ctx, reqs("-r more.txt\n") | {"more.txt": "six==1.16.0\n"})
    assert describe_reuse(one.inputs, 3) == (
        "Restoring cache (nothing changed in 1 requirement file, 3 packages)"
    )
    assert describe_reuse(two.inputs, 1) == (
        "Restoring cache (nothing changed in 2 requirement files, 1 packages)"
    )


# --- what pip's dry run would change ---------------------------------------------


def dist(name: str, version: str, source: str = "archive sha256=x") -> Distribution:
    return Distribution(name, version, source, requested=True, direct=False)


def test_dry_run_drift_names_each_package_and_how_it_changes() -> None:
    cached = [dist("requests", "2.31.0"), dist("idna", "3.6"), dist("urllib3", "2.1.0")]
    clean = {
        "requests": dist("requests", "2.32.0"),
        "idna": dist("idna", "3.6", "archive sha256=y"),
        "certifi": dist("certifi", "2024.2.2"),
    }
    assert distribution_changes(cached, clean) == [
        "pip would now also install certifi 2024.2.2",
        "pip would now install idna 3.6 from another source",
        "pip would now install requests 2.32.0 instead of 2.31.0",
        "pip would no longer install urllib3 2.1.0",
    ]


def test_dry_run_that_matches_the_cache_is_no_drift() -> None:
    cached = [dist("requests", "2.31.0"), dist("pip", "24.0")]
    assert distribution_changes(cached, {"requests": dist("requests", "2.31.0")}) == []


def test_app_that_requires_pip_sees_no_drift_when_pip_is_unchanged() -> None:
    cached = [dist("pip", "24.0"), dist("six", "1.16.0")]
    clean = {"pip": dist("pip", "24.0"), "six": dist("six", "1.16.0")}
    assert distribution_changes(cached, clean) == []


# --- digests ---------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_fresh_checkout_with_new_mtimes_has_the_same_tree_digest(tmp_path: Path) -> None:
    module = write(tmp_path / "pkg" / "mod.py", "x = 1\n")
    before = tree_digest(tmp_path / "pkg")
    os.utime(module, (1, 1))
    assert tree_digest(tmp_path / "pkg") == before


def test_tree_digest_sees_content_names_and_the_executable_bit(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    script = write(root / "bin" / "run", "#!/bin/sh\n")
    digests = {tree_digest(root)}
    script.chmod(0o755)
    digests.add(tree_digest(root))
    script.write_text("#!/bin/bash\n")
    digests.add(tree_digest(root))
    script.rename(root / "bin" / "start")
    digests.add(tree_digest(root))
    assert len(digests) == 4


def test_bytecode_and_vcs_dirs_do_not_change_the_tree_digest(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(root / "mod.py", "x = 1\n")
    before = tree_digest(root)
    write(root / "__pycache__" / "mod.cpython-312.pyc", "compiled")
    write(root / "old.pyc", "compiled")
    write(root / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(root / "node_modules" / "x" / "index.js", "")
    assert tree_digest(root) == before


def test_retargeted_file_symlink_changes_the_tree_digest(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(root / "a.cfg", "a")
    write(root / "b.cfg", "b")
    os.symlink("a.cfg", root / "settings.cfg")
    before = tree_digest(root)
    (root / "settings.cfg").unlink()
    os.symlink("b.cfg", root / "settings.cfg")
    assert tree_digest(root) != before


def test_retargeted_directory_symlink_changes_the_tree_digest(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(root / "v1" / "data.json", "1")
    write(root / "v2" / "data.json", "2")
    os.symlink("v1", root / "current")
    before = tree_digest(root)
    (root / "current").unlink()
    os.symlink("v2", root / "current")
    assert tree_digest(root) != before


def test_replaced_wheel_outside_the_app_changes_the_listing_digest(tmp_path: Path) -> None:
    wheelhouse = tmp_path / "wheelhouse"
    wheel = write(wheelhouse / "a-1.0-py3-none-any.whl", "one")
    before = listing_digest(wheelhouse)
    assert listing_digest(wheelhouse) == before
    wheel.write_text("longer")
    assert listing_digest(wheelhouse) != before
    assert listing_digest(tmp_path / "missing") == sha256_text("")
