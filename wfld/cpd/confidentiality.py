"""Spot free text in a CPD entry that looks like identifying case details.

A CPD log is about the practitioner's learning, not about the children and families they
work with, so before an entry is saved its free text is scanned for things that could
identify someone: dates of birth, NHS numbers, case numbers, postcodes, phone numbers, full
names anywhere, first names with an age or a family word ("Tom, aged 7", "her brother
Jack"), street addresses and flats, and named schools and nurseries. Each is reported as a
``Finding`` with a plain-English reason for the person to acknowledge; nothing is changed or
removed here.

First names come from the person-name lists Faker ships (MIT licence, released monthly) for
English-speaking locales, Polish and Romanian, plus a few names common in England today that
those lists miss. Faker is only a data source here: nothing is generated at random.

How well it does is measured on an invented corpus (tests/cpd/confidentiality_corpus.yaml):
``python -m wfld.cpd.confidentiality_measure`` prints recall and the false-positive rate.

The detectors are heuristics tuned for few false alarms on ordinary CPD prose ("the Child
Protection Conference training on 12 March 2026", "Social Work England standard 4.6",
"£2,000", "35 hours", course codes like "SG-L3"). A finding's excerpt is the identifying
part itself (the date, the number, the name), exactly as written.

Every pattern is linear: no group that contains a quantifier is itself repeated, so a long
or hostile text (20,000 characters of "child child ..." or "1111...") cannot make the regular
expression engine backtrack catastrophically.

Pure: the standard library and Faker's name lists, no Flask, no database.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

__all__ = [
    "ADDRESS",
    "CASE_NUMBER",
    "DATE_OF_BIRTH",
    "EXCERPT_LIMIT",
    "NAME",
    "NAME_WITH_AGE",
    "NHS_NUMBER",
    "PHONE_NUMBER",
    "POSTCODE",
    "REASONS",
    "SCHOOL",
    "Finding",
    "nhs_check_digit_ok",
    "scan",
]

DATE_OF_BIRTH = "a date of birth"
NHS_NUMBER = "an NHS number"
CASE_NUMBER = "a case number"
POSTCODE = "a postcode"
PHONE_NUMBER = "a phone number"
NAME = "a person's name"
NAME_WITH_AGE = "a person's name with their age"
ADDRESS = "a street address"
SCHOOL = "a named school or nursery"

# Why each kind matters, in plain English, shown beside the finding.
REASONS = {
    DATE_OF_BIRTH: "A date of birth identifies a child, even without a name.",
    NHS_NUMBER: "An NHS number belongs to one person.",
    CASE_NUMBER: "A case number points to one child's record.",
    POSTCODE: "A postcode narrows a family down to a few homes.",
    PHONE_NUMBER: "A phone number belongs to one person or household.",
    NAME: "A name identifies a person: write about your own practice instead.",
    NAME_WITH_AGE: "A first name with an age is enough to identify a child.",
    ADDRESS: "An address says where a family lives.",
    SCHOOL: "A named school or nursery, with anything else, can identify a child.",
}

EXCERPT_LIMIT = 60


@dataclass(frozen=True)
class Finding:
    """One piece of text that looks like an identifying case detail."""

    field: str  # the key of the text it was found in, e.g. "learning"
    kind: str  # a plain-English label, e.g. "a date of birth"
    excerpt: str  # the matched text exactly as written, at most EXCERPT_LIMIT characters

    @property
    def reason(self) -> str:
        return REASONS.get(self.kind, "")


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str


_Detector = Callable[[str], Iterator[_Hit]]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Dates of birth --------------------------------------------------------------------------
# A date alone is everyday CPD ("training on 12 March 2026"); a date a few words after "DOB",
# "date of birth", "born" or "b." is a date of birth, which identifies a child.

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"

_DATE = re.compile(
    # 12/03/2015, 12-03-15, 12.03.2015: the same separator twice, day first (UK order).
    rf"(?<![\d/.-]){_DAY}([/.-]){_MONTH_NUMBER}\1(?:\d{{4}}|\d{{2}})(?!\d|[/.-]\d)"
    # 3 March 2015, 3rd March 2015, 3rd of March 2015.
    rf"|\b{_DAY}{_ORDINAL}[ \t]+(?:of[ \t]+)?{_MONTH_NAME},?[ \t]+\d{{4}}\b"
    # March 3, 2015 and March 3rd 2015.
    rf"|\b{_MONTH_NAME}[ \t]+{_DAY}{_ORDINAL},?[ \t]+\d{{4}}\b",
    re.IGNORECASE,
)
# "b." only in lower case, so that an initial ("Plan B.") is not taken for "born".
_BIRTH_WORD = re.compile(
    r"(?i:\bd\.?[ ]?o\.?[ ]?b\b\.?|\bdate[ \t]+of[ \t]+birth\b|\bborn\b)|(?<![A-Za-z])b\."
)
_BIRTH_LOOKBACK = 60  # characters before a date searched for a birth word
_BIRTH_MAX_GAP_WORDS = 4  # "born in Leeds on 3 March 2015" has three
_WORD = re.compile(r"[A-Za-z0-9]+")
_CLAUSE_BREAK = re.compile(r"[;!?\n]")


def _dates_of_birth(text: str) -> Iterator[_Hit]:
    for date in _DATE.finditer(text):
        window = text[max(0, date.start() - _BIRTH_LOOKBACK) : date.start()]
        birth_words = list(_BIRTH_WORD.finditer(window))
        if not birth_words:
            continue
        gap = window[birth_words[-1].end() :]
        if len(_WORD.findall(gap)) <= _BIRTH_MAX_GAP_WORDS and not _CLAUSE_BREAK.search(gap):
            yield _Hit(date.start(), date.end(), DATE_OF_BIRTH)


# --- NHS numbers -----------------------------------------------------------------------------
# Ten digits, written 3-3-4 with spaces or hyphens or run together. The last is a Modulus 11
# check digit, so most random ten-digit numbers fail it; after the word "NHS" any ten digits
# are taken as one.

_TEN_DIGITS = r"\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}"  # one separator used throughout
_NHS_NUMBER = re.compile(rf"(?<![\d.,])(?P<number>{_TEN_DIGITS})(?!\d|[.,]\d)")
_NHS_LABELLED = re.compile(
    r"\bNHS(?:[ ]?(?:no\b\.?|num(?:ber)?\b\.?|#|id\b))?[ \t]*(?:[:#.-][ \t]*)?"
    rf"(?P<number>{_TEN_DIGITS})(?!\d)",
    re.IGNORECASE,
)


def nhs_check_digit_ok(number: str) -> bool:
    """Whether ten digits pass the NHS Modulus 11 check (weights 10 down to 2)."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def _nhs_numbers_labelled(text: str) -> Iterator[_Hit]:
    for match in _NHS_LABELLED.finditer(text):
        yield _Hit(match.start("number"), match.end("number"), NHS_NUMBER)


