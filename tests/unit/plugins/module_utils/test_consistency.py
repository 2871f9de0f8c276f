# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError


class Clock(object):
    """A fake clock that sleeping moves forward."""

    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds):
        self.now += seconds

    def __call__(self):
        return self.now


def visible_after(seconds, clock, result='done', code='InvalidScalingGroupId.NotFound', answer_none=False):
    calls = []

    def call():
        calls.append(clock.now)
        if clock.now < seconds:
            if answer_none:
                return None
            raise ApiError('EnableScalingGroup', code, 'The specified scaling group does not exist.')
        return result
    return call, calls


def test_a_not_found_right_after_a_create_is_asked_again_until_visible():
    clock = Clock()
    call, calls = visible_after(3.0, clock)
    assert after_create(call, sleep=clock.sleep, clock=clock) == 'done'
    assert len(calls) > 1 and calls[-1] >= 3.0


def test_an_empty_read_is_asked_again_when_read_is_set():
    clock = Clock()
    call, calls = visible_after(2.0, clock, result={'id': 'asr-1'}, answer_none=True)
    assert after_create(call, read=True, sleep=clock.sleep, clock=clock) == {'id': 'asr-1'}
    assert len(calls) > 1


def test_the_window_is_bounded():
    clock = Clock()
    call, calls = visible_after(1000.0, clock)
    with pytest.raises(ApiError) as caught:
        after_create(call, window=30.0, sleep=clock.sleep, clock=clock)
    assert caught.value.code == 'InvalidScalingGroupId.NotFound'
    assert clock.now <= 30.0


def test_a_read_still_empty_after_the_window_is_none():
    clock = Clock()
    call, calls = visible_after(1000.0, clock, answer_none=True)
    assert after_create(call, read=True, window=10.0, sleep=clock.sleep, clock=clock) is None
    assert clock.now <= 10.0


def test_other_errors_are_not_retried():
    clock = Clock()
    call, calls = visible_after(5.0, clock, code='InvalidParameter')
    with pytest.raises(ApiError):
        after_create(call, sleep=clock.sleep, clock=clock)
    assert len(calls) == 1
