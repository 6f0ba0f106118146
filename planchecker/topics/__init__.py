"""Stage 2, plan items -> topics: the vocabulary (rules/vocabulary/*.yaml) compiled into
scanners, the small learned topic model, and the classifier that tags, infers or
inherits each item's topics with evidence.
"""
