"""Spotting identifying case details in CPD free text: a pure module, no app or database."""

from __future__ import annotations

import dataclasses

import pytest

from wfld.cpd import confidentiality_measure
from wfld.cpd.confidentiality import (
    ADDRESS,
    CASE_NUMBER,
    DATE_OF_BIRTH,
    EXCERPT_LIMIT,
    NAME,
    NAME_WITH_AGE,
    NHS_NUMBER,
    PHONE_NUMBER,
    POSTCODE,
    REASONS,
    SCHOOL,
    Finding,
    nhs_check_digit_ok,
    scan,
)

# 943 476 5919 is the NHS's own example of a valid number; 401 023 2137 also passes the check.
VALID_NHS = "9434765919"


def only(text: str) -> list[Finding]:
    return scan({"learning": text})


POSITIVES = [
    # Dates of birth: a date a few words after a birth word.
    pytest.param("Child's DOB 12/03/2015.", DATE_OF_BIRTH, "12/03/2015", id="dob-slashes"),
    pytest.param("D.O.B: 3rd March 2015", DATE_OF_BIRTH, "3rd March 2015", id="dob-dotted-ordinal"),
    pytest.param("date of birth 12-03-15", DATE_OF_BIRTH, "12-03-15", id="dob-two-digit-year"),
    pytest.param("She was born on 3 March 2015", DATE_OF_BIRTH, "3 March 2015", id="born-on"),
    pytest.param("b. 12.03.2015", DATE_OF_BIRTH, "12.03.2015", id="b-dot"),
    pytest.param("born March 3, 2015", DATE_OF_BIRTH, "March 3, 2015", id="born-month-first"),
    pytest.param("Born: 03/06/2014", DATE_OF_BIRTH, "03/06/2014", id="born-colon"),
    pytest.param(
        "born in Leeds on the 3rd of March 2015",
        DATE_OF_BIRTH,
        "3rd of March 2015",
        id="born-few-words-before",
    ),
    pytest.param("DoB 1 Sept 2016", DATE_OF_BIRTH, "1 Sept 2016", id="dob-abbreviated-month"),
    # NHS numbers: the check digit, or the label.
    pytest.param("NHS no. 943 476 5919", NHS_NUMBER, "943 476 5919", id="nhs-labelled-spaced"),
    pytest.param("NHS number: 1234567890", NHS_NUMBER, "1234567890", id="nhs-labelled-no-check"),
    pytest.param("nhs#123-456-7890", NHS_NUMBER, "123-456-7890", id="nhs-hash-hyphens"),
    pytest.param("her number is 943-476-5919", NHS_NUMBER, "943-476-5919", id="nhs-check-digit"),
    pytest.param("number 4010232137 on file", NHS_NUMBER, "4010232137", id="nhs-check-digit-run"),
    # Case numbers: after a label, at least four digits.
    pytest.param("case no. 123456", CASE_NUMBER, "123456", id="case-no"),
    pytest.param("Mosaic ID 4567890", CASE_NUMBER, "4567890", id="mosaic-id"),
    pytest.param("LCS: CH12345", CASE_NUMBER, "CH12345", id="lcs-letters-and-digits"),
    pytest.param("Case Ref: 2024-00123", CASE_NUMBER, "2024-00123", id="case-ref-year-prefix"),
    pytest.param("client number 556677", CASE_NUMBER, "556677", id="client-number"),
    pytest.param("child ID: 778899", CASE_NUMBER, "778899", id="child-id"),
    pytest.param("person ID 1234567", CASE_NUMBER, "1234567", id="person-id"),
    pytest.param("Liquidlogic ref 99887766", CASE_NUMBER, "99887766", id="liquidlogic-ref"),
    pytest.param("see ref. SW/2025/0042", CASE_NUMBER, "SW/2025/0042", id="ref-with-slashes"),
    pytest.param("the case number is 123456", CASE_NUMBER, "123456", id="case-number-is"),
    # Postcodes: a real area and the inward part, any case, space optional.
    pytest.param("lives at SW1A 1AA now", POSTCODE, "SW1A 1AA", id="postcode-sw1a"),
    pytest.param("moved to m1 1ae", POSTCODE, "m1 1ae", id="postcode-lower-case"),
    pytest.param("B33 8TH", POSTCODE, "B33 8TH", id="postcode-b33"),
    pytest.param("address CR2 6XH.", POSTCODE, "CR2 6XH", id="postcode-cr2"),
    pytest.param("DN55 1PT", POSTCODE, "DN55 1PT", id="postcode-dn55"),
    pytest.param("SW1A1AA", POSTCODE, "SW1A1AA", id="postcode-no-space"),
    # Phone numbers: UK mobiles and landlines.
    pytest.param("mum on 07700 900123", PHONE_NUMBER, "07700 900123", id="mobile"),
    pytest.param("07700 900 123", PHONE_NUMBER, "07700 900 123", id="mobile-three-groups"),
    pytest.param("tel 07700900123", PHONE_NUMBER, "07700900123", id="mobile-run-together"),
    pytest.param("+44 7700 900123", PHONE_NUMBER, "+44 7700 900123", id="mobile-international"),
    pytest.param("+44 (0)7700 900 123", PHONE_NUMBER, "+44 (0)7700 900 123", id="mobile-plus44-0"),
    pytest.param("school 0161 496 0000", PHONE_NUMBER, "0161 496 0000", id="landline-0161"),
    pytest.param("(020) 7946 0000", PHONE_NUMBER, "(020) 7946 0000", id="landline-london-brackets"),
    pytest.param("01632 960000", PHONE_NUMBER, "01632 960000", id="landline-five-digit-code"),
    pytest.param("0300 123 4567", PHONE_NUMBER, "0300 123 4567", id="non-geographic-03"),
    pytest.param("01697 74321", PHONE_NUMBER, "01697 74321", id="landline-ten-digits"),
    # Names: after a family or person word, or "the Smith family".
    pytest.param("I worked with child Jane Smith", NAME, "Jane Smith", id="child-name"),
    pytest.param("the mother, Mary-Ann O'Neil", NAME, "Mary-Ann O'Neil", id="mother-comma"),
    pytest.param("father called Tom De Souza", NAME, "Tom De Souza", id="father-called-three"),
    pytest.param("the young person is Kai McDonald", NAME, "Kai McDonald", id="young-person-is"),
    pytest.param("foster carer: Priya Patel", NAME, "Priya Patel", id="foster-carer-colon"),
    pytest.param("YP Jordan Lee said", NAME, "Jordan Lee", id="yp"),
    pytest.param("CYP Amelia Jones", NAME, "Amelia Jones", id="cyp"),
    pytest.param("Mum Sarah Jones said", NAME, "Sarah Jones", id="mum-sentence-start"),
    pytest.param("stepfather named Darren Price", NAME, "Darren Price", id="stepfather-named"),
    pytest.param("grandmother (Edna Clarke)", NAME, "Edna Clarke", id="grandmother-brackets"),
    pytest.param("Mother Jane Smith's house", NAME, "Jane Smith", id="possessive-after"),
    pytest.param("visited the Smith family", NAME, "Smith", id="the-smith-family"),
    pytest.param("the Smith-Jones family home", NAME, "Smith-Jones", id="double-barrelled"),
    pytest.param("The Okafor children", NAME, "Okafor", id="the-okafor-children"),
    pytest.param("the Patel household", NAME, "Patel", id="the-patel-household"),
    # Full names anywhere, not only after a family word.
    pytest.param("Jane Smith ran the session", NAME, "Jane Smith", id="full-name-anywhere"),
    pytest.param("I met Kacper Nowak's teacher", NAME, "Kacper Nowak", id="full-name-possessive"),
    pytest.param("Will Jones said no", NAME, "Will Jones", id="everyday-word-with-surname"),
    # A first name with a family word.
    pytest.param("the child, Jane", NAME, "Jane", id="child-first-name"),
    pytest.param("her brother Jack said", NAME, "Jack", id="her-brother"),
    pytest.param("Mum Sarah agreed", NAME, "Sarah", id="mum-first-name"),
    pytest.param("mum's partner Dean left", NAME, "Dean", id="mums-partner"),
    pytest.param("their nan, Pat, came", NAME, "Pat", id="nan-comma"),
    # Names with ages.
    pytest.param("I saw Tom, aged 7, at home", NAME_WITH_AGE, "Tom, aged 7", id="aged"),
    pytest.param("Tom (6) said", NAME_WITH_AGE, "Tom (6)", id="age-in-brackets"),
    pytest.param(
        "a 9-year-old called Ella", NAME_WITH_AGE, "9-year-old called Ella", id="n-year-old"
    ),
    pytest.param("Ruby, 5, drew", NAME_WITH_AGE, "Ruby, 5", id="name-comma-age"),
    pytest.param("Noah is 4 now", NAME_WITH_AGE, "Noah is 4", id="name-is-age"),
    # Addresses and schools.
    pytest.param("they live at 14 Elm Road", ADDRESS, "14 Elm Road", id="numbered-street"),
    pytest.param("moved to Flat 3, Marsh Court", ADDRESS, "Flat 3, Marsh Court", id="flat"),
    pytest.param("the flat 12 visit", ADDRESS, "flat 12", id="flat-alone"),
    pytest.param("lives on Cedar Avenue", ADDRESS, "Cedar Avenue", id="lives-on-street"),
    pytest.param("at 31 Queen's Road now", ADDRESS, "31 Queen's Road", id="possessive-street"),
    pytest.param("at Rainbow Day Nursery", SCHOOL, "Rainbow Day Nursery", id="vocabulary-in-name"),
    pytest.param("goes to Little Acorns Nursery", SCHOOL, "Little Acorns Nursery", id="nursery"),
    pytest.param("Oakfield Academy said", SCHOOL, "Oakfield Academy", id="academy"),
    # Dates of birth in other formats.
    pytest.param("DOB 12.03.18", DATE_OF_BIRTH, "12.03.18", id="dob-dotted-short"),
    pytest.param("born March 12th 2018", DATE_OF_BIRTH, "March 12th 2018", id="born-ordinal"),
]


