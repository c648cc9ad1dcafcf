"""Word lists the generator draws realistic values from.

Kept apart from the logic so that the names, places and vendors can grow without touching
the code that decides who gets which signal. Lists are written as "|"-separated text (one
line of source per dozen entries) and split once at import; every list is a tuple in a
fixed order, so a seeded draw always picks the same element.
"""

from __future__ import annotations

from typing import NamedTuple


def _split(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split("|") if item.strip())


FIRST_NAMES: tuple[str, ...] = _split(
    """
    James | Mary | Robert | Patricia | John | Jennifer | Michael | Linda | David | Elizabeth | William |
    Barbara | Richard | Susan | Joseph | Jessica | Thomas | Sarah | Christopher | Karen | Charles | Lisa |
    Daniel | Nancy | Matthew | Betty | Anthony | Sandra | Mark | Margaret | Donald | Ashley | Steven |
    Kimberly | Andrew | Emily | Paul | Donna | Joshua | Michelle | Kenneth | Carol | Kevin | Amanda |
    Brian | Melissa | George | Deborah | Timothy | Stephanie | Ronald | Rebecca | Jason | Laura | Edward |
    Sharon | Jeffrey | Cynthia | Ryan | Kathleen | Jacob | Amy | Gary | Angela | Nicholas | Shirley |
    Eric | Brenda | Jonathan | Emma | Stephen | Anna | Larry | Pamela | Justin | Nicole | Scott |
    Samantha | Brandon | Katherine | Benjamin | Christine | Samuel | Helen | Gregory | Debra | Alexander |
    Rachel | Patrick | Carolyn | Frank | Janet | Raymond | Maria | Jack | Catherine | Dennis | Heather |
    Jerry | Diane | Tyler | Olivia | Aaron | Julie | Jose | Joyce | Adam | Victoria | Nathan | Ruth |
    Henry | Virginia | Zachary | Lauren | Douglas | Kelly | Peter | Christina | Kyle | Joan | Noah |
    Evelyn | Ethan | Judith | Jeremy | Andrea | Walter | Hannah | Christian | Megan | Keith | Cheryl |
    Roger | Jacqueline | Terry | Martha | Austin | Madison | Sean | Teresa | Gerald | Gloria | Carl |
    Sara | Dylan | Janice | Harold | Ann | Jordan | Kathryn | Jesse | Abigail | Bryan | Sophia | Lawrence |
    Frances | Arthur | Jean | Gabriel | Alice | Bruce | Judy | Logan | Isabella | Billy | Julia | Joe |
    Grace | Alan | Amber | Juan | Denise | Priya | Wei | Aisha | Omar | Mei | Rahul | Fatima | Hiroshi |
    Ana | Carlos | Sofia | Mateo | Lucia | Dmitri | Ngozi | Kwame | Leila | Tariq | Ingrid | Lars
    """
)

LAST_NAMES: tuple[str, ...] = _split(
    """
    Smith | Johnson | Williams | Brown | Jones | Garcia | Miller | Davis | Rodriguez | Martinez |
    Hernandez | Lopez | Gonzalez | Wilson | Anderson | Thomas | Taylor | Moore | Jackson | Martin | Lee |
    Perez | Thompson | White | Harris | Sanchez | Clark | Ramirez | Lewis | Robinson | Walker | Young |
    Allen | King | Wright | Scott | Torres | Nguyen | Hill | Flores | Green | Adams | Nelson | Baker |
    Hall | Rivera | Campbell | Mitchell | Carter | Roberts | Gomez | Phillips | Evans | Turner | Diaz |
    Parker | Cruz | Edwards | Collins | Reyes | Stewart | Morris | Morales | Murphy | Cook | Rogers |
    Gutierrez | Ortiz | Morgan | Cooper | Peterson | Bailey | Reed | Kelly | Howard | Ramos | Kim | Cox |
    Ward | Richardson | Watson | Brooks | Chavez | Wood | James | Bennett | Gray | Mendoza | Ruiz |
    Hughes | Price | Alvarez | Castillo | Sanders | Patel | Myers | Long | Ross | Foster | Jimenez |
    Powell | Jenkins | Perry | Russell | Sullivan | Bell | Coleman | Butler | Henderson | Barnes |
    Gonzales | Fisher | Vasquez | Simmons | Romero | Jordan | Patterson | Alexander | Hamilton | Graham |
    Reynolds | Griffin | Wallace | Moreno | West | Cole | Hayes | Bryant | Herrera | Gibson | Ellis |
    Tran | Medina | Aguilar | Stevens | Murray | Ford | Castro | Marshall | Owens | Harrison | Fernandez |
    McDonald | Woods | Washington | Kennedy | Wells | Vargas | Henry | Chen | Freeman | Webb | Tucker |
    Guzman | Burns | Crawford | Olson | Simpson | Porter | Hunter | Gordon | Mendez | Silva | Shaw |
    Snyder | Mason | Dixon | Munoz | Hunt | Hicks | Holmes | Palmer | Wagner | Black | Robertson | Boyd |
    Rose | Stone | Salazar | Fox | Warren | Mills | Meyer | Rice | Schmidt | Garza | Daniels | Ferguson |
    Nichols | Stephens | Soto | Weaver | Ryan | Gardner | Payne | Grant | Dunn | Kowalski | Novak |
    Schneider | Yoder | Zimmerman | Hoffman | Kaufman | Shah | Singh | Wang | Liu | Okafor | Mensah |
    Haddad | Nakamura | Johansson | O'Brien | O'Connor | McAllister | DeLuca | Rossi | Esposito |
    Kaminski | Brennan | Gallagher
    """
)

