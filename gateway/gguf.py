"""The key-value metadata of a GGUF file (llama.cpp's model format), read without its tensors.

Layout (little-endian): magic "GGUF", version u32, tensor count u64, key-value count u64,
then each key as a u64-length string, a u32 value type and the value. Only what precedes the
tensor data is read, so a model of gigabytes costs the size of its vocabulary.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from core.errors import BadInput

MAGIC = b"GGUF"
# Value type codes of the GGUF spec: fixed-size scalars by struct format; 8 string, 9 array.
SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
           10: "<Q", 11: "<q", 12: "<d"}
STRING, ARRAY = 8, 9


def metadata(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            if f.read(4) != MAGIC:
                raise BadInput(f"{path} is not a GGUF file")
            _read(f, "<I")  # version
            _read(f, "<Q")  # tensor count
            count = _read(f, "<Q")
            out: dict[str, Any] = {}
            for _ in range(count):
                key = _string(f)
                out[key] = _value(f, _read(f, "<I"))
            return out
    except OSError as exc:
        raise BadInput(f"cannot read the GGUF file {path}: {exc.strerror}") from exc
    except (struct.error, KeyError) as exc:
        raise BadInput(f"{path} is not a readable GGUF file ({exc})") from exc


def _read(f: BinaryIO, fmt: str) -> Any:
    return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]


def _string(f: BinaryIO) -> str:
    return f.read(_read(f, "<Q")).decode("utf-8", "replace")


def _value(f: BinaryIO, kind: int) -> Any:
    if kind == STRING:
        return _string(f)
    if kind == ARRAY:
        item, n = _read(f, "<I"), _read(f, "<Q")
        return [_value(f, item) for _ in range(n)]
    return _read(f, SCALARS[kind])
