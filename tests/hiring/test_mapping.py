import pytest

from integrations.lever.mapping import (
    MappingError,
    archive_reason_id,
    map_opportunity,
    person_code,
    split_name,
)
from tests.lever_payloads import CONTACT_ID, HIRED_REASON_ID, OPPORTUNITY_ID, PERSON_CODE, fixture


def test_the_field_table():
    hire = map_opportunity(fixture("opportunity__hired")["data"])
    assert (hire.first_name, hire.middle_names, hire.surname) == ("Anna", "Maria", "van der Berg")
    assert hire.known_as == "Anna"
    assert hire.full_name == hire.legal_name == "Anna van der Berg"
    assert hire.person_code == hire.employment_id == PERSON_CODE
    assert hire.home_number == "+44 20 7946 0001"
    assert hire.work_number == "+44 20 7946 0999"
    assert hire.mobile_number == "+44 7700 900123"
    assert hire.skype_name == "anna.vdb"
    assert hire.other_number == "+31 20 555 0100"  # the phone without a type
    assert hire.external_email == "anna.vanderberg@example.com"
    assert (hire.lever_contact_id, hire.lever_opportunity_id) == (CONTACT_ID, OPPORTUNITY_ID)
    assert hire.warnings == ()


def test_typed_other_phone_wins_over_an_untyped_one():
    hire = map_opportunity(fixture("opportunity__legacy_archived")["data"])
    assert hire.other_number == "+233 30 000 0000"
    assert hire.mobile_number == ""


@pytest.mark.parametrize(
    ("name", "first", "middle", "last"),
    [
        ("Anna van der Berg", "Anna", "", "van der Berg"),
        ("Dr. Jane Q. Smith Jr.", "Jane", "Q.", "Smith"),
        ("  Zoë   Ångström-Łukasz ", "Zoë", "", "Ångström-Łukasz"),
        ("José María de la Cruz García", "José", "María", "de la Cruz García"),
        ("Ludwig van Beethoven III", "Ludwig", "", "van Beethoven"),
        ('John "Johnny" Doe', "John", "", "Doe"),
    ],
)
def test_names(name, first, middle, last):
    assert split_name(name)[:3] == (first, middle, last)


def test_one_word_name_becomes_the_surname_with_a_warning():
    hire = map_opportunity(fixture("opportunity__one_word_name")["data"])
    assert (hire.first_name, hire.surname, hire.full_name) == ("", "Madonna", "Madonna")
    (warning,) = hire.warnings
    assert "only one name" in warning and "Madonna" in warning


@pytest.mark.parametrize("name", [None, "", "   ", "Dr."])
def test_no_usable_name_is_a_mapping_error(name):
    opportunity = fixture("opportunity__hired")["data"] | {"name": name}
    with pytest.raises(MappingError, match="no name"):
        map_opportunity(opportunity)


def test_person_code_is_stable_unique_and_fits():
    assert person_code(CONTACT_ID) == PERSON_CODE == person_code(CONTACT_ID.upper())
    assert person_code("a") != person_code("b")
    assert len(person_code("x" * 500)) == 36
    assert person_code("not-a-uuid").startswith("LEV-")


def test_contact_expanded_or_missing():
    data = fixture("opportunity__hired")["data"]
    assert map_opportunity(data | {"contact": {"id": CONTACT_ID}}).person_code == PERSON_CODE
    without = map_opportunity(data | {"contact": None})
    assert without.lever_contact_id == ""
    assert without.person_code == person_code(OPPORTUNITY_ID)


def test_invalid_email_is_left_out_with_a_warning():
    data = fixture("opportunity__hired")["data"] | {"emails": ["not an address"]}
    hire = map_opportunity(data)
    assert hire.external_email == ""
    assert "not valid" in hire.warnings[0]


def test_overlong_values_are_cut_to_the_field():
    data = fixture("opportunity__hired")["data"] | {"phones": [{"type": "home", "value": "9" * 80}]}
    assert len(map_opportunity(data).home_number) == 50


def test_archive_reason_in_both_shapes():
    assert archive_reason_id(fixture("opportunity__hired")["data"]) == HIRED_REASON_ID
    assert archive_reason_id(fixture("opportunity__legacy_archived")["data"]) == HIRED_REASON_ID
    assert archive_reason_id(fixture("opportunity__not_archived")["data"]) == ""
    assert archive_reason_id({"archived": {"archivedAt": None, "reason": "x"}}) == ""


def test_nul_characters_never_reach_the_database():
    data = fixture("opportunity__hired")["data"] | {
        "name": "Ada\x00 Love\x00lace",
        "emails": ["bad\x00@example.com"],
        "phones": [{"type": "home", "value": "+44\x00 1"}],
    }
    hire = map_opportunity(data)
    assert (hire.first_name, hire.surname, hire.home_number) == ("Ada", "Lovelace", "+44 1")
    assert hire.external_email == "bad@example.com"
