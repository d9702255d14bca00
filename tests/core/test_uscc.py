import warnings

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core import services, uscc
from tests.conftest import BAOSTEEL, HUAWEI, SINOPEC


@pytest.mark.parametrize("code", [SINOPEC, BAOSTEEL, HUAWEI])
def test_real_public_codes_are_valid(code, db):
    assert uscc.validate_uscc(code) == code


def test_wrong_check_character_is_named_with_the_expected_one(db):
    # DOMAIN §1: 91350100M000100Y4Z — the check character must be 3.
    with pytest.raises(ValidationError) as err:
        uscc.validate_uscc("91350100M000100Y4Z")
    assert "应为“3”" in err.value.messages[0]


def test_full_width_lower_case_and_spaces_are_normalised(db):
    assert uscc.validate_uscc("  ９１１１００００７１０９２６０９４ｐ ") == SINOPEC


def test_forbidden_letters_and_non_digit_region_are_rejected(db):
    with pytest.raises(ValidationError, match="不允许的字符“I”"):
        uscc.validate_uscc("9I110000710926094P")
    with pytest.raises(ValidationError, match="第3至8位"):
        uscc.validate_uscc("91A10000710926094P")
    with pytest.raises(ValidationError, match="应为18位"):
        uscc.validate_uscc("9111000071092609")


def test_verified_exception_is_accepted_everywhere(db):
    # A real early-pilot code that fails the check (DOMAIN §1).
    pilot = "91350100M0001TGQXM"
    assert not uscc.is_valid(pilot)
    services.uscc_exception_register(
        actor="test", code=pilot, holder_name="试点企业", evidence="登记机关核实函 闽市监函〔2016〕1号"
    )
    assert uscc.validate_uscc(pilot.lower()) == pilot


def test_exception_needs_evidence(db):
    with pytest.raises(ValidationError):
        services.uscc_exception_register(actor="test", code="91350100M0001TGQXM", holder_name="x", evidence=" ")


def test_gb11714_organisation_code_failure_only_warns(db):
    body = "91410100" + "123456780"  # organisation code check should be 9, not 0
    code = body + uscc.check_character(body)
    assert not uscc.org_code_ok(code[8:17])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert uscc.validate_uscc(code) == code
    assert any(issubclass(w.category, uscc.UsccWarning) for w in caught)


def test_entity_type_derived_from_positions_1_and_2():
    assert uscc.entity_type_from_code("91xxxx") == "enterprise"
    assert uscc.entity_type_from_code("92xxxx") == "individual"
    assert uscc.entity_type_from_code("93xxxx") == "cooperative"
    assert uscc.entity_type_from_code("52xxxx") == "social_org"
    assert uscc.entity_type_from_code("Yxxxxx") == ""


body17 = st.tuples(
    st.text(alphabet=uscc.ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(body17, st.integers(0, 17), st.integers(1, 30))
def test_every_single_substitution_is_caught(body, pos, shift):
    code = body + uscc.check_character(body)
    old = code[pos]
    new = uscc.ALPHABET[(uscc.VALUES[old] + shift) % 31]
    mutated = code[:pos] + new + code[pos + 1 :]
    assert uscc.problems(mutated) is not None


@given(body17, st.integers(0, 16))
def test_every_adjacent_swap_is_caught(body, pos):
    code = body + uscc.check_character(body)
    if code[pos] == code[pos + 1]:
        return  # swapping equal characters changes nothing
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    assert uscc.problems(swapped) is not None
