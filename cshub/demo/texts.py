"""Synthetic case text. Written the way the hub should write: what adults do to the
child, specific and evidenced, never blaming the child."""

import random

from cshub.people.models import Person
from cshub.referrals.models import Decision

_CONCERNS = {
    "CCE": [
        "Police found {name} in a flat in another town with two adults suspected of supplying class A drugs. {They} had a phone that adults were using to send {them} instructions (county lines).",
        "{name} has been reported missing four times in a month and was found each time with older males linked to a local drug line. {They} had injuries {they} would not explain and new clothes and trainers the family cannot account for.",
        "School report that adults wait for {name} at the gates and that {they} has been given cash and a moped. {Their} mother believes {they} is being made to carry drugs to pay off a 'debt'.",
    ],
    "CSE": [
        "{name} has been seen getting into cars driven by adults not known to the family. An adult male has been giving {them} alcohol, vapes and a phone: indicators of grooming.",
        "{name} disclosed to a school nurse that an adult {they} met online has asked for images and arranged to meet {them}. {They} was reported missing overnight and returned with a new phone.",
        "Police attended a hotel where {name} was found with two adult men. {They} was intoxicated. Information suggests {they} is being passed between adults at parties.",
    ],
    "OTHER": [
        "{name} is at risk of serious harm from a group of older young people who have threatened {them} and {their} family after an incident at school.",
        "Intelligence shared by police indicates {name} is being targeted by adults linked to organised crime; {they} has been assaulted twice in the last month.",
    ],
}

_RATIONALE = {
    Decision.OPEN: "The evidence of adults exploiting {name} meets the hub's threshold: specific, recent indicators from more than one agency. Open for an exploitation risk assessment and a multi-agency plan.",
    Decision.NFA: "On the information available there are no current indicators of exploitation; locality team to continue the existing plan and re-refer if new information emerges.",
    Decision.SIGNPOSTED: "Concerns are about harm that is better met by early help: signposted to the early help locality team with consent, who will review in six weeks.",
}


def _pronouns(sex: str) -> dict[str, str]:
    if sex == "M":
        return {"they": "he", "them": "him", "their": "his", "They": "He", "Their": "His"}
    if sex == "F":
        return {"they": "she", "them": "her", "their": "her", "They": "She", "Their": "Her"}
    return {"they": "they", "them": "them", "their": "their", "They": "They", "Their": "Their"}


def concerns(kind: str, name: str, sex: str, rng: random.Random) -> str:
    options = _CONCERNS.get(kind, _CONCERNS["OTHER"])
    text = rng.choice(options).format(name=name, **_pronouns(sex))
    if sex not in ("M", "F"):
        text = (
            text.replace("they was", "they were")
            .replace("they has", "they have")
            .replace("They was", "They were")
            .replace("they is", "they are")
        )
    return text


def rationale(decision: str, name: str, rng: random.Random, already_open: bool = False) -> str:
    if already_open:
        return f"{name} is already open to the hub: the information is added to the current episode and shared with the allocated worker."
    return _RATIONALE[Decision(decision)].format(name=name)


def closure(name: str, rng: random.Random) -> str:
    return rng.choice(
        [
            f"{name} has not been reported missing for three months and is attending college. The adults who were exploiting {name} have been charged. Support continues from the locality social worker.",
            f"{name} now has a trusted relationship with the hub worker's early help colleague, who will continue to see them. Risk reduced to low at the last assessment, agreed in joint supervision.",
            f"{name} has moved to a stable placement out of the area with a new school place. Safety plan shared with the new authority; hub work ends by agreement.",
        ]
    )


def case_summary(person: Person, kind: str, rng: random.Random) -> dict[str, str]:
    name = person.forename
    risks = {
        "CCE": f"Older males linked to a drug line are contacting {name} by phone and collecting them by car; {name} has been found in two other towns.",
        "CSE": f"An adult met online is grooming {name}: gifts, alcohol, and requests for images. {name} has been missing overnight twice.",
    }
    return {
        "who_the_child_is": f"{name} is {person.age()} and lives with their family. {name} loves football and music, and is close to an older sister.",
        "current_risks": risks.get(
            kind,
            f"A group of older young people has threatened {name} and their family; "
            f"police are investigating an assault on {name} last month.",
        ),
        "what_is_working": f"{name} trusts the hub worker and has kept every appointment this month. School have arranged a mentor.",
        "the_plan": "Disruption by police of the adults involved; weekly direct work; trigger plan shared with carers; review at the risk management meeting.",
    }


DELAY_REASONS = [
    "The child asked to see their trusted worker, who was on leave until Monday.",
    "The child was in hospital after returning.",
    "The child was in police custody.",
    "The child went missing again before the interview could take place.",
    "The child asked for the interview after school later in the week.",
]

PANEL_DECISION = (
    "Reviewed at the monthly missing panel. The places and adults named in return interviews are shared "
    "with police for disruption; the allocated worker to see the child weekly."
)

CHILD_ACCOUNTS = [
    "I went to my mate's. An older lad said I owed him for the phone he gave me, so I had to go with him.",
    "I was at a party in a flat. There were older men there. I don't really know whose flat it was.",
    "I didn't want to be at home after the argument. I stayed in the park and then at my cousin's.",
    "They picked me up in a car and took me to another town. I was told to hold a bag. I was scared to say no.",
    "I met someone online and went to see them. They bought me food and vapes.",
]
WHERE_AND_WHO = [
    "A flat above the shops on the high street; two men in their twenties, one called 'T'.",
    "Another town, by train; a grey car collected them at the station.",
    "The park and a cousin's house; no adults of concern named.",
    "A hotel near the ring road; an adult met online.",
]


# (kind, value, what the child said): shared across children so patterns show.
INTERVIEW_ENTRIES = [
    ("PLACE", "Flat above the takeaway, High Street", "Stayed there overnight with older lads"),
    ("PLACE", "Flat 3, Larch Court", "Taken there to 'chill'; adults came and went"),
    ("PLACE", "Travelodge by the ring road", "Went to a party in a room there"),
    ("PLACE", "Park by the railway station", "Waited there to be collected"),
    ("PLACE", "Bus station, stand 4", "Met someone there who gave a train ticket"),
    ("PERSON", "'Jay', about 20", "Gives lifts and buys food"),
    ("PERSON", "'Tee', older, from out of town", "Said the child owed him"),
    ("PERSON", "A woman called Shell", "Let them stay at her flat"),
    ("VEHICLE", "Silver Audi A3, part plate KX", "Picked up outside school"),
    ("VEHICLE", "Black Ford Transit", "Driven to another town in it"),
    ("PHONE", "07700 900123", "Number saved as 'Work'"),
    ("PHONE", "Snapchat account 'tee_money'", "Messages asking where the child is"),
]
