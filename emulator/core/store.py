"""All emulated state in one JSON document, written atomically so a crash or restart never loses or tears it.

Writes go to a temporary file in the same directory, are fsync'ed and renamed over the state file (then the
directory is fsync'ed). One server owns a state file at a time: it holds an exclusive lock on ``<state>.lock``.
Inside the server every request works on the document under ``Store.lock``.
"""

import copy
import fcntl
import json
import os
import random
import string
import threading

FORMAT = 1


class StateInUse(Exception):
    pass


def empty_state(rng=random):
    digits = ''.join(rng.choice(string.digits) for _ in range(15))
    group = ''.join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(11))
    return {
        'format': FORMAT,
        # The one emulated account: every access key belongs to it.
        'account': {'OwnerId': int('1' + digits), 'ResourceGroupId': 'rg-acfm' + group},
        'clock_offset': 0.0,   # seconds added to the wall clock (POST /_emulator/clock)
        'sequence': 0,         # creation order of resources and events
        'resources': {},       # kind -> id -> resource
        'tokens': {},          # ClientToken records
        'events': [],          # scheduled asynchronous transitions
    }


def _write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    temporary = '%s.tmp-%d-%d' % (path, os.getpid(), threading.get_ident())
    with open(temporary, 'w', encoding='utf-8') as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    descriptor = os.open(directory, os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Store:
    """The state document, its lock, and its file (None keeps state in memory only)."""

    def __init__(self, path=None):
        self.path = path
        self.lock = threading.RLock()
        self._file_lock = None
        self.data = self._load() if path else empty_state()

    def _load(self):
        if not os.path.exists(self.path) or os.path.getsize(self.path) == 0:
            return empty_state()
        with open(self.path, encoding='utf-8') as handle:
            data = json.load(handle)
        if data.get('format') != FORMAT:
            raise ValueError('%s is not an emulator state file (format %r)' % (self.path, data.get('format')))
        return data

    def claim(self):
        """Take the state file for this process; raise StateInUse when another process holds it."""
        if not self.path:
            return
        handle = open(self.path + '.lock', 'a')
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StateInUse('%s is in use by a running emulator' % self.path)
        self._file_lock = handle

    def release(self):
        if self._file_lock is not None:
            self._file_lock.close()
            self._file_lock = None

    def save(self):
        if self.path:
            with self.lock:
                _write_atomically(self.path, json.dumps(self.data, sort_keys=True, separators=(',', ':')))

    def reset(self):
        with self.lock:
            self.data = empty_state()
            self.save()

    def snapshot(self):
        return copy.deepcopy(self.data)

    def restore(self, snapshot):
        self.data = snapshot

    def next_sequence(self):
        self.data['sequence'] += 1
        return self.data['sequence']

    def kind(self, kind):
        """The id -> resource map of one kind of resource (all regions)."""
        return self.data['resources'].setdefault(kind, {})
