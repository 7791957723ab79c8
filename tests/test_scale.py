"""The bands of fidelity.md as ``scale.py`` holds them: each threshold applied to the value as
computed, exactly as the scale words it, checked on both sides."""

from __future__ import annotations

import pytest

from ipsxl.core import scale

# (item, value, points): every threshold of fidelity.md's items table, at the threshold and
# just past it, worked out from the table's wording by hand
CASES = [
    ("caseload_size", 20.0, 5),
    ("caseload_size", 20.1, 4),
    ("caseload_size", 25.0, 4),
    ("caseload_size", 25.1, 3),
    ("caseload_size", 30.0, 3),
    ("caseload_size", 30.1, 2),
    ("caseload_size", 40.0, 2),
    ("caseload_size", 40.1, 1),
    ("employment_services_staff", 96.0, 5),
    ("employment_services_staff", 95.9, 4),
    ("employment_services_staff", 90.0, 4),
    ("employment_services_staff", 89.9, 3),
    ("employment_services_staff", 75.0, 3),
    ("employment_services_staff", 74.9, 2),
    ("employment_services_staff", 60.0, 2),
    ("employment_services_staff", 59.9, 1),
    ("rapid_job_search", 30.0, 5),
    ("rapid_job_search", 30.1, 4),
    ("rapid_job_search", 60.0, 4),
    ("rapid_job_search", 60.1, 3),
    ("rapid_job_search", 150.0, 3),
    ("rapid_job_search", 150.1, 2),
    ("rapid_job_search", 270.0, 2),
    ("rapid_job_search", 270.1, 1),
    ("individualized_job_search", 90.0, 5),
    ("individualized_job_search", 89.9, 4),
    ("individualized_job_search", 75.0, 4),
    ("individualized_job_search", 74.9, 3),
    ("individualized_job_search", 50.0, 3),
    ("individualized_job_search", 49.9, 2),
    ("individualized_job_search", 25.0, 2),
    ("individualized_job_search", 24.9, 1),
    ("employer_contacts", 5.6, 5),
    ("employer_contacts", 5.5, 5),
    ("employer_contacts", 5.4, 4),
    ("employer_contacts", 4.6, 4),
    ("employer_contacts", 4.5, 4),
    ("employer_contacts", 4.4, 3),
    ("employer_contacts", 3.9, 3),
    ("employer_contacts", 3.0, 3),
    ("employer_contacts", 2.9, 2),
    ("employer_contacts", 2.0, 2),
    ("employer_contacts", 1.9, 1),
    ("diversity_job_types", 85.0, 5),
    ("diversity_job_types", 84.9, 4),
    ("diversity_job_types", 70.0, 4),
    ("diversity_job_types", 69.9, 3),
    ("diversity_job_types", 60.0, 3),
    ("diversity_job_types", 59.9, 2),
    ("diversity_job_types", 50.0, 2),
    ("diversity_job_types", 49.9, 1),
    ("diversity_employers", 85.0, 5),
    ("diversity_employers", 49.9, 1),
    ("competitive_jobs", 95.0, 5),
    ("competitive_jobs", 94.9, 4),
    ("competitive_jobs", 85.0, 4),
    ("competitive_jobs", 84.9, 3),
    ("competitive_jobs", 75.0, 3),
    ("competitive_jobs", 74.9, 2),
    ("competitive_jobs", 65.0, 2),
    ("competitive_jobs", 64.9, 1),
    ("community_based", 65.0, 5),
    ("community_based", 64.9, 4),
    ("community_based", 50.0, 4),
    ("community_based", 49.9, 3),
    ("community_based", 40.0, 3),
    ("community_based", 39.9, 2),
    ("community_based", 30.0, 2),
    ("community_based", 29.9, 1),
]


@pytest.mark.parametrize(("item_id", "value", "points"), CASES)
def test_scale_items_score_on_the_thresholds_as_worded(item_id, value, points):
    assert scale.score(item_id, value) == points


def test_no_rounding_decides_a_band():
    """20.04 shows as 20.0 but is more than 20; 59.96 shows as 60.0 but is less than 60%."""
    assert scale.round1(20.04) == 20.0 and scale.score("caseload_size", 20.04) == 4
    assert scale.round1(59.96) == 60.0 and scale.score("employment_services_staff", 59.96) == 1


@pytest.mark.parametrize(
    ("item_id", "value", "suggests"),
    [
        ("supervisor_ratio", 10, 5),
        ("supervisor_ratio", 10.1, 3),
        ("follow_along", 95, 5),
        ("follow_along", 94.9, 4),
        ("follow_along", 49.9, 1),
        ("work_incentives_planning", 70, 3),
        ("work_incentives_planning", 69.9, 2),
    ],
)
def test_indicators_suggest_a_score_and_are_never_scored(item_id, value, suggests):
    assert scale.is_indicator(item_id)
    assert scale.points(item_id, value) == suggests
    assert scale.score(item_id, value) is None


def test_no_value_no_score():
    assert scale.score("caseload_size", None) is None
    assert scale.points("follow_along", float("nan")) is None


def test_ranges_say_each_score_in_words():
    assert scale.BANDS_BY_ID["caseload_size"].ranges() == {
        5: "<= 20",
        4: "<= 25",
        3: "<= 30",
        2: "<= 40",
        1: "> 40",
    }
    assert scale.BANDS_BY_ID["employer_contacts"].ranges()[5] == ">= 5.5"
    assert scale.BANDS_BY_ID["supervisor_ratio"].ranges() == {5: "<= 10", 3: "> 10"}


def test_the_deadlines_are_data_beside_the_bands():
    assert (scale.FIRST_CONTACT_DAYS, scale.PRE_START_DAYS, scale.POST_START_DAYS) == (30, 7, 3)
    assert scale.CONTACTS_PER_WEEK == 6
