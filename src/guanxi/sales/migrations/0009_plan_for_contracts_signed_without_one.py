"""A contract signed without a payment plan is receivable in full on its signing date
(issue 12 §3, docs/decisions.md): contracts signed before that rule get their one
instalment. Contracts that already received money keep what they have (a payment can only
have come with a plan); reversing leaves the instalments, which are real receivables."""

from django.db import migrations, models


def forward(apps, schema_editor):
    Contract = apps.get_model("sales", "Contract")
    Instalment = apps.get_model("sales", "Instalment")
    contracts = Contract.objects.filter(
        status__in=("signed", "executing"), total_amount__gt=0, paid_amount=0
    ).exclude(pk__in=Instalment.objects.values("contract_id"))
    Instalment.objects.bulk_create(
        [
            Instalment(
                contract_id=contract.pk,
                sequence=1,
                due_on=contract.signed_on or contract.created_at.date(),
                amount=contract.total_amount,
                customer_id=contract.customer_id,
                owner_id=contract.owner_id,
                department_id=contract.department_id,
                active=True,
                on_signing=True,
            )
            for contract in contracts.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("sales", "0008_approval_snapshot")]

    operations = [
        migrations.AddField(
            model_name="instalment",
            name="on_signing",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
