# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: ecs
short_description: Alibaba Cloud ECS instances as inventory hosts
version_added: 0.1.0
description:
  - Lists the ECS instances of one or more regions, filtered by tags, VPC, Auto Scaling group and status, as hosts.
  - One DescribeInstances page walk per region; DescribeScalingGroups once per region only when O(scaling_group) is
    set or an instance belongs to an Auto Scaling group (to name its group).
  - Reads its settings from a YAML file whose name ends with C(.alicloud_ecs.yml) or C(.alicloud_ecs.yaml).
  - Credentials, region and endpoint are resolved as the collection's modules resolve them - the options, then the
    environment variables each option names, then the SDK default credential chain.
  - Every host gets these variables - V(instance_id), V(instance_name), V(private_ip), V(public_ip) (empty when it
    has none), V(ansible_host), V(region), V(zone_id), V(vpc_id), V(vswitch_id), V(security_group_ids),
    V(instance_type), V(image_id), V(status), V(instance_tags) (a dict), and for members of an Auto Scaling group
    V(scaling_group_id) and V(scaling_group_name). The tags are not called C(tags), a name Ansible reserves for the
    play keyword and warns about.
  - Built-in groups - V(scaling_group_<name>) for the members of each Auto Scaling group, and with
    O(group_by_role_tag) V(role_<value>) for a C(role) tag, plus V(origin), V(edge) and V(mongodb) for those roles.
    Characters other than letters, digits and underscores in these group names become underscores.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  plugin:
    description: Marks the file as this plugin's configuration.
    required: true
    type: str
    choices: [lowlatency.alicloud.ecs]
  regions:
    description:
      - Regions to list instances from, for example V([cn-hangzhou, cn-shanghai]).
      - Defaults to the connection's region (O(region) or its environment variables).
    type: list
    elements: str
    default: []
  tags:
    description:
      - Only instances carrying all of these tags, filtered by the API. A tag with an empty value matches any value
        of that key.
    type: dict
    default: {}
  vpc_id:
    description:
      - Only instances in this VPC.
    type: str
  scaling_group:
    description:
      - Only instances of this Auto Scaling group, given by name or id (C(asg-...)).
      - A region without such a group gives no hosts and a warning.
    type: str
  statuses:
    description:
      - Only instances in one of these states. An empty list means every state.
    type: list
    elements: str
    choices: [Pending, Starting, Running, Stopping, Stopped]
    default: [Running]
  hostnames:
    description:
      - Host name preference, first match wins - the first of these attributes that is not empty and not already the
        name of another host of this source. Failing all of them, the instance id.
      - Instance names are not unique (Auto Scaling gives all instances of a group the template's name), so with
        V(instance_name) first the second instance of a name is listed under its next preference.
    type: list
    elements: str
    choices: [instance_name, instance_id, private_ip, public_ip]
    default: [instance_id]
  ansible_host:
    description:
      - Which address Ansible connects to. With V(public_ip), instances without a public address use their
        private one.
    type: str
    choices: [private_ip, public_ip]
    default: private_ip
  group_by_role_tag:
    description:
      - Put instances tagged C(role=<value>) into the group V(role_<value>), and those with the roles V(origin),
        V(edge) or V(mongodb) into the group of that name too.
    type: bool
    default: true
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - constructed
  - inventory_cache
requirements:
  - alibabacloud-ecs20140526
  - alibabacloud-ess20220222
notes:
  - The cache keeps the instances found, keyed by this file's path and every setting that changes which instances
    are found (regions, filters, endpoint, access key id); host names, groups and variables are made from it
    again on each run, so changing them needs no cache refresh.
'''

EXAMPLES = r'''
# ams.alicloud_ecs.yml - the running nodes of the AMS cluster, by role, reached on their private addresses
plugin: lowlatency.alicloud.ecs
regions: [cn-hangzhou]
tags:
  app: ams
hostnames: [instance_name, instance_id]
keyed_groups:
  - key: instance_tags.env | default('none')
    prefix: env
  - key: zone_id
    prefix: zone
compose:
  ansible_user: "'ecs-user'"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-inventory
cache_timeout: 300

---
# edge.alicloud_ecs.yml - only the edge Auto Scaling group's nodes, over their public addresses
plugin: lowlatency.alicloud.ecs
scaling_group: ams-edge
ansible_host: public_ip

---
# local.alicloud_ecs.yml - every instance of a VPC in the bundled emulator, stopped ones too
plugin: lowlatency.alicloud.ecs
endpoint_url: http://127.0.0.1:8765
region: cn-hangzhou
vpc_id: vpc-bp1qpo0kug3a20qqe9q8x
statuses: []
'''

import hashlib
import json
import os
import re
import uuid

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.plugins.inventory import Cacheable
from ansible.plugins.inventory import Constructable

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import instance_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import ENVIRONMENT
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import ConfigurationError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import resolve_connection
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiClient
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import MissingSDK
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import tags_to_dict

# System tag ECS puts on the instances an Auto Scaling group launches.
SCALING_GROUP_TAG = 'acs:autoscaling:scalingGroupId'
# Roles the collection's playbooks target by bare group name.
ROLE_GROUPS = ('origin', 'edge', 'mongodb')
HOSTVARS = ('instance_id', 'instance_name', 'private_ip', 'public_ip', 'region', 'zone_id', 'vpc_id', 'vswitch_id',
            'security_group_ids', 'instance_type', 'image_id', 'status')


def safe_group_name(name):
    """A group name usable as a Jinja identifier: anything but letters, digits and '_' becomes '_'."""
    return re.sub(r'[^A-Za-z0-9_]', '_', name)


def builtin_groups(record, by_role):
    """The groups the plugin puts a host into by itself: its scaling group and, by_role, its role."""
    groups = []
    if record.get('scaling_group_name'):
        groups.append(safe_group_name('scaling_group_' + record['scaling_group_name']))
    role = record['instance_tags'].get('role')
    if by_role and role:
        groups.append(safe_group_name('role_' + role))
        if role in ROLE_GROUPS:
            groups.append(role)
    return groups


def choose_hostname(record, preferences, taken):
    """The first preference whose value is set and not taken by another host; else the (unique) instance id."""
    for attribute in preferences:
        value = record.get(attribute)
        if value and value not in taken:
            return value
    return record['instance_id']


def host_record(instance, region, group_names):
    """A DescribeInstances item as the host's variables (prefix-free snake_case, like ecs_instance_info)."""
    view = instance_view(snake_dict(instance))
    record = dict((name, view.get(name)) for name in HOSTVARS)
    record.update(region=region, instance_tags=view.get('tags') or {},
                  security_group_ids=record['security_group_ids'] or [])
    group_id = record['instance_tags'].get(SCALING_GROUP_TAG)
    if group_id:
        record.update(scaling_group_id=group_id, scaling_group_name=group_names.get(group_id, group_id))
    return record


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'lowlatency.alicloud.ecs'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and \
            path.endswith(('.alicloud_ecs.yml', '.alicloud_ecs.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path)
        self._read_config_data(path)
        settings = self._connection_settings()
        regions = self.get_option('regions') or [settings['region']]

        cache_key = self._cache_key(path, settings, regions)
        use_cache = self.get_option('cache') and cache
        records = None
        if use_cache:
            records = self._cache.get(cache_key)
            self.display.vvv('lowlatency.alicloud.ecs: cache %s' % ('hit' if records is not None else 'miss'))
        if records is None:
            records = [record for region in regions for record in self._fetch(settings, region)]
            if self.get_option('cache'):
                self._cache[cache_key] = records
        self._populate(records)

    def _connection_settings(self):
        params = dict((name, self.get_option(name)) for name in ENVIRONMENT)
        if not params['region'] and self.get_option('regions'):
            params['region'] = self.get_option('regions')[0]
        try:
            return resolve_connection(params, os.environ)
        except ConfigurationError as error:
            raise AnsibleParserError('lowlatency.alicloud.ecs: %s' % error)

    def _cache_key(self, path, settings, regions):
        # Whatever changes the set of instances found; never the secret.
        scope = dict(regions=regions, endpoint=settings['endpoint'], access_key_id=settings['access_key_id'],
                     profile=settings['profile'],
                     **dict((name, self.get_option(name)) for name in ('tags', 'vpc_id', 'scaling_group', 'statuses')))
        digest = hashlib.sha256(json.dumps(scope, sort_keys=True).encode()).hexdigest()[:12]
        return '%s_%s' % (self.get_cache_key(path), digest)

    def _fetch(self, settings, region):
        """The host records of one region: one DescribeInstances walk, DescribeScalingGroups when needed."""
        settings = dict(settings, region=region)
        nonce = uuid.uuid4().hex  # required by ApiClient; only read calls are made
        statuses = self.get_option('statuses')
        tags = dict(self.get_option('tags') or {})
        group_names = None
        try:
            if self.get_option('scaling_group'):
                group_names = self._scaling_group_names(settings, nonce)
                wanted = self.get_option('scaling_group')
                group_ids = [gid for gid, name in group_names.items() if wanted in (gid, name)]
                if not group_ids:
                    self.display.warning('lowlatency.alicloud.ecs: no Auto Scaling group %s in %s' % (wanted, region))
                    return []
                tags[SCALING_GROUP_TAG] = group_ids[0]
            query = {'RegionId': region, 'VpcId': self.get_option('vpc_id'), 'Tag': dict_to_tags(tags) or None,
                     'Status': statuses[0] if len(statuses) == 1 else None}
            instances = ApiClient('ecs', settings, nonce).paginate(
                'DescribeInstances', query, ('Instances', 'Instance'), page_size=100)
            if statuses:
                instances = [i for i in instances if i.get('Status') in statuses]
            in_groups = any(SCALING_GROUP_TAG in tags_to_dict(i.get('Tags')) for i in instances)
            if group_names is None and in_groups:
                group_names = self._scaling_group_names(settings, nonce)
        except ApiError as error:
            raise AnsibleParserError('lowlatency.alicloud.ecs: %s (request id %s, region %s)'
                                     % (error, error.request_id, region))
        except MissingSDK as error:
            raise AnsibleParserError('lowlatency.alicloud.ecs: %s' % error)
        self.display.vvv('lowlatency.alicloud.ecs: %d instances in %s' % (len(instances), region))
        return [host_record(instance, region, group_names or {}) for instance in instances]

    @staticmethod
    def _scaling_group_names(settings, nonce):
        groups = ApiClient('ess', settings, nonce).paginate(
            'DescribeScalingGroups', {'RegionId': settings['region']}, ('ScalingGroups',))
        return dict((group['ScalingGroupId'], group['ScalingGroupName']) for group in groups)

    def _populate(self, records):
        preferences = self.get_option('hostnames')
        address = self.get_option('ansible_host')
        strict = self.get_option('strict')
        taken = set()
        for record in records:
            host = choose_hostname(record, preferences, taken)
            taken.add(host)
            self.inventory.add_host(host)
            hostvars = dict(record, ansible_host=record.get(address) or record['private_ip'])
            for name, value in hostvars.items():
                self.inventory.set_variable(host, name, value)
            for group in builtin_groups(record, self.get_option('group_by_role_tag')):
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option('compose'), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, host, strict=strict)
