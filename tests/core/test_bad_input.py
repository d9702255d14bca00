"""Bad input gets a clear error, never a 500: a NUL character anywhere in a request."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/entities/?q=%00", "/entities/9141%00/", "/lists/abnormal/?q=a%00b", "/lists/serious/?page=%00"]
)
def test_nul_in_a_page_request_is_a_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()


def test_nul_in_an_api_request_is_a_400_in_the_error_shape(credit_api):
    response = credit_api.get("/api/v1/entities/", {"q": "烩面\x00"})
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert "无效字符" in response.json()["errors"][0]["detail"]


def test_nul_in_a_form_post_is_a_400(client):
    response = client.post("/admin/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400
