"""Checking a 待办 panel against its lists (issue 17 §6): every number on the admin home links to a list
that shows exactly that many rows."""

import re

CELL = re.compile(r'<a href="([^"]+)" class="todo-cell[^"]*" data-group="(\w+)" data-n="(\d+)"')
TOTAL = re.compile(r'data-count="(\d+)"><a href="([^"]+)"')
ROW = re.compile(r'<tr class="credit-todo-([\w-]+)">(.*?)</tr>', re.S)


def panel_numbers(html: str) -> dict:
    """``{(line key, group or "total"): (count, url)}`` for every linked number on the page."""
    found = {}
    for key, row in ROW.findall(html):
        for url, group, n in CELL.findall(row):
            found[(key, group)] = (int(n), url.replace("&amp;", "&"))
        for n, url in TOTAL.findall(row):
            found[(key, "total")] = (int(n), url.replace("&amp;", "&"))
    return found


def assert_lists_agree(client, html: str) -> dict:
    """Open every linked number; its list has exactly that many rows. Returns the numbers checked."""
    numbers = panel_numbers(html)
    for (key, group), (n, url) in numbers.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["cl"].result_count == n, (
            f"{key} {group}: panel {n}, list {url} shows {response.context['cl'].result_count}"
        )
    return numbers