NAME_PLACES: tuple[str, ...] = _split(
    """
    Keystone | Allegheny | Buckeye | Blue Ridge | Chesapeake | Piedmont | Susquehanna | Lakeshore |
    Tidewater | Summit | Riverbend | Ironwood | Harbor | Pinnacle | Cardinal | Liberty | Heritage |
    Appalachian | Brandywine | Shenandoah | Lehigh | Monongahela | Potomac | Catawba | Cuyahoga | Erie |
    Laurel | Delmarva | Old Dominion | Tri-State | Three Rivers | Great Valley | Crossroads | Northpoint |
    Eastgate | Westfield | Stonebridge | Oak Hill | Maple Grove | Cedar Run | Fairview | Millbrook
    """
)

NAME_NOUNS: tuple[str, ...] = _split(
    """
    Manufacturing | Logistics | Construction | Health Partners | Engineering | Foods | Supply |
    Industries | Solutions | Systems | Dental Group | Builders | Metalworks | Plastics | Electric |
    Mechanical | Transport | Hospitality | Advisors | Labs | Fabrication | Packaging | Distribution |
    Home Health | Orthopedics | Auto Group | Precision | Controls | Roofing | HVAC | Landscaping |
    Staffing | Printing | Millwork | Tool & Die | Coatings | Analytics | Software | Financial |
    Insurance Agency | Pharmacy | Veterinary | Realty | Hotels | Brewing | Bakery | Marine | Aviation
    """
)

# Two of nine company names carry no legal suffix.
NAME_SUFFIXES: tuple[str, ...] = ("LLC", "Inc.", "Co.", "Corp.", "Group", "", "", "Partners", "Ltd.")

DOMAIN_QUALIFIERS: tuple[str, ...] = _split(
    """
    inc | co | corp | group | usa | us | llc | hq | online | team | works | pro | pa | oh | va | nc | md |
    east | west | north | south | one | 1 | 2 | 360
    """
)

TLDS: tuple[tuple[str, float], ...] = ((".com", 0.88), (".net", 0.06), (".co", 0.02), (".us", 0.025), (".org", 0.015))

INDUSTRIES: tuple[str, ...] = _split(
    """
    Manufacturing | Construction | Healthcare | Professional Services | Transportation & Logistics |
    Retail | Hospitality | Financial Services | Software | Education Services | Wholesale Distribution |
    Engineering | Real Estate | Automotive | Food Processing | Staffing | Insurance | Legal Services |
    Dental & Medical Practices | Energy
    """
)

# 85% of companies sit in the five core states (the demo data's calibration); the rest spread out.
CORE_STATES: tuple[str, ...] = ("PA", "OH", "VA", "NC", "MD")

CORE_STATE_WEIGHTS: tuple[float, ...] = (0.26, 0.22, 0.14, 0.14, 0.09)

OTHER_STATES: tuple[str, ...] = _split(
    """
    NY | NJ | WV | DE | KY | TN | SC | GA | FL | IN | MI | IL | TX
    """
)

