# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils import retries
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import BUSY
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import THROTTLED
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import TRANSIENT


class ClientException(Exception):
    """Shaped like the SDK's: the class says nothing about throttling, the code does."""

    def __init__(self, code, status_code=400, retry_after=None):
        super(ClientException, self).__init__(code)
        self.code, self.status_code, self.retry_after = code, status_code, retry_after


class RetryError(Exception):
    pass


class UnretryableException(Exception):
    def __init__(self, inner):
        super(UnretryableException, self).__init__(str(inner))
        self.inner_exception, self.code = inner, None


@pytest.mark.parametrize('error, product, expected', [
    (ClientException('Throttling.User'), 'vpc', THROTTLED),
    (ClientException('Throttling'), 'alb', THROTTLED),
    (ClientException('Anything', retry_after=200), 'ecs', THROTTLED),
    (ClientException('ServiceUnavailable', 503), 'ecs', TRANSIENT),
    (ClientException('InternalError', 500), 'ess', TRANSIENT),
    (ClientException('SomethingNew', 502), 'cas', TRANSIENT),
    (ClientException('IncorrectScalingGroupStatus'), 'ess', BUSY),
    (ClientException('IdempotenceProcessing'), 'alb', BUSY),
    (ClientException('OperationFailed.LastTokenProcessing'), 'vpc', BUSY),
    (ClientException('IdempotenceProcessing'), 'vpc', None),
    (ClientException('InvalidParameter'), 'ecs', None),
    (ClientException('InvalidVpcId.NotFound', 404), 'vpc', None),
    (ClientException('SignatureDoesNotMatch'), 'vpc', None),
])
def test_classification_reads_the_code_and_status(error, product, expected):
    assert retries.classify(error, product) == expected


def test_action_specific_codes_extend_the_product_list():
    error = ClientException('DependencyViolation.VSwitch')
    assert retries.classify(error, 'vpc') is None
    assert retries.classify(error, 'vpc', extra_codes=('DependencyViolation.VSwitch',)) == BUSY


def test_connection_errors_are_retried_only_when_repeating_is_harmless():
    error = UnretryableException(RetryError("('Connection aborted.', RemoteDisconnected())"))
    assert retries.classify(error, 'vpc', repeatable=False) is None
    assert retries.classify(error, 'vpc', repeatable=True) == TRANSIENT


@pytest.mark.parametrize('attempt, ceiling', [(0, 0.5), (1, 1.0), (3, 4.0), (6, 20.0), (30, 20.0)])
def test_full_jitter_stays_between_zero_and_the_capped_exponential(attempt, ceiling):
    assert retries.backoff_delay(attempt, uniform=lambda low, high: high) == ceiling
    assert retries.backoff_delay(attempt, uniform=lambda low, high: low) == 0
    samples = [retries.backoff_delay(attempt) for sample in range(50)]
    assert all(0 <= pause <= ceiling for pause in samples)


class FakeClock(object):
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def failing(errors, result='ok'):
    calls = []

    def func():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result
    return func, calls


def test_retryable_errors_are_retried_until_success():
    clock = FakeClock()
    func, calls = failing([ClientException('Throttling.User'), ClientException('ServiceUnavailable', 503)])
    result = retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 60, clock.sleep, clock,
                                       delay=lambda attempt: 1.0)
    assert result == 'ok' and len(calls) == 3 and clock.sleeps == [1.0, 1.0]


def test_client_errors_are_raised_at_once():
    clock = FakeClock()
    func, calls = failing([ClientException('InvalidParameter')])
    with pytest.raises(ClientException):
        retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 60, clock.sleep, clock)
    assert len(calls) == 1 and clock.sleeps == []


def test_total_time_is_bounded_and_the_last_error_surfaces():
    clock = FakeClock()
    func, calls = failing([ClientException('Throttling.User')] * 1000)
    with pytest.raises(ClientException, match='Throttling.User'):
        retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 30, clock.sleep, clock,
                                  delay=lambda attempt: 4.0)
    assert clock.now <= 30 and len(calls) == 8


def test_server_retry_after_is_a_minimum_pause():
    clock = FakeClock()
    func, calls = failing([ClientException('Throttling', retry_after=3000)])
    retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 60, clock.sleep, clock,
                              delay=lambda attempt: 0.1)
    assert clock.sleeps == [3.0]


def test_read_actions_are_recognised():
    assert retries.is_read_action('DescribeVpcs') and retries.is_read_action('ListAsynJobs')
    assert not retries.is_read_action('CreateVpc') and not retries.is_read_action('DeleteVSwitch')


def not_connected():
    return UnretryableException(RetryError("HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded "
                                           "(Caused by NewConnectionError('Failed to establish a new connection: "
                                           "[Errno 111] Connection refused'))"))


def test_a_connection_never_made_is_unreachable_whatever_the_action():
    assert retries.classify(not_connected(), 'vpc', repeatable=False) == retries.UNREACHABLE
    reset = UnretryableException(RetryError("('Connection aborted.', ConnectionResetError(104))"))
    assert retries.classify(reset, 'vpc', repeatable=True) == TRANSIENT


def test_an_unreachable_endpoint_gets_a_few_seconds_while_throttling_keeps_the_budget():
    clock = FakeClock()
    func, calls = failing([not_connected()] * 1000)
    with pytest.raises(UnretryableException):
        retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 120, clock.sleep, clock,
                                  delay=lambda attempt: 1.0)
    assert clock.now <= retries.UNREACHABLE_TIMEOUT and len(calls) == retries.UNREACHABLE_TIMEOUT + 1
    clock = FakeClock()
    func, calls = failing([ClientException('Throttling.User')] * 1000)
    with pytest.raises(ClientException):
        retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 120, clock.sleep, clock,
                                  delay=lambda attempt: 1.0)
    assert clock.now == 120 and len(calls) == 121


def test_a_zero_budget_never_retries():
    clock = FakeClock()
    func, calls = failing([ClientException('Throttling.User')])
    with pytest.raises(ClientException):
        retries.call_with_retries(func, lambda e: retries.classify(e, 'vpc'), 0, clock.sleep, clock,
                                  delay=lambda attempt: 0.5)
    assert len(calls) == 1
