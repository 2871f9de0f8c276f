# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One waiter: poll a read function until a predicate holds, backing off, bounded by wait_timeout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time


class WaitTimeout(Exception):
    def __init__(self, description, timeout, last):
        super(WaitTimeout, self).__init__('Timed out after %ss waiting for %s' % (timeout, description))
        self.last = last


class WaitFailed(Exception):
    """The resource reached a state from which the awaited one cannot follow (e.g. CreateFailed)."""


def wait_until(fetch, predicate, timeout, description, failed=None, delay=1.0, max_delay=10.0,
               sleep=time.sleep, clock=time.monotonic):
    """Return the first ``fetch()`` result for which ``predicate(result)`` is true.

    ``failed(result)`` may return a message to stop waiting early. Raises WaitTimeout or WaitFailed.
    The delay grows by half each poll up to ``max_delay``, and never sleeps past the deadline.
    """
    deadline = clock() + timeout
    while True:
        result = fetch()
        if predicate(result):
            return result
        reason = failed(result) if failed else None
        if reason:
            raise WaitFailed('%s: %s' % (description, reason))
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(description, timeout, result)
        sleep(min(delay, remaining))
        delay = min(delay * 1.5, max_delay)
