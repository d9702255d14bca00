from tests.conftest import SINOPEC

ID_NUMBER = "410105198803151234"
PHONE = "13838012345"


def test_home_has_search(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_search_by_name_lists_the_entity(client, make_entity):
    entity = make_entity(name="郑州市金水区老王烩面馆")
    html = client.get("/entities/", {"q": "烩面"}).content.decode()
    assert "郑州市金水区老王烩面馆" in html
    assert f"/entities/{entity.uscc}/" in html


def test_search_by_exact_uscc_goes_to_the_entity(client, make_entity):
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司")
    response = client.get("/entities/", {"q": SINOPEC.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/entities/{SINOPEC}/"


def test_search_with_no_hits_says_so(client, db):
    html = client.get("/entities/", {"q": "不存在的名字"}).content.decode()
    assert "没有找到" in html


def test_entity_page_shows_base_data(client, make_entity):
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司", legal_representative="马永生")
    html = client.get(f"/entities/{SINOPEC}/").content.decode()
    assert "中国石油化工股份有限公司" in html
    assert "马永生" in html


def test_entity_page_with_bad_uscc_is_400_naming_it(client, db):
    response = client.get("/entities/91350100M000100Y4Z/")
    assert response.status_code == 400
    assert "应为“3”" in response.content.decode()


def test_entity_page_for_unknown_uscc_is_404_in_chinese(client, db):
    response = client.get(f"/entities/{SINOPEC}/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_lower_case_uscc_redirects_to_canonical(client, make_entity):
    make_entity(uscc_code=SINOPEC)
    response = client.get(f"/entities/{SINOPEC.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/entities/{SINOPEC}/"


def test_no_public_response_carries_personal_data(client, make_entity, credit_api):
    """Quality bar: seed ID and phone numbers, then scan every public page and API answer."""
    entity = make_entity(
        name="郑州隐私测试商行", legal_rep_id_number=ID_NUMBER, contact_phone=PHONE, entity_type="individual"
    )
    responses = [
        client.get("/"),
        client.get("/entities/", {"q": "隐私测试"}),
        client.get("/entities/", {"q": entity.uscc[:10]}),
        client.get(f"/entities/{entity.uscc}/"),
        credit_api.get("/api/v1/entities/", {"q": "隐私测试"}),
        credit_api.get(f"/api/v1/entities/{entity.uscc}/"),
        client.get("/api/schema/"),
    ]
    for response in responses:
        assert response.status_code == 200
        body = response.content.decode()
        assert ID_NUMBER not in body
        assert PHONE not in body


def test_broad_search_count_is_capped(client, make_entity, monkeypatch):
    from core import search

    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 3)
    for i in range(5):
        make_entity(name=f"郑州宽泛检索商行{i}")
    html = client.get("/entities/", {"q": "宽泛检索"}).content.decode()
    assert "仅显示前 3 条匹配结果" in html
    assert html.count("<li>") == 3  # issue 16 §2: the first 1,000 (here 3) matches, no more
