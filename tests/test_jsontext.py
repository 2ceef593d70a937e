"""The lock and the manifests are written by jsontext.encode: the same text as json.dumps with indent."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ankibuild.jsontext import BLOCK, encode

REPO = Path(__file__).resolve().parent.parent
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                                          max_size=4), max_leaves=40)


@settings(max_examples=500, deadline=None)
@given(DATA, st.booleans())
def test_the_text_is_json_dumps_with_indent(data, sort_keys):
    assert encode(data, sort_keys) == (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=sort_keys) + "\n").encode()


def test_the_repository_lock_is_written_the_same():
    data = json.loads((REPO / "decks.lock.json").read_text(encoding="utf-8"))
    assert encode(data, sort_keys=True) == (REPO / "decks.lock.json").read_bytes()


def test_a_document_of_many_blocks_is_written_the_same():
    data = {"notes": [{"text": "é › ∑" * 20, "n": n} for n in range(BLOCK // 100)]}
    assert encode(data) == (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()
