from supervision.models import MarketEntity
from tests.conftest import BAOSTEEL, HUAWEI, SINOPEC, valid_uscc


def test_search_by_name_substring_uscc_and_prefix(credit_api, make_entity):
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司", region_code="110000")
    make_entity(uscc_code=BAOSTEEL, name="宝山钢铁股份有限公司", region_code="310000")
    make_entity(uscc_code=HUAWEI, name="华为技术有限公司", region_code="440300")

    def names(query):
        response = credit_api.get("/api/v1/entities/", {"q": query})
        assert response.status_code == 200
        return [r["name"] for r in response.json()["results"]]

    assert names("钢铁") == ["宝山钢铁股份有限公司"]
    assert names("化") == ["中国石油化工股份有限公司"]
    assert names(SINOPEC) == ["中国石油化工股份有限公司"]
    assert names("9131") == ["宝山钢铁股份有限公司"]
    assert names("914403") == ["华为技术有限公司"]
    assert set(names("股份有限公司")) == {"中国石油化工股份有限公司", "宝山钢铁股份有限公司"}


def test_filters_and_pagination_shape(credit_api, make_entity):
    for i in range(5):
        make_entity(name=f"郑州金水烩面馆{i}", region_code="410105", industry_code="H6210")
    make_entity(name="郑州中原建材商行", region_code="410102", industry_code="F5165")
    body = credit_api.get("/api/v1/entities/", {"region": "410105", "page_size": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"] is None
    assert credit_api.get("/api/v1/entities/", {"industry": "F"}).json()["count"] == 1


def test_page_size_is_capped_at_500(credit_api, make_entity):
    # API.md: page_size at most 500. Given 501 entities (one through the service, the rest as plain rows:
    # only their number matters here), a request for 5000 gets 500 and a next page
    first = make_entity()
    MarketEntity.objects.bulk_create(
        MarketEntity(
            uscc=valid_uscc(f"914101006{n:08d}"),
            name=f"郑州分页测试商行{n}",
            region_code=first.region_code,
            industry_code=first.industry_code,
            legal_representative="张三",
            established_on=first.established_on,
        )
        for n in range(500)
    )
    response = credit_api.get("/api/v1/entities/", {"page_size": 5000})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], len(body["results"])) == (501, 500)
    assert "page=2" in body["next"]


def test_list_query_budget(credit_api, make_entity, django_assert_max_num_queries):
    for _ in range(30):
        make_entity()
    with django_assert_max_num_queries(6):
        response = credit_api.get("/api/v1/entities/", {"page_size": 30})
    assert len(response.json()["results"]) == 30


def test_profile_has_base_data_and_no_personal_data(credit_api, make_entity):
    make_entity(
        uscc_code=SINOPEC,
        name="中国石油化工股份有限公司",
        legal_rep_id_number="110101197001011234",
        contact_phone="13912345678",
    )
    body = credit_api.get(f"/api/v1/entities/{SINOPEC}/").json()
    assert body["name"] == "中国石油化工股份有限公司"
    assert body["entity_type"] == "enterprise"
    assert body["entity_type_label"] == "企业"
    text = str(body)
    assert "110101197001011234" not in text
    assert "13912345678" not in text


def test_schema_generates_without_warnings(db):
    from io import StringIO

    from django.core.management import call_command

    err = StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=StringIO(), stderr=err)
    assert "Warning" not in err.getvalue()


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html