def _nhs_numbers_by_check_digit(text: str) -> Iterator[_Hit]:
    for match in _NHS_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group("number"))
        # Every UK phone number starts with 0 and no NHS number issued in England or Wales
        # does; a run of one digit ("1111111111") passes the check but is not a real number.
        if digits[0] == "0" or len(set(digits)) == 1:
            continue
        if nhs_check_digit_ok(digits):
            yield _Hit(match.start(), match.end(), NHS_NUMBER)


# --- Case numbers ----------------------------------------------------------------------------
# A reference to a child's record in the case management system (Mosaic, Liquidlogic LCS)
# comes after a label: "case no. 123456", "Mosaic ID 4567890", "LCS: CH12345". The
# identifier must hold at least four digits, and a bare year ("ID 2026"), a year range
# ("ref 2024/25") or a date is not taken for one.

_CASE_QUALIFIER = r"(?:no\b\.?|num(?:ber)?\b\.?|ref(?:erence)?\b\.?|id\b|#)"
_CASE_NUMBER = re.compile(
    r"\b(?:"
    rf"(?:case|ref(?:erence)?|lcs|mosaic|liquid[ ]?logic|id)\b(?:[ \t]*{_CASE_QUALIFIER})?"
    rf"|(?:client|child|person)[ \t]*{_CASE_QUALIFIER}"
    r")(?:[ \t]+is\b)?[ \t]*(?:[:#.-][ \t]*)?"
    # Not followed by " 9": a spaced number ("07700 900123") is left to the other detectors.
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9/-]{3,24})(?![A-Za-z0-9/-]|[ ]\d)",
    re.IGNORECASE,
)
_NOT_AN_IDENTIFIER = re.compile(
    rf"(?:19|20)\d\d(?:[/-]\d\d(?:\d\d)?)?|{_DAY}([/.-]){_MONTH_NUMBER}\1(?:\d{{4}}|\d{{2}})"
)


