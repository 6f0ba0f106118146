"""Stage 3, Plan + topics -> Report: the rule catalogue (rules/*.yaml) and its check kinds,
facts, the engine (the only module that imports durable_rules), findings with waivers
and sorting, each rule's own test cases, and `pipeline.Checker`, which runs them for
one plan.
"""
