"""Command line: `python build.py` builds decks.toml; `build FILE...` any notes; `check` only reports;
`release` versions and releases the decks that changed; `diff` compares two versions; `preview` and
`serve` show the cards as Anki will.

Exit codes: 0 built (warnings allowed), 1 content errors, 2 bad usage. Diagnostics go to stderr as
`path:line: severity: message`; the summary and the files written go to stdout.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

from .config import DeckSpec, build_time, check_file_name, check_version, load_project
from .diagnostics import Reporter, UsageError, display_path
from .files import WriteError
from .options import BuildOptions, DeckResult

# Each command imports its modules when run: a rebuild with nothing changed loads no more than it
# needs to see that (ankibuild.unchanged), and a build loads no push, preview or release code.

COMMANDS = ("build", "check", "diff", "preview", "push", "release", "serve", "status")


def main(argv: list[str] | None = None) -> int:
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return _run(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # output piped into `head`: the files are written, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the commit is journaled, so the outputs are all old or all new
        print("interrupted: the previous decks and lock are as they were (or, if the commit had begun, the "
              "next build completes it)", file=sys.stderr)
        return 130


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """A library's warning, in the build's own `path:line: warning: message` form."""
    print(f"{filename}:{lineno}: warning: {message} ({category.__name__})", file=sys.stderr)


def _run(args: list[str]) -> int:
    if args and _mistyped_command(args[0]):
        close = difflib.get_close_matches(args[0], COMMANDS, n=1)
        print(f"{args[0]}: error: no such command, file or folder; the commands are {', '.join(COMMANDS)}"
              + (f" (did you mean '{close[0]}'?)" if close else "") + f"; see {_prog()} --help", file=sys.stderr)
        return 2
    if not args or args[0] not in COMMANDS + ("-h", "--help"):
        args.insert(0, "build")
    try:
        parsed = _parser().parse_args(args)
    except SystemExit as exit:  # --help, or a usage error argparse has already explained
        return int(exit.code or 0)
    reporter = Reporter(strict=getattr(parsed, "strict", False))
    try:
        if parsed.command == "diff":
            return _diff(parsed.old, parsed.new)
        if parsed.command in ("preview", "serve"):
            return _preview(parsed, reporter)
        specs, options = _plan(parsed)
        if parsed.command in ("push", "status"):
            from .push import Target, push, status

            target = Target(parsed.collection, parsed.profile, getattr(parsed, "dry_run", False),
                            getattr(parsed, "prefer", None), getattr(parsed, "delete_retired", False),
                            getattr(parsed, "sync", False), getattr(parsed, "endpoint", None),
                            getattr(parsed, "full_sync", None))
            return (push if parsed.command == "push" else status)(specs, options, reporter, target)
        if parsed.command == "release":
            from .release import release

            return release(specs, options, reporter, parsed.dry_run, options.now)
        results = _build(specs, options, reporter) if parsed.command == "build" else None
        if results is None:  # `check`, or a build that found something changed
            from .build import build

            results = build(specs, options, reporter)
    except (UsageError, WriteError) as err:  # bad usage, or outputs that cannot be written: nothing was
        print(err, file=sys.stderr)
        return 2
    reporter.print()
    return _summarise(parsed.command, results, reporter, options)


def _mistyped_command(first: str) -> bool:
    """Whether the first argument was meant as a command: a word that is no command, file or folder
    (`python build.py bogus`), rather than the name of notes to build."""
    return (first not in COMMANDS and not first.startswith("-") and not Path(first).exists()
            and "." not in first and "/" not in first and os.sep not in first)


def _prog() -> str:
    """The command as the user typed it: `ankibuild` (the console script) or `python build.py`."""
    return "ankibuild" if Path(sys.argv[0]).name == "ankibuild" else "python build.py"


def _text(value: str) -> str:
    """An option's value, which must not be empty (`--version ""` is a mistake, not the default)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value


def _path(value: str) -> Path:
    return Path(_text(value))


