"""JSON text as `json.dumps(data, indent=1, ensure_ascii=False)` writes it, in a fraction of the memory.

With `indent`, json.dumps runs its pure-Python encoder, which holds every token of the document
until the end: a lock or manifest of 50,000 notes took five times its own size to write. Here each
innermost record (a note) is encoded in one piece and the levels above it are joined by hand.
"""

from __future__ import annotations

import json
from typing import Any

Container = (dict, list, tuple)


def dumps(data: Any, sort_keys: bool = False, depth: int = 0) -> str:
    """The same text as json.dumps(data, indent=1, ensure_ascii=False, sort_keys=sort_keys)."""
    if not isinstance(data, Container) or not data or _flat(data):
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=sort_keys).replace("\n", "\n" + " " * depth)
    inner = " " * (depth + 1)
    if isinstance(data, dict):
        items = sorted(data.items()) if sort_keys else data.items()
        body = ",\n".join(f"{inner}{json.dumps(str(key), ensure_ascii=False)}: {dumps(value, sort_keys, depth + 1)}"
                          for key, value in items)
        return "{\n" + body + "\n" + " " * depth + "}"
    return "[\n" + ",\n".join(inner + dumps(value, sort_keys, depth + 1) for value in data) + "\n" + " " * depth + "]"


def _flat(data: dict | list | tuple) -> bool:
    """Whether no value of `data` holds a container: a record, encoded in one piece."""
    values = data.values() if isinstance(data, dict) else data
    return not any(isinstance(value, Container) and any(isinstance(item, Container) for item in
                                                        (value.values() if isinstance(value, dict) else value))
                   for value in values)
