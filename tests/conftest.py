"""Shared test scaffolding: a notes project on disk, the real build command, a real Anki collection,
and the repository's problem generators imported as a build imports them."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.scheduler.v3 import CardAnswer
from browser import chromium  # noqa: F401 (a fixture: one headless Chromium)
from syncserver import sync_server as start_sync_server
from webserver import Server

from ankibuild.cli import main
from ankibuild.diagnostics import Reporter
from ankibuild.practice import PACKAGE, Family, load_family, open_package

FIXTURES = Path(__file__).parent / "fixtures"
GENERATORS = Path(__file__).resolve().parent.parent / "generators"
FAMILIES = sorted(path.stem for path in GENERATORS.glob("[!_]*.py"))  # a newly added family is tested too


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Project:
    """A user's notes folder, built with the real command line, as the user would."""

    root: Path
    capsys: pytest.CaptureFixture[str]

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def copy_fixtures(self, *names: str) -> None:
        for name in names:
            shutil.copytree(FIXTURES / name, self.root / name)

    def run(self, *args: str) -> Run:
        previous = Path.cwd()
        os.chdir(self.root)
        try:
            self.capsys.readouterr()
            code = main(list(args))
        finally:
            os.chdir(previous)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def build(self, *files: str, deck: str = "Notes", extra: tuple[str, ...] = ()) -> Path:
        """Build `files` into one deck offline; fail the test on a non-zero exit."""
        result = self.run("build", *files, "--deck", deck, "--out", "dist", "--offline", *extra)
        assert result.code == 0, result.err
        return self.root / "dist" / f"{deck.lower().replace(' ', '-')}-0.1.0.apkg"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "notes"
    root.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return Project(root, capsys)


class Anki:
    """A fresh collection of the real Anki backend, standing in for the user's desktop app."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.col = Collection(str(path))

    def import_deck(self, apkg: Path):  # -> anki.import_export_pb2.ImportAnkiPackageLog
        request = ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
        log = self.col.import_anki_package(request).log
        self.col.models._clear_cache()  # the Python layer caches note types the backend just changed
        return log

    def notes(self, search: str = ""):
        return [self.col.get_note(nid) for nid in sorted(self.col.find_notes(search))]

    def note(self, question: str):
        matches = [n for n in self.notes() if n["Question"] == question]
        assert len(matches) == 1, f"expected one note '{question}', found {len(matches)}"
        return matches[0]

    def card_html(self, question: str) -> tuple[str, str]:
        card = self.note(question).cards()[0]
        return card.question(), card.answer()

    def review(self, question: str) -> None:
        """Study the card once and answer Good, as the user does in the reviewer."""
        card = self.note(question).cards()[0]
        card.start_timer()
        states = self.col._backend.get_scheduling_states(card.id)
        self.col.sched.answer_card(self.col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))

    def images(self, question: str) -> list[str]:
        """The `src` of every image the card's answer shows."""
        return re.findall(r'<img src="([^"]+)"', self.card_html(question)[1])

    def media_bytes(self, name: str) -> bytes:
        return (Path(self.col.media.dir()) / name).read_bytes()

    def media_files(self) -> set[str]:
        return set(os.listdir(self.col.media.dir()))


@pytest.fixture
def anki(tmp_path: Path):
    collection = Anki(tmp_path / "anki" / "collection.anki2")
    yield collection
    collection.col.close()


@pytest.fixture
def anki_factory(tmp_path: Path):
    """More collections, e.g. a second device."""
    opened: list[Anki] = []

    def make(name: str) -> Anki:
        opened.append(Anki(tmp_path / name / "collection.anki2"))
        return opened[-1]

    yield make
    for collection in opened:
        collection.col.close()


@pytest.fixture
def sync_server(tmp_path: Path):
    """Anki's own sync server with one account on 127.0.0.1; yields its endpoint URL."""
    with start_sync_server(tmp_path) as endpoint:
        yield endpoint


@pytest.fixture
def server():
    server = Server()
    yield server
    server.stop()


# --- the repository's generators/ ----------------------------------------------------------------


@cache
def _generators() -> tuple[dict[str, Family], dict[str, ModuleType]]:
    """generators/ imported once, through the engine exactly as a build imports it (every family
    loads without a diagnostic): the families, and every module of the package by its full name,
    `_helpers` included, as sys.modules held them right after."""
    open_package(GENERATORS)
    reporter = Reporter()
    families = {name: load_family(GENERATORS, name, GENERATORS, reporter) for name in FAMILIES}
    assert not reporter.items, reporter.items
    modules = {name: module for name, module in sys.modules.items()
               if name == PACKAGE or name.startswith(PACKAGE + ".")}
    return families, modules  # type: ignore[return-value]


def generator_family(name: str) -> Family:
    """The family generators/<name>.py as the engine loaded it."""
    return _generators()[0][name]


def generator_module(name: str) -> ModuleType:
    """generators/<name>.py, a family or a `_helper`. Other tests open the package afresh for their
    own projects, which empties its sys.modules entries; the modules returned here stay valid."""
    return _generators()[1][f"{PACKAGE}.{name}"]


@contextmanager
def generators_imported() -> Iterator[None]:
    """sys.modules as the import of generators/ left it, for the engine's checks that look a figure's
    draw function up there (another test may have opened the package for its own project since)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, module in _generators()[1].items():
            patch.setitem(sys.modules, name, module)
        yield
