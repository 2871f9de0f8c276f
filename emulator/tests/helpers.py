"""Small SDK-driving helpers shared by the tests."""

from emulator.testing import sdk_models

M = sdk_models('vpc')
REGION = 'cn-hangzhou'


def create_vpc(client, cidr='10.0.0.0/16', name='test-vpc', region=REGION, **extra):
    return client.create_vpc(M.CreateVpcRequest(region_id=region, cidr_block=cidr, vpc_name=name, **extra)).body


def create_vswitch(client, vpc_id, cidr, zone='cn-hangzhou-h', name='test-vsw', region=REGION, **extra):
    request = M.CreateVSwitchRequest(region_id=region, vpc_id=vpc_id, zone_id=zone, cidr_block=cidr,
                                     v_switch_name=name, **extra)
    return client.create_vswitch(request).body


def vpcs(client, region=REGION, **filters):
    return client.describe_vpcs(M.DescribeVpcsRequest(region_id=region, page_size=50, **filters)).body


def vswitches(client, region=REGION, **filters):
    return client.describe_vswitches(M.DescribeVSwitchesRequest(region_id=region, page_size=50, **filters)).body


def vpc_attribute(client, vpc_id, region=REGION):
    return client.describe_vpc_attribute(M.DescribeVpcAttributeRequest(region_id=region, vpc_id=vpc_id)).body


def delete_vpc(client, vpc_id, region=REGION):
    return client.delete_vpc(M.DeleteVpcRequest(region_id=region, vpc_id=vpc_id))


def delete_vswitch(client, vswitch_id, region=REGION):
    return client.delete_vswitch(M.DeleteVSwitchRequest(region_id=region, v_switch_id=vswitch_id))


def tag(key, value):
    return M.CreateVpcRequestTag(key=key, value=value)
