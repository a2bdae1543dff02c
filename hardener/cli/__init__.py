"""The ``hardener`` command line (L3 edge): one module per verb, one error catch point in ``main``."""
