"""The current request's id and channel, for audit events written deeper down."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("cshub_request_id", default="")
channel: ContextVar[str] = ContextVar("cshub_channel", default="command")
