"""Fixtures of the emulator's own tests: an emulator per test, SDK clients for it, and raw-call helpers."""

import pytest
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from emulator.testing import emulator_server, sdk_models  # noqa: F401  (the fixture is used by the tests)


@pytest.fixture
def vpc(emulator_server):  # noqa: F811
    """An unmodified VPC SDK client pointed at the emulator."""
    return emulator_server.client('vpc')


@pytest.fixture
def vpc_models():
    return sdk_models('vpc')


@pytest.fixture
def admin(emulator_server):  # noqa: F811
    return emulator_server.admin


def raw_call(config, action, query, version='2016-04-28'):
    """Call any action with any query through the SDK's generic (still official, still signed) call_api."""
    params = Params(action=action, version=version, protocol='HTTP', pathname='/', method='POST', auth_type='AK',
                    style='RPC', req_body_type='formData', body_type='json')
    return OpenApiClient(config).call_api(params, OpenApiRequest(query=query), RuntimeOptions())['body']


def sdk_error(call, *args, **kwargs):
    """The exception an SDK call raised (the test fails when it succeeds)."""
    with pytest.raises(Exception) as raised:
        call(*args, **kwargs)
    return raised.value
