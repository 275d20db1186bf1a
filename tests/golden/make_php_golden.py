"""Regenerate tests/golden/php_json_golden.json: what PHP 8 prints for a few hundred values.

To regenerate (CI has no PHP; the tests only read the committed file):

    apt-get install -y php-cli
    python tests/golden/make_php_golden.py

For every value the golden file holds its JSON text as Python's `json.dumps` writes it
("input"), what PHP prints for `json_encode(json_decode($x))` ("json") and for
`json_encode(json_decode($x), JSON_FORCE_OBJECT)` ("json_object"), a null standing for a PHP
failure (then "error" says which). A value JSON cannot carry as Python holds it (a tuple, a
non-string key) also has "python", a literal for `ast.literal_eval`: the tests feed that value,
whose JSON text is the "input" PHP saw. The values are hand-picked edge cases plus seeded random
ones, so the output is the same on every run with the same PHP. One `php` process reads them all.
"""

from __future__ import annotations

import base64
import json
import math
import random
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).with_name("php_json_golden.json")
SEED = 20240611
RANDOM_CASES = 320

PHP_SCRIPT = r"""
while (($line = fgets(STDIN)) !== false) {
    $value = json_decode(rtrim($line, "\n"));
    if (json_last_error() !== JSON_ERROR_NONE) {
        echo json_encode(['error' => 'json_decode: ' . json_last_error_msg()]), "\n";
        continue;
    }
    $answer = [];
    foreach (['json' => 0, 'json_object' => JSON_FORCE_OBJECT] as $name => $flags) {
        $text = json_encode($value, $flags);
        $answer[$name] = $text === false ? null : base64_encode($text);
        if ($text === false) {
            $answer['error'] = 'json_encode: ' . json_last_error_msg();
        }
    }
    echo json_encode($answer), "\n";
}
"""


def nested(depth: int, leaf: Any, kind: str = "list") -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


