# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import InvalidRule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import from_permission
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import identity
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import normalise_rule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import normalise_rules
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import parse_ports
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import plan_rules
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import rule_text
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import rules_text
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import split_permissions
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import to_permission


def rule(**given):
    """A rule as the module's argument spec hands it over (every option present, defaults applied)."""
    base = dict(protocol='tcp', ports=None, from_port=None, to_port=None, cidr_ip=None, group_id=None,
                policy='accept', priority=1, description=None)
    base.update(given)
    return base


def current(rule_id, **fields):
    """A rule as read from the API, through the same code the modules use."""
    permission = dict(dict(Direction='ingress', IpProtocol='TCP', PortRange='22/22', SourceCidrIp='10.0.0.0/8',
                           Policy='Accept', Priority='1', Description='', SecurityGroupRuleId=rule_id), **fields)
    return from_permission(permission)[1]


@pytest.mark.parametrize('value, expected', [
    (22, (22, 22)), ('22', (22, 22)), ('8000-9000', (8000, 9000)), (' 1 - 65535 ', (1, 65535)), ('80-80', (80, 80)),
])
def test_parse_ports_accepts_a_port_or_a_range(value, expected):
    assert parse_ports(value) == expected


@pytest.mark.parametrize('value, fragment', [
    ('0', 'outside 1-65535'), (70000, 'outside 1-65535'), ('9000-8000', 'ends before it starts'),
    ('http', 'one port (22) or a range'), ('22/22', 'one port (22) or a range'), ('-1', 'one port (22) or a range'),
    ('1-2-3', 'one port (22) or a range'), (True, 'one port (22) or a range'), ('', 'one port (22) or a range'),
    ('\u0662\u0662', 'one port (22) or a range'),
])
def test_parse_ports_refuses_anything_else(value, fragment):
    with pytest.raises(InvalidRule) as raised:
        parse_ports(value)
    assert fragment in str(raised.value)


@pytest.mark.parametrize('given, ports', [
    (dict(ports=22), '22'), (dict(ports='8000-9000'), '8000-9000'), (dict(from_port=5000, to_port=6000), '5000-6000'),
    (dict(from_port=443), '443'), (dict(ports='80-80'), '80'),
])
def test_ports_come_from_ports_or_from_to(given, ports):
    assert normalise_rule(rule(cidr_ip='0.0.0.0/0', **given), 'ingress')['ports'] == ports


def test_normalise_rule_makes_case_cidr_and_defaults_canonical():
    assert normalise_rule(rule(protocol='UDP', ports='53', cidr_ip=' 10.0.0.0/8', policy='DROP', priority=None),
                          'egress') == dict(protocol='udp', ports='53', cidr_ip='10.0.0.0/8', group_id=None,
                                            policy='drop', priority=1, description=None)
    assert normalise_rule(rule(protocol='icmp', group_id='sg-1'), 'ingress')['ports'] is None


@pytest.mark.parametrize('given, fragment', [
    (dict(protocol='tcpp', ports=22, cidr_ip='0.0.0.0/0'), "protocol 'tcpp' is not one of tcp, udp, icmp, gre, all"),
    (dict(protocol=None, cidr_ip='0.0.0.0/0'), 'protocol None is not one of'),
    (dict(cidr_ip='0.0.0.0/0'), 'protocol tcp needs ports'),
    (dict(to_port=22, cidr_ip='0.0.0.0/0'), 'to_port needs from_port'),
    (dict(ports=22, from_port=22, cidr_ip='0.0.0.0/0'), 'not both'),
    (dict(from_port=0, cidr_ip='0.0.0.0/0'), 'port 0 is outside 1-65535'),
    (dict(from_port=90, to_port=80, cidr_ip='0.0.0.0/0'), 'port range 90-80 ends before it starts'),
    (dict(protocol='icmp', ports=22, cidr_ip='0.0.0.0/0'), 'protocol icmp has no ports'),
    (dict(protocol='all', from_port=1, cidr_ip='0.0.0.0/0'), 'protocol all has no ports'),
    (dict(ports=22), 'the source is missing: give cidr_ip or group_id'),
    (dict(ports=22, cidr_ip='10.0.0.0/8', group_id='sg-1'), 'give cidr_ip or group_id, not both'),
    (dict(ports=22, cidr_ip='10.0.0.1/8'), 'has host bits set'),
    (dict(ports=22, cidr_ip='10.0.0.1'), 'address/prefix'),
    (dict(ports=22, cidr_ip='banana/8'), 'not valid'),
    (dict(ports=22, cidr_ip='2001:db8::/32'), 'IPv6'),
    (dict(ports=22, cidr_ip='0.0.0.0/0', priority=0), 'priority 0 is outside 1-100'),
    (dict(ports=22, cidr_ip='0.0.0.0/0', priority=101), 'priority 101 is outside 1-100'),
    (dict(ports=22, cidr_ip='0.0.0.0/0', policy='allow'), "policy 'allow' is not one of accept, drop"),
    (dict(ports=22, cidr_ip='0.0.0.0/0', description='x' * 513), 'longer than 512'),
])
def test_invalid_rules_are_refused_with_the_reason(given, fragment):
    with pytest.raises(ValueError) as raised:
        normalise_rule(rule(**given), 'ingress')
    assert fragment in str(raised.value)


