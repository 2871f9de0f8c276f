# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import FindError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import find_one
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule

VPC = Kind('VPC', 'VPCs', 'vpc_id', 'VpcId', 'VpcName')
KEY_PAIR = Kind('Key pair', 'key pairs', None, 'KeyPairName', 'KeyPairName')

VPCS = [dict(VpcId='vpc-1', VpcName='ams'), dict(VpcId='vpc-2', VpcName='ams-staging'),
        dict(VpcId='vpc-3', VpcName='AMS'), dict(VpcId='vpc-4', VpcName='other')]


class FakeClient(object):
    """Answers a name filter the way a loose server might: a case-insensitive prefix, and no filter when empty."""

    def __init__(self, items):
        self.items = items
        self.calls = []

    def by_name(self, name):
        self.calls.append(('name', name))
        return [item for item in self.items if item['VpcName'].lower().startswith((name or '').lower())]

    def by_id(self, resource_id):
        self.calls.append(('id', resource_id))
        return next((item for item in self.items if item['VpcId'] == resource_id), None)


def test_a_loose_filter_is_narrowed_to_the_exact_name():
    client = FakeClient(VPCS)
    assert find_one(VPC, None, 'ams', client.by_id, client.by_name) == VPCS[0]
    assert client.calls == [('name', 'ams')]


def test_no_exact_match_is_none_even_when_the_filter_matched_something():
    client = FakeClient(VPCS)
    assert find_one(VPC, None, 'am', client.by_id, client.by_name) is None


def test_an_id_is_looked_up_by_id_and_the_name_is_not_used():
    client = FakeClient(VPCS)
    assert find_one(VPC, 'vpc-4', 'ams', client.by_id, client.by_name) == VPCS[3]
    assert client.calls == [('id', 'vpc-4')]


@pytest.mark.parametrize('name', ['', '   ', None])
def test_an_empty_name_is_refused_before_any_call(name):
    client = FakeClient(VPCS)
    with pytest.raises(FindError, match=r'^name must not be empty: an empty name would match all VPCs; give a name, '
                                        r'or vpc_id\.$'):
        find_one(VPC, None, name, client.by_id, client.by_name)
    assert client.calls == []


def test_two_of_one_name_are_an_error_listing_both_ids():
    client = FakeClient(VPCS + [dict(VpcId='vpc-5', VpcName='ams')])
    with pytest.raises(FindError) as caught:
        find_one(VPC, None, 'ams', client.by_id, client.by_name, where=' in cn-hangzhou')
    assert str(caught.value) == "2 VPCs are named 'ams' in cn-hangzhou; give vpc_id to choose one: vpc-1, vpc-5"


def test_a_kind_without_an_id_option_says_to_delete_the_extra_ones():
    pairs = [dict(KeyPairName='ops'), dict(KeyPairName='ops')]
    with pytest.raises(FindError) as caught:
        find_one(KEY_PAIR, None, 'ops', None, lambda name: pairs)
    assert str(caught.value) == "2 key pairs are named 'ops'; delete all but one first: ops, ops"


def test_the_twin_guard_names_the_id_and_what_to_leave_out():
    assert VPC.gone('vpc-9', 'cn-hangzhou') == 'VPC vpc-9 does not exist in cn-hangzhou; leave out vpc_id to create one.'


def run_module(args, capsys, **find):
    with patch_module_args(dict(args, region='cn-hangzhou')):
        with pytest.raises(SystemExit):
            module = AlicloudModule(argument_spec=dict(name=dict(type='str'), vpc_id=dict(type='str'),
                                                       state=dict(type='str')), kinds=[VPC])
            module.exit_json(found=module.find(VPC, **find))
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_the_module_refuses_an_empty_name_when_it_starts(capsys, state):
    client = FakeClient(VPCS)
    result = run_module(dict(name='', state=state), capsys, by_id=client.by_id, by_name=client.by_name)
    assert result['failed'] is True
    assert result['msg'].startswith('name must not be empty')
    assert client.calls == []


def test_the_module_reports_ambiguity_as_a_failure(capsys):
    client = FakeClient(VPCS + [dict(VpcId='vpc-5', VpcName='ams')])
    result = run_module(dict(name='ams'), capsys, by_id=client.by_id, by_name=client.by_name)
    assert result['failed'] is True
    assert result['msg'] == "2 VPCs are named 'ams'; give vpc_id to choose one: vpc-1, vpc-5"


def test_the_module_finds_by_name_exactly(capsys):
    client = FakeClient(VPCS)
    result = run_module(dict(name='AMS'), capsys, by_id=client.by_id, by_name=client.by_name)
    assert result['found'] == VPCS[2]
