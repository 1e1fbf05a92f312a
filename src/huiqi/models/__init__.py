"""The ORM tables, one per file; importing this package registers them all on ``Base.metadata``."""

from huiqi.models.announcement import Announcement
from huiqi.models.api_token import ApiToken
from huiqi.models.applicant import Applicant
from huiqi.models.applicant_profile import ApplicantProfile
from huiqi.models.application import Application
from huiqi.models.audit_event import AuditEvent
from huiqi.models.audit_head import AuditHead
from huiqi.models.base import Base
from huiqi.models.budget import Budget
from huiqi.models.calendar_day import CalendarDay
from huiqi.models.department import Department
from huiqi.models.disbursement import Disbursement
from huiqi.models.grant import Grant
from huiqi.models.growth_figure import GrowthFigure
from huiqi.models.login_attempt import LoginAttempt
from huiqi.models.material import Material
from huiqi.models.matter import Matter
from huiqi.models.matter_listing import MatterListing
from huiqi.models.message import Message
from huiqi.models.objection_contact import ObjectionContact
from huiqi.models.offer import Offer
from huiqi.models.policy_version import PolicyVersion
from huiqi.models.rating import Rating
from huiqi.models.recognition_list import RecognitionList
from huiqi.models.round import Round, RoundMeasure
from huiqi.models.saved_reform import SavedReform
from huiqi.models.simulation_job import SimulationJob
from huiqi.models.subscription import Subscription
from huiqi.models.transition import Transition
from huiqi.models.user import ROLES, User
from huiqi.models.web_session import WebSession
from huiqi.models.whitelist_entry import WhitelistEntry
from huiqi.models.whitelist_omission import WhitelistOmission
from huiqi.models.whitelist_version import WhitelistVersion

__all__ = [
    "ROLES", "Announcement", "ApiToken", "Applicant", "ApplicantProfile", "Application", "AuditEvent", "AuditHead",
    "Base", "Budget", "CalendarDay", "Department", "Disbursement", "Grant", "GrowthFigure", "LoginAttempt", "Material",
    "Matter", "MatterListing", "Message", "ObjectionContact", "Offer", "PolicyVersion", "Rating", "RecognitionList",
    "Round", "RoundMeasure", "SavedReform", "SimulationJob", "Subscription", "Transition", "User", "WebSession",
    "WhitelistEntry", "WhitelistOmission", "WhitelistVersion",
]
