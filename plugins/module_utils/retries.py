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


def is_read_action(action):
    return action.startswith(READ_ACTION_PREFIXES)


def _is_connection_error(error):
    # darabonba wraps network failures (refused, reset, timeout) as UnretryableException(inner=RetryError).
    inner = getattr(error, 'inner_exception', None)
    return type(error).__name__ == 'UnretryableException' and type(inner).__name__ == 'RetryError'


def classify(error, product, extra_codes=(), repeatable=False):
    """Return THROTTLED, TRANSIENT, BUSY, or None when the error must not be retried.

    ``repeatable`` says whether sending the same request again is harmless (a read, or a write that carries a
    ClientToken); only then is a connection failure, whose outcome is unknown, retried.
    """
    code = getattr(error, 'code', None) or ''
    status = getattr(error, 'status_code', None)
    if 'Throttling' in code or getattr(error, 'retry_after', None):
        return THROTTLED
    if code in TRANSIENT_CODES or (isinstance(status, int) and 500 <= status < 600):
        return TRANSIENT
    if code in BUSY_CODES.get(product, ()) or code in extra_codes:
        return BUSY
    if repeatable and _is_connection_error(error):
        return TRANSIENT
    return None


def backoff_delay(attempt, base=0.5, cap=20.0, uniform=random.uniform):
    """Full jitter: a random pause between 0 and min(cap, base * 2**attempt) seconds."""
    return uniform(0, min(cap, base * (2 ** attempt)))


def call_with_retries(func, classify_error, timeout, sleep=time.sleep, clock=time.monotonic, delay=backoff_delay):
    """Call ``func()`` until it succeeds, a non-retryable error occurs, or ``timeout`` seconds would be exceeded.

    ``classify_error(error)`` returns a retry kind or None. The last error is re-raised when time runs out.
    """
    deadline = clock() + timeout
    attempt = 0
    while True:
        try:
            return func()
        except Exception as error:  # the SDK's exception classes are only known once it is imported
            if classify_error(error) is None:
                raise
            pause = delay(attempt)
            retry_after = getattr(error, 'retry_after', None)
            if isinstance(retry_after, (int, float)) and retry_after > 0:
                pause = max(pause, retry_after / 1000.0)
            if clock() + pause > deadline:
                raise
            sleep(pause)
            attempt += 1
