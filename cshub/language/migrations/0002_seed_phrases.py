"""The starting list, after The Children's Society's guide for professionals (2024)."""

from django.db import migrations

PHRASES = [
    (
        "putting themselves at risk",
        "BLAMING",
        "Places responsibility on the child, not on the adults exploiting them.",
        "Say who is putting the child at risk: \u201cis being exploited by\u201d, \u201cis at risk of harm from\u201d.",
    ),
    (
        "putting herself at risk",
        "BLAMING",
        "Places responsibility on the child, not on the adults exploiting her.",
        "Say who is putting her at risk, and how.",
    ),
    (
        "putting himself at risk",
        "BLAMING",
        "Places responsibility on the child, not on the adults exploiting him.",
        "Say who is putting him at risk, and how.",
    ),
    (
        "consented",
        "BLAMING",
        "A child cannot consent to their own abuse or exploitation.",
        "Describe what happened and who did it: \u201cwas sexually abused by\u201d.",
    ),
    (
        "consensual",
        "BLAMING",
        "A child cannot consent to their own abuse or exploitation.",
        "Describe what happened and who did it.",
    ),
    (
        "lifestyle choice",
        "BLAMING",
        "Exploitation is not a choice; it suggests the child is responsible.",
        "\u201cis being groomed/exploited\u201d; describe the control and coercion.",
    ),
    (
        "chose to",
        "BLAMING",
        "Suggests the child is responsible for the harm done to them.",
        "Describe the pressure, grooming or control the child is under.",
    ),
    (
        "promiscuous",
        "BLAMING",
        "Blames the child and describes abuse as the child's behaviour.",
        "\u201cis being sexually exploited\u201d; name the abuse and who is responsible.",
    ),
    (
        "prostitute",
        "BLAMING",
        "A child cannot be a prostitute; this is child sexual abuse.",
        "\u201cis a victim of child sexual exploitation\u201d.",
    ),
    (
        "sexually active",
        "BLAMING",
        "Can hide abuse by presenting it as the child's choice.",
        "Say whether the sexual activity is abusive or exploitative, and with whom.",
    ),
    (
        "boyfriend",
        "VAGUE",
        "An adult abuser may be called a \u201cboyfriend\u201d: the word can hide grooming.",
        "Name the person's age and what is known about them: \u201ca 24-year-old man she calls her boyfriend\u201d.",
    ),
    (
        "risky behaviour",
        "BLAMING",
        "Places the risk in the child's behaviour rather than in the adults harming them.",
        "Describe the risk and its source: \u201cat risk of criminal exploitation by\u201d.",
    ),
    (
        "risk-taking behaviour",
        "BLAMING",
        "Places the risk in the child's behaviour rather than in the adults harming them.",
        "Describe the risk and its source.",
    ),
    (
        "associating with unsuitable peers",
        "VAGUE",
        "Vague, and can blame the child; says nothing of who or how.",
        "Name who, where and what is happening: \u201cis spending time with two older boys who are linked to a county line\u201d.",
    ),
    (
        "unsuitable peers",
        "VAGUE",
        "Vague: says nothing of who or what the risk is.",
        "Name the people, their ages and why they are a concern.",
    ),
    (
        "hanging around with",
        "VAGUE",
        "Vague, and can minimise grooming.",
        "Say who, where, how often and what is known about them.",
    ),
    (
        "known to frequent",
        "VAGUE",
        "Vague, and can blame the child.",
        "Name the places and why they are a concern.",
    ),
    (
        "drug running",
        "BLAMING",
        "Describes the child as the offender rather than the victim of criminal exploitation.",
        "\u201cis being criminally exploited to move drugs\u201d.",
    ),
    (
        "recruiting others",
        "BLAMING",
        "Can hide that the child is being made to recruit by their exploiters.",
        "Describe the control: \u201cis being made to bring other children to\u201d.",
    ),
    (
        "engaging in",
        "BLAMING",
        "Suggests the child is choosing the activity.",
        "Describe what is being done to the child, and by whom.",
    ),
    (
        "sexting",
        "BLAMING",
        "Can hide that images were coerced.",
        "\u201cwas pressured to send sexual images to\u201d; say who asked for them.",
    ),
    (
        "in a relationship with",
        "VAGUE",
        "Can hide an exploitative relationship with an adult.",
        "Give the other person's age and what is known about them.",
    ),
    (
        "not engaging",
        "BLAMING",
        "Puts the responsibility for the relationship on the child.",
        "Say what professionals have tried, and what may be stopping the child (fear, control, trust).",
    ),
]


def seed(apps, schema_editor):
    Phrase = apps.get_model("language", "Phrase")
    for phrase, kind, why, instead in PHRASES:
        Phrase.objects.update_or_create(
            phrase=phrase, defaults={"kind": kind, "why": why, "instead": instead}
        )


def unseed(apps, schema_editor):
    apps.get_model("language", "Phrase").objects.filter(phrase__in=[p[0] for p in PHRASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("language", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
