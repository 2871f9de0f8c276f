"""ESS scaling groups launch and remove podman hosts through the ECS path."""

import json

from emulator.testing import sdk_models
from emulator.tests.dataplane.conftest import E, IMAGE, REGION, container_address, instances, wait_for
from emulator.dataplane import podman

S = sdk_models('ess')


def hosts_of(instance_ids):
    """{instance id: container state} of the data plane's containers for these instances."""
    found = {}
    for name, _ in podman.owned('container'):
        instance_id = name[len('llemu-'):]
        if instance_id in instance_ids:
            done = podman.podman('container', 'inspect', '-f', '{{.State.Status}}', name, check=False)
            if done.returncode == 0:  # not removed since it was listed
                found[instance_id] = done.stdout.strip()
    return found


def group_instances(ess, group_id):
    body = ess.describe_scaling_instances(S.DescribeScalingInstancesRequest(
        region_id=REGION, scaling_group_id=group_id, page_size=50)).body
    return dict((i.instance_id, i.lifecycle_state) for i in body.scaling_instances)


def test_a_scaling_group_launches_its_hosts_and_scale_in_removes_one(plane, ecs, network):
    ess = plane.client('ess')
    data = E.CreateLaunchTemplateRequest(
        region_id=REGION, launch_template_name='dataplane-origin', image_id=IMAGE, instance_type='ecs.g7.large',
        security_group_id=network['security_group_id'], v_switch_id=network['vswitch_id'])
    template_id = ecs.create_launch_template(data).body.launch_template_id
    group_id = ess.create_scaling_group(S.CreateScalingGroupRequest(
        region_id=REGION, scaling_group_name='dataplane-origin', min_size=0, max_size=3, desired_capacity=2,
        launch_template_id=template_id, launch_template_version='Default',
        v_switch_ids=[network['vswitch_id']])).body.scaling_group_id
    ess.enable_scaling_group(S.EnableScalingGroupRequest(region_id=REGION, scaling_group_id=group_id))

    members = wait_for('two InService instances', lambda: (lambda found: len(found) == 2 and all(
        state == 'InService' for state in found.values()) and found)(group_instances(ess, group_id)))
    assert hosts_of(members) == dict((instance_id, 'running') for instance_id in members)
    for instance in instances(ecs, instance_ids=json.dumps(list(members))):
        assert instance.status == 'Running'
        address = instance.vpc_attributes.private_ip_address.ip_address[0]
        assert container_address('llemu-' + instance.instance_id, 'llemu-' + network['vswitch_id']) == address

    ess.modify_scaling_group(S.ModifyScalingGroupRequest(scaling_group_id=group_id,
                                                         desired_capacity=1))
    left = wait_for('one instance left', lambda: (lambda found: len(found) == 1 and found)(
        group_instances(ess, group_id)))
    wait_for('the removed host gone', lambda: len(hosts_of(members)) == 1)
    assert list(hosts_of(members)) == list(left)

    ess.delete_scaling_group(S.DeleteScalingGroupRequest(region_id=REGION, scaling_group_id=group_id,
                                                         force_delete=True))
    wait_for('every host gone', lambda: hosts_of(members) == {})
