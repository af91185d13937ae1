from enquetes.models.campaigns import (
    Campaign,
    Invitation,
    Message,
    PopulationImport,
    PopulationImportJob,
)
from enquetes.models.exports import ExportJob
from enquetes.models.questionnaires import (
    CONSENT_KEY,
    Choice,
    KeyStep,
    Question,
    Questionnaire,
    Section,
    SurveyKind,
    Theme,
)
from enquetes.models.responses import Answer, CampaignTally, Response, SealedResponse

__all__ = [
    "CONSENT_KEY",
    "Answer", "Campaign", "CampaignTally", "Choice", "ExportJob", "Invitation", "KeyStep",
    "Message",
    "PopulationImport", "PopulationImportJob", "Question", "Questionnaire", "Response",
    "SealedResponse", "Section",
    "SurveyKind", "Theme",
]  # fmt: skip
