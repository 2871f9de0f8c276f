"""Product modules: one module per product (vpc.py, ecs.py, ...). Importing a module registers its actions, so
every module in this package is loaded automatically; adding a product needs no change elsewhere."""

import importlib
import pkgutil


def load_all():
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith('_'):
            importlib.import_module('%s.%s' % (__name__, module.name))
