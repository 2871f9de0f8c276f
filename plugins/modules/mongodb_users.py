#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: mongodb_users
short_description: Create, update and drop MongoDB users over a connection to the local mongod
version_added: 0.1.0
description:
  - Used by the C(lowlatency.alicloud.mongodb) role. Runs on the MongoDB host and talks to C(mongod) with the host's
    pymongo, so it works with the pymongo the distribution ships (3.x), which still speaks to MongoDB 4.2.
  - The admin user comes first. When the admin can log in with O(admin_password), the module works as the admin. When
    it cannot and the server enforces access control, the admin is created through MongoDB's localhost exception,
    which is open only while the server has no user at all; so the first run creates the admin and every later run
    logs in as it.
  - A password is checked by logging in with it, so a user whose password is already right is left alone and a
    changed password is set again. Roles are compared as a set of role and database pairs.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  login_host:
    description: Address of C(mongod). The localhost exception needs a loopback address.
    type: str
    default: 127.0.0.1
  login_port:
    description: Port of C(mongod).
    type: int
    default: 27017
  connect_timeout:
    description: Seconds to wait for the server before failing.
    type: int
    default: 10
  admin_user:
    description: Name of the admin user, in the C(admin) database.
    type: str
    default: admin
  admin_password:
    description:
      - Password of the admin user. Without it the module works unauthenticated, which only a server without access
        control allows.
    type: str
  admin_roles:
    description: Roles of the admin user, as for O(users[].roles).
    type: list
    elements: raw
    default: [root]
  users:
    description: The other users, handled in order after the admin.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: User name.
        type: str
        required: true
      password:
        description: Password; required to create the user.
        type: str
      database:
        description: The user's authentication database.
        type: str
        default: admin
      roles:
        description:
          - Roles, each a role name (in O(users[].database)) or a dict with C(role) and C(db).
        type: list
        elements: raw
        default: []
      state:
        description: Whether the user should exist.
        type: str
        choices: [present, absent]
        default: present
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
requirements:
  - pymongo on the managed host (Debian and Ubuntu package C(python3-pymongo)). pymongo 4.14 and later cannot talk
    to MongoDB 4.2.
notes:
  - Supports check mode and diff mode. In check mode, an admin that cannot log in is reported as to be created.
'''

EXAMPLES = r'''
- name: Create the admin, then the application user
  mongodb_users:
    admin_password: "{{ vault_mongodb_admin_password }}"
    users:
      - name: ams
        password: "{{ vault_mongodb_ams_password }}"
        roles:
          - {role: readWrite, db: clusterdb}
          - {role: readWrite, db: serverdb}
  no_log: true
'''

RETURN = r'''
users:
  description: What happened to each user, the admin first. Passwords are never returned.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: User name.
      type: str
    database:
      description: Authentication database.
      type: str
    action:
      description: One of V(created), V(updated), V(dropped), V(unchanged), V(absent).
      type: str
    changes:
      description: For V(updated), what differed (V(password), V(roles)).
      type: list
      elements: str
  sample:
    - {name: admin, database: admin, action: created, changes: []}
    - {name: ams, database: admin, action: updated, changes: [password]}
