"""Errors about getting Python and the buildpack's own wheels: the runtime's base URL,
trust settings, download, archive (and its bundled pip), the vendored dependencies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, visible


@dataclass(eq=False)
class InvalidRuntimeBaseUrl(BuildpackError):
    name: str
    source: str  # "config var" or "environment variable"
    value: str
    problem: str
    failure_reason = "runtime_base_url"

    def title(self) -> str:
        return f"The {self.source} {self.name} is not a usable URL."

    def body(self) -> str:
        return (
            f"{self.name} is set to '{visible(self.value)}', which {self.problem}.\n"
            "Set it to the address of a directory of Python archives, starting with\n"
            "https://, http:// or file://, or unset it to use Heroku's archives."
        )


@dataclass(eq=False)
class InvalidTrustSetting(BuildpackError):
    name: str
    value: str
    reason: str
    failure_reason = "trust_setting"

    def title(self) -> str:
        return f"The CA certificates named by {self.name} could not be loaded."

    def body(self) -> str:
        return (
            f"{self.name} is set to '{visible(self.value)}': {self.reason}.\n"
            "Point it to a readable PEM file (or a directory of hashed certificates),\n"
            "or unset it to use the system's certificates."
        )


@dataclass(eq=False)
class RuntimeArchiveNotFound(BuildpackError):
    url: str
    detail: str
    failure_reason = "runtime_not_found"

    def title(self) -> str:
        return "The Python archive was not found."

    def body(self) -> str:
        return (
            f"There is no file at {self.url} ({self.detail}).\n"
            "Check PYTHON_RUNTIME_BASE_URL, if you set it."
        )


@dataclass(eq=False)
class PythonVersionUnavailable(BuildpackError):
    version: str
    stack: str
    arch: str
    url: str
    detail: str
    # The newest patch of each supported major version.
    supported: Sequence[str]
    # The file the version came from (`.python-version`, `runtime.txt`,
    # `Pipfile.lock`); None when no file names one and the default was used.
    origin: str | None
    failure_reason = "python_version_unavailable"

    def title(self) -> str:
        return f"Python {self.version} isn't available for this stack ({self.stack}, {self.arch})."

    def body(self) -> str:
        newest = ", ".join(self.supported) if self.supported else "(none known)"
        major = ".".join(self.version.split(".")[:2])
        if self.origin is None:
            asked = (
                "- The app names no Python version, so the buildpack's default was used.\n"
                "  Name one that this mirror has in a '.python-version' file.\n"
            )
        elif self.origin == "Pipfile.lock":
            asked = (
                f"- Check the version in Pipfile.lock: is {self.version} a released version?\n"
                "  It comes from the [requires] section of the Pipfile: change it there,\n"
                "  then run 'pipenv lock'.\n"
            )
        else:
            asked = f"- Check the version in {self.origin}: is {self.version} a released version?\n"
        return (
            f"There is no Python {self.version} archive at:\n{self.url}\n"
            f"({self.detail}).\n\n"
            f"{asked}"
            f"- Use a supported version. The newest of each is: {newest}.\n"
            f"  Giving only the major version ({major}) gets you its newest patch.\n"
            "- Or set PYTHON_RUNTIME_BASE_URL to a mirror that has this version."
        )


@dataclass(eq=False)
class RuntimeDownloadFailed(BuildpackError):
    url: str
    reason: str
    attempts: int = 1
    retryable: bool = True
    failure_reason = "runtime_download"

    def title(self) -> str:
        return "Unable to download Python."

    def body(self) -> str:
        tries = f" (tried {self.attempts} times)" if self.attempts > 1 else ""
        found = f"Downloading {self.url} failed{tries}:\n{self.reason}.\n\n"
        if self.retryable:
            return found + (
                "This is usually a temporary problem with the network or the server:\n"
                "try the build again. If it keeps failing, check that the build can reach\n"
                "that address (proxy settings: HTTPS_PROXY, NO_PROXY)."
            )
        return found + (
            "Trying again will not help. Check the address, the server's certificate\n"
            "and the CA settings (SSL_CERT_FILE), or set PYTHON_RUNTIME_BASE_URL to\n"
            "another mirror."
        )


@dataclass(eq=False)
class RuntimeChecksumMismatch(BuildpackError):
    url: str
    expected: str
    actual: str
    failure_reason = "runtime_checksum"

    def title(self) -> str:
        return "The downloaded Python archive is not the expected file."

    def body(self) -> str:
        return (
            f"The SHA-256 of {self.url} does not match {self.url}.sha256:\n"
            f"expected: {self.expected}\n"
            f"actual:   {self.actual}\n\n"
            "The file may have been damaged on the way: try the build again. If it keeps\n"
            "failing, the archive or its .sha256 file on the server is wrong."
        )


@dataclass(eq=False)
class RuntimeArchiveInvalid(BuildpackError):
    archive: str
    reason: str
    failure_reason = "runtime_archive_invalid"

    def title(self) -> str:
        return "The Python archive could not be unpacked."

    def body(self) -> str:
        return (
            f"{self.archive}: {self.reason}.\n"
            "The file is damaged or is not a zstd-compressed tar archive. Try the build\n"
            "again; if it keeps failing, check the archive on the server that\n"
            "PYTHON_RUNTIME_BASE_URL names, or clear the build cache."
        )


@dataclass(eq=False)
class UnsafeRuntimeArchive(BuildpackError):
    archive: str
    member: str
    reason: str
    failure_reason = "runtime_archive_unsafe"

    def title(self) -> str:
        return "The Python archive contains an unsafe entry."

    def body(self) -> str:
        return (
            f"In {self.archive}, the entry '{visible(self.member)}' {self.reason},\n"
            "so the archive was not unpacked. A runtime archive may only hold files,\n"
            "directories and links inside the install directory. Fix the archive on the\n"
            "server that PYTHON_RUNTIME_BASE_URL names."
        )


@dataclass(eq=False)
class ZstdUnavailable(BuildpackError):
    failure_reason = "zstd_missing"

    def title(self) -> str:
        return "The zstd program is needed to unpack Python."

    def body(self) -> str:
        return (
            "Python archives are compressed with zstd, and this build machine has neither\n"
            "the zstd program on its PATH nor Python 3.14's compression.zstd module.\n"
            "Install zstd (for example: apt-get install zstd); Heroku's stack images\n"
            "include it."
        )


@dataclass(eq=False)
class RuntimeWithoutEnsurepip(BuildpackError):
    version: str
    failure_reason = "runtime_without_ensurepip"

    def title(self) -> str:
        return f"The Python {self.version} runtime has no bundled pip."

    def body(self) -> str:
        return (
            "The buildpack installs pip with the pip wheel that CPython's ensurepip\n"
            "bundles (lib/pythonX.Y/ensurepip/_bundled/), and this runtime archive has\n"
            "none. Some Linux distributions remove it from their Python. Retrying will\n"
            "not help: point PYTHON_RUNTIME_BASE_URL at archives of a complete CPython,\n"
            "such as Heroku's, or pack one with tools/pack_runtime.py from a CPython\n"
            "built from source."
        )


@dataclass(eq=False)
class VendoredDependencyUnavailable(BuildpackError):
    requirement: str
    reason: str
    failure_reason = "vendor_unavailable"

    def title(self) -> str:
        return f"The buildpack could not fetch its own dependency {self.requirement}."

    def body(self) -> str:
        return (
            "This checkout of the buildpack has no vendor/ directory, so the build tried\n"
            f"to download {self.requirement} from the package index and failed:\n"
            f"{self.reason}\n\n"
            "Use a packaged release of the buildpack, run 'make vendor' in the checkout,\n"
            "or try the build again if the package index was unreachable."
        )
