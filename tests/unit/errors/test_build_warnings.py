"""The words of the warnings (errors/build_warnings.py): the ones computed from data,
and the rendering every warning shares with the errors."""

from __future__ import annotations

import io

from python_buildpack.errors import BuildWarning, InstalledFilesChanged, UnpinnedPackages
from python_buildpack.output import Output


def test_unpinned_warning_gives_counts_and_a_few_examples() -> None:
    direct = [f"requirements.txt:{n}: pkg{n}>=1" for n in range(1, 17)]
    deps = [f"dep{n:02}" for n in range(53)]
    found = UnpinnedPackages(direct, deps)
    assert found.title() == (
        "16 requirements have no exact version and 53 dependencies are pinned by no file."
    )
    body = found.body()
    lines = body.splitlines()
    assert lines[:5] == [
        "- requirements.txt:1: pkg1>=1",
        "- requirements.txt:2: pkg2>=1",
        "- requirements.txt:3: pkg3>=1",
        "- and 13 more requirements",
        "- dependencies: dep00, dep01, dep02 and 50 more",
    ]
    assert len(lines) <= 10
    assert "pip freeze > requirements.txt" in body and "bin/report" in body


def test_unpinned_warning_in_the_singular() -> None:
    assert UnpinnedPackages([], ["idna"]).title() == "1 dependency is pinned by no file."
    assert (
        UnpinnedPackages(["requirements.txt:1: idna"], [])
        .body()
        .startswith("- requirements.txt:1: idna\n\n")
    )


def test_changed_installed_files_are_listed_in_the_warning() -> None:
    stream = io.StringIO()
    Output(stream).warning(InstalledFilesChanged(["bin/tool", "lib/x.py"]))
    assert stream.getvalue().splitlines()[1:7] == [
        " !     Warning: A build step changed installed files in place.",
        " !",
        " !     After the packages were installed, something (a hook, collectstatic) wrote",
        " !     into files under .heroku/python:",
        " !     - bin/tool",
        " !     - lib/x.py",
    ]


def test_every_warning_is_exported_with_the_errors() -> None:
    from python_buildpack import errors
    from python_buildpack.errors import build_warnings

    classes = [
        value
        for value in vars(build_warnings).values()
        if isinstance(value, type) and issubclass(value, BuildWarning) and value is not BuildWarning
    ]
    assert len(classes) >= 9
    assert all(getattr(errors, c.__name__) is c for c in classes)
    assert all(c.__name__ in errors.__all__ for c in classes)
