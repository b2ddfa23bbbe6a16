"""One flag vocabulary for every command, the old spellings that still work, and the table the README shows.

A flag means one thing wherever it appears (:data:`VOCABULARY`): ``-n`` is
always "how many rows to show" (``--top`` where rows are ranked, ``--limit``
where they are listed in order), ``-o`` is always ``--out``, ``--kind`` and
the other list flags take repeated flags and comma lists alike, and
``--since``/``--until`` are always a :data:`TIME`. A spelling that meant
something else before keeps working for now, with a warning that names the
new one (:func:`deprecated_alias`): a flag is never renamed silently.

``amplify flags`` (hidden) prints :func:`flags_table`, which the README
carries between ``<!-- flags:start -->`` and ``<!-- flags:end -->``; a test
keeps the two equal.
"""

from __future__ import annotations

import functools

import click

__all__ = ["TIME", "TimeType", "deprecated_alias", "split_list", "VOCABULARY", "SHORT_FLAGS", "flags_table",
           "command"]

#: What each shared flag means, in one sentence (every flag used by two commands or more must be here).
VOCABULARY = {
    "--workspace": "the workspace folder",
    "--format": "output format: a table (or text) for people, json / csv for scripts (parquet, html where offered)",
    "--out": "the file (or folder) to write; without it, standard output where that makes sense",
    "--quiet": "no progress bars or notes on stderr",
    "--raw": "CSV cells exactly as stored (no leading ' against spreadsheet formulas)",
    "--top": "how many rows to show, best first",
    "--limit": "how many rows to show, in the table's order",
    "--kind": "only these kinds (link kinds; outlet kinds too where the help says so); repeat the flag or separate by commas",
    "--outlet-kind": "only outlets of these kinds (the outlets table's kind); repeat or separate by commas",
    "--since": "only from this time on (a TIME: 2022-01-05, 2022-01-05T10:00Z ...; UTC unless it says otherwise)",
    "--until": "only before this TIME",
    "--linkset": "which link set (see amplify info); default the latest",
    "--all-links": "count every link, not only each echo's most likely direct source",
    "--parents-only": "only each echo's most likely direct source",
    "--no-ties": "leave out links between posts of one timestamp",
    "--no-cites": "leave out citations without a matched post",
    "--seed": "seed of anything drawn at random",
    "--permutations": "draws of the null models",
    "--by": "what to group by (volume: camp, given as group or camp; outlet; kind) or to match on (coordination: text, url, repost, any)",
    "--alpha": "significance level: a pair is reported at p (coordination: q) at most this",
    "--focus": "draw one post's cascade, or one outlet's",
    "--level": "outlet, camp or post graph",
    "--title": "the page's title",
    "--freq": "also per day / week / month (D, W, M)",
    "--table": "which table of the analysis to print",
    "--posts": "size of the generated corpus",
    "--encoding": "text encoding of the input files",
    "--workers": "threads to use (the result is the same with any number)",
    "--colors": "camp colours, e.g. RU=#c00,CN=#d4a000 (the others keep the colour-blind-safe defaults)",
}

#: Each short flag, and the long flags it may stand for (one meaning each).
SHORT_FLAGS = {"-w": {"--workspace"}, "-o": {"--out"}, "-q": {"--quiet"}, "-n": {"--top", "--limit"},
               "-g": {"--groups"}, "-h": {"--help"}}

_ALIASES = "amplify.deprecated_aliases"
# hidden parameter name -> the new spelling, filled by deprecated_alias for the README table
_NEW_SPELLING: dict = {}


class TimeType(click.ParamType):
    """A time given on the command line: checked when the command starts, passed on as written.

    A date whose day and month could be either way round (``01/02/2022``) is
    refused, with both ISO readings to choose from.

    >>> TIME.convert("2022-01-05", None, None)
    '2022-01-05'
    """

    name = "time"

    def get_metavar(self, param, *args, **kwargs) -> str:  # click 8.1 and 8.2 differ in their arguments
        return "TIME"

    def convert(self, value, param, ctx):
        if value is None or not isinstance(value, str):
            return value
        from amplify.analyze.errors import AmbiguousDateError, AnalysisError, user_time_ns

        try:
            user_time_ns(value)
        except AmbiguousDateError as exc:  # a time, but which one: the message names both readings
            self.fail(str(exc), param, ctx)
        except (AnalysisError, ValueError, TypeError, OverflowError) as exc:
            self.fail(f"{value!r} is not a time ({exc}): give a date or a time such as 2022-01-05, "
                      f"2022-01-05T10:00Z or '2022-01-05 10:00+03:00'", param, ctx)
        return value


