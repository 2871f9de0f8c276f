# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One retry policy for every API call: exponential backoff with full jitter, bounded in total time.

The SDK never retries, and it raises a plain ClientException for a ``Throttling.User`` 400, so errors are
classified by their ``code`` (and HTTP status), never by exception class.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

THROTTLED = 'throttled'
TRANSIENT = 'transient'
BUSY = 'busy'
UNREACHABLE = 'unreachable'

# An endpoint that refuses connections (or has no address) is a wrong URL or a stopped service far more often than
# a blip: retry it for this long only, so a mistake surfaces in seconds while throttling keeps the whole budget.
UNREACHABLE_TIMEOUT = 5

# What urllib3 (under darabonba) says when the request never left: no connection was made.
_NOT_CONNECTED = ('NewConnectionError', 'NameResolutionError', 'ConnectTimeoutError', 'Connection refused')

# Server-side hiccups any product may return; safe to retry.
TRANSIENT_CODES = frozenset((
    'ServiceUnavailable', 'InternalError', 'UnknownError', 'SystemBusy', 'OperationBusy', 'ServiceIsConfiguring',
))

# "Resource busy / incorrect status / idempotence processing": the request was valid but arrived while the
# resource (or an earlier request with the same ClientToken) was still being worked on.
BUSY_CODES = {
    'vpc': frozenset((
        'OperationFailed.IdempotentTokenProcessing', 'OperationFailed.LastTokenProcessing', 'LastTokenProcessing',
        'TaskConflict', 'OperationConflict', 'OperationFailed.DistibuteLock', 'IncorrectStatus',
        'IncorrectVpcStatus', 'IncorrectVSwitchStatus',
    )),
    'ecs': frozenset((
        'LastTokenProcessing', 'LastRequestProcessing', 'LastOrderProcessing', 'OperationConflict',
        'Operation.Conflict', 'InvalidOperation.Conflict', 'IncorrectInstanceStatus',
        'IncorrectInstanceStatus.Initializing', 'IncorrectVSwitchStatus',
    )),
    'ess': frozenset((
        'IncorrectScalingGroupStatus', 'InvalidOperation.Conflict', 'ScalingActivityInProgress',
    )),
    'alb': frozenset((
        'IdempotenceProcessing', 'IncorrectStatus.LoadBalancer', 'IncorrectBusinessStatus.LoadBalancer',
        'IncorrectStatus.Listener', 'ResourceInConfiguring.Listener', 'IncorrectStatus.ServerGroup',
    )),
    'cas': frozenset(),
    'alidns': frozenset(('LastOperationNotFinished',)),
}

READ_ACTION_PREFIXES = ('Describe', 'List', 'Get', 'Query', 'Check')


def answer_lost(error):
    """True for an ApiError saying the connection failed after the request may have reached the cloud: the call's
    outcome is unknown (a request that never left is not such a failure)."""
    return error.code == 'ConnectionError' and not any(sign in error.message for sign in _NOT_CONNECTED)


def is_read_action(action):
    return action.startswith(READ_ACTION_PREFIXES)


def _connection_error(error):
    """The network failure under ``error`` (refused, reset, timeout), or None when the API itself answered.

    darabonba wraps network failures as UnretryableException(inner=RetryError) with urllib3's text as message.
    """
    inner = getattr(error, 'inner_exception', None)
    if type(error).__name__ == 'UnretryableException' and type(inner).__name__ == 'RetryError':
        return inner
    return None


def classify(error, product, extra_codes=(), repeatable=False):
    """Return THROTTLED, TRANSIENT, BUSY, UNREACHABLE, or None when the error must not be retried.

    ``repeatable`` says whether sending the same request again is harmless (a read, or a write that carries a
    ClientToken); only then is a connection failure after the request may have left, whose outcome is unknown,
    retried. A request that never left (no connection) is UNREACHABLE, retried briefly whatever the action.
    """
    code = getattr(error, 'code', None) or ''
    status = getattr(error, 'status_code', None)
    if 'Throttling' in code or getattr(error, 'retry_after', None):
        return THROTTLED
    if code in TRANSIENT_CODES or (isinstance(status, int) and 500 <= status < 600):
        return TRANSIENT
    if code in BUSY_CODES.get(product, ()) or code in extra_codes:
        return BUSY
    failure = _connection_error(error)
    if failure is not None and any(sign in str(failure) for sign in _NOT_CONNECTED):
        return UNREACHABLE
    if repeatable and failure is not None:
        return TRANSIENT
    return None


def backoff_delay(attempt, base=0.5, cap=20.0, uniform=random.uniform):
    """Full jitter: a random pause between 0 and min(cap, base * 2**attempt) seconds."""
    return uniform(0, min(cap, base * (2 ** attempt)))


def call_with_retries(func, classify_error, timeout, sleep=time.sleep, clock=time.monotonic, delay=backoff_delay,
                      unreachable_timeout=UNREACHABLE_TIMEOUT):
    """Call ``func()`` until it succeeds, a non-retryable error occurs, or ``timeout`` seconds would be exceeded
    (``unreachable_timeout`` for an UNREACHABLE error).

    ``classify_error(error)`` returns a retry kind or None. The last error is re-raised when time runs out.
    """
    start = clock()
    attempt = 0
    while True:
        try:
            return func()
        except Exception as error:  # the SDK's exception classes are only known once it is imported
            kind = classify_error(error)
            if kind is None:
                raise
            deadline = start + (min(timeout, unreachable_timeout) if kind == UNREACHABLE else timeout)
            pause = delay(attempt)
            retry_after = getattr(error, 'retry_after', None)
            if isinstance(retry_after, (int, float)) and retry_after > 0:
                pause = max(pause, retry_after / 1000.0)
            if clock() + pause > deadline:
                raise
            sleep(pause)
            attempt += 1
