"""Exit codes and the one exception type that carries a user-facing message."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (SPEC §7), documented in the README."""

    OK = 0
    ALERT = 1  # a --fail-below threshold crossed or --fail-drop exceeded
    INPUT_ERROR = 2  # usage or input error
    NOT_ENOUGH_DATA = 3  # not enough data to score (only with --fail-below)
    INTERNAL = 70  # a bug in shopscore (EX_SOFTWARE): one line, details written to a file


#: most severe first: a run's exit code is the most severe of its shops' (SPEC §7)
SEVERITY = (ExitCode.INTERNAL, ExitCode.INPUT_ERROR, ExitCode.ALERT, ExitCode.NOT_ENOUGH_DATA, ExitCode.OK)


def most_severe(codes: list[ExitCode]) -> ExitCode:
    return next((c for c in SEVERITY if c in codes), ExitCode.OK)


class ShopscoreError(Exception):
    """An input or usage problem the user can fix; printed as one line, exit code 2."""

    exit_code = ExitCode.INPUT_ERROR
