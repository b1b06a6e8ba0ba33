"""One JSON object per log line, with the trace id of the request or task that wrote it.

Only the message and technical context are written; callers never log personal data (the processing
log, not the application log, records who processed what).
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

from vangnet.audit.context import current

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ctx = current()
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            # Django logs a 4xx after the middleware has left the request's context; the request carries it
            "trace_id": ctx.trace_id if ctx else getattr(getattr(record, "request", None), "trace_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if getattr(record, "status_code", None) is not None:
            entry["status_code"] = record.status_code  # type: ignore[attr-defined]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
