"""Issue 16: a referral is recorded by its date, so it waits in days, never "0 minutes"."""

from cshub.conftest import make_child, make_referral


def test_the_referral_list_says_how_many_days_a_referral_has_waited(hub, personas, client_for):
    worker = personas["practitioner"]
    make_referral(make_child(worker, "Rhea", "Fallowfield"), worker, days_ago=0)
    make_referral(make_child(worker, "Ola", "Greystone"), worker, days_ago=1)
    html = client_for("team_manager").get("/referrals/").content.decode()
    assert "minute" not in html and "hour" not in html
    assert ">Today<" in html
    assert ">1 day<" in html
