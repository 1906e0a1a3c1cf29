from django.db import migrations

GENDERS = [("U", "Not Known"), ("F", "Female"), ("M", "Male")]


def create_picklists(apps, schema_editor):
    Gender = apps.get_model("hr", "Gender")
    for code, name in GENDERS:
        Gender.objects.get_or_create(code=code, defaults={"name": name})
    # The group's permissions are granted after migrate (hr.roles), once they all exist.
    apps.get_model("auth", "Group").objects.get_or_create(name="HR Professional")


class Migration(migrations.Migration):
    dependencies = [
        ("hr", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_picklists, migrations.RunPython.noop)]
