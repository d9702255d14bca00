"""``manage.py evaluate_credit``: re-grade every entity or some, with counts and a clear error."""

import io

import pytest
from django.core.management import CommandError, call_command

from credit.choices import Grade
from credit.models import EntityCredit
from tests.conftest import SINOPEC, record_data


def test_evaluate_credit_all_prints_counts_and_seconds(make_entity, push, frozen_today):
    good, bad = make_entity(), make_entity()
    push(record_data(bad.uscc))
    out = io.StringIO()
    call_command("evaluate_credit", "--all", stdout=out)
    text = out.getvalue()
    assert "已评价 2 个市场主体" in text
    assert "秒" in text
    assert EntityCredit.objects.get(entity_id=good.uscc).grade == Grade.GOOD
    assert EntityCredit.objects.get(entity_id=bad.uscc).grade == Grade.DISHONEST


def test_evaluate_credit_some_usccs(make_entity, push, frozen_today):
    one, other = make_entity(), make_entity()
    out = io.StringIO()
    call_command("evaluate_credit", "--uscc", one.uscc.lower(), stdout=out)
    assert "已评价 1 个市场主体" in out.getvalue()
    assert EntityCredit.objects.filter(entity_id=one.uscc).exists()
    assert not EntityCredit.objects.filter(entity_id=other.uscc).exists()


def test_evaluate_credit_rejects_a_bad_uscc(db):
    with pytest.raises(CommandError, match=r"统一社会信用代码.*91110000710926094X"):
        call_command("evaluate_credit", "--uscc", SINOPEC, "91110000710926094X")


def test_evaluate_credit_notes_a_code_not_in_the_roster(db):
    out = io.StringIO()
    call_command("evaluate_credit", "--uscc", SINOPEC, stdout=out)
    assert "名录库中没有" in out.getvalue()
    assert SINOPEC in out.getvalue()


def test_evaluate_credit_needs_all_or_uscc(db):
    with pytest.raises(CommandError):
        call_command("evaluate_credit")
