"""The ``cli`` renderer: the terminal form, ``surveykit answer`` and ``surveykit enter``."""