@pytest.mark.parametrize(("text", "kind", "excerpt"), POSITIVES)
def test_identifying_details_are_found(text: str, kind: str, excerpt: str) -> None:
    assert only(text) == [Finding("learning", kind, excerpt)]


NEGATIVES = [
    "I attended the Child Protection Conference training on 12 March 2026",
    "Signs of Safety",
    "Social Work England standard 4.6",
    "Social Work England standards 3.1, 3.2 and 4.6",
    "the team meeting on 03/06/2026",
    "Module SG-L3 on 12.03.2026",
    "The course cost £2,000.",
    "Attendance rose by 2.5% this year.",
    "I logged 35 hours of CPD.",
    "Completed SG-L3 and the Level 3 award.",
    "1,000 families in 2026",
    "the 2024/25 year",
    "child protection",
    "Family Group Conference",
    "the mother's partner",
    "my Team Manager",
    "My Team Manager, Sarah said",
    "a child aged 7",
    "Child In Need Plan",
    "Children Looked After Review",
    "the Looked After children",
    "Child Death Overview Panel",
    "Child Sexual Exploitation",
    "Children Act 1989",
    "Children and Families Act 2014",
    "Children's Services",
    "young person's Pathway Plan",
    "the child's Personal Education Plan",
    "Young Person Advisory Group",
    "Working Together to Safeguard Children 2023",
    "the Family Court",
    "Family Nurse Partnership",
    "Family Hubs",
    "Parent Carer Forum",
    "the Troubled Families programme",
    "Family Drug and Alcohol Court",
    "Special Guardianship Order",
    "the Early Help family",
    "the family, Social Care and Health",
    "Child Q review",
    "Sarah said the session was useful",
    "Will this change my practice?",
    "May I add a reflection",
    "Grace Period",
    "Mary Seacole House",
    "Forest School approaches",
    "the Virtual School",
    "our Social Work Academy",
    "the Early Years Academy",
    "Leadership Academy",
    "the Secondary Trauma workshop",
    "a 2 Day Court Skills course",
    "Reading Bronfenbrenner",
    "Priya's question in supervision",
    "a child aged 7",
    "6 hours of e-learning",
    "In one case, 12345 children",
    "ID 2026",
    "ref 2024/25",
    "Reference: SG-L3",
    "caseload of 18",
    "Section 47 enquiry",
    "I was born in 1985",
    "DOB unknown, but the review was held on 12/03/2026",
    "Plan B. 12 March 2026",
    "KS2 3rd year",
    "L3 2nd module",
    "0-19 service",
    "phone 0800 111",
    "1234567890",
    "Ofsted ILACS 2024",
]


