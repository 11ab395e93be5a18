"""The options pip accepts on a requirements file line, as one optparse parser."""

from __future__ import annotations

import functools
import optparse
from typing import Any, NoReturn

from .pip_parser import LINE_OPTION_FACTORIES


class OptionError(Exception):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class _LineOptionParser(optparse.OptionParser):
    def error(self, msg: str) -> NoReturn:
        raise OptionError(msg)


STRONG_HASHES = ("sha256", "sha384", "sha512")


def _merge_hash(
    option: optparse.Option, opt_str: str, value: str, parser: optparse.OptionParser
) -> None:
    # pip's `_handle_merge_hash`: `algo:digest` with a strong algorithm only.
    # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/cli/cmdoptions.py#L910
    algo, sep, digest = value.partition(":")
    if not sep:
        parser.error(
            f"Arguments to {opt_str} must be a hash name followed by a value, "
            "like --hash=sha256:abcde..."
        )
    if algo not in STRONG_HASHES:
        parser.error(f"Allowed hash algorithms for {opt_str} are {', '.join(STRONG_HASHES)}.")
    assert parser.values is not None
    parser.values.ensure_value("hashes", []).append(f"{algo}:{digest}")


def _check_config_setting(
    option: optparse.Option, opt_str: str, value: str, parser: optparse.OptionParser
) -> None:
    # pip's `_handle_config_settings` wants KEY=VAL.
    if "=" not in value:
        parser.error(f"Arguments to {opt_str} must be of the form KEY=VAL")
    assert parser.values is not None
    parser.values.ensure_value("config_settings", []).append(value)


@functools.cache
def _parser() -> _LineOptionParser:
    """The options pip accepts on a requirements file line.

    pip-requirements-parser's own parser is pip 22's plus obsolete options pip now
    rejects (`--install-option`, `--allow-external`, `-Z`, ...), an alias pip
    never had (`--requirements`), and no `--config-settings`; so we take its
    option definitions where they match pip's and add pip's others.
    """
    parser = _LineOptionParser(add_help_option=False)
    for factory in LINE_OPTION_FACTORIES:
        parser.add_option(factory())
    parser.add_option("-r", "--requirement", dest="requirements", action="append", default=[])
    parser.add_option("--hash", dest="hashes", action="callback", type="str", callback=_merge_hash)
    parser.add_option(
        "-C",
        "--config-settings",
        dest="config_settings",
        action="callback",
        type="str",
        callback=_check_config_setting,
    )
    return parser


def parse_line_options(tokens: list[str]) -> Any:
    """The options of one line (an `optparse.Values`); OptionError if pip would refuse them.

    One parser for every line (building it costs more than parsing most files).
    pip builds a new one per line because append options share their default
    list; here each line gets its own copy of every list default instead.
    """
    parser = _parser()
    values = parser.get_default_values()
    for name, default in vars(values).items():
        if isinstance(default, list):
            setattr(values, name, list(default))
    opts, _ = parser.parse_args(tokens, values)
    return opts
