from django.apps import AppConfig


class EnquetesConfig(AppConfig):
    name = "enquetes"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self):
        # Survey-sourced indicators of the engagements app read our results.
        from coopqualite.outbox import kinds
        from engagements.sources import register_survey_results
        from enquetes.feeds import SurveyResultsProvider
        from enquetes.services.sending import SURVEY_MESSAGES

        register_survey_results(SurveyResultsProvider())
        # The preview of a buyer file says whom it would invite to running key-step campaigns.
        from cooperatives import import_notices
        from enquetes.import_notices import KeyStepImportNotices

        import_notices.register(KeyStepImportNotices())
        # Invitations and reminders leave through the outbox.
        kinds.register(SURVEY_MESSAGES)
        # Confirmed population files are written by a background job.
        from coopqualite.jobs import kinds as job_kinds
        from enquetes.services.export_jobs import EXPORT_JOBS
        from enquetes.services.import_jobs import POPULATION_IMPORT_JOBS

        job_kinds.register(POPULATION_IMPORT_JOBS)
        # So are exports of answers too large to stream, and every XLSX.
        job_kinds.register(EXPORT_JOBS)