def _case_numbers(text: str) -> Iterator[_Hit]:
    for match in _CASE_NUMBER.finditer(text):
        identifier = match.group("id").rstrip("/-")
        if sum(c.isdigit() for c in identifier) < 4 or _NOT_AN_IDENTIFIER.fullmatch(identifier):
            continue
        start = match.start("id")
        yield _Hit(start, start + len(identifier), CASE_NUMBER)


# --- Postcodes -------------------------------------------------------------------------------
# A UK postcode: a known postcode area, a district ("SW1A", "B33", "DN55"), then the inward
# part, a digit and two letters from those Royal Mail uses (never C, I, K, M, O or V), with
# or without the space and in any case. Requiring a real area keeps "KS2" (key stage 2) and
# similar out; a lower-case ordinal ("L3 2nd") is prose, not an inward part.

_POSTCODE_AREAS = _word_set(
    """
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
    DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA
    LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE
    SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO
    ZE
    """
)
_POSTCODE = re.compile(
    r"\b(?P<area>[A-Z]{1,2})\d[A-Z\d]?[ ]?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_LOWER_CASE_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")


def _postcodes(text: str) -> Iterator[_Hit]:
    for match in _POSTCODE.finditer(text):
        if match.group("area").upper() not in _POSTCODE_AREAS:
            continue
        if _LOWER_CASE_ORDINAL.fullmatch(match.group("inward")):
            continue
        yield _Hit(match.start(), match.end(), POSTCODE)


# --- Phone numbers ---------------------------------------------------------------------------
# UK numbers start with 0 (or +44 / 0044, sometimes with "(0)"): mobiles are 07 and eleven
# digits; landlines and non-geographic numbers are 01, 02 or 03 and ten or eleven digits,
# grouped in the usual ways ("0161 496 0000", "020 7946 0000", "(01632) 960000"). Years,
# money and counts never start with 0 followed by one of those digits and a run of digits.

_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)44[ ]?(?:\(0\)[ ]?)?|\(?0)"
    r"[1237]\d{1,4}\)?[ -]?\d{3,4}[ -]?\d{2,4}(?!\d)"
)


def _national_digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and number.lstrip().startswith("+"):
        digits = digits[2:]
    return digits if digits.startswith("0") else "0" + digits


def _phone_numbers(text: str) -> Iterator[_Hit]:
    for match in _PHONE.finditer(text):
        digits = _national_digits(match.group())
        mobile = digits.startswith("07") and len(digits) == 11
        landline = digits[:2] in {"01", "02", "03"} and len(digits) in {10, 11}
        if mobile or landline:
            yield _Hit(match.start(), match.end(), PHONE_NUMBER)


