"""Issue 18 §1.9: every label on a public form names an input that exists (the complaint form's 类别
had ``<label for="">``). A radio group is a fieldset named by its legend instead."""

import re

import pytest

# The forms that open without a record to file against (objections, repairs and exits start from one).
PUBLIC_FORMS = ["/complaints/new/", "/track/"]


@pytest.mark.parametrize("path", PUBLIC_FORMS)
def test_every_label_names_an_existing_input(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    targets = re.findall(r'<label[^>]*\bfor="([^"]*)"', html)
    assert targets, "the form has labels"
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert "" not in targets
    assert [t for t in targets if t not in ids] == []


def test_the_complaint_kind_is_a_fieldset_with_its_legend(client, db):
    html = client.get("/complaints/new/").content.decode()
    group = re.search(r'<fieldset class="field field--group[^"]*"[^>]*>\s*<legend>(.*?)</legend>', html, re.S)
    assert group and group.group(1).startswith("类别")
