#!/usr/bin/env python3
"""Generate the fictional Northbrook Borough Council demo seed data.

Writes, next to this script:
  council.yaml  - council name, service areas, teams, job roles
  staff.csv     - ~150 fictional staff in a line-management tree
  logins.csv    - one demo login per persona

Everything here is invented.  Team names and post titles are modelled on a
2016 council establishment list (reference data), but every person is
fictional: names are drawn from a curated pool of common modern British
first names and surnames, and the pool has been checked so that no surname
appears in the real strategy documents used elsewhere in the project.

Deterministic: random.Random(2026).  Run:  python3 generate_demo_staff.py
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import random
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(2026)

COUNCIL_NAME = "Northbrook Borough Council"
EMAIL_DOMAIN = "northbrook.gov.example"
TODAY = dt.date(2026, 11, 23)           # the demo's "today"
LATEST_START = dt.date(2026, 11, 1)
NQSW_EARLIEST = TODAY - dt.timedelta(days=364)   # within the last 12 months

CSC = "Children's Social Care"
EH = "Early Help"

# --------------------------------------------------------------------------
# Teams (modelled on the 2016 establishment list; 9 CSC + 6 Early Help)
# --------------------------------------------------------------------------
TEAMS = [
    ("Children's Social Care - Management Team", CSC),
    ("Access & Assessment", CSC),
    ("Children in Care & Leaving Care Team", CSC),
    ("Children and Young People's Disability Team", CSC),
    ("Family Placements - Fostering", CSC),
    ("Family Placements - Adoption & Permanence", CSC),
    ("Safeguarding & Performance", CSC),
    ("Short Breaks & Residential", CSC),
    ("Business Support & PA Services", CSC),
    ("West Area Team", EH),
    ("East Area Youth Team", EH),
    ("Youth Offending Service", EH),
    ("Edge of Care Service", EH),
    ("North Cluster Children's Centre", EH),
    ("Community & Child Psychology", EH),
]

# --------------------------------------------------------------------------
# Job roles: (title, grade, regulator)
# --------------------------------------------------------------------------
JOB_ROLES = [
    ("Director of Children's Services", "Chief Officer", "none"),
    ("Head of Service", "Grade 15", "none"),
    ("Service Manager", "Grade 14", "swe"),
    ("Principal Social Worker", "SW Grade 13", "swe"),
    ("Team Manager", "SW Grade 12", "swe"),
    ("Assistant Team Manager", "SW Grade 11", "swe"),
    ("Advanced Practitioner", "SW Grade 11", "swe"),
    ("Senior Social Worker", "SW Grade 10", "swe"),
    ("Social Worker", "SW Grade 9", "swe"),
    ("Newly Qualified Social Worker (ASYE)", "SW Grade 8", "swe"),
    ("Social Work Apprentice", "Grade 4", "none"),
    ("Step Up to Social Work Trainee", "Trainee (bursary)", "none"),
    ("Social Work Student", "Student placement", "none"),
    ("Social Work Assistant", "Grade 6", "none"),
    ("Independent Reviewing Officer", "SW Grade 11", "swe"),
    ("Child Protection Chair", "SW Grade 11", "swe"),
    ("Fostering Social Worker", "SW Grade 9", "swe"),
    ("Supervising Social Worker", "SW Grade 10", "swe"),
    ("Quality Assurance Officer", "Grade 9", "none"),
    ("Workforce Learning and Development Manager", "Grade 12", "none"),
    ("Workforce Development Officer", "Grade 8", "none"),
    ("Early Help Team Manager", "Grade 11", "none"),
    ("Senior Early Help Practitioner", "Grade 8", "none"),
    ("Early Help Practitioner", "Grade 7", "none"),
    ("Family Support Worker", "Grade 6", "none"),
    ("Family Worker", "Grade 6", "none"),
    ("Senior Youth Worker", "Grade 8", "none"),
    ("Youth Worker", "Grade 6", "none"),
    ("Youth Justice Officer", "Grade 8", "none"),
    ("Registered Manager (Residential)", "Grade 11", "none"),
    ("Senior Residential Child Care Officer", "Grade 7", "none"),
    ("Residential Child Care Officer", "Grade 6", "none"),
    ("Principal Educational Psychologist", "Soulbury", "hcpc"),
    ("Senior Educational Psychologist", "Soulbury", "hcpc"),
    ("Educational Psychologist", "Soulbury", "hcpc"),
    ("Clinical Psychologist", "Grade 12", "hcpc"),
    ("Occupational Therapist", "Grade 9", "hcpc"),
    ("Specialist Nurse (Children in Care)", "Grade 10", "nmc"),
    ("Children's Centre Manager", "Grade 10", "none"),
    ("Children's Centre Practitioner", "Grade 6", "none"),
    ("Activity Worker", "Grade 3", "none"),
    ("Contact Supervisor", "Grade 5", "none"),
    ("Business Support Manager", "Grade 8", "none"),
    ("Business Support Officer", "Grade 4", "none"),
    ("Personal Assistant", "Grade 6", "none"),
]
ROLE_REGULATOR = {t: r for t, _, r in JOB_ROLES}
PSYCHOLOGISTS = {
    "Principal Educational Psychologist", "Senior Educational Psychologist",
    "Educational Psychologist", "Clinical Psychologist",
}

# --------------------------------------------------------------------------
# Establishment: per team, a list of (key, role, count, manager, emp_types)
#   key      - label for this position (used as a manager reference)
#   manager  - a key in this team, "ATM*"-style wildcard (round-robin over
#              keys with that prefix), or "@KEY" for a key in the management
#              team.
#   emp_types- list of employment types (padded with "permanent")
# --------------------------------------------------------------------------
MGMT = "Children's Social Care - Management Team"
ESTABLISHMENT = {
    MGMT: [
        ("DCS", "Director of Children's Services", 1, None, []),
        ("HOS_CSC", "Head of Service", 1, "DCS", []),
        ("HOS_EH", "Head of Service", 1, "DCS", []),
        ("SM_AI", "Service Manager", 1, "HOS_CSC", []),     # assessment & intervention
        ("SM_PP", "Service Manager", 1, "HOS_CSC", []),     # placements & permanence
        ("SM_QR", "Service Manager", 1, "HOS_CSC", []),     # quality & reviewing
        ("SM_EH", "Service Manager", 1, "HOS_EH", []),      # early help & prevention
        ("SM_YS", "Service Manager", 1, "HOS_EH", []),      # youth & specialist
        ("PSW", "Principal Social Worker", 1, "HOS_CSC", []),
        ("PA_DCS", "Personal Assistant", 1, "DCS", []),
        ("PA_HOS", "Personal Assistant", 1, "HOS_CSC", []),
    ],
    "Access & Assessment": [
        ("TM", "Team Manager", 1, "@SM_AI", []),
        ("ATM", "Assistant Team Manager", 2, "TM", []),
        ("AP", "Advanced Practitioner", 1, "TM", []),
        ("SSW", "Senior Social Worker", 2, "ATM*", ["agency"]),
        ("SW", "Social Worker", 5, "ATM*", ["permanent", "agency", "permanent", "agency"]),
        ("NQ", "Newly Qualified Social Worker (ASYE)", 3, "ATM*", []),
        ("SU", "Step Up to Social Work Trainee", 1, "AP", ["student"]),
    ],
    "Children in Care & Leaving Care Team": [
        ("TM", "Team Manager", 1, "@SM_AI", []),
        ("ATM", "Assistant Team Manager", 1, "TM", []),
        ("AP", "Advanced Practitioner", 1, "TM", []),
        ("SSW", "Senior Social Worker", 1, "ATM", []),
        ("SW", "Social Worker", 4, "ATM", ["permanent", "permanent", "agency"]),
        ("NQ", "Newly Qualified Social Worker (ASYE)", 2, "ATM", []),
        ("SU", "Step Up to Social Work Trainee", 1, "AP", ["student"]),
        ("APP", "Social Work Apprentice", 1, "AP", ["apprentice"]),
        ("NURSE", "Specialist Nurse (Children in Care)", 1, "TM", []),
        ("CS", "Contact Supervisor", 1, "ATM", []),
    ],
    "Children and Young People's Disability Team": [
        ("TM", "Team Manager", 1, "@SM_AI", []),
        ("ATM", "Assistant Team Manager", 1, "TM", []),
        ("SSW", "Senior Social Worker", 1, "ATM", []),
        ("SW", "Social Worker", 3, "ATM", ["permanent", "agency"]),
        ("NQ", "Newly Qualified Social Worker (ASYE)", 1, "ATM", []),
        ("APP", "Social Work Apprentice", 1, "SSW", ["apprentice"]),
        ("OT", "Occupational Therapist", 2, "TM", []),
        ("FSW", "Family Support Worker", 1, "ATM", []),
        ("SWA", "Social Work Assistant", 1, "ATM", []),
    ],
    "Family Placements - Fostering": [
        ("TM", "Team Manager", 1, "@SM_PP", []),
        ("ATM", "Assistant Team Manager", 1, "TM", []),
        ("FSW", "Fostering Social Worker", 3, "ATM", []),
        ("SUP", "Supervising Social Worker", 2, "ATM", []),
        ("NQ", "Newly Qualified Social Worker (ASYE)", 1, "ATM", []),
        ("STU", "Social Work Student", 1, "SUP1", ["student"]),
        ("APP", "Social Work Apprentice", 1, "SUP2", ["apprentice"]),
    ],
    "Family Placements - Adoption & Permanence": [
        ("TM", "Team Manager", 1, "@SM_PP", []),
        ("SSW", "Senior Social Worker", 2, "TM", []),
        ("SW", "Social Worker", 2, "TM", []),
        ("NQ", "Newly Qualified Social Worker (ASYE)", 1, "TM", []),
        ("SWA", "Social Work Assistant", 1, "TM", []),
    ],
    "Safeguarding & Performance": [
        ("TM", "Team Manager", 1, "@SM_QR", []),
        ("IRO", "Independent Reviewing Officer", 3, "TM", []),
        ("CPC", "Child Protection Chair", 2, "TM", []),
        ("QA", "Quality Assurance Officer", 2, "TM", ["fixed_term"]),
        ("WFLD", "Workforce Learning and Development Manager", 1, "TM", []),
        ("WDO", "Workforce Development Officer", 2, "WFLD", ["permanent", "secondment"]),
    ],
    "Short Breaks & Residential": [
        ("RM", "Registered Manager (Residential)", 1, "@SM_PP", []),
        ("SRCCO", "Senior Residential Child Care Officer", 2, "RM", []),
        ("RCCO", "Residential Child Care Officer", 6, "SRCCO*", []),
        ("AW", "Activity Worker", 1, "SRCCO1", []),
    ],
    "Business Support & PA Services": [
        ("BSM", "Business Support Manager", 1, "@SM_QR", []),
        ("BSO", "Business Support Officer", 7, "BSM", []),
    ],
    "West Area Team": [
        ("TM", "Early Help Team Manager", 1, "@SM_EH", []),
        ("SEHP", "Senior Early Help Practitioner", 2, "TM", []),
        ("EHP", "Early Help Practitioner", 4, "SEHP*", ["fixed_term"]),
        ("FW", "Family Worker", 3, "SEHP*", []),
        ("FSW", "Family Support Worker", 1, "SEHP1", []),
    ],
    "East Area Youth Team": [
        ("TM", "Early Help Team Manager", 1, "@SM_YS", []),
        ("SYW", "Senior Youth Worker", 1, "TM", []),
        ("YW", "Youth Worker", 5, "SYW", []),
        ("AW", "Activity Worker", 1, "SYW", []),
    ],
    "Youth Offending Service": [
        ("TM", "Early Help Team Manager", 1, "@SM_YS", []),
        ("SW", "Social Worker", 1, "TM", ["secondment"]),
        ("YJO", "Youth Justice Officer", 6, "TM", []),
        ("YW", "Youth Worker", 1, "TM", []),
        ("BSO", "Business Support Officer", 1, "TM", []),
    ],
    "Edge of Care Service": [
        ("TM", "Early Help Team Manager", 1, "@SM_EH", []),
        ("AP", "Advanced Practitioner", 1, "TM", []),
        ("SW", "Social Worker", 1, "AP", []),
        ("FSW", "Family Support Worker", 3, "AP", []),
        ("FW", "Family Worker", 1, "TM", []),
        ("CS", "Contact Supervisor", 1, "TM", []),
    ],
    "North Cluster Children's Centre": [
        ("CCM", "Children's Centre Manager", 1, "@SM_EH", []),
        ("SEHP", "Senior Early Help Practitioner", 1, "CCM", []),
        ("CCP", "Children's Centre Practitioner", 4, "SEHP", []),
        ("AW", "Activity Worker", 3, "SEHP", []),
    ],
    "Community & Child Psychology": [
        ("PEP", "Principal Educational Psychologist", 1, "@SM_YS", []),
        ("SEP", "Senior Educational Psychologist", 1, "PEP", []),
        ("EP", "Educational Psychologist", 4, "SEP", []),
        ("CP", "Clinical Psychologist", 1, "PEP", ["fixed_term"]),
        ("BSO", "Business Support Officer", 1, "PEP", []),
    ],
}

# Six leavers: (team, position key) - never anyone who manages current staff.
LEAVERS = [
    ("Access & Assessment", "SW4"),                  # agency assignment ended
    ("Children in Care & Leaving Care Team", "SW4"),
    ("West Area Team", "FW3"),
    ("Short Breaks & Residential", "RCCO6"),
    ("East Area Youth Team", "YW5"),
    ("Business Support & PA Services", "BSO7"),
]

# --------------------------------------------------------------------------
# Fictional name pool.  Groups reflect a diverse modern English borough.
# (weight, first names, surnames).  Checked against the seed documents:
# no surname here appears in any of them.
# --------------------------------------------------------------------------
NAME_GROUPS = [
    # White British / Irish / Welsh / Scottish
    (54,
     ["Oliver", "Jack", "Harry", "George", "Thomas", "Daniel", "Matthew",
      "Sophie", "Emily", "Charlotte", "Lucy", "Hannah", "Rebecca", "Laura",
      "Gemma", "Claire", "Rachel", "Joanne", "Karen", "Amy",
      "Megan", "Chloe", "Ellie", "Liam", "Connor", "Ciaran", "Siobhan",
      "Niamh", "Aoife", "Mark", "Stuart", "Craig", "Gareth", "Rhys", "Bethan",
      "Siân", "Kirsty", "Fiona", "Ewan", "Callum", "Nicola", "Dawn", "Tracey",
      "Lindsey", "Phoebe", "Imogen", "Freya", "Jessica", "Natalie", "Zoe",
      "Adam", "Sam", "Joe", "Alex", "Katie", "Holly", "Paul", "Simon",
      "Andrew", "Louise", "Alison", "Jenny", "Victoria", "Abigail", "Ruth"],
     ["Whitfield", "Harrington", "Pemberton", "Ashworth", "Holloway",
      "Fairbrother", "Kendrick", "Marsden", "Thornton", "Brennan", "Gallagher",
      "Doherty", "Kavanagh", "O'Sullivan", "McAllister", "Fraser", "Pritchard",
      "Llewellyn", "Griffiths", "Bevan", "Cartwright", "Atkinson", "Radcliffe",
      "Gibbons", "Sutcliffe", "Pickering", "Crossley", "Winterbottom",
      "Dawson", "Fletcher", "Naylor", "Hargreaves", "Barlow", "Kershaw",
      "Ogden", "Tennant", "Armitage", "Chadwick", "Fenwick", "Greaves",
      "Hollis", "Rowntree", "Tindall", "Wainwright", "Yardley", "Nolan",
      "Callaghan", "McBride", "Henshaw", "Lockwood", "Pearce", "Stanley",
      "Haworth", "Critchley", "Dunmore", "Ellison", "Garside",
      "Hepworth", "Ingram", "Jarvis", "Kirkham", "Lister", "Metcalfe",
      "Nuttall", "Oakley", "Pilling", "Royle", "Shackleton", "Thwaite",
      "Ackroyd", "Blackburn", "Clegg", "Drinkwater", "Clarke-Bennett"]),
    # Gujarati / Hindu heritage
    (5,
     ["Priya", "Anjali", "Ravi", "Arjun", "Sunita", "Nikhil", "Deepa", "Kiran",
      "Rajesh", "Neha", "Rohan", "Meera", "Anika", "Vikram", "Hetal", "Jay"],
     ["Patel", "Sharma", "Gupta", "Chauhan", "Mistry", "Joshi", "Desai",
      "Kotecha", "Lakhani", "Parmar", "Solanki", "Bhatt"]),
    # Punjabi Sikh heritage
    (3,
     ["Harpreet", "Gurpreet", "Jaspreet", "Manpreet", "Simran", "Amrit",
      "Navdeep", "Kuldip", "Rajvinder"],
     ["Sandhu", "Dhillon", "Bains", "Sidhu", "Grewal", "Johal"]),
    # South Indian / Sri Lankan heritage
    (1.5,
     ["Anand", "Lakshmi", "Dilani", "Kasun", "Nirmala", "Suresh"],
     ["Nair", "Pillai", "Fernando", "Perera", "Jayasinghe"]),
    # Pakistani / Bangladeshi heritage
    (8,
     ["Aisha", "Ayesha", "Imran", "Bilal", "Zainab", "Fatima", "Omar", "Hamza",
      "Sana", "Nadia", "Farhan", "Rukhsana", "Shabana", "Tariq", "Yasmin",
      "Rahima", "Shahid", "Nusrat", "Tahmina", "Sajid", "Asif", "Saima"],
     ["Hussain", "Khan", "Akhtar", "Mahmood", "Iqbal", "Rashid", "Qureshi",
      "Chaudhry", "Rahman", "Uddin", "Miah", "Chowdhury", "Ahmed",
      "Siddiqui", "Malik", "Butt", "Anwar"]),
    # Nigerian heritage
    (4,
     ["Chidi", "Chinonso", "Ngozi", "Adaeze", "Oluwaseun", "Tunde", "Folake",
      "Temitope", "Yetunde", "Kemi", "Femi", "Kayode", "Nkechi", "Bukola"],
     ["Okafor", "Okonkwo", "Adeyemi", "Adebayo", "Balogun", "Oyelaran",
      "Nwosu", "Eze", "Oladipo", "Afolabi"]),
    # Ghanaian heritage
    (2,
     ["Kwame", "Kofi", "Ama", "Akosua", "Abena", "Efua", "Yaw"],
     ["Mensah", "Asante", "Owusu", "Boateng", "Darko", "Appiah"]),
    # Zimbabwean / southern African heritage
    (1.5,
     ["Themba", "Thandiwe", "Tendai", "Rutendo", "Farai", "Nyasha"],
     ["Moyo", "Ncube", "Dube", "Chikwanha", "Mutasa"]),
    # Sierra Leonean / Gambian heritage
    (1,
     ["Fatou", "Mariama", "Aminata", "Alieu", "Isatou"],
     ["Jallow", "Sesay", "Kamara", "Bangura"]),
    # Somali heritage
    (1.5,
     ["Abdi", "Hodan", "Amina", "Ayaan", "Mohamed", "Sagal"],
     ["Warsame", "Farah", "Abdullahi", "Egal"]),
    # Caribbean heritage
    (6,
     ["Marcus", "Jermaine", "Andre", "Tyrone", "Shanice", "Jade", "Chantelle",
      "Keisha", "Leon", "Kayla", "Nathaniel", "Jordan", "Tanisha", "Donovan",
      "Marcia", "Delroy"],
     ["Beckford", "Lindo", "Samuels", "Forbes", "Gayle", "McKenzie",
      "Francis", "Henry", "Reid", "Campbell", "Brown", "Anderson", "Gordon",
      "Williams", "Richards", "Edwards"]),
    # Chinese / Hong Kong heritage
    (3,
     ["Wei", "Mei", "Jia", "Hui", "Ming", "Yan", "Grace", "Kevin", "Cheng",
      "Jun", "Ka-Yan"],
     ["Chen", "Wong", "Zhang", "Cheung", "Lau", "Yeung", "Leung", "Tsang"]),
    # Vietnamese heritage
    (1,
     ["Linh", "Thanh", "Minh", "Hoa", "Trang"],
     ["Nguyen", "Tran", "Pham"]),
    # Polish heritage
    (4,
     ["Katarzyna", "Agnieszka", "Magdalena", "Piotr", "Tomasz", "Marta",
      "Aleksandra", "Ewa", "Andrzej", "Jakub", "Monika"],
     ["Nowak", "Kowalczyk", "Mazur", "Krawczyk", "Woźniak", "Kaczmarek"]),
    # Romanian heritage
    (2,
     ["Ioana", "Andreea", "Mihai", "Elena", "Bogdan", "Alina"],
     ["Popescu", "Ionescu", "Dumitru", "Radu"]),
    # Hungarian / Slovak heritage
    (1,
     ["Lukas", "Tamás", "Zsófia", "Katalin", "Marek", "Petra"],
     ["Horvath", "Novak", "Nagy", "Varga"]),
    # Turkish heritage
    (1.5,
     ["Leyla", "Emre", "Elif", "Mehmet", "Yusuf", "Zeynep"],
     ["Yilmaz", "Demir", "Kaya", "Aydin"]),
    # Arab heritage
    (1.5,
     ["Mariam", "Layla", "Karim", "Rania", "Samir", "Dalia"],
     ["Haddad", "Nasser", "Khalil", "Mansour", "Aziz"]),
    # Iranian / Kurdish heritage
    (1,
     ["Reza", "Shirin", "Dara", "Navid", "Roya"],
     ["Karimi", "Rahimi", "Hosseini"]),
]


def ascii_slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = s.lower().replace("'", "").replace(" ", "")
    return re.sub(r"[^a-z-]", "", s)


def rand_date(a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=RNG.randint(0, (b - a).days))


def d(y, m=1, day=1):
    return dt.date(y, m, day)


# start-date windows by role (employment type may override below)
START_WINDOW = {
    "Director of Children's Services": (d(2019, 4), d(2022, 9)),
    "Head of Service": (d(2004), d(2021)),
    "Service Manager": (d(2001), d(2020)),
    "Principal Social Worker": (d(2008), d(2021)),
    "Team Manager": (d(2003), d(2022)),
    "Early Help Team Manager": (d(2003), d(2021)),
    "Registered Manager (Residential)": (d(2002), d(2019)),
    "Children's Centre Manager": (d(2004), d(2020)),
    "Principal Educational Psychologist": (d(2001), d(2016)),
    "Business Support Manager": (d(1998), d(2015)),
    "Assistant Team Manager": (d(2008), d(2023)),
    "Advanced Practitioner": (d(2006), d(2022)),
    "Workforce Learning and Development Manager": (d(2005), d(2019)),
}
DEFAULT_WINDOW = (d(1998), d(2025, 6))
SW_WINDOW = (d(2012), d(2025, 9))


def start_window(role: str, emp: str):
    if emp == "agency":
        return (d(2024, 1), d(2026, 9))
    if emp == "apprentice":
        return (d(2023, 9), d(2025, 9))
    if emp == "student":
        if role == "Step Up to Social Work Trainee":
            return (d(2026, 1, 5), d(2026, 1, 5))   # 2026-27 Step Up cohort
        return (d(2026, 9, 14), d(2026, 10, 5))     # final-year placement
    if emp == "fixed_term":
        return (d(2024, 4), d(2026, 6))
    if emp == "secondment":
        return (d(2025, 1), d(2026, 7))
    if role == "Newly Qualified Social Worker (ASYE)":
        return (max(NQSW_EARLIEST, d(2025, 12)), d(2026, 10, 12))
    if role in START_WINDOW:
        return START_WINDOW[role]
    if role in ("Social Worker", "Senior Social Worker", "Fostering Social Worker",
                "Supervising Social Worker"):
        return SW_WINDOW
    return DEFAULT_WINDOW


def pick_fte(role: str, emp: str) -> str:
    if role in ("Newly Qualified Social Worker (ASYE)", "Director of Children's Services",
                "Head of Service", "Service Manager", "Team Manager") or emp in (
                    "student", "apprentice", "agency"):
        return "1.00"
    if role == "Activity Worker":
        return RNG.choice(["0.40", "0.50", "0.60", "0.40"])
    r = RNG.random()
    if r < 0.78:
        return "1.00"
    return RNG.choice(["0.90", "0.80", "0.80", "0.60", "0.50", "0.70"])


def main():
    # ---------------- positions ----------------
    team_names = [t for t, _ in TEAMS]
    assert set(ESTABLISHMENT) == set(team_names)
    positions = []          # dicts
    index = {}              # (team, key) -> position
    for team in team_names:
        for key, role, count, mgr, emps in ESTABLISHMENT[team]:
            assert role in ROLE_REGULATOR, role
            for i in range(count):
                pkey = key if count == 1 else f"{key}{i + 1}"
                emp = emps[i] if i < len(emps) else "permanent"
                p = dict(team=team, key=pkey, base=key, role=role, mgr_spec=mgr,
                         idx=i, emp=emp)
                positions.append(p)
                index[(team, pkey)] = p
                if count == 1:
                    index[(team, f"{key}1")] = p

    # resolve managers to positions
    for p in positions:
        spec = p["mgr_spec"]
        if spec is None:
            p["mgr"] = None
        elif spec.startswith("@"):
            p["mgr"] = index[(MGMT, spec[1:])]
        elif spec.endswith("*"):
            base = spec[:-1]
            cands = [q for q in positions if q["team"] == p["team"] and q["base"] == base]
            p["mgr"] = cands[p["idx"] % len(cands)]
        else:
            p["mgr"] = index[(p["team"], spec)]

    # ---------------- names ----------------
    weights = [g[0] for g in NAME_GROUPS]
    used_full, used_surname_count = set(), {}
    for p in positions:
        while True:
            g = RNG.choices(NAME_GROUPS, weights=weights)[0]
            first, last = RNG.choice(g[1]), RNG.choice(g[2])
            if (first, last) in used_full or used_surname_count.get(last, 0) >= 2:
                continue
            break
        used_full.add((first, last))
        used_surname_count[last] = used_surname_count.get(last, 0) + 1
        p["first"], p["last"] = first, last

    # ---------------- dates, fte ----------------
    for p in positions:
        a, b = start_window(p["role"], p["emp"])
        p["start"] = rand_date(a, min(b, LATEST_START))
        is_mgr = any(q["mgr"] is p for q in positions)
        p["fte"] = (("1.00" if RNG.random() < 0.85 else RNG.choice(["0.90", "0.80"]))
                    if is_mgr else pick_fte(p["role"], p["emp"]))
        p["leave"] = None
    # managers in post no later than the people they manage only loosely matters;
    # keep it tidy for managers of managers: nothing to enforce.
    for team, key in LEAVERS:
        p = index[(team, key)]
        assert not any(q["mgr"] is p for q in positions), (team, key)
        if p["start"] >= d(2025, 6):
            p["start"] = rand_date(d(2019, 1) if p["emp"] != "agency" else d(2024, 1), d(2025, 5))
        lo = max(d(2025, 1, 1), p["start"] + dt.timedelta(days=120))
        p["leave"] = rand_date(lo, d(2026, 10, 31))

    # ---------------- employee numbers (roughly in start order) ----------------
    order = sorted(positions, key=lambda q: (q["start"], q["team"], q["key"]))
    n = 10000 + RNG.randint(100, 400)
    for p in order:
        n += RNG.randint(7, 160)
        p["emp_no"] = f"E{n:05d}"
    assert n < 100000

    # ---------------- emails ----------------
    used_emails = set()
    for p in positions:
        base = f"{ascii_slug(p['first'])}.{ascii_slug(p['last'])}"
        email, k = f"{base}@{EMAIL_DOMAIN}", 1
        while email in used_emails:
            k += 1
            email = f"{base}{k}@{EMAIL_DOMAIN}"
        used_emails.add(email)
        p["email"] = email

    # ---------------- registration numbers ----------------
    used_regs = set()
    for p in positions:
        reg = ROLE_REGULATOR[p["role"]]
        p["regulator"] = reg
        while True:
            if reg == "swe":
                num = f"SW{RNG.randint(10000, 999999)}"
            elif reg == "hcpc":
                prefix = "PYL" if p["role"] in PSYCHOLOGISTS else "OT"
                num = f"{prefix}{RNG.randint(10000, 99999)}"
            elif reg == "nmc":
                L = "ABCDEFGHJKLMNPRSTUVWXY"
                num = (f"{RNG.randint(0, 99):02d}{RNG.choice(L)}"
                       f"{RNG.randint(0, 9999):04d}{RNG.choice('ABCDEFGHJKLMNPRSTUVWXY')}")
            else:
                num = ""
            if not num or num not in used_regs:
                break
        if num:
            used_regs.add(num)
        p["reg_no"] = num

    # ---------------- write council.yaml ----------------
    def q(s):
        return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

    lines = [
        "# Fictional demo council for the learning & development tracker.",
        "# Team names and post titles are modelled on a 2016 English council",
        "# establishment list; the council and everyone in staff.csv are invented.",
        "# Generated by generate_demo_staff.py - edit the script, not this file.",
        f"council_name: {q(COUNCIL_NAME)}   # fictional council",
        "service_areas:",
        f"  - name: {q(CSC)}",
        f"  - name: {q(EH)}",
        "teams:",
    ]
    for t, sa in TEAMS:
        lines.append(f"  - {{name: {q(t)}, service_area: {q(sa)}}}")
    lines.append("job_roles:")
    for t, g, r in JOB_ROLES:
        lines.append(f"  - {{title: {q(t)}, grade: {q(g)}, regulator: {r}}}")
    with open(os.path.join(HERE, "council.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    # ---------------- write staff.csv ----------------
    header = ["employee_number", "first_name", "last_name", "work_email", "team",
              "job_role", "line_manager", "employment_type", "fte", "start_date",
              "leaving_date", "regulator", "registration_number"]
    rows = sorted(positions, key=lambda p: p["emp_no"])
    with open(os.path.join(HERE, "staff.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for p in rows:
            w.writerow([p["emp_no"], p["first"], p["last"], p["email"], p["team"],
                        p["role"], p["mgr"]["emp_no"] if p["mgr"] else "", p["emp"],
                        p["fte"], p["start"].isoformat(),
                        p["leave"].isoformat() if p["leave"] else "",
                        p["regulator"], p["reg_no"]])

    # ---------------- write logins.csv ----------------
    def current(p):
        return p["leave"] is None

    def has_reports(p):
        return any(q["mgr"] is p and current(q) for q in positions)

    def first(pred):
        return next(p for p in positions if pred(p))

    practitioner = first(lambda p: p["role"] == "Social Worker" and p["emp"] == "permanent"
                         and current(p) and not has_reports(p)
                         and p["team"] == "Access & Assessment")
    personas = [
        ("practitioner",
         practitioner,
         "",
         "A social worker: My learning, the course catalogue and bookings, certificates, frameworks."),
        ("nqsw",
         first(lambda p: p["role"] == "Newly Qualified Social Worker (ASYE)" and current(p)),
         "",
         "A newly qualified social worker in their ASYE year: My learning and bookings."),
        # The practitioner's own line manager, so the CPD the practitioner shares reaches them.
        ("line_manager",
         practitioner["mgr"],
         "",
         "The practitioner's line manager (an assistant team manager): their team's learning "
         "compliance, their reports' profiles and the CPD their reports share with them."),
        ("wfld_admin",
         first(lambda p: p["role"] == "Workforce Learning and Development Manager"),
         "wfld_admin",
         "WFLD admin: pathways, the catalogue and sessions, frameworks, certificates and staff records."),
        ("senior_manager",
         index[(MGMT, "HOS_CSC")],
         "senior_manager",
         "A head of service: learning compliance and everyone's profile across the service, read-only."),
        ("system_admin",
         first(lambda p: p["role"] == "Business Support Officer" and current(p)
               and p["team"] == "Business Support & PA Services"),
         "system_admin",
         "System admin: everything the WFLD admin can do, plus sign-in accounts, roles and the audit log."),
    ]
    with open(os.path.join(HERE, "logins.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["persona", "employee_number", "roles", "description"])
        for persona, p, roles, desc in personas:
            w.writerow([persona, p["emp_no"], roles, desc])

    print(f"wrote {len(TEAMS)} teams, {len(JOB_ROLES)} roles, {len(rows)} staff")


if __name__ == "__main__":
    main()
