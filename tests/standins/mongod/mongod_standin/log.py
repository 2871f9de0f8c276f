"""Structured log lines in the shape mongod 4.4+ writes ({"t", "s", "c", "id", "ctx", "msg", "attr"})."""
import datetime
import json
import os
import sys
import threading


def _set_aside(path):
    """Without logAppend, mongod renames the previous log to <path>.<timestamp> instead of overwriting it."""
    if os.path.exists(path) and os.path.getsize(path):
        os.rename(path, "%s.%s" % (path, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H-%M-%S")))


class Logger:
    def __init__(self, path=None, append=False):
        self.lock = threading.Lock()
        if path and not append:
            _set_aside(path)
        self.stream = open(path, "a", encoding="utf-8") if path else sys.stdout

    def log(self, component, message, severity="I", log_id=0, context="standin", **attributes):
        record = {
            "t": {"$date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")},
            "s": severity, "c": component, "id": log_id, "ctx": context, "msg": message,
        }
        if attributes:
            record["attr"] = attributes
        line = json.dumps(record, default=str)
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self):
        if self.stream is not sys.stdout:
            self.stream.close()
