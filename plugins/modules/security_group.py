#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: security_group
short_description: Create, update or delete an Alibaba Cloud security group and its rules
version_added: 0.1.0
description:
  - Manages a VPC security group, its inbound rules (O(rules)) and outbound rules (O(rules_egress)).
  - The group is found by O(security_group_id) when given, else by O(name) within O(vpc_id). Two groups with that
    name in the VPC are an error, never a guess.
  - Rules are validated (protocol, ports, CIDR, peer, priority) before any API call, so a wrong rule changes nothing.
  - A rule is identified by its protocol, ports, peer, policy and priority. A rule whose description alone changes
    is revoked and authorized again, because the API keeps one rule per identity.
  - A new group has no rules; with no egress rule, a security group lets all outbound traffic out.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the security group; its identity within the VPC when O(security_group_id) is not given.
      - 2 to 128 characters, starting with a letter. Required to create a group.
    type: str
    aliases: [security_group_name, group_name]
  security_group_id:
    description:
      - Id of an existing security group to manage. With it, O(name) renames the group.
      - With O(state=present), an id that does not exist is an error (a new group gets an id of its own).
    type: str
    aliases: [id]
  vpc_id:
    description:
      - VPC the group belongs to. Required unless O(security_group_id) is given; cannot change afterwards.
    type: str
  description:
    description:
      - Description of the group, 2 to 256 characters. Not changed when not set.
    type: str
  rules:
    description:
      - Inbound rules. If not set, the inbound rules are left alone.
      - With O(purge_rules=true), inbound rules not listed are removed; O(rules=[]) removes them all.
    type: list
    elements: dict
    suboptions: &rule_options
      protocol:
        description:
          - V(tcp), V(udp), V(icmp), V(gre) or V(all) (case-insensitive).
        type: str
        required: true
      ports:
        description:
          - For V(tcp) and V(udp) only, one port (V(22)) or a range (V(8000-9000)).
          - Give either O(rules[].ports) or O(rules[].from_port) (and O(rules[].to_port)).
        type: raw
      from_port:
        description:
          - First port of the range, for V(tcp) and V(udp) only.
        type: int
      to_port:
        description:
          - Last port of the range; defaults to O(rules[].from_port).
        type: int
      cidr_ip:
        description:
          - IPv4 CIDR block the rule applies to (the source of an inbound rule, the destination of an outbound
            one), for example V(10.20.0.0/16) or V(203.0.113.7/32).
          - Give either this or O(rules[].group_id).
        type: str
      group_id:
        description:
          - Id of another security group of the same VPC whose members the rule applies to (the source of an
            inbound rule, the destination of an outbound one).
        type: str
      policy:
        description:
          - V(accept) lets the traffic through, V(drop) discards it.
        type: str
        default: accept
      priority:
        description:
          - 1 (first) to 100. Among matching rules the one with the lowest number decides.
        type: int
        default: 1
      description:
        description:
          - Description of the rule, up to 512 characters.
          - If not set, the description of an existing matching rule is left alone.
        type: str
  rules_egress:
    description:
      - Outbound rules, with the same options as O(rules). If not set, the outbound rules are left alone.
      - With O(purge_rules_egress=true), outbound rules not listed are removed.
    type: list
    elements: dict
    suboptions: *rule_options
  purge_rules:
    description:
      - Remove inbound rules that are not in O(rules). Has no effect when O(rules) is not set.
    type: bool
    default: true
  purge_rules_egress:
    description:
      - Remove outbound rules that are not in O(rules_egress). Has no effect when O(rules_egress) is not set.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the group and its rules, V(absent) deletes the group.
      - Deleting fails, with the cloud's reason, while instances are members or another group's rule names it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff shows name, description, tags and one line per rule, so added and removed rules stand out.
  platform:
    platforms: all
requirements:
  - alibabacloud-ecs20140526
'''

EXAMPLES = r'''
- name: MongoDB reachable from the VPC only, SSH from the admin network only
  lowlatency.alicloud.security_group:
    name: ams-mongodb
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    description: MongoDB host
    rules:
      - protocol: tcp
        ports: 27017
        cidr_ip: "{{ cluster_vpc.vpc.cidr_block }}"
        description: MongoDB from the VPC
      - protocol: tcp
        ports: 22
        cidr_ip: 203.0.113.0/24
        description: SSH from the admin network
    tags:
      app: ams
  register: mongodb_sg

- name: AMS nodes - HTTP(S) and signalling from anywhere, WebRTC media over UDP
  lowlatency.alicloud.security_group:
    name: ams-nodes
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    rules:
      - {protocol: tcp, ports: 5080, cidr_ip: 0.0.0.0/0}
      - {protocol: tcp, ports: 5443, cidr_ip: 0.0.0.0/0}
      - {protocol: udp, from_port: 50000, to_port: 60000, cidr_ip: 0.0.0.0/0}
      - {protocol: icmp, cidr_ip: 10.20.0.0/16}

