"""API list pages with a bounded count (issue 16 §3): ``count_is_estimate`` in the page envelope.

``count`` is exact up to ``LIST_COUNT_CAP`` rows (10,000 by default; a few here), then PostgreSQL's
estimate with ``count_is_estimate: true``; ``next`` stays exact either way.
"""

import yaml

from tests.conftest import valid_uscc


def entities(make_entity, n):
    return [make_entity(uscc_code=valid_uscc(f"914101007{i:08d}"), name=f"郑州计数测试商行{i}") for i in range(n)]


def test_a_small_list_has_its_exact_count_and_says_so(credit_api, make_entity):
    # Given 3 entities, when the list is read, then the count is exact and not flagged as an estimate
    entities(make_entity, 3)
    body = credit_api.get("/api/v1/entities/", {"page_size": 2}).json()
    assert body["count"] == 3 and body["count_is_estimate"] is False
    assert list(body) == ["count", "count_is_estimate", "next", "previous", "results"]
    assert body["next"] and len(body["results"]) == 2


def test_a_list_past_the_cap_is_estimated_and_pages_to_its_real_end(credit_api, make_entity, settings):
    # Given 5 entities and a cap of 2, the count is an estimate of more than 2 rows ...
    settings.LIST_COUNT_CAP = 2
    entities(make_entity, 5)
    first = credit_api.get("/api/v1/entities/", {"page_size": 2}).json()
    assert first["count_is_estimate"] is True and first["count"] >= 3
    # ... and next is exact: pages 1, 2 and 3 hold every row once, page 3 has no next, page 4 is a 404
    seen, page = [r["uscc"] for r in first["results"]], first
    while page["next"]:
        page = credit_api.get(page["next"]).json()
        assert page["count_is_estimate"] is True
        seen += [r["uscc"] for r in page["results"]]
    assert sorted(seen) == seen and len(set(seen)) == 5
    last = credit_api.get("/api/v1/entities/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]
    past = credit_api.get("/api/v1/entities/", {"page_size": 2, "page": 4})
    assert past.status_code == 404 and past.json()["errors"][0]["detail"] == "页码无效"


def test_a_filtered_list_under_the_cap_counts_exactly(credit_api, make_entity, settings):
    # Given a cap of 2 and 5 entities, a filter matching 1 of them counts it exactly
    settings.LIST_COUNT_CAP = 2
    made = entities(make_entity, 5)
    body = credit_api.get("/api/v1/entities/", {"q": made[0].uscc}).json()
    assert body["count"] == 1 and body["count_is_estimate"] is False


def test_the_open_api_pages_carry_the_flag_too(api, make_entity, settings):
    settings.LIST_COUNT_CAP = 2
    entities(make_entity, 4)
    body = api.get("/api/open/v1/entities/", {"page_size": 3}).json()
    assert body["count_is_estimate"] is True and len(body["results"]) == 3 and body["next"]
    settings.LIST_COUNT_CAP = 10
    assert api.get("/api/open/v1/entities/").json()["count_is_estimate"] is False


def test_the_schema_documents_count_is_estimate_on_every_paged_list(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    paged = {
        name: component for name, component in schema["components"]["schemas"].items() if name.startswith("Paginated")
    }
    assert len(paged) >= 5, sorted(paged)
    for name, component in paged.items():
        # The open API's lists answer pages or a cursor (open_paging): the page variant has the flag.
        pages = [v for v in component.get("oneOf", [component]) if "count" in v["properties"]]
        assert pages, name
        for variant in pages:
            assert variant["properties"]["count_is_estimate"]["type"] == "boolean", name
            assert "count_is_estimate" in variant["required"], name
