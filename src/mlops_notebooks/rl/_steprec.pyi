"""Typed column buffers filled at step time (C; see _steprec.c)."""

from collections.abc import Callable
from typing import Any

class Store:
    def __init__(
        self,
        env_step: Callable[[Any], Any],
        on_end: Callable[[bool, bool], Any],
        on_misfit: Callable[[Any, Any], Any],
        float32: type,
        capacity: int,
        keys: tuple[Any, ...] = (),
        kinds: str = "",
        members: tuple[tuple[Any, ...] | None, ...] = (),
        obs_format: str = "",
        obs_total: int = 0,
        obs_offset: int = 0,
        obs_width: int = 0,
    ) -> None: ...
    def __call__(self, action: Any) -> Any: ...
    def __len__(self) -> int: ...
    def append(self, action: Any, result: Any) -> bool: ...
    def take(
        self,
    ) -> tuple[int, bytearray, bytearray, bytearray | None, tuple[bytearray, ...]]: ...
    def set_pending(self, pending: bytes) -> None: ...
    def pending(self) -> bytes: ...

def read_column(
    values: list[Any],
    start: int,
    stop: int,
    kind: str,
    members: tuple[Any, ...] | None,
    float32: type,
    out: Any = None,
    at: int = 0,
) -> Any: ...
