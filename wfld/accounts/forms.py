from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import Email, Length

from wfld.core.baseform import Form
from wfld.core.forms import Required


class SignInForm(Form):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            Required("Enter your email address"),
            Email(
                message="Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            ),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            Required("Enter your password"),
            Length(max=1024, message="Password must be 1024 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(Form):
    submit = SubmitField("Sign out", widget=GovSubmitInput())
