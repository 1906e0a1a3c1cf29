"""The HR business rules, as plain functions that views, admin actions, tasks and commands call.

- `hr.services.hires`: create or complete a new starter's Person, Employment Details and
  New Starter task, idempotently.
- `hr.services.tasks`: the New Hire Administrator's work on a task (correct, complete, reassign).
"""
