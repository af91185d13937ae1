from django.apps import AppConfig


class EnquetesConfig(AppConfig):
    name = "enquetes"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self):
        # Survey-sourced indicators of the engagements app read our results.
        from engagements.sources import register_survey_results
        from enquetes.feeds import SurveyResultsProvider

        register_survey_results(SurveyResultsProvider())