def hand_picked() -> list[tuple[str, Any]]:
    cases: list[tuple[str, Any]] = [
        ("null", None),
        ("true", True),
        ("false", False),
    ]
    ints = [0, 1, -1, 42, -42, 2**31 - 1, 2**31, 2**32, 2**53 - 1, 2**53, 2**53 + 1, 10**18, -(10**18)]
    ints += [2**63 - 2, 2**63 - 1, 2**63, 2**63 + 1, -(2**63) + 1, -(2**63), -(2**63) - 1, -(2**63) - 2]
    ints += [2**64 - 1, 2**64, 2**64 + 1, 10**19, 10**20, 12345678901234567890123, -(10**25), 10**30]
    ints += [2**1023, 2**1024 - 2**971, 2**1024 - 2**970 - 1, 2**1024 - 2**970, 2**1024, 10**308, 10**309]
    ints += [10**400, -(10**400)]
    cases += [(f"int {n}", n) for n in ints]
    floats = [0.0, -0.0, 1.0, -1.0, 10.0, -10.0, 100.0, 0.5, -0.5, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3]
    floats += [3.141592653589793, 2.718281828459045, 123456.789, 1e15, 9.999e15, 9999999999999998.0]
    floats += [1e16, -1e16, 1.5e16, 1.2345678901234567e16, 2.0**53, 2.0**54, 99999999999999984.0]
    floats += [1e17, 1.5e17, 2.0**63, 2.0**64, 1e20, 1e21, 1e22, 1e23, 1.5e300, 1.7976931348623157e308]
    floats += [-1.7976931348623157e308, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300]
    floats += [1e-4, 1.0001e-4, 9.999999999999999e-05, 0.00012345, 1e-5, -1e-5, 1.5e-7, -1.5e-7]
    floats += [0.001, 0.01, 123.0, 1234567.0, 4503599627370497.0]
    floats += [10.0**e for e in range(-30, 31)]
    cases += [(f"float {x!r}", x) for x in floats]
    cases += [("float nan", math.nan), ("float inf", math.inf), ("float -inf", -math.inf)]
    strings = ["", "a", "a/b", "</script>", "http://example.com/x/y?z=1", '"quoted"', "back\\slash", "\\/"]
    strings += ["\\u00e9 as text", "\\ud800 as text", "tab\there", "line\nbreak", "cr\rhere", "bell\x07"]
    strings += ["\b\f\n\r\t", "".join(map(chr, range(32))), "del\x7f", "\x7f", "\x80\x9f\xa0\xff", "é"]
    strings += ["\u2028", "\u2029", "a\u2028b\u2029c", "\ufeff", "\ufffd", "\uffff", "中文", "Ω≈ç√"]
    strings += ["\U00010000", "\U0001f600", "\U0010ffff", 'mixed é 中 \U0001f600 / \\ "', "a\x00b", "\x00"]
    strings += ["\\u007f as text", "\\\x7f", "\\\\u007f", "\\\ud800", "\\ud83d\ude00", "\\ud83d\\ude00"]
    strings += ["1.0,", "[1.0]", "x,1.0]", "1e+16", "-0.0", "123456789012345678901234"]
    strings += ["\ud800", "\udc00", "a\ud83d", "\ude00\ud83d", "\ud83d\ud83d\ude00", "\ud83d\ude00"]
    cases += [(f"str {s!r}", s) for s in strings]
    cases += [
        ("empty list", []),
        ("empty dict", {}),
        ("list of empties", [[], {}]),
        ("dict of empties", {"a": [], "b": {}}),
        ("nested empty lists", [[[[[]]]]]),
        ("nested empty dicts", {"a": {"b": {"c": {}}}}),
        ("empties in lists in dicts", {"x": [{}, [], [{}], {"y": []}]}),
        ("lists inside dicts inside lists", [{"a": [1, [2, {"b": [3.0, "c/d"]}]]}, {"e": []}]),
        ("list of lists", [[1, 2], [3, 4], []]),
        ("mixed list", [None, True, False, 0, -1, 1.5, 2.0, "s", [], {}]),
        ("slash in key", {"a/b": "c/d"}),
        ("unicode keys", {"é": 1, "中": 2, "\U0001f600": 3, "\u2028": 4}),
        ("empty key", {"": 1}),
        ("key with NUL inside", {"a\x00": 1}),
        ("key starting with NUL", {"\x00a": 1}),
        ("key with lone surrogate", {"\ud800": 1}),
        ("numeric string keys", {"0": "a", "1": "b", "10": "c"}),
        ("keys out of order", {"b": 1, "a": 2, "10": 3, "2": 4}),
        ("float values in dict", {"a": 1.0, "b": 1.5, "c": -0.0, "d": 1e20}),
        ("integral float among text", ["1.0,", 1.0, "x]", 2.0]),
        ("integral float next to lookalike", {"a": "b,1.0}", "c": 3.0}),
        ("big int in list", [1, 2**64, 3]),
        ("int bounds in list", [2**63 - 1, -(2**63), 2**63, -(2**63) - 1]),
        ("nan in list", [1, math.nan]),
        ("inf in dict", {"a": math.inf}),
        ("lone surrogate in list", ["ok", "\udfff"]),
        ("DEL, slashes and integral floats", ["del\x7f/", 1.0, {"k/\x7f": 2.0, "\\u007f": "\\\x7f"}]),
        ("surrogate pairs and escapes in a list", ["\U0001f600", "\\ud800", "\\\U0001f600", 1.0]),
        ("tuple", (1, 2, 3)),
        ("empty tuple", ()),
        ("nested tuples", ((1, (2, ())), [(3,)])),
        ("tuple in dict", {"t": (1.0, "x")}),
        ("int keys", {1: "a", 2: "b"}),
        ("int key colliding with str key", {1: "a", "1": "b", 2: "c"}),
        ("str key colliding with int key", {"1": "a", 1: "b"}),
        ("float keys", {1.5: "a", 1.0: "b", -0.0: "c", 1e20: "d"}),
        ("bool and None keys", {True: 1, False: 2, None: 3}),
        ("bool key colliding with str key", {"true": 1, True: 2}),
        ("big int key", {2**64: "x"}),
    ]
    cases += table_cases()
    for depth in (1, 2, 100, 510, 511, 512, 513):
        cases.append((f"{depth} nested lists around 1", nested(depth, 1)))
        cases.append((f"{depth} nested objects around 1.0", nested(depth, 1.0, "dict")))
    for depth in (510, 511, 512):
        cases.append((f"{depth} nested lists around an empty list", nested(depth - 1, [])))
        cases.append((f"{depth} nested objects around an empty object", nested(depth - 1, {}, "dict")))
    cases.append(("511 levels mixing lists and objects", nested(255, nested(256, "x"), "dict")))
    cases.append(("512 levels mixing lists and objects", nested(256, nested(256, "x"), "dict")))
    return cases


def table_cases() -> list[tuple[str, Any]]:
    """Lists of like rows, the shape of most large results."""
    rows = [
        {"id": i, "name": f"user {i}", "url": f"https://x.org/u/{i}", "active": i % 3 == 0, "score": i * 1.5}
        for i in range(40)
    ]
    mixed = [{"id": i, "value": [i, f"{i}", i / 4, None, {"n": i}][i % 5]} for i in range(30)]
    return [
        ("rows", rows),
        ("rows with a big int", [*rows[:20], {**rows[20], "id": 2**64}, *rows[21:]]),
        ("rows with an exponent float", [*rows[:20], {**rows[20], "score": 1e-7}, *rows[21:]]),
        ("rows with an int key", [*rows[:20], {1: "x", "y": 2}, *rows[21:]]),
        ("rows with a lookalike string", [*rows[:20], {**rows[20], "name": "a,1.0}"}, *rows[21:]]),
        ("rows of mixed values", mixed),
        ("rows as lists", [[i, i * 2.0, f"n{i}", [i]] for i in range(20)]),
        ("rows as tuples", [(i, -i * 0.5, None) for i in range(20)]),
        ("rows of different widths", [list(range(i % 4)) for i in range(24)]),
        ("list of 200 ints", list(range(-100, 100))),
        ("list of 50 integral floats", [float(i) for i in range(50)]),
    ]


