"""Interchange with other survey tools: import and export of XLSForm, SurveyJS and LimeSurvey.

Issue 18 grows this package into importers and exporters.  Today it holds only the translator
between XLSForm ``relevant`` expressions and surveykit conditions
(:mod:`surveykit_interchange.xlsform_expressions`); it registers no hooks and has no entry
point yet, so installing it changes nothing a consultation does.
"""
