"""The names of the demo's invented people: staff, and the employers' contact persons."""

from __future__ import annotations

from ipsxl.make.program import Program

FIRST_NAMES = (
    "Maria",
    "James",
    "Aisha",
    "Daniel",
    "Mei",
    "Carlos",
    "Priya",
    "Marcus",
    "Hannah",
    "Luis",
    "Keisha",
    "Tom",
    "Sofia",
    "Andre",
    "Grace",
    "Omar",
    "Emily",
    "Tyrone",
    "Nadia",
    "Kevin",
    "Rosa",
    "Brian",
    "Leila",
    "Derek",
    "Yuki",
    "Samuel",
    "Fatima",
    "Ethan",
    "Carmen",
    "Jamal",
    "Olivia",
    "Victor",
    "Tanya",
    "Hector",
    "Ruth",
    "Malik",
    "Ingrid",
    "Dev",
    "Alicia",
    "Pete",
    "Monique",
    "Raj",
    "Lauren",
    "Dmitri",
    "Beth",
    "Kwame",
    "Julia",
    "Oscar",
    "Wendy",
    "Sean",
)
LAST_NAMES = (
    "Gonzalez",
    "Thompson",
    "Nguyen",
    "Patel",
    "Robinson",
    "Okafor",
    "Murphy",
    "Kowalski",
    "Hernandez",
    "Washington",
    "Kim",
    "Schmidt",
    "Ramirez",
    "Brooks",
    "Haddad",
    "Sullivan",
    "Chen",
    "Jackson",
    "Rivera",
    "Novak",
    "Flores",
    "Bennett",
    "Tanaka",
    "Coleman",
    "Moreno",
    "Fischer",
    "Dawson",
    "Ali",
    "Ortega",
    "Lindqvist",
    "Mensah",
    "Walsh",
    "Castillo",
    "Reyes",
    "Hughes",
    "Abbott",
    "Delgado",
    "Foster",
    "Ibrahim",
    "Jensen",
    "Larsen",
    "Mitchell",
    "Owens",
    "Price",
    "Quinn",
    "Sandoval",
    "Turner",
    "Vasquez",
    "Whitaker",
    "Young",
)


def new_person(program: Program) -> str:
    """A name no one else on the program's staff has."""
    for _ in range(1000):
        name = f"{program.rng.choice(FIRST_NAMES)} {program.rng.choice(LAST_NAMES)}"
        if name not in program.used_names:
            program.used_names.add(name)
            return name
    raise RuntimeError("ran out of staff names")


def any_person(program: Program) -> str:
    """A name for someone at an employer (names may repeat there, as they do in real logs)."""
    return f"{program.rng.choice(FIRST_NAMES)} {program.rng.choice(LAST_NAMES)}"