@pytest.mark.parametrize("text", NEGATIVES, ids=lambda text: text[:40])
def test_ordinary_cpd_prose_is_not_flagged(text: str) -> None:
    assert only(text) == []


def test_the_school_and_the_child_named_with_it() -> None:
    assert only("Ella at St Mary's Primary") == [
        Finding("learning", NAME, "Ella"),
        Finding("learning", SCHOOL, "St Mary's Primary"),
    ]


def test_every_kind_has_a_plain_english_reason() -> None:
    kinds = [DATE_OF_BIRTH, NHS_NUMBER, CASE_NUMBER, POSTCODE, PHONE_NUMBER, NAME]
    kinds += [NAME_WITH_AGE, ADDRESS, SCHOOL]
    assert set(REASONS) == set(kinds)
    assert Finding("learning", ADDRESS, "14 Elm Road").reason == REASONS[ADDRESS]
    assert all(reason.endswith(".") for reason in REASONS.values())


# The corpus: recall and false-positive rate, as stated in the README.
RECALL_AT_LEAST = 0.95
FALSE_POSITIVE_RATE_AT_MOST = 0.02


def test_the_corpus_meets_the_stated_recall_and_false_positive_rate() -> None:
    cases = confidentiality_measure.load_corpus()
    identifying = [c for c in cases if c.find]
    assert len(cases) >= 60 and len(identifying) >= 30 and len(cases) - len(identifying) >= 30
    result = confidentiality_measure.measure(cases)
    assert result.recall >= RECALL_AT_LEAST, confidentiality_measure.report(result)
    assert result.false_positive_rate <= FALSE_POSITIVE_RATE_AT_MOST, (
        confidentiality_measure.report(result)
    )