def random_string(rng: random.Random) -> str:
    pools = [
        (0x20, 0x7E),
        (0x00, 0x1F),
        (0x7F, 0xFF),
        (0x100, 0xD7FF),
        (0xE000, 0xFFFF),
        (0x10000, 0x10FFFF),
    ]
    chars = []
    for _ in range(rng.randint(0, 12)):
        low, high = pools[rng.choices(range(len(pools)), weights=[8, 1, 1, 2, 1, 2])[0]]
        chars.append(chr(rng.randint(low, high)))
    if rng.random() < 0.15:
        chars.insert(rng.randint(0, len(chars)), rng.choice(["/", '"', "\\", "\u2028", "\u2029", "\x7f"]))
    if rng.random() < 0.02:
        chars.insert(rng.randint(0, len(chars)), chr(rng.randint(0xD800, 0xDFFF)))
    return "".join(chars)


def random_float(rng: random.Random) -> float:
    choice = rng.randrange(5)
    if choice == 0:
        return rng.uniform(-1000, 1000)
    if choice == 1:
        return float(rng.randint(-(10**6), 10**6))
    if choice == 2:
        return round(rng.uniform(-100, 100), rng.randint(0, 4))
    if choice == 3:
        return rng.uniform(1, 10) * 10.0 ** rng.randint(-25, 25) * rng.choice([1, -1])
    while True:  # any finite double, subnormals included
        number: float = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(number):
            return number


def random_int(rng: random.Random) -> int:
    bits = rng.choice([3, 8, 16, 32, 53, 62, 63, 64, 65, 70, 100])
    return rng.getrandbits(bits) * rng.choice([1, -1])


def random_scalar(rng: random.Random) -> Any:
    kind = rng.choices(["str", "int", "float", "bool", "none"], weights=[4, 3, 3, 1, 1])[0]
    if kind == "str":
        return random_string(rng)
    if kind == "int":
        return random_int(rng)
    if kind == "float":
        return random_float(rng)
    return rng.choice([True, False]) if kind == "bool" else None


def random_key(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(-5, 20)
    if roll < 0.07:
        return rng.choice([True, False, None, 1.5])
    return random_string(rng).lstrip("\x00")


def random_value(rng: random.Random, depth: int = 0) -> Any:
    if depth >= 4 or rng.random() < 0.3 + 0.15 * depth:
        return random_scalar(rng)
    size = rng.choice([0, 1, 2, 3, 5, 8])
    kind = rng.choices(["list", "dict", "tuple"], weights=[5, 5, 1])[0]
    if kind == "dict":
        return {random_key(rng): random_value(rng, depth + 1) for _ in range(size)}
    items = [random_value(rng, depth + 1) for _ in range(size)]
    return tuple(items) if kind == "tuple" else items


def same_shape(a: Any, b: Any) -> bool:
    """Whether b (decoded from a's JSON) is a as Python holds it: same types, keys and values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same_shape, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b) and (not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, b))


def main() -> None:
    sys.setrecursionlimit(10_000)  # same_shape walks the 513-level cases
    rng = random.Random(SEED)
    cases = hand_picked()
    cases += [(f"random {i}", random_value(rng)) for i in range(RANDOM_CASES)]
    inputs = [json.dumps(value) for _, value in cases]
    version = subprocess.run(
        ["php", "-r", "echo PHP_VERSION;"], capture_output=True, text=True, check=True
    ).stdout
    answers = subprocess.run(
        ["php", "-d", "serialize_precision=-1", "-r", PHP_SCRIPT],
        input="".join(text + "\n" for text in inputs),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(answers) == len(cases), (len(answers), len(cases))
    golden = []
    for (label, value), text, line in zip(cases, inputs, answers, strict=True):
        answer = json.loads(line)
        entry: dict[str, Any] = {"label": label, "input": text}
        if not same_shape(value, json.loads(text)):
            entry["python"] = repr(value)
        for name in ("json", "json_object"):
            encoded = answer.get(name)
            entry[name] = None if encoded is None else base64.b64decode(encoded).decode("utf-8")
        if "error" in answer:
            entry["error"] = answer["error"]
        golden.append(entry)
    GOLDEN.write_text(json.dumps(golden, indent=1, ensure_ascii=True) + "\n", encoding="ascii")
    failures = sum(entry["json"] is None for entry in golden)
    print(
        f"PHP {version}: {len(golden)} cases ({failures} refused by PHP) written to {GOLDEN}", file=sys.stderr
    )


if __name__ == "__main__":
    main()
