"""VPC 2016-04-28 through the unmodified SDK: lifecycle, CIDR rules, dependencies, tags, pagination, idempotency."""

import re

import pytest

from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import (M, REGION, create_vpc, create_vswitch, delete_vpc, delete_vswitch, tag,
                                    vpc_attribute, vpcs, vswitches)

VPC_ID = re.compile(r'^vpc-bp1[a-z0-9]{18}$')
VSWITCH_ID = re.compile(r'^vsw-bp1[a-z0-9]{18}$')


def test_vpc_lifecycle(vpc):
    created = create_vpc(vpc, '192.168.0.0/16', 'lifecycle', description='first', tag=[tag('app', 'ams')])
    assert VPC_ID.match(created.vpc_id)
    assert created.vrouter_id.startswith('vrt-') and created.route_table_id.startswith('vtb-')
    assert created.resource_group_id.startswith('rg-acfm')

    listed = vpcs(vpc, vpc_id=created.vpc_id)
    assert listed.total_count == 1
    found = listed.vpcs.vpc[0]
    assert (found.vpc_name, found.cidr_block, found.description, found.status) == \
        ('lifecycle', '192.168.0.0/16', 'first', 'Available')
    assert [(t.key, t.value) for t in found.tags.tag] == [('app', 'ams')]
    assert found.router_table_ids.router_table_ids == [created.route_table_id]
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', found.creation_time)

    vpc.modify_vpc_attribute(M.ModifyVpcAttributeRequest(region_id=REGION, vpc_id=created.vpc_id,
                                                         vpc_name='renamed', description='second'))
    attribute = vpc_attribute(vpc, created.vpc_id)
    assert (attribute.vpc_name, attribute.description, attribute.status) == ('renamed', 'second', 'Available')

    delete_vpc(vpc, created.vpc_id)
    assert vpcs(vpc, vpc_id=created.vpc_id).total_count == 0
    error = sdk_error(vpc_attribute, vpc, created.vpc_id)
    assert (error.code, error.status_code) == ('InvalidVpcId.NotFound', 404)


def test_vpc_defaults_to_the_documented_cidr(vpc):
    created = vpc.create_vpc(M.CreateVpcRequest(region_id=REGION)).body
    assert vpc_attribute(vpc, created.vpc_id).cidr_block == '172.16.0.0/12'


def test_describe_vpcs_filters_by_name_and_by_several_ids(vpc):
    first = create_vpc(vpc, '10.1.0.0/16', 'alpha').vpc_id
    second = create_vpc(vpc, '10.2.0.0/16', 'beta').vpc_id
    create_vpc(vpc, '10.3.0.0/16', 'gamma')
    assert [v.vpc_id for v in vpcs(vpc, vpc_name='beta').vpcs.vpc] == [second]
    assert sorted(v.vpc_id for v in vpcs(vpc, vpc_id='%s,%s' % (first, second)).vpcs.vpc) == sorted([first, second])
    assert vpcs(vpc, vpc_name='nothing').total_count == 0


def test_vswitch_lifecycle(vpc):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    created = create_vswitch(vpc, parent, '10.0.1.0/24', zone='cn-hangzhou-i', name='web', description='d',
                             tag=[M.CreateVSwitchRequestTag(key='tier', value='web')])
    assert VSWITCH_ID.match(created.v_switch_id)

    found = vswitches(vpc, vpc_id=parent).v_switches.v_switch
    assert [(v.v_switch_id, v.zone_id, v.cidr_block, v.status, v.v_switch_name) for v in found] == \
        [(created.v_switch_id, 'cn-hangzhou-i', '10.0.1.0/24', 'Available', 'web')]
    assert found[0].available_ip_address_count == 256 - 4  # first and last three addresses are reserved
    assert [(t.key, t.value) for t in found[0].tags.tag] == [('tier', 'web')]
    assert vpc_attribute(vpc, parent).v_switch_ids.v_switch_id == [created.v_switch_id]

    rename = M.ModifyVSwitchAttributeRequest(v_switch_id=created.v_switch_id, v_switch_name='app', region_id=REGION)
    vpc.modify_vswitch_attribute(rename)
    attributes = vpc.describe_vswitch_attributes(
        M.DescribeVSwitchAttributesRequest(v_switch_id=created.v_switch_id, region_id=REGION)).body
    assert (attributes.v_switch_name, attributes.vpc_id, attributes.description) == ('app', parent, 'd')

    delete_vswitch(vpc, created.v_switch_id)
    assert vswitches(vpc, vpc_id=parent).total_count == 0
    error = sdk_error(vpc.describe_vswitch_attributes,
                      M.DescribeVSwitchAttributesRequest(v_switch_id=created.v_switch_id, region_id=REGION))
    assert (error.code, error.status_code) == ('InvalidVSwitchId.NotFound', 404)