def test_an_egress_rule_misses_its_destination():
    with pytest.raises(InvalidRule) as raised:
        normalise_rule(rule(ports=22), 'egress')
    assert 'the destination is missing' in str(raised.value)


def test_normalise_rules_names_the_option_and_position():
    with pytest.raises(InvalidRule) as raised:
        normalise_rules([rule(ports=22, cidr_ip='0.0.0.0/0'), rule(ports=22, cidr_ip='10.0.0.1/8')], 'rules', 'ingress')
    assert str(raised.value).startswith("rules[1]: cidr_ip '10.0.0.1/8' is not valid")
    assert normalise_rules(None, 'rules', 'ingress') is None
    assert normalise_rules([], 'rules', 'ingress') == []


def test_the_same_rule_twice_is_an_error_even_with_other_descriptions():
    with pytest.raises(InvalidRule) as raised:
        normalise_rules([rule(ports=22, cidr_ip='10.0.0.0/8', description='a'),
                         rule(ports='22-22', cidr_ip='10.0.0.0/8', description='b')], 'rules_egress', 'egress')
    assert str(raised.value) == 'rules_egress[1] is the same rule as rules_egress[0] (only the description may differ)'


def test_from_permission_reads_the_api_form():
    direction, read = from_permission({
        'Direction': 'egress', 'IpProtocol': 'UDP', 'PortRange': '5000/6000', 'DestCidrIp': '192.168.1.7',
        'SourceCidrIp': '', 'SourceGroupId': '', 'DestGroupId': '', 'Policy': 'Drop', 'Priority': '7',
        'Description': 'media', 'SecurityGroupRuleId': 'sgr-1', 'SourcePortRange': '', 'PortRangeListId': ''})
    assert direction == 'egress'
    assert read == dict(protocol='udp', ports='5000-6000', cidr_ip='192.168.1.7/32', group_id=None, policy='drop',
                        priority=7, description='media', rule_id='sgr-1')


def test_a_read_rule_with_attributes_we_have_no_option_for_is_not_a_wanted_rule():
    wanted = normalise_rule(rule(ports=22, cidr_ip='10.0.0.0/8'), 'ingress')
    assert identity(current('sgr-1')) == identity(wanted)
    assert identity(current('sgr-2', SourcePortRange='1000/2000')) != identity(wanted)
    prefix_listed = from_permission({'Direction': 'ingress', 'IpProtocol': 'ALL', 'PortRange': '-1/-1',
                                     'SourcePrefixListId': 'pl-1', 'Priority': '1', 'Policy': 'Accept'})[1]
    assert prefix_listed['prefix_list_id'] == 'pl-1' and prefix_listed['cidr_ip'] is None


def test_split_permissions_sorts_each_direction():
    ingress, egress = split_permissions([
        {'Direction': 'ingress', 'IpProtocol': 'TCP', 'PortRange': '443/443', 'SourceCidrIp': '0.0.0.0/0'},
        {'Direction': 'egress', 'IpProtocol': 'ALL', 'PortRange': '-1/-1', 'DestGroupId': 'sg-2'},
        {'Direction': 'ingress', 'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourceCidrIp': '10.0.0.0/8'},
    ])
    assert [r['ports'] for r in ingress] == ['22', '443']
    assert egress[0]['group_id'] == 'sg-2' and egress[0]['ports'] is None
    assert split_permissions(None) == ([], [])


@pytest.mark.parametrize('direction, peer', [('ingress', 'Source'), ('egress', 'Dest')])
def test_to_permission_writes_the_api_form(direction, peer):
    tcp = normalise_rule(rule(ports='8000-9000', cidr_ip='10.0.0.0/8', description='web', priority=5), direction)
    assert to_permission(tcp, direction) == {'IpProtocol': 'TCP', 'PortRange': '8000/9000',
                                             peer + 'CidrIp': '10.0.0.0/8', 'Policy': 'accept', 'Priority': '5',
                                             'Description': 'web'}
    icmp = normalise_rule(rule(protocol='icmp', group_id='sg-9'), direction)
    assert to_permission(icmp, direction) == {'IpProtocol': 'ICMP', 'PortRange': '-1/-1', peer + 'GroupId': 'sg-9',
                                              'Policy': 'accept', 'Priority': '1'}