'''

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import pymongo
    from pymongo.errors import OperationFailure, PyMongoError
except ImportError:
    PYMONGO_IMPORT_ERROR = traceback.format_exc()
else:
    PYMONGO_IMPORT_ERROR = None

AUTHENTICATION_FAILED = 18
UNAUTHORIZED = 13


class Server(object):
    """Connections to one mongod, opened on demand and closed at the end."""

    def __init__(self, module):
        self.module = module
        self.clients = []

    def connect(self, user=None, password=None, database=None):
        params = self.module.params
        options = dict(host=params['login_host'], port=params['login_port'],
                       serverSelectionTimeoutMS=params['connect_timeout'] * 1000,
                       connectTimeoutMS=params['connect_timeout'] * 1000)
        if user is not None:
            options.update(username=user, password=password, authSource=database)
        client = pymongo.MongoClient(**options)
        self.clients.append(client)
        return client

    def can_login(self, user, password, database):
        """True when the password is the user's; the ping makes pymongo authenticate first."""
        client = self.connect(user, password, database)
        try:
            client.admin.command('ping')
            return True
        except OperationFailure as error:
            if error.code == AUTHENTICATION_FAILED:
                return False
            raise
        finally:
            client.close()

    def close(self):
        for client in self.clients:
            client.close()


def role_set(roles, database):
    """Roles as a sorted list of (role, db) pairs: a bare name means a role in the user's own database."""
    pairs = set()
    for role in roles:
        if isinstance(role, dict):
            if not role.get('role'):
                raise ValueError('a role given as a dict needs "role" (and "db"): %r' % (role,))
            pairs.add((role['role'], role.get('db') or database))
        else:
            pairs.add((str(role), database))
    return sorted(pairs)


def role_documents(pairs):
    return [dict(role=role, db=db) for role, db in pairs]


def user_info(client, name, database):
    found = client[database].command('usersInfo', dict(user=name, db=database))['users']
    return found[0] if found else None


def describe(name, database, pairs):
    return '%s@%s: %s' % (name, database, ', '.join('%s@%s' % pair for pair in pairs) or '(no roles)')


class UserManager(object):
    def __init__(self, module, server):
        self.module = module
        self.server = server
        self.results = []
        self.before = []
        self.after = []

    def record(self, name, database, action, changes=(), before=None, after=None):
        self.results.append(dict(name=name, database=database, action=action, changes=list(changes)))
        if before:
            self.before.append(before)
        if after:
            self.after.append(after)

    @property
    def changed(self):
        return any(result['action'] not in ('unchanged', 'absent') for result in self.results)

    def ensure_admin(self):
        """Returns the client to manage the other users with: the admin's, or an anonymous one."""
        params = self.module.params
        name, password = params['admin_user'], params['admin_password']
        if not password:
            return self.server.connect()
        wanted = role_set(params['admin_roles'], 'admin')
        if self.server.can_login(name, password, 'admin'):
            admin = self.server.connect(name, password, 'admin')
            self.ensure(admin, name, password, 'admin', wanted, password_known_good=True)
            return admin
        anonymous = self.server.connect()
        try:
            current = user_info(anonymous, name, 'admin')
        except OperationFailure as error:
            if error.code != UNAUTHORIZED:
                raise
            return self.create_admin_through_localhost_exception(anonymous, name, password, wanted)
        # No access control: the admin can be created or repaired without logging in.
        self.ensure(anonymous, name, password, 'admin', wanted, current=current)
        return anonymous if self.module.check_mode else self.server.connect(name, password, 'admin')

    def create_admin_through_localhost_exception(self, anonymous, name, password, wanted):
        after = describe(name, 'admin', wanted)
        if self.module.check_mode:
            self.record(name, 'admin', 'created', after=after)
            return None
        try:
            anonymous.admin.command('createUser', name, pwd=password, roles=role_documents(wanted))
        except OperationFailure as error:
            if error.code not in (UNAUTHORIZED, 51003):
                raise
            self.module.fail_json(
                msg='Cannot log in as %r with the given admin password, and mongod at %s:%s no longer lets a local '
                    'connection create the first user (it has users already, or the localhost exception is off). '
                    'If the admin password was changed outside Ansible, set the current one. Server said: %s'
                    % (name, self.module.params['login_host'], self.module.params['login_port'], error),
                users=self.results)
        self.record(name, 'admin', 'created', after=after)
        return self.server.connect(name, password, 'admin')

    def ensure(self, client, name, password, database, wanted, current=False, password_known_good=False):
        """Brings one user to the wanted roles and password. current=False means: look the user up."""
        if current is False:
            current = user_info(client, name, database) if client is not None else None
        after = describe(name, database, wanted)
        if current is None:
            if not password:
                self.module.fail_json(msg='User %s@%s does not exist and has no password to be created with'
                                      % (name, database), users=self.results)
            if not self.module.check_mode:
                client[database].command('createUser', name, pwd=password, roles=role_documents(wanted))
            self.record(name, database, 'created', after=after)
            return
        have = role_set(current.get('roles', []), database)
        update = {}
        if have != wanted:
            update['roles'] = role_documents(wanted)
        if password and not password_known_good and not self.server.can_login(name, password, database):
            update['pwd'] = password
        before = describe(name, database, have)
        if not update:
            self.record(name, database, 'unchanged', before=before, after=after)
            return
        if not self.module.check_mode:
            client[database].command('updateUser', name, **update)
        changes = sorted('password' if key == 'pwd' else key for key in update)
        if 'pwd' in update:
            before += ' (old password)'
        self.record(name, database, 'updated', changes, before=before, after=after)

    def drop(self, client, name, database):
        current = user_info(client, name, database) if client is not None else None
        if current is None:
            self.record(name, database, 'absent')
            return
        if not self.module.check_mode:
            client[database].command('dropUser', name)
        self.record(name, database, 'dropped', before=describe(name, database, role_set(current.get('roles', []), database)))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            login_host=dict(type='str', default='127.0.0.1'),
            login_port=dict(type='int', default=27017),
            connect_timeout=dict(type='int', default=10),
            admin_user=dict(type='str', default='admin'),
            admin_password=dict(type='str', no_log=True),
            admin_roles=dict(type='list', elements='raw', default=['root']),
            users=dict(type='list', elements='dict', default=[], options=dict(
                name=dict(type='str', required=True),
                password=dict(type='str', no_log=True),
                database=dict(type='str', default='admin'),
                roles=dict(type='list', elements='raw', default=[]),
                state=dict(type='str', choices=['present', 'absent'], default='present'),
            )),
        ),
        supports_check_mode=True,
    )
    if PYMONGO_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('pymongo (Debian/Ubuntu package python3-pymongo)'), exception=PYMONGO_IMPORT_ERROR)

    server = Server(module)
    manager = UserManager(module, server)
    try:
        client = manager.ensure_admin()
        for user in module.params['users']:
            if user['state'] == 'absent':
                manager.drop(client, user['name'], user['database'])
            else:
                manager.ensure(client, user['name'], user['password'], user['database'], role_set(user['roles'], user['database']))
    except ValueError as error:
        module.fail_json(msg=str(error), users=manager.results)
    except PyMongoError as error:
        where = '%s:%s' % (module.params['login_host'], module.params['login_port'])
        module.fail_json(msg='MongoDB at %s with pymongo %s: %s' % (where, pymongo.version, error), users=manager.results)
    finally:
        server.close()

    result = dict(changed=manager.changed, users=manager.results)
    if module._diff:
        result['diff'] = dict(before='\n'.join(manager.before) + '\n', after='\n'.join(manager.after) + '\n')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
