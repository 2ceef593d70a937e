"""Generators are the project's own code, and code goes wrong: it loops forever, exits, prints,
reads the clock or writes files. Each is an error (or, for printing, a warning) naming the family and
the problem; the build never hangs, never dies and never writes anything it should not."""

from __future__ import annotations

import re

import pytest
from test_practice import SQUARES, deck_toml

LOOP = "    while True:\n        pass\n"
CASES = {
    "raises KeyboardInterrupt": ("    x = int", "    raise KeyboardInterrupt\n    x = int",
                                 r"generators/squares\.py:8: error: generator 'squares' problem 1 \(seed 7\) raised "
                                 r"KeyboardInterrupt\n"),
    "calls sys.exit(3)": ("    x = int", "    import sys\n    sys.exit(3)\n    x = int",
                          r"generators/squares\.py:9: error: generator 'squares' problem 1 \(seed 7\) raised "
                          r"SystemExit: 3\n"),
    "calls os._exit(0)": ("    x = int", "    import os\n    os._exit(0)\n    x = int",
                          r"generators/squares\.py:9: error: generator 'squares' problem 1 \(seed 7\) called "
                          r"os\._exit\(0\)\n"),
    "loops forever": ("    x = int", LOOP + "    x = int",
                      r"generators/squares\.py: error: generator 'squares' problem 1 timed out after 0\.5 s; "),
    "loops forever on import": ('TITLE = "Squares"\n', 'TITLE = "Squares"\n' + LOOP.replace("    ", "", 1),
                                r"generators/squares\.py: error: loading generator 'squares' timed out after 0\.5 s"),
    "loops forever while drawing": ("    ax.bar([0], [x])\n", "    ax.bar([0], [x])\n" + LOOP,
                                    r"generators/squares\.py: error: generator 'squares' problem 1 \(seed 7\): "
                                    r"drawing a figure timed out after 0\.5 s\n"),
    "exits while drawing": ("    ax.bar([0], [x])\n", "    ax.bar([0], [x])\n    raise SystemExit(4)\n",
                            r"generators/squares\.py:18: error: generator 'squares' problem 1 \(seed 7\): "
                            r"drawing a figure raised SystemExit: 4\n"),
    "reads the clock": ('solution=f"', 'solution=__import__("time").strftime("%H:%M:%S ") + f"',
                        r"generator 'squares' problem 1 \(seed 7\) is not deterministic"),
    "reads the clock in nanoseconds": ('solution=f"', 'solution=str(__import__("time").time_ns()) + f"',
                                       r"generator 'squares' problem 1 \(seed 7\) is not deterministic"),
    "reads today's date": ('solution=f"', 'solution=str(__import__("datetime").date.today()) + f"',
                           r"generator 'squares' problem 1 \(seed 7\) is not deterministic"),
    "uses numpy's global random state": ("    x = int(rng.integers(2, 1000))",
                                         "    import numpy\n    x = int(numpy.random.randint(2, 1000))",
                                         r"generator 'squares' problem 1 \(seed 7\) is not deterministic"),
    "writes a file": ("    x = int", "    open('../pwned.txt', 'w').write('x')\n    x = int",
                      r"generators/squares\.py: error: generator 'squares' problem 1 \(seed 7\) tried to write "
                      r"\.\./pwned\.txt: a generator computes and reads, it writes no files"),
    "writes a file and hides the error": ("    x = int", "    try:\n        open('../pwned.txt', 'a')\n"
                                          "    except OSError:\n        pass\n    x = int",
                                          r"problem 1 \(seed 7\) tried to write \.\./pwned\.txt"),
    "writes a file while drawing": ("    ax.bar([0], [x])\n", "    ax.bar([0], [x])\n    open('../pwned.txt', 'w')\n",
                                    r"generators/squares\.py: error: generator 'squares' problem 1 \(seed 7\): "
                                    r"drawing a figure tried to write \.\./pwned\.txt"),
    "disarms the time limit": ("    x = int", "    import signal\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                              + LOOP + "    x = int",
                               r"generators/squares\.py: error: generator 'squares' problem 1 \(seed 7\) tried to "
                               r"call signal\.signal"),
    "runs a program": ("    x = int", "    import subprocess\n    subprocess.run(['touch', '../pwned.txt'])\n"
                                      "    x = int", r"problem 1 \(seed 7\) tried to call subprocess\.Popen"),
}


@pytest.fixture
def one_problem(project):
    """A deck with one problem, whose generator code the test breaks; generous limits are the default,
    this project sets half a second."""
    project.write("algebra.md", "## Square of a sum\n$(a + b)^2$\n")
    project.write("decks.toml", deck_toml(count=1) + "time_limit = 0.5\n")
    return project


@pytest.mark.parametrize("mistake", CASES)
def test_a_misbehaving_generator_is_an_error_and_nothing_is_written(one_problem, mistake):
    old, new, message = CASES[mistake]
    assert old in SQUARES
    one_problem.write("generators/squares.py", SQUARES.replace(old, new, 1))

    result = one_problem.run()

    assert result.code == 1 and re.search(message, result.err), result.err
    assert "Traceback" not in result.err and result.out == ""
    assert not (one_problem.root / "dist").exists() and not (one_problem.root.parent / "pwned.txt").exists()


def test_a_draw_function_that_exits_its_worker_process_is_an_error(one_problem):
    """Twelve figures are drawn over several processes: one calling os._exit must not break the pool."""
    one_problem.write("decks.toml", deck_toml(count=12) + "time_limit = 5\n")
    one_problem.write("generators/squares.py", SQUARES.replace("    ax.bar([0], [x])\n",
                                                               "    ax.bar([0], [x])\n    import os\n    os._exit(0)\n"))
    result = one_problem.run()
    assert result.code == 1 and "Traceback" not in result.err
    assert re.search(r"generators/squares\.py:19: error: generator 'squares' problem 1 \(and 11 more\) \(seed 7\): "
                     r"drawing a figure called os\._exit\(0\)", result.err), result.err


def test_what_a_generator_prints_is_reported_not_shown(one_problem):
    one_problem.write("generators/squares.py", SQUARES.replace("    x = int", "    print('debug', rng)\n    x = int"))
    result = one_problem.run()
    assert result.code == 0, result.err
    assert re.search(r"generators/squares\.py: warning: generator 'squares' problem 1 \(seed 7\) printed "
                     r"'debug Generator\(PCG64\)'; what a generator prints is not shown", result.err), result.err
    assert "debug" not in result.out


def test_a_time_limit_must_be_a_positive_number_of_seconds(one_problem):
    one_problem.write("generators/squares.py", SQUARES)
    one_problem.write("decks.toml", deck_toml(count=1) + "time_limit = 0\n")
    result = one_problem.run()
    assert result.code == 2 and "practice 'squares': time_limit must be a number of seconds above 0" in result.err
