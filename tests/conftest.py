"""Fixtures shared by several test files."""

from tests.test_robots import robot  # noqa: F401  (a local chat-robot webhook)
