"""The ``amplify`` command line: a thin layer over the Python API.

Each command lives in its own module of this package and is registered in
:data:`COMMANDS`; it parses arguments, calls the API and prints a table, JSON
or CSV. No analysis logic lives here.
"""

from __future__ import annotations

import importlib

import click

from amplify import __version__

# module name -> attribute holding the click command, in --help order
COMMANDS = [
    ("ingest_cmd", "command"),
    ("detect_cmd", "command"),
    ("links_cmd", "command"),
    ("info_cmd", "command"),
    ("generate_cmd", "command"),
    ("demo_cmd", "command"),
    ("render_cmds", "html"),
    ("render_cmds", "report"),
    ("render_cmds", "export"),
    ("analyze_cmds", "synergy"),
    ("analyze_cmds", "bridges"),
    ("analyze_cmds", "paths"),
    ("analyze_cmds", "trace"),
    ("analyze_cmds", "volume"),
    ("analyze_cmds", "summary"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="amplify")
def cli() -> None:
    """Find cross-source amplification: who quotes, copies and paraphrases whom.

    \b
    Typical run:
      amplify ingest posts.csv --outlets outlets.csv --workspace ws
      amplify detect --workspace ws
      amplify links --workspace ws --format csv --out links.csv
    """


for _mod, _attr in COMMANDS:
    cli.add_command(getattr(importlib.import_module(f"amplify.cli.{_mod}"), _attr))


def main() -> None:  # console-script entry point
    cli()
