# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import WaitFailed
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import WaitTimeout
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import wait_until


class Clock(object):
    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def states(*values):
    values = list(values)
    return lambda: values.pop(0) if len(values) > 1 else values[0]


def test_returns_the_first_state_that_satisfies_the_predicate():
    clock = Clock()
    result = wait_until(states('Pending', 'Pending', 'Available'), lambda s: s == 'Available', 60, 'vpc',
                        sleep=clock.sleep, clock=clock)
    assert result == 'Available' and clock.sleeps == [1.0, 1.5]


def test_times_out_with_the_last_state_and_never_sleeps_past_the_deadline():
    clock = Clock()
    with pytest.raises(WaitTimeout) as raised:
        wait_until(states('Provisioning'), lambda s: s == 'Active', 20, 'the load balancer to be Active',
                   sleep=clock.sleep, clock=clock)
    assert raised.value.last == 'Provisioning'
    assert 'the load balancer to be Active' in str(raised.value) and '20' in str(raised.value)
    assert clock.now == 20 and max(clock.sleeps) <= 10.0


def test_a_failed_state_stops_waiting_at_once():
    clock = Clock()
    with pytest.raises(WaitFailed, match='CreateFailed'):
        wait_until(states('Provisioning', 'CreateFailed'), lambda s: s == 'Active', 600, 'alb',
                   failed=lambda s: s if s == 'CreateFailed' else None, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == [1.0]
