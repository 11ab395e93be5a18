"""Errors about the app's files: what detect and the checks find (or miss)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from .base import BuildpackError, bullet_list, visible


def _names(names: Sequence[str]) -> str:
    quoted = [f"'{visible(name)}'" for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


@dataclass(eq=False)
class CommittedHerokuPythonDir(BuildpackError):
    # A few entries of the directory, to show what was committed.
    entries: Sequence[str] = field(default_factory=tuple)
    failure_reason = "committed_heroku_python_dir"

    def title(self) -> str:
        return "The app contains a '.heroku/python' directory."

    def body(self) -> str:
        shown = bullet_list([visible(e) for e in self.entries]) if self.entries else "(empty)"
        return (
            "'.heroku/python' is where the buildpack installs Python, and it must not be\n"
            "part of the app's source. It contains:\n\n"
            f"{shown}\n\n"
            "Remove it from git and ignore it:\n\n"
            "  git rm -r --cached .heroku/python\n"
            "  echo '.heroku/' >> .gitignore\n\n"
            "If an earlier buildpack or a bin/pre_compile hook created it, change that step\n"
            "to use another location."
        )


@dataclass(eq=False)
class CommittedVirtualenv(BuildpackError):
    dirs: Sequence[str]
    failure_reason = "committed_virtualenv"

    def title(self) -> str:
        return f"The app contains a virtual environment: {_names(self.dirs)}."

    def body(self) -> str:
        rm = "\n".join(f"  git rm -r --cached '{visible(d)}'" for d in self.dirs)
        ignore = "\n".join(f"  echo '{visible(d)}/' >> .gitignore" for d in self.dirs)
        return (
            f"{_names(self.dirs)} holds a virtual environment (it has a 'pyvenv.cfg' file).\n"
            "A virtual environment only works on the machine that created it, and the\n"
            "buildpack installs the app's dependencies itself from requirements.txt.\n\n"
            "Delete it from git and add it to .gitignore:\n\n"
            f"{rm}\n{ignore}"
        )


@dataclass(eq=False)
class PackageWithoutRequirements(BuildpackError):
    files: Sequence[str]
    failure_reason = "package_without_requirements"

    def title(self) -> str:
        return "No requirements.txt file found."

    def body(self) -> str:
        return (
            f"The app has {_names(self.files)} but no 'requirements.txt'. This buildpack\n"
            "installs dependencies only from requirements.txt.\n\n"
            "To install the app as a package with the dependencies it declares, create a\n"
            "requirements.txt that contains the line '-e .':\n\n"
            "  echo '-e .' > requirements.txt\n\n"
            "Better, also pin every dependency in requirements.txt (for example with the\n"
            "output of 'pip freeze' from a fresh virtual environment), so that every build\n"
            "installs the same versions."
        )


@dataclass(eq=False)
class MissingLockfile(BuildpackError):
    """A project file whose lockfile is missing: the build installs from lockfiles."""

    project_file: str
    # (tool, the command that writes the lockfile, the lockfile)
    commands: Sequence[tuple[str, str, str]]
    failure_reason = "missing_lockfile"

    def title(self) -> str:
        lockfiles = " or ".join(f"'{lock}'" for _, _, lock in self.commands)
        return f"The app has a '{self.project_file}' but no {lockfiles}."

    def body(self) -> str:
        lines = "\n".join(f"  {command}   ({tool})" for tool, command, _ in self.commands)
        return (
            f"The buildpack installs exactly what a lockfile lists, and '{self.project_file}'\n"
            "alone does not pin the versions. Create the lockfile with the package manager\n"
            "the app uses, and commit it:\n\n"
            f"{lines}\n\n"
            "Or list the dependencies in a requirements.txt to install them with pip."
        )


@dataclass(eq=False)
class LockfileWithoutProjectFile(BuildpackError):
    lockfile: str
    project_file: str
    failure_reason = "lockfile_without_project_file"

    def title(self) -> str:
        return f"The app has a '{self.lockfile}' but no '{self.project_file}'."

    def body(self) -> str:
        return (
            f"The package manager needs both files: '{self.project_file}' says what the app\n"
            f"depends on, '{self.lockfile}' the exact versions. Commit '{self.project_file}' too."
        )


@dataclass(eq=False)
class MultiplePackageManagerFiles(BuildpackError):
    files: Sequence[str]
    failure_reason = "multiple_package_manager_files"

    def title(self) -> str:
        return "Multiple package manager files were found."

    def body(self) -> str:
        return (
            f"The app has {_names(self.files)}. Each of these describes the app's\n"
            "dependencies, and it would be unclear which one the build uses: a change to\n"
            "one of them would seem to have no effect.\n\n"
            "Keep only the one of the package manager you use, and delete the others. For\n"
            f"example, if '{visible(self.files[0])}' is the one you keep up to date:\n\n"
            + "\n".join(f"  git rm '{visible(f)}'" for f in self.files[1:])
        )


@dataclass(eq=False)
class PdmNotSupported(BuildpackError):
    """A PDM app (pdm.lock) with none of the files a supported manager installs from.
    Classic detects it too (bin/detect lists pdm.lock) and then fails for want of a
    package manager file; here the message says why and what to use instead."""

    failure_reason = "pdm_not_supported"

    def title(self) -> str:
        return "The app uses PDM ('pdm.lock'), which this buildpack doesn't support."

    def body(self) -> str:
        return (
            "The buildpack installs from exactly one of 'requirements.txt' (pip),\n"
            "'Pipfile.lock' (Pipenv), 'poetry.lock' (Poetry) or 'uv.lock' (uv), as\n"
            "Heroku's Python buildpack does, and the app has none of them.\n\n"
            "Either export PDM's lock as a requirements.txt, and commit it (export it\n"
            "again each time the lock changes):\n\n"
            "  pdm export --prod -o requirements.txt\n\n"
            "or move the app to uv, which is fast, supports lockfiles and reads the same\n"
            "[project] table of pyproject.toml; then delete pdm.lock:\n\n"
            "  uv lock\n"
            "  git rm pdm.lock\n\n"
            "https://docs.astral.sh/uv/"
        )


@dataclass(eq=False)
class MisspelledRequirementsFile(BuildpackError):
    found: Sequence[str]
    failure_reason = "requirements_txt_misspelled"

    def title(self) -> str:
        return f"Found {_names(self.found)}: did you mean 'requirements.txt'?"

    def body(self) -> str:
        first = visible(self.found[0]) if self.found else "requirement.txt"
        return (
            f"The app has {_names(self.found)} but no 'requirements.txt'. The buildpack\n"
            "only reads a file named exactly 'requirements.txt' (the name is case-sensitive).\n\n"
            "Rename it:\n\n"
            f"  git mv '{first}' requirements.txt"
        )


@dataclass(eq=False)
class NoPackageManagerFile(BuildpackError):
    # The app's top-level entries, sorted, directories with a trailing '/'.
    listing: Sequence[str]
    failure_reason = "no_package_manager_file"

    def title(self) -> str:
        return "No requirements.txt file found."

    def body(self) -> str:
        shown = [visible(e) for e in self.listing[:20]]
        if len(self.listing) > 20:
            shown.append(f"... and {len(self.listing) - 20} more")
        contents = bullet_list(shown) if shown else "(nothing)"
        split = (
            "The 'requirements/' directory is not read by itself: create a requirements.txt\n"
            "that includes the file of it to install, for example:\n\n"
            "  echo '-r requirements/prod.txt' > requirements.txt\n\n"
            if "requirements/" in self.listing
            else ""
        )
        return (
            "A Python app must have a 'requirements.txt' file in the top-level directory\n"
            "of its source. The top-level directory contains:\n\n"
            f"{contents}\n\n"
            f"{split}"
            "If the app has a requirements.txt, check that it is in the top-level directory\n"
            "(not a subdirectory), spelled exactly 'requirements.txt', and not listed in\n"
            "'.gitignore' or '.slugignore'.\n\n"
            "If the app has no dependencies, create an empty one: touch requirements.txt"
        )


@dataclass(eq=False)
class NotAPythonApp(BuildpackError):
    """bin/detect found none of the files it looks for."""

    looked_for: Sequence[str]
    # The app root's entries, directories with a trailing '/'.
    listing: Sequence[str]
    failure_reason = "not_detected"

    def title(self) -> str:
        return "This app was not detected as a Python app."

    def body(self) -> str:
        listing = sorted(self.listing)
        shown = [f"  {visible(entry)}" for entry in listing[:20]]
        if len(listing) > 20:
            shown.append(f"  ... and {len(listing) - 20} more")
        contents = "\n".join(shown) if shown else "  (nothing: the directory is empty)"
        looked_for = textwrap.fill(
            ", ".join(self.looked_for), width=72, initial_indent="  ", subsequent_indent="  "
        )
        return (
            "The Python buildpack looks for one of these files (or directories, ending\n"
            "with '/') in the top-level directory of the app's source, and found none:\n\n"
            f"{looked_for}\n\n"
            "The top-level directory contains:\n\n"
            f"{contents}\n\n"
            "If this is a Python app, add a 'requirements.txt' file listing its\n"
            "dependencies (an empty one if it has none) to the top-level directory, not\n"
            "a subdirectory. Check that the file has the right spelling (names are\n"
            "case-sensitive), is not listed in '.gitignore' or '.slugignore', and is\n"
            "committed ('git add requirements.txt', then 'git commit')."
        )
