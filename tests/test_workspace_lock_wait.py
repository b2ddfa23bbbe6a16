"""How long a writer waits for another: 10 s, or AMPLIFY_LOCK_TIMEOUT for every command and writer()."""

from __future__ import annotations

import time

import pytest

from amplify.workspace import Workspace, WorkspaceError
from amplify.workspace.errors import WorkspaceLocked
from amplify.workspace.lock import DEFAULT_TIMEOUT, TIMEOUT_ENV, default_timeout


@pytest.mark.parametrize("raw, wait", [(None, DEFAULT_TIMEOUT), ("", DEFAULT_TIMEOUT), ("60", 60.0), ("0", 0.0),
                                       (" 2.5 ", 2.5), ("inf", None)])
def test_the_wait_is_ten_seconds_or_what_the_environment_says(monkeypatch, raw, wait):
    if raw is None:
        monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    else:
        monkeypatch.setenv(TIMEOUT_ENV, raw)
    assert default_timeout() == wait


@pytest.mark.parametrize("raw", ["soon", "-1", "nan"])
def test_a_wait_that_is_no_number_of_seconds_is_an_error_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(TIMEOUT_ENV, raw)
    with pytest.raises(WorkspaceError, match=f"{TIMEOUT_ENV}={raw!r} is not a number of seconds"):
        default_timeout()


def test_a_writer_without_a_timeout_waits_as_long_as_the_environment_says(tmp_path, monkeypatch):
    ws = Workspace.open(tmp_path / "ws", create=True)
    other = Workspace.open(tmp_path / "ws")
    monkeypatch.setenv(TIMEOUT_ENV, "0.5")
    with ws.writer(timeout=0):
        t0 = time.monotonic()
        with pytest.raises(WorkspaceLocked) as exc:
            with other.writer():
                pass
        waited = time.monotonic() - t0
    assert 0.4 <= waited < 5 and "waited 0.5 s" in str(exc.value) and f"{TIMEOUT_ENV}=SECONDS" in str(exc.value)
    # a timeout given in Python wins over the environment, so the message does not send the caller there
    with ws.writer(timeout=0):
        t0 = time.monotonic()
        with pytest.raises(WorkspaceLocked, match="did not wait") as exc:
            with other.writer(timeout=0):
                pass
        assert time.monotonic() - t0 < 0.4
    assert "pass a longer timeout" in str(exc.value) and TIMEOUT_ENV not in str(exc.value)
    with other.writer():
        pass
