#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: alb_listener
short_description: Create, update or delete a listener of an Alibaba Cloud Application Load Balancer
version_added: 0.1.0
description:
  - Manages an HTTP or HTTPS listener of an ALB instance that forwards every request to one server group.
  - The listener is found by its O(load_balancer_id) and O(port).
  - Creation and changes are asynchronous; with O(wait=true) the module returns once the listener is C(Running).
  - Settings are changed in place; only the protocol of an existing listener cannot change.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  load_balancer_id:
    description:
      - The load balancer the listener belongs to.
    type: str
    required: true
  port:
    description:
      - Port the listener accepts connections on, 1 to 65535; with O(load_balancer_id) the listener's identity.
    type: int
    required: true
    aliases: [listener_port]
  protocol:
    description:
      - Listener protocol. Required to create a listener; cannot change afterwards.
      - V(HTTPS) needs O(certificate_id).
    type: str
    choices: [HTTP, HTTPS]
    aliases: [listener_protocol]
  server_group_id:
    description:
      - Server group the listener forwards every request to (its default action). Required to create a listener.
      - An HTTP listener forwards only to an HTTP server group.
    type: str
  certificate_id:
    description:
      - Default server certificate of an HTTPS listener, as ALB names it (C(<CertId>-<region>)), that is the
        C(cert_identifier) that M(lowlatency.alicloud.ssl_certificate) returns. Required for V(HTTPS).
    type: str
  additional_certificate_ids:
    description:
      - Further certificates of an HTTPS listener, picked by the client's server name (SNI).
      - When given, the listener ends up with exactly these (V([]) removes all); when not given, they are left alone.
    type: list
    elements: str
  description:
    description:
      - Description, 2 to 256 characters. Not changed when not set.
    type: str
  idle_timeout:
    description:
      - Seconds an idle connection is kept, 1 to 600. V(15) on creation when not set.
    type: int
  request_timeout:
    description:
      - Seconds the load balancer waits for a backend's response, 1 to 600. V(60) on creation when not set.
    type: int
  gzip_enabled:
    description:
      - Whether responses are compressed. On when a listener is created without it.
    type: bool
  http2_enabled:
    description:
      - Whether HTTP/2 is offered (HTTPS only). On when an HTTPS listener is created without it.
    type: bool
  security_policy_id:
    description:
      - TLS security policy of an HTTPS listener, for example V(tls_cipher_policy_1_2).
        V(tls_cipher_policy_1_0) on creation when not set.
    type: str
  x_forwarded_for:
    description:
      - Which C(X-Forwarded-*) headers the listener adds; only the suboptions set are compared and changed.
    type: dict
    suboptions:
      enabled:
        description: Add C(X-Forwarded-For) with the client address.
        type: bool
      processing_mode:
        description: V(append) to an incoming C(X-Forwarded-For) header, or V(remove) it first.
        type: str
        choices: [append, remove]
      proto_enabled:
        description: Add C(X-Forwarded-Proto) with the listener protocol.
        type: bool
      host_enabled:
        description: Add C(X-Forwarded-Host).
        type: bool
      slb_id_enabled:
        description: Add C(SLB-ID) with the load balancer id.
        type: bool
      slb_port_enabled:
        description: Add C(X-Forwarded-Port) with the listener port.
        type: bool
      client_src_port_enabled:
        description: Add C(X-Forwarded-Client-srcport) with the client port.
        type: bool
  state:
    description:
      - V(present) creates or updates the listener, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
notes:
  - Port, protocol and certificate, timeouts and description are checked before any API call.
requirements:
  - alibabacloud-alb20200616
'''

EXAMPLES = r'''
- name: Publishers on HTTPS 443 go to the origin group
  lowlatency.alicloud.alb_listener:
    load_balancer_id: "{{ entrance.load_balancer.load_balancer_id }}"
    port: 443
    protocol: HTTPS
    certificate_id: "{{ certificate.certificate.cert_identifier }}"
    server_group_id: "{{ origin_group.server_group.server_group_id }}"
    idle_timeout: 60
    request_timeout: 60
    x_forwarded_for:
      enabled: true
      proto_enabled: true

