"""The form renderer writes Django's <input> widgets in Python (issue 15): the same markup."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from brorebro.renderer import FastInputRenderer


class Everything(forms.Form):
    text = forms.CharField(help_text="Hint", max_length=20)
    number = forms.IntegerField(required=False, min_value=0)
    decimal = forms.DecimalField(required=False, decimal_places=1, max_digits=4)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(required=False)
    search = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "data-x": True, "data-y": False}
        ),
    )
    kinds = forms.MultipleChoiceField(
        required=False,
        choices=[("a", "Kontor & <lager>"), ("b", 'Butik "B"')],
        widget=forms.CheckboxSelectMultiple,
    )
    tenure = forms.ChoiceField(
        required=False, choices=[("rent", "Hyra"), ("sale", "Köp")], widget=forms.RadioSelect
    )
    notes = forms.CharField(required=False, widget=forms.Textarea)
    pick = forms.ChoiceField(required=False, choices=[("1", "Ett"), ("2", "Två")])


DATA = [
    {},
    {
        "text": '"><script>alert(1)</script>',
        "number": "-3",
        "decimal": "1.25",
        "email": "a@b",
        "url": "javascript:x",
        "day": "2026-11-30",
        "secret": "<&>",
        "hidden": "h'i",
        "agree": "on",
        "search": "lager & kontor",
        "kinds": ["a", "b"],
        "tenure": "sale",
        "notes": "</textarea>",
        "pick": "2",
    },
]


@pytest.mark.parametrize("data", DATA)
def test_every_field_renders_exactly_as_django_renders_it(data):
    initial = {"day": datetime.date(2026, 1, 2), "number": 7}
    django_form = Everything(data or None, initial=initial, renderer=DjangoTemplates())
    fast_form = Everything(data or None, initial=initial, renderer=FastInputRenderer())
    django_form.is_valid(), fast_form.is_valid()
    for name in Everything.base_fields:
        assert str(fast_form[name]) == str(django_form[name]), name
        for fast_box, django_box in zip(fast_form[name].subwidgets, django_form[name].subwidgets):
            assert fast_box.tag() == django_box.tag()
            assert fast_box.tag(wrap_label=True) == django_box.tag(wrap_label=True)
    assert fast_form.as_div() == django_form.as_div()


def test_a_widget_template_that_an_app_overrides_is_rendered_by_its_template(tmp_path, settings):
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / "text.html").write_text('<span class="own">{{ widget.name }}</span>')

    class OwnTemplates(FastInputRenderer):
        @property
        def engine(self):
            from django.template.backends.django import DjangoTemplates as Backend

            return Backend({"APP_DIRS": False, "DIRS": [tmp_path], "NAME": "own", "OPTIONS": {}})

    form = Everything(renderer=OwnTemplates())
    assert str(form["text"]) == '<span class="own">text</span>'


def test_the_site_uses_the_fast_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "brorebro.renderer.FastInputRenderer"
    assert isinstance(get_default_renderer(), FastInputRenderer)
