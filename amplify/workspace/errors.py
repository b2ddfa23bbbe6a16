"""The two exceptions a workspace raises."""

from __future__ import annotations

__all__ = ["WorkspaceError", "WorkspaceLocked"]


class WorkspaceError(Exception):
    """The folder is not a usable workspace, or an operation on it is not allowed."""


class WorkspaceLocked(WorkspaceError):
    """Another writer holds the workspace lock and did not release it in time."""


# Users catch and see these by their public path: tracebacks and pickles name
# ``amplify.workspace.WorkspaceError``, as before the workspace became a package.
WorkspaceError.__module__ = WorkspaceLocked.__module__ = "amplify.workspace"