def test_vswitch_with_cidr_mask_gets_the_first_free_block(vpc):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    create_vswitch(vpc, parent, '10.0.0.0/24')
    request = M.CreateVSwitchRequest(region_id=REGION, vpc_id=parent, zone_id='cn-hangzhou-h', cidr_mask=24)
    allocated = vpc.create_vswitch(request).body.v_switch_id
    assert vswitches(vpc, v_switch_id=allocated).v_switches.v_switch[0].cidr_block == '10.0.1.0/24'


@pytest.mark.parametrize('cidr, code', [
    ('10.0.0.0/33', 'InvalidCidrBlock.Malformed'),
    ('10.0.0.1/16', 'InvalidCidrBlock.Malformed'),   # host bits set
    ('not-a-cidr', 'InvalidCidrBlock.Malformed'),
    ('10.0.0.0', 'InvalidCidrBlock.Malformed'),
    ('10.0.0.0/29', 'InvalidParameter'),              # mask longer than 28
    ('10.0.0.0/7', 'InvalidParameter'),               # mask shorter than 8
    ('100.64.0.0/16', 'InvalidParameter'),            # reserved range
    ('127.0.0.0/16', 'InvalidParameter'),
])
def test_vpc_cidr_rules(vpc, admin, cidr, code):
    error = sdk_error(create_vpc, vpc, cidr)
    assert (error.code, error.status_code) == (code, 400)
    assert vpcs(vpc).total_count == 0


@pytest.mark.parametrize('cidr', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '192.168.1.0/28',
                                  '47.100.0.0/16'])
def test_vpc_cidr_accepted(vpc, cidr):
    assert vpc_attribute(vpc, create_vpc(vpc, cidr).vpc_id).cidr_block == cidr


@pytest.mark.parametrize('cidr, code', [
    ('10.1.0.0/24', 'InvalidParameter'),                  # outside the VPC
    ('10.0.0.0/15', 'InvalidCirdrBlock.MaskLength'),      # mask 16-29 only (the code's spelling is the API's)
    ('10.0.0.0/30', 'InvalidCirdrBlock.MaskLength'),
    ('10.0.0.0/24', 'InvalidCidrBlock.Overlapped'),       # overlaps 10.0.0.0/23
    ('10.0.1.128/25', 'InvalidCidrBlock.Overlapped'),
    ('10.0.2.0/33', 'InvalidCidrBlock.Malformed'),
])
def test_vswitch_cidr_rules(vpc, cidr, code):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    existing = create_vswitch(vpc, parent, '10.0.0.0/23').v_switch_id
    error = sdk_error(create_vswitch, vpc, parent, cidr)
    assert (error.code, error.status_code) == (code, 400)
    assert [v.v_switch_id for v in vswitches(vpc, vpc_id=parent).v_switches.v_switch] == [existing]


def test_vswitch_needs_a_zone_of_the_region_and_an_existing_vpc(vpc):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    error = sdk_error(create_vswitch, vpc, parent, '10.0.0.0/24', 'cn-shanghai-b')
    assert (error.code, error.status_code) == ('InvalidZoneId.NotFound', 404)
    error = sdk_error(create_vswitch, vpc, 'vpc-bp1doesnotexist0000', '10.0.0.0/24')
    assert (error.code, error.status_code) == ('InvalidVpcId.NotFound', 404)
    error = sdk_error(vswitches, vpc, vpc_id='vpc-bp1doesnotexist0000')
    assert error.code == 'Forbidden.VpcNotFound'


