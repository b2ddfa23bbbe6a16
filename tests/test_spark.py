"""The Spark engine gives the local engine's links, row for row (issue #15), on local[2].

Kept small: starting Spark costs seconds, and the machine is shared.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("the Spark engine needs Java (.ci/run installs openjdk-17-jre-headless)", allow_module_level=True)

from click.testing import CliRunner  # noqa: E402

from amplify.cli import cli  # noqa: E402
from amplify.detect import DetectSettings  # noqa: E402
from amplify.detect.incremental import detect_workspace  # noqa: E402
from amplify.detect.slices import detect_workspace_sliced  # noqa: E402
from amplify.synth import generate  # noqa: E402
from amplify.workspace import Workspace  # noqa: E402


def _ws(path, c):
    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.set_outlets(c.outlets)
        ws.add_posts(c.posts)
    return ws


def test_spark_local2_equals_local_engine(tmp_path):
    c = generate(n_posts=1500, seed=7, days=20)
    cfg = DetectSettings(window="2D", quote_window="8D")
    one = _ws(tmp_path / "one", c)
    with one.writer():
        detect_workspace(one, cfg)
    spark = _ws(tmp_path / "spark", c)
    with spark.writer():
        run = detect_workspace_sliced(spark, cfg, slice="5D", engine="spark", master="local[2]")
    assert "spark" in run.mode and run.links_total > 0
    a, b = spark.refresh().links(), one.refresh().links()
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for col in a.columns:
        assert a[col].equals(b[col]), col
    # the CLI's --engine spark: the link set is now up to date (the same settings, no new posts)
    res = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "spark"), "--window", "2D", "--quote-window",
                                    "8D", "--engine", "spark", "--master", "local[2]", "-q"])
    assert res.exit_code == 0, res.output
    assert "up to date" in res.output


def test_master_without_spark_is_refused(tmp_path):
    res = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "x"), "--master", "local[2]"])
    assert res.exit_code == 2 and "--master needs --engine spark" in res.output
    res = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "x"), "--slice", "0D"])
    assert res.exit_code == 2 and "--slice" in res.output
