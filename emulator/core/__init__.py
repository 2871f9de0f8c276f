"""What product modules use. See emulator/README.md, section "Adding a product"."""

from emulator.core import errors, ids, jobs, pagination, tags
from emulator.core.errors import ApiError
from emulator.core.params import Params
from emulator.core.regions import REGIONS, region, zone_exists
from emulator.core.registry import Product, dependent, is_mutating
from emulator.core.runtime import Context

__all__ = ['ApiError', 'Context', 'Params', 'Product', 'REGIONS', 'dependent', 'errors', 'ids', 'is_mutating', 'jobs',
           'pagination', 'region', 'tags', 'zone_exists']