def test_delete_vpc_with_a_vswitch_is_a_dependency_violation(vpc):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    child = create_vswitch(vpc, parent, '10.0.0.0/24').v_switch_id
    error = sdk_error(delete_vpc, vpc, parent)
    assert (error.code, error.status_code) == ('DependencyViolation.VSwitch', 400)
    assert vpcs(vpc, vpc_id=parent).total_count == 1
    delete_vswitch(vpc, child)
    delete_vpc(vpc, parent)
    assert vpcs(vpc).total_count == 0


def test_delete_of_missing_resources_is_not_found(vpc):
    error = sdk_error(delete_vpc, vpc, 'vpc-bp1doesnotexist0000')
    assert (error.code, error.status_code) == ('InvalidVpcId.NotFound', 404)
    error = sdk_error(delete_vswitch, vpc, 'vsw-bp1doesnotexist0000')
    assert (error.code, error.status_code) == ('InvalidVSwitchId.NotFound', 404)


def test_names_are_validated(vpc):
    error = sdk_error(create_vpc, vpc, '10.0.0.0/16', 'https://example.com')
    assert error.code == 'InvalidVpcName.Malformed'
    error = sdk_error(create_vpc, vpc, '10.0.0.0/16', 'x' * 129)
    assert error.code == 'InvalidVpcName.Malformed'
    assert vpcs(vpc).total_count == 0


def test_vpc_quota(vpc, admin):
    admin.set_profile(quotas={'vpc.vpcs_per_region': 2})
    create_vpc(vpc, '10.0.0.0/16')
    create_vpc(vpc, '10.1.0.0/16')
    error = sdk_error(create_vpc, vpc, '10.2.0.0/16')
    assert error.code == 'QuotaExceeded.Vpc'
    assert vpcs(vpc).total_count == 2


def test_resources_are_scoped_by_region(vpc):
    shanghai = create_vpc(vpc, '10.0.0.0/16', region='cn-shanghai').vpc_id
    assert shanghai.startswith('vpc-uf6')
    assert vpcs(vpc, region='cn-hangzhou').total_count == 0
    assert [v.vpc_id for v in vpcs(vpc, region='cn-shanghai').vpcs.vpc] == [shanghai]
    error = sdk_error(create_vswitch, vpc, shanghai, '10.0.0.0/24')  # asked in Hangzhou
    assert error.code == 'InvalidVpcId.NotFound'


def test_describe_regions_and_zones(vpc):
    regions = vpc.describe_regions(M.DescribeRegionsRequest()).body.regions.region
    assert {'cn-hangzhou', 'cn-shanghai', 'ap-southeast-1'} <= set(r.region_id for r in regions)
    zones = vpc.describe_zones(M.DescribeZonesRequest(region_id='cn-hangzhou')).body.zones.zone
    assert [z.zone_id for z in zones] == ['cn-hangzhou-g', 'cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-j',
                                          'cn-hangzhou-k']
    assert zones[1].local_name == 'China (Hangzhou) Zone H' and zones[1].zone_type == 'AvailabilityZone'
    error = sdk_error(vpc.describe_zones, M.DescribeZonesRequest(region_id='mars-north-1'))
    assert (error.code, error.status_code) == ('InvalidRegionId.NotFound', 404)


# Tags.

def _tag_rows(client, resource_type, **query):
    request = M.ListTagResourcesRequest(region_id=REGION, resource_type=resource_type, **query)
    body = client.list_tag_resources(request).body
    return sorted((r.resource_id, r.resource_type, r.tag_key, r.tag_value) for r in body.tag_resources.tag_resource)


