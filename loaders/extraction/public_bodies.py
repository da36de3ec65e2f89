"""Names of UK public bodies that reports often give in short forms: the principal councils of Wales and
Scotland, the London boroughs and England's county, unitary and metropolitan councils (official names,
so that "Conwy" in a list of councils is Conwy County Borough Council), and the national bodies and
charities that evaluation reports name most."""

from __future__ import annotations

WALES = (
    "Blaenau Gwent County Borough Council", "Bridgend County Borough Council", "Caerphilly County Borough Council",
    "Cardiff Council", "Carmarthenshire County Council", "Ceredigion County Council", "Conwy County Borough Council",
    "Denbighshire County Council", "Flintshire County Council", "Gwynedd Council", "Isle of Anglesey County Council",
    "Merthyr Tydfil County Borough Council", "Monmouthshire County Council",
    "Neath Port Talbot County Borough Council", "Newport City Council", "Pembrokeshire County Council",
    "Powys County Council", "Rhondda Cynon Taf County Borough Council", "City and County of Swansea",
    "Torfaen County Borough Council", "Vale of Glamorgan Council", "Wrexham County Borough Council",
)
SCOTLAND = (
    "Aberdeen City Council", "Aberdeenshire Council", "Angus Council", "Argyll and Bute Council",
    "City of Edinburgh Council", "Clackmannanshire Council", "Comhairle nan Eilean Siar",
    "Dumfries and Galloway Council",
    "Dundee City Council", "East Ayrshire Council", "East Dunbartonshire Council", "East Lothian Council",
    "East Renfrewshire Council", "Falkirk Council", "Fife Council", "Glasgow City Council", "Highland Council",
    "Inverclyde Council", "Midlothian Council", "Moray Council", "North Ayrshire Council", "North Lanarkshire Council",
    "Orkney Islands Council", "Perth and Kinross Council", "Renfrewshire Council", "Scottish Borders Council",
    "Shetland Islands Council", "South Ayrshire Council", "South Lanarkshire Council", "Stirling Council",
    "West Dunbartonshire Council", "West Lothian Council",
)
LONDON = tuple(f"London Borough of {name}" for name in (
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield",
    "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington",
    "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
    "Tower Hamlets", "Waltham Forest", "Wandsworth")) + (
    "Royal Borough of Greenwich", "Royal Borough of Kensington and Chelsea", "Royal Borough of Kingston upon Thames",
    "Westminster City Council", "City of London Corporation")