- name: Players on HTTP 5080 go to the edge group
  lowlatency.alicloud.alb_listener:
    load_balancer_id: "{{ entrance.load_balancer.load_balancer_id }}"
    port: 5080
    protocol: HTTP
    server_group_id: "{{ edge_group.server_group.server_group_id }}"
'''

RETURN = r'''
listener:
  description: The listener as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    listener_id:
      description: Listener id.
      type: str
      sample: lsn-o4u54y73wq7b8a0v7t
    load_balancer_id:
      description: Load balancer id.
      type: str
    listener_protocol:
      description: V(HTTP) or V(HTTPS).
      type: str
    listener_port:
      description: Port.
      type: int
      sample: 443
    listener_status:
      description: V(Running) once ready; V(Provisioning) or V(Configuring) while a change is applied.
      type: str
      sample: Running
    default_actions:
      description: The forward action, with the server group in C(forward_group_config.server_group_tuples).
      type: list
      elements: dict
    certificates:
      description: Default certificate (C(certificate_id)); empty for HTTP listeners.
      type: list
      elements: dict
    additional_certificate_ids:
      description: Additional certificates; only when O(additional_certificate_ids) is given.
      type: list
      elements: str
      returned: when O(additional_certificate_ids) is given
    listener_description:
      description: Description.
      type: str
    idle_timeout:
      description: Idle timeout in seconds.
      type: int
    request_timeout:
      description: Request timeout in seconds.
      type: int
    x_forwarded_for_config:
      description: Header settings (C(x_forwarded_for_enabled), C(x_forwarded_for_proto_enabled), ...).
      type: dict
    tags:
      description: Tags as a dictionary.
      type: dict
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import X_FORWARDED_FOR_FIELDS
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import apply_config
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_listener
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import config_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import forward_to
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import forwarded_groups
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import is_not_found
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import to_wire
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import wait_for_job
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

# Plain settings: option -> (wire name, key in the description).
SETTINGS = dict(
    description=('ListenerDescription', 'listener_description'),
    idle_timeout=('IdleTimeout', 'idle_timeout'),
    request_timeout=('RequestTimeout', 'request_timeout'),
    gzip_enabled=('GzipEnabled', 'gzip_enabled'),
    http2_enabled=('Http2Enabled', 'http2_enabled'),
    security_policy_id=('SecurityPolicyId', 'security_policy_id'),
)


def get(client, listener_id):
    try:
        body = client.call('GetListenerAttribute', {'ListenerId': listener_id})
    except ApiError as error:
        if is_not_found(error):
            return None
        raise
    body.pop('RequestId', None)
    return snake_dict(body)


def additional_certificates(client, listener_id):
    found = client.paginate('ListListenerCertificates', {'ListenerId': listener_id, 'MaxResults': 100},
                            ('Certificates',))
    return sorted(c['CertificateId'] for c in found if not c.get('IsDefault'))


def find(module, client):
    params = module.params
    listeners = client.paginate('ListListeners', {'LoadBalancerIds': [params['load_balancer_id']],
                                                  'MaxResults': 100}, ('Listeners',))
    # QUIC listeners (UDP) may share a port with a TCP one; this module manages HTTP and HTTPS.
    found = [item for item in listeners if item['ListenerPort'] == params['port']
             and item['ListenerProtocol'] in ('HTTP', 'HTTPS')]
    if not found:
        return None
    listener = snake_dict(found[0])
    return complete(module, client, listener)


def complete(module, client, listener):
    """Add what the list view lacks: an HTTPS listener's certificates (and, when managed, additional ones)."""
    if listener['listener_protocol'] == 'HTTP':
        listener['certificates'] = []
    elif 'certificates' not in listener:
        listener = get(client, listener['listener_id']) or listener
    if module.params['additional_certificate_ids'] is not None and listener['listener_protocol'] == 'HTTPS':
        listener['additional_certificate_ids'] = additional_certificates(client, listener['listener_id'])
    return listener


