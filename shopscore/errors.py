"""Exit codes and the one exception type that carries a user-facing message."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (SPEC §7), documented in the README."""

    OK = 0
    ALERT = 1  # a --fail-below threshold crossed or --fail-drop exceeded
    INPUT_ERROR = 2  # usage or input error
    NOT_ENOUGH_DATA = 3  # not enough data to score (only with --fail-below)


class ShopscoreError(Exception):
    """An input or usage problem the user can fix; printed as one line, exit code 2."""

    exit_code = ExitCode.INPUT_ERROR
