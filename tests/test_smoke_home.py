from tests.helpers import page, sign_in


def test_practitioner_signs_in_and_sees_their_home(client, org):
    response = sign_in(client, org.practitioner.email)
    assert response.status_code == 302
    home = page(client.get("/"))
    assert "Priya Sandhu" in home.h1
    assert "Marcus Lindqvist" in home.text()
