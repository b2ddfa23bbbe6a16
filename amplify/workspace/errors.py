"""The exceptions a workspace raises."""

from __future__ import annotations

__all__ = ["WorkspaceError", "WorkspaceLocked", "WorkspaceDamaged"]


class WorkspaceError(Exception):
    """The folder is not a usable workspace, or an operation on it is not allowed."""


class WorkspaceLocked(WorkspaceError):
    """Another writer holds the workspace lock and did not release it in time."""


class WorkspaceDamaged(WorkspaceError):
    """A file the manifest names is missing, truncated or changed; ``damages`` lists them
    (:class:`amplify.workspace.check.Damage`), and the message says how to recover."""

    def __init__(self, message: str, damages=()):
        super().__init__(message)
        self.damages = list(damages)


# Users catch and see these by their public path: tracebacks and pickles name
# ``amplify.workspace.WorkspaceError``, as before the workspace became a package.
WorkspaceError.__module__ = WorkspaceLocked.__module__ = WorkspaceDamaged.__module__ = "amplify.workspace"
