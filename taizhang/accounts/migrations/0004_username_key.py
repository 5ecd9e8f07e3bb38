# One identity per login name (accounts/identity.py): a column holding each username's
# identity, filled in 0005 and made unique in 0006.

import taizhang.accounts.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_login_security'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', taizhang.accounts.models.UserManager()),
            ],
        ),
        migrations.AddField(
            model_name='user',
            name='username_key',
            field=models.CharField(editable=False, max_length=450, null=True),
        ),
        migrations.AlterField(
            model_name='loginfailure',
            name='username',
            field=models.CharField(max_length=450, verbose_name='username tried'),
        ),
    ]
