"""Is every file the manifest names there, whole and unchanged? And how to recover when not.

The manifest records, for each file it names (posts parts, the outlets
table, each link set), its size in bytes, its row count and -- from this
version on -- the SHA-256 of its bytes. Two depths of checking:

* :func:`quick_check` -- every file exists with its recorded size, and the
  post count is the sum of the parts' rows. It costs one ``stat`` per file,
  so every command runs it when it opens a workspace and refuses a damaged
  one with the message of :func:`damage_message` (a deleted or truncated part
  used to end in a Python traceback, in every command);
* :func:`check_workspace` -- also reads every file's Parquet footer (row
  count) and its bytes (checksum). ``amplify check`` runs it.

Each :class:`Damage` says what is damaged and how to recover:
derived data (a link set) is rebuilt by ``amplify detect``; a posts part or
the outlets table must come again from its source, and
:func:`repair_workspace` (``amplify check --repair``) makes the workspace
usable until then: it moves the damaged files to ``damaged/`` (nothing is
deleted), drops them from the manifest -- and every link set with a posts
part, since links may point to the posts lost -- and corrects the post count.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Damage", "CheckReport", "quick_check", "check_workspace", "damage_message", "repair_workspace",
           "DAMAGED_DIR"]

#: Folder (inside the workspace) where :func:`repair_workspace` moves damaged files.
DAMAGED_DIR = "damaged"
#: How many damaged files a message lists before "... and N more".
SHOWN = 5


@dataclass
class Damage:
    """One damaged file (or count) of a workspace."""

    what: str        #: "posts part 3", "outlets table", "link set 1a2b3c4d5e6f", "post count"
    file: str        #: path relative to the workspace ("" for the post count)
    problem: str     #: what is wrong
    recovery: str    #: how to get the data back

    def line(self) -> str:
        where = f" ({self.file})" if self.file else ""
        return f"{self.what}{where}: {self.problem}. {self.recovery}"


@dataclass
class CheckReport:
    """What :func:`check_workspace` found."""

    root: str
    deep: bool                                   #: footers and checksums read (not only sizes)
    files: int = 0                               #: files checked
    verified: int = 0                            #: files whose checksum was compared
    damages: list = field(default_factory=list)  #: :class:`Damage` records

    @property
    def ok(self) -> bool:
        return not self.damages

    def to_dict(self) -> dict:
        return {"workspace": self.root, "ok": self.ok, "deep": self.deep, "files": self.files,
                "verified": self.verified, "damages": [asdict(d) for d in self.damages]}

    def __str__(self) -> str:
        if self.ok:
            how = (f"{self.files} file(s) present with their recorded size, row count and checksum "
                   f"({self.verified} with a recorded checksum)") if self.deep else \
                f"{self.files} file(s) present with their recorded size"
            return f"workspace {self.root}: ok, {how}"
        lines = [f"workspace {self.root} is damaged: {len(self.damages)} problem(s)"]
        lines += ["  " + d.line() for d in self.damages]
        return "\n".join(lines)


def _part_recovery(root: Path, part: dict) -> str:
    sources = part.get("sources") or []
    files = (f" ({', '.join(sources[:SHOWN])}{' ...' if len(sources) > SHOWN else ''})" if sources
             else " (the manifest does not record which files: see the rejects/ notes or your records)")
    seqs = part.get("seqs")
    which = f"ingests #{seqs[0]}-#{seqs[1]} (merged by `amplify compact`)" if seqs and seqs[0] != seqs[1] else \
        f"ingest #{seqs[0] if seqs else part.get('seq', '?')}"
    return (f"Its {part.get('rows', '?'):,} posts of {which} are lost from the workspace: "
            f"run `amplify check --workspace {root} --repair` to set the part aside (link sets are dropped too, "
            f"being derived from the posts), then ingest again the file(s) of {'those ingests' if seqs and seqs[0] != seqs[1] else 'that ingest'}{files}, and run "
            f"`amplify detect --workspace {root}`")


def _outlets_recovery(root: Path) -> str:
    return (f"Run `amplify check --workspace {root} --repair` to set it aside (every outlet then shows as group "
            f"'unknown'), then load the table again with `amplify ingest --outlets FILE --workspace {root}`")


def _linkset_recovery(root: Path) -> str:
    return (f"Links are derived data: run `amplify check --workspace {root} --repair` to drop the set, then "
            f"`amplify detect --workspace {root}` (with the same options) to compute it again")


def _entries(root: Path, manifest: dict):
    """``(what, relative file, record, recovery, expected rows)`` for every file the manifest names."""
    for p in manifest["posts"]["parts"]:
        yield f"posts part {p.get('seq')}", p["file"], p, _part_recovery(root, p), p.get("rows")
    if manifest.get("outlets"):
        o = manifest["outlets"]
        yield "outlets table", o["file"], o, _outlets_recovery(root), o.get("rows")
    for ls in manifest["linksets"]:
        yield f"link set {ls['id']}", ls["file"], ls, _linkset_recovery(root), ls.get("n_links")


def _size_problem(path: Path, record: dict) -> str | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "the file is missing"
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    if not path.is_file():
        return "it is not a file"
    want = record.get("bytes")
    if isinstance(want, int) and size != want:
        cut = "truncated: " if size < want else ""
        return f"{cut}{size:,} bytes, but {want:,} were written"
    return None


def _count_problem(manifest: dict) -> Damage | None:
    parts = manifest["posts"]["parts"]
    total = sum(int(p.get("rows", 0)) for p in parts)
    n = manifest["posts"].get("n_posts")
    if n != total:
        return Damage("post count", "", f"the manifest says {n} posts, its parts hold {total:,}",
                      "The parts are what counts: `amplify check --repair` corrects the count")
    return None


def quick_check(root: Path, manifest: dict) -> list[Damage]:
    """Every named file present with its recorded size, and the post count right (one ``stat`` per file)."""
    root = Path(root)
    out = []
    for what, rel, record, recovery, _ in _entries(root, manifest):
        problem = _size_problem(root / rel, record)
        if problem:
            out.append(Damage(what, rel, problem, recovery))
    count = _count_problem(manifest)
    if count:
        out.append(count)
    return out


def _deep_problem(path: Path, record: dict, rows) -> tuple[str | None, bool]:
    """Footer and checksum of one present file: ``(problem, checksum compared)``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from amplify.workspace.tables import file_sha256

    try:
        with pq.ParquetFile(path) as pf:
            n = pf.metadata.num_rows
    except (pa.ArrowException, OSError, ValueError) as exc:
        return f"not a readable Parquet file ({str(exc).splitlines()[0][:200]})", False
    if isinstance(rows, int) and n != rows:
        return f"{n:,} rows, but {rows:,} were written", False
    want = record.get("sha256")
    if not want:
        return None, False
    try:
        got = file_sha256(path)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})", False
    if got != want:
        return "its bytes changed since they were written (the checksum differs)", True
    return None, True