CITIES: dict[str, tuple[str, ...]] = {
    "PA": _split(
        "Philadelphia | Pittsburgh | Allentown | Erie | Reading | Scranton | Lancaster | Harrisburg | York | Bethlehem | State College | Wilkes-Barre | King of Prussia"
    ),
    "OH": _split(
        "Columbus | Cleveland | Cincinnati | Toledo | Akron | Dayton | Canton | Youngstown | Mansfield | Mason | Dublin"
    ),
    "VA": _split(
        "Richmond | Virginia Beach | Norfolk | Arlington | Roanoke | Alexandria | Chesapeake | Lynchburg | Charlottesville | Reston"
    ),
    "NC": _split(
        "Charlotte | Raleigh | Greensboro | Durham | Winston-Salem | Fayetteville | Cary | Wilmington | Asheville | Hickory"
    ),
    "MD": _split(
        "Baltimore | Columbia | Germantown | Silver Spring | Frederick | Rockville | Annapolis | Hagerstown | Towson"
    ),
    "NY": _split("Buffalo | Rochester | Albany | Syracuse"),
    "NJ": _split("Newark | Cherry Hill | Trenton | Princeton"),
    "WV": _split("Charleston | Morgantown | Wheeling"),
    "DE": _split("Wilmington | Dover | Newark"),
    "KY": _split("Louisville | Lexington"),
    "TN": _split("Nashville | Knoxville | Chattanooga"),
    "SC": _split("Columbia | Greenville | Charleston"),
    "GA": _split("Atlanta | Savannah"),
    "FL": _split("Tampa | Jacksonville | Orlando"),
    "IN": _split("Indianapolis | Fort Wayne"),
    "MI": _split("Detroit | Grand Rapids"),
    "IL": _split("Chicago | Naperville"),
    "TX": _split("Dallas | Houston | Austin"),
}

# First three digits of the ZIP codes of each state (inclusive ranges).
ZIP_PREFIXES: dict[str, tuple[int, int]] = {
    "PA": (150, 196),
    "OH": (430, 458),
    "VA": (220, 246),
    "NC": (270, 289),
    "MD": (206, 219),
    "NY": (120, 149),
    "NJ": (70, 89),
    "WV": (247, 268),
    "DE": (197, 199),
    "KY": (400, 427),
    "TN": (370, 385),
    "SC": (290, 299),
    "GA": (300, 319),
    "FL": (320, 349),
    "IN": (460, 479),
    "MI": (480, 499),
    "IL": (600, 629),
    "TX": (750, 799),
}

# IRS campus prefixes of the EIN, loosely per state.
EIN_PREFIXES: dict[str, tuple[str, ...]] = {
    "PA": ("23", "25"),
    "OH": ("31", "34"),
    "VA": ("54",),
    "NC": ("56",),
    "MD": ("52",),
}

GENERIC_EIN_PREFIXES: tuple[str, ...] = _split(
    """
    20 | 26 | 27 | 45 | 46 | 47 | 81 | 82 | 83 | 84 | 86 | 87 | 88
    """
)

EMAIL_METHODS: tuple[tuple[str, float], ...] = (
    ("{first}.{last}", 0.42),
    ("{f}{last}", 0.24),
    ("{first}", 0.10),
    ("{first}{l}", 0.08),
    ("{first}_{last}", 0.06),
    ("{last}.{first}", 0.04),
    ("{last}{f}", 0.06),
)

TITLES: dict[str, tuple[str, ...]] = {
    "CEO": ("Chief Executive Officer", "CEO", "President", "President & CEO", "Owner & President", "Founder & CEO"),
    "CFO": ("Chief Financial Officer", "CFO", "VP Finance", "Vice President of Finance", "SVP, Finance"),
    "HR": (
        "CHRO",
        "Chief Human Resources Officer",
        "VP People",
        "HR Director",
        "Director of Human Resources",
        "VP Human Resources",
        "Head of People",
    ),
    "CTO": ("Chief Technology Officer", "CTO"),
}

BROKERS: tuple[str, ...] = _split(
    """
    Marsh McLennan Agency | Gallagher | USI Insurance Services | Lockton | HUB International |
    Brown & Brown | NFP | Alliant Insurance Services | OneDigital | CBIZ | Conner Strong & Buckelew |
    Graham Company | Bolton & Company | PSA Insurance & Financial Services | McGriff | Oswald Companies |
    Acrisure | Hylant | Keystone Benefits Group | Tri-State Benefit Advisors
    """
)

CARRIERS: tuple[str, ...] = _split(
    """
    Aetna | Cigna | UnitedHealthcare | Anthem Blue Cross Blue Shield | Highmark | Independence Blue Cross |
    CareFirst BlueCross BlueShield | Humana | Capital Blue Cross | Medical Mutual of Ohio | Blue Cross NC |
    Sentara Health Plans | Geisinger Health Plan | UPMC Health Plan | Oscar Health | Kaiser Permanente
    """
)

