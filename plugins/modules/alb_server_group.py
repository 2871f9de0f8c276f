#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: alb_server_group
short_description: Create, update or delete an Alibaba Cloud ALB server group and its backend servers
version_added: 0.1.0
description:
  - Manages an Application Load Balancer server group, the set of backends a listener forwards to, with its health
    check, scheduler and sticky sessions.
  - The server group is found by O(server_group_id) when given, else by O(name) (within O(vpc_id) when given) in the
    region. Two server groups with that name are an error, never a guess.
  - Backends are normally added and removed by the Auto Scaling group attached to the server group, so membership is
    left alone unless O(servers) is given; then the members become exactly O(servers).
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the server group; its identity when O(server_group_id) is not given. Required to create one.
      - 2 to 128 characters, starting with a letter or digit; letters, digits, periods, underscores, hyphens and
        spaces.
    type: str
    aliases: [server_group_name]
  server_group_id:
    description:
      - Id of an existing server group to manage (then O(name) renames it).
      - With O(state=present) a server group with this id must exist; the module never creates one in its place.
      - With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  vpc_id:
    description:
      - VPC of the backends. Required to create a server group; narrows the search by O(name); cannot change.
    type: str
  server_group_type:
    description:
      - V(Instance) groups hold ECS instances, V(Ip) groups hold IP addresses. Defaults to V(Instance) on creation;
        cannot change afterwards.
    type: str
    choices: [Instance, Ip]
  protocol:
    description:
      - Protocol between the load balancer and the backends. Defaults to V(HTTP) on creation; cannot change
        afterwards. HTTP listeners forward only to HTTP server groups.
    type: str
    choices: [HTTP, HTTPS, gRPC]
  scheduler:
    description:
      - Scheduling algorithm. Defaults to V(Wrr) on creation; not changed when not set.
      - V(Wrr) weighted round robin, V(Wlc) weighted least connections, V(Sch) source IP consistent hashing.
    type: str
    choices: [Wrr, Wlc, Sch]
  health_check:
    description:
      - Health check settings; only the suboptions set are compared and changed.
      - Checked before any API call.
    type: dict
    suboptions:
      enabled:
        description: Whether health checks run. On when a server group is created without it.
        type: bool
      protocol:
        description: Health check protocol.
        type: str
        choices: [HTTP, HTTPS, TCP, gRPC]
      path:
        description: Path requested, starting with C(/), at most 80 characters.
        type: str
      method:
        description: HTTP method.
        type: str
        choices: [GET, POST, HEAD]
      port:
        description: Port checked; V(0) means the backend's own port.
        type: int
      codes:
        description: Status code classes that count as healthy.
        type: list
        elements: str
        choices: [http_2xx, http_3xx, http_4xx, http_5xx]
      host:
        description: Host header sent.
        type: str
      http_version:
        description: HTTP version.
        type: str
        choices: [HTTP1.0, HTTP1.1]
      interval:
        description: Seconds between checks, 1 to 50.
        type: int
      timeout:
        description: Seconds a check may take, 1 to 300.
        type: int
      healthy_threshold:
        description: Consecutive successes before a backend counts as healthy, 2 to 10.
        type: int
      unhealthy_threshold:
        description: Consecutive failures before a backend counts as unhealthy, 2 to 10.
        type: int
  sticky_session:
    description:
      - Session persistence; only the suboptions set are compared and changed.
    type: dict
    suboptions:
      enabled:
        description: Whether sessions stick to one backend.
        type: bool
      type:
        description: V(Insert) lets the load balancer insert a cookie, V(Server) reuses the backend's cookie.
        type: str
        choices: [Insert, Server]
      cookie_timeout:
        description: Seconds the inserted cookie lives, 1 to 86400 (V(Insert) only).
        type: int
      cookie:
        description: Name of the backend's cookie (required for V(Server)).
        type: str
  servers:
    description:
      - The backends of the group. When given, servers not listed are removed and missing ones are added
        (identity is server id and port); V([]) removes all. When not given, membership is left alone.
      - Weight and description apply when a server is added; they are not compared for existing members.
    type: list
    elements: dict
    suboptions:
      server_id:
        description: ECS instance id (V(Instance) groups) or IP address (V(Ip) groups).
        type: str
        required: true
      port:
        description: Backend port, 1 to 65535.
        type: int
        required: true
      weight:
        description: Weight, 0 to 100.
        type: int
        default: 100
      server_type:
        description: Backend type; defaults to V(Ecs) for V(Instance) groups and V(Ip) for V(Ip) groups.
        type: str
        choices: [Ecs, Eni, Eci, Ip]
      description:
        description: Description of the backend.
        type: str
  state:
    description:
      - V(present) creates or updates the server group, V(absent) deletes it.
      - A server group that listeners still forward to is not deleted; the task fails naming their load balancers.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
