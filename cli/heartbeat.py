"""Messages held while an officer decides: kept invisible to other pollers until each is answered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

# How long a batch is held at most after its receive: an officer who walks away from the prompt gives the
# rest of the batch back to the agency's other pollers (SQS's own cap is 12 hours).
HOLD_LIMIT_SECONDS = 30 * 60


class Holding:
    """Extends the visibility of ``messages`` (``extend(message)``: invisible for another timeout) every
    ``every`` seconds, in a background thread, until each is ``release``d or ``limit`` seconds have
    passed. A message whose extension fails (its receipt no longer valid, the queue unreachable) is let
    go: it comes back after its timeout, as without holding."""

    def __init__(
        self,
        extend: Callable[[dict[str, Any]], None],
        messages: Iterable[dict[str, Any]],
        every: float,
        limit: float = HOLD_LIMIT_SECONDS,
    ) -> None:
        self._extend = extend
        self._held = {message["ReceiptHandle"]: message for message in messages}
        self._every = every
        self._until = time.monotonic() + limit
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="work-queue-heartbeat", daemon=True)

    def __enter__(self) -> Holding:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def release(self, message: dict[str, Any]) -> None:
        """Stop extending ``message`` (answered): once this returns, no extension of it is under way."""
        with self._lock:
            self._held.pop(message["ReceiptHandle"], None)

    def _run(self) -> None:
        while not self._stop.wait(self._every) and time.monotonic() < self._until:
            with self._lock:
                for handle, message in list(self._held.items()):
                    try:
                        self._extend(message)
                    except Exception:  # whatever failed, the message returns after its timeout: let it go
                        del self._held[handle]
