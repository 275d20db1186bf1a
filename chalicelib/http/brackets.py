"""PHP bracket notation for form and query fields: `a[x][]=1` pairs become nested dicts and lists.

This follows PHP's `parse_str` / `$_GET` / `$_POST` rules (checked against PHP 8.2):

- `a[x][y]=1` nests; `a[]=1` appends at the array's next index, which is the largest integer key
  used so far plus one (0 when there is none, so `a[-5]=1&a[]=2` gives the keys -5 and -4);
  `a[ ]` appends too, as in PHP; an append past the 64-bit maximum is dropped, as in PHP.
- An index that is a canonical decimal integer within 64 bits ("5", "-3"; not "05", "-0", "+1"
  or " 1") is an integer key, any other index a string key, so `a[5]` and `a[05]` are different keys.
- A later plain value replaces an earlier array and a later array replaces an earlier plain value;
  a replaced key keeps its position. Text after a closing bracket that is not `[` is ignored
  (`a[b]c=1` sets `a[b]`), and so is an unclosed bracket after the first (`a[b][c=1` sets `a[b]`).
  A name that starts with `[`, or is empty, is dropped.
- A PHP array whose keys are exactly 0..n-1 in insertion order becomes a list, any other one a
  dict with str keys. Values stay strings.

Deliberate differences from PHP: names are not mangled (PHP turns ' ' and '.' into '_', strips
leading spaces and cuts a name at NUL); a name whose first bracket is never closed is kept
literally (`a[b` stays `a[b`, PHP makes it `a_b`); and nesting deeper than MAX_DEPTH brackets
raises BadRequest instead of silently dropping the field.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from chalicelib.errors import BadRequest
from chalicelib.http.formats import PHP_INT_MAX, PHP_INT_MIN

MAX_DEPTH = 64  # PHP's max_input_nesting_level

_INT_KEY = r"0|-?[1-9][0-9]*"  # compiled on first use (re's cache): the general parser's only

Key = int | str
Segment = str | None  # None: `[]`, append at the next index


class _PhpArray:
    """An ordered PHP array: int and str keys in insertion order, and PHP's next append index."""

    __slots__ = ("items", "next_index")

    def __init__(self) -> None:
        self.items: dict[Key, object] = {}
        self.next_index: int | None = None  # None until an int key is stored: then appends start at 0

    def store(self, segment: Segment, value: object) -> bool:
        """Put `value` at `segment` (None appends); False when an append has no index left, as PHP."""
        key: Key
        if segment is None:
            index = 0 if self.next_index is None else self.next_index
            if index > PHP_INT_MAX:
                return False
            key = index
        else:
            key = php_key(segment)
        self.items[key] = value
        if isinstance(key, int) and (self.next_index is None or key >= self.next_index):
            self.next_index = key + 1
        return True

    def child(self, segment: Segment) -> _PhpArray | None:
        """The array at `segment`, made (replacing a plain value) when needed; None when no room."""
        if segment is not None:
            existing = self.items.get(php_key(segment))
            if isinstance(existing, _PhpArray):
                return existing
        array = _PhpArray()
        return array if self.store(segment, array) else None


def php_key(index: str) -> Key:
    """PHP's array key for a bracket index: an int for a canonical 64-bit decimal, else the str."""
    if re.fullmatch(_INT_KEY, index):
        number = int(index)
        if PHP_INT_MIN <= number <= PHP_INT_MAX:
            return number
    return index


def split_name(name: str) -> tuple[str, list[Segment]] | None:
    """The base name and bracket segments of a field name; None for a name PHP drops."""
    first = name.find("[")
    if first < 0:
        return (name, []) if name else None
    if first == 0:
        return None
    segments: list[Segment] = []
    pos = first
    while pos < len(name) and name[pos] == "[":
        if len(segments) >= MAX_DEPTH:
            raise BadRequest(f"field {name[:first][:50]!r} is nested too deeply (over {MAX_DEPTH} levels)")
        segment, close = _segment(name, pos)
        if close < 0:
            return (name, []) if not segments else (name[:first], segments)
        segments.append(segment)
        pos = close + 1
    return name[:first], segments


def _segment(name: str, pos: int) -> tuple[Segment, int]:
    """The segment opened by the `[` at `pos` and the position of its `]` (-1 when unclosed)."""
    start = pos + 1
    probe = start + 1 if name.startswith(" ", start) else start
    if name.startswith("]", probe):
        return None, probe
    close = name.find("]", probe)
    return (name[start:close] if close >= 0 else None), close


def parse_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, object]:
    """PHP-style: 'data[a]=1&data[b][]=2&data[b][]=3' pairs give {'data': {'a': '1', 'b': ['2', '3']}}.

    The common shapes, a plain `name` and a `base[key]` whose key is an identifier (never an int
    key, never an append, no bracket, no space), are stored straight as strings and str-keyed
    dicts, which is what the general parser makes of them. The first other name hands the fields
    so far, those dicts made PHP arrays again, to the general parser (`parse_fields_general`) for
    the rest; a test holds the two to the same output.
    """
    fields: dict[str, object] = {}
    iterator = iter(pairs)
    for name, value in iterator:
        if "[" not in name:  # a plain field (most are): what split_name and _assign would do
            if name:
                fields[name] = value
            continue
        first = name.find("[")
        key = name[first + 1 : -1]
        if first > 0 and name[-1] == "]" and key.isidentifier():  # `base[key]`: key has no `]`
            node = fields.get(name[:first])
            if type(node) is not dict:  # absent or a plain value: an array replaces it in place
                node = fields[name[:first]] = {}
            node[key] = value
            continue
        for base, node in fields.items():
            if type(node) is dict:
                array = fields[base] = _PhpArray()
                array.items.update(node)
        return _parse_general(fields, itertools.chain([(name, value)], iterator))
    return fields


def parse_fields_general(pairs: Iterable[tuple[str, str]]) -> dict[str, object]:
    """`parse_fields` without its shortcut for the common shapes: every bracket name split in full."""
    return _parse_general({}, pairs)


def _parse_general(fields: dict[str, object], pairs: Iterable[tuple[str, str]]) -> dict[str, object]:
    """Go on from `fields` (plain strings and PHP arrays) with `pairs`, then turn the arrays to Python."""
    arrays = any(isinstance(node, _PhpArray) for node in fields.values())
    for name, value in pairs:
        if "[" not in name:
            if name:
                fields[name] = value
            continue
        parts = split_name(name)
        if parts is not None:
            arrays = True
            _assign(fields, parts[0], parts[1], value)
    return {name: to_python(value) for name, value in fields.items()} if arrays else fields


def _assign(fields: dict[str, object], base: str, segments: list[Segment], value: str) -> None:
    """Set one field: plainly, or through its bracket segments (an unplaceable append is dropped)."""
    if not segments:
        fields[base] = value
        return
    node = fields.get(base)
    if not isinstance(node, _PhpArray):
        node = fields[base] = _PhpArray()
    for segment in segments[:-1]:
        node = node.child(segment)
        if node is None:
            return
    node.store(segments[-1], value)


def to_python(value: object) -> object:
    """A PHP array as a list (keys exactly 0..n-1 in order) or a dict with str keys, recursively."""
    if not isinstance(value, _PhpArray):
        return value
    if all(key == index for index, key in enumerate(value.items)):
        return [to_python(item) for item in value.items.values()]
    return {str(key): to_python(item) for key, item in value.items.items()}