FUNDING_TYPES: tuple[tuple[str, float], ...] = (
    ("fully_insured", 0.60),
    ("self_funded", 0.25),
    ("pension_only", 0.08),
    ("unknown", 0.07),
)

OUTREACH_STATUSES: tuple[tuple[str, float], ...] = (
    ("active", 0.46),
    ("queued", 0.34),
    ("paused", 0.08),
    ("completed", 0.07),
    ("disqualified", 0.05),
)

# Where new executives come from ("new CFO from Aetna").
FORMER_EMPLOYERS: tuple[str, ...] = _split(
    """
    Aetna | Cigna | Humana | UnitedHealth Group | Deloitte | PwC | EY | KPMG | Vanguard | PNC | Comcast |
    Lowe's | Bank of America | Capital One | Nationwide | Progressive | Hershey | Duke Energy | Sheetz |
    Wawa | Cardinal Health | Marriott | Lockheed Martin
    """
)

NEWS_OUTLETS: tuple[str, ...] = _split(
    """
    www.bizjournals.com/philadelphia | www.bizjournals.com/pittsburgh | www.bizjournals.com/columbus |
    www.bizjournals.com/charlotte | www.bizjournals.com/baltimore | www.richmond.com/business |
    www.cleveland.com/business | www.prnewswire.com/news-releases | www.businesswire.com/news
    """
)

EXCLUSION_REASONS: tuple[tuple[str, float], ...] = (
    ("DUPLICATE_DOMAIN", 0.35),
    ("DATA_QUALITY", 0.35),
    ("NON_COMMERCIAL_KEYWORD", 0.30),
)

OVERRIDE_REASONS: dict[str, tuple[str, ...]] = {
    "marketing_disabled": ("Marketing opted out via account manager", "Do-not-market flag from CRM"),
    "legal_hold": ("Pending contract dispute; legal review", "Litigation hold requested by counsel"),
    "customer_requested": ("Customer asked us to stop contacting them", "Requested no outreach until renewal"),
    "cooldown": ("Cooling off after a lost deal", "Meeting held; pause outreach 90 days"),
    "tier_cap": ("Cap to tier 3 messaging per sales lead", "Strategic account: limit to band 3 copy"),
    "hub_bypass": ("Routed through partner channel", "Handled by regional hub directly"),
}

OVERRIDE_AUTHORS: tuple[str, ...] = _split(
    """
    ops@bartonoutreach.com | legal@bartonoutreach.com | j.rivera | m.chen | k.oconnor | salesforce-sync |
    a.patel
    """
)


class Showcase(NamedTuple):
    """A company whose name, or whose contact's name, looks like markup or is not ASCII."""

    company_name: str
    domain: str
    first_name: str
    last_name: str
    email_first: str  # the ASCII spelling its e-mail address uses
    email_last: str


# Valid data, not bad rows: it must be stored and rendered literally, never interpreted.
SHOWCASE: tuple[Showcase, ...] = (
    Showcase("<script>alert(1)</script>", "script-alert-labs.com", "Dana", "Whitfield", "dana", "whitfield"),
    Showcase("{{ x }}", "curly-x-holdings.com", "Marcus", "Bell", "marcus", "bell"),
    Showcase("'; drop table x; --", "droptable-logistics.com", "Irene", "Kowalski", "irene", "kowalski"),
    Showcase("株式会社テスト", "test-kk.co.jp", "Yuki", "Sato", "yuki", "sato"),
    Showcase("Zoë Ångström Design AB", "zoe-angstrom-design.com", "Zoë", "Ångström", "zoe", "angstrom"),
    Showcase("Harbor & Sons Mechanical", "harborsons-mech.com", "{{ first_name }}", "Doe", "jane", "doe"),
    Showcase("Summit Precision Co.", "summit-precision-pa.com", "<b>Lena</b>", "<i>Marsh</i>", "lena", "marsh"),
    Showcase(
        "Keystone Coatings LLC",
        "keystone-coatings-oh.com",
        "Robert'); DROP TABLE people; --",
        "Tables",
        "robert",
        "tables",
    ),
    Showcase("Peña Construcción Group", "pena-construccion.com", "José", "Núñez", "jose", "nunez"),
    Showcase("{% if true %}Acme{% endif %} Supply", "acme-jinja-supply.com", "Björn", "Ødegård", "bjorn", "odegard"),
)
