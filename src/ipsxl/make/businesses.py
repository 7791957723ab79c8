"""The businesses the demo's clients work at and its specialists visit.

Some forty kinds of business, each with the ways such employers are named and the jobs they hire
for, so that a program's jobs spread across many kinds of work at as many different employers,
as the fidelity scale's diversity items expect of a real program.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACES = (
    "Riverside",
    "Maple Street",
    "Northgate",
    "Harbor",
    "Lakeview",
    "Cedar Hill",
    "Summit",
    "Pine Valley",
    "Westside",
    "Eastgate",
    "Brookfield",
    "Oakwood",
    "Fairview",
    "Hillcrest",
    "Meadowbrook",
    "Sunset",
    "Granite",
    "Willow Creek",
    "Bayside",
    "Stonebridge",
    "Elm Street",
    "Kingsley",
    "Parkside",
    "Millbrook",
    "Highland",
    "Crescent",
    "Union Square",
    "Foxhill",
    "Greenway",
    "Bridgeport",
)


@dataclass(frozen=True)
class Kind:
    """A kind of business: how such employers are named and the jobs they hire for."""

    names: tuple[str, ...]  # patterns with {place} and {num}
    jobs: tuple[tuple[str, str], ...]  # (job type, job title)
    wage: tuple[float, float]


KINDS = (
    Kind(
        ("{place} Market", "FreshWay Grocery #{num}", "Hometown Foods {place}"),
        (
            ("Retail", "Cashier"),
            ("Retail", "Courtesy Clerk"),
            ("Stocking", "Night Stocker"),
            ("Food service", "Deli Clerk"),
        ),
        (15.0, 18.5),
    ),
    Kind(
        ("{place} General Hospital", "{place} Medical Center"),
        (
            ("Healthcare support", "Patient Transporter"),
            ("Healthcare support", "Dietary Aide"),
            ("Janitorial", "Environmental Services Aide"),
            ("Clerical", "Unit Clerk"),
            ("Laundry", "Linen Attendant"),
        ),
        (16.5, 21.0),
    ),
    Kind(
        ("{place} Distribution Center", "{place} Logistics", "Summit Freight #{num}"),
        (
            ("Warehouse", "Order Picker"),
            ("Warehouse", "Packer"),
            ("Warehouse", "Forklift Operator"),
            ("Warehouse", "Shipping Clerk"),
        ),
        (16.0, 20.5),
    ),
    Kind(
        ("{place} Café", "Daily Grind Coffee {place}", "{place} Diner"),
        (
            ("Food service", "Barista"),
            ("Food service", "Dishwasher"),
            ("Food service", "Line Cook"),
            ("Food service", "Busser"),
        ),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Elementary School", "{place} Middle School", "{place} Community College"),
        (
            ("Education support", "Classroom Aide"),
            ("Janitorial", "Custodian"),
            ("Food service", "Cafeteria Worker"),
            ("Clerical", "Office Assistant"),
        ),
        (15.5, 19.5),
    ),
    Kind(
        ("{place} Inn", "Grand {place} Hotel", "{place} Suites"),
        (
            ("Hospitality", "Housekeeper"),
            ("Hospitality", "Front Desk Agent"),
            ("Laundry", "Laundry Attendant"),
            ("Maintenance", "Houseman"),
        ),
        (15.0, 18.5),
    ),
    Kind(
        ("{place} Landscaping", "{place} Lawn & Garden"),
        (("Landscaping", "Groundskeeper"), ("Landscaping", "Landscape Laborer")),
        (16.0, 19.0),
    ),
    Kind(
        ("{place} Public Library",),
        (("Library services", "Library Page"), ("Library services", "Circulation Assistant")),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Animal Hospital", "{place} Pet Resort", "{place} Animal Shelter"),
        (("Animal care", "Kennel Attendant"), ("Animal care", "Groomer's Assistant")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Auto Spa", "{place} Tire & Auto"),
        (
            ("Auto services", "Car Wash Attendant"),
            ("Auto services", "Detailer"),
            ("Auto services", "Lube Technician"),
        ),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Senior Living", "{place} Care Center"),
        (
            ("Home care", "Caregiver"),
            ("Recreation", "Activities Assistant"),
            ("Food service", "Dining Server"),
        ),
        (16.0, 19.5),
    ),
    Kind(
        ("{place} Insurance Agency", "{place} Realty", "{place} Law Office"),
        (
            ("Clerical", "Receptionist"),
            ("Clerical", "Data Entry Clerk"),
            ("Clerical", "File Clerk"),
        ),
        (16.0, 20.0),
    ),
    Kind(
        ("{place} Fitness Center", "{place} YMCA"),
        (
            ("Recreation", "Front Desk Attendant"),
            ("Janitorial", "Facility Attendant"),
            ("Childcare", "Child Watch Attendant"),
        ),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Manufacturing", "{place} Plastics", "{place} Cabinet Works"),
        (
            ("Manufacturing", "Assembler"),
            ("Manufacturing", "Machine Operator"),
            ("Manufacturing", "Packaging Associate"),
        ),
        (16.5, 21.0),
    ),
    Kind(
        ("{place} Property Management", "{place} Apartments"),
        (
            ("Maintenance", "Maintenance Technician"),
            ("Maintenance", "Porter"),
            ("Janitorial", "Unit Turnover Cleaner"),
        ),
        (16.0, 20.0),
    ),
    Kind(
        ("{place} Courier", "{place} Delivery Services"),
        (("Delivery", "Courier"), ("Delivery", "Delivery Driver")),
        (16.0, 20.0),
    ),
    Kind(
        ("{place} Cinemas",),
        (("Recreation", "Usher"), ("Food service", "Concessions Attendant")),
        (15.0, 16.5),
    ),
    Kind(
        ("{place} Hardware", "HomeBuild Supply #{num}"),
        (
            ("Retail", "Sales Associate"),
            ("Retail", "Lot Associate"),
            ("Stocking", "Receiving Associate"),
        ),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Bakery",),
        (("Baking", "Baker's Assistant"), ("Retail", "Counter Clerk")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Customer Care Center", "Northstar Telecom {place}"),
        (
            ("Customer service", "Customer Service Representative"),
            ("Customer service", "Call Center Agent"),
        ),
        (16.5, 20.5),
    ),
    Kind(("{place} Security Services",), (("Security", "Security Officer"),), (16.5, 20.0)),
    Kind(
        ("{place} Recycling",),
        (("Recycling", "Sorter"), ("Recycling", "Material Handler")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Cleaning Services", "{place} Janitorial"),
        (("Janitorial", "Commercial Cleaner"), ("Janitorial", "Office Cleaner")),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Computer Repair", "{place} Tech Solutions"),
        (("IT support", "Repair Technician"), ("IT support", "Help Desk Assistant")),
        (17.0, 23.0),
    ),
    Kind(
        ("{place} Accounting", "{place} Tax Service"),
        (("Bookkeeping", "Bookkeeping Assistant"), ("Clerical", "Billing Clerk")),
        (17.0, 22.0),
    ),
    Kind(
        ("{place} Thrift Store", "Second Chance Thrift {place}"),
        (("Retail", "Donation Sorter"), ("Retail", "Cashier")),
        (15.0, 16.5),
    ),
    Kind(
        ("{place} Garden Center", "{place} Nursery"),
        (("Landscaping", "Nursery Worker"), ("Retail", "Garden Associate")),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Child Care Center", "Little Sprouts {place}"),
        (("Childcare", "Childcare Assistant"),),
        (15.5, 18.5),
    ),
    Kind(("{place} Moving Co.",), (("Moving and hauling", "Mover"),), (16.5, 20.0)),
    Kind(
        ("{place} Builders",),
        (("Construction", "Construction Laborer"), ("Construction", "Site Cleanup Worker")),
        (17.0, 22.0),
    ),
    Kind(
        ("{place} Parking", "{place} Garage"),
        (("Parking services", "Parking Attendant"), ("Parking services", "Valet")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Print Shop", "{place} Copy Center"),
        (("Printing", "Print Shop Helper"), ("Printing", "Bindery Worker")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Pharmacy",),
        (("Pharmacy support", "Pharmacy Clerk"), ("Retail", "Front Store Cashier")),
        (15.5, 19.0),
    ),
    Kind(
        ("{place} Florist", "{place} Flowers"),
        (("Floral", "Floral Assistant"), ("Delivery", "Flower Delivery Driver")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Museum", "{place} Art Center"),
        (
            ("Museum services", "Visitor Services Associate"),
            ("Museum services", "Gallery Attendant"),
        ),
        (15.5, 18.0),
    ),
    Kind(
        ("{place} Transit Authority",),
        (("Transportation", "Bus Cleaner"), ("Transportation", "Fleet Fueler")),
        (17.0, 21.0),
    ),
    Kind(
        ("{place} Event Center", "{place} Banquet Hall"),
        (("Event services", "Event Setup Crew"), ("Food service", "Banquet Server")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Dry Cleaners",),
        (("Dry cleaning", "Presser"), ("Dry cleaning", "Counter Attendant")),
        (15.0, 17.0),
    ),
    Kind(
        ("{place} Food Bank",),
        (("Food distribution", "Pantry Stocker"), ("Food distribution", "Food Bank Packer")),
        (15.5, 18.0),
    ),
    Kind(
        ("{place} Bike Shop",),
        (("Bicycle repair", "Bike Mechanic Trainee"), ("Retail", "Sales Associate")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Catering",),
        (("Catering", "Catering Assistant"), ("Catering", "Prep Cook")),
        (15.5, 18.0),
    ),
    Kind(
        ("{place} Document Services",),
        (("Document imaging", "Scanning Technician"), ("Clerical", "Records Clerk")),
        (16.0, 19.0),
    ),
)


def employer_name(rng: random.Random, kind: Kind) -> str:
    """An employer of that kind in one of the places (a chain's store numbered by its place)."""
    place = rng.randrange(len(PLACES))
    pattern = rng.choice(kind.names)
    return pattern.format(place=PLACES[place], num=101 + 37 * place)
