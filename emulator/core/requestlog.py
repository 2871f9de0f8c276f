"""The request log: one JSON object per API call, kept in memory and appended to a file when one is given.

Entry fields: ``seq`` (1, 2, ...), ``time`` (ISO 8601 UTC, milliseconds), ``request_id``, ``product``,
``version``, ``action``, ``region``, ``signature`` ('v3', 'v1' or null), ``access_key_id``, ``parameters`` (the
wire parameters, secrets masked), ``ignored`` (parameters the action does not define), ``status`` (HTTP),
``error_code`` (null on success), ``fault`` ('throttling' / 'transient' when a profile injected the error),
``mutating`` (true/false), ``duration_ms``.
"""

import json
import threading
import time

MASK = '******'
# A parameter is secret when its name contains one of these words (case-insensitive) ...
SECRET_WORDS = ('password', 'secret', 'privatekey', 'passphrase', 'credential', 'userdata')
# ... or its last part ends with 'token' (except these), or it is CAS's top-level 'Key' (a private key).
NOT_SECRET_TOKENS = ('clienttoken', 'nexttoken')


def is_secret(name):
    lowered = name.lower()
    last = lowered.rsplit('.', 1)[-1]
    if name == 'Key' or any(word in lowered for word in SECRET_WORDS):
        return True
    return last.endswith('token') and last not in NOT_SECRET_TOKENS


def mask(parameters):
    return dict((name, MASK if is_secret(name) else value) for name, value in parameters.items())


class RequestLog:
    def __init__(self, path=None):
        self.path = path
        self._entries = []
        self._lock = threading.Lock()
        self._file = open(path, 'a', encoding='utf-8') if path else None

    def record(self, entry):
        """Add an entry (its ``seq`` and ``time`` are set here) and return it."""
        with self._lock:
            entry['seq'] = len(self._entries) + 1
            now = time.time()
            entry['time'] = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(now)) + '.%03dZ' % (now % 1 * 1000)
            entry['parameters'] = mask(entry.get('parameters') or {})
            self._entries.append(entry)
            if self._file:
                self._file.write(json.dumps(entry, sort_keys=True) + '\n')
                self._file.flush()
        return entry

    def marker(self):
        """The seq of the latest entry: pass it as ``since`` to see only what comes after."""
        with self._lock:
            return len(self._entries)

    def entries(self, since=0):
        with self._lock:
            return list(self._entries[since:])

    def counts(self, since=0, product=None):
        """Calls by action (and by product and action), errors and mutating calls since a marker."""
        result = {'since': since, 'until': self.marker(), 'total': 0, 'errors': 0, 'mutating': 0,
                  'mutating_succeeded': 0, 'actions': {}, 'by_product': {}, 'error_codes': {}}
        for entry in self.entries(since):
            if product and entry.get('product') != product:
                continue
            action = entry.get('action') or '(unknown)'
            result['total'] += 1
            result['actions'][action] = result['actions'].get(action, 0) + 1
            per_product = result['by_product'].setdefault(entry.get('product') or '(unknown)', {})
            per_product[action] = per_product.get(action, 0) + 1
            if entry.get('error_code'):
                result['errors'] += 1
                result['error_codes'][entry['error_code']] = result['error_codes'].get(entry['error_code'], 0) + 1
            if entry.get('mutating'):
                result['mutating'] += 1
                if not entry.get('error_code'):
                    result['mutating_succeeded'] += 1
        return result

    def close(self):
        if self._file:
            self._file.close()
            self._file = None