def test_tag_untag_and_list_tag_resources(vpc):
    first = create_vpc(vpc, '10.0.0.0/16', tag=[tag('env', 'test')]).vpc_id
    second = create_vpc(vpc, '10.1.0.0/16').vpc_id
    vpc.tag_resources(M.TagResourcesRequest(region_id=REGION, resource_type='vpc', resource_id=[first, second],
                                            tag=[M.TagResourcesRequestTag(key='team', value='media')]))
    assert _tag_rows(vpc, 'VPC', resource_id=[first, second]) == sorted([
        (first, 'VPC', 'env', 'test'), (first, 'VPC', 'team', 'media'), (second, 'VPC', 'team', 'media')])
    assert _tag_rows(vpc, 'VPC', tag=[M.ListTagResourcesRequestTag(key='env', value='test')]) == \
        [(first, 'VPC', 'env', 'test')]
    assert [v.vpc_id for v in vpcs(vpc, tag=[M.DescribeVpcsRequestTag(key='team', value='media')]).vpcs.vpc] == \
        [first, second]

    vpc.un_tag_resources(M.UnTagResourcesRequest(region_id=REGION, resource_type='VPC', resource_id=[first],
                                                 tag_key=['team']))
    assert _tag_rows(vpc, 'VPC', resource_id=[first]) == [(first, 'VPC', 'env', 'test')]
    vpc.un_tag_resources(M.UnTagResourcesRequest(region_id=REGION, resource_type='VPC', resource_id=[second],
                                                 all=True))
    assert _tag_rows(vpc, 'VPC', resource_id=[second]) == []


def test_tagging_errors_change_nothing(vpc):
    target = create_vpc(vpc, '10.0.0.0/16', tag=[tag('env', 'test')]).vpc_id
    bad_key = M.TagResourcesRequestTag(key='aliyun:reserved', value='x')
    error = sdk_error(vpc.tag_resources, M.TagResourcesRequest(region_id=REGION, resource_type='VPC',
                                                               resource_id=[target], tag=[bad_key]))
    assert error.code == 'InvalidTagKey.Malformed'
    too_many = [M.TagResourcesRequestTag(key='k%d' % n, value='v') for n in range(20)]
    error = sdk_error(vpc.tag_resources, M.TagResourcesRequest(region_id=REGION, resource_type='VPC',
                                                               resource_id=[target], tag=too_many))
    assert error.code == 'InvalidTagCount'
    error = sdk_error(vpc.tag_resources, M.TagResourcesRequest(
        region_id=REGION, resource_type='VPC', resource_id=[target, 'vpc-bp1doesnotexist0000'],
        tag=[M.TagResourcesRequestTag(key='a', value='b')]))
    assert (error.code, error.status_code) == ('InvalidResourceId.NotFound', 404)
    assert _tag_rows(vpc, 'VPC', resource_id=[target]) == [(target, 'VPC', 'env', 'test')]


# Pagination.

def test_describe_vpcs_pages(vpc, admin):
    admin.set_profile(quotas={'vpc.vpcs_per_region': 30})
    created = [create_vpc(vpc, '10.%d.0.0/16' % n, 'vpc-%02d' % n).vpc_id for n in range(12)]

    def page(number, size):
        return vpc.describe_vpcs(M.DescribeVpcsRequest(region_id=REGION, page_number=number, page_size=size)).body

    first, second, third = page(1, 5), page(2, 5), page(3, 5)
    assert (first.total_count, first.page_number, first.page_size) == (12, 1, 5)
    seen = [v.vpc_id for body in (first, second, third) for v in body.vpcs.vpc]
    assert seen == created                  # oldest first, no overlap, nothing missing
    assert len(third.vpcs.vpc) == 2
    assert page(4, 5).vpcs.vpc == []
    default = vpc.describe_vpcs(M.DescribeVpcsRequest(region_id=REGION)).body
    assert (default.page_size, len(default.vpcs.vpc)) == (10, 10)
    error = sdk_error(page, 1, 51)
    assert (error.code, error.status_code) == ('InvalidPageSize', 400)
    error = sdk_error(page, 0, 10)
    assert error.code == 'InvalidPageNumber'