# --- Names -----------------------------------------------------------------------------------
# Two or three capitalised words directly after a word for a child or family member
# ("mother Jane Smith", "child, Mary-Ann O'Neil", "the young person is Kai McDonald"), or a
# capitalised surname in "the Smith family". The trigger word gives the context, so a capital
# at the start of a sentence is not a worry; ordinary service vocabulary ("Child Protection
# Conference", "Family Group Conference") is ruled out by a stop list: a candidate is reported
# only if none of its words, nor a capitalised word straight after it, is on the list.

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_NAME_WORD = (
    rf"(?:[{_UPPER}]['’])?"  # the O' of O'Neil
    rf"[{_UPPER}](?:[{_LOWER}]{{0,2}}[{_UPPER}][{_LOWER}]+|[{_LOWER}]+)"  # Jane, McDonald
    rf"(?:-[{_UPPER}][{_LOWER}]+)?"  # the -Ann of Mary-Ann
)
_PERSON_WORD = (
    r"(?:foster[ \t]+carer|young[ \t]+person|children|families|child|mother|mum|mummy|father"
    r"|dad|daddy|parent|carer|grandmother|grandfather|grandma|grandpa|grandad|granddad|nan|nana"
    r"|nanna|gran|granny|son|daughter|baby|sibling|brother|sister|half-brother|half-sister"
    r"|stepbrother|stepsister|stepson|stepdaughter|twin|cousin|niece|nephew|toddler|teenager"
    r"|boy|girl|family|stepfather|stepmother|stepdad|stepmum|uncle|aunt|auntie|partner"
    r"|ex-partner|boyfriend|girlfriend|husband|wife|eldest|youngest|oldest|yp|cyp)s?"
)
_NAME_AFTER_PERSON_WORD = re.compile(
    rf"(?i:\b{_PERSON_WORD}\b)"
    r"(?:[ \t]*[,:(][ \t]*|[ \t]+(?i:called|named|is|was)[ \t]+|[ \t]+)"
    rf"(?P<name>{_NAME_WORD} {_NAME_WORD}(?: {_NAME_WORD})?)(?!\w)"
    rf"(?=(?: (?P<next>{_NAME_WORD}))?)"
)
_SURNAME_BEFORE_FAMILY = re.compile(
    rf"(?i:\bthe)[ \t]+(?P<name>{_NAME_WORD}(?: {_NAME_WORD})?)"
    r"[ \t]+(?i:family|household|children)\b"
)

_NOT_NAMES = _word_set(
    """
    protection plan plans conference conferences in need looked after care cared services
    service social work worker workers court courts order orders panel panels assessment
    assessments team teams centre centres center hub hubs support practice practices
    practitioner practitioners england safeguarding board partnership partnerships review
    reviews meeting meetings group groups early help act level training workshop workshops
    signs safety family families mental health camhs mash lado nhs think

    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    christmas easter eid diwali summer autumn winter spring term half holiday holidays day
    days week weeks month months year years

    manager managers lead leads officer officers adviser advisor advisory director senior
    principal independent reviewing agency agencies authority authorities council local
    county city borough police school schools virtual education educational nurse nursing
    visitor visitors hospital clinic justice youth offending exploitation sexual criminal abuse
    neglect domestic violence missing episode trauma informed attachment development overview
    death serious incident incidents quality assurance audit child children young people person
    persons parent parents parenting mother mothers father fathers mum mums dad dads carer
    carers foster fostering adoption adoptive kinship connected special guardian guardianship
    arrangements residential home homes placement placements leaving leavers corporate pathway
    personal learning disability disabilities send autism substance misuse drug drugs alcohol
    risk risks strategy discussion section statutory guidance working together framework
    frameworks standard standards model approach restorative systemic motivational interviewing
    life story direct time contact network forum voice advocacy participation rights unit
    module modules course courses programme programmes program steps toolkit tool graded profile
    public law outline proceedings letter before action first contextual harm lines front door
    duty intake referral referrals office directorate department wellbeing emotional behaviour
    behavioural speech language therapy therapist psychologist psychology clinical universal
    targeted specialist around book session sessions online microsoft zoom grandmother
    grandfather grandad nan son daughter baby sibling siblings brother sister boy girl
    stepfather stepmother uncle aunt partner partners finding visiting grandmothers
    grandfathers nans sons daughters babies brothers sisters boys girls uncles aunts

    i we he she they it his her their our my your the a an this that these those who what when
    where why how and or but also then there here yes no not all any every each some

    english british scottish welsh irish polish romanian asian african caribbean black white
    mixed traveller travellers gypsy roma muslim christian jewish sikh hindu
    """
)


def _is_ordinary_vocabulary(words: str | None) -> bool:
    if not words:
        return False
    return any(part.lower() in _NOT_NAMES for part in re.split(r"[ -]", words))


