"""The Canada–US asylum border model (the flagship) on the roxham.sim engine.

Entry points: :func:`roxham.models.canada_us.model.run_scenario` and the ``roxham run`` command.
"""
