"""Turn library objects (Pydantic models, dataclasses, NumPy and Polars values) into JSON.

The law and data packages return rich objects; the API sends plain JSON. One function does it,
so every route encodes the same way.

>>> import datetime as dt
>>> to_jsonable({"d": dt.date(2023, 4, 1), "t": (1, 2)})
{'d': '2023-04-01', 't': [1, 2]}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import orjson
from starlette.responses import JSONResponse


def to_jsonable(obj: Any) -> Any:
    """``obj`` as JSON-ready values (dates as ISO strings, non-finite floats as ``None``)."""
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dt.date | dt.datetime | dt.time):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, PurePath):
        return str(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return to_jsonable(dump(mode="json", by_alias=True))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    item = getattr(obj, "item", None)  # NumPy scalars
    if callable(item) and getattr(obj, "shape", None) == ():
        return to_jsonable(item())
    tolist = getattr(obj, "tolist", None)  # NumPy arrays
    if callable(tolist):
        return to_jsonable(tolist())
    to_dicts = getattr(obj, "to_dicts", None)  # Polars frames
    if callable(to_dicts):
        return to_jsonable(to_dicts())
    return str(obj)


class FastJSONResponse(JSONResponse):
    """A JSON response encoded by orjson (a few times faster than the standard library) for
    content that is already JSON-ready; same compact UTF-8 JSON as Starlette's response.

    >>> FastJSONResponse({"a": [1, "é"], "b": None}).body.decode()
    '{"a":[1,"é"],"b":null}'
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


__all__ = ["FastJSONResponse", "to_jsonable"]