def _names(text: str) -> Iterator[_Hit]:
    for match in _NAME_AFTER_PERSON_WORD.finditer(text):
        if _is_ordinary_vocabulary(match.group("name")) or _is_ordinary_vocabulary(
            match.group("next")
        ):
            continue
        yield _Hit(match.start("name"), match.end("name"), NAME)
    for match in _SURNAME_BEFORE_FAMILY.finditer(text):
        if not _is_ordinary_vocabulary(match.group("name")):
            yield _Hit(match.start("name"), match.end("name"), NAME)


# --- First names --------------------------------------------------------------------------------
# A first name on its own is everyday ("Sarah said", "May I add"), so a first name is reported
# only with something that makes it a person in a case: a surname after it, an age, or a family
# word before it. The names are Faker's lists (see the module docstring).

_NAME_LOCALES = ("en", "en_GB", "en_US", "en_IE", "en_IN", "en_NZ", "en_PK", "en_NG", "pl_PL")
_NAME_LISTS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
# Common in England today and missing from those lists.
_MORE_FIRST_NAMES = _word_set(
    """
    Freya Poppy Priya Aoife Niamh Siobhan Oisin Cian Ffion Cerys Seren Rhys Dylan Alfie Archie
    Reggie Ronnie Teddy Arlo Rory Finley Harley Kacper Jakub Oskar Zofia Maja Aylin Ayesha
    Hamza Yusuf Ibrahim Zainab Maryam Fatima Amara Kofi Kwame Ade Tayo Chidi Ngozi Shanice
    Tyrone Jayden Kayden Kian Leighton Tia Demi Lacey Keeley Kayleigh Shannon Chantelle
    """
)
# Names that are also everyday words, places or common surnames: only with a listed surname
# after them ("Will Jones", not "Will Social Work England", "Grace Period" or "May Day").
_AMBIGUOUS_FIRST_NAMES = _word_set(
    """
    will may mark bill grace hope faith joy rose summer autumn angel chase dean guy pat sue
    don art gene ray drew wade reed rich sandy rob jack case early said major royal page price
    love star sky miles hunter lane cliff dale glen brook river stone forest holly ivy iris
    heather violet ruby pearl amber crystal daisy lily poppy jasmine hazel willow sage penny
    sterling baker carter mason young king long brown green gray grey white black august april
    june paris london victoria florence india jordan georgia chelsea sydney carolina dakota
    virginia alexandria austin dallas houston kent devon essex york lincoln chester clifford
    warwick harmony melody patience prudence mercy constance charity trinity christian earnest
    noble destiny honey candy ginger cherry misty rusty buck sonny bud chip woody clay cole
    sterling lou dawn eve heath frank sunny storm rain blue
    """
)