def test_the_measure_command_prints_both_figures(capsys) -> None:  # noqa: ANN001
    assert confidentiality_measure.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Recall: ") and "False-positive rate: " in out


def test_nhs_check_digit() -> None:
    assert nhs_check_digit_ok("943 476 5919")
    assert nhs_check_digit_ok("401-023-2137")
    assert not nhs_check_digit_ok("9434765918")  # wrong check digit
    assert not nhs_check_digit_ok("1234567890")  # check digit would be 10: never issued
    assert not nhs_check_digit_ok("943476591")  # nine digits


def test_a_ten_digit_number_failing_the_check_is_not_an_nhs_number() -> None:
    assert only("invoice 9434765918") == []


def test_overlapping_detectors_report_the_text_once_as_the_more_specific_kind() -> None:
    assert only(f"NHS number {VALID_NHS}") == [Finding("learning", NHS_NUMBER, VALID_NHS)]
    assert only(f"case no. {VALID_NHS}") == [Finding("learning", CASE_NUMBER, VALID_NHS)]
    assert only("case 07700 900123") == [Finding("learning", PHONE_NUMBER, "07700 900123")]


def test_several_fields_in_field_order_then_position_order() -> None:
    findings = scan(
        {
            "title": "Reflection on a visit",
            "learning": "Mum on 07700 900123; the child Jane Smith, DOB 12/03/2015.",
            "impact": None,
            "next_steps": "Send letter to LS1 4AP and the Okafor family.",
        }
    )
    assert findings == [
        Finding("learning", PHONE_NUMBER, "07700 900123"),
        Finding("learning", NAME, "Jane Smith"),
        Finding("learning", DATE_OF_BIRTH, "12/03/2015"),
        Finding("next_steps", POSTCODE, "LS1 4AP"),
        Finding("next_steps", NAME, "Okafor"),
    ]


