"""One flag vocabulary across commands, old spellings with a warning, and the README table kept true."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli import cli
from amplify.cli.vocabulary import SHORT_FLAGS, TIME, VOCABULARY, deprecated_alias, flags_table

REPO = Path(__file__).resolve().parents[1]


def _options():
    for name, cmd in cli.commands.items():
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.hidden:
                yield name, p


def test_readme_flags_table_is_what_the_cli_prints():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- flags:start -->\n(.*?)<!-- flags:end -->", text, re.S)
    assert m, "the README lost its flags table markers"
    assert m.group(1) == flags_table(cli), "README flags table is stale: paste the output of `amplify flags`"
    r = CliRunner().invoke(cli, ["flags"])
    assert r.exit_code == 0 and r.output == flags_table(cli)


def test_each_short_flag_means_one_thing():
    for name, p in _options():
        longs = {o for o in p.opts if o.startswith("--")}
        for short in (o for o in p.opts + p.secondary_opts if not o.startswith("--")):
            assert short in SHORT_FLAGS, f"{name}: {short} is not in the vocabulary"
            assert longs & SHORT_FLAGS[short], f"{name}: {short} stands for {longs}, not {SHORT_FLAGS[short]}"


def test_shared_flags_are_described_and_typed_alike():
    seen: dict = {}
    for name, p in _options():
        flag = next((o for o in p.opts if o.startswith("--")), p.opts[0])
        seen.setdefault(flag, []).append((name, p))
    for flag, uses in seen.items():
        if len(uses) > 1:
            assert flag in VOCABULARY, f"{flag} is shared by {[n for n, _ in uses]}: describe it in VOCABULARY"
    for flag in ("--since", "--until", "--compare-since", "--compare-until"):
        for name, p in seen.get(flag, []):
            assert p.type is TIME, f"{name} {flag} is {p.type.name}, not a TIME"
    for name, p in seen["--kind"] + seen.get("--outlet-kind", []):
        assert p.multiple, f"{name} --kind is not repeatable"
    for name, p in seen["--quiet"]:
        assert "-q" in p.opts, name
    for flag in ("--top", "--limit"):
        for name, p in seen[flag]:
            assert "-n" in p.opts, f"{name} {flag} has no -n"
    for name, p in seen["--out"]:
        assert "-o" in p.opts, f"{name} --out has no -o"


def test_deprecated_alias_warns_and_works():
    @click.command()
    @click.option("--top", "-n", type=int, default=10)
    @deprecated_alias("-k", "--top N", "top", type=int)
    def cmd(top):
        click.echo(f"top={top}")

    r = CliRunner().invoke(cmd, ["-k", "3"])
    assert r.exit_code == 0 and "top=3" in r.output and "-k is deprecated" in r.output and "--top N" in r.output
    r = CliRunner().invoke(cmd, ["-n", "4"])
    assert r.output.strip() == "top=4"

    @click.command()
    @click.option("--kind", "kinds", multiple=True)
    @deprecated_alias("--kinds", "--kind", "kinds", multiple=True)
    def cmd2(kinds):
        click.echo(",".join(kinds))

    r = CliRunner().invoke(cmd2, ["--kind", "a", "--kinds", "b"])
    assert r.exit_code == 0 and r.output.splitlines()[-1] == "a,b"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from amplify.detect.incremental import detect_workspace
    from amplify.synth import generate
    from amplify.workspace import Workspace

    c = generate(n_posts=400, seed=3)
    w = Workspace.open(tmp_path_factory.mktemp("vocab") / "ws", create=True)
    with w.writer():
        w.add_posts(c.posts)
        w.set_outlets(c.outlets)
        detect_workspace(w)
    return w


def test_old_spellings_of_real_commands(ws):
    run = CliRunner().invoke
    r = run(cli, ["synergy", "-w", str(ws.path), "-n", "20", "--format", "json", "--no-time-shift"])
    assert r.exit_code == 0, r.output
    assert "-n is deprecated on synergy" in r.output and '"permutations": 20' in r.output
    r = run(cli, ["paths", "-w", str(ws.path), "--from", "RU", "--to", "CN", "-k", "2"])
    assert r.exit_code in (0, 1) and "-k is deprecated" in r.output


def test_links_kind_lists_quiet_and_lag_in_words(ws, tmp_path):
    run = CliRunner().invoke
    out = tmp_path / "l.csv"
    r = run(cli, ["links", "-w", str(ws.path), "--kind", "quote,verbatim", "--kind", "repost", "-o", str(out), "-q",
                "--format", "csv"])
    assert r.exit_code == 0 and r.output == ""
    kinds = set(pd.read_csv(out)["kind"])
    assert kinds and kinds <= {"quote", "verbatim", "repost"}
    r = run(cli, ["links", "-w", str(ws.path), "-n", "3"])
    assert r.exit_code == 0 and " lag " in r.output.splitlines()[0] and "lag_s" not in r.output
    r = run(cli, ["links", "-w", str(ws.path), "--kind", "nope"])
    assert r.exit_code == 2 and "not a link kind" in r.output


def test_a_time_that_is_not_one_is_refused_before_anything_runs(ws):
    r = CliRunner().invoke(cli, ["bridges", "-w", str(ws.path), "--since", "last tuesday"])
    assert r.exit_code == 2 and "is not a time" in r.output
