"""taizhang: the key-project ledger of a city key-project office."""