def test_a_rule_survives_the_round_trip_through_the_api_form():
    wanted = normalise_rule(rule(protocol='udp', from_port=50000, to_port=60000, cidr_ip='0.0.0.0/0'), 'egress')
    permission = dict(to_permission(wanted, 'egress'), Direction='egress', SecurityGroupRuleId='sgr-1')
    assert identity(from_permission(permission)[1]) == identity(wanted)


def wanted_rules(*rules):
    return normalise_rules(list(rules), 'rules', 'ingress')


def test_plan_nothing_when_the_rules_are_there():
    have = [current('sgr-1', Description='ssh'), current('sgr-2', PortRange='443/443', SourceCidrIp='0.0.0.0/0')]
    desired = wanted_rules(rule(ports=443, cidr_ip='0.0.0.0/0'), rule(ports=22, cidr_ip='10.0.0.0/8'))
    to_add, to_remove, after = plan_rules(have, desired)
    assert (to_add, to_remove) == ([], [])
    assert [r['rule_id'] for r in after] == ['sgr-1', 'sgr-2']


def test_plan_adds_the_missing_and_purges_the_unwanted():
    have = [current('sgr-1'), current('sgr-2', PortRange='80/80')]
    desired = wanted_rules(rule(ports=22, cidr_ip='10.0.0.0/8'), rule(ports=443, cidr_ip='10.0.0.0/8'))
    to_add, to_remove, after = plan_rules(have, desired)
    assert [r['ports'] for r in to_add] == ['443'] and to_add[0]['description'] == ''
    assert [r['rule_id'] for r in to_remove] == ['sgr-2']
    assert [r['ports'] for r in after] == ['22', '443']


def test_plan_without_purge_keeps_the_unwanted():
    have = [current('sgr-1'), current('sgr-2', PortRange='80/80')]
    to_add, to_remove, after = plan_rules(have, wanted_rules(rule(ports=443, cidr_ip='10.0.0.0/8')), purge=False)
    assert [r['ports'] for r in to_add] == ['443'] and to_remove == []
    assert [r['ports'] for r in after] == ['22', '80', '443']


def test_plan_empty_rules_with_purge_removes_everything():
    to_add, to_remove, after = plan_rules([current('sgr-1'), current('sgr-2', PortRange='80/80')], [])
    assert to_add == [] and [r['rule_id'] for r in to_remove] == ['sgr-1', 'sgr-2'] and after == []


@pytest.mark.parametrize('field, value', [
    ('Priority', '2'), ('Policy', 'Drop'), ('SourceCidrIp', '10.0.0.0/16'), ('IpProtocol', 'UDP'),
    ('PortRange', '22/23'),
])
def test_any_identity_field_that_differs_makes_another_rule(field, value):
    wanted = wanted_rules(rule(ports=22, cidr_ip='10.0.0.0/8'))
    to_add, to_remove = plan_rules([current('sgr-1', **{field: value})], wanted)[:2]
    assert len(to_add) == 1 and [r['rule_id'] for r in to_remove] == ['sgr-1']


def test_a_new_description_replaces_the_rule_even_without_purge():
    have = [current('sgr-1', Description='old'), current('sgr-2', PortRange='80/80')]
    to_add, to_remove, after = plan_rules(have, wanted_rules(rule(ports=22, cidr_ip='10.0.0.0/8', description='new')),
                                          purge=False)
    assert [r['description'] for r in to_add] == ['new']
    assert [r['rule_id'] for r in to_remove] == ['sgr-1']
    assert [(r['ports'], r['description']) for r in after] == [('22', 'new'), ('80', '')]


def test_an_unset_description_leaves_the_current_one_alone():
    wanted = wanted_rules(rule(ports=22, cidr_ip='10.0.0.0/8'))
    to_add, to_remove = plan_rules([current('sgr-1', Description='old')], wanted)[:2]
    assert (to_add, to_remove) == ([], [])


def test_rule_text_is_one_readable_line_per_rule():
    tcp = normalise_rule(rule(ports='8000-9000', cidr_ip='10.0.0.0/8', description='web', priority=5), 'ingress')
    assert rule_text(tcp, 'ingress') == 'tcp 8000-9000 from 10.0.0.0/8 accept priority 5 (web)'
    icmp = normalise_rule(rule(protocol='icmp', group_id='sg-9', policy='drop'), 'egress')
    assert rule_text(icmp, 'egress') == 'icmp to sg-9 drop priority 1'
    quintuple = current('sgr-1', SourcePortRange='1000/2000')
    assert rule_text(quintuple, 'ingress') == 'tcp 22 source ports 1000/2000 from 10.0.0.0/8 accept priority 1'
    assert rules_text([current('sgr-2', PortRange='443/443'), current('sgr-1')], 'ingress') == [
        'tcp 22 from 10.0.0.0/8 accept priority 1', 'tcp 443 from 10.0.0.0/8 accept priority 1']
