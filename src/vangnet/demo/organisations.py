"""The demo cast: organisations across the country and users of every role (synthetic)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from vangnet.accounts.models import Organisation, OrganisationType, Role, User
from vangnet.regions.models import Municipality, PoliceUnit

DEMO_PASSWORD = "vangnet-demo-2026"  # noqa: S105  (synthetic demo only; printed on start)

#: Seat municipality per police unit (CBS code).
UNIT_SEATS = {
    "NN": "GM0014", "ON": "GM0268", "MN": "GM0344", "NH": "GM0361", "AM": "GM0363", "DH": "GM0518",
    "RT": "GM0599", "ZWB": "GM0758", "OB": "GM0796", "LB": "GM0935",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    note: str


def _org(name: str, type_: str, seat: str, region: str | None = None) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        name=name, defaults={"type": type_, "municipality_id": seat, "region_id": region})
    return org


@transaction.atomic
def create_organisations() -> dict[str, Organisation]:
    T = OrganisationType
    orgs: dict[str, Organisation] = {}
    orgs["ncc"] = _org("Landelijk Coördinatiecentrum Mensenhandel (demo)", T.NATIONAL_COORDINATION_CENTRE, "GM0307")
    orgs["rapporteur"] = _org("Nationaal Rapporteur (demo)", T.RAPPORTEUR, "GM0518")
    orgs["kmar"] = _org("Koninklijke Marechaussee – Schiphol (demo)", T.KMAR, "GM0394")
    orgs["nla"] = _org("Nederlandse Arbeidsinspectie (demo)", T.LABOUR_INSPECTORATE, "GM0344")
    orgs["om"] = _org("Openbaar Ministerie – Landelijk Parket (demo)", T.PUBLIC_PROSECUTOR, "GM0599")
    orgs["ind"] = _org("IND (demo)", T.IND, "GM0518")
    orgs["coa"] = _org("COA (demo)", T.COA, "GM1581")
    orgs["ngo"] = _org("Stichting Uitweg (demo)", T.NGO, "GM0344")
    orgs["youth"] = _org("Jeugdzorg Midden (demo)", T.YOUTH_CARE, "GM0344", "MN")
    for unit in PoliceUnit.objects.all():
        seat = UNIT_SEATS.get(unit.code) or Municipality.objects.filter(police_unit=unit).values_list(
            "cbs_code", flat=True).first()
        orgs[f"police:{unit.code}"] = _org(f"Politie eenheid {unit.name} (demo)", T.POLICE, seat, unit.code)
        orgs[f"care:{unit.code}"] = _org(f"Zorgcoördinatie mensenhandel {unit.name} (demo)", T.CARE_COORDINATION,
                                         seat, unit.code)
        orgs[f"health:{unit.code}"] = _org(f"GGD {unit.name} (demo)", T.HEALTHCARE, seat, unit.code)
        orgs[f"vt:{unit.code}"] = _org(f"Veilig Thuis {unit.name} (demo)", T.VEILIG_THUIS, seat, unit.code)
        orgs[f"municipality:{unit.code}"] = _org(f"Gemeente {Municipality.objects.get(pk=seat).name} (demo)",
                                                 T.MUNICIPALITY, seat, unit.code)
    orgs["shelter:north"] = _org("Opvang De Haven (demo)", T.SHELTER_PROVIDER, "GM0014", "NN")
    orgs["shelter:west"] = _org("Opvang Het Baken (demo)", T.SHELTER_PROVIDER, "GM0599", "RT")
    orgs["shelter:south"] = _org("Opvang Zuiderlicht (demo)", T.SHELTER_PROVIDER, "GM0796", "OB")
    return orgs


#: username → (role, organisation key, first name, last name, what to try)
DEMO_USERS = [
    ("politie.amsterdam", Role.REPORTER, "police:AM", "Sanne", "de Wit", "register a signal"),
    ("collega.amsterdam", Role.REPORTER, "police:AM", "Thijs", "Bakker", "same organisation as politie.amsterdam"),
    ("zorg.amsterdam", Role.CARE_COORDINATOR, "care:AM", "Fatima", "El Amrani", "worklist of region Amsterdam"),
    ("zorg.rotterdam", Role.CARE_COORDINATOR, "care:RT", "Joost", "Verbeek", "another region's coordinator"),
    ("arbeidsinspectie", Role.REPORTER, "nla", "Karin", "Smit", "labour inspector"),
    ("kmar.schiphol", Role.REPORTER, "kmar", "Ruben", "Jansen", "border police"),
    ("ggd.amsterdam", Role.REPORTER, "health:AM", "Noor", "Visser", "doctor at the GGD"),
    ("opvang.intake", Role.SHELTER_INTAKE, "shelter:west", "Ilse", "Mulder", "shelter intake"),
    ("toezicht.rotterdam", Role.REPORTER, "municipality:RT", "Mila", "Hoekstra", "prostitution controls"),
    ("landelijk", Role.NATIONAL_COORDINATOR, "ncc", "Lotte", "van Dijk", "national coordinator"),
    ("analist", Role.ANALYST, "rapporteur", "Bram", "Peters", "figures only"),
    ("beheer", Role.FUNCTIONAL_ADMIN, "ncc", "Eva", "Kok", "processing log and reference data"),
]


@transaction.atomic
def create_users(orgs: dict[str, Organisation]) -> list[DemoLogin]:
    logins = []
    for username, role, org_key, first, last, note in DEMO_USERS:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "organisation": orgs[org_key], "first_name": first, "last_name": last,
                      "email": f"{username}@demo.vangnet.invalid"},
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(username, str(Role(role).label), orgs[org_key].name, note))
    # one reporter per reporting organisation, for the generated signals
    for key, org in orgs.items():
        if key.startswith(("police:", "health:", "vt:", "care:", "municipality:")) or key in {"nla", "kmar", "coa",
                                                                                            "ngo", "youth", "ind"}:
            username = "gen." + key.replace(":", ".").lower()
            role = Role.CARE_COORDINATOR if key.startswith("care:") else Role.REPORTER
            User.objects.get_or_create(username=username, defaults={
                "role": role, "organisation": org, "first_name": "Demo", "last_name": org.name[:30],
                "password": "!unusable"})
    return logins