- name: Add a rule and keep the ones already there
  lowlatency.alicloud.security_group:
    security_group_id: "{{ mongodb_sg.security_group.security_group_id }}"
    rules:
      - {protocol: tcp, ports: 27017, group_id: "{{ ams_sg.security_group.security_group_id }}"}
    purge_rules: false

- name: Delete it
  lowlatency.alicloud.security_group:
    security_group_id: "{{ mongodb_sg.security_group.security_group_id }}"
    state: absent
'''

RETURN = r'''
security_group:
  description: The security group in snake_case, with its rules. Empty after deletion.
  returned: always
  type: dict
  contains:
    security_group_id:
      description: Security group id.
      type: str
      sample: sg-bp1fg655nh68xyz9i3bz
    security_group_name:
      description: Name.
      type: str
      sample: ams-mongodb
    vpc_id:
      description: VPC id.
      type: str
    description:
      description: Description.
      type: str
    security_group_type:
      description: V(normal) or V(enterprise).
      type: str
    tags:
      description: Tags as a dictionary.
      type: dict
      sample: {app: ams}
    rules:
      description: Inbound rules, in the vocabulary of O(rules), with their ids.
      type: list
      elements: dict
      sample: [{rule_id: sgr-bp1g8s9ft3q2hxp4ur1m, protocol: tcp, ports: '27017', cidr_ip: 10.20.0.0/16,
                group_id: null, policy: accept, priority: 1, description: MongoDB from the VPC}]
    rules_egress:
      description: Outbound rules, in the vocabulary of O(rules_egress), with their ids.
      type: list
      elements: dict
