# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls about a resource just created, made while the cloud may not show it yet.

Alibaba Cloud APIs are eventually consistent: right after a create succeeds, a read or an operation on the new
resource may answer "not found" (``InvalidScalingGroupId.NotFound``, ``InvalidSecurityGroupId.NotFound``, ...) or
an empty list for a short while (the ECS API reference, "ECS OpenAPI eventual consistency"). Such a call is
repeated, with the collection's backoff, for at most ``VISIBILITY_WINDOW`` seconds; any other error, and a
not-found that outlasts the window, is the caller's. This is separate from the SDK call's own retry policy
(throttling, server errors), which applies inside each attempt.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import answer_lost
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import call_with_retries
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError

VISIBILITY_WINDOW = 30.0  # seconds; the cloud documents "a short time", observed delays are about a second
NOT_YET_VISIBLE = 'not yet visible'


class _Unlisted(Exception):
    """A read that found nothing yet."""


def is_not_found(error):
    """True for the error codes products give a resource that does not exist (or is not visible yet)."""
    code = getattr(error, 'code', None) or ''
    return 'NotFound' in code or 'NotExist' in code


def after_create(call, read=False, window=VISIBILITY_WINDOW, sleep=time.sleep, clock=time.monotonic):
    """``call()`` (an API call about a resource just created), repeated while the cloud does not show it yet.

    With ``read=True`` a result of None also means "not visible yet"; it is returned as None once the window
    has passed.
    """
    def attempt():
        result = call()
        if read and result is None:
            raise _Unlisted()
        return result

    def classify(error):
        return NOT_YET_VISIBLE if isinstance(error, _Unlisted) or is_not_found(error) else None

    try:
        return call_with_retries(attempt, classify, window, sleep=sleep, clock=clock)
    except _Unlisted:
        return None


def create_once(create, find, window=VISIBILITY_WINDOW, sleep=time.sleep, clock=time.monotonic):
    """``create()`` through an API that takes no ClientToken, without making a twin when its answer is lost.

    When the connection fails after the request may have reached the cloud, the resource may exist: ``find()``
    looks for it (for as long as the cloud may not list it yet) and what it returns, shaped as the create's answer,
    stands for that answer. Only when nothing is found is the create sent again, once.
    """
    try:
        return create()
    except ApiError as error:
        if not answer_lost(error):
            raise
    found = after_create(find, read=True, window=window, sleep=sleep, clock=clock)
    return found if found is not None else create()