def test_list_tag_resources_follows_next_token(vpc, admin):
    admin.set_profile(quotas={'vpc.vpcs_per_region': 30})
    for n in range(7):
        create_vpc(vpc, '10.%d.0.0/16' % n, tag=[tag('batch', 'one')])
    filters = [M.ListTagResourcesRequestTag(key='batch', value='one')]
    rows, token, calls = [], None, 0
    while True:
        body = vpc.list_tag_resources(M.ListTagResourcesRequest(region_id=REGION, resource_type='VPC', tag=filters,
                                                                max_results=3, next_token=token)).body
        rows.extend(r.resource_id for r in body.tag_resources.tag_resource)
        calls += 1
        token = body.next_token
        if not token:
            break
    assert (len(rows), len(set(rows)), calls) == (7, 7, 3)
    error = sdk_error(vpc.list_tag_resources, M.ListTagResourcesRequest(
        region_id=REGION, resource_type='VPC', tag=filters, next_token='garbage'))
    assert error.code == 'InvalidNextToken'


# Idempotency and dry runs.

def test_client_token_makes_create_idempotent(vpc):
    first = create_vpc(vpc, '10.0.0.0/16', 'same', client_token='token-1')
    again = create_vpc(vpc, '10.0.0.0/16', 'same', client_token='token-1')
    assert again.vpc_id == first.vpc_id and again.request_id != first.request_id
    assert vpcs(vpc).total_count == 1
    error = sdk_error(create_vpc, vpc, '10.9.0.0/16', 'other', client_token='token-1')
    assert error.code == 'IdempotentParameterMismatch'
    other = create_vpc(vpc, '10.0.0.0/16', 'same', client_token='token-2')
    assert other.vpc_id != first.vpc_id
    assert vpcs(vpc).total_count == 2


def test_client_token_of_vswitch_creation(vpc):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    first = create_vswitch(vpc, parent, '10.0.1.0/24', client_token='vsw-token')
    again = create_vswitch(vpc, parent, '10.0.1.0/24', client_token='vsw-token')
    assert first.v_switch_id == again.v_switch_id
    assert vswitches(vpc, vpc_id=parent).total_count == 1


def test_dry_run_checks_and_changes_nothing(vpc):
    error = sdk_error(create_vpc, vpc, '10.0.0.0/16', 'dry', dry_run=True)
    assert (error.code, error.status_code) == ('DryRunOperation', 400)
    error = sdk_error(create_vpc, vpc, '10.0.0.0/40', 'dry', dry_run=True)
    assert error.code == 'InvalidCidrBlock.Malformed'
    assert vpcs(vpc).total_count == 0


def test_vpc_cidr_can_change_while_it_still_holds_its_vswitches(vpc):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    create_vswitch(vpc, parent, '10.0.1.0/24')
    vpc.modify_vpc_attribute(M.ModifyVpcAttributeRequest(region_id=REGION, vpc_id=parent, cidr_block='10.0.0.0/8'))
    assert vpc_attribute(vpc, parent).cidr_block == '10.0.0.0/8'
    error = sdk_error(vpc.modify_vpc_attribute, M.ModifyVpcAttributeRequest(region_id=REGION, vpc_id=parent,
                                                                            cidr_block='10.0.2.0/24'))
    assert error.code == 'InvalidParameter'
    assert vpc_attribute(vpc, parent).cidr_block == '10.0.0.0/8'


def test_vswitch_status_guards_deletion(vpc, admin):
    parent = create_vpc(vpc, '10.0.0.0/16').vpc_id
    settled = create_vswitch(vpc, parent, '10.0.0.0/24').v_switch_id
    admin.set_profile(delays={'vpc.vswitch_pending': 30})
    pending = create_vswitch(vpc, parent, '10.0.1.0/24').v_switch_id
    assert sdk_error(delete_vswitch, vpc, pending).code == 'IncorrectVSwitchStatus'
    assert sdk_error(delete_vswitch, vpc, settled).code == 'OperationDenied.OtherSubnetProcessing'
    admin.advance_clock(31)
    delete_vswitch(vpc, pending)
    delete_vswitch(vpc, settled)
    assert vswitches(vpc, vpc_id=parent).total_count == 0
