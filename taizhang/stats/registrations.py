"""What statistics declare to the core (core/registry.py): nothing of the office's data."""

from taizhang.core.registry import registry

registry.backup(not_office_data={
    "stats.dataversion": "a cache key: any value is valid, a restore makes a new one"})
registry.unaudited({"stats.dataversion": "a cache key, bumped inside audited writes"})