def _attribute_names(module: object, names: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for name in names:
        value = getattr(module, name, None) or ()
        found.update(value.keys() if isinstance(value, Mapping) else value)
    return found


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), lower case, loaded once on first use."""
    first: set[str] = set(_MORE_FIRST_NAMES)
    last: set[str] = set()
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first |= _attribute_names(provider, _NAME_LISTS)
        last |= _attribute_names(provider, ("last_names",))
    first_lower = {n.lower() for n in first if n.isalpha() and len(n) > 1}
    return frozenset(first_lower - _NOT_NAMES), frozenset(n.lower() for n in last)


def _is_first_name(word: str, *, strict: bool = False) -> bool:
    """Whether a capitalised word is a first name ("Mary-Ann" by its first part). ``strict``
    leaves out names that are also everyday words ("Will", "Grace")."""
    part = word.split("-")[0].lower()
    if part not in _name_lists()[0]:
        return False
    return not (strict and part in _AMBIGUOUS_FIRST_NAMES)


def _is_surname(word: str) -> bool:
    return word.split("-")[0].lower() in _name_lists()[1]


# Words after a name that make it the name of a place or a thing ("Mary Seacole House").
_NAMED_AFTER_SOMEONE = _word_set(
    """
    house building centre center hospital school primary academy nursery college university
    institute foundation trust lecture award prize memorial library unit road street avenue
    court research report review inquiry medal fund
    """
)
_ENDS_A_NAME = _NAMED_AFTER_SOMEONE | _NOT_NAMES
_TOKEN = re.compile(rf"(?<![\w'’-]){_NAME_WORD}(?![\w-])(?!['’](?!s\b))")


def _full_names(text: str) -> Iterator[_Hit]:
    """A first name and one or two capitalised words after it, anywhere: "Jane Smith",
    "Dr Priya Kaur Sandhu". Ordinary vocabulary ("Grace Period", "Will Social Work England")
    and places named after someone ("Mary Seacole House") are left alone."""
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        first = tokens[i]
        end = i + 1
        while (
            end < len(tokens)
            and end - i <= 2
            and text[tokens[end - 1].end() : tokens[end].start()] == " "
            and not _is_ordinary_vocabulary(tokens[end].group())
            and tokens[end].group().lower() not in _NAMED_AFTER_SOMEONE
        ):
            end += 1
        following = tokens[end] if end < len(tokens) else None
        named_thing = (
            following is not None
            and text[tokens[end - 1].end() : following.start()] == " "
            and following.group().lower() in _ENDS_A_NAME
        )
        word = first.group()
        ok = (
            end - i >= 2
            and not named_thing
            and not _is_ordinary_vocabulary(word)
            and _is_first_name(word)
            and (_is_first_name(word, strict=True) or _is_surname(tokens[i + 1].group()))
        )
        if ok:
            yield _Hit(first.start(), tokens[end - 1].end(), NAME)
            i = end
        else:
            i += 1


# A first name after a family word: "her brother Jack", "Mum Sarah", "mum's partner Dean",
# "a girl called Ella", "baby (Noah)".
_FIRST_NAME_AFTER_PERSON_WORD = re.compile(
    rf"(?i:\b{_PERSON_WORD}\b)(?:['’]s)?"
    r"(?:[ \t]*[,:(][ \t]*|[ \t]+(?i:called|named|is|was)[ \t]+|[ \t]+)"
    rf"(?P<name>{_NAME_WORD})(?![\w'’-])(?=(?: (?P<next>{_NAME_WORD}))?)"
)


def _relationship_names(text: str) -> Iterator[_Hit]:
    for match in _FIRST_NAME_AFTER_PERSON_WORD.finditer(text):
        name = match.group("name")
        if _is_ordinary_vocabulary(name) or _is_ordinary_vocabulary(match.group("next")):
            continue
        if _is_first_name(name):
            yield _Hit(match.start("name"), match.end("name"), NAME)


# --- Names with ages ------------------------------------------------------------------------
# "Tom, aged 7", "Tom (6)", "Ella, 9, said", "Tom is 7", "a 9-year-old called Ella".

_AGE = r"\d{1,2}(?!\d|[.,:/]\d|[ \t]*%)"  # not "7.5", "7,000", "7/10" or "7%"
_AGE_UNIT = r"(?:[ \t]*(?:years?|yrs?|months?)(?:[ \t]+old)?)?"
_NAME_THEN_AGE = re.compile(
    rf"(?P<name>{_NAME_WORD})(?![\w'’-])(?:"
    rf"(?P<aged>,?[ \t]+(?:who[ \t]+is[ \t]+|is[ \t]+)?(?i:aged|age)[ \t]+{_AGE}{_AGE_UNIT})"
    rf"|[ \t]*\((?i:aged[ \t]+|age[ \t]+)?{_AGE}{_AGE_UNIT}\)"
    rf"|,[ \t]+{_AGE}{_AGE_UNIT}(?=[ \t]*[,;)]|[ \t]+(?:and|was|is|has|had|said|told|lives)\b)"
    rf"|,?[ \t]+(?:is|was|turned|turns|now)[ \t]+{_AGE}(?:[ \t]+years?(?:[ \t]+old)?)?"
    r"(?![ \t]*(?:minutes|hours|days|weeks|per|times|of|out|percent|%|or|to|-))"
    r")"
)
_AGE_THEN_NAME = re.compile(
    r"\b\d{1,2}[ -](?:year|month)s?[ -]old(?:[ \t]+(?i:boy|girl|son|daughter|child|brother"
    r"|sister|baby|twins?))?"
    rf"(?:[ \t]*,[ \t]*|[ \t]+(?:called|named)[ \t]+|[ \t]+)(?P<name>{_NAME_WORD})(?![\w'’-])"
)


def _names_with_ages(text: str) -> Iterator[_Hit]:
    for match in _NAME_THEN_AGE.finditer(text):
        name = match.group("name")
        if _is_ordinary_vocabulary(name):
            continue
        # "aged 7" makes a person of any capitalised word; the shorter forms need a first name.
        if _is_first_name(name) or (match.group("aged") and not _starts_sentence(text, match)):
            yield _Hit(match.start(), match.end(), NAME_WITH_AGE)
    for match in _AGE_THEN_NAME.finditer(text):
        if _is_first_name(match.group("name")) and not _is_ordinary_vocabulary(match.group("name")):
            yield _Hit(match.start(), match.end(), NAME_WITH_AGE)


def _starts_sentence(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()].rstrip()
    return not before or before[-1] in ".!?:;\n\"'"


# --- Addresses -----------------------------------------------------------------------------
# "14 Elm Road", "3a Mill Lane", "Flat 3, Marsh Court", "lives on the Marsh Estate". The words
# of the street name must not be service vocabulary ("a 2 Day Court Skills course").

_STREET = (
    r"(?:Road|Rd|Street|St|Lane|Avenue|Ave|Close|Drive|Way|Crescent|Gardens|Place|Terrace|Grove"
    r"|Court|Mews|Rise|Walk|Row|Hill|Square|Park|View|Green|Parade|Vale|Gate|Wharf|Fields"
    r"|Estate|House|Tower|Towers|Lodge|Mansions|Heights|Point)\b"
)
# At most three words of a street name: bounded, so no backtracking runs away.
_STREET_NAME = rf"(?P<street>(?:{_NAME_WORD}(?:['’]s)?[ \t]+){{1,3}}){_STREET}"
_NUMBERED_STREET = re.compile(rf"(?<![\w£$.,/-])\d{{1,4}}[A-Za-z]?,?[ \t]+{_STREET_NAME}")
_FLAT = re.compile(
    rf"\b(?i:flat|apartment|apt)\.?[ \t]*\d{{1,4}}[A-Za-z]?\b(?:,?[ \t]+{_STREET_NAME})?"
)
_STREET_AFTER_HOME = re.compile(
    r"\b(?i:lives?|living|lived|moved|moving|staying|stays|stayed|address|home)[ \t]+"
    rf"(?i:on|at|in|to|is)[ \t]+(?:(?i:the)[ \t]+)?{_STREET_NAME}"
)


def _addresses(text: str) -> Iterator[_Hit]:
    for pattern in (_FLAT, _NUMBERED_STREET, _STREET_AFTER_HOME):
        for match in pattern.finditer(text):
            street = match.group("street")
            if street and _is_ordinary_vocabulary(street.strip()):
                if pattern is _FLAT:  # "Flat 3" alone still says where someone lives
                    yield _Hit(match.start(), match.start("street") - 1, ADDRESS)
                continue
            start = match.start("street") if pattern is _STREET_AFTER_HOME else match.start()
            yield _Hit(start, match.end(), ADDRESS)


# --- Schools and nurseries -----------------------------------------------------------------
# A school or nursery by its name: "St Mary's Primary", "Little Acorns Nursery", "Oakfield
# Academy", "Hill View C of E Junior School". The name must not be all vocabulary ("our Social
# Work Academy") nor hold a word for a kind of school ("Forest School", "the Virtual School",
# "Leadership Academy"; see _NOT_SCHOOL_NAMES), and "Primary", "Secondary",
# "Junior", "Infant" and "High" alone end the name ("Secondary Trauma" is not a school).

_SCHOOL_WORD = rf"{_NAME_WORD}(?:['’]s)?"
_SCHOOL = re.compile(
    rf"(?P<name>(?:\b(?:St|Saint)\.?[ \t]+)?(?:{_SCHOOL_WORD}[ \t]+){{1,4}})"
    r"(?:(?:C\.?[ \t]?of[ \t]?E\.?|CE|RC|Catholic|Church[ \t]+of[ \t]+England)[ \t]+)?"
    r"(?:(?P<level>Primary|Secondary|Infants?|Juniors?|High|Middle)"
    r"(?:[ \t]+(?P<kind>School|Academy))?"
    r"|(?P<place>Nursery|Pre-?[Ss]chool|Academy|School|Preparatory[ \t]+School|Prep[ \t]+School))"
    r"\b(?P<after>[ \t]+[A-Z])?"
)
_NOT_SCHOOL_NAMES = _word_set(
    """
    forest virtual summer sunday medical business law graduate boarding state private special
    free grammar local mainstream residential leadership management teaching research hospital
    nursing first steps open frontline step up think ahead fast track my our your his her
    their the a an this that at in on to from and with for of attended visited
    """
)


def _schools(text: str) -> Iterator[_Hit]:
    for match in _SCHOOL.finditer(text):
        if match.group("level") and not match.group("kind") and match.group("after"):
            continue
        words = [w for w in re.split(r"[ \t]+", match.group("name").strip()) if w]
        words = [re.sub(r"['’]s$", "", w) for w in words if w.rstrip(".") not in {"St", "Saint"}]
        if not words or any(w.lower() in _NOT_SCHOOL_NAMES for w in words):
            continue
        if all(_is_ordinary_vocabulary(w) for w in words):  # "the Early Years Academy"
            continue
        end = match.end("after") - 2 if match.group("after") else match.end()
        yield _Hit(match.start(), end, SCHOOL)
        # A first name with the school: "Ella at St Mary's Primary", "Ryan goes to ...".
        pupil = _PUPIL_BEFORE_SCHOOL.search(text, max(0, match.start() - 40), match.start())
        if pupil is None:
            pupil = _PUPIL_AFTER_SCHOOL.match(text, end)
        if pupil and _is_first_name(pupil.group("name")):
            yield _Hit(pupil.start("name"), pupil.end("name"), NAME)


_PUPIL_BEFORE_SCHOOL = re.compile(
    rf"(?P<name>{_NAME_WORD})(?:['’]s[ \t]+(?:school|nursery|class|teacher)|[ \t]+(?:is[ \t]+)?"
    r"(?:at|attends|attending|goes[ \t]+to|started[ \t]+at|from|in[ \t]+reception[ \t]+at))"
    r"[ \t]+(?:(?:the[ \t]+)?)\Z"
)
_PUPIL_AFTER_SCHOOL = re.compile(
    r"[ \t]+(?:said|says|told[ \t]+(?:me|us)|reported|shared|raised|think|thinks|noticed)"
    rf"(?:[ \t]+that)?[ \t]+(?P<name>{_NAME_WORD})(?![\w-])"
)


# --- Putting them together -------------------------------------------------------------------

# Most specific first: where two detectors claim overlapping text, the earlier one wins.
# A labelled detail ("DOB ...", "NHS no ...", "case ref ...") says what it is; a number that
# only has the right shape comes after.
_DETECTORS: tuple[_Detector, ...] = (
    _dates_of_birth,
    _nhs_numbers_labelled,
    _case_numbers,
    _nhs_numbers_by_check_digit,
    _phone_numbers,
    _postcodes,
    _names_with_ages,
    _addresses,
    _schools,
    _names,
    _relationship_names,
    _full_names,
)


def _hits(text: str) -> list[_Hit]:
    taken: list[_Hit] = []
    for detector in _DETECTORS:
        for hit in detector(text):
            if not any(hit.start < other.end and other.start < hit.end for other in taken):
                taken.append(hit)
    return sorted(taken, key=lambda hit: (hit.start, hit.end))


def scan(fields: Mapping[str, str | None]) -> list[Finding]:
    """Every finding in the given texts, in field order then position order, without duplicates.

    Empty and None fields are skipped. The same text of the same kind in the same field is
    reported once.
    """
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for field, text in fields.items():
        if not text:
            continue
        for hit in _hits(text):
            finding = Finding(field, hit.kind, text[hit.start : hit.end][:EXCERPT_LIMIT])
            if finding not in seen:
                seen.add(finding)
                findings.append(finding)
    return findings
