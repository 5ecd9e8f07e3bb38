"""The Qian'an 2022 demo (`taizhang load-scenario qianan-2022`): `data` holds its tables,
`plan` decides every row with one seeded RNG (`people`, `lifecycle`, `figures`, `reports`
fill in the parts), `loader` writes the plan through the ledger's services."""
