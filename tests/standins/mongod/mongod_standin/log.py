"""Structured log lines in the shape mongod 4.4+ writes ({"t", "s", "c", "id", "ctx", "msg", "attr"})."""
import datetime
import json
import sys
import threading


class Logger:
    def __init__(self, path=None, append=False):
        self.lock = threading.Lock()
        self.stream = open(path, "a" if append else "w", encoding="utf-8") if path else sys.stdout

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
