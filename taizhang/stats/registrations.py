"""What statistics declare to the core (core/registry.py): nothing of the office's data."""

from taizhang.core.registry import registry

registry.backup(not_office_data={
    "stats.dataversion": "a cache key: any value is valid, a restore makes a new one",
    "stats.divisionversion": "a cache key per division: a restore makes new ones"})
registry.unaudited({"stats.dataversion": "a cache key, bumped inside audited writes",
                    "stats.divisionversion": "a cache key per division, bumped inside audited "
                                             "writes"})