def read_back(module, client, listener_id):
    if module.params['wait']:
        # A stopped listener stays Stopped through a change; any other settles Running.
        listener = module.wait(lambda: get(client, listener_id),
                               lambda item: item is not None and item['listener_status'] in ('Running', 'Stopped'),
                               'listener %s to be Running' % listener_id)
    else:
        listener = get(client, listener_id)
    return complete(module, client, listener) if listener else None


def default_certificate(listener):
    certificates = listener.get('certificates') or []
    return certificates[0]['certificate_id'] if certificates else None


def comparable(listener):
    keys = ('listener_protocol', 'listener_port', 'listener_description', 'idle_timeout', 'request_timeout',
            'gzip_enabled', 'http2_enabled', 'security_policy_id', 'x_forwarded_for_config', 'tags')
    result = dict((key, listener.get(key)) for key in keys)
    result.update(server_group_ids=forwarded_groups(listener), certificate_id=default_certificate(listener))
    if 'additional_certificate_ids' in listener:
        result['additional_certificate_ids'] = listener['additional_certificate_ids']
    return result


def certificate_step(action, listener_id, ids):
    return (action, {'ListenerId': listener_id, 'Certificates': [{'CertificateId': c} for c in ids]})


def run_steps(module, client, listener_id, steps):
    """Make the listener changes one after another; each returns a job."""
    steps = [step for step in steps if step]
    for index, (action, request) in enumerate(steps):
        job = client.call(action, request)
        # The listener takes the next change only once this one is done.
        if module.params['wait'] or index < len(steps) - 1:
            wait_for_job(module, client, job['JobId'], 'listener', listener_id)


def create(module, client):
    params = module.params
    missing = [name for name in ('protocol', 'server_group_id') if not params[name]]
    if missing:
        module.fail_json(msg='Creating a listener needs %s.' % ', '.join(missing))
    secure = params['protocol'] == 'HTTPS'
    given = [option for option in SETTINGS if params[option] is not None]
    settings = dict((SETTINGS[option][0], params[option]) for option in given)
    forwarded_for = to_wire(params['x_forwarded_for'], X_FORWARDED_FOR_FIELDS)
    desired = dict(load_balancer_id=params['load_balancer_id'], listener_protocol=params['protocol'],
                   listener_port=params['port'], listener_status='Provisioning',
                   default_actions=snake_dict(forward_to(params['server_group_id'])),
                   certificates=[dict(certificate_id=params['certificate_id'])] if secure else [],
                   x_forwarded_for_config=apply_config({}, forwarded_for), tags=merged_tags({}, params['tags']))
    desired.update((SETTINGS[option][1], params[option]) for option in given)
    if params['additional_certificate_ids'] is not None:
        desired['additional_certificate_ids'] = sorted(params['additional_certificate_ids'])
    if module.check_mode:
        return desired
    created = client.call('CreateListener', dict(
        settings, LoadBalancerId=params['load_balancer_id'], ListenerProtocol=params['protocol'],
        ListenerPort=params['port'], DefaultActions=forward_to(params['server_group_id']),
        Certificates=[{'CertificateId': params['certificate_id']}] if secure else None,
        XForwardedForConfig=forwarded_for or None, Tag=dict_to_tags(params['tags']) or None,
    ), idempotent=True)
    listener_id = created['ListenerId']
    extra = sorted(set(params['additional_certificate_ids'] or []))
    if params['wait'] or extra:
        wait_for_job(module, client, created['JobId'], 'listener', listener_id)
    if extra:
        after_create(lambda: run_steps(module, client, listener_id, [
            certificate_step('AssociateAdditionalCertificatesWithListener', listener_id, extra)]))
    return read_back(module, client, listener_id) or dict(desired, listener_id=listener_id)