def check_workspace(root: Path, manifest: dict, deep: bool = True) -> CheckReport:
    """Check every file the manifest names; with ``deep``, footers and checksums too."""
    root = Path(root)
    report = CheckReport(root=str(root), deep=deep)
    for what, rel, record, recovery, rows in _entries(root, manifest):
        report.files += 1
        path = root / rel
        problem = _size_problem(path, record)
        if problem is None and deep:
            problem, compared = _deep_problem(path, record, rows)
            report.verified += int(compared)
        if problem:
            report.damages.append(Damage(what, rel, problem, recovery))
        if what.startswith("link set"):
            settings = root / "links" / record["id"] / "settings.json"
            if not settings.is_file():
                report.damages.append(Damage(what, str(settings.relative_to(root)), "its settings.json is missing",
                                             _linkset_recovery(root)))
    count = _count_problem(manifest)
    if count:
        report.damages.append(count)
    return report


def damage_message(root: Path, damages: list[Damage]) -> str:
    """Why a command refuses a damaged workspace: what is damaged, and how to recover."""
    shown = "; ".join(f"{d.what}{' (' + d.file + ')' if d.file else ''}: {d.problem}" for d in damages[:SHOWN])
    more = f"; and {len(damages) - SHOWN} more" if len(damages) > SHOWN else ""
    return (f"workspace {root} is damaged: {shown}{more}. {damages[0].recovery}. "
            f"`amplify check --workspace {root}` lists every problem and how to recover")


def repair_workspace(root: Path, manifest: dict, report: CheckReport) -> tuple[dict, list[str]]:
    """The manifest without the damaged files (see the module's docstring), and what was done.

    The caller holds the writer lock and commits the manifest; damaged files
    are moved to ``damaged/`` first (nothing is deleted).
    """
    root = Path(root)
    bad_files = {d.file for d in report.damages if d.file}
    done = []
    m = manifest
    parts = m["posts"]["parts"]
    kept = [p for p in parts if p["file"] not in bad_files]
    dropped_parts = [p for p in parts if p["file"] in bad_files]
    for p in dropped_parts:
        done.append(f"posts part {p['seq']} ({p['rows']:,} posts) set aside: ingest its files again")
    m["posts"]["parts"] = kept
    m["posts"]["n_posts"] = sum(int(p["rows"]) for p in kept)
    m["posts"]["last_seq"] = max([int(p["seq"]) for p in kept] + [int(m["posts"].get("last_seq", 0))])
    if m.get("outlets") and m["outlets"]["file"] in bad_files:
        done.append("outlets table set aside: load it again with `amplify ingest --outlets FILE`")
        m["outlets"] = None
    drop_all_links = bool(dropped_parts)
    for ls in m["linksets"]:
        if drop_all_links or ls["file"] in bad_files or any(d.what == f"link set {ls['id']}" for d in report.damages):
            done.append(f"link set {ls['id']} dropped: run `amplify detect` to compute it again")
    m["linksets"] = [] if drop_all_links else [
        ls for ls in m["linksets"]
        if ls["file"] not in bad_files and not any(d.what == f"link set {ls['id']}" for d in report.damages)]
    if any(d.what == "post count" for d in report.damages):
        done.append("post count corrected")
    aside = root / DAMAGED_DIR
    for rel in sorted(bad_files):
        src = root / rel
        if src.exists():
            aside.mkdir(exist_ok=True)
            dest = aside / rel.replace("/", "__")
            with contextlib.suppress(OSError):
                os.replace(src, dest)
                done.append(f"{rel} moved to {DAMAGED_DIR}/{dest.name}")
    return m, done
