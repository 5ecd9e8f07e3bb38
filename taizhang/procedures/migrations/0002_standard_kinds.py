"""The standard checklist (choices.StandardKind), in the order the approvals usually run.

Names are stored in Chinese (the office's language); pages show the standard ones in the
reader's language from their code. The project approval's time limit is the common 20
working days from acceptance; the others the office states per item.
"""

from django.db import migrations

STANDARD = [
    ("approval", "立项（审批/核准/备案）", 10, 20),
    ("land_pre_review", "用地预审", 20, None),
    ("land_planning", "用地规划许可", 30, None),
    ("land_acquired", "土地出让/取得不动产权证（拿地）", 40, None),
    ("engineering_planning", "工程规划许可", 50, None),
    ("environment", "环境影响评价", 60, None),
    ("energy", "节能审查", 70, None),
    ("construction_permit", "施工许可", 80, None),
]


def create(apps, schema_editor):
    kind = apps.get_model("procedures", "ProcedureKind")
    for code, name, order, days in STANDARD:
        kind.objects.get_or_create(code=code, defaults={
            "name": name, "order": order, "time_limit_days": days})


def remove(apps, schema_editor):
    apps.get_model("procedures", "ProcedureKind").objects.filter(
        code__in=[code for code, *_rest in STANDARD]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_procedures")]
    operations = [migrations.RunPython(create, remove)]
