# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError

SECRET = 'Sup3rSecretValue'
TOKEN = 'StsTokenValue42'


def fail_with(args, capsys, error):
    with patch_module_args(args):
        module = AlicloudModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            assert module.region
            module.fail_api(error, msg='Could not create the VPC')
    return capsys.readouterr().out


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN',
                 'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN',
                 'ALICLOUD_REGION', 'ALICLOUD_ENDPOINT_URL'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_error_report_carries_code_request_id_and_action(capsys, clean_environment):
    out = fail_with({'region': 'cn-hangzhou'}, capsys,
                    ApiError('CreateVpc', 'QuotaExceeded.Vpc', 'VPC quota exceeded', 'REQ-42', 400))
    result = json.loads(out)
    assert result['failed'] is True
    assert (result['code'], result['request_id'], result['action']) == ('QuotaExceeded.Vpc', 'REQ-42', 'CreateVpc')
    assert result['msg'] == 'Could not create the VPC: CreateVpc failed: QuotaExceeded.Vpc: VPC quota exceeded'


def test_secrets_given_as_options_never_reach_the_output(capsys, clean_environment):
    args = {'region': 'cn-hangzhou', 'access_key_id': 'id', 'access_key_secret': SECRET, 'security_token': TOKEN}
    out = fail_with(args, capsys, ApiError('CreateVpc', 'Forbidden', 'rejected %s / %s' % (SECRET, TOKEN)))
    assert SECRET not in out and TOKEN not in out and 'rejected' in out


def test_secrets_taken_from_the_environment_never_reach_the_output(capsys, clean_environment):
    clean_environment.setenv('ALICLOUD_ACCESS_KEY', 'id')
    clean_environment.setenv('ALICLOUD_SECRET_KEY', SECRET)
    clean_environment.setenv('ALIBABA_CLOUD_SECURITY_TOKEN', TOKEN)
    out = fail_with({'region': 'cn-hangzhou'}, capsys,
                    ApiError('CreateVpc', 'Forbidden', 'rejected %s / %s' % (SECRET, TOKEN)))
    assert SECRET not in out and TOKEN not in out and 'rejected' in out


def test_missing_region_fails_with_one_clear_message(capsys, clean_environment):
    with patch_module_args({}):
        module = AlicloudModule(argument_spec={})
        with pytest.raises(SystemExit):
            module.client('vpc')
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['msg'].startswith('No region: set the region option or ALIBABA_CLOUD_REGION_ID')
