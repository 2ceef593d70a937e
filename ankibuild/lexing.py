"""Pygments' regular-expression lexers, run with an index by first character: the same tokens, faster.

Pygments' RegexLexer tries a state's rules in order at each position, one regular expression each,
until one matches: in the Python snippets of the notes a token matches at the 40th rule on average,
and that loop was nearly all the cost of highlighting. A rule whose pattern cannot begin with the
character at the position cannot match there, so `fast_lexing` runs the same loop over the rules
that can, in their order: the first rule that matches is the same, and so is every token (a test
checks this against Pygments itself, for many languages). What a pattern can begin with is read
from its parse by Python's own regular expression parser (`re._parser`); a pattern that may match
the empty string, ignores case, is long (reading it would cost what compiling it did) or holds
anything not read here is tried at every position, as Pygments does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

try:
    from re import _compiler as sre_compile  # type: ignore[attr-defined]
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # a Python without them lexes as Pygments does
    sre = None

Rule = tuple[Callable, object, object]  # (pattern.match, action, new state), as Pygments compiles them
LONGEST_READ = 200  # characters of a pattern: keyword lists and Unicode identifier classes are longer
SCOPED_FLAGS = re.IGNORECASE | re.ASCII | re.LOCALE | re.UNICODE  # a group that sets them is not read


def fast_lexing(lexer: Lexer) -> Lexer:
    """The lexer, lexing through the first-character index when it is a plain RegexLexer."""
    cls = type(lexer)
    if (sre is not None and isinstance(lexer, RegexLexer) and isinstance(cls.__dict__.get("_tokens"), dict)
            and cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed):
        indexes: dict[str, _Index] = {}

        def get_tokens_unprocessed(text: str, stack: tuple[str, ...] = ("root",)) -> Iterator[tuple]:
            return _lex(lexer, indexes, text, stack)
        lexer.get_tokens_unprocessed = get_tokens_unprocessed  # type: ignore[method-assign]
    return lexer


class _Index:
    """A state's rules, and for each character met so far, those that may match starting with it."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.tests = [first_character_test(rule[0]) for rule in rules]
        self.by_character: dict[str, list[Rule]] = {}

    def at(self, character: str) -> list[Rule]:
        rules = self.by_character.get(character)
        if rules is None:
            rules = self.by_character[character] = [rule for rule, test in zip(self.rules, self.tests)
                                                    if test is None or test(character)]
        return rules


def _lex(lexer: RegexLexer, indexes: dict[str, _Index], text: str, stack: tuple[str, ...]) -> Iterator[tuple]:
    """Pygments' RegexLexer.get_tokens_unprocessed, trying at each position the rules of `_Index.at`."""
    pos = 0
    tokendefs = lexer._tokens
    statestack = list(stack)
    index = _state(indexes, tokendefs, statestack[-1])
    while True:
        for rexmatch, action, new_state in (index.at(text[pos]) if pos < len(text) else index.rules):
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(lexer, m)
                pos = m.end()
                if new_state is not None:
                    if isinstance(new_state, tuple):
                        for state in new_state:
                            if state == "#pop":
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif state == "#push":
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(state)
                    elif isinstance(new_state, int):  # pop, keeping at least one state
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    elif new_state == "#push":
                        statestack.append(statestack[-1])
                    else:
                        raise AssertionError(f"wrong state def: {new_state!r}")
                    index = _state(indexes, tokendefs, statestack[-1])
                break
        else:  # no rule matched
            if pos >= len(text):
                break
            if text[pos] == "\n":  # at the end of a line, back to the root state
                statestack = ["root"]
                index = _state(indexes, tokendefs, "root")
                yield pos, Whitespace, "\n"
                pos += 1
                continue
            yield pos, Error, text[pos]
            pos += 1


def _state(indexes: dict[str, _Index], tokendefs: dict[str, list[Rule]], name: str) -> _Index:
    index = indexes.get(name)
    if index is None:
        index = indexes[name] = _Index(tokendefs[name])
    return index


def first_character_test(rexmatch: Callable) -> Callable[[str], bool] | None:
    """Whether a match of the rule's pattern may begin with a given character; None when it may begin
    with anything (or be empty, or the pattern is not read)."""
    pattern = getattr(rexmatch, "__self__", None)
    if (not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str)
            or pattern.flags & re.IGNORECASE or len(pattern.pattern) > LONGEST_READ):
        return None
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        starts, may_be_empty = _starts(list(parsed))
        if starts is None or may_be_empty:
            return None
        tests = [sre_compile.compile(sre_parse.SubPattern(parsed.state, [item]), pattern.flags).match
                 for item in starts]
    except Exception:  # anything unexpected in a pattern: it is tried everywhere
        return None
    return lambda character: any(test(character) for test in tests)


def _starts(items: list) -> tuple[list | None, bool]:
    """The one-character items a match of `items` may begin with (None: anything), and whether it may
    be empty. Assertions (`^`, `\\b`, lookarounds) are skipped: ignoring a condition only widens the set."""
    starts: list = []
    for op, value in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN):
            return [*starts, (op, value)], False
        if op is sre.SUBPATTERN:
            _group, added, removed, inner = value
            if (added | removed) & SCOPED_FLAGS:
                return None, True
            found, empty = _starts(list(inner))
        elif op is sre.ATOMIC_GROUP:
            found, empty = _starts(list(value))
        elif op is sre.BRANCH:
            found, empty = [], False
            for branch in value[1]:
                more, may_be_empty = _starts(list(branch))
                if more is None:
                    return None, True
                found += more
                empty = empty or may_be_empty
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, inner = value
            found, empty = _starts(list(inner))
            empty = empty or low == 0
        else:
            return None, True
        if found is None:
            return None, True
        starts += found
        if not empty:
            return starts, False
    return starts, True