def update(module, client, listener):
    """Bring an existing listener in line; return (changed, the listener as it now is or would be)."""
    params = module.params
    listener_id = listener['listener_id']
    if params['protocol'] and params['protocol'] != listener['listener_protocol']:
        module.fail_json(msg='Listener %s on port %d is %s; its protocol cannot change to %s: delete it first.'
                         % (listener_id, params['port'], listener['listener_protocol'], params['protocol']))
    attributes = dict((wire, params[option]) for option, (wire, key) in SETTINGS.items()
                      if params[option] is not None and params[option] != listener.get(key))
    if params['server_group_id'] and forwarded_groups(listener) != [params['server_group_id']]:
        attributes['DefaultActions'] = forward_to(params['server_group_id'])
    if params['certificate_id'] and params['certificate_id'] != default_certificate(listener):
        attributes['Certificates'] = [{'CertificateId': params['certificate_id']}]
    forwarded_for = to_wire(params['x_forwarded_for'], X_FORWARDED_FOR_FIELDS)
    if config_changes(listener.get('x_forwarded_for_config'), forwarded_for):
        attributes['XForwardedForConfig'] = forwarded_for
    to_associate, to_dissociate = [], []
    if params['additional_certificate_ids'] is not None:
        present, wanted = set(listener.get('additional_certificate_ids') or []), set(params['additional_certificate_ids'])
        to_associate, to_dissociate = sorted(wanted - present), sorted(present - wanted)
    to_set, to_remove = compare_tags(listener['tags'], params['tags'], params['purge_tags'])
    if not (attributes or to_associate or to_dissociate or to_set or to_remove):
        return False, listener
    after = dict(listener, tags=merged_tags(listener['tags'], params['tags'], params['purge_tags']),
                 x_forwarded_for_config=apply_config(listener.get('x_forwarded_for_config'), forwarded_for))
    after.update((key, params[option]) for option, (wire, key) in SETTINGS.items() if wire in attributes)
    if 'DefaultActions' in attributes:
        after['default_actions'] = snake_dict(attributes['DefaultActions'])
    if 'Certificates' in attributes:
        after['certificates'] = [dict(certificate_id=params['certificate_id'])]
    if params['additional_certificate_ids'] is not None:
        after['additional_certificate_ids'] = sorted(set(params['additional_certificate_ids']))
    if module.check_mode:
        return True, after
    # Dissociate first and associate last: a certificate may move between default and additional.
    run_steps(module, client, listener_id, [
        to_dissociate and certificate_step('DissociateAdditionalCertificatesFromListener', listener_id, to_dissociate),
        attributes and ('UpdateListenerAttribute', dict(attributes, ListenerId=listener_id)),
        to_associate and certificate_step('AssociateAdditionalCertificatesWithListener', listener_id, to_associate),
    ])
    apply_tags(client, 'listener', listener_id, to_set, to_remove, untag_action='UnTagResources')
    return True, read_back(module, client, listener_id) or after


def delete(module, client, listener):
    if module.check_mode:
        return
    job = client.call('DeleteListener', {'ListenerId': listener['listener_id']})
    if module.params['wait']:
        wait_for_job(module, client, job['JobId'], 'listener', listener['listener_id'])


def main():
    argument_spec = dict(
        load_balancer_id=dict(type='str', required=True),
        port=dict(type='int', required=True, aliases=['listener_port']),
        protocol=dict(type='str', choices=['HTTP', 'HTTPS'], aliases=['listener_protocol']),
        server_group_id=dict(type='str'),
        certificate_id=dict(type='str'),
        additional_certificate_ids=dict(type='list', elements='str'),
        description=dict(type='str'),
        idle_timeout=dict(type='int'),
        request_timeout=dict(type='int'),
        gzip_enabled=dict(type='bool'),
        http2_enabled=dict(type='bool'),
        security_policy_id=dict(type='str'),
        x_forwarded_for=dict(type='dict', options=dict(
            enabled=dict(type='bool'),
            processing_mode=dict(type='str', choices=['append', 'remove']),
            proto_enabled=dict(type='bool'),
            host_enabled=dict(type='bool'),
            slb_id_enabled=dict(type='bool'),
            slb_port_enabled=dict(type='bool'),
            client_src_port_enabled=dict(type='bool'),
        )),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True)
    module.check(check_listener, module.params)
    client = module.client('alb')
    try:
        current = find(module, client)
    except ApiError as error:
        module.fail_api(error)
    module.converge('listener', current, lambda: create(module, client),
                    lambda listener: update(module, client, listener),
                    lambda listener: delete(module, client, listener), comparable)


if __name__ == '__main__':
    main()
