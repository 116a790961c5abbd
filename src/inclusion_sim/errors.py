"""The one base of every error a user can cause (bad scenario, parameter, lever, file, folder).

Command lines catch `InclusionSimError` alone and print its one-line message with exit status 2;
anything else is a bug and surfaces with its traceback.
"""

from __future__ import annotations


class InclusionSimError(ValueError):
    """A user-facing error: its message is one line naming the input and what was expected."""
