"""Periods other than whole years (issue 17): ``Observation.sub`` and ``GroupSuppression.sub``.

Every stored value keeps its year and gets ``sub = 0`` (the whole year), so nothing stored changes meaning;
the unique constraints now include the sub-period. See kasvu.readmodel.periods for the codes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bank", "0007_indicator_disclosure")]

    operations = [
        migrations.AddField(
            model_name="observation",
            name="sub",
            field=models.SmallIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="groupsuppression",
            name="sub",
            field=models.SmallIntegerField(db_default=0, default=0),
        ),
        migrations.RemoveConstraint(model_name="observation", name="observation_unique"),
        migrations.AddConstraint(
            model_name="observation",
            constraint=models.UniqueConstraint(
                fields=("indicator", "area", "year", "sub", "breakdown"), name="observation_unique"
            ),
        ),
        migrations.RemoveConstraint(model_name="groupsuppression", name="group_suppression_unique"),
        migrations.AddConstraint(
            model_name="groupsuppression",
            constraint=models.UniqueConstraint(
                fields=("indicator", "area", "year", "sub", "breakdown"), name="group_suppression_unique"
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="period_kind",
            field=models.CharField(
                choices=[
                    ("year", "year"),
                    ("school_year", "school year"),
                    ("half_year", "half-year"),
                    ("quarter", "quarter"),
                    ("month", "month"),
                    ("pooled", "pooled years"),
                    ("survey_round", "survey round"),
                ],
                default="year",
                max_length=16,
            ),
        ),
    ]
