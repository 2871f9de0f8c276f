# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import create_once
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


LOST = ApiError('ImportKeyPair', 'ConnectionError', "('Connection aborted.', RemoteDisconnected('Remote end closed "
                                                    "connection without response'))")
NEVER_LEFT = ApiError('ImportKeyPair', 'ConnectionError', 'NewConnectionError: [Errno 111] Connection refused')


def creates(*outcomes):
    """A create that raises or returns each outcome in turn, recording its calls."""
    calls = []

    def create():
        outcome = outcomes[len(calls)]
        calls.append(outcome)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return create, calls


def test_a_lost_answer_is_replaced_by_the_resource_found_and_nothing_is_sent_again():
    clock = Clock()
    create, calls = creates(LOST)
    found, looks = visible_after(2.0, clock, result={'KeyPairName': 'ops'}, answer_none=True)
    assert create_once(create, found, sleep=clock.sleep, clock=clock) == {'KeyPairName': 'ops'}
    assert len(calls) == 1 and len(looks) > 1  # looked until the cloud listed it


def test_a_lost_request_that_made_nothing_is_sent_once_more():
    clock = Clock()
    create, calls = creates(LOST, {'KeyPairName': 'ops'})
    looks = []
    assert create_once(create, lambda: looks.append(clock.now), window=10, sleep=clock.sleep, clock=clock) == {
        'KeyPairName': 'ops'}
    assert len(calls) == 2 and len(looks) > 2 and looks[-1] > 2  # looked for a while before sending it again


@pytest.mark.parametrize('error', [NEVER_LEFT, ApiError('ImportKeyPair', 'KeyPair.AlreadyExist', 'exists')])
def test_other_failures_are_the_callers_and_nothing_is_looked_up(error):
    create, calls = creates(error)
    looked = []
    with pytest.raises(ApiError) as raised:
        create_once(create, lambda: looked.append(1))
    assert raised.value is error and looked == [] and len(calls) == 1