requirements:
  - alibabacloud-alb20200616
'''

EXAMPLES = r'''
- name: The origin server group; the origin scaling group adds and removes its instances
  lowlatency.alicloud.alb_server_group:
    name: ams-origin
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    protocol: HTTP
    scheduler: Wrr
    health_check:
      enabled: true
      path: /
      port: 5080
      codes: [http_2xx, http_3xx]
      interval: 5
      healthy_threshold: 3
      unhealthy_threshold: 3
    sticky_session:
      enabled: true
      type: Insert
      cookie_timeout: 3600
    tags:
      app: ams
  register: origin_group

- name: A group whose members Ansible owns
  lowlatency.alicloud.alb_server_group:
    name: ams-static
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    server_group_type: Ip
    servers:
      - server_id: 10.20.1.10
        port: 5080
      - server_id: 10.20.2.10
        port: 5080
'''

RETURN = r'''
server_group:
  description: The server group as ListServerGroups describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    server_group_id:
      description: Server group id.
      type: str
      sample: sgp-8ilqs4axp6ugro1ssp
    server_group_name:
      description: Name.
      type: str
      sample: ams-origin
    server_group_status:
      description: V(Available) once ready; V(Creating) or V(Configuring) while a change is applied.
      type: str
    server_group_type:
      description: V(Instance) or V(Ip).
      type: str
    protocol:
      description: Backend protocol.
      type: str
    scheduler:
      description: Scheduling algorithm.
      type: str
    vpc_id:
      description: VPC id.
      type: str
    health_check_config:
      description: Health check settings (C(health_check_enabled), C(health_check_path), C(health_check_codes), ...).
      type: dict
    sticky_session_config:
      description: Session persistence (C(sticky_session_enabled), C(sticky_session_type), C(cookie_timeout), ...).
      type: dict
    server_count:
      description: Number of backends.
      type: int
    related_load_balancer_ids:
      description: Load balancers whose listeners forward to this group.
      type: list
      elements: str
    servers:
      description: The backends (C(server_id), C(port), C(weight), C(server_ip), C(status)); only when O(servers)
        is given.
      type: list
      elements: dict
      returned: when O(servers) is given
    tags:
      description: Tags as a dictionary.
      type: dict
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import HEALTH_CHECK_FIELDS
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import STICKY_SESSION_FIELDS
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import apply_config
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_health_check
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_servers
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_sticky_session
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import config_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import membership_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import to_wire
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import wait_for_job
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

# Attributes that cannot change on an existing server group: option -> key in the description.
IMMUTABLE = dict(vpc_id='vpc_id', server_group_type='server_group_type', protocol='protocol')
SERVER_TYPE_OF_GROUP = dict(Instance='Ecs', Ip='Ip')


SERVER_GROUP = Kind('Server group', 'server groups', 'server_group_id', 'server_group_id', 'server_group_name')


def list_groups(client, query):
    return [snake_dict(group) for group in
            client.paginate('ListServerGroups', dict(query, MaxResults=100), ('ServerGroups',))]


def find(module, client):
    params = module.params
    group = module.find(SERVER_GROUP,
                        lambda group_id: (list_groups(client, {'ServerGroupIds': [group_id]}) or [None])[0],
                        lambda name: list_groups(client, {'ServerGroupNames': [name], 'VpcId': params['vpc_id']}),
                        where=' in %s' % (params['vpc_id'] or module.region))
    if group is not None and params['servers'] is not None:
        group['servers'] = list_servers(client, group['server_group_id'])
    return group


def list_servers(client, server_group_id):
    return [snake_dict(server) for server in client.paginate(
        'ListServerGroupServers', {'ServerGroupId': server_group_id, 'MaxResults': 100}, ('Servers',))]


def read_back(module, client, server_group_id):
    """The group once it is settled (and visible: a new one may be unlisted for a moment)."""
    def fetch():
        found = list_groups(client, {'ServerGroupIds': [server_group_id]})
        return found[0] if found else None

    if module.params['wait']:
        group = module.wait(fetch, lambda g: g is not None and g['server_group_status'] == 'Available',
                            'server group %s to be Available' % server_group_id)
    else:
        group = fetch()
    if group is not None and module.params['servers'] is not None:
        group['servers'] = list_servers(client, server_group_id)
    return group


def wanted_servers(module, group_type):
    default_type = SERVER_TYPE_OF_GROUP.get(group_type, 'Ecs')
    return [dict(server, server_type=server['server_type'] or default_type)
            for server in module.params['servers'] or []]


