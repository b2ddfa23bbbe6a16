"""The ``amplify`` command line: a thin layer over the Python API.

Each command lives in its own module of this package and is registered in
:data:`COMMANDS`; it parses arguments, calls the API and prints a table, JSON
or CSV. No analysis logic lives here.

Errors take one path (:class:`AmplifyGroup`, :func:`amplify.cli.common.user_error`):
whatever a command lets through becomes one message -- exit code 1 for an
expected failure, 3 for a bug -- and ``--debug`` (before or after the
command) shows the traceback instead.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from amplify import __version__
from amplify.cli.common import compiling_note, debug_enabled, user_error
from amplify.render.textsafe import escaped

# module name -> attribute holding the click command, in --help order
COMMANDS = [
    ("ingest_cmd", "command"),
    ("detect_cmd", "command"),
    ("links_cmd", "command"),
    ("explain_cmd", "command"),
    ("info_cmd", "command"),
    ("outlets_cmd", "command"),
    ("check_cmd", "command"),
    ("compact_cmd", "command"),
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
    ("vocabulary", "command"),  # `amplify flags` (hidden): the README's table of shared flags
    ("coordination_cmd", "command"),
]


class AmplifyGroup(click.Group):
    """The command group: runs a command and turns what it raises into one message."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.exceptions.ClickException as exc:
            # messages quote the user's values (outlet and account names, file names, times): one that
            # holds an escape or a bidi override is shown, not obeyed
            exc.message = escaped(str(exc.message))
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (`amplify links ... | head`): stop quietly, as POSIX tools do on
            # SIGPIPE, and point stdout at /dev/null so flushing it at exit raises nothing more
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(141) from None
        except KeyboardInterrupt:
            if debug_enabled(ctx):
                raise
            click.echo("interrupted: nothing half-written was kept (outputs and workspace files are renamed "
                       "into place only when complete)", err=True)
            raise click.exceptions.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the one place every error is turned into a message
            if debug_enabled(ctx):
                raise
            error = user_error(exc, ctx)  # ctx.meta is shared with the command's context
            error.message = escaped(str(error.message))
            raise error from exc


def _debug(ctx: click.Context, param, value):
    if value:
        ctx.meta["amplify.debug"] = True
    return value


@click.group(cls=AmplifyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="amplify")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_debug,
              help="Show the Python traceback of an error instead of a one-line message "
                   "(also AMPLIFY_DEBUG=1; may be given after the command too).")
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


def main(argv: list[str] | None = None) -> None:  # console-script entry point
    """Run the command line; ``--debug`` may be given anywhere before a ``--``."""
    args = list(sys.argv[1:] if argv is None else argv)
    stop = args.index("--") if "--" in args else len(args)
    if "--debug" in args[:stop]:
        args = ["--debug"] + [a for i, a in enumerate(args) if not (a == "--debug" and i < stop)]
    said = compiling_note(args[:stop])  # a first run compiles for a minute: say so before it starts
    if said:
        click.echo(said, err=True)
    cli.main(args=args, prog_name="amplify")
