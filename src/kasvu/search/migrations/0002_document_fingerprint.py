from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="fingerprint",
            field=models.CharField(default="", max_length=40),
        ),
    ]
