#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: key_pair
short_description: Import, update or delete an ECS SSH key pair
version_added: 0.1.0
description:
  - Manages an ECS SSH key pair made from a public key you hold (the private key never leaves your side).
  - The key pair is found by O(name), which is unique in the region.
  - An existing key pair whose key differs from O(public_key) (compared by fingerprint) is reported as an error, and
    replaced only with O(force=true).
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the key pair, unique in the region. 2 to 128 characters, starting with a letter, then letters,
        digits, V(:), V(_), V(.) or V(-).
    type: str
    required: true
    aliases: [key_pair_name]
  public_key:
    description:
      - The public key as one OpenSSH line, C(<type> <base64> [comment]), for example the content of
        C(~/.ssh/id_ed25519.pub).
        Types V(ssh-rsa), V(ssh-dss), V(ssh-ed25519) and V(ecdsa-sha2-nistp256/384/521).
      - Required to create the key pair. When the key pair exists, its fingerprint is compared with this key's.
      - Not needed to change tags or to delete.
    type: str
  force:
    description:
      - Replace an existing key pair whose key differs from O(public_key) (delete it, then import the new key).
      - Instances keep the key they were created with until it is changed on them; only new instances get the new key.
    type: bool
    default: false
  state:
    description:
      - V(present) imports or updates the key pair, V(absent) deletes it.
      - Deleting a key pair does not remove the key from instances that use it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
requirements:
  - alibabacloud-ecs20140526
'''

EXAMPLES = r'''
- name: The operators' key for the cluster's hosts
  lowlatency.alicloud.key_pair:
    name: ams-admin
    public_key: "{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"
    tags:
      app: ams

- name: Rotate it to a new key (instances keep the old key until changed on them)
  lowlatency.alicloud.key_pair:
    name: ams-admin
    public_key: "{{ lookup('ansible.builtin.file', 'files/ams-admin-2025.pub') }}"
    force: true

- name: Remove it
  lowlatency.alicloud.key_pair:
    name: ams-admin
    state: absent
'''

RETURN = r'''
key_pair:
  description: The key pair as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    key_pair_name:
      description: Name.
      type: str
      sample: ams-admin
    key_pair_finger_print:
      description: MD5 fingerprint of the public key in colon hex, as C(ssh-keygen -l -E md5) prints it.
      type: str
      sample: 69:6d:f2:1d:f7:c4:8e:bd:3e:b0:f8:88:77:e6:c4:97
    creation_time:
      description: When the key pair was imported (absent right after an import).
      type: str
      sample: 2024-05-01T08:30Z
    resource_group_id:
      description: Resource group (absent right after an import).
      type: str
    tags:
      description: Tags as a dictionary.
      type: dict
      sample: {app: ams}
'''

import json

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import key_fingerprint
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import create_once
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


KEY_PAIR = Kind('Key pair', 'key pairs', None, 'KeyPairName', 'KeyPairName')


def listed(module, client, name):
    # KeyPairName filters with '*' wildcards, otherwise exactly; check_name has ruled out '*' already.
    return client.paginate('DescribeKeyPairs', {'RegionId': module.region, 'KeyPairName': name}, ('KeyPairs', 'KeyPair'))


def find_key_pair(module, client):
    found = module.find(KEY_PAIR, None, lambda name: listed(module, client, name))
    return snake_dict(found) if found else None


def comparable(key_pair):
    return dict((key, key_pair.get(key)) for key in ('key_pair_name', 'key_pair_finger_print', 'tags'))


def import_key(module, client, tags):
    name = module.params['name']
    # ImportKeyPair takes no ClientToken: after a lost answer, the key pair found by its name is the answer.
    imported = create_once(lambda: client.call('ImportKeyPair', {
        'RegionId': module.region, 'KeyPairName': name,
        'PublicKeyBody': module.params['public_key'].strip(), 'Tag': dict_to_tags(tags),
    }), lambda: next((k for k in listed(module, client, name) if k['KeyPairName'] == name), None))
    return dict(key_pair_name=imported['KeyPairName'], key_pair_finger_print=imported['KeyPairFingerPrint'], tags=tags)


def create(module, client, fingerprint):
    if not module.params['public_key']:
        module.fail_json(msg='Key pair %s does not exist in %s; importing it needs public_key.'
                         % (module.params['name'], module.region))
    tags = merged_tags({}, module.params['tags'])
    if module.check_mode:
        return dict(key_pair_name=module.params['name'], key_pair_finger_print=fingerprint, tags=tags)
    return import_key(module, client, tags)


def update(module, client, key_pair, fingerprint):
    """Bring an existing key pair in line; return (changed, the key pair as it now is or would be)."""
    params = module.params
    tags = merged_tags(key_pair['tags'], params['tags'], params['purge_tags'])
    if fingerprint and fingerprint != key_pair['key_pair_finger_print']:
        if not params['force']:
            module.fail_json(msg='Key pair %s exists with another key (fingerprint %s, public_key has %s); set '
                                 'force=true to replace it.' % (params['name'], key_pair['key_pair_finger_print'],
                                                                fingerprint))
        if module.check_mode:
            return True, dict(key_pair_name=params['name'], key_pair_finger_print=fingerprint, tags=tags)
        # ECS cannot change a key pair's key: the replacement is a new import under the same name.
        delete(module, client)
        return True, import_key(module, client, tags)
    to_set, to_remove = compare_tags(key_pair['tags'], params['tags'], params['purge_tags'])
    if not (to_set or to_remove):
        return False, key_pair
    if not module.check_mode:
        apply_tags(client, 'keypair', params['name'], to_set, to_remove, region=module.region)
    return True, dict(key_pair, tags=tags)


def delete(module, client):
    if not module.check_mode:
        client.call('DeleteKeyPairs', {'RegionId': module.region, 'KeyPairNames': json.dumps([module.params['name']])})


def main():
    argument_spec = dict(
        name=dict(type='str', required=True, aliases=['key_pair_name']),
        public_key=dict(type='str'),
        force=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True, kinds=[KEY_PAIR])
    module.check(check_name, module.params['name'], 'Key pair name')
    fingerprint = None
    if module.params['public_key'] and module.params['state'] == 'present':
        fingerprint = module.check(key_fingerprint, module.params['public_key'])
    client = module.client('ecs')
    current = find_key_pair(module, client)
    module.converge('key_pair', current, lambda: create(module, client, fingerprint),
                    lambda key_pair: update(module, client, key_pair, fingerprint),
                    lambda key_pair: delete(module, client), comparable)


if __name__ == '__main__':
    main()
