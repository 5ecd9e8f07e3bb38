"""A synthetic ledger of any size (`taizhang generate`): `world` makes the places, units and
people, `projects` the projects and their reports, `generator` bulk-inserts them."""
