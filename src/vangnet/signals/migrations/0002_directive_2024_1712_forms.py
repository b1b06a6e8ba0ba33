"""EU Directive 2024/1712: the exploitation of surrogacy, of forced marriage and of illegal adoption are forms of
exploitation. Adds the forms under "other" (the catalogue sync keeps them current afterwards) and classifies
existing data: a signal that shows forced-marriage signs (indicators ``other.marriage_*``) under "other" gets the
"forced marriage" subtype, so figures by form count it. Nothing is removed; reversing removes only the two new
forms when no signal uses them (the added subtype links stay: they are true of those signals)."""

from django.db import migrations

NEW_FORMS = [
    ("forced_marriage", "Gedwongen huwelijk", "Forced marriage"),
    ("surrogacy", "Uitbuiting van draagmoederschap", "Exploitation of surrogacy"),
    ("illegal_adoption", "Illegale adoptie", "Illegal adoption"),
]
SIGNS = {"forced_marriage": "other.marriage_", "surrogacy": "other.surrogacy_", "illegal_adoption": "other.adoption_"}


def forward(apps, schema_editor):
    ExploitationForm = apps.get_model("signals", "ExploitationForm")
    Signal = apps.get_model("signals", "Signal")
    other = ExploitationForm.objects.filter(code="other").first()
    if other is None:  # a fresh database: the catalogue sync after migrate creates everything
        return
    base = ExploitationForm.objects.filter(parent=other).order_by("-order").values_list("order", flat=True).first()
    order = base or other.order
    for code, nl, en in NEW_FORMS:
        if not ExploitationForm.objects.filter(code=code).exists():
            order += 1
            ExploitationForm.objects.create(code=code, name_nl=nl, name_en=en, parent=other, order=order)
    Through = Signal.forms.through
    for code, prefix in SIGNS.items():
        signal_ids = (
            Signal.objects.filter(indicators__code__startswith=prefix)
            .exclude(forms__code=code).values_list("pk", flat=True).distinct()
        )
        Through.objects.bulk_create(
            [Through(signal_id=pk, exploitationform_id=code) for pk in signal_ids], ignore_conflicts=True
        )


def backward(apps, schema_editor):
    ExploitationForm = apps.get_model("signals", "ExploitationForm")
    ExploitationForm.objects.filter(code__in=["surrogacy", "illegal_adoption"], signals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
