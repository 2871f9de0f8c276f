# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AlicloudModule: AnsibleModule plus connection options, product clients, one error report and one waiter."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import uuid

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import AUTH_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import ConfigurationError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import resolve_connection
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import secrets_of
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import FindError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import check_names
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import find_one
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiClient
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import MissingSDK
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import WaitFailed
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import WaitTimeout
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import wait_until

TAGS_ARGUMENT_SPEC = dict(
    tags=dict(type='dict', aliases=['resource_tags']),
    purge_tags=dict(type='bool', default=True),
)

WAIT_ARGUMENT_SPEC = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=600),
)


class AlicloudModule(AnsibleModule):
    """An AnsibleModule that knows how to reach Alibaba Cloud (or the emulator)."""

    def __init__(self, argument_spec, kinds=(), **kwargs):
        """``kinds``: the finding.Kind of each resource the module finds by name; an empty name fails here,
        before any API call, whatever the state."""
        spec = dict(AUTH_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super(AlicloudModule, self).__init__(argument_spec=spec, **kwargs)
        self._settings = None
        self._clients = {}
        # One nonce per task: every ClientToken this run derives from it (see transform.client_token).
        self._nonce = uuid.uuid4().hex
        for kind in kinds:
            self.check(check_names, kind, self.params)

    @property
    def region(self):
        return self.connection_settings['region']

    @property
    def connection_settings(self):
        if self._settings is None:
            try:
                self._settings = resolve_connection(self.params, os.environ)
            except ConfigurationError as error:
                self.fail_json(msg=str(error))
            # Secrets taken from the environment are not module parameters: register them for masking too.
            self.no_log_values.update(secrets_of(self._settings))
        return self._settings

    def client(self, product):
        if product not in self._clients:
            try:
                self._clients[product] = ApiClient(product, self.connection_settings, self._nonce)
            except MissingSDK as error:
                self.fail_json(msg=str(error))
        return self._clients[product]

    def check(self, validate, *args):
        """Run an input validator before any API call; its ValueError becomes the task's failure message."""
        try:
            return validate(*args)
        except ValueError as error:
            self.fail_json(msg=str(error))

    def find(self, kind, by_id, by_name, where=''):
        """The resource of the module's id option, else the one of its name option (see finding.find_one); an
        ambiguous name or an API error fails the task."""
        resource_id = self.params.get(kind.id_option) if kind.id_option else None
        try:
            return find_one(kind, resource_id, self.params.get(kind.name_option), by_id, by_name, where)
        except FindError as error:
            self.fail_json(msg=str(error))
        except ApiError as error:
            self.fail_api(error)

    def refuse_twin(self, kind):
        """Before a create: a resource given by id that was not found is not created in its place."""
        if self.params.get(kind.id_option):
            self.fail_json(msg=kind.gone(self.params[kind.id_option], self.region))

    def fail_api(self, error, msg=None, **extra):
        """Report an ApiError: what failed, the cloud's code and request id. Secrets are masked on output."""
        text = '%s: %s' % (msg, error) if msg else str(error)
        self.fail_json(msg=text, code=error.code, request_id=error.request_id, action=error.action, **extra)

    def delete_unless_in_use(self, client, action, params, in_use_msg, **call_options):
        """Call a delete action; the cloud's DependencyViolation fails the task with ``in_use_msg`` (what to remove
        first) ahead of the cloud's own message."""
        try:
            client.call(action, params, **call_options)
        except ApiError as error:
            if error.code.startswith('DependencyViolation'):
                self.fail_api(error, msg=in_use_msg)
            raise

    def wait(self, fetch, predicate, description, timeout=None, failed=None):
        """Poll ``fetch`` until ``predicate`` holds; fail the task with the last state seen on timeout."""
        timeout = self.params.get('wait_timeout', 600) if timeout is None else timeout
        try:
            return wait_until(fetch, predicate, timeout, description, failed=failed)
        except WaitTimeout as error:
            self.fail_json(msg=str(error), last_state=error.last)
        except WaitFailed as error:
            self.fail_json(msg=str(error))

    def converge(self, key, current, create, update, delete, comparable):
        """The present/absent state machine of a resource module; exits the module.

        ``create()`` returns the new resource, ``update(current)`` returns (changed, resource), ``delete(current)``
        removes it; each honours check mode itself. The result carries the resource under ``key`` and a diff of
        ``comparable(resource)``.
        """
        try:
            if self.params['state'] == 'absent':
                if current:
                    delete(current)
                self.exit_json(changed=current is not None, diff=dict(
                    before=comparable(current) if current else {}, after={}), **{key: {}})
            if current is None:
                changed, before, after = True, {}, create()
            else:
                before = comparable(current)
                changed, after = update(current)
            self.exit_json(changed=changed, diff=dict(before=before, after=comparable(after)), **{key: after})
        except ApiError as error:
            self.fail_api(error)
