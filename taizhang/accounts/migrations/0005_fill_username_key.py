# Fill the identity of every existing username; refuse (and change nothing) if two existing
# accounts are one name in two spellings: an administrator must rename one of them first.

from collections import defaultdict

from django.db import migrations


def fill_username_keys(apps, schema_editor):
    from taizhang.accounts.identity import login_key

    User = apps.get_model("accounts", "User")
    by_key = defaultdict(list)
    users = list(User.objects.only("pk", "username"))
    for user in users:
        by_key[login_key(user.username)].append(user.username)
    clashes = sorted(sorted(names) for names in by_key.values() if len(names) > 1)
    if clashes:
        listed = "; ".join(" = ".join(names) for names in clashes)
        raise RuntimeError(
            "These accounts have the same username in different spellings (case or letter "
            f"width): {listed}. Rename all but one of each group (taizhang shell, or the "
            "admin of the previous version), then run migrate again. Nothing was changed."
        )
    for user in users:
        user.username_key = login_key(user.username)
    User.objects.bulk_update(users, ["username_key"], batch_size=500)
    # Failures still counting towards a lock: count them under the identity from now on.
    LoginFailure = apps.get_model("accounts", "LoginFailure")
    pending = list(LoginFailure.objects.filter(cleared=False).only("pk", "username"))
    for failure in pending:
        failure.username = login_key(failure.username)
    LoginFailure.objects.bulk_update(pending, ["username"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_username_key'),
    ]

    operations = [
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
    ]