def _port(value: str) -> int:
    """A TCP port: 0 (any free one) to 65535."""
    if not value.strip().isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port; give a number from 1024 to 65535, or 0 for any free one")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Compile Markdown notes into versioned Anki decks (.apkg) with stable note ids.",
        epilog="With no command, builds every deck in decks.toml into dist/.")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument("--quiet", action="store_true", help="no progress bars (there are none when stderr "
                                                            "is not a terminal); the summary stays")
    building = argparse.ArgumentParser(add_help=False)
    building.add_argument("files", nargs="*", type=_path, metavar="FILE", help="Markdown files (default: decks.toml)")
    building.add_argument("--deck", type=_text, help="deck name for FILE... (default: the first file's name)")
    building.add_argument("--version", type=_text, dest="deck_version",
                          help="deck version for FILE... (default: 0.1.0)")
    building.add_argument("--out", type=_path, help="output folder (default: dist/)")
    building.add_argument("--lock", type=_path, help="lock file for FILE... (default: <first-file-name>.lock.json "
                                                     "beside the first file)")
    building.add_argument("--offline", action="store_true", help="do not download remote images")
    building.add_argument("--cache-dir", type=_path,
                          help="where downloaded images, drawn figures, rendered notes and problems and the record "
                               "of the last unchanged build are kept, all safe to delete (default: "
                               "$XDG_CACHE_HOME/ankibuild or ~/.cache/ankibuild)")
    commands.add_parser("build", parents=[common, building], help="build decks (default command)",
                        description="Build the decks of decks.toml, or FILE... into one deck.")
    add_collection_commands(commands, parents=[common, building])
    check_cmd = commands.add_parser("check", parents=[common], help="report problems, write nothing",
                                    description="Parse and render notes and report problems; writes nothing "
                                                "and downloads nothing.")
    check_cmd.add_argument("files", nargs="*", type=_path, metavar="PATH",
                           help="Markdown files or folders (default: the decks of decks.toml)")
    check_cmd.set_defaults(deck=None, deck_version=None, lock=None, out=None, offline=True, cache_dir=None)
    release_cmd = commands.add_parser(
        "release", parents=[common], help="version and release the decks that changed",
        description="Compare each deck of decks.toml with its last release (dist/<version>/) and raise its version: "
                    "patch for edits only, minor for new notes or practice problems, major for notes retired or a "
                    "note-type schema change. Writes the version to decks.toml, a section to CHANGELOG.md, and the "
                    ".apkg, manifest and changelog section to dist/<version>/; removes earlier builds from dist/. "
                    "Refuses (exit code 1) when nothing changed.")
    release_cmd.add_argument("--dry-run", action="store_true", help="say which versions and why; write nothing")
    release_cmd.add_argument("--offline", action="store_true", help="do not download remote images")
    release_cmd.add_argument("--cache-dir", type=Path, help="as for build")
    release_cmd.set_defaults(files=[], deck=None, deck_version=None, lock=None, out=None)
    commands.add_parser("preview", parents=[common, building], help="write the cards as a static web page",
                        description="Write every note's cards, front and back, as Anki shows them, into a web page "
                                    "in --out DIR (required: a new or empty folder, or a previous preview, which it "
                                    "replaces). It works from file:// and any static host. Writes no deck and no lock.")
    serve_cmd = commands.add_parser("serve", parents=[common, building], help="preview the cards live while you write",
                                    description="Serve the preview on 127.0.0.1, rebuild it whenever a file of "
                                                "the project is saved (redoing only what the change touched) and "
                                                "update the open page (only the notes that changed). Answers only "
                                                "requests for 127.0.0.1:PORT or localhost:PORT. Writes no deck "
                                                "and no lock; Ctrl-C stops.")
    serve_cmd.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free port)")
    diff_cmd = commands.add_parser("diff", help="compare two versions of a deck",
                                   description="What changed between two versions: notes added, edited (with a word "
                                               "diff), moved, renamed and retired, by heading and file:line, and "
                                               "practice families; deck by deck.")
    diff_cmd.add_argument("old", type=_text, metavar="OLD", help="a .manifest.json, or a version of the decks.toml decks (0.2.0)")
    diff_cmd.add_argument("new", type=_text, metavar="NEW", help="the later version, the same way")
    return parser


