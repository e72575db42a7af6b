"""The Canada–US asylum border model (the flagship): network, cohorts, law, demand, kernel.

Entry points: :func:`roxham.models.canada_us.model.run_scenario` and the ``roxham run`` command.
"""
