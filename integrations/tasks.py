"""Background tasks, thin: they take primary keys and call integrations.hiring."""

from django_tasks import task


@task()
def process_delivery(delivery_id: int) -> str:
    # Imported when run: hiring enqueues this task, so a module-level import would be circular.
    from integrations import hiring

    return str(hiring.process_delivery(delivery_id))