ENGLAND = (
    "Newcastle City Council", "Northumberland County Council", "North Tyneside Council", "South Tyneside Council",
    "Gateshead Council", "Sunderland City Council", "Durham County Council", "Cheshire East Council",
    "Cheshire West and Chester Council", "Coventry City Council", "Essex County Council", "Suffolk County Council",
    "Somerset County Council", "Leicestershire County Council", "Peterborough City Council", "Kent County Council",
    "Surrey County Council", "Hampshire County Council", "Lancashire County Council", "Manchester City Council",
    "Liverpool City Council", "Leeds City Council", "Birmingham City Council", "Bristol City Council",
    "Sheffield City Council", "Nottingham City Council", "Nottinghamshire County Council",
    "Derbyshire County Council", "Derby City Council", "Cumbria County Council", "Norfolk County Council",
    "Devon County Council", "Cornwall Council", "Dorset Council", "Wiltshire Council",
    "Gloucestershire County Council", "Oxfordshire County Council", "Hertfordshire County Council",
    "Cambridgeshire County Council", "Lincolnshire County Council", "North Yorkshire County Council",
    "East Riding of Yorkshire Council", "Hull City Council", "Bradford Council", "Wakefield Council",
    "Kirklees Council", "Calderdale Council", "Stockport Council", "Salford City Council", "Wigan Council",
    "Bolton Council", "Trafford Council", "Oldham Council", "Rochdale Council", "Tameside Council", "Bury Council",
    "Knowsley Council", "Sefton Council", "Wirral Council", "St Helens Council", "Warrington Borough Council",
    "Halton Borough Council", "Middlesbrough Council", "Stockton-on-Tees Borough Council",
    "Hartlepool Borough Council", "Darlington Borough Council", "Redcar and Cleveland Borough Council",
    "North East Lincolnshire Council", "North Lincolnshire Council", "Southampton City Council",
    "Portsmouth City Council", "Brighton and Hove City Council", "Plymouth City Council", "Milton Keynes Council",
    "Luton Borough Council", "Bedford Borough Council", "Reading Borough Council", "Slough Borough Council",
    "Swindon Borough Council", "Walsall Council", "Wolverhampton City Council", "Sandwell Council",
    "Dudley Council", "Solihull Council", "Staffordshire County Council", "Stoke-on-Trent City Council",
    "Shropshire Council", "Worcestershire County Council", "Warwickshire County Council",
    "Northamptonshire County Council", "Buckinghamshire Council", "West Sussex County Council",
    "East Sussex County Council", "Medway Council", "Isle of Wight Council", "Herefordshire Council",
    "Blackpool Council", "Blackburn with Darwen Council", "Rotherham Council", "Doncaster Council",
    "Barnsley Council", "City of York Council", "Leicester City Council", "Rutland County Council",
    "Torbay Council", "Thurrock Council", "Southend-on-Sea City Council", "Central Bedfordshire Council",
    "Bath and North East Somerset Council", "North Somerset Council", "South Gloucestershire Council",
    "Telford and Wrekin Council", "West Berkshire Council", "Wokingham Borough Council", "Bracknell Forest Council",
    "Windsor and Maidenhead Council",
)
#: (name, kind) of national bodies and charities
NATIONAL = (
    ("Department for Education", "government-body"), ("Department of Health and Social Care", "government-body"),
    ("Home Office", "government-body"), ("Cabinet Office", "government-body"), ("HM Treasury", "government-body"),
    ("Ministry of Justice", "government-body"), ("Welsh Government", "government-body"),
    ("Scottish Government", "government-body"), ("Northern Ireland Executive", "government-body"),
    ("Ofsted", "government-body"), ("Estyn", "government-body"), ("Care Inspectorate", "government-body"),
    ("Care Inspectorate Wales", "government-body"), ("Care Quality Commission", "government-body"),
    ("Education Scotland", "government-body"), ("Audit Scotland", "government-body"),
    ("Wales Audit Office", "government-body"), ("Public Health England", "health-body"),
    ("Public Health Wales", "health-body"), ("Public Health Scotland", "health-body"),
    ("Police Scotland", "other-body"), ("Local Government Association", "other-body"),
    ("Welsh Local Government Association", "other-body"), ("COSLA", "other-body"),
    ("Barnardo's", "voluntary-organisation"), ("NSPCC", "voluntary-organisation"),
    ("Action for Children", "voluntary-organisation"), ("The Children's Society", "voluntary-organisation"),
    ("Save the Children", "voluntary-organisation"), ("British Red Cross", "voluntary-organisation"),
    ("Age Cymru", "voluntary-organisation"), ("Age UK", "voluntary-organisation"),
    ("Catch22", "voluntary-organisation"),
    ("Wales Council for Voluntary Action", "voluntary-organisation"),
)


def council_place(name: str) -> str:
    """The place a council is named after, as reports shorten it.

    >>> council_place("Conwy County Borough Council"), council_place("London Borough of Camden")
    ('Conwy', 'Camden')
    >>> council_place("City and County of Swansea")
    'Swansea'
    """
    for prefix in ("London Borough of ", "Royal Borough of ", "City and County of ", "City of "):
        name = name.removeprefix(prefix)
    for suffix in (" County Borough Council", " County Council", " City Council", " Borough Council",
                   " Islands Council", " Council", " Corporation"):
        name = name.removesuffix(suffix)
    return name.removeprefix("Isle of ")

#: the short forms of national bodies above that reports use without spelling the name out
NATIONAL_ACRONYMS = {
    "DfE": "Department for Education", "DHSC": "Department of Health and Social Care", "MoJ": "Ministry of Justice",
    "CQC": "Care Quality Commission", "CIW": "Care Inspectorate Wales", "WAO": "Wales Audit Office",
    "PHE": "Public Health England", "PHW": "Public Health Wales", "LGA": "Local Government Association",
    "WLGA": "Welsh Local Government Association", "WCVA": "Wales Council for Voluntary Action",
}
