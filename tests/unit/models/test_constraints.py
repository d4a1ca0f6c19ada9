from admin_app.models import Operator, Post, Profile, Tag, User
from admin_app.models.constraints import holders, unique_columns
from tests.factories import TagFactory, UserFactory


def test_unique_rules_come_from_columns_and_live_indexes():
    assert unique_columns(User) == [["email"], ["username"]]
    assert unique_columns(Tag) == [["name"], ["slug"]]
    assert unique_columns(Profile) == [["user_id"]]
    assert unique_columns(Post) == [["slug"]]
    assert unique_columns(Operator) == [["username"]]


def test_holders_name_the_live_record_other_than_the_one_edited(session, trash):
    ada = UserFactory(username="ada", email="ada@example.org")
    trash(UserFactory(username="gone", email="gone@example.org"))
    assert holders(session, User, {"username": "ada", "email": "x@example.org"}) == {
        "username": ada
    }
    assert holders(session, User, {"username": "ada"}, exclude=ada.id) == {}
    assert holders(session, User, {"username": "gone"}) == {}  # trashed rows hold nothing
    assert holders(session, User, {"username": ""}) == {}
    assert holders(session, Tag, {"name": TagFactory(name="x").name}) != {}
