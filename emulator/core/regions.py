"""The regions and zones the emulator knows, shared by every product.

Region ids, zone ids and names follow the public cloud; the three-character id codes make generated ids look like
real ones (``vpc-bp1...`` in Hangzhou, ``vpc-uf6...`` in Shanghai).
"""

from dataclasses import dataclass
from typing import Tuple

from emulator.core.errors import ApiError

DEFAULT_REGION = 'cn-hangzhou'


@dataclass(frozen=True)
class Region:
    region_id: str
    local_name: str
    id_code: str
    zone_letters: Tuple[str, ...]

    @property
    def zones(self):
        return tuple('%s-%s' % (self.region_id, letter) for letter in self.zone_letters)

    def zone_name(self, zone_id):
        return '%s Zone %s' % (self.local_name, zone_id.rsplit('-', 1)[1].upper())


REGIONS = dict((region.region_id, region) for region in (
    Region('cn-hangzhou', 'China (Hangzhou)', 'bp1', ('g', 'h', 'i', 'j', 'k')),
    Region('cn-shanghai', 'China (Shanghai)', 'uf6', ('b', 'e', 'f', 'g', 'l', 'm', 'n')),
    Region('cn-beijing', 'China (Beijing)', '2ze', ('c', 'f', 'g', 'h', 'i', 'j', 'k', 'l')),
    Region('cn-shenzhen', 'China (Shenzhen)', 'wz9', ('a', 'c', 'd', 'e', 'f')),
    Region('cn-qingdao', 'China (Qingdao)', 'm5e', ('b', 'c')),
    Region('cn-zhangjiakou', 'China (Zhangjiakou)', '8vb', ('a', 'b', 'c')),
    Region('cn-hongkong', 'China (Hong Kong)', 'j6c', ('b', 'c', 'd')),
    Region('ap-southeast-1', 'Singapore', 't4n', ('a', 'b', 'c')),
    Region('ap-southeast-5', 'Indonesia (Jakarta)', 'k1a', ('a', 'b', 'c')),
    Region('ap-northeast-1', 'Japan (Tokyo)', '6we', ('a', 'b', 'c')),
    Region('eu-central-1', 'Germany (Frankfurt)', 'gw8', ('a', 'b', 'c')),
    Region('eu-west-1', 'UK (London)', 'd7o', ('a', 'b')),
    Region('us-west-1', 'US (Silicon Valley)', 'rj9', ('a', 'b')),
    Region('us-east-1', 'US (Virginia)', '0xi', ('a', 'b')),
))


def region(region_id):
    """The Region with this id; an unknown id is refused as the cloud refuses it."""
    found = REGIONS.get(region_id)
    if found is None:
        raise ApiError('InvalidRegionId.NotFound', 'Specified value of "regionId" is not supported.', 404)
    return found


def zone_exists(region_id, zone_id):
    return zone_id in region(region_id).zones