def wire_server(server, full=True):
    wire = {'ServerId': server['server_id'], 'ServerType': server['server_type'], 'Port': server['port']}
    if full:
        wire.update(Weight=server.get('weight'), Description=server.get('description'))
    return dict((k, v) for k, v in wire.items() if v is not None)


def predicted_server(server):
    return dict(server_id=server['server_id'], server_type=server['server_type'], port=server['port'],
                weight=server.get('weight'), status='Adding')


def comparable(group):
    keys = ('server_group_name', 'vpc_id', 'server_group_type', 'protocol', 'scheduler', 'health_check_config',
            'sticky_session_config', 'tags')
    result = dict((key, group.get(key)) for key in keys)
    if 'servers' in group:
        result['servers'] = sorted('%s:%s' % (s['server_id'], s['port']) for s in group['servers'])
    return result


def health_check_wanted(params):
    return to_wire(params['health_check'], HEALTH_CHECK_FIELDS)


def sticky_session_wanted(params):
    return to_wire(params['sticky_session'], STICKY_SESSION_FIELDS)


def change_members(module, client, group_id, to_add, to_remove):
    if to_remove:
        job = client.call('RemoveServersFromServerGroup', {
            'ServerGroupId': group_id, 'Servers': [wire_server(s, full=False) for s in to_remove]})
        if module.params['wait'] or to_add:  # the group takes new backends only once it is Available again
            wait_for_job(module, client, job['JobId'], 'servergroup', group_id)
    if to_add:
        job = client.call('AddServersToServerGroup', {
            'ServerGroupId': group_id, 'Servers': [wire_server(s) for s in to_add]})
        if module.params['wait']:
            wait_for_job(module, client, job['JobId'], 'servergroup', group_id)


def create(module, client):
    params = module.params
    module.refuse_twin(SERVER_GROUP)
    missing = [name for name in ('name', 'vpc_id') if not params[name]]
    if missing:
        module.fail_json(msg='Creating a server group needs %s.' % ', '.join(missing))
    group_type = params['server_group_type'] or 'Instance'
    health = dict(HealthCheckEnabled=True)
    health.update(health_check_wanted(params))
    sticky = sticky_session_wanted(params)
    servers = wanted_servers(module, group_type)
    desired = dict(server_group_name=params['name'], vpc_id=params['vpc_id'], server_group_type=group_type,
                   protocol=params['protocol'] or 'HTTP', scheduler=params['scheduler'] or 'Wrr',
                   server_group_status='Creating', health_check_config=apply_config({}, health),
                   sticky_session_config=apply_config({}, sticky), tags=merged_tags({}, params['tags']))
    if params['servers'] is not None:
        desired['servers'] = [predicted_server(server) for server in servers]
    if module.check_mode:
        return desired
    created = client.call('CreateServerGroup', {
        'ServerGroupName': params['name'], 'VpcId': params['vpc_id'], 'ServerGroupType': group_type,
        'Protocol': desired['protocol'], 'Scheduler': desired['scheduler'], 'HealthCheckConfig': health,
        'StickySessionConfig': sticky or None, 'Tag': dict_to_tags(params['tags']) or None,
    }, idempotent=True)
    group_id = created['ServerGroupId']
    if params['wait'] or servers:
        # Backends can join only once the group is Available.
        wait_for_job(module, client, created['JobId'], 'servergroup', group_id)
    after_create(lambda: change_members(module, client, group_id, servers, []))
    return read_back(module, client, group_id) or dict(desired, server_group_id=group_id)


def check_unchangeable(module, group):
    params = module.params
    for option, key in IMMUTABLE.items():
        if params[option] and params[option] != group.get(key):
            module.fail_json(msg='Server group %s has %s %s; changing it to %s is not supported: create a new server '
                                 'group instead.' % (group['server_group_id'], option, group.get(key), params[option]))


