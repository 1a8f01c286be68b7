"""A plain description of a team, as the eligibility dialogue gathers it.

Every field is optional: None means "not known (yet)", which the rules answer with "à vérifier"
rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

PRACTICES = ("liberal", "salarie", "mixte")

COUNT_FIELDS = (
    "general_practitioners",
    "specialists",
    "paramedicals",
    "other_professionals",
    "specialty_doctors_on_territory",
    "liberal_specialty_doctors_on_territory",
    "territory_population",
)
BOOLEAN_FIELDS = ("has_manager", "territory_is_department_or_more")


@dataclass(frozen=True)
class Team:
    """What is known about a team of health professionals.

    - general_practitioners: médecins généralistes.
    - specialists: médecins spécialistes hors médecine générale, of ONE specialty.
    - paramedicals: auxiliaires médicaux (infirmiers, kinésithérapeutes, orthophonistes…).
    - other_professionals: pharmaciens, sages-femmes, chirurgiens-dentistes…
    - practice: "liberal", "salarie" or "mixte" (some of each).
    - has_manager: a gestionnaire ready to run a centre de santé.
    - territory_is_department_or_more, specialty_doctors_on_territory,
      liberal_specialty_doctors_on_territory: the specialists' territory (ESS).
    - territory_population: inhabitants of the territory (CPTS).
    """

    general_practitioners: int | None = None
    specialists: int | None = None
    paramedicals: int | None = None
    other_professionals: int | None = None
    practice: str | None = None
    has_manager: bool | None = None
    territory_is_department_or_more: bool | None = None
    specialty_doctors_on_territory: int | None = None
    liberal_specialty_doctors_on_territory: int | None = None
    territory_population: int | None = None

    def __post_init__(self) -> None:
        # Rules compare these values with thresholds: a wrong type would give a wrong verdict silently.
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int or None, not {value!r}")
            if value < 0:
                raise ValueError(f"{name} cannot be negative: {value}")
        for name in BOOLEAN_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool or None, not {value!r}")
        if self.practice is not None and self.practice not in PRACTICES:
            raise ValueError(f"practice must be one of {PRACTICES}, not {self.practice!r}")

    def known(self) -> dict[str, int | str | bool]:
        """The fields that have a value."""
        return {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if getattr(self, field.name) is not None
        }


TEAM_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Team))
