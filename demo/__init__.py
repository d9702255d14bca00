"""Demo data (郑州市) for ``manage.py seed_demo`` and the benchmarks, kept apart from the domain apps
(as zulip's ``zilencer`` and saleor's ``populatedb`` do): one module per domain app, the word lists and
the entity builder in ``demo/city.py``. Each later issue adds its demo data here."""