def add_collection_commands(commands, parents: list) -> None:
    """The `push` and `status` subcommands, with the build's options and the collection's."""
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--collection", type=Path, metavar="PATH", help="the collection.anki2 file to use")
    where.add_argument("--profile", metavar="NAME", help="an Anki profile, found where Anki keeps them "
                                                        "(default: the only profile; ANKI_BASE is honoured)")
    push_cmd = commands.add_parser(
        "push", parents=[*parents, where], help="build, then merge into an Anki collection",
        description="Build, then write the decks straight into an Anki collection (Anki must be closed), "
                    "merging note by note: Markdown edits update notes in place, edits made in Anki are kept, "
                    "edits on both sides are conflicts. Tags you added are kept, moved cards change decks, "
                    "notes that left the sources are suspended and tagged ankibuild::retired. A backup is "
                    "made first.")
    push_cmd.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    push_cmd.add_argument("--prefer", choices=("markdown", "anki"), help="settle conflicts for this side")
    push_cmd.add_argument("--delete-retired", action="store_true",
                          help="delete notes that left the sources instead of suspending them")
    push_cmd.add_argument("--sync", action="store_true", help="then sync with AnkiWeb (or --endpoint), media "
                                                              "included; account from ANKIBUILD_SYNC_USER/"
                                                              "ANKIBUILD_SYNC_PASSWORD or a prompt")
    push_cmd.add_argument("--endpoint", metavar="URL", help="a self-hosted sync server instead of AnkiWeb")
    push_cmd.add_argument("--full-sync", choices=("upload", "download"),
                          help="allow a full sync in this direction when one is needed")
    commands.add_parser("status", parents=[*parents, where], help="compare the sources with an Anki collection",
                        description="Read-only: Markdown edits not in the collection yet, edits made in Anki, "
                                    "conflicts, retired notes still present, and notes in our decks we do not know.")


def _build(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter) -> list[DeckResult] | None:
    """A rebuild with nothing changed, replayed from its record; None when something changed."""
    from .unchanged import replay

    return replay(specs, options, reporter)


def _diff(old: str, new: str) -> int:
    from .changelog import report
    from .changes import compare
    from .dist import manifests_to_compare

    project = load_project(Path.cwd() / "decks.toml") if (Path.cwd() / "decks.toml").is_file() else None
    reports = ["\n".join(report(compare(*pair))) for pair in manifests_to_compare(old, new, project)]
    print("\n\n".join(reports))
    return 0


def _preview(parsed: argparse.Namespace, reporter: Reporter) -> int:
    """`preview --out DIR` writes the page once; `serve` serves it and follows every change."""
    from .preview import write_site
    from .previewbuild import LiveSite, preview_site

    cwd = Path.cwd()
    if parsed.command == "serve":
        _, options = _plan(parsed)  # a bad command line stops here, before anything is served
        from .serve import serve  # here: a build loads no server (nor any network) code

        serve(LiveSite(lambda: _plan(parsed), parsed.strict, cwd), options.root, parsed.port,
              ignore=[options.out_dir, options.cache_dir])
        return 0
    if parsed.out is None:
        raise UsageError("error: preview needs --out DIR, the folder for the page")
    site = preview_site(*_plan(parsed), reporter, cwd)
    reporter.print()
    write_site(site, parsed.out)
    print(f"wrote {display_path(parsed.out / 'index.html', cwd)}")
    if reporter.errors:
        print(f"{len(reporter.errors)} error(s): the preview shows them on their cards", file=sys.stderr)
    return 1 if reporter.errors else 0


def _plan(parsed: argparse.Namespace) -> tuple[list[DeckSpec], BuildOptions]:
    """Which decks to build, and where everything goes: from FILE... or from decks.toml."""
    cwd = Path.cwd()
    files = _markdown_files(parsed.files)
    if files:
        name = (parsed.deck or files[0].stem).strip()
        spec = check_file_name(DeckSpec(name, check_version(parsed.deck_version or "0.1.0", "--version"),
                                        tuple(files)), "--deck")
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
    write = parsed.command in ("build", "push", "status", "release", "preview", "serve")
    outputs = parsed.command in ("build", "release") or (parsed.command == "push" and not parsed.dry_run)
    if write:
        _check_writable(cache)
    epoch = build_time(os.environ)
    return specs, BuildOptions(root=root, lock_path=lock, out_dir=out, cache_dir=cache, cwd=cwd,
                               now=int(time.time()) if epoch is None else epoch, offline=parsed.offline,
                               write=write, outputs=outputs, progress=not parsed.quiet and sys.stderr.isatty())


def _check_writable(cache: Path) -> None:
    """The cache must take files (figures are drawn into it); say so before the build starts."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=cache).close()
    except OSError as err:
        raise UsageError(f"{cache}: error: the cache folder cannot be written ({err.strerror or err}); "
                         "choose another with --cache-dir or XDG_CACHE_HOME") from None


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
            print(f"wrote {display_path(result.apkg_path, options.cwd)}")
            print(f"wrote {display_path(result.manifest_path, options.cwd)}")
        print(f"wrote {display_path(options.lock_path, options.cwd)}")
    return 0