'''

from functools import partial

from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import normalise_rules
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import plan_rules
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import rules_text
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import split_permissions
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import to_permission
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import attribute_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

# What differs between the two rule options: the direction, its purge option and its actions.
DIRECTIONS = {
    'rules': dict(direction='ingress', purge='purge_rules', authorize='AuthorizeSecurityGroup',
                  revoke='RevokeSecurityGroup'),
    'rules_egress': dict(direction='egress', purge='purge_rules_egress', authorize='AuthorizeSecurityGroupEgress',
                         revoke='RevokeSecurityGroupEgress'),
}
# Authorize/Revoke take 1-100 rules per call.
BATCH = 100
# Right after CreateSecurityGroup the new group may not be visible yet to the calls that follow.


def check_texts(name, description):
    """The API's own name and description rules, checked before any call."""
    web = ('http://', 'https://')
    if name is not None and not (2 <= len(name) <= 128 and name[0].isalpha() and not name.startswith(web)):
        raise ValueError('name %r must be 2 to 128 characters long, start with a letter and not with http:// or '
                         'https://' % name)
    if description is not None and not (2 <= len(description) <= 256 and not description.startswith(web)):
        raise ValueError('description must be 2 to 256 characters long and not start with http:// or https://')


def read_rules(module, client, group_id):
    """Both directions in one DescribeSecurityGroupAttribute (over all its pages)."""
    permissions = client.paginate('DescribeSecurityGroupAttribute', {
        'RegionId': module.region, 'SecurityGroupId': group_id, 'Direction': 'all', 'MaxResults': 1000,
    }, ('Permissions', 'Permission'))
    return split_permissions(permissions)


SECURITY_GROUP = Kind('Security group', 'security groups', 'security_group_id', 'SecurityGroupId', 'SecurityGroupName')


def describe(module, client, **query):
    return client.paginate('DescribeSecurityGroups', dict(query, RegionId=module.region),
                           ('SecurityGroups', 'SecurityGroup'))


def find_group(module, client, group_id=None, with_rules=True):
    """The one group with this id (or security_group_id), or with this name in the VPC; None when there is none."""
    def by_id(wanted):
        return (describe(module, client, SecurityGroupId=wanted) or [None])[0]

    if group_id:
        found = by_id(group_id)
    else:
        vpc_id = module.params['vpc_id']
        found = module.find(SECURITY_GROUP, by_id,
                            lambda name: describe(module, client, VpcId=vpc_id, SecurityGroupName=name),
                            where=' in VPC %s' % vpc_id)
    if not found:
        return None
    group = snake_dict(found)
    if with_rules:
        group['rules'], group['rules_egress'] = read_rules(module, client, group['security_group_id'])
    return group


def read_back(module, client, group_id):
    """The group as it is after our changes (a new one may take a moment to be listed)."""
    return module.wait(lambda: find_group(module, client, group_id), lambda group: group is not None,
                       'security group %s to be listed' % group_id, timeout=120)


def comparable(group):
    result = dict((key, group.get(key)) for key in ('security_group_name', 'description', 'vpc_id', 'tags'))
    for option, names in DIRECTIONS.items():
        if option in group:
            result[option] = rules_text(group[option], names['direction'])
    return result


def change_rules(module, client, group_id, option, to_add, to_remove):
    """Revoke first: a rule whose description changes has the same identity as its replacement."""
    names = DIRECTIONS[option]
    base = {'RegionId': module.region, 'SecurityGroupId': group_id}
    rule_ids = [rule['rule_id'] for rule in to_remove]
    for start in range(0, len(rule_ids), BATCH):
        client.call(names['revoke'], dict(base, SecurityGroupRuleId=rule_ids[start:start + BATCH]))
    permissions = [to_permission(rule, names['direction']) for rule in to_add]
    for start in range(0, len(permissions), BATCH):
        client.call(names['authorize'], dict(base, Permissions=permissions[start:start + BATCH]),
                    idempotent=True)


def create(module, client, wanted):
    params = module.params
    module.refuse_twin(SECURITY_GROUP)
    if not params['name']:
        module.fail_json(msg='Creating a security group needs name (and vpc_id).')
    desired = dict(security_group_name=params['name'], vpc_id=params['vpc_id'],
                   description=params['description'] or '', tags=params['tags'] or {})
    for option, rules in wanted.items():
        desired[option] = plan_rules([], rules or [])[2]
    if module.check_mode:
        return desired
    created = client.call('CreateSecurityGroup', {
        'RegionId': module.region, 'VpcId': params['vpc_id'], 'SecurityGroupName': params['name'],
        'Description': params['description'], 'Tag': dict_to_tags(params['tags']),
    }, idempotent=True)
    group_id = created['SecurityGroupId']
    for option, rules in wanted.items():
        after_create(partial(change_rules, module, client, group_id, option, plan_rules([], rules or [])[0], []))
    return read_back(module, client, group_id)


def update(module, client, group, wanted):
    """Bring an existing group in line; return (changed, the group as it now is or would be in check mode)."""
    params = module.params
    if params['vpc_id'] and params['vpc_id'] != group['vpc_id']:
        module.fail_json(msg='Security group %s belongs to VPC %s; it cannot move to %s: create a new group instead.'
                         % (group['security_group_id'], group['vpc_id'], params['vpc_id']))
    attributes, after = attribute_changes(group, {
        'SecurityGroupName': ('security_group_name', params['name']),
        'Description': ('description', params['description'])})
    to_set, to_remove = compare_tags(group['tags'], params['tags'], params['purge_tags'])
    rule_changes = {}
    for option, rules in wanted.items():
        if rules is None:
            continue
        adding, removing, after[option] = plan_rules(group[option], rules, params[DIRECTIONS[option]['purge']])
        if adding or removing:
            rule_changes[option] = (adding, removing)
    if not (attributes or to_set or to_remove or rule_changes):
        return False, group
    after['tags'] = merged_tags(group['tags'], params['tags'], params['purge_tags'])
    if module.check_mode:
        return True, after
    group_id = group['security_group_id']
    if attributes:
        client.call('ModifySecurityGroupAttribute', dict(attributes, RegionId=module.region, SecurityGroupId=group_id))
    apply_tags(client, 'securitygroup', group_id, to_set, to_remove, region=module.region)
    for option, (adding, removing) in rule_changes.items():
        change_rules(module, client, group_id, option, adding, removing)
    return True, read_back(module, client, group_id)


def delete(module, client, group):
    if module.check_mode:
        return
    module.delete_unless_in_use(
        client, 'DeleteSecurityGroup', {'RegionId': module.region, 'SecurityGroupId': group['security_group_id']},
        'Security group %s is still in use; remove its instances from it, and the rules of other groups that name it, '
        'first' % group['security_group_id'])


def main():
    rule_options = dict(
        protocol=dict(type='str', required=True),
        ports=dict(type='raw'),
        from_port=dict(type='int'),
        to_port=dict(type='int'),
        cidr_ip=dict(type='str'),
        group_id=dict(type='str'),
        policy=dict(type='str', default='accept'),
        priority=dict(type='int', default=1),
        description=dict(type='str'),
    )
    argument_spec = dict(
        name=dict(type='str', aliases=['security_group_name', 'group_name']),
        security_group_id=dict(type='str', aliases=['id']),
        vpc_id=dict(type='str'),
        description=dict(type='str'),
        rules=dict(type='list', elements='dict', options=rule_options),
        rules_egress=dict(type='list', elements='dict', options=rule_options),
        purge_rules=dict(type='bool', default=True),
        purge_rules_egress=dict(type='bool', default=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True, kinds=[SECURITY_GROUP])
    params = module.params
    if not params['security_group_id'] and not (params['name'] and params['vpc_id']):
        module.fail_json(msg='Give security_group_id, or name and vpc_id, to identify the security group.')
    present = params['state'] == 'present'
    wanted = {}
    if present:
        module.check(check_texts, params['name'], params['description'])
        for option, names in DIRECTIONS.items():
            wanted[option] = module.check(normalise_rules, params[option], option, names['direction'])
    client = module.client('ecs')
    current = find_group(module, client, with_rules=present)
    module.converge('security_group', current, lambda: create(module, client, wanted),
                    lambda group: update(module, client, group, wanted), lambda group: delete(module, client, group),
                    comparable)


if __name__ == '__main__':
    main()
