"""Run the project's own code (generators, draw functions) so that nothing it does can take the build
down with it: a time limit, no exit, no writes, no programs, its printing captured.

This is a fence against mistakes (an endless loop, a stray `print`, `sys.exit`, a debugging file
written to the wrong place), not a security boundary: generators are code the project chose to run.
A generator may read files and compute; it may not write, delete or rename files, start programs,
open network connections, signal processes or touch signal handlers and timers (the time limit
needs them), and what it prints is reported, not shown.

`world` lets a second run see another world: another clock (`time`'s functions, `datetime`'s now
and today) and another state of the global random generators (`random`, `numpy.random`), so a
problem that depends on either differs between the two runs and the determinism check catches it.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

FORBIDDEN_EVENTS = {
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.symlink", "os.link", "os.truncate", "os.chmod",
    "os.chown", "os.utime", "os.kill", "os.killpg", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
    "os.fork", "os.forkpty", "subprocess.Popen", "shutil.rmtree", "shutil.move", "socket.connect",
    "socket.bind", "signal.pthread_kill",
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CLOCK_SHIFT = 400 * 86400 + 12345.678  # the other world's clock: a year and a month later, another second
MAX_PRINTED = 200


class TimedOut(BaseException):
    """Raised inside user code when its time is up (a BaseException: `except Exception` cannot keep it)."""


class Exited(BaseException):
    """Raised instead of ending the whole build when user code calls os._exit."""


@dataclass(frozen=True)
class Outcome:
    """What running user code came to: its value, or the reason it failed, and what it tried to do."""

    value: Any = None
    failure: str | None = None  # "raised ValueError: ...", "timed out after 5 s", "called os._exit(0)"
    error: BaseException | None = None  # the exception, to find the user's line
    printed: str = ""
    forbidden: tuple[str, ...] = ()  # what it tried and was refused: "write ../pwned.txt"


@dataclass
class _Fence:
    forbidden: list[str]


_SIGNAL, _SETITIMER = signal.signal, getattr(signal, "setitimer", None)  # ours, whatever fenced code sees
_active: list[_Fence] = []  # the fence in force, if any (audit hooks cannot be removed, only idled)
_hook_installed = False


def run_fenced(function: Callable[..., Any], *args: Any, limit: float, world: int = 0, **kwargs: Any) -> Outcome:
    """function(*args, **kwargs) within `limit` seconds, fenced; never raises for what the code does
    (a real Ctrl-C from the user still interrupts the build)."""
    _install_hook()
    fence = _Fence([])
    printed = io.StringIO()
    interrupted = []
    states = random.getstate(), np.random.get_state()
    armed = [True]

    def user_pressed_ctrl_c(signum: int, frame: object) -> None:
        interrupted.append(signum)
        raise KeyboardInterrupt

    def time_is_up(signum: int, frame: object) -> None:
        if armed:
            raise TimedOut

    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if timed:
        previous = {number: _SIGNAL(number, handler)
                    for number, handler in ((signal.SIGALRM, time_is_up), (signal.SIGINT, user_pressed_ctrl_c))}
    random.seed(f"ankibuild world {world}")
    np.random.seed(world)
    patches = {place: replacement for place, replacement in {**_refusals(fence), **(_shifted_clocks() if world else {})}
               .items() if hasattr(*place)}
    real = {place: getattr(*place) for place in patches}
    for (module, name), replacement in patches.items():
        setattr(module, name, replacement)
    _active.append(fence)
    try:
        try:
            if timed:
                _SETITIMER(signal.ITIMER_REAL, limit, 0.05)  # and every 50 ms after, should code swallow it
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                value = function(*args, **kwargs)
        finally:
            armed.clear()  # from here on, a late alarm raises nothing in the build's own code
        outcome = Outcome(value=value)
    except TimedOut as err:
        outcome = Outcome(failure=f"timed out after {limit:g} s", error=err)
    except Exited as err:
        outcome = Outcome(failure=f"called os._exit({err.args[0]})", error=err)
    except BaseException as err:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too: the user's code
        if interrupted:
            raise
        outcome = Outcome(failure=f"raised {describe(err)}", error=err)
    finally:
        if timed:
            _SETITIMER(signal.ITIMER_REAL, 0)
            for number, handler in previous.items():
                _SIGNAL(number, handler)
        _active.remove(fence)
        for (module, name), function_before in real.items():
            setattr(module, name, function_before)
        random.setstate(states[0])
        np.random.set_state(states[1])
    return replace(outcome, printed=printed.getvalue(), forbidden=tuple(fence.forbidden))


def _refusals(fence: _Fence) -> dict[tuple[object, str], object]:
    """What fenced code may not call: os._exit (it would end the build, silently) and what would
    disarm the time limit (signal handlers, timers, signal masks)."""
    def refuse_exit(code: int = 0) -> None:
        raise Exited(code)

    def refuse(what: str) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> None:
            fence.forbidden.append(f"call {what}")
            raise PermissionError(f"generators and draw functions may not call {what}")
        return refused

    names = ("signal", "setitimer", "alarm", "pthread_sigmask", "siginterrupt")
    return {(os, "_exit"): refuse_exit, **{(signal, name): refuse(f"signal.{name}") for name in names}}


def _shifted_clocks() -> dict[tuple[object, str], object]:
    """Every clock a generator could read (time.*, datetime's now and today), CLOCK_SHIFT ahead."""
    real_time = time.time
    real_datetime, real_date = datetime.datetime, datetime.date

    def shifted() -> float:
        return real_time() + CLOCK_SHIFT

    def at(function: Callable[..., Any]) -> Callable[..., Any]:
        return lambda *args: function(*args) if args else function(shifted())

    class ShiftedDatetime(real_datetime):  # type: ignore[valid-type, misc]
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return real_datetime.fromtimestamp(shifted(), tz)

        @classmethod
        def utcnow(cls) -> Any:
            return real_datetime.fromtimestamp(shifted(), datetime.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls) -> Any:
            return cls.now()

    class ShiftedDate(real_date):  # type: ignore[valid-type, misc]
        @classmethod
        def today(cls) -> Any:
            return real_date.fromtimestamp(shifted())

    real_strftime = time.strftime
    return {
        (time, "time"): shifted, (time, "time_ns"): lambda: int(shifted() * 1e9),
        (time, "localtime"): at(time.localtime), (time, "gmtime"): at(time.gmtime), (time, "ctime"): at(time.ctime),
        (time, "strftime"): lambda form, *args: real_strftime(form, *(args or (time.localtime(),))),
        (datetime, "datetime"): ShiftedDatetime, (datetime, "date"): ShiftedDate,
    }


def describe(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def clip(text: str) -> str:
    """Printed output, for a message: its first line, shortened."""
    lines = text.strip().splitlines() or [""]
    first = lines[0] if len(lines[0]) <= MAX_PRINTED else lines[0][:MAX_PRINTED - 1] + "…"
    return first + (f" (and {len(lines) - 1} more line(s))" if len(lines) > 1 else "")


def _install_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Refuse what fenced code may not do; Python raises the error inside that code."""
    if not _active:
        return
    if event == "open":
        path, mode, flags = (args + (None, None, 0))[:3]
        writes = (mode is not None and any(c in str(mode) for c in "wax+")) or (mode is None and (flags or 0) & WRITE_FLAGS)
        if not writes or isinstance(path, int):
            return
        what = f"write {os.fsdecode(path)}"
    elif event in FORBIDDEN_EVENTS or event.startswith(("os.exec", "os.spawn")):
        what = f"call {event} {' '.join(str(arg) for arg in args[:2])}".strip()
    else:
        return
    if "__pycache__" not in what:  # Python's own bytecode cache: refused quietly, the import still works
        _active[-1].forbidden.append(what)
    raise PermissionError(f"generators and draw functions may not {what.split(' ')[0]} "
                          "(see README, 'Writing a generator')")
