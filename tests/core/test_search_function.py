"""cjk_tsvector's second definition gives the first one's lexemes for every input (issue 16 §3), so the
GIN indexes built on the first stay valid (core/migrations/0011_cjk_tsvector_v2.py)."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from core.search import CREATE_FUNCTION_V1

pytestmark = pytest.mark.django_db

TRICKY = [
    "",
    " ",
    "A",
    "ab",
    "小杨 烩面 AB",
    "a\tb c",
    "　全角　空格",
    "x\n y",
    "郑州市泰坤粮油有限公司",
    "二七区潘氏超市",
    "重复重复重复",
    "'引号' \\反斜杠\\ %_",
    "ÀÉÎ Straße ǅ",
    "🍜烩面🍜",
    "  两端空白  ",
]


def both(texts: list[str]) -> list[tuple]:
    v1 = CREATE_FUNCTION_V1.replace("FUNCTION cjk_tsvector(", "FUNCTION pg_temp.cjk_tsvector_v1(")
    with connection.cursor() as cursor:
        cursor.execute(v1)
        cursor.execute(
            "SELECT t, pg_temp.cjk_tsvector_v1(t)::text, cjk_tsvector(t)::text FROM unnest(%s::text[]) AS t", [texts]
        )
        return cursor.fetchall()


def test_the_second_definition_gives_the_same_lexemes_on_tricky_names():
    for text, v1, v2 in both(TRICKY):
        assert v1 == v2, text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
        min_size=1,
        max_size=20,
    )
)
def test_the_second_definition_gives_the_same_lexemes_on_any_text(texts):
    for text, v1, v2 in both(texts):
        assert v1 == v2, repr(text)