#: The type of ``--since``, ``--until`` and every other time flag.
TIME = TimeType()


def split_list(values) -> list[str]:
    """Repeated flags and comma lists alike: ``("quote,verbatim", "reuse")`` -> ``['quote', 'verbatim', 'reuse']``.

    >>> split_list(("quote, verbatim", "reuse", ""))
    ['quote', 'verbatim', 'reuse']
    """
    return [v.strip() for item in values or () for v in str(item).split(",") if v.strip()]


def deprecated_alias(old: str, new: str, dest: str, *, type=None, multiple: bool = False, why: str = ""):
    """A hidden option ``old`` that still works as ``new`` (into parameter ``dest``), with a warning on stderr.

    Wrap the command's function with the returned decorator *below*
    ``@click.command``. When ``old`` is given its value replaces (or, for a
    ``multiple`` option, joins) the value of ``dest``.
    """

    def remember(ctx, param, value):  # noqa: D401 - a click callback
        if value is None or value == () or value is False:
            return
        click.echo(f"warning: {old} is deprecated{why}: write {new} (it does the same here)", err=True)
        ctx.meta.setdefault(_ALIASES, {})[dest] = (value, multiple)

    def decorate(f):
        @functools.wraps(f)
        def run(*args, **kwargs):
            ctx = click.get_current_context()
            for name, (value, many) in ctx.meta.get(_ALIASES, {}).items():
                if name in kwargs:
                    kwargs[name] = tuple(kwargs[name] or ()) + tuple(value) if many else value
            return f(*args, **kwargs)

        pname = f"deprecated_{dest}_{old.strip('-').replace('-', '_')}"
        _NEW_SPELLING[pname] = new
        return click.option(old, pname, hidden=True,
                            expose_value=False, callback=remember, type=type, multiple=multiple)(run)

    return decorate


def _long(opt: click.Option) -> str:
    longs = [o for o in opt.opts if o.startswith("--")]
    return longs[0] if longs else opt.opts[0]


def flags_table(group: click.Group) -> str:
    """The shared flags of ``group``'s commands as a Markdown table: flag, short form, meaning, commands.

    Only visible commands and options count; a flag used by one command only
    is that command's own (see its ``--help``).
    """
    where: dict[str, list[str]] = {}
    shorts: dict[str, set[str]] = {}
    for name, cmd in sorted(group.commands.items()):
        if cmd.hidden:
            continue
        for p in cmd.params:
            if not isinstance(p, click.Option) or p.hidden:
                continue
            flag = _long(p)
            where.setdefault(flag, []).append(name)
            shorts.setdefault(flag, set()).update(o for o in p.opts + p.secondary_opts if not o.startswith("--"))
    rows = ["| flag | short | means | commands |", "|---|---|---|---|"]
    for flag in sorted(where, key=lambda f: (-len(where[f]), f)):
        if len(where[flag]) < 2:
            continue
        short = ", ".join(f"`{s}`" for s in sorted(shorts[flag]))
        rows.append(f"| `{flag}` | {short} | {VOCABULARY.get(flag, '')} | {', '.join(where[flag])} |")
    old = [(name, p.opts[0], p.name) for name, cmd in sorted(group.commands.items()) if not cmd.hidden
           for p in cmd.params if isinstance(p, click.Option) and p.hidden and p.name.startswith("deprecated_")]
    if old:
        rows += ["", "Old spellings that still work, with a warning naming the new one:", "",
                 "| command | old | write instead |", "|---|---|---|"]
        for name, flag, dest in old:
            rows.append(f"| {name} | `{flag}` | `{_NEW_SPELLING.get(dest, dest)}` |")
    return "\n".join(rows) + "\n"


@click.command("flags", hidden=True)
def command():
    """Print the table of flags shared by the commands (the README carries it)."""
    from amplify.cli import cli

    click.echo(flags_table(cli), nl=False)