def update(module, client, group):
    """Bring an existing server group in line; return (changed, the group as it now is or would be)."""
    params = module.params
    group_id = group['server_group_id']
    check_unchangeable(module, group)
    attributes = {}
    if params['name'] and params['name'] != group['server_group_name']:
        attributes['ServerGroupName'] = params['name']
    if params['scheduler'] and params['scheduler'] != group['scheduler']:
        attributes['Scheduler'] = params['scheduler']
    health = health_check_wanted(params)
    if config_changes(group.get('health_check_config'), health):
        # Send every setting the user gave, with the switch, so the check is configured as one consistent whole.
        attributes['HealthCheckConfig'] = dict(
            {'HealthCheckEnabled': group['health_check_config'].get('health_check_enabled')}, **health)
    sticky = sticky_session_wanted(params)
    if config_changes(group.get('sticky_session_config'), sticky):
        attributes['StickySessionConfig'] = dict(
            {'StickySessionEnabled': group['sticky_session_config'].get('sticky_session_enabled')}, **sticky)
    to_add, to_remove = [], []
    if params['servers'] is not None:
        to_add, to_remove = membership_changes(group['servers'], wanted_servers(module, group['server_group_type']))
    to_set, to_remove_tags = compare_tags(group['tags'], params['tags'], params['purge_tags'])
    if not (attributes or to_add or to_remove or to_set or to_remove_tags):
        return False, group
    after = dict(group, server_group_name=attributes.get('ServerGroupName', group['server_group_name']),
                 scheduler=attributes.get('Scheduler', group['scheduler']),
                 health_check_config=apply_config(group.get('health_check_config'), health),
                 sticky_session_config=apply_config(group.get('sticky_session_config'), sticky),
                 tags=merged_tags(group['tags'], params['tags'], params['purge_tags']))
    if params['servers'] is not None:
        gone = set((s['server_id'], s['port']) for s in to_remove)
        after['servers'] = ([s for s in group['servers'] if (s['server_id'], s['port']) not in gone]
                            + [predicted_server(s) for s in to_add])
    if module.check_mode:
        return True, after
    if attributes:
        job = client.call('UpdateServerGroupAttribute', dict(attributes, ServerGroupId=group_id))
        if module.params['wait'] or to_add or to_remove:
            wait_for_job(module, client, job['JobId'], 'servergroup', group_id)
    change_members(module, client, group_id, to_add, to_remove)
    apply_tags(client, 'servergroup', group_id, to_set, to_remove_tags, untag_action='UnTagResources')
    return True, read_back(module, client, group_id) or after


def delete(module, client, group):
    group_id = group['server_group_id']
    if group.get('related_load_balancer_ids'):
        module.fail_json(msg='Server group %s is in use by listeners of load balancer(s) %s; delete those listeners or '
                             'point them at another server group first.'
                         % (group_id, ', '.join(group['related_load_balancer_ids'])))
    if module.check_mode:
        return
    # A listener deleted a moment ago may still hold the group for a short while.
    job = client.call('DeleteServerGroup', {'ServerGroupId': group_id}, retry_codes=('ResourceInUse.ServerGroup',))
    if module.params['wait']:
        wait_for_job(module, client, job['JobId'], 'servergroup', group_id)


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['server_group_name']),
        server_group_id=dict(type='str', aliases=['id']),
        vpc_id=dict(type='str'),
        server_group_type=dict(type='str', choices=['Instance', 'Ip']),
        protocol=dict(type='str', choices=['HTTP', 'HTTPS', 'gRPC']),
        scheduler=dict(type='str', choices=['Wrr', 'Wlc', 'Sch']),
        health_check=dict(type='dict', options=dict(
            enabled=dict(type='bool'),
            protocol=dict(type='str', choices=['HTTP', 'HTTPS', 'TCP', 'gRPC']),
            path=dict(type='str'),
            method=dict(type='str', choices=['GET', 'POST', 'HEAD']),
            port=dict(type='int'),
            codes=dict(type='list', elements='str', choices=['http_2xx', 'http_3xx', 'http_4xx', 'http_5xx']),
            host=dict(type='str'),
            http_version=dict(type='str', choices=['HTTP1.0', 'HTTP1.1']),
            interval=dict(type='int'),
            timeout=dict(type='int'),
            healthy_threshold=dict(type='int'),
            unhealthy_threshold=dict(type='int'),
        )),
        sticky_session=dict(type='dict', options=dict(
            enabled=dict(type='bool'),
            type=dict(type='str', choices=['Insert', 'Server']),
            cookie_timeout=dict(type='int'),
            cookie=dict(type='str'),
        )),
        servers=dict(type='list', elements='dict', options=dict(
            server_id=dict(type='str', required=True),
            port=dict(type='int', required=True),
            weight=dict(type='int', default=100),
            server_type=dict(type='str', choices=['Ecs', 'Eni', 'Eci', 'Ip']),
            description=dict(type='str'),
        )),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, required_one_of=[['name', 'server_group_id']],
                            supports_check_mode=True, kinds=[SERVER_GROUP])
    params = module.params
    module.check(check_name, params['name'], 'name')
    module.check(check_health_check, params['health_check'])
    module.check(check_sticky_session, params['sticky_session'])
    module.check(check_servers, params['servers'])
    client = module.client('alb')
    try:
        current = find(module, client)
    except ApiError as error:
        module.fail_api(error)
    module.converge('server_group', current, lambda: create(module, client),
                    lambda group: update(module, client, group), lambda group: delete(module, client, group),
                    comparable)


if __name__ == '__main__':
    main()
