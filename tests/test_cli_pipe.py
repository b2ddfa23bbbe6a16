"""`amplify ... | head`: when the reader closes the pipe early the command stops quietly
(exit 141, as POSIX tools do on SIGPIPE), with no "Error: Broken pipe" and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from amplify.workspace import Workspace


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    n = 20_000  # enough output to outlast the pipe's buffer
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(pd.DataFrame({"post_id": [str(i) for i in range(n)], "outlet": [f"o{i % 50}" for i in range(n)],
                                   "published_at": pd.date_range("2022-01-01", periods=n, freq="h", tz="UTC"),
                                   "text": ["Kazakhstan news"] * n}))
    p = subprocess.Popen([sys.executable, "-c", "from amplify.cli import main; main()", "volume", "--workspace",
                          str(tmp_path / "ws"), "--term", "Kazakhstan", "--by", "outlet", "--freq", "D",
                          "--format", "csv", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline()
    p.stdout.close()  # what `head -1` does after its line
    err = p.stderr.read().decode()
    rc = p.wait(timeout=120)
    assert first.startswith(b"term,")
    assert rc == 141, (rc, err)
    assert "Broken pipe" not in err and "Traceback" not in err, err
