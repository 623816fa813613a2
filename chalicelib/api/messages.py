"""The intake queue's message (the ``route`` handler's input), validated like every other input."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IntakeMessage(BaseModel):
    """A request to route a stored report."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^\d{2}-\d{6}-[0-9A-Z]{4}$")
