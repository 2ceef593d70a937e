"""decks.toml: which decks the project builds, from which sources, with which version and tags."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import UsageError

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
MAX_FILE_NAME_BYTES = 255 - len(".x.12345678.tmp")  # most file systems' limit, less what staging adds
MAX_TIME_LIMIT = 600
LATEST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC: note ids (ms) and mtimes stay far inside SQLite's range


@dataclass(frozen=True)
class PracticeSpec:
    """`count` problems from the generator module `generators/<generator>.py`, made from `seed`."""

    generator: str
    count: int
    seed: int
    time_limit: float = 5.0  # seconds per problem, and per figure: a generator stuck in a loop stops here


@dataclass(frozen=True)
class DeckSpec:
    name: str
    version: str
    sources: tuple[Path, ...]
    tags: tuple[str, ...] = ()
    practice: tuple[PracticeSpec, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class Project:
    root: Path
    decks: tuple[DeckSpec, ...]
    lock: Path
    out: Path


def slugify(name: str) -> str:
    """A file-name-safe form of a deck name; letters of any script are kept (`Физика` → `физика`)."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-") or "deck"


def check_version(version: str, where: str) -> str:
    if not VERSION.match(version):
        raise UsageError(f"{where}: error: version '{version}' must be letters, digits and . + _ - "
                         "(it goes into the file name), e.g. 1.2.0")
    return version


def check_file_name(spec: DeckSpec, where: str) -> DeckSpec:
    """The deck's files are named after it: refuse a name too long for a file name."""
    longest = f"{spec.slug}-{spec.version}.manifest.json"
    if len(longest.encode()) > MAX_FILE_NAME_BYTES:
        raise UsageError(f"{where}: error: deck name '{spec.name[:40]}…' with version {spec.version[:20]} is too long "
                         f"to name its files ({len(longest.encode())} bytes, at most {MAX_FILE_NAME_BYTES}); "
                         "shorten it")
    return spec


def build_time(environ: dict[str, str] | os._Environ[str]) -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): the time new and changed notes get, if set."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit() and int(value) <= LATEST_EPOCH):
        raise UsageError(f"SOURCE_DATE_EPOCH: error: '{value[:40]}' is not a time; set it to whole seconds since "
                         f"1970-01-01 UTC (0 to {LATEST_EPOCH}), e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), "
                         "or unset it")
    return int(value)


def load_project(path: Path) -> Project:
    """Read decks.toml; every mistake is a UsageError naming the file and what to write instead."""
    if not path.is_file():
        raise UsageError(f"{path}: error: no decks.toml here; run from the project folder, "
                         "or build files directly: python build.py build NOTES.md --deck NAME")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}: error: {err}") from None
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: error: not UTF-8 text (byte 0x{err.object[err.start]:02x}); "
                         "save the file as UTF-8") from None
    except OSError as err:
        raise UsageError(f"{path}: error: cannot read the file ({err.strerror or err})") from None
    root = path.parent
    for key in ("lock", "out"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise UsageError(f"{path}: error: {key} must be a path written as a string, e.g. {key} = \"dist\"")
    decks_data = data.get("deck")
    if not isinstance(decks_data, list) or not decks_data:
        raise UsageError(f"{path}: error: declare at least one [[deck]] table with name, version and sources")
    decks = tuple(_deck(entry, index, root, path) for index, entry in enumerate(decks_data, start=1))
    slugs: dict[str, str] = {}
    for deck in decks:
        if deck.slug in slugs:
            raise UsageError(f"{path}: error: decks '{slugs[deck.slug]}' and '{deck.name}' would both be written to "
                             f"{deck.slug}-<version>.apkg; give each [[deck]] a distinct name")
        slugs[deck.slug] = deck.name
    return Project(root, decks, root / str(data.get("lock", "decks.lock.json")), root / str(data.get("out", "dist")))


def _deck(entry: object, index: int, root: Path, path: Path) -> DeckSpec:
    where = f"{path}: [[deck]] #{index}"
    if not isinstance(entry, dict):
        raise UsageError(f"{where}: error: expected a table")
    unknown = set(entry) - {"name", "version", "sources", "tags", "practice"}
    if unknown:
        raise UsageError(f"{where}: error: unknown key(s) {', '.join(sorted(unknown))}; "
                         "a deck has name, version, sources, tags and practice")
    name, version, patterns = entry.get("name"), entry.get("version"), entry.get("sources")
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"{where}: error: name must be a non-empty string")
    if not isinstance(version, str):
        raise UsageError(f"{where}: error: version must be a string such as \"1.0.0\"")
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise UsageError(f"{where}: error: sources must be a list of files or globs, e.g. [\"source/*.md\"]")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t and " " not in t for t in tags):
        raise UsageError(f"{where}: error: tags must be a list of strings without spaces")
    sources: list[Path] = []
    for pattern in patterns:
        if Path(pattern).is_absolute():
            raise UsageError(f"{where}: error: source '{pattern}' must be relative to decks.toml")
        matched = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
        if not matched or not all(p.is_file() for p in matched):
            raise UsageError(f"{where}: error: source '{pattern}' matches no file")
        sources.extend(p for p in matched if p not in sources)
    practice = _practice(entry.get("practice", []), root, where)
    return check_file_name(DeckSpec(name.strip(), check_version(version, where), tuple(sources), tuple(tags),
                                    practice), where)


def _practice(entries: object, root: Path, where: str) -> tuple[PracticeSpec, ...]:
    """The deck's `[[deck.practice]]` tables: generator, count, seed."""
    example = 'e.g. [[deck.practice]] with generator = "iou", count = 40, seed = 1 (and time_limit = 5, optional)'
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UsageError(f"{where}: error: practice must be a list of tables, {example}")
    specs: list[PracticeSpec] = []
    for entry in entries:
        unknown = set(entry) - {"generator", "count", "seed", "time_limit"}
        generator, count, seed = entry.get("generator"), entry.get("count"), entry.get("seed")
        time_limit = entry.get("time_limit", 5)
        if unknown:
            raise UsageError(f"{where}: error: unknown practice key(s) {', '.join(sorted(unknown))}; {example}")
        if not isinstance(generator, str) or not generator.isidentifier() or generator.startswith("_"):
            raise UsageError(f"{where}: error: practice generator must name a module in generators/ "
                             f"(a Python identifier not starting with _), {example}")
        if not (root / "generators" / f"{generator}.py").is_file():
            raise UsageError(f"{where}: error: generator '{generator}' not found: no generators/{generator}.py")
        for key, value, limit in (("count", count, 10_000), ("seed", seed, 2**63 - 1)):
            if type(value) is not int or not 0 <= value <= limit:
                raise UsageError(f"{where}: error: practice '{generator}': {key} must be a whole number "
                                 f"from 0 to {limit}, {example}")
        if type(time_limit) not in (int, float) or not 0 < time_limit <= MAX_TIME_LIMIT:
            raise UsageError(f"{where}: error: practice '{generator}': time_limit must be a number of seconds "
                             f"above 0 and at most {MAX_TIME_LIMIT}, e.g. time_limit = 5")
        if any(spec.generator == generator for spec in specs):
            raise UsageError(f"{where}: error: generator '{generator}' is listed twice; give it one count")
        specs.append(PracticeSpec(generator, count, seed, float(time_limit)))
    return tuple(specs)
