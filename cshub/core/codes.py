"""Code lists shared by every room: agencies, exploitation types, CIN census codes."""

from django.db import models


class Agency(models.TextChoices):
    SOCIAL_CARE = "SOCIAL_CARE", "Children's social care"
    POLICE = "POLICE", "Police"
    HEALTH = "HEALTH", "Health"
    EARLY_HELP = "EARLY_HELP", "Early help"
    MISSING_SERVICE = "MISSING_SERVICE", "Missing from home service"
    EDUCATION = "EDUCATION", "Education"
    YOUTH_JUSTICE = "YOUTH_JUSTICE", "Youth justice"
    VOLUNTARY_SECTOR = "VOLUNTARY_SECTOR", "Voluntary sector"
    ADULT_SOCIAL_CARE = "ADULT_SOCIAL_CARE", "Adult social care"


class ExploitationType(models.TextChoices):
    CCE = "CCE", "Child criminal exploitation"
    CSE = "CSE", "Child sexual exploitation"
    CRIMINAL_AND_SEXUAL = "CRIMINAL_AND_SEXUAL", "Criminal and sexual exploitation"
    TRAFFICKING = "TRAFFICKING", "Trafficking"
    SERIOUS_VIOLENCE = "SERIOUS_VIOLENCE", "Serious violence"
    THREAT_TO_LIFE = "THREAT_TO_LIFE", "Threat to life"
    FORCED_MARRIAGE_HBV = "FORCED_MARRIAGE_HBV", "Forced marriage or honour-based abuse"
    OTHER = "OTHER", "Other exploitation"


class Sex(models.TextChoices):
    M = "M", "Male"
    F = "F", "Female"
    U = "U", "Not known"


class Gender(models.TextChoices):
    NOT_KNOWN = "00", "Not known"
    MALE = "01", "Male"
    FEMALE = "02", "Female"
    SELF_DESCRIBED = "09", "Self-described"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy or Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ReferralSource(models.TextChoices):
    """CIN census referral source codes."""

    S1A = "1A", "Individual: family member or relative or carer"
    S1B = "1B", "Individual: acquaintance (including neighbours and child minders)"
    S1C = "1C", "Individual: self"
    S1D = "1D", "Individual: other"
    S2A = "2A", "Schools"
    S2B = "2B", "Education services"
    S3A = "3A", "Health services: GP"
    S3B = "3B", "Health services: health visitor"
    S3C = "3C", "Health services: school nurse"
    S3D = "3D", "Health services: other primary health services"
    S3E = "3E", "Health services: A&E (emergency department)"
    S3F = "3F", "Health services: other"
    S4 = "4", "Housing"
    S5A = "5A", "Local authority services: social care"
    S5B = "5B", "Local authority services: other internal"
    S5C = "5C", "Local authority services: external"
    S5D = "5D", "Early help"
    S6 = "6", "Police"
    S7 = "7", "Other legal agency"
    S8 = "8", "Other"
    S9 = "9", "Anonymous"
    S10 = "10", "Unknown"


class Outcome(models.TextChoices):
    YES = "YES", "Yes"
    NO = "NO", "No"
    UNKNOWN = "UNKNOWN", "Not known"
    NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable"
