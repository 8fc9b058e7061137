from tests.organisation.test_admin import *
from tests.helpers import page
def test_probe(app, admin, org):
    path = f"/admin/staff/{org.practitioner.staff_id}/edit"
    d = edit_form(admin, path)
    print(d)
    r = submit(admin, path, d)
    print(page(r).error_summary())