def test_the_excerpt_is_the_text_as_written() -> None:
    findings = scan({"learning": "the MOTHER, Mary-Ann O'Neil, at sw1a 1aa, nhs NO 943-476-5919"})
    assert [f.excerpt for f in findings] == ["Mary-Ann O'Neil", "sw1a 1aa", "943-476-5919"]


def test_a_long_excerpt_is_trimmed() -> None:
    name = "Wolfeschlegelsteinhausen Bergerdorffvoralternwarengewissenhaft Schaferswessen"
    (finding,) = only(f"child {name}")
    assert finding.kind == NAME
    assert finding.excerpt == name[:EXCERPT_LIMIT]
    assert len(finding.excerpt) == EXCERPT_LIMIT


def test_duplicates_are_reported_once_per_field() -> None:
    text = "child Jane Smith met child Jane Smith again"
    assert scan({"a": text, "b": text}) == [
        Finding("a", NAME, "Jane Smith"),
        Finding("b", NAME, "Jane Smith"),
    ]


@pytest.mark.parametrize("fields", [{}, {"learning": None}, {"learning": ""}, {"a": "  \n "}])
def test_empty_and_missing_fields(fields: dict[str, str | None]) -> None:
    assert scan(fields) == []


def test_a_finding_cannot_be_changed() -> None:
    finding = Finding("learning", NAME, "Jane Smith")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.excerpt = "J S"  # type: ignore[misc]


ADVERSARIAL = [
    pytest.param("child " * 5000, id="child-repeated"),
    pytest.param("Child " * 4000, id="capital-child-repeated"),
    pytest.param("1" * 20000, id="ones"),
    pytest.param("0" * 20000, id="zeros"),
    pytest.param("1 " * 10000, id="spaced-digits"),
    pytest.param("07" * 10000, id="mobile-prefixes"),
    pytest.param("1/" * 10000, id="slashes"),
    pytest.param("DOB " * 5000, id="dob-repeated"),
    pytest.param("NHS " * 5000, id="nhs-repeated"),
    pytest.param("case " * 4000, id="case-repeated"),
    pytest.param("the " + "Aa " * 6700, id="capitals"),
    pytest.param("Jane-" * 4000, id="hyphens"),
    pytest.param("mother " + "Jane " * 4000, id="long-capitalised-run"),
    pytest.param("the Smith " * 2000, id="the-smith-repeated"),
    pytest.param("Jane Smith " * 2000, id="full-names-repeated"),
    pytest.param("Tom, aged 7, " * 1600, id="names-with-ages"),
    pytest.param("14 Elm " * 3000, id="street-without-a-type"),
    pytest.param("Little Acorns " * 2500, id="school-without-a-type"),
    pytest.param("Flat 3, Marsh " * 1500, id="flats"),
    pytest.param("a" * 20000, id="one-long-word"),
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_long_hostile_text_finishes(text: str) -> None:
    assert len(text) >= 20000
    assert isinstance(scan({"learning": text}), list)


def test_many_findings_in_a_long_text() -> None:
    text = "child Jane Smith, DOB 12/03/2015, on 07700 900123. " * 400
    assert len(text) >= 20000
    assert [f.kind for f in scan({"learning": text})] == [NAME, DATE_OF_BIRTH, PHONE_NUMBER]
