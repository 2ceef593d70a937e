"""Command line: `python build.py` builds decks.toml; `build FILE...` any notes; `check` only reports.

Exit codes: 0 built (warnings allowed), 1 content errors, 2 bad usage. Diagnostics go to stderr as
`path:line: severity: message`; the summary and the files written go to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .build import BuildOptions, DeckResult, build
from .config import DeckSpec, check_version, load_project
from .diagnostics import Reporter, UsageError, display_path
from .manifest import compare, read_manifest
from .push import Target, add_collection_commands, push, status

COMMANDS = ("build", "check", "diff", "push", "status")


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # output piped into `head`: the files are written, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: list[str]) -> int:
    if not args or args[0] not in COMMANDS + ("-h", "--help"):
        args.insert(0, "build")
    try:
        parsed = _parser().parse_args(args)
    except SystemExit as exit:  # --help, or a usage error argparse has already explained
        return int(exit.code or 0)
    if parsed.command == "diff":
        return _diff(parsed.old, parsed.new)
    reporter = Reporter(strict=parsed.strict)
    try:
        specs, options = _plan(parsed)
        if parsed.command in ("push", "status"):
            target = Target(parsed.collection, parsed.profile, getattr(parsed, "dry_run", False),
                            getattr(parsed, "prefer", None), getattr(parsed, "delete_retired", False),
                            getattr(parsed, "sync", False), getattr(parsed, "endpoint", None),
                            getattr(parsed, "full_sync", None))
            return (push if parsed.command == "push" else status)(specs, options, reporter, target)
        results = build(specs, options, reporter)
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    reporter.print()
    return _summarise(parsed.command, results, reporter, options)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="Compile Markdown notes into versioned Anki decks (.apkg) with stable note ids.",
        epilog="With no command, builds every deck in decks.toml into dist/.")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    building = argparse.ArgumentParser(add_help=False)
    building.add_argument("files", nargs="*", type=Path, metavar="FILE", help="Markdown files (default: decks.toml)")
    building.add_argument("--deck", help="deck name for FILE... (default: the first file's name)")
    building.add_argument("--version", dest="deck_version", help="deck version for FILE... (default: 0.1.0)")
    building.add_argument("--out", type=Path, help="output folder (default: dist/)")
    building.add_argument("--lock", type=Path, help="lock file for FILE... (default: <first-file-name>.lock.json "
                                                    "beside the first file)")
    building.add_argument("--offline", action="store_true", help="do not download remote images")
    building.add_argument("--cache-dir", type=Path, help="where downloaded images are kept "
                                                         "(default: $XDG_CACHE_HOME/ankibuild or ~/.cache/ankibuild)")
    commands.add_parser("build", parents=[common, building], help="build decks (default command)",
                        description="Build the decks of decks.toml, or FILE... into one deck.")
    add_collection_commands(commands, parents=[common, building])
    check_cmd = commands.add_parser("check", parents=[common], help="report problems, write nothing",
                                    description="Parse and render notes and report problems; writes nothing "
                                                "and downloads nothing.")
    check_cmd.add_argument("files", nargs="*", type=Path, metavar="PATH",
                           help="Markdown files or folders (default: the decks of decks.toml)")
    check_cmd.set_defaults(deck=None, deck_version=None, lock=None, out=None, offline=True, cache_dir=None)
    diff_cmd = commands.add_parser("diff", help="compare two versions of a deck",
                                   description="Compare two deck manifests (the .manifest.json beside each .apkg): "
                                               "notes added, removed, changed and renamed.")
    diff_cmd.add_argument("old", type=Path, metavar="OLD", help="manifest of the earlier version")
    diff_cmd.add_argument("new", type=Path, metavar="NEW", help="manifest of the later version")
    return parser


def _diff(old_path: Path, new_path: Path) -> int:
    versions, notes = [], []
    for path in (old_path, new_path):
        try:
            version, listed = read_manifest(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as err:
            print(f"{path}: error: not a deck manifest ({err})", file=sys.stderr)
            return 2
        versions.append(version)
        notes.append(listed)
    print(f"{versions[0]} -> {versions[1]}")
    print("\n".join(compare(*notes).lines()))
    return 0


def _plan(parsed: argparse.Namespace) -> tuple[list[DeckSpec], BuildOptions]:
    """Which decks to build, and where everything goes: from FILE... or from decks.toml."""
    cwd = Path.cwd()
    files = _markdown_files(parsed.files)
    if files:
        name = (parsed.deck or files[0].stem).strip()
        spec = DeckSpec(name, check_version(parsed.deck_version or "0.1.0", "--version"), tuple(files))
        root = _project_root(Path(os.path.commonpath([file.resolve().parent for file in files])))
        specs, out = [spec], parsed.out or cwd / "dist"
        # named after the first file, not the deck, so that renaming the deck keeps its notes
        lock = parsed.lock or files[0].parent / f"{files[0].stem}.lock.json"
    else:
        if parsed.deck or parsed.deck_version or parsed.lock:
            raise UsageError("error: --deck, --version and --lock go with FILE...; decks.toml sets them for its decks")
        project = load_project(cwd / "decks.toml")
        specs, root, lock, out = list(project.decks), project.root, project.lock, parsed.out or project.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: error: --out must be a folder, and this is a file")
    if lock.is_dir():
        raise UsageError(f"{lock}: error: --lock must be a file, and this is a folder")
    cache = parsed.cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ankibuild"
    write = parsed.command in ("build", "push", "status")
    outputs = parsed.command == "build" or (parsed.command == "push" and not parsed.dry_run)
    return specs, BuildOptions(root=root, lock_path=lock, out_dir=out, cache_dir=cache,
                               offline=parsed.offline, write=write, outputs=outputs)


def _project_root(folder: Path) -> Path:
    """The project the notes belong to, wherever the command runs from: the nearest folder at or
    above them (below the home folder) that holds decks.toml or .git; else their own folder."""
    for candidate in (folder, *folder.parents):
        if candidate in (Path.home(), Path(candidate.anchor)):
            break
        if (candidate / "decks.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return folder


def _markdown_files(paths: list[Path]) -> list[Path]:
    """The files named, and the .md files under the folders named, each once."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*.md"))
            if not found:
                raise UsageError(f"{path}: error: no Markdown (.md) files in this folder")
        elif path.is_file():
            found = [path]
        else:
            raise UsageError(f"{path}: error: no such file or folder")
        files.extend(file for file in found if file.resolve() not in {f.resolve() for f in files})
    return files


def _summarise(command: str, results: list[DeckResult], reporter: Reporter, options: BuildOptions) -> int:
    if reporter.errors:
        print(f"{len(reporter.errors)} error(s): nothing was written", file=sys.stderr)
        return 1
    for result in results:
        problems = f", {result.problems} of them practice problems" if result.problems else ""
        print(f"{result.spec.name} {result.spec.version}: {result.notes} notes{problems} ({result.new} new, "
              f"{result.changed} changed), {result.media} media, {result.warnings} warnings")
        if result.retired:
            print(f"  {len(result.retired)} note(s) left the sources; an import cannot remove them from your "
                  f"collection. Find them in Anki's browser with nid:{','.join(map(str, result.retired))} "
                  "(or let `python build.py push` retire them)")
    if command == "build":
        for result in results:
            print(f"wrote {display_path(result.apkg_path, Path.cwd())}")
            print(f"wrote {display_path(result.manifest_path, Path.cwd())}")
        print(f"wrote {display_path(options.lock_path, Path.cwd())}")
    return 0

